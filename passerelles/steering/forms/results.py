"""Forms of the results framework: every input checked, with a clear message on the field."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.enums import TerritoryKind
from passerelles.core.forms import DateInput, limit_length, scoped
from passerelles.core.models import Territory
from passerelles.steering.enums import MeasuredOn
from passerelles.steering.models import Disaggregation, Indicator, Period, PeriodEvidence, Programme, Result
from passerelles.steering.services.results import RETURN_COMMENT_MAX, territory_error, validate_evidence_file

LONG_TEXT_MAX = 10_000
# "<" followed by a letter, "/", "!" or "?" opens a tag; "x < 5" stays accepted.
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
# 16 digits, 4 of them decimals (the model's DecimalField).
_MAX_INTEGER_DIGITS = 12


def no_markup(value: str) -> None:
    if value and _MARKUP.search(value):
        raise forms.ValidationError(_("Les balises HTML (« <script> »…) ne sont pas acceptées dans ce champ."))


def _guard_text_fields(form: forms.Form) -> None:
    """Length limit on unbounded text and refusal of markup on every text field of the form."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field, forms.URLField):
            if field.max_length is None:
                limit_length(field, LONG_TEXT_MAX)
            field.validators.append(no_markup)


def _optional_position(form: forms.ModelForm) -> None:
    form.fields["position"].required = False
    form.fields["position"].help_text = _("Laissez vide pour garder l'ordre de saisie.")


class FrenchDecimalField(forms.Field):
    """A number typed the French way ("12,5", "1 250,75") or the English way ("12.5"); text is refused."""

    default_error_messages = {
        "invalid": _("Saisissez un nombre, par exemple 12,5."),
        "too_big": _("Ce nombre est trop grand."),
        "too_precise": _("Quatre décimales au plus."),
    }

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.allow_negative = allow_negative
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if abs(number) >= Decimal(10) ** _MAX_INTEGER_DIGITS:
            raise forms.ValidationError(self.error_messages["too_big"], code="too_big")
        if number != number.quantize(Decimal("0.0001")):
            raise forms.ValidationError(self.error_messages["too_precise"], code="too_precise")
        if number < 0 and not self.allow_negative:
            raise forms.ValidationError(
                _("Une valeur négative n'a pas de sens pour cet indicateur (sa référence n'est pas négative)."),
                code="negative",
            )
        return number.quantize(Decimal("0.0001"))


