"""Reads of the budget and co-financing area, and THE definition of every finance figure.

Definitions (used by the project budget page, the portfolio budget page, its export and the dashboard):

- budget: the GRANTED budget lines (cash, in euros). Requested and refused lines are shown separately and never
  counted in the budget.
- in kind: the in-kind contributions entered for the project, plus the staff time of the co-carrying directorates
  (`ProjectDirectorate.person_days x day_rate`, each link rounded to the cent like `in_kind_value`), which counts as
  an in-kind contribution of the authority itself.
- total resources = budget + in kind.
- own share: what the authority brings, i.e. granted lines and in-kind contributions of funders of kind `own`, plus
  the staff time. External share = total resources - own share, broken down by funder.
- leverage = external euros per own euro (None when the own share is 0).
- execution rate = disbursements (EUR) / budget (None when the budget is 0). Commitments and incoming funds are
  shown beside it but do not enter the rate.
- year: a budget line's and an in-kind contribution's year, a transaction's date, a staff-time link's year; staff
  time entered without a year is counted in the totals under "year not given" (`year=None`).
- historical aggregates (`BudgetLine.is_aggregate`, no project): annual portfolio amounts rebuilt from a source
  without detail per project. They enter the portfolio figures of their year (and `aggregate_budget` says how much
  of the budget they are, so that every display marks them), but only when the portfolio is not filtered by
  programme, territory or orientation: they cannot be attributed to one.

Each computation is a constant number of grouped queries, whatever the number of projects, lines or transactions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.steering.enums import BudgetLineStatus, FunderKind, ProjectKind, TransactionKind
from passerelles.steering.models import (
    BudgetEnvelope,
    BudgetLine,
    ExchangeRate,
    Funder,
    InKindContribution,
    Project,
    ProjectDirectorate,
    Transaction,
)
from passerelles.steering.selectors.common import get_project_child_or_404

ZERO = Decimal("0")
CENT = Decimal("0.01")


# -- one door per model ---------------------------------------------------------------------------


def get_funder_or_404(organisation, pk) -> Funder:
    return get_for_org_or_404(Funder, organisation, pk)


def get_envelope_or_404(organisation, pk) -> BudgetEnvelope:
    return get_for_org_or_404(BudgetEnvelope, organisation, pk)


def get_exchange_rate_or_404(organisation, pk) -> ExchangeRate:
    return get_for_org_or_404(ExchangeRate, organisation, pk)


def get_budget_line_or_404(project: Project, pk) -> BudgetLine:
    return get_project_child_or_404(
        BudgetLine.objects.select_related("funder"), project.organisation, pk, project=project
    )


def get_transaction_or_404(project: Project, pk) -> Transaction:
    return get_project_child_or_404(
        Transaction.objects.select_related("funder"), project.organisation, pk, project=project
    )


def get_in_kind_or_404(project: Project, pk) -> InKindContribution:
    return get_project_child_or_404(
        InKindContribution.objects.select_related("funder"), project.organisation, pk, project=project
    )


# -- lists ----------------------------------------------------------------------------------------


def funder_list(*, organisation, kind: str | None = None, text: str = "") -> QuerySet[Funder]:
    """Funders with what they granted, requested and brought in kind (euros), all years and projects."""
    funders = for_org(Funder, organisation)
    if kind:
        funders = funders.filter(kind=kind)
    if text:
        funders = funders.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
    granted = (
        BudgetLine.objects.filter(funder=OuterRef("pk"), status=BudgetLineStatus.GRANTED)
        .values("funder")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    requested = (
        BudgetLine.objects.filter(funder=OuterRef("pk"), status=BudgetLineStatus.REQUESTED)
        .values("funder")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    in_kind = InKindContribution.objects.filter(funder=OuterRef("pk")).values("funder").annotate(total=Sum("value_eur"))
    return funders.annotate(
        granted_total=granted, requested_total=requested, in_kind_total=in_kind.values("total")
    ).order_by("name", "pk")


def exchange_rate_list(*, organisation, currency: str | None = None) -> QuerySet[ExchangeRate]:
    rates = for_org(ExchangeRate, organisation)
    if currency:
        rates = rates.filter(currency=currency)
    return rates.order_by("currency", "-valid_from", "pk")


def project_budget_lines(*, project: Project) -> QuerySet[BudgetLine]:
    return (
        for_org(BudgetLine, project.organisation)
        .filter(project=project)
        .select_related("funder")
        .order_by("year", "funder__name", "pk")
    )


def project_transactions(*, project: Project, year: int | None = None) -> QuerySet[Transaction]:
    transactions = for_org(Transaction, project.organisation).filter(project=project)
    if year:
        transactions = transactions.filter(date__year=year)
    return transactions.select_related("funder").order_by("-date", "-pk")


def project_in_kind(*, project: Project) -> QuerySet[InKindContribution]:
    return (
        for_org(InKindContribution, project.organisation)
        .filter(project=project)
        .select_related("funder")
        .order_by("year", "pk")
    )


def project_staff_time(*, project: Project) -> QuerySet[ProjectDirectorate]:
    return (
        for_org(ProjectDirectorate, project.organisation)
        .filter(project=project)
        .select_related("directorate")
        .order_by("year", "directorate__name", "pk")
    )


# -- the figures ----------------------------------------------------------------------------------


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(CENT)


@dataclass
class FinanceFigures:
    """The figures of one year (or of all years when `year` is None and `is_total`), in euros."""

    year: int | None = None
    is_total: bool = False
    budget: Decimal = ZERO  # granted lines, all funders
    requested: Decimal = ZERO
    refused: Decimal = ZERO
    own_cash: Decimal = ZERO  # granted lines of own funders
    own_in_kind: Decimal = ZERO  # in-kind contributions of own funders
    staff_time: Decimal = ZERO  # co-carrying directorates' staff time, own in kind
    external_cash: Decimal = ZERO
    external_in_kind: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    incoming: Decimal = ZERO
    aggregate_budget: Decimal = ZERO  # the part of `budget` made of historical aggregate lines

    @property
    def in_kind(self) -> Decimal:
        return self.own_in_kind + self.staff_time + self.external_in_kind

    @property
    def own(self) -> Decimal:
        return self.own_cash + self.own_in_kind + self.staff_time

    @property
    def external(self) -> Decimal:
        return self.external_cash + self.external_in_kind

    @property
    def total_resources(self) -> Decimal:
        return self.budget + self.in_kind

    @property
    def leverage(self) -> Decimal | None:
        """External euros per own euro."""
        return _ratio(self.external, self.own)

    @property
    def execution_rate(self) -> Decimal | None:
        """Disbursements over the granted budget, as a fraction (0.50 for half)."""
        return _ratio(self.disbursed, self.budget)

    @property
    def execution_percent(self) -> int | None:
        rate = self.execution_rate
        return None if rate is None else round(100 * self.disbursed / self.budget)

    @property
    def own_percent(self) -> int | None:
        return round(100 * self.own / self.total_resources) if self.total_resources else None

    @property
    def external_percent(self) -> int | None:
        return round(100 * self.external / self.total_resources) if self.total_resources else None

    @property
    def has_aggregate(self) -> bool:
        return self.aggregate_budget > 0

    def add(self, other: "FinanceFigures") -> None:
        for name in (
            "budget",
            "requested",
            "refused",
            "own_cash",
            "own_in_kind",
            "staff_time",
            "external_cash",
            "external_in_kind",
            "committed",
            "disbursed",
            "incoming",
            "aggregate_budget",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FunderShare:
    """What one funder brings: granted cash and in kind (the authority's staff time goes to its own funder row)."""

    funder_id: int | None
    name: str
    kind: str
    cash: Decimal = ZERO
    in_kind: Decimal = ZERO
    requested: Decimal = ZERO
    aggregate: Decimal = ZERO  # the part of `cash` from historical aggregate lines

    @property
    def total(self) -> Decimal:
        return self.cash + self.in_kind

    @property
    def is_own(self) -> bool:
        return self.kind == FunderKind.OWN

    @property
    def kind_label(self) -> str:
        return FunderKind(self.kind).label if self.kind in FunderKind.values else ""

    @property
    def has_aggregate(self) -> bool:
        return self.aggregate > 0


@dataclass
class Finance:
    """Figures per year (ascending, the year not given last) and in total, plus the shares by funder."""

    years: list[FinanceFigures] = field(default_factory=list)
    total: FinanceFigures = field(default_factory=lambda: FinanceFigures(is_total=True))
    by_funder: list[FunderShare] = field(default_factory=list)

    @property
    def external_funders(self) -> list[FunderShare]:
        return [share for share in self.by_funder if not share.is_own]

    @property
    def own_funders(self) -> list[FunderShare]:
        return [share for share in self.by_funder if share.is_own]

    @property
    def has_aggregate(self) -> bool:
        return self.total.has_aggregate

    @property
    def max_year_resources(self) -> Decimal:
        return max((y.total_resources for y in self.years), default=ZERO)

    @property
    def chart_rows(self) -> list[tuple[FinanceFigures, Decimal]]:
        """Each year with what its bar lacks to reach the largest year, so that bars share one scale."""
        top = self.max_year_resources
        return [(figures, top - figures.total_resources) for figures in self.years]

    def year(self, year: int | None) -> FinanceFigures | None:
        return next((y for y in self.years if y.year == year), None)


@dataclass
class ProjectFinance(Finance):
    project: Project | None = None


@dataclass
class PortfolioFinance(Finance):
    organisation: object = None
    filtered: bool = False  # by programme, territory or orientation: aggregates left out
    aggregates_included: bool = True


def _compute(*, lines, in_kind, staff, transactions, own_label: str) -> Finance:
    """Fold the four grouped querysets into per-year figures, a total and the shares by funder (4 queries)."""
    years: dict[int | None, FinanceFigures] = defaultdict(FinanceFigures)
    funders: dict[int | None, FunderShare] = {}

    def share(funder_id, name, short_name, kind) -> FunderShare:
        if funder_id not in funders:
            funders[funder_id] = FunderShare(funder_id=funder_id, name=short_name or name, kind=kind)
        return funders[funder_id]

    for row in (
        lines.values(
            "year", "status", "is_aggregate", "funder_id", "funder__name", "funder__short_name", "funder__kind"
        )
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        figures, amount = years[row["year"]], row["total"] or ZERO
        funder = share(row["funder_id"], row["funder__name"], row["funder__short_name"], row["funder__kind"])
        if row["status"] == BudgetLineStatus.REQUESTED:
            figures.requested += amount
            funder.requested += amount
        elif row["status"] == BudgetLineStatus.REFUSED:
            figures.refused += amount
        else:
            figures.budget += amount
            funder.cash += amount
            if row["is_aggregate"]:
                figures.aggregate_budget += amount
                funder.aggregate += amount
            if row["funder__kind"] == FunderKind.OWN:
                figures.own_cash += amount
            else:
                figures.external_cash += amount

    for row in (
        in_kind.values("year", "funder_id", "funder__name", "funder__short_name", "funder__kind")
        .annotate(total=Sum("value_eur"))
        .order_by()
    ):
        figures, amount = years[row["year"]], row["total"] or ZERO
        share(row["funder_id"], row["funder__name"], row["funder__short_name"], row["funder__kind"]).in_kind += amount
        if row["funder__kind"] == FunderKind.OWN:
            figures.own_in_kind += amount
        else:
            figures.external_in_kind += amount

    staff_total = ZERO
    for year, person_days, day_rate in staff.values_list("year", "person_days", "day_rate").order_by():
        value = (person_days * day_rate).quantize(CENT)  # as ProjectDirectorate.in_kind_value
        years[year].staff_time += value
        staff_total += value
    if staff_total:
        own_funders = [s for s in funders.values() if s.is_own]
        target = own_funders[0] if own_funders else share(None, own_label, "", FunderKind.OWN)
        target.in_kind += staff_total

    for row in (
        transactions.annotate(tx_year=ExtractYear("date"))
        .values("tx_year", "kind")
        .annotate(total=Sum("amount_eur"))
        .order_by()
    ):
        figures, amount = years[row["tx_year"]], row["total"] or ZERO
        if row["kind"] == TransactionKind.DISBURSEMENT:
            figures.disbursed += amount
        elif row["kind"] == TransactionKind.COMMITMENT:
            figures.committed += amount
        else:
            figures.incoming += amount

    finance = Finance()
    for year in sorted(years, key=lambda y: (y is None, y or 0)):
        figures = years[year]
        figures.year = year
        finance.years.append(figures)
        finance.total.add(figures)
    finance.by_funder = sorted(funders.values(), key=lambda s: (-s.total, s.name))
    return finance


def project_finance(*, project: Project) -> ProjectFinance:
    """The finance figures of one project, per year and in total. Four queries."""
    from django.utils.translation import gettext

    org = project.organisation
    finance = _compute(
        lines=for_org(BudgetLine, org).filter(project=project),
        in_kind=for_org(InKindContribution, org).filter(project=project),
        staff=for_org(ProjectDirectorate, org).filter(project=project),
        transactions=for_org(Transaction, org).filter(project=project),
        own_label=gettext("La collectivité (temps agent)"),
    )
    return ProjectFinance(years=finance.years, total=finance.total, by_funder=finance.by_funder, project=project)


def portfolio_finance(
    *, organisation, year: int | None = None, programme=None, territory=None, orientation=None
) -> PortfolioFinance:
    """The finance figures of the whole portfolio (or the projects of a programme, territory or orientation).

    Historical aggregate lines are included per year unless a programme, territory or orientation is chosen.
    Four queries, whatever the size of the portfolio.
    """
    from django.utils.translation import gettext

    projects = for_org(Project, organisation)
    filtered = any(x is not None for x in (programme, territory, orientation))
    if programme is not None:
        projects = projects.filter(programme=programme)
    if territory is not None:
        projects = projects.filter(partner_territories=territory)
    if orientation is not None:
        projects = projects.filter(orientations=orientation)
    project_ids = projects.values("pk")

    lines = for_org(BudgetLine, organisation)
    lines = (
        lines.filter(project__in=project_ids)
        if filtered
        else lines.filter(Q(project__in=project_ids) | Q(project__isnull=True, is_aggregate=True))
    )
    in_kind = for_org(InKindContribution, organisation).filter(project__in=project_ids)
    staff = for_org(ProjectDirectorate, organisation).filter(project__in=project_ids)
    transactions = for_org(Transaction, organisation).filter(project__in=project_ids)
    if year is not None:
        lines, in_kind, staff = lines.filter(year=year), in_kind.filter(year=year), staff.filter(year=year)
        transactions = transactions.filter(date__year=year)
    finance = _compute(
        lines=lines,
        in_kind=in_kind,
        staff=staff,
        transactions=transactions,
        own_label=gettext("La collectivité (temps agent)"),
    )
    return PortfolioFinance(
        years=finance.years,
        total=finance.total,
        by_funder=finance.by_funder,
        organisation=organisation,
        filtered=filtered,
        aggregates_included=not filtered,
    )


def finance_years(*, organisation) -> list[int]:
    """Every year that has a budget line, an in-kind contribution, a transaction or an envelope (one query)."""
    lines = for_org(BudgetLine, organisation).values_list("year", flat=True).order_by()
    in_kind = for_org(InKindContribution, organisation).values_list("year", flat=True).order_by()
    envelopes = for_org(BudgetEnvelope, organisation).values_list("year", flat=True).order_by()
    tx = for_org(Transaction, organisation).annotate(y=ExtractYear("date")).values_list("y", flat=True).order_by()
    return sorted({y for y in lines.union(in_kind, envelopes, tx) if y is not None})


# -- budget arbitration (action T4) ---------------------------------------------------------------


@dataclass
class EnvelopeRow:
    project_kind: str | None  # None for the total row
    envelope: BudgetEnvelope | None
    amount: Decimal = ZERO  # the envelope (0 when none was set)
    planned: Decimal = ZERO  # granted budget lines of the projects of this kind, this year
    actual: Decimal = ZERO  # disbursements of the projects of this kind, this year

    @property
    def kind_label(self) -> str:
        return ProjectKind(self.project_kind).label if self.project_kind else ""

    @property
    def planned_gap(self) -> Decimal:
        """Envelope minus planned: positive when money is left to allocate, negative when overcommitted."""
        return self.amount - self.planned

    @property
    def actual_gap(self) -> Decimal:
        return self.amount - self.actual

    @property
    def over_planned(self) -> bool:
        return self.planned_gap < 0

    @property
    def planned_percent(self) -> int | None:
        return round(100 * self.planned / self.amount) if self.amount else None

    @property
    def actual_percent(self) -> int | None:
        return round(100 * self.actual / self.amount) if self.amount else None


@dataclass
class EnvelopeOverview:
    year: int
    rows: list[EnvelopeRow]
    total: EnvelopeRow


def envelope_overview(*, organisation, year: int) -> EnvelopeOverview:
    """Each project kind of the year: its envelope, the granted lines planned against it, the disbursements.

    A kind appears if it has an envelope or planned or disbursed money. Three queries.
    """
    envelopes = {e.project_kind: e for e in for_org(BudgetEnvelope, organisation).filter(year=year)}
    planned = {
        row["project__kind"]: row["total"]
        for row in for_org(BudgetLine, organisation)
        .filter(year=year, status=BudgetLineStatus.GRANTED, project__isnull=False)
        .values("project__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    actual = {
        row["project__kind"]: row["total"]
        for row in for_org(Transaction, organisation)
        .filter(date__year=year, kind=TransactionKind.DISBURSEMENT)
        .values("project__kind")
        .annotate(total=Sum("amount_eur"))
        .order_by()
    }
    rows = [
        EnvelopeRow(
            project_kind=kind,
            envelope=envelopes.get(kind),
            amount=envelopes[kind].amount if kind in envelopes else ZERO,
            planned=planned.get(kind) or ZERO,
            actual=actual.get(kind) or ZERO,
        )
        for kind in ProjectKind.values
        if kind in envelopes or kind in planned or kind in actual
    ]
    total = EnvelopeRow(
        project_kind=None,
        envelope=None,
        amount=sum((r.amount for r in rows), ZERO),
        planned=sum((r.planned for r in rows), ZERO),
        actual=sum((r.actual for r in rows), ZERO),
    )
    return EnvelopeOverview(year=year, rows=rows, total=total)
