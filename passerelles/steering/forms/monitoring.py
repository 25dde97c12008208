from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from passerelles.core import uploads
from passerelles.core.forms import DateInput, limit_length, scoped
from passerelles.core.models import Directorate, Territory
from passerelles.steering.enums import EvaluationKind, FollowUpStatus
from passerelles.steering.models import (
    Evaluation,
    FollowUp,
    LessonLearned,
    MonitoringMission,
    Programme,
    Project,
)
from passerelles.steering.selectors.common import visible_projects

SHORT_TEXT_MAX = 2_000
LONG_TEXT_MAX = 8_000
REPORT_MAX_BYTES = getattr(settings, "EVALUATION_REPORT_MAX_BYTES", 10 * 1024 * 1024)


def _project_label(project: Project) -> str:
    return f"{project.code} — {project.title}"


def _check_dates(form: forms.Form, start_name: str, end_name: str, message) -> None:
    start, end = form.cleaned_data.get(start_name), form.cleaned_data.get(end_name)
    if start and end and end < start:
        form.add_error(end_name, message)


# -- missions ---------------------------------------------------------------------------------------


class MissionForm(forms.ModelForm):
    class Meta:
        model = MonitoringMission
        fields = ["territory", "start", "end", "purpose", "findings", "recommendations", "projects", "is_done"]
        widgets = {
            "start": DateInput,
            "end": DateInput,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
            "projects": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = scoped(Territory, organisation).order_by("kind", "name")
        self.fields["projects"].queryset = visible_projects(organisation=organisation, user=user).order_by("code")
        self.fields["projects"].label_from_instance = _project_label
        limit_length(self.fields["purpose"], SHORT_TEXT_MAX)
        for name in ("findings", "recommendations"):
            limit_length(self.fields[name], LONG_TEXT_MAX)

    def clean(self):
        cleaned = super().clean()
        _check_dates(self, "start", "end", _("La fin de la mission ne peut pas précéder son début."))
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("projects")
        return data


class DelegateForm(forms.Form):
    """A member of the delegation: a role and a directorate, never a person's name."""

    role = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        required=False,
        help_text=_("Une fonction, jamais un nom : « Vice-président·e délégué·e », « Chargé·e de mission »."),
    )
    directorate = forms.ModelChoiceField(
        label=_("Direction"), queryset=Directorate.objects.none(), required=False, empty_label=_("Aucune (élu·e)")
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = scoped(Directorate, organisation)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("directorate") and not cleaned.get("role"):
            self.add_error("role", _("Indiquez la fonction de ce membre de la délégation."))
        return cleaned


class _BaseDelegateFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("role")]


DelegateFormSet = forms.formset_factory(
    DelegateForm, formset=_BaseDelegateFormSet, extra=3, max_num=20, validate_max=True
)


def delegate_formset(data=None, *, organisation, mission: MonitoringMission | None = None):
    initial = None
    if mission is not None and data is None:
        initial = [{"role": d.role, "directorate": d.directorate_id} for d in mission.delegates.order_by("pk")]
    return DelegateFormSet(data, initial=initial, prefix="delegates", form_kwargs={"organisation": organisation})


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["text", "owner", "due_date"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = scoped(Directorate, organisation)
        self.fields["owner"].empty_label = _("Aucune")
        self.fields["owner"].label = _("Direction responsable")
        limit_length(self.fields["text"], SHORT_TEXT_MAX)


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=FollowUpStatus.choices)


class MissionFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    territory = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    done = forms.ChoiceField(
        label=_("Réalisation"),
        required=False,
        choices=[("", _("Toutes")), ("yes", _("Réalisées")), ("no", _("Prévues"))],
    )
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)

    def __init__(self, *args, organisation, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, y) for y in years]
        self.fields["territory"].queryset = scoped(Territory, organisation).order_by("kind", "name")

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        done = data.get("done")
        return {
            "year": data.get("year"),
            "territory": data.get("territory"),
            "is_done": {"yes": True, "no": False}.get(done),
            "text": data.get("q") or "",
        }


# -- evaluations ------------------------------------------------------------------------------------


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "kind",
            "title",
            "programme",
            "project",
            "evaluator",
            "start",
            "end",
            "findings",
            "recommendations",
            "management_response",
            "document",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "start": DateInput,
            "end": DateInput,
            "findings": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
            "management_response": forms.Textarea(attrs={"rows": 5}),
            # No "current file" link: media are not public, the report is served by `steering:evaluation_report`.
            "document": forms.FileInput(attrs={"accept": "application/pdf"}),
        }

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EvaluationKind.choices
        self.fields["programme"].queryset = scoped(Programme, organisation)
        self.fields["programme"].empty_label = _("Aucun (évaluation d'un projet)")
        self.fields["programme"].help_text = _("Un programme ou un projet, pas les deux.")
        self.fields["project"].queryset = visible_projects(organisation=organisation, user=user).order_by("code")
        self.fields["project"].empty_label = _("Aucun (évaluation d'un programme)")
        self.fields["project"].label_from_instance = _project_label
        self.fields["evaluator"].label = _("Organisme évaluateur")
        self.fields["document"].help_text = (
            _("Rapport au format PDF, 10 Mo au plus. Laissez vide pour garder le rapport déjà joint.")
            if self.instance.document
            else _("Rapport au format PDF, 10 Mo au plus.")
        )
        for name in ("findings", "recommendations", "management_response"):
            limit_length(self.fields[name], LONG_TEXT_MAX)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            _content_type, document.name = uploads.validate_upload(
                document, max_bytes=REPORT_MAX_BYTES, accepted=(uploads.PDF,)
            )
        return document

    def clean(self):
        cleaned = super().clean()
        programme, project = cleaned.get("programme"), cleaned.get("project")
        if "programme" not in self.errors and "project" not in self.errors:
            if programme and project:
                self.add_error("project", _("Une évaluation porte sur un programme ou sur un projet, pas les deux."))
            elif not programme and not project:
                self.add_error("programme", _("Choisissez le programme ou le projet évalué."))
        _check_dates(self, "start", "end", _("La fin de l'évaluation ne peut pas précéder son début."))
        return cleaned

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class EvaluationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous"))] + EvaluationKind.choices)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    year = forms.IntegerField(label=_("Année"), required=False, min_value=1950, max_value=2100)
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = scoped(Programme, organisation)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or "",
            "programme": data.get("programme"),
            "year": data.get("year"),
            "text": data.get("q") or "",
        }


# -- lessons learned --------------------------------------------------------------------------------


class LessonForm(forms.ModelForm):
    class Meta:
        model = LessonLearned
        fields = ["title", "text", "learned_on", "projects", "evaluation"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "learned_on": DateInput,
            "projects": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = visible_projects(organisation=organisation, user=user).order_by("code")
        self.fields["projects"].label_from_instance = _project_label
        self.fields["evaluation"].queryset = scoped(Evaluation, organisation)
        self.fields["evaluation"].empty_label = _("Aucune")
        limit_length(self.fields["text"], LONG_TEXT_MAX)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("projects")
        return data


class LessonFilterForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Projet"), queryset=Project.objects.none(), required=False, empty_label=_("Tous")
    )
    year = forms.IntegerField(label=_("Année"), required=False, min_value=1950, max_value=2100)
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = visible_projects(organisation=organisation, user=user).order_by("code")
        self.fields["project"].label_from_instance = _project_label

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"project": data.get("project"), "year": data.get("year"), "text": data.get("q") or ""}
