from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.actors.enums import ActorKind, Location, ModerationStatus, Theme
from passerelles.actors.validators import validate_countries, validate_rna, validate_siret, validate_themes
from passerelles.core.models import insee_code
from passerelles.core.tenancy import OrgOwned


class Actor(OrgOwned):
    """An organisation of the territory (or of a partner territory) engaged internationally: never a person."""

    name = models.CharField(_("nom"), max_length=255)
    kind = models.CharField(_("type"), max_length=24, choices=ActorKind.choices)
    location = models.CharField(_("situé sur"), max_length=10, choices=Location.choices, default=Location.HOME)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[insee_code])
    partner_territory_of = models.ForeignKey(
        "core.Territory",
        verbose_name=_("territoire partenaire où il est situé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_actors",
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
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
    themes = models.JSONField(_("thématiques"), default=list, blank=True, validators=[validate_themes])
    countries = models.JSONField(
        _("pays d'intervention"),
        default=list,
        blank=True,
        validators=[validate_countries],
        help_text=_("Codes ISO à deux lettres, ex. ML, SN."),
    )
    partner_territories = models.ManyToManyField(
        "core.Territory",
        verbose_name=_("territoires partenaires avec lesquels il travaille"),
        blank=True,
        related_name="actors",
    )
    projects = models.ManyToManyField("steering.Project", verbose_name=_("projets"), blank=True, related_name="actors")
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[validate_rna])
    founded_year = models.PositiveSmallIntegerField(
        _("année de création"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    # The contact is a role ("président·e", "chargé·e de projets"); email and phone are kept only with consent.
    contact_role = models.CharField(_("contact (fonction)"), max_length=150, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    contact_consent_at = models.DateTimeField(_("consentement recueilli le"), null=True, blank=True)
    is_public = models.BooleanField(_("visible dans l'annuaire public"), default=True)
    moderation_status = models.CharField(
        _("modération"), max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )
    moderation_message = models.TextField(_("message de modération"), blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de l'acteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actors",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partner_territories, projects])

    class Meta:
        ordering = ["name"]
        verbose_name = _("acteur du territoire")
        verbose_name_plural = _("acteurs du territoire")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActorKind.values), name="actor_kind_valid"),
            models.CheckConstraint(
                condition=Q(moderation_status__in=ModerationStatus.values), name="actor_moderation_valid"
            ),
            # No contact email or phone without a recorded consent (RGPD).
            models.CheckConstraint(
                condition=Q(contact_consent_at__isnull=False) | (Q(contact_email="") & Q(contact_phone="")),
                name="actor_contact_needs_consent",
                violation_error_message=_("Un courriel ou un téléphone de contact demande le consentement."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "moderation_status", "is_public"])]

    def __str__(self) -> str:
        return self.name

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[t]) for t in self.themes if t in labels]


class ActorLink(OrgOwned):
    """Two actors that work together (a twinning committee and its school, an association and its federation)."""

    source = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(_("nature du lien"), max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lien entre acteurs")
        verbose_name_plural = _("liens entre acteurs")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="actor_link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="actor_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"
