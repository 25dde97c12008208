"""Forms of the grants, instalments and reports. Field checks only: the rules live in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.calls.enums import SupportModality

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GrantAwardForm(forms.Form):
    modality = forms.ChoiceField(
        label=_("Modalité"),
        choices=[("", "—"), *SupportModality.choices],
        error_messages={"required": _("Choisissez une modalité de soutien.")},
    )
    signed_on = forms.DateField(label=_("Convention signée le"), required=False, widget=DATE_WIDGET)


class InstalmentForm(forms.Form):
    label = forms.CharField(label=_("Versement"), max_length=255)
    due_on = forms.DateField(label=_("Prévu le"), widget=DATE_WIDGET)
    amount = forms.DecimalField(label=_("Montant prévu (EUR)"), **MONEY)


class InstalmentPayForm(forms.Form):
    paid_on = forms.DateField(label=_("Versé le"), widget=DATE_WIDGET)
    paid_amount = forms.DecimalField(label=_("Montant versé (EUR)"), **MONEY)


class ReportReturnForm(forms.Form):
    message = forms.CharField(
        label=_("Ce qu'il faut reprendre"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Dites au porteur ce qu'il doit reprendre.")},
    )


class ReportForm(forms.Form):
    """The grantee's report: a narrative, then one number per indicator of the call."""

    narrative = forms.CharField(
        label=_("Compte rendu"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Rédigez le compte rendu du projet.")},
    )

    def __init__(self, *args, indicators=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        initial_values = initial_values or {}
        for indicator in self.indicators:
            label = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=label,
                max_digits=16,
                decimal_places=4,
                initial=initial_values.get(str(indicator.pk)),
                error_messages={
                    "required": _("Indiquez une valeur pour cet indicateur."),
                    "invalid": _("Indiquez un nombre."),
                },
            )

    def values(self) -> dict[int, Decimal]:
        return {indicator.pk: self.cleaned_data.get(f"indicator_{indicator.pk}") for indicator in self.indicators}


class GrantFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    call = forms.TypedChoiceField(label=_("Appel"), required=False, coerce=int, empty_value=None)
    modality = forms.ChoiceField(
        label=_("Modalité"), required=False, choices=[("", _("Toutes")), *SupportModality.choices]
    )
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    late = forms.BooleanField(label=_("Rapports en retard seulement"), required=False)

    def __init__(self, *args, calls=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = {call.pk: call for call in calls}
        self.fields["call"].choices = [("", _("Tous")), *((call.pk, call.title) for call in calls)]
        self.fields["year"].choices = [("", _("Toutes")), *((year, str(year)) for year in years)]

    def selector_kwargs(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"].strip(),
            "call": self.calls.get(data["call"]),
            "modality": data["modality"],
            "year": data["year"],
            "late_only": data["late"],
        }
