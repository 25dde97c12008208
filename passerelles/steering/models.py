from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.core.storage import RandomName, private_storage
from passerelles.core.tenancy import OrgOwned
from passerelles.steering.enums import (
    ActivityStatus,
    BudgetLineStatus,
    Currency,
    EvaluationKind,
    FollowUpStatus,
    FunderKind,
    IndicatorMeasure,
    MeasuredOn,
    OrganisationRole,
    PeriodStatus,
    PlanItemStatus,
    ProjectKind,
    Rating,
    ResultKind,
    TransactionKind,
    TransversalityStage,
)

dac_code = RegexValidator(r"^\d{5}$", _("Code secteur CAD à cinq chiffres, ex. 15112."))
MONEY = {"max_digits": 14, "decimal_places": 2}
positive = MinValueValidator(Decimal("0"))


def _dates_ordered(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=_("La date de fin ne peut pas précéder la date de début."),
    )


# -- programmes and annual plans ----------------------------------------------------------------------


class Programme(OrgOwned):
    """A multi-year action plan (three years at the CAECE: 2010-2012, 2013-2015…)."""

    title = models.CharField(_("intitulé"), max_length=255)
    start_year = models.PositiveSmallIntegerField(_("année de début"))
    end_year = models.PositiveSmallIntegerField(_("année de fin"))
    description = models.TextField(_("description"), blank=True)
    strategy = models.ForeignKey(
        "strategy.StrategyDocument",
        verbose_name=_("document de référence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("programme pluriannuel")
        verbose_name_plural = _("programmes pluriannuels")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "start_year"], name="programme_unique_start"),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="programme_years_ordered",
                violation_error_message=_("L'année de fin ne peut pas précéder l'année de début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}-{self.end_year})"


class AnnualPlan(OrgOwned):
    year = models.PositiveSmallIntegerField(_("année"))
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annual_plans",
    )
    notes = models.TextField(_("observations"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan d'actions annuel")
        verbose_name_plural = _("plans d'actions annuels")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="annual_plan_unique_year")]

    def __str__(self) -> str:
        return str(self.year)


