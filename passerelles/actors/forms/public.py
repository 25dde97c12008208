"""Forms of the public side: the directory filters and the self-registration of an actor."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import ActorKind, Theme
from passerelles.actors.models import Actor
from passerelles.actors.validators import normalise_siret
from passerelles.core.forms import limit_length

DESCRIPTION_MAX = 5_000
HONEYPOT = "site_web_2"
COUNTRY_CODE = re.compile(r"[A-Z]{2}")


class PublicFilterForm(forms.Form):
    """The filters of the public directory and map, read from the query string. Unknown values are ignored."""

    q = forms.CharField(label=_("Rechercher"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + list(ActorKind.choices), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    theme = forms.ChoiceField(label=_("Thématique"), choices=[("", _("Toutes"))] + list(Theme.choices), required=False)
    country = forms.CharField(
        label=_("Pays d'intervention"),
        max_length=2,
        required=False,
        help_text=_("Code à deux lettres, ex. ML."),
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, communes=(), only=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Toutes"))] + [(c, c) for c in communes]
        if only is not None:
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and not COUNTRY_CODE.fullmatch(country):
            raise forms.ValidationError(_("Un code pays s'écrit avec deux lettres, ex. ML."))
        return country

    def selector_kwargs(self) -> dict:
        if not self.is_bound:
            return {}
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q") or "",
            "kind": data.get("kind") or None,
            "commune": data.get("commune") or None,
            "theme": data.get("theme") or None,
            "country": data.get("country") or None,
        }


class CountriesField(forms.CharField):
    """ISO codes typed as "ML, SN", kept as a list."""

    def to_python(self, value):
        value = super().to_python(value)
        codes = [c.strip().upper() for c in re.split(r"[\s,;]+", value or "") if c.strip()]
        for code in codes:
            if not COUNTRY_CODE.fullmatch(code):
                raise forms.ValidationError(
                    _("Pays : codes ISO à deux lettres séparés par des virgules, ex. ML, SN."), code="countries"
                )
        return list(dict.fromkeys(codes))

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value


class RegistrationForm(forms.ModelForm):
    """What an actor says about itself. The entry waits for moderation before anyone sees it."""

    themes = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = CountriesField(
        label=_("Pays d'intervention"),
        max_length=200,
        required=False,
        help_text=_("Codes ISO à deux lettres séparés par des virgules, ex. ML, SN."),
    )
    website = forms.URLField(label=_("Site internet"), max_length=200, required=False, assume_scheme="https")
    # Typed with spaces or dots as printed on documents; normalised before the model checks it.
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("14 chiffres, ex. 732 829 320 00074.")
    )
    rna = forms.CharField(
        label=_("Numéro RNA"),
        max_length=12,
        required=False,
        help_text=_("Pour une association : W suivi de 9 chiffres."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que le courriel et le téléphone de contact soient conservés par la collectivité pour "
            "me joindre au sujet de cette fiche. Ils ne sont jamais publiés."
        ),
        required=False,
    )
    # Hidden from people (CSS and aria-hidden); robots that fill every field give themselves away.
    site_web_2 = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "kind",
            "commune",
            "insee_code",
            "themes",
            "countries",
            "description",
            "website",
            "siret",
            "rna",
            "contact_role",
            "contact_email",
            "contact_phone",
            "account_request_email",
        ]
        labels = {"account_request_email": _("Adresse pour créer un compte")}
        help_texts = {
            "name": _("Le nom de la structure, jamais celui d'une personne."),
            "insee_code": _("Cinq caractères, ex. 91228 pour Evry."),
            "contact_role": _("Une fonction, ex. « président·e », plutôt qu'un nom."),
            "account_request_email": _(
                "Facultatif. Une fois la fiche publiée, un lien pour choisir un mot de passe est envoyé à cette "
                "adresse : le compte permet de tenir la fiche à jour et de gérer vos données personnelles."
            ),
        }

    def __init__(self, *args, account_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], DESCRIPTION_MAX)
        self.fields["kind"].choices = [("", _("Choisir…"))] + list(ActorKind.choices)
        if account_required:
            # Registering to answer a call: without an account, the structure could not apply.
            field = self.fields["account_request_email"]
            field.required = True
            field.help_text = _(
                "Une fois la fiche validée par la collectivité, un lien pour choisir un mot de passe est envoyé à "
                "cette adresse ; il vous ramène à l'appel à projets pour déposer votre candidature."
            )

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    def clean_siret(self):
        return normalise_siret(self.cleaned_data.get("siret") or "")

    def clean_rna(self):
        return (self.cleaned_data.get("rna") or "").strip().upper()

    def clean_account_request_email(self):
        return (self.cleaned_data.get("account_request_email") or "").strip().lower()

    def clean_contact_phone(self):
        phone = (self.cleaned_data.get("contact_phone") or "").strip()
        if phone and not re.fullmatch(r"\+?[\d\s.()-]{6,30}", phone):
            raise forms.ValidationError(
                _("Un numéro de téléphone ne contient que des chiffres, espaces, points, + et -.")
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("contact_email") or cleaned.get("contact_phone")) and not cleaned.get("consent"):
            self.add_error(
                "consent", _("Cochez cette case pour que la collectivité conserve le courriel ou le téléphone.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop(HONEYPOT, None)
        return data
