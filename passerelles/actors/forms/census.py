from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import ActorKind, MeetingScope, Theme
from passerelles.actors.models import Actor, CensusCampaign, CensusMeeting
from passerelles.actors.selectors import census as census_selectors
from passerelles.actors.validators import normalise_siret, validate_siret
from passerelles.core.forms import DateInput, limit_length
from passerelles.core.tenancy import for_org

DESCRIPTION_MAX = 5_000
NOTES_MAX = 20_000


class CampaignFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Toutes")), ("open", _("Ouvertes")), ("closed", _("Closes"))],
        required=False,
    )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = CensusCampaign
        fields = ["title", "description", "starts_on", "ends_on", "action"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DateInput,
            "ends_on": DateInput,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], DESCRIPTION_MAX)
        self.fields["action"].queryset = census_selectors.action_choices(
            organisation=organisation, current=self.instance.action_id
        )
        self.fields["action"].label_from_instance = lambda a: f"{a.code} — {a.title}"
        self.fields["action"].help_text = _("Par exemple P5.1 (directions) ou P5.2 (communes).")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin ne peut pas précéder le début."))
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model's own full_clean would repeat the messages off their field.
        pass


class MeetingForm(forms.ModelForm):
    home_commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        required=False,
        empty_label=_("— choisir —"),
        help_text=_("Pour une réunion avec une commune du territoire."),
    )

    class Meta:
        model = CensusMeeting
        fields = ["scope", "directorate", "home_commune", "counterpart", "planned_on", "held_on", "notes"]
        widgets = {
            "scope": forms.RadioSelect,
            "planned_on": DateInput,
            "held_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"directorate": _("Pour une réunion avec une direction de la collectivité.")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["notes"], NOTES_MAX)
        self.fields["scope"].choices = MeetingScope.choices
        self.fields["directorate"].queryset = census_selectors.directorates(organisation=organisation)
        self.fields["directorate"].empty_label = _("— choisir —")
        communes = census_selectors.home_communes(organisation=organisation)
        self.fields["home_commune"].queryset = communes
        self.fields["home_commune"].label_from_instance = lambda t: f"{t.name} ({t.insee_code})"
        if self.instance.pk and self.instance.commune:
            self.initial["home_commune"] = (
                communes.filter(name=self.instance.commune).values_list("pk", flat=True).first()
            )

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == MeetingScope.DIRECTORATE and not cleaned.get("directorate") and "directorate" not in self.errors:
            self.add_error("directorate", _("Choisissez la direction rencontrée."))
        if scope == MeetingScope.COMMUNE and not cleaned.get("home_commune") and "home_commune" not in self.errors:
            self.add_error("home_commune", _("Choisissez la commune rencontrée."))
        return cleaned

    def _post_clean(self):
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        territory = data.pop("home_commune", None)
        if data.get("scope") == MeetingScope.COMMUNE and territory is not None:
            data["commune"], data["insee_code"] = territory.name, territory.insee_code
            data["directorate"] = None
        else:
            data["commune"], data["insee_code"] = "", ""
        return data


class KnownActorForm(forms.Form):
    """Note an actor already in the directory as surfaced by the meeting."""

    actor = forms.ModelChoiceField(
        label=_("Acteur"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choisissez un acteur de l'annuaire."),
            "invalid_choice": _("Choisissez un acteur de l'annuaire."),
        },
    )
    note = forms.CharField(label=_("Remarque"), max_length=500, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = for_org(Actor, organisation)


class KnownActorSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom de l'acteur déjà connu"), max_length=200, required=False, strip=True)


class NewActorForm(forms.Form):
    """The quick entry of an actor the meeting made known: the rest of its entry is completed later."""

    name = forms.CharField(label=_("Nom"), max_length=255)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("— choisir —"))] + list(ActorKind.choices))
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False, help_text=_("14 chiffres, facultatif."))
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Remarque"), max_length=500, required=False)

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        if siret:
            validate_siret(siret)
        return siret
