import re

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import ActorKind, ModerationStatus, Theme
from passerelles.actors.models import Actor
from passerelles.actors.selectors import directory as selectors
from passerelles.actors.validators import normalise_siret
from passerelles.core.forms import limit_length

DESCRIPTION_MAX = 5_000
PHONE_RE = re.compile(r"\+?[0-9 .()\-]{6,25}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")


class DirectoryFilterForm(forms.Form):
    """The filters of the directory, read from the query string. Unknown values are errors, not crashes."""

    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + list(ActorKind.choices), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    theme = forms.ChoiceField(label=_("Thématique"), choices=[("", _("Toutes"))] + list(Theme.choices), required=False)
    country = forms.CharField(label=_("Pays (code ISO)"), max_length=2, required=False)
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=None, required=False, empty_label=_("Tous")
    )
    status = forms.ChoiceField(
        label=_("Modération"), choices=[("", _("Tous"))] + list(ModerationStatus.choices), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Toutes"))] + [
            (c, c) for c in selectors.communes(organisation=organisation)
        ]
        self.fields["territory"].queryset = selectors.partner_territories(organisation=organisation)

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and not COUNTRY_RE.fullmatch(country):
            raise forms.ValidationError(_("Deux lettres, ex. ML."))
        return country

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q") or "",
            "kind": data.get("kind") or None,
            "commune": data.get("commune") or None,
            "theme": data.get("theme") or None,
            "country": data.get("country") or None,
            "territory": data.get("territory"),
            "status": data.get("status") or None,
        }


class ActorForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.CharField(
        label=_("Pays d'intervention"),
        required=False,
        max_length=200,
        help_text=_("Codes ISO à deux lettres séparés par des virgules, ex. ML, SN."),
    )
    siret = forms.CharField(label=_("SIRET"), required=False, max_length=20, help_text=_("14 chiffres."))
    rna = forms.CharField(label=_("Numéro RNA"), required=False, max_length=12, help_text=_("ex. W912000123"))
    website = forms.URLField(label=_("Site internet"), required=False, max_length=200, assume_scheme="https")
    contact_consent = forms.BooleanField(
        label=_("Le contact a consenti à la conservation de son courriel et de son téléphone"),
        required=False,
        help_text=_("Sans consentement, le courriel et le téléphone ne sont pas conservés."),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "kind",
            "location",
            "commune",
            "insee_code",
            "partner_territory_of",
            "address",
            "latitude",
            "longitude",
            "themes",
            "countries",
            "partner_territories",
            "projects",
            "description",
            "website",
            "siret",
            "rna",
            "founded_year",
            "contact_role",
            "contact_email",
            "contact_phone",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "partner_territories": forms.CheckboxSelectMultiple,
            "projects": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        limit_length(self.fields["description"], DESCRIPTION_MAX)
        territories = selectors.partner_territories(organisation=organisation)
        self.fields["partner_territory_of"].queryset = territories
        self.fields["partner_territories"].queryset = territories
        self.fields["projects"].queryset = selectors.projects(organisation=organisation)
        self.fields["projects"].label_from_instance = lambda p: f"{p.code} — {p.title}"
        if self.instance.pk:
            self.initial["countries"] = ", ".join(self.instance.countries or [])
            self.initial["contact_consent"] = self.instance.contact_consent_at is not None
        # The consent box sits right after the contact fields it governs.
        self.order_fields([*self.Meta.fields[:-1], "contact_consent", "is_public"])

    def clean_countries(self):
        raw = self.cleaned_data["countries"]
        codes = [c.strip().upper() for c in re.split(r"[,;\s]+", raw) if c.strip()]
        bad = [c for c in codes if not COUNTRY_RE.fullmatch(c)]
        if bad:
            raise forms.ValidationError(
                _("Codes pays non reconnus : %(codes)s. Attendu : deux lettres, ex. ML, SN.")
                % {"codes": ", ".join(bad[:5])[:60]}
            )
        return list(dict.fromkeys(codes))

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        if siret and not siret.isdigit():
            raise forms.ValidationError(_("Un SIRET compte 14 chiffres."))
        return siret

    def clean_rna(self):
        return self.cleaned_data["rna"].strip().upper()

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE_RE.fullmatch(phone):
            raise forms.ValidationError(_("Numéro de téléphone non valide, ex. +33 1 23 45 67 89."))
        return phone

    def clean(self):
        cleaned = super().clean()
        had_consent = self.instance.pk is not None and self.instance.contact_consent_at is not None
        if not cleaned.get("contact_consent") and not had_consent:
            if cleaned.get("contact_email"):
                self.add_error("contact_email", _("Cochez la case de consentement pour enregistrer un courriel."))
            if cleaned.get("contact_phone"):
                self.add_error("contact_phone", _("Cochez la case de consentement pour enregistrer un téléphone."))
        location, territory = cleaned.get("location"), cleaned.get("partner_territory_of")
        if territory and location and location != "partner":
            self.add_error("partner_territory_of", _("Seul un acteur situé sur un territoire partenaire en a un."))
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("longitude" if lon is None else "latitude", _("Latitude et longitude vont ensemble."))
        return cleaned


class RejectForm(forms.Form):
    message = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il sera transmis à l'acteur."),
        error_messages={"required": _("Expliquez le refus : ce message sera transmis à l'acteur.")},
    )
