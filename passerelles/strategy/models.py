from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.core.tenancy import OrgOwned
from passerelles.strategy.enums import ActionStatus, DocumentStatus


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class StrategyDocument(OrgOwned):
    """The "document de référence": the adopted strategy, or a draft of its next version."""

    title = models.CharField(_("titre"), max_length=255)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("statut"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    adopted_on = models.DateField(_("date d'adoption"), null=True, blank=True)
    horizon_year = models.PositiveSmallIntegerField(_("horizon"), null=True, blank=True)
    red_thread = models.TextField(_("fil rouge"), blank=True)
    summary = models.TextField(_("présentation"), blank=True)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("version précédente"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="next_versions",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("document de référence")
        verbose_name_plural = _("documents de référence")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="strategy_document_unique_version"),
            # One adopted strategy per organisation at a time.
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="adopted"), name="strategy_document_one_adopted"
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False), name="strategy_document_adopted_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_archived(self) -> bool:
        return self.status == DocumentStatus.ARCHIVED


class DocumentPart(OrgOwned):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True


class AlignmentCriterion(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("principe directeur")
        verbose_name_plural = _("principes directeurs")
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="criterion_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Orientation(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="orientations")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=400)
    is_foundation = models.BooleanField(_("socle de la stratégie"), default=False)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    levers = models.TextField(_("leviers d'action"), blank=True, help_text=_("Un levier par ligne."))
    vigilance = models.TextField(_("points de vigilance"), blank=True, help_text=_("Un point par ligne."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("orientation stratégique")
        verbose_name_plural = _("orientations stratégiques")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="orientation_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def lever_list(self) -> list[str]:
        return _lines(self.levers)

    @property
    def vigilance_list(self) -> list[str]:
        return _lines(self.vigilance)


class Ambition(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="ambitions")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("intitulé"), max_length=400)
    orientations = models.ManyToManyField(Orientation, verbose_name=_("orientations"), related_name="ambitions")

    history = HistoricalRecords(m2m_fields=[orientations])

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="ambition_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Priority(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("intitulé"), max_length=400)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("priorité d'action")
        verbose_name_plural = _("priorités d'action")
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="priority_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class ActorCategory(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="actor_categories")
    key = models.SlugField(_("clé"), max_length=50)
    label = models.CharField(_("libellé"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("catégorie d'acteurs")
        verbose_name_plural = _("catégories d'acteurs")
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="actor_category_unique_key")]

    def __str__(self) -> str:
        return self.label


class Action(DocumentPart):
    document = models.ForeignKey(StrategyDocument, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("intitulé"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priorité"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("Vide pour une action transversale."),
    )
    actor_category = models.ForeignKey(
        ActorCategory,
        verbose_name=_("actions impliquant"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="actions",
    )
    orientations = models.ManyToManyField(Orientation, verbose_name=_("orientations"), related_name="actions")
    lead_directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction pilote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    status = models.CharField(
        _("état d'avancement"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[orientations])

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="action_unique_code"),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="action_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def is_transversal(self) -> bool:
        return self.priority_id is None


class ProgressNote(OrgOwned):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur·rice"), on_delete=models.PROTECT, related_name="+"
    )
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note d'avancement"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-noted_on", "-created_at"]
        verbose_name = _("note d'avancement")
        verbose_name_plural = _("notes d'avancement")

    def __str__(self) -> str:
        return f"{self.noted_on}: {self.text[:60]}"


class ActionTransition(OrgOwned):
    """The log of the action workflow: every status change, who and when."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
