from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.core.enums import OrganisationKind, Role, TerritoryKind
from passerelles.core.storage import logo_upload_to
from passerelles.core.tenancy import OrgOwned
from passerelles.core.validators import validate_logo

iso_country = RegexValidator(r"^[A-Z]{2}$", _("Code pays ISO 3166-1 à deux lettres majuscules, ex. ML."))
insee_code = RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("Code INSEE à cinq caractères, ex. 91228."))


def validate_slug_not_reserved(value: str) -> None:
    from passerelles.core.urls import RESERVED_SLUGS

    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("Cet identifiant est réservé par la plateforme."), code="reserved")


class Organisation(models.Model):
    slug = models.SlugField(_("identifiant d'URL"), max_length=50, unique=True, validators=[validate_slug_not_reserved])
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(_("pays"), max_length=2, default="FR", validators=[iso_country])
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True, validators=[validate_logo])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="organisation_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Login by email. `display_name` names a role or a function, never required to be a person's name."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("équipe technique"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rice·s")

    def __str__(self) -> str:
        return self.display_name or self.email


class Directorate(OrgOwned):
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=40, blank=True)
    is_international = models.BooleanField(_("direction de l'action internationale"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="directorate_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(OrgOwned):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    directorate = models.ForeignKey(
        Directorate,
        verbose_name=_("direction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Pour un·e contributeur·rice : les actions de cette direction lui sont ouvertes."),
    )
    partner_territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("territoire partenaire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_memberships",
        help_text=_("Pour une collectivité partenaire : elle voit les projets menés sur ce territoire."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__email"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Territory(OrgOwned):
    kind = models.CharField(_("type"), max_length=10, choices=TerritoryKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[insee_code])
    country = models.CharField(_("pays"), max_length=2, validators=[iso_country])
    local_kind = models.CharField(_("nature"), max_length=100, blank=True, help_text=_("ex. commune urbaine"))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    partner_since = models.PositiveSmallIntegerField(_("partenaire depuis"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "name"], name="territory_unique_name"),
            # A home commune has its INSEE code; a partner territory has its country.
            models.CheckConstraint(condition=Q(kind="partner") | ~Q(insee_code=""), name="territory_home_has_insee"),
            models.CheckConstraint(condition=~Q(country=""), name="territory_has_country"),
        ]

    def __str__(self) -> str:
        return self.name


class LoginFailure(models.Model):
    """One refused attempt (a wrong password, or a password-reset request), kept for the throttling window.

    A database row rather than a cache counter: the default cache is per process, and the count must hold across
    the workers of one server. Rows older than the window are useless and removed as new ones come in.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("connexion")
        RESET = "reset", _("mot de passe oublié")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LOGIN)
    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.ip_address}"


class AccountUnlock(OrgOwned):
    """An organisation admin lifted the login lockout of one of its members: kept in the organisation's journal."""

    email = models.EmailField(_("adresse électronique"))
    user = models.ForeignKey(User, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("déverrouillage de compte")
        verbose_name_plural = _("déverrouillages de comptes")

    def __str__(self) -> str:
        return self.email


class SubmissionToken(models.Model):
    """A creation form's token, claimed by its first submission (see `core.idempotency`).

    The unique token does the work: a second submission of the same rendered form (a double click, a resend after a
    timeout) cannot claim it again, and is sent where the first one led instead of creating a second row.
    """

    token = models.CharField(max_length=128, unique=True)
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    response_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("jeton de formulaire")
        verbose_name_plural = _("jetons de formulaire")

    def __str__(self) -> str:
        return self.token
