from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from passerelles.core import uploads
from passerelles.core.enums import Role
from passerelles.core.models import Directorate, Membership, Organisation
from passerelles.core.tenancy import for_org


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def limit_length(field: forms.Field, max_length: int) -> None:
    """Give an unbounded text field of a model form a length limit, checked and announced."""
    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


def scoped(model, organisation):
    return for_org(model, organisation)


class EmailAuthenticationForm(AuthenticationForm):
    """Login by email, throttled (`core.throttle`): a locked account or address is refused before any password check."""

    locked_message = ""

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        from passerelles.core import throttle
        from passerelles.core.client_ip import client_ip

        username = self.cleaned_data.get("username")
        ip = client_ip(self.request) if self.request is not None else None
        lock = throttle.login_lock(username=username, ip=ip)
        if lock is not None:
            self.locked_message = lock.message
            raise forms.ValidationError(lock.message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and self.cleaned_data.get("password"):
                throttle.record(username=username, ip=ip)
            raise
        if username:
            throttle.clear_account(username=username)
        return cleaned


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    directorate = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Directorate.objects.none(),
        required=False,
        empty_label=_("Aucune"),
        help_text=_("Pour un·e contributeur·rice : les actions que pilote cette direction lui sont ouvertes."),
    )
    display_name = forms.CharField(
        label=_("Fonction affichée"),
        max_length=150,
        required=False,
        help_text=_("Une fonction ou un service, ex. « Direction de la culture — chargé·e de projets »."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["directorate"].queryset = scoped(Directorate, organisation)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(organisation=self.organisation, user__email__iexact=email).exists():
            raise forms.ValidationError(_("Cette personne est déjà membre de l'organisation."))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.CONTRIBUTOR and not cleaned.get("directorate"):
            self.add_error("directorate", _("Un·e contributeur·rice est rattaché·e à une direction."))
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "directorate", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = scoped(Directorate, self.instance.organisation)
        self.fields["directorate"].empty_label = _("Aucune")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.CONTRIBUTOR and not cleaned.get("directorate"):
            self.add_error("directorate", _("Un·e contributeur·rice est rattaché·e à une direction."))
        return cleaned


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "country", "logo"]

    def clean_logo(self):
        """A PNG, JPEG or WebP image by content (not by the browser's word), within the size limit."""
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            uploads.validate_upload(logo, max_bytes=settings.LOGO_MAX_BYTES, accepted=uploads.IMAGE_TYPES)
        return logo


class DirectorateForm(forms.ModelForm):
    class Meta:
        model = Directorate
        fields = ["name", "short_name", "is_international"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Directorate.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Une direction porte déjà ce nom."))
        return name
