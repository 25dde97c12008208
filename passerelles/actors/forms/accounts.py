"""Forms of the actors' accounts: the officer's invitation, the register's filter, and the account's own forms."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import DataRequestKind, Theme
from passerelles.actors.forms.public import DESCRIPTION_MAX, CountriesField
from passerelles.actors.models import Actor
from passerelles.actors.validators import normalise_siret
from passerelles.core.forms import limit_length

PHONE = re.compile(r"\+?[\d\s.()-]{6,30}")


class AccountInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse du compte"),
        max_length=254,
        help_text=_(
            "Un lien pour choisir un mot de passe y est envoyé. Ce compte ne donne aucun accès au back office."
        ),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class DataRequestFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Demande"), choices=[("", _("Toutes"))] + list(DataRequestKind.choices), required=False
    )


class OwnActorForm(forms.ModelForm):
    """What the actor's account may change in its own entry: the public-facing fields and its contact."""

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
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("14 chiffres, ex. 732 829 320 00074.")
    )
    rna = forms.CharField(
        label=_("Numéro RNA"),
        max_length=12,
        required=False,
        help_text=_("Pour une association : W suivi de 9 chiffres."),
    )
    contact_consent = forms.BooleanField(
        label=_(
            "J'accepte que le courriel et le téléphone de contact soient conservés par la collectivité pour "
            "me joindre au sujet de cette fiche. Ils ne sont jamais publiés."
        ),
        required=False,
        help_text=_("Décocher la case efface le courriel et le téléphone de contact."),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "description",
            "website",
            "address",
            "commune",
            "themes",
            "countries",
            "siret",
            "rna",
            "contact_role",
            "contact_email",
            "contact_phone",
            "is_public",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "name": _("Le nom de la structure, jamais celui d'une personne."),
            "contact_role": _("Une fonction, ex. « président·e », plutôt qu'un nom."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], DESCRIPTION_MAX)
        if self.instance.pk:
            self.initial["contact_consent"] = self.instance.contact_consent_at is not None
        self.order_fields([*self.Meta.fields[:-1], "contact_consent", "is_public"])

    def clean_siret(self):
        return normalise_siret(self.cleaned_data.get("siret") or "")

    def clean_rna(self):
        return (self.cleaned_data.get("rna") or "").strip().upper()

    def clean_contact_phone(self):
        phone = (self.cleaned_data.get("contact_phone") or "").strip()
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(
                _("Un numéro de téléphone ne contient que des chiffres, espaces, points, + et -.")
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        # Unticking a consent given before withdraws it: the service then erases the email and the phone.
        had_consent = self.instance.contact_consent_at is not None
        wants_contact = cleaned.get("contact_email") or cleaned.get("contact_phone")
        if wants_contact and not cleaned.get("contact_consent") and not had_consent:
            self.add_error(
                "contact_consent",
                _("Cochez cette case pour que la collectivité conserve le courriel ou le téléphone."),
            )
        return cleaned

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "contact_consent"]}


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Pour confirmer que c'est bien vous."),
    )
    unpublish = forms.BooleanField(label=_("Retirer aussi ma fiche de l'annuaire public"), required=False)