class AnnualPlanItem(OrgOwned):
    """One strategy action or one project conducted in the year, with its owner, dates, budget and status."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    action = models.ForeignKey(
        "strategy.Action",
        verbose_name=_("action"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    project = models.ForeignKey(
        "steering.Project",
        verbose_name=_("projet"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    owner = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    budget = models.DecimalField(_("budget prévu (€)"), **MONEY, default=Decimal("0"), validators=[positive])
    status = models.CharField(_("état"), max_length=12, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("reporté depuis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("élément du plan annuel")
        verbose_name_plural = _("éléments du plan annuel")
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(project__isnull=True))
                | (Q(action__isnull=True) & Q(project__isnull=False)),
                name="plan_item_action_xor_project",
                violation_error_message=_("Un élément du plan est une action ou un projet, pas les deux."),
            ),
            models.UniqueConstraint(fields=["plan", "action"], name="plan_item_unique_action"),
            models.UniqueConstraint(fields=["plan", "project"], name="plan_item_unique_project"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="plan_item_budget_positive"),
            _dates_ordered("planned_start", "planned_end", "plan_item_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} — {self.action_id or ''}{self.project_id or ''}"


# -- projects ------------------------------------------------------------------------------------------


class Project(OrgOwned):
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type de projet"), max_length=24, choices=ProjectKind.choices)
    status = models.CharField(
        _("statut"), max_length=1, choices=ActivityStatus.choices, default=ActivityStatus.PIPELINE
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    actual_start = models.DateField(_("début effectif"), null=True, blank=True)
    actual_end = models.DateField(_("fin effective"), null=True, blank=True)
    period_label = models.CharField(
        _("période (texte)"), max_length=40, blank=True, help_text=_("Quand les dates exactes ne sont pas connues.")
    )
    partner_territories = models.ManyToManyField(
        "core.Territory", verbose_name=_("territoires partenaires"), related_name="projects", blank=True
    )
    orientations = models.ManyToManyField(
        "strategy.Orientation", verbose_name=_("orientations servies"), related_name="projects", blank=True
    )
    priorities = models.ManyToManyField(
        "strategy.Priority", verbose_name=_("priorités servies"), related_name="projects", blank=True
    )
    actions = models.ManyToManyField(
        "strategy.Action", verbose_name=_("actions servies"), related_name="projects", blank=True
    )
    components = models.TextField(_("composantes"), blank=True, help_text=_("Une composante par ligne."))

    history = HistoricalRecords(m2m_fields=[partner_territories, orientations, priorities, actions])

    class Meta:
        ordering = ["code"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="project_unique_code"),
            models.CheckConstraint(condition=Q(kind__in=ProjectKind.values), name="project_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ActivityStatus.values), name="project_status_valid"),
            _dates_ordered("planned_start", "planned_end", "project_planned_dates_ordered"),
            _dates_ordered("actual_start", "actual_end", "project_actual_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def component_list(self) -> list[str]:
        return [line.strip() for line in self.components.splitlines() if line.strip()]


class ParticipatingOrganisation(OrgOwned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("organisation"), max_length=255)
    role = models.CharField(_("rôle IATI"), max_length=1, choices=OrganisationRole.choices)
    reference = models.CharField(_("identifiant IATI"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("organisation participante")
        verbose_name_plural = _("organisations participantes")
        constraints = [
            models.UniqueConstraint(fields=["project", "name", "role"], name="participant_unique_role"),
            models.CheckConstraint(condition=Q(role__in=OrganisationRole.values), name="participant_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ProjectDirectorate(OrgOwned):
    """A directorate that co-carries a project, how far (transversality stage) and with how much staff time."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="directorates")
    directorate = models.ForeignKey(
        "core.Directorate", verbose_name=_("direction"), on_delete=models.RESTRICT, related_name="projects"
    )
    stage = models.PositiveSmallIntegerField(_("stade de transversalité"), choices=TransversalityStage.choices)
    person_days = models.DecimalField(
        _("jours-agent"), max_digits=8, decimal_places=1, default=Decimal("0"), validators=[positive]
    )
    day_rate = models.DecimalField(_("coût d'un jour-agent (€)"), **MONEY, default=Decimal("0"), validators=[positive])
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "directorate__name"]
        verbose_name = _("direction co-porteuse")
        verbose_name_plural = _("directions co-porteuses")
        constraints = [
            models.UniqueConstraint(fields=["project", "directorate", "year"], name="project_directorate_unique"),
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=4), name="project_directorate_stage_range"),
            models.CheckConstraint(
                condition=Q(person_days__gte=0) & Q(day_rate__gte=0), name="project_directorate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directorate} — {self.project.code}"

    @property
    def in_kind_value(self) -> Decimal:
        return (self.person_days * self.day_rate).quantize(Decimal("0.01"))


class ProjectSector(OrgOwned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("secteur CAD"), max_length=5, validators=[dac_code])
    percentage = models.DecimalField(
        _("part (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-percentage", "code"]
        verbose_name = _("secteur CAD")
        verbose_name_plural = _("secteurs CAD")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="project_sector_unique"),
            models.CheckConstraint(condition=Q(percentage__gt=0, percentage__lte=100), name="project_sector_pct_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.percentage} %)"


class FileOrLink(OrgOwned):
    """Abstract base of a titled attachment: a private file or a link, at least one of them, dated.

    A subclass declares its `file` with `FileOrLink.file_field(<upload folder>)` and its check with
    `FileOrLink.file_or_url_required(<constraint name>)` (the names stay those of the migrations).
    """

    title = models.CharField(_("titre"), max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    url = models.URLField(_("lien"), blank=True)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-added_at"]

    @staticmethod
    def file_field(folder: str) -> models.FileField:
        return models.FileField(
            _("fichier"), upload_to=RandomName(folder), storage=private_storage, max_length=255, blank=True
        )

    @staticmethod
    def file_or_url_required(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=~Q(file="") | ~Q(url=""),
            name=name,
            violation_error_message=_("Joignez un fichier ou indiquez un lien."),
        )

    def attach(self, file) -> None:
        """Keep the uploaded file (already checked) and the name it came with."""
        self.file = file
        self.original_name = file.name

    def __str__(self) -> str:
        return self.title


class ProjectDocument(FileOrLink):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    file = FileOrLink.file_field("projects")

    history = HistoricalRecords()

    class Meta(FileOrLink.Meta):
        verbose_name = _("document du projet")
        verbose_name_plural = _("documents du projet")
        constraints = [FileOrLink.file_or_url_required("project_document_file_or_url")]


# -- results framework -----------------------------------------------------------------------------------


class Result(OrgOwned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("niveau"), max_length=8, choices=ResultKind.choices)
    title = models.CharField(_("intitulé"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "position", "pk"]
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")

    def __str__(self) -> str:
        return self.title


class Indicator(OrgOwned):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    title = models.CharField(_("intitulé"), max_length=400)
    measure = models.CharField(
        _("type de mesure"), max_length=12, choices=IndicatorMeasure.choices, default=IndicatorMeasure.QUANTITATIVE
    )
    unit = models.CharField(_("unité"), max_length=60, blank=True)
    measured_on = models.CharField(
        _("mesuré sur"),
        max_length=8,
        choices=MeasuredOn.choices,
        help_text=_("Intérêt local partagé : des résultats sont attendus sur les deux territoires."),
    )
    territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("territoire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    baseline_value = models.DecimalField(
        _("valeur de référence"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("date de la valeur de référence"), null=True, blank=True)
    baseline_comment = models.TextField(_("commentaire sur la référence"), blank=True)
    ascending = models.BooleanField(_("plus c'est haut, mieux c'est"), default=True)
    cumulative = models.BooleanField(_("cumulatif"), default=False)
    is_example = models.BooleanField(
        _("exemple"), default=False, help_text=_("Valeurs d'illustration : la source ne donne pas de chiffre.")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "position", "pk"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        constraints = [
            models.CheckConstraint(condition=Q(measured_on__in=MeasuredOn.values), name="indicator_measured_on_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Disaggregation(OrgOwned):
    """A category an indicator is broken down by, e.g. (gender, women) or (age group, 15-24)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="disaggregations")
    dimension = models.CharField(_("dimension"), max_length=60)
    category = models.CharField(_("catégorie"), max_length=60)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension", "category"]
        verbose_name = _("ventilation")
        verbose_name_plural = _("ventilations")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "dimension", "category"], name="disaggregation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} : {self.category}"


class Period(OrgOwned):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    target_value = models.DecimalField(_("cible"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual_value = models.DecimalField(_("réalisé"), max_digits=16, decimal_places=4, null=True, blank=True)
    target_comment = models.TextField(_("commentaire sur la cible"), blank=True)
    actual_comment = models.TextField(_("commentaire sur le réalisé"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)
    return_comment = models.TextField(_("motif du renvoi"), blank=True)
    # Optimistic locking: a write must name the version it read, so that two editors cannot overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "start"]
        verbose_name = _("période")
        verbose_name_plural = _("périodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="period_dates_ordered",
                violation_error_message=_("La fin de la période ne peut pas précéder son début."),
            ),
            models.CheckConstraint(condition=Q(status__in=PeriodStatus.values), name="period_status_valid"),
            models.UniqueConstraint(fields=["indicator", "start", "end"], name="period_unique_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.start} — {self.end}"

    @property
    def is_locked(self) -> bool:
        return self.status == PeriodStatus.APPROVED


class DisaggregationValue(OrgOwned):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="disaggregation_values")
    disaggregation = models.ForeignKey(Disaggregation, on_delete=models.CASCADE, related_name="values")
    target_value = models.DecimalField(_("cible"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual_value = models.DecimalField(_("réalisé"), max_digits=16, decimal_places=4, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur ventilée")
        verbose_name_plural = _("valeurs ventilées")
        constraints = [
            models.UniqueConstraint(fields=["period", "disaggregation"], name="disaggregation_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.disaggregation}: {self.actual_value}"


class PeriodEvidence(FileOrLink):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="evidence")
    file = FileOrLink.file_field("evidence")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+")

    history = HistoricalRecords()

    class Meta(FileOrLink.Meta):
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        constraints = [FileOrLink.file_or_url_required("evidence_file_or_url")]


class PeriodTransition(OrgOwned):
    """The log of the values workflow: draft -> submitted -> approved, or returned with a comment."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=PeriodStatus.choices)
    to_status = models.CharField(max_length=10, choices=PeriodStatus.choices)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("changement de statut d'une période")
        verbose_name_plural = _("changements de statut des périodes")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


# -- budget and co-financing ------------------------------------------------------------------------------


class Funder(OrgOwned):
    name = models.CharField(_("nom"), max_length=255)
    short_name = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=FunderKind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("bailleur")
        verbose_name_plural = _("bailleurs")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="funder_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=FunderKind.values), name="funder_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_own(self) -> bool:
        return self.kind == FunderKind.OWN


class BudgetLine(OrgOwned):
    """Money expected from one funder for one project (or for the portfolio) in one year."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_lines",
        help_text=_("Vide pour un agrégat annuel du portefeuille (historique)."),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    funder = models.ForeignKey(
        Funder, verbose_name=_("bailleur"), on_delete=models.RESTRICT, related_name="budget_lines"
    )
    amount = models.DecimalField(_("montant (€)"), **MONEY, validators=[positive])
    status = models.CharField(
        _("statut"), max_length=10, choices=BudgetLineStatus.choices, default=BudgetLineStatus.REQUESTED
    )
    is_aggregate = models.BooleanField(
        _("agrégat historique"),
        default=False,
        help_text=_("Montant annuel global reconstitué à partir d'une source, sans détail par projet."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "project", "funder"]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_positive",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(condition=Q(status__in=BudgetLineStatus.values), name="budget_line_status_valid"),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(is_aggregate=True), name="budget_line_project_or_aggregate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.funder} — {self.amount}"


class ExchangeRate(OrgOwned):
    """How many units of a currency make one euro, from a date (XOF needs none: its parity is fixed)."""

    currency = models.CharField(_("devise"), max_length=3, choices=Currency.choices)
    valid_from = models.DateField(_("valable à partir du"))
    units_per_eur = models.DecimalField(
        _("unités pour 1 €"), max_digits=14, decimal_places=6, validators=[MinValueValidator(Decimal("0.000001"))]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("taux de change")
        verbose_name_plural = _("taux de change")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "currency", "valid_from"], name="rate_unique_date"),
            models.CheckConstraint(condition=Q(units_per_eur__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_from}: {self.units_per_eur}"


class Transaction(OrgOwned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(_("type"), max_length=12, choices=TransactionKind.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), **MONEY, validators=[positive])
    currency = models.CharField(_("devise"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    units_per_eur = models.DecimalField(
        _("taux appliqué (unités pour 1 €)"), max_digits=14, decimal_places=6, default=Decimal("1")
    )
    amount_eur = models.DecimalField(_("montant (€)"), **MONEY)
    funder = models.ForeignKey(
        Funder,
        verbose_name=_("bailleur"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="transactions",
    )
    description = models.CharField(_("libellé"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount_eur__gte=0),
                name="transaction_positive",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(condition=Q(currency__in=Currency.values), name="transaction_currency_valid"),
            models.CheckConstraint(condition=Q(kind__in=TransactionKind.values), name="transaction_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.amount} {self.currency}"


class InKindContribution(OrgOwned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="in_kind")
    year = models.PositiveSmallIntegerField(_("année"))
    funder = models.ForeignKey(Funder, verbose_name=_("apporté par"), on_delete=models.RESTRICT, related_name="in_kind")
    description = models.CharField(_("nature"), max_length=255)
    value_eur = models.DecimalField(_("valeur (€)"), **MONEY, validators=[positive])

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("contribution en nature")
        verbose_name_plural = _("contributions en nature")
        constraints = [models.CheckConstraint(condition=Q(value_eur__gte=0), name="in_kind_positive")]

    def __str__(self) -> str:
        return self.description


class BudgetEnvelope(OrgOwned):
    """Budget arbitration (action T4): the amount set aside for one kind of project in one year."""

    year = models.PositiveSmallIntegerField(_("année"))
    project_kind = models.CharField(_("type de projet"), max_length=24, choices=ProjectKind.choices)
    amount = models.DecimalField(_("enveloppe (€)"), **MONEY, validators=[positive])

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "project_kind"]
        verbose_name = _("enveloppe budgétaire")
        verbose_name_plural = _("enveloppes budgétaires")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "project_kind"], name="envelope_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.get_project_kind_display()}"


# -- alignment review ---------------------------------------------------------------------------------------


class AlignmentReview(OrgOwned):
    """A project reviewed against the guiding principles of the adopted strategy (actions P1.2, P1.4)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    document = models.ForeignKey(
        "strategy.StrategyDocument",
        verbose_name=_("document de référence"),
        on_delete=models.RESTRICT,
        related_name="reviews",
    )
    reviewed_on = models.DateField(_("date de l'examen"), default=timezone.localdate)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("examiné par"), on_delete=models.RESTRICT, related_name="+"
    )
    summary = models.TextField(_("synthèse"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("examen de conformité")
        verbose_name_plural = _("examens de conformité")

    def __str__(self) -> str:
        return f"{self.project.code} — {self.reviewed_on}"


class CriterionAssessment(OrgOwned):
    review = models.ForeignKey(AlignmentReview, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(
        "strategy.AlignmentCriterion",
        verbose_name=_("principe directeur"),
        on_delete=models.RESTRICT,
        related_name="assessments",
    )
    rating = models.CharField(_("appréciation"), max_length=8, choices=Rating.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    adaptation_required = models.BooleanField(_("adaptation nécessaire"), default=False)
    adaptation = models.TextField(_("adaptation à mener"), blank=True)
    owner = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    adaptation_done = models.BooleanField(_("adaptation réalisée"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "criterion__position", "criterion__code"]
        verbose_name = _("appréciation d'un principe")
        verbose_name_plural = _("appréciations des principes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="assessment_unique_criterion"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="assessment_rating_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.rating}"


# -- monitoring and evaluation -------------------------------------------------------------------------------


class MonitoringMission(OrgOwned):
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("territoire"), on_delete=models.RESTRICT, related_name="missions"
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    purpose = models.TextField(_("objet"))
    findings = models.TextField(_("constats"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("projets suivis"), related_name="missions", blank=True)
    is_done = models.BooleanField(_("réalisée"), default=False)

    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        ordering = ["-start"]
        verbose_name = _("mission de suivi")
        verbose_name_plural = _("missions de suivi")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="mission_dates_ordered",
                violation_error_message=_("La fin de la mission ne peut pas précéder son début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory} — {self.start}"


class MissionDelegate(OrgOwned):
    """A member of the delegation, as a directorate and a role: never a person's name."""

    mission = models.ForeignKey(MonitoringMission, on_delete=models.CASCADE, related_name="delegates")
    directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("direction"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("fonction"), max_length=150)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre de la délégation")
        verbose_name_plural = _("membres de la délégation")

    def __str__(self) -> str:
        return self.role


class Evaluation(OrgOwned):
    kind = models.CharField(_("type"), max_length=8, choices=EvaluationKind.choices)
    title = models.CharField(_("intitulé"), max_length=255)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme évalué"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet évalué"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    evaluator = models.CharField(_("évaluateur"), max_length=255, help_text=_("Un organisme, pas une personne."))
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    findings = models.TextField(_("constats"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    management_response = models.TextField(_("réponse de la collectivité"), blank=True)
    document = models.FileField(
        _("rapport"), upload_to=RandomName("evaluations"), storage=private_storage, max_length=255, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-end", "-pk"]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=False) & Q(project__isnull=True))
                | (Q(programme__isnull=True) & Q(project__isnull=False)),
                name="evaluation_programme_xor_project",
                violation_error_message=_("Une évaluation porte sur un programme ou sur un projet."),
            ),
            _dates_ordered("start", "end", "evaluation_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class FollowUp(OrgOwned):
    """A recommendation turned into something to do, from a mission or an evaluation."""

    mission = models.ForeignKey(
        MonitoringMission, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    text = models.TextField(_("suite à donner"))
    owner = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("suite à donner")
        verbose_name_plural = _("suites à donner")
        constraints = [
            models.CheckConstraint(
                condition=(Q(mission__isnull=False) & Q(evaluation__isnull=True))
                | (Q(mission__isnull=True) & Q(evaluation__isnull=False)),
                name="follow_up_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class LessonLearned(OrgOwned):
    title = models.CharField(_("intitulé"), max_length=255)
    text = models.TextField(_("enseignement"))
    learned_on = models.DateField(_("date"), default=timezone.localdate)
    projects = models.ManyToManyField(Project, verbose_name=_("projets"), related_name="lessons", blank=True)
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("issue de l'évaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )

    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        ordering = ["-learned_on", "-pk"]
        verbose_name = _("enseignement (capitalisation)")
        verbose_name_plural = _("enseignements (capitalisation)")

    def __str__(self) -> str:
        return self.title
