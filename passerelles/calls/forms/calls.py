"""Forms of a call and of its rules, and the Paris date-time field that the deadlines are entered with."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import ActorKind, Theme
from passerelles.actors.forms.networks import EuroField
from passerelles.calls.enums import CallStatus, SupportModality
from passerelles.calls.models import Call, Criterion, Question, ReportIndicator, RequiredDocument
from passerelles.calls.services.calls import CHOICE_KINDS, CHOICE_LENGTH, CHOICES_MAX
from passerelles.core.forms import DateInput, limit_length

TEXT_MAX = 20_000
SHORT_MAX = 2_000
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
EURO_ERRORS = {"invalid": _("Saisissez un montant en euros, ex. 1 500,50.")}


def paris_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def paris_datetime(naive: datetime.datetime) -> datetime.datetime:
    """A wall-clock time in Paris made aware.

    A time that does not exist (the spring change: 2026-03-29 02:30) is refused. A time that happens twice (the
    autumn change: 2026-10-25 02:30) is read as the SECOND occurrence, in winter time (fold=1, UTC+1): for a
    deadline this is the generous reading, so nobody who sees on the clock a time before the deadline is refused.
    """
    zone = paris_zone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    for candidate in (first, second):
        # A time that does not exist does not survive the round trip through UTC.
        back = candidate.astimezone(datetime.UTC).astimezone(zone)
        if back.replace(tzinfo=None) != naive:
            raise forms.ValidationError(
                _(
                    "Le %(date)s à %(time)s n'existe pas à Paris (passage à l'heure d'été : "
                    "les horloges sautent de 2 h à 3 h). Choisissez une autre heure."
                ),
                code="nonexistent",
                params={"date": naive.strftime("%d/%m/%Y"), "time": naive.strftime("%H:%M")},
            )
    return second


class ParisDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)

    def format_value(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(paris_zone()).replace(tzinfo=None)
        return super().format_value(value)


class ParisDateTimeField(forms.Field):
    """A date and time entered in Paris local time (a `datetime-local` input), returned aware."""

    widget = ParisDateTimeInput
    default_error_messages = {
        "invalid": _("Saisissez une date et une heure, ex. 30/01/2026 12:00."),
    }
    input_formats = (DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value if value.tzinfo else paris_datetime(value)
        text = str(value).strip()
        if len(text) > 30:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        for fmt in self.input_formats:
            try:
                naive = datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return paris_datetime(naive)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class CallFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=[("", _("Tous"))] + list(CallStatus.choices), required=False)
    year = forms.TypedChoiceField(label=_("Année d'ouverture"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(str(y), str(y)) for y in years]

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or None, "year": data.get("year") or None}


def _checkboxes(label, choices, *, required=False, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": _("Choix inconnu : %(value)s.")},
    )


class CallForm(forms.ModelForm):
    orientations = forms.TypedMultipleChoiceField(
        label=_("Orientations visées"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Orientation inconnue dans la stratégie en vigueur : %(value)s.")},
    )
    themes = _checkboxes(_("Thématiques visées"), Theme.choices)
    eligible_kinds = _checkboxes(
        _("Structures éligibles"), ActorKind.choices, help_text=_("Aucune case cochée : tous les types de structures.")
    )
    modalities = _checkboxes(
        _("Modalités de soutien"),
        SupportModality.choices,
        required=True,
    )
    min_amount = EuroField(label=_("Montant minimal demandé (EUR)"), required=False, error_messages=EURO_ERRORS)
    max_amount = EuroField(label=_("Montant maximal demandé (EUR)"), required=False, error_messages=EURO_ERRORS)
    envelope = EuroField(label=_("Enveloppe de l'appel (EUR)"), required=False, error_messages=EURO_ERRORS)
    max_share_percent = forms.DecimalField(
        label=_("Part maximale du budget du projet (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Saisissez un pourcentage, ex. 50."),
            "min_value": _("Un pourcentage va de 0 à 100."),
            "max_value": _("Un pourcentage va de 0 à 100."),
        },
    )
    min_age_years = forms.IntegerField(
        label=_("Ancienneté minimale de la structure (années)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("Saisissez un nombre d'années."),
            "min_value": _("De 0 à 100 ans."),
            "max_value": _("100 ans au plus."),
        },
    )
    opens_at = ParisDateTimeField(label=_("Ouverture (heure de Paris)"))
    closes_at = ParisDateTimeField(label=_("Clôture (heure de Paris)"))

    class Meta:
        model = Call
        fields = [
            "title",
            "summary",
            "description",
            "orientations",
            "themes",
            "eligible_kinds",
            "requires_home_territory",
            "min_age_years",
            "min_amount",
            "max_amount",
            "max_share_percent",
            "modalities",
            "support_details",
            "envelope",
            "opens_at",
            "closes_at",
            "interim_report_due",
            "final_report_due",
            "report_content",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "support_details": forms.Textarea(attrs={"rows": 4}),
            "report_content": forms.Textarea(attrs={"rows": 4}),
            "interim_report_due": DateInput(),
            "final_report_due": DateInput(),
        }

    def __init__(self, *args, orientations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orientations"].choices = [(o.number, str(o)) for o in orientations]
        self.fields["modalities"].error_messages["required"] = _("Choisissez au moins une modalité de soutien.")
        self.fields["opens_at"].error_messages["required"] = _("Indiquez la date et l'heure d'ouverture.")
        self.fields["closes_at"].error_messages["required"] = _("Indiquez la date et l'heure de clôture.")
        limit_length(self.fields["description"], TEXT_MAX)
        limit_length(self.fields["support_details"], SHORT_MAX)
        limit_length(self.fields["report_content"], SHORT_MAX)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        low, high = cleaned.get("min_amount"), cleaned.get("max_amount")
        if low is not None and high is not None and high < low:
            self.add_error("max_amount", _("Le montant maximal ne peut pas être inférieur au montant minimal."))
        return cleaned

    def _post_clean(self):
        # The service validates the whole row (with the organisation's strategy); skip the model's own pass here.
        pass

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReopenForm(forms.Form):
    closes_at = ParisDateTimeField(
        label=_("Nouvelle clôture (heure de Paris)"),
        error_messages={"required": _("Indiquez la nouvelle date et l'heure de clôture.")},
    )


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Pour une question à choix : un choix par ligne (%(max)s au plus, %(chars)s caractères chacun).")
        % {"max": CHOICES_MAX, "chars": CHOICE_LENGTH},
    )

    class Meta:
        model = Question
        fields = ["label", "help_text", "kind", "is_required", "choices", "show_if_question", "show_if_value"]
        help_texts = {
            "show_if_question": _("Une question à choix qui précède celle-ci, dans le même appel."),
            "show_if_value": _("L'un des choix de cette question, écrit à l'identique."),
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["choices"], CHOICES_MAX * (CHOICE_LENGTH + 2))
        earlier = call.questions.filter(kind__in=CHOICE_KINDS).order_by("position", "pk")
        if self.instance.pk:
            earlier = [q for q in earlier if (q.position, q.pk) < (self.instance.position, self.instance.pk)]
            self.initial["choices"] = "\n".join(self.instance.choices or [])
        self.fields["show_if_question"].queryset = call.questions.filter(pk__in=[q.pk for q in earlier]).order_by(
            "position", "pk"
        )
        self.fields["show_if_question"].empty_label = _("Toujours affichée")
        self.fields["show_if_question"].error_messages["invalid_choice"] = _(
            "Choisissez une question à choix qui précède celle-ci."
        )
        self.fields["kind"].error_messages["invalid_choice"] = _("Type de réponse inconnu.")

    def clean_label(self):
        return self.cleaned_data["label"].strip()

    def clean_choices(self):
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = list(dict.fromkeys(line for line in lines if line))
        kind = self.data.get(self.add_prefix("kind"))
        if kind not in CHOICE_KINDS:
            if choices:
                raise forms.ValidationError(_("Seules les questions à choix proposent des choix."))
            return []
        if len(choices) < 2:
            raise forms.ValidationError(_("Proposez au moins deux choix, un par ligne."))
        if len(choices) > CHOICES_MAX:
            raise forms.ValidationError(
                _("%(max)s choix au plus (vous en avez saisi %(count)s).") % {"max": CHOICES_MAX, "count": len(choices)}
            )
        too_long = [n for n, choice in enumerate(choices, start=1) if len(choice) > CHOICE_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Choix %(line)s : %(chars)s caractères au plus.") % {"line": too_long[0], "chars": CHOICE_LENGTH}
            )
        return choices

    def _post_clean(self):
        pass

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class _PartForm(forms.ModelForm):
    def _post_clean(self):
        pass

    def clean_label(self):
        return self.cleaned_data["label"].strip()

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class DocumentForm(_PartForm):
    class Meta:
        model = RequiredDocument
        fields = ["label", "description", "is_required"]


class CriterionForm(_PartForm):
    weight = forms.IntegerField(
        label=_("Pondération"),
        min_value=1,
        max_value=10,
        initial=1,
        help_text=_("De 1 (secondaire) à 10 (déterminant)."),
        error_messages={
            "invalid": _("La pondération va de 1 à 10."),
            "min_value": _("La pondération va de 1 à 10."),
            "max_value": _("La pondération va de 1 à 10."),
        },
    )

    class Meta:
        model = Criterion
        fields = ["label", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], SHORT_MAX)
        if self.instance.pk and self.instance.is_alignment:
            # The label and description are those of the strategy's guiding principle.
            del self.fields["label"]
            del self.fields["description"]


class IndicatorForm(_PartForm):
    class Meta:
        model = ReportIndicator
        fields = ["label", "unit"]
