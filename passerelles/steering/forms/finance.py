from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.core.forms import DateInput, scoped
from passerelles.core.models import Territory
from passerelles.steering.enums import Currency, FunderKind, TransactionKind
from passerelles.steering.models import (
    BudgetEnvelope,
    BudgetLine,
    ExchangeRate,
    Funder,
    InKindContribution,
    Programme,
    Transaction,
)
from passerelles.strategy.models import Orientation
from passerelles.strategy.selectors import current_document

MIN_YEAR, MAX_YEAR = 1950, 2100
FIXED_RATE = {Currency.EUR, Currency.XOF}


def _check_year(year):
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise forms.ValidationError(_("Indiquez une année entre 1950 et 2100."))
    return year


def _scope_funder(field: forms.ModelChoiceField, organisation) -> None:
    field.queryset = scoped(Funder, organisation).order_by("name")
    field.error_messages["invalid_choice"] = _("Bailleur inconnu : choisissez un bailleur de la liste.")


class _FilterForm(forms.Form):
    @property
    def data_or_empty(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


# -- funders --------------------------------------------------------------------------------------


class FunderFilterForm(_FilterForm):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + list(FunderKind.choices), required=False)
    q = forms.CharField(label=_("Nom ou sigle"), max_length=200, required=False, strip=True)

    def selector_kwargs(self) -> dict:
        data = self.data_or_empty
        return {"kind": data.get("kind") or None, "text": data.get("q") or ""}


class FunderForm(forms.ModelForm):
    class Meta:
        model = Funder
        fields = ["name", "short_name", "kind"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["kind"].help_text = _(
            "Pour les apports de la collectivité elle-même (part propre), choisissez « La collectivité elle-même »."
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Funder.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Un bailleur porte déjà ce nom."))
        return name


# -- exchange rates -------------------------------------------------------------------------------


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "valid_from", "units_per_eur"]
        widgets = {"valid_from": DateInput}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["currency"].choices = [(c.value, c.label) for c in Currency if c not in FIXED_RATE]
        self.fields["currency"].help_text = _("Le franc CFA (XOF) a une parité fixe : 655,957 XOF pour 1 €.")
        self.fields["units_per_eur"].help_text = _("Par exemple 43,5 pour 43,5 ouguiyas pour 1 €.")

    def clean(self):
        cleaned = super().clean()
        currency, valid_from = cleaned.get("currency"), cleaned.get("valid_from")
        if (
            currency
            and valid_from
            and ExchangeRate.objects.filter(organisation=self.organisation, currency=currency, valid_from=valid_from)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("valid_from", _("Un taux de cette devise est déjà saisi à cette date."))
        return cleaned


class ExchangeRateFilterForm(_FilterForm):
    currency = forms.ChoiceField(
        label=_("Devise"),
        choices=[("", _("Toutes"))] + [(c.value, c.label) for c in Currency if c not in FIXED_RATE],
        required=False,
    )


# -- a project's budget ---------------------------------------------------------------------------


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "funder", "amount", "status", "note"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_funder(self.fields["funder"], organisation)

    def clean_year(self):
        return _check_year(self.cleaned_data.get("year"))


class TransactionForm(forms.ModelForm):
    class Meta:
        model = Transaction
        fields = ["kind", "date", "amount", "currency", "funder", "description"]
        widgets = {"date": DateInput}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_funder(self.fields["funder"], organisation)
        self.fields["funder"].required = False
        self.fields["funder"].empty_label = _("Aucun")
        self.fields["kind"].choices = TransactionKind.choices
        self.fields["currency"].error_messages["invalid_choice"] = _(
            "Devise inconnue : choisissez l'euro (EUR), le franc CFA (XOF) ou l'ouguiya (MRU)."
        )
        self.fields["amount"].help_text = _(
            "Dans la devise de la transaction ; la conversion en euros se fait au taux en vigueur à sa date."
        )

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Le montant ne peut pas être négatif."))
        return amount

    def _post_clean(self):
        # `units_per_eur` and `amount_eur` are set by the service: skip the model validation of the form instance.
        pass


class InKindForm(forms.ModelForm):
    class Meta:
        model = InKindContribution
        fields = ["year", "funder", "description", "value_eur"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_funder(self.fields["funder"], organisation)

    def clean_year(self):
        return _check_year(self.cleaned_data.get("year"))


class TransactionFilterForm(_FilterForm):
    year = forms.IntegerField(label=_("Année"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + list(TransactionKind.choices), required=False)


# -- budget arbitration and portfolio -------------------------------------------------------------


class EnvelopeForm(forms.ModelForm):
    class Meta:
        model = BudgetEnvelope
        fields = ["year", "project_kind", "amount"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_year(self):
        return _check_year(self.cleaned_data.get("year"))

    def clean(self):
        cleaned = super().clean()
        year, kind = cleaned.get("year"), cleaned.get("project_kind")
        if (
            year
            and kind
            and BudgetEnvelope.objects.filter(organisation=self.organisation, year=year, project_kind=kind)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("project_kind", _("Une enveloppe existe déjà pour ce type de projet cette année-là."))
        return cleaned


class YearForm(_FilterForm):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]


class BudgetFilterForm(YearForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    orientation = forms.ModelChoiceField(
        label=_("Orientation"), queryset=Orientation.objects.none(), required=False, empty_label=_("Toutes")
    )

    def __init__(self, *args, organisation, years, **kwargs):
        super().__init__(*args, years=years, **kwargs)
        self.fields["programme"].queryset = scoped(Programme, organisation)
        self.fields["territory"].queryset = scoped(Territory, organisation).exclude(kind="home").order_by("name")
        document = current_document(organisation=organisation)
        self.fields["orientation"].queryset = (
            Orientation.objects.filter(document=document).order_by("number") if document else Orientation.objects.none()
        )
        self.fields["orientation"].label_from_instance = lambda o: f"{o.number}. {o.title}"

    def selector_kwargs(self) -> dict:
        data = self.data_or_empty
        return {
            "year": data.get("year") or None,
            "programme": data.get("programme"),
            "territory": data.get("territory"),
            "orientation": data.get("orientation"),
        }
