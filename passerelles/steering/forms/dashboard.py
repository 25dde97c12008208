from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.core.enums import TerritoryKind
from passerelles.core.models import Territory
from passerelles.core.tenancy import for_org
from passerelles.steering.models import Programme
from passerelles.strategy.models import Orientation


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), required=False, min_value=1950, max_value=2100)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    orientation = forms.ModelChoiceField(
        label=_("Orientation"),
        queryset=Orientation.objects.none(),
        required=False,
        to_field_name="number",
        empty_label=_("Toutes"),
    )

    def __init__(self, *args, organisation, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = for_org(Programme, organisation)
        self.fields["territory"].queryset = for_org(Territory, organisation).filter(kind=TerritoryKind.PARTNER)
        self.fields["orientation"].queryset = (
            Orientation.objects.filter(document=document) if document else Orientation.objects.none()
        )
        self.fields["orientation"].label_from_instance = lambda o: f"{o.number}. {o.title}"

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) for name in ("year", "programme", "territory", "orientation")}