# -- the framework ------------------------------------------------------------------------------------------


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = ["kind", "title", "description", "position"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_text_fields(self)
        self.fields["kind"].choices = self.fields["kind"].choices[1:]  # no empty choice: the level is required
        _optional_position(self)


class IndicatorForm(forms.ModelForm):
    baseline_value = FrenchDecimalField(label=_("Valeur de référence"), allow_negative=True)

    class Meta:
        model = Indicator
        fields = [
            "title",
            "measure",
            "unit",
            "measured_on",
            "territory",
            "baseline_value",
            "baseline_date",
            "baseline_comment",
            "ascending",
            "cumulative",
            "is_example",
            "position",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "baseline_comment": forms.Textarea(attrs={"rows": 3}),
            "baseline_date": DateInput,
            "measured_on": forms.RadioSelect,
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        _guard_text_fields(self)
        self.fields["territory"].queryset = scoped(Territory, project.organisation).order_by("kind", "name")
        self.fields["territory"].required = True
        self.fields["territory"].label_from_instance = lambda t: f"{t.name} ({t.get_kind_display()})"
        self.fields["measured_on"].choices = MeasuredOn.choices
        _optional_position(self)

    def clean_baseline_date(self):
        value = self.cleaned_data.get("baseline_date")
        if value and not datetime.date(1950, 1, 1) <= value <= timezone.localdate():
            raise forms.ValidationError(
                _("La valeur de référence est mesurée entre 1950 et aujourd'hui : vérifiez la date.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        measured_on, territory = cleaned.get("measured_on"), cleaned.get("territory")
        if measured_on and territory:
            message = territory_error(measured_on, territory, self.project)
            if message:
                self.add_error("territory", message)
        return cleaned


class PeriodForm(forms.ModelForm):
    target_value = FrenchDecimalField(label=_("Cible"), allow_negative=True)

    class Meta:
        model = Period
        fields = ["start", "end", "target_value", "target_comment"]
        widgets = {"start": DateInput, "end": DateInput, "target_comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        _guard_text_fields(self)
        self.fields["target_value"].allow_negative = _negative_allowed(indicator)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période ne peut pas précéder son début."))
            for name, value in (("start", start), ("end", end)):
                if not 1950 <= value.year <= 2100:
                    self.add_error(name, _("Indiquez une date entre 1950 et 2100."))
            clash = Period.objects.filter(indicator=self.indicator, start=start, end=end)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("start", _("Cet indicateur a déjà une période avec ces dates."))
        return cleaned

    def _post_clean(self):
        # The indicator is set by the service; the unique check is done in clean() with a clear message.
        self.instance.indicator = self.indicator
        self.instance.organisation = self.indicator.organisation
        super()._post_clean()


class DisaggregationForm(forms.ModelForm):
    class Meta:
        model = Disaggregation
        fields = ["dimension", "category"]
        help_texts = {"dimension": _("ex. sexe, tranche d'âge"), "category": _("ex. femmes, 15-24 ans")}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        _guard_text_fields(self)

    def clean(self):
        cleaned = super().clean()
        dimension, category = (cleaned.get("dimension") or "").strip(), (cleaned.get("category") or "").strip()
        if dimension and category:
            clash = Disaggregation.objects.filter(
                indicator=self.indicator, dimension__iexact=dimension, category__iexact=category
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("category", _("Cette ventilation existe déjà pour l'indicateur."))
        return cleaned


# -- values, workflow, evidence ------------------------------------------------------------------------------


def _negative_allowed(indicator: Indicator) -> bool:
    """Negative values only make sense for a quantity that can be negative, i.e. whose baseline already is."""
    return indicator.baseline_value is not None and indicator.baseline_value < 0


class PeriodValuesForm(forms.Form):
    """Target and actual of one period, with their breakdown; carries the version it was read at."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Version de la saisie manquante (champ obligatoire) : rechargez la page."),
            "invalid": _("Version de la saisie illisible : rechargez la page."),
        },
    )
    target_value = FrenchDecimalField(label=_("Cible"))
    actual_value = FrenchDecimalField(label=_("Réalisé"))
    actual_comment = forms.CharField(
        label=_("Commentaire sur le réalisé"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, period: Period, disaggregations=(), **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": period.version,
                "target_value": period.target_value,
                "actual_value": period.actual_value,
                "actual_comment": period.actual_comment,
            },
        )
        super().__init__(*args, **kwargs)
        negative = _negative_allowed(period.indicator)
        self.disaggregations = list(disaggregations)
        existing = {v.disaggregation_id: v for v in period.disaggregation_values.all()}
        for disaggregation in self.disaggregations:
            value = existing.get(disaggregation.pk)
            for kind, label in (("target", _("cible")), ("actual", _("réalisé"))):
                name = f"d{disaggregation.pk}_{kind}"
                self.fields[name] = FrenchDecimalField(label=f"{disaggregation} — {label}", allow_negative=negative)
                if value is not None:
                    self.initial.setdefault(name, getattr(value, f"{kind}_value"))
        for name in ("target_value", "actual_value"):
            self.fields[name].allow_negative = negative
        _guard_text_fields(self)

    def disaggregation_values(self) -> dict:
        return {
            d.pk: (self.cleaned_data.get(f"d{d.pk}_target"), self.cleaned_data.get(f"d{d.pk}_actual"))
            for d in self.disaggregations
        }

    def service_kwargs(self) -> dict:
        return {
            "version": self.cleaned_data["version"],
            "target_value": self.cleaned_data["target_value"],
            "actual_value": self.cleaned_data["actual_value"],
            "actual_comment": self.cleaned_data["actual_comment"],
            "disaggregation_values": self.disaggregation_values(),
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Motif du renvoi"), widget=forms.Textarea(attrs={"rows": 3}), max_length=RETURN_COMMENT_MAX
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].validators.append(no_markup)
        self.fields["comment"].error_messages["required"] = _("Indiquez pourquoi les valeurs sont renvoyées.")


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Lien"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Ou un lien vers le document en ligne."),
    )

    class Meta:
        model = PeriodEvidence
        fields = ["title", "file", "url"]
        help_texts = {
            "file": _("PDF, PNG, JPEG ou document bureautique (Word, Excel, LibreOffice), 10 Mo au plus."),
            "url": _("Ou un lien vers le document en ligne."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_text_fields(self)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt,.ods,.odp"

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and hasattr(file, "size"):
            try:
                validate_evidence_file(file)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["file"]) from error
        return file

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Indiquez un lien web commençant par https://."))
        return url

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("url"):
            self.add_error("file", _("Joignez un fichier ou indiquez un lien."))
        return cleaned

    def _post_clean(self):
        # The period and author are set by the service.
        pass


# -- the performance table filters ------------------------------------------------------------------------------


class PerformanceFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False, empty_value=None)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    orientation = forms.ModelChoiceField(label=_("Orientation"), queryset=None, required=False, empty_label=_("Toutes"))
    measured_on = forms.ChoiceField(
        label=_("Mesuré sur"), choices=[("", _("Les deux territoires"))] + list(MeasuredOn.choices), required=False
    )

    def __init__(self, *args, organisation, years, **kwargs):
        from passerelles.strategy.models import Orientation
        from passerelles.strategy.selectors import current_document

        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]
        self.fields["programme"].queryset = scoped(Programme, organisation)
        self.fields["territory"].queryset = scoped(Territory, organisation).filter(kind=TerritoryKind.PARTNER)
        document = current_document(organisation=organisation)
        self.fields["orientation"].queryset = (
            Orientation.objects.filter(document=document) if document else Orientation.objects.none()
        )
        self.fields["orientation"].label_from_instance = lambda o: f"{o.number}. {o.title}"

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "year": data.get("year"),
            "programme": data.get("programme"),
            "territory": data.get("territory"),
            "orientation": data.get("orientation"),
            "measured_on": data.get("measured_on") or None,
        }
