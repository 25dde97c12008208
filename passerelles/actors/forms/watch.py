"""Forms of the watch on networks: the list filters, an item, a subscription."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import SubscriberKind, Theme
from passerelles.actors.models import WatchItem, WatchSubscription
from passerelles.actors.selectors import watch as selectors
from passerelles.core.forms import DateInput, limit_length

SUMMARY_MAX = 5_000


class OrientationField(forms.TypedMultipleChoiceField):
    """Orientation numbers of the adopted strategy; an unknown number is refused with a clear message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Orientations de la stratégie"))
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Orientation inconnue dans la stratégie adoptée : %(value)s.")},
        )
        super().__init__(**kwargs)


def _tag_fields(form, organisation) -> None:
    form.fields["orientations"].choices = selectors.orientation_choices(organisation=organisation)
    form.fields["territories"].queryset = selectors.territories(organisation=organisation)


class WatchFilterForm(forms.Form):
    """The filters of the items list, read from the query string. Unknown values are errors, not crashes."""

    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)
    network = forms.ModelChoiceField(label=_("Réseau"), queryset=None, required=False, empty_label=_("Tous"))
    orientation = forms.TypedChoiceField(label=_("Orientation"), coerce=int, required=False, empty_value=None)
    theme = forms.ChoiceField(label=_("Thématique"), choices=[("", _("Toutes"))] + list(Theme.choices), required=False)
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=None, required=False, empty_label=_("Tous"))
    date_from = forms.DateField(label=_("Du"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DateInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = selectors.networks(organisation=organisation)
        self.fields["territory"].queryset = selectors.territories(organisation=organisation)
        self.fields["orientation"].choices = [("", _("Toutes"))] + selectors.orientation_choices(
            organisation=organisation
        )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q") or "",
            "network": data.get("network"),
            "orientation": data.get("orientation"),
            "theme": data.get("theme") or None,
            "territory": data.get("territory"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class SubscriptionFilterForm(forms.Form):
    q = forms.CharField(label=_("Intitulé ou adresse"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(
        label=_("Destinataire"), choices=[("", _("Tous"))] + list(SubscriberKind.choices), required=False
    )
    directorate = forms.ModelChoiceField(label=_("Direction"), queryset=None, required=False, empty_label=_("Toutes"))
    state = forms.ChoiceField(
        label=_("État"),
        choices=[("", _("Tous")), ("active", _("Actifs")), ("inactive", _("Désactivés"))],
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = selectors.directorates(organisation=organisation)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state")
        return {
            "text": data.get("q") or "",
            "kind": data.get("kind") or None,
            "directorate": data.get("directorate"),
            "active": {"active": True, "inactive": False}.get(state),
        }


class WatchItemForm(forms.ModelForm):
    url = forms.URLField(label=_("Lien"), required=False, max_length=500, assume_scheme="https")
    orientations = OrientationField()
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WatchItem
        fields = ["title", "network", "url", "published_on", "summary", "orientations", "themes", "territories"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "published_on": DateInput,
            "territories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["summary"], SUMMARY_MAX)
        self.fields["network"].queryset = selectors.networks(organisation=organisation)
        self.fields["network"].empty_label = _("Aucun")
        _tag_fields(self, organisation)


class WatchSubscriptionForm(forms.ModelForm):
    orientations = OrientationField()
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    label = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        required=False,
        help_text=_("Une direction ou une fonction d'élu·e, pas un nom. Vide : le nom de la direction choisie."),
    )

    class Meta:
        model = WatchSubscription
        fields = ["kind", "directorate", "label", "email", "orientations", "themes", "territories"]
        widgets = {"territories": forms.CheckboxSelectMultiple}
        help_texts = {"territories": _("Sans aucune étiquette, l'abonnement reçoit toutes les informations.")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = selectors.directorates(organisation=organisation)
        self.fields["directorate"].empty_label = _("Aucune")
        self.fields["email"].max_length = 254
        _tag_fields(self, organisation)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        kind, directorate = cleaned.get("kind"), cleaned.get("directorate")
        if kind == SubscriberKind.DIRECTORATE and "directorate" in cleaned and directorate is None:
            self.add_error("directorate", _("Choisissez la direction abonnée."))
        if not cleaned.get("label") and "label" not in self.errors:
            if directorate is not None:
                cleaned["label"] = directorate.name
            else:
                self.add_error("label", _("Indiquez une direction ou une fonction (pas un nom de personne)."))
        return cleaned
