import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.actors.enums import (
    ActorKind,
    ChangeRequestStatus,
    DataRequestKind,
    Location,
    MeetingScope,
    MembershipStatus,
    ModerationStatus,
    NetworkScope,
    SubscriberKind,
    Theme,
)
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
    # Given on the public registration form: once the entry is approved, a set-password link is sent there.
    account_request_email = models.EmailField(_("adresse pour le compte demandé"), blank=True)
    # A page of this site (a call for projects) the registration came from: the invitation's link leads back to it.
    account_request_next = models.CharField(_("page de retour après création du compte"), max_length=200, blank=True)
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


# -- changes proposed by an actor's account to its published entry ------------------------------------------


class ActorChangeRequest(OrgOwned):
    """What an actor's account wants to change in its approved entry: the public version stays until approved.

    One pending request per entry (database constraint): a second edit rewrites the pending one.
    """

    actor = models.ForeignKey(Actor, verbose_name=_("acteur"), on_delete=models.CASCADE, related_name="change_requests")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Field name -> proposed value, JSON-ready (lists for themes and countries, booleans for visibility).
    proposed = models.JSONField(_("valeurs proposées"), default=dict)
    status = models.CharField(
        _("état"), max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("modification proposée d'une fiche")
        verbose_name_plural = _("modifications proposées des fiches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values), name="actor_change_status_valid"
            ),
            models.UniqueConstraint(
                fields=["actor"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="actor_change_one_pending",
                violation_error_message=_("Une modification de cette fiche attend déjà la modération."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} ({self.status})"


# -- actor accounts: the register of personal-data requests (RGPD) --------------------------------------------


class PersonalDataRequest(OrgOwned):
    """One export or erasure asked by an actor's account: the register the authority keeps as data controller.

    It holds no personal data itself: the actor's name (an organisation) and what was done.
    """

    kind = models.CharField(_("demande"), max_length=10, choices=DataRequestKind.choices)
    actor = models.ForeignKey(
        Actor, verbose_name=_("acteur"), on_delete=models.SET_NULL, null=True, blank=True, related_name="data_requests"
    )
    actor_name = models.CharField(_("acteur"), max_length=255)
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    completed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    summary = models.TextField(_("ce qui a été fait"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("demande sur des données personnelles")
        verbose_name_plural = _("demandes sur des données personnelles")
        constraints = [models.CheckConstraint(condition=Q(kind__in=DataRequestKind.values), name="data_request_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.actor_name}"


# -- census campaigns (actions P5.1 and P5.2) ----------------------------------------------------------------


class CensusCampaign(OrgOwned):
    """A round of bilateral meetings, one per directorate or per commune, to find the actors of the territory."""

    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("objet"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin prévue"), null=True, blank=True)
    action = models.ForeignKey(
        "strategy.Action",
        verbose_name=_("action du plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="census_campaigns",
    )
    is_closed = models.BooleanField(_("campagne close"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("campagne de recensement")
        verbose_name_plural = _("campagnes de recensement")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="census_campaign_dates",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CensusMeeting(OrgOwned):
    """One bilateral meeting of a campaign: with a directorate (P5.1) or with a commune (P5.2)."""

    campaign = models.ForeignKey(CensusCampaign, on_delete=models.CASCADE, related_name="meetings")
    scope = models.CharField(_("avec"), max_length=12, choices=MeetingScope.choices)
    directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="census_meetings",
    )
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[insee_code])
    counterpart = models.CharField(
        _("interlocuteur (fonction)"), max_length=150, blank=True, help_text=_("Une fonction, pas un nom.")
    )
    planned_on = models.DateField(_("date prévue"), null=True, blank=True)
    held_on = models.DateField(_("tenue le"), null=True, blank=True)
    notes = models.TextField(_("compte rendu"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "commune", "directorate__name"]
        verbose_name = _("réunion bilatérale de recensement")
        verbose_name_plural = _("réunions bilatérales de recensement")
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=MeetingScope.values), name="census_meeting_scope"),
            models.CheckConstraint(
                condition=(Q(scope=MeetingScope.DIRECTORATE) & Q(directorate__isnull=False) & Q(commune=""))
                | (Q(scope=MeetingScope.COMMUNE) & Q(directorate__isnull=True) & ~Q(commune="")),
                name="census_meeting_counterpart",
                violation_error_message=_("Une réunion se tient avec une direction ou avec une commune."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "directorate"],
                condition=Q(directorate__isnull=False),
                name="census_meeting_one_per_directorate",
                violation_error_message=_("Cette direction a déjà sa réunion dans la campagne."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "commune"],
                condition=~Q(commune=""),
                name="census_meeting_one_per_commune",
                violation_error_message=_("Cette commune a déjà sa réunion dans la campagne."),
            ),
        ]

    def __str__(self) -> str:
        return self.commune or str(self.directorate)

    @property
    def counterpart_name(self) -> str:
        return self.commune if self.scope == MeetingScope.COMMUNE else str(self.directorate)


class CensusFinding(OrgOwned):
    """An actor surfaced by a meeting: new to the authority then, or already known."""

    meeting = models.ForeignKey(CensusMeeting, on_delete=models.CASCADE, related_name="findings")
    actor = models.ForeignKey(Actor, verbose_name=_("acteur"), on_delete=models.CASCADE, related_name="census_findings")
    is_new = models.BooleanField(_("nouvel acteur"), default=False)
    note = models.CharField(_("remarque"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name"]
        verbose_name = _("acteur recensé")
        verbose_name_plural = _("acteurs recensés")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "actor"],
                name="census_finding_unique",
                violation_error_message=_("Cet acteur est déjà noté pour cette réunion."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.actor}"


# -- networks and their prioritisation (action P3.7) ------------------------------------------------------


class Network(OrgOwned):
    """A network of authorities or of actors (Cités Unies France, AFCCRE, AIMF, F3E...) and the membership in it."""

    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    scope = models.CharField(_("échelle"), max_length=14, choices=NetworkScope.choices, default=NetworkScope.NATIONAL)
    website = models.URLField(_("site internet"), blank=True)
    description = models.TextField(_("description"), blank=True)
    membership_status = models.CharField(
        _("adhésion"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.MEMBER
    )
    member_since = models.PositiveSmallIntegerField(
        _("adhérente depuis"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    annual_fee = models.DecimalField(
        _("cotisation annuelle (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    working_groups = models.JSONField(_("groupes de travail suivis"), default=list, blank=True)
    lead_directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction référente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="network_unique_name",
                violation_error_message=_("Un réseau porte déjà ce nom."),
            ),
            models.CheckConstraint(condition=Q(scope__in=NetworkScope.values), name="network_scope_valid"),
            models.CheckConstraint(
                condition=Q(membership_status__in=MembershipStatus.values), name="network_membership_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class NetworkCriterion(OrgOwned):
    """A weighted criterion of the prioritisation grid the technical committee ranks networks with."""

    label = models.CharField(_("critère"), max_length=255)
    description = models.TextField(_("précisions"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("pondération"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère de priorisation")
        verbose_name_plural = _("critères de priorisation")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"],
                name="network_criterion_unique_label",
                violation_error_message=_("Un critère porte déjà cet intitulé."),
            ),
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=10), name="network_criterion_weight"),
        ]

    def __str__(self) -> str:
        return self.label


SCORE_MAX = 5


class NetworkScore(OrgOwned):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(NetworkCriterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("note"), validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)])
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note d'un réseau")
        verbose_name_plural = _("notes des réseaux")
        constraints = [
            models.UniqueConstraint(fields=["network", "criterion"], name="network_score_unique"),
            models.CheckConstraint(condition=Q(score__lte=SCORE_MAX), name="network_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.network_id}/{self.criterion_id}: {self.score}"


# -- watch (action P3.8) --------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class WatchItem(OrgOwned):
    """A piece of news from a network, tagged so that it reaches the directorates and elected officials concerned."""

    title = models.CharField(_("titre"), max_length=255)
    network = models.ForeignKey(
        Network,
        verbose_name=_("réseau source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="watch_items",
    )
    url = models.URLField(_("lien"), max_length=500, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    published_on = models.DateField(_("date"))
    orientations = models.JSONField(
        _("orientations"), default=list, blank=True, help_text=_("Numéros des orientations de la stratégie.")
    )
    themes = models.JSONField(_("thématiques"), default=list, blank=True, validators=[validate_themes])
    territories = models.ManyToManyField(
        "core.Territory", verbose_name=_("territoires"), blank=True, related_name="watch_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[territories])

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("information de veille")
        verbose_name_plural = _("informations de veille")
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[t]) for t in self.themes if t in labels]


class WatchSubscription(OrgOwned):
    """A directorate's or an elected official's subscription to the weekly digest, by tag (none: everything)."""

    kind = models.CharField(_("destinataire"), max_length=12, choices=SubscriberKind.choices)
    label = models.CharField(
        _("intitulé"), max_length=200, help_text=_("Une direction ou une fonction d'élu·e, pas un nom.")
    )
    directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watch_subscriptions",
    )
    email = models.EmailField(_("adresse électronique"))
    orientations = models.JSONField(_("orientations"), default=list, blank=True)
    themes = models.JSONField(_("thématiques"), default=list, blank=True, validators=[validate_themes])
    territories = models.ManyToManyField(
        "core.Territory", verbose_name=_("territoires"), blank=True, related_name="watch_subscriptions"
    )
    is_active = models.BooleanField(_("active"), default=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonnement le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[territories], excluded_fields=["token"])

    class Meta:
        ordering = ["label"]
        verbose_name = _("abonnement à la veille")
        verbose_name_plural = _("abonnements à la veille")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SubscriberKind.values), name="watch_subscription_kind"),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                name="watch_subscription_unique_email",
                violation_error_message=_("Cette adresse est déjà abonnée."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class WatchDigest(OrgOwned):
    """One digest sent to one subscription: the job's log, which also makes a second run in the same week a no-op."""

    subscription = models.ForeignKey(WatchSubscription, on_delete=models.CASCADE, related_name="digests")
    week = models.CharField(_("semaine"), max_length=8, help_text=_("Année et semaine ISO, ex. 2026-W48."))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    item_count = models.PositiveIntegerField(_("informations"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("lettre de veille envoyée")
        verbose_name_plural = _("lettres de veille envoyées")
        constraints = [models.UniqueConstraint(fields=["subscription", "week"], name="watch_digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.week}"
