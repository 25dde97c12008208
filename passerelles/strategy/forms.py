from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.core.forms import DateInput, limit_length, scoped
from passerelles.core.models import Directorate
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import (
    Action,
    ActorCategory,
    Orientation,
    Priority,
    ProgressNote,
    StrategyDocument,
)

LONG_TEXT_MAX = 20_000
TRANSVERSAL = "T"


class PlanFilterForm(forms.Form):
    """The filters of the action plan, read from the query string. Unknown values are errors, not crashes."""

    orientation = forms.ModelChoiceField(
        label=_("Orientation"),
        queryset=Orientation.objects.none(),
        to_field_name="number",
        required=False,
        empty_label=_("Toutes"),
    )
    priority = forms.ChoiceField(label=_("Priorité"), required=False)
    actor_category = forms.ModelChoiceField(
        label=_("Actions impliquant"),
        queryset=ActorCategory.objects.none(),
        to_field_name="key",
        required=False,
        empty_label=_("Toutes"),
    )
    status = forms.ChoiceField(label=_("État"), choices=[("", _("Tous"))] + list(ActionStatus.choices), required=False)
    lead_directorate = forms.ModelChoiceField(
        label=_("Direction pilote"), queryset=Directorate.objects.none(), required=False, empty_label=_("Toutes")
    )
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)

    def __init__(self, *args, document, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orientation"].queryset = Orientation.objects.filter(document=document)
        self.fields["orientation"].label_from_instance = lambda o: f"{o.number}. {o.title}"
        self.priorities = {p.code: p for p in Priority.objects.filter(document=document)}
        self.fields["priority"].choices = [("", _("Toutes")), (TRANSVERSAL, _("Actions transversales"))] + [
            (code, f"{code}. {p.title}") for code, p in self.priorities.items()
        ]
        self.fields["actor_category"].queryset = ActorCategory.objects.filter(document=document)
        self.fields["lead_directorate"].queryset = scoped(Directorate, organisation)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        priority_code = data.get("priority") or ""
        return {
            "orientation": data.get("orientation"),
            "priority": self.priorities.get(priority_code),
            "transversal": priority_code == TRANSVERSAL,
            "actor_category": data.get("actor_category"),
            "status": data.get("status") or None,
            "lead_directorate": data.get("lead_directorate"),
            "text": data.get("q") or "",
        }

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "code",
            "title",
            "description",
            "priority",
            "actor_category",
            "orientations",
            "lead_directorate",
            "start_date",
            "due_date",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "orientations": forms.CheckboxSelectMultiple,
            "start_date": DateInput,
            "due_date": DateInput,
        }

    def __init__(self, *args, document: StrategyDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        limit_length(self.fields["description"], LONG_TEXT_MAX)
        self.fields["priority"].queryset = Priority.objects.filter(document=document)
        self.fields["priority"].empty_label = _("Aucune (action transversale)")
        self.fields["actor_category"].queryset = ActorCategory.objects.filter(document=document)
        self.fields["orientations"].queryset = Orientation.objects.filter(document=document)
        self.fields["orientations"].label_from_instance = lambda o: f"{o.number}. {o.title}"
        self.fields["lead_directorate"].queryset = scoped(Directorate, document.organisation)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Action.objects.filter(document=self.document, code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Une action porte déjà ce code dans ce document."))
        return code

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("L'échéance ne peut pas précéder la date de début."))
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("orientations")
        return data


class OrientationForm(forms.ModelForm):
    class Meta:
        model = Orientation
        fields = ["title", "expected_results", "levers", "vigilance"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "expected_results": forms.Textarea(attrs={"rows": 5}),
            "levers": forms.Textarea(attrs={"rows": 5}),
            "vigilance": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("expected_results", "levers", "vigilance"):
            limit_length(self.fields[name], LONG_TEXT_MAX)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = StrategyDocument
        fields = ["title", "horizon_year", "red_thread", "summary"]
        widgets = {"red_thread": forms.Textarea(attrs={"rows": 3}), "summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("red_thread", "summary"):
            limit_length(self.fields[name], LONG_TEXT_MAX)

    def clean_horizon_year(self):
        year = self.cleaned_data.get("horizon_year")
        if year is not None and not 1950 <= year <= 2100:
            raise forms.ValidationError(_("Indiquez une année entre 1950 et 2100."))
        return year


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État d'avancement"), choices=ActionStatus.choices)


class ProgressNoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["noted_on", "text"]
        widgets = {"noted_on": DateInput, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["text"], 5000)
