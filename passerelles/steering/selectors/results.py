"""Reads of the results framework and the indicator performance table.

Every child of a project (result, indicator, period, disaggregation) is fetched scoped to the organisation AND to
the project of the URL: an id of another project answers 404 like an id of another organisation.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch

from passerelles.core.tenancy import for_org
from passerelles.steering.enums import MeasuredOn, PeriodStatus
from passerelles.steering.models import (
    Disaggregation,
    DisaggregationValue,
    Indicator,
    Period,
    PeriodEvidence,
    PeriodTransition,
    Project,
    Result,
)
from passerelles.steering.selectors.common import get_project_child_or_404, visible_projects

# A period counts as on track when its actual reaches this share of the target progress.
ON_TRACK_THRESHOLD = Decimal("90")
# Statuses whose actual value is reported (a draft may still be half-typed): only these say on/off track.
REPORTED_STATUSES = frozenset({PeriodStatus.SUBMITTED, PeriodStatus.APPROVED})
# The performance page shows at most this many rows (the export has them all).
PERFORMANCE_PAGE_CAP = 500


# -- one door per model -----------------------------------------------------------------------------------


def get_result_or_404(organisation, pk, *, project: Project) -> Result:
    return get_project_child_or_404(Result, organisation, pk, project=project)


def get_indicator_or_404(organisation, pk, *, project: Project) -> Indicator:
    return get_project_child_or_404(
        Indicator.objects.select_related("result", "territory"),
        organisation,
        pk,
        project=project,
        path="result__project",
    )


def get_period_or_404(organisation, pk, *, project: Project) -> Period:
    return get_project_child_or_404(
        Period.objects.select_related("indicator__result"),
        organisation,
        pk,
        project=project,
        path="indicator__result__project",
    )


def get_disaggregation_or_404(organisation, pk, *, project: Project) -> Disaggregation:
    return get_project_child_or_404(
        Disaggregation.objects.select_related("indicator"),
        organisation,
        pk,
        project=project,
        path="indicator__result__project",
    )


def get_evidence_or_404(organisation, pk, *, project: Project) -> PeriodEvidence:
    return get_project_child_or_404(
        PeriodEvidence, organisation, pk, project=project, path="period__indicator__result__project"
    )


# -- the logical framework of one project --------------------------------------------------------------------


def project_framework(*, project: Project) -> list[Result]:
    """Results -> indicators -> periods (with evidence, disaggregated values, transitions): six queries."""
    periods = Period.objects.filter(organisation=project.organisation).prefetch_related(
        Prefetch("evidence", queryset=PeriodEvidence.objects.order_by("-added_at", "-pk")),
        Prefetch(
            "disaggregation_values",
            queryset=DisaggregationValue.objects.select_related("disaggregation").order_by(
                "disaggregation__dimension", "disaggregation__category"
            ),
        ),
        Prefetch("transitions", queryset=PeriodTransition.objects.select_related("user").order_by("-at", "-pk")),
    )
    indicators = (
        Indicator.objects.filter(organisation=project.organisation)
        .select_related("territory")
        .prefetch_related(
            Prefetch("periods", queryset=periods.order_by("start", "pk")),
            Prefetch("disaggregations", queryset=Disaggregation.objects.order_by("dimension", "category")),
        )
        .order_by("position", "pk")
    )
    results = (
        for_org(Result, project.organisation)
        .filter(project=project)
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("position", "pk")
    )
    results = list(results)
    for result in results:
        for indicator in result.indicators.all():
            for row in compute_performance(indicator, list(indicator.periods.all()), project=project):
                row.period.performance = row
    return results


def has_home_indicator(results: list[Result]) -> bool:
    return any(i.measured_on == MeasuredOn.HOME for r in results for i in r.indicators.all())


# -- performance: ONE definition, used by the page, its export and the dashboard --------------------------------


@dataclass
class PerformanceRow:
    """One period of one indicator, with its progress.

    Definition (the same everywhere — performance page, its export, the steering dashboard):

    * `target` and `actual` are the period's values; for a **cumulative** indicator, values entered per period add
      up, so both are the running totals of this period and every earlier period of the indicator (a period with
      no value of its own has no running total).
    * `percent_of_target`, rounded to 0.1:
        - **ascending** indicator (the higher, the better): `actual / target × 100`;
        - **descending** indicator (the lower, the better): progress from the baseline towards the target,
          `(baseline − actual) / (baseline − target) × 100` — 100 when the target is reached, 0 when nothing moved,
          negative when things got worse;
        - None when the actual or the target is missing, when the target is zero (ascending), and when the baseline
          is missing or equal to the target (descending).
    * `on_track`: None while the period is a draft or returned, or without a percentage; otherwise True when the
      reported (submitted or approved) actual reaches at least 90 % of the target progress.
    """

    project: Project
    result: Result
    indicator: Indicator
    measured_on: str
    period: Period
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    percent_of_target: Decimal | None
    on_track: bool | None
    status: str

    @property
    def status_label(self) -> str:
        return str(PeriodStatus(self.status).label)

    @property
    def measured_on_label(self) -> str:
        return str(MeasuredOn(self.measured_on).label)


def percent_of_target(*, ascending: bool, baseline, target, actual) -> Decimal | None:
    if actual is None or target is None:
        return None
    if ascending:
        if target == 0:
            return None
        ratio = Decimal(actual) / Decimal(target)
    else:
        if baseline is None or baseline == target:
            return None
        ratio = (Decimal(baseline) - Decimal(actual)) / (Decimal(baseline) - Decimal(target))
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_on_track(*, status: str, percent: Decimal | None) -> bool | None:
    if status not in REPORTED_STATUSES or percent is None:
        return None
    return percent >= ON_TRACK_THRESHOLD


def compute_performance(indicator: Indicator, periods: list[Period], *, project=None) -> list[PerformanceRow]:
    """Rows for the periods of one indicator, given in start order (all of them for a cumulative indicator)."""
    rows = []
    target_total = actual_total = Decimal("0")
    for period in periods:
        target, actual = period.target_value, period.actual_value
        if indicator.cumulative:
            target_total += target or 0
            actual_total += actual or 0
            target = target_total if target is not None else None
            actual = actual_total if actual is not None else None
        percent = percent_of_target(
            ascending=indicator.ascending, baseline=indicator.baseline_value, target=target, actual=actual
        )
        rows.append(
            PerformanceRow(
                project=project or indicator.result.project,
                result=indicator.result,
                indicator=indicator,
                measured_on=indicator.measured_on,
                period=period,
                baseline=indicator.baseline_value,
                target=target,
                actual=actual,
                percent_of_target=percent,
                on_track=is_on_track(status=period.status, percent=percent),
                status=period.status,
            )
        )
    return rows


def performance_rows(
    *, organisation, user, year=None, programme=None, territory=None, orientation=None, measured_on=None
) -> list[PerformanceRow]:
    """Every indicator period of the projects the user may see, with its progress (see `PerformanceRow`).

    Filters: `year` (periods overlapping that calendar year), `programme`, `territory` (a partner territory of the
    project), `orientation` (served by the project), `measured_on` (MeasuredOn value). Two queries whatever the data
    (the membership, cached per request, and the periods).
    """
    projects = visible_projects(organisation=organisation, user=user)
    if programme is not None:
        projects = projects.filter(programme=programme)
    if territory is not None:
        projects = projects.filter(partner_territories=territory)
    if orientation is not None:
        projects = projects.filter(orientations=orientation)
    periods = (
        for_org(Period, organisation)
        .filter(indicator__result__project__in=projects.values("pk"))
        .select_related("indicator__result__project__programme", "indicator__territory")
    )
    if measured_on:
        periods = periods.filter(indicator__measured_on=measured_on)
    first_day = None
    if year is not None:
        first_day = datetime.date(int(year), 1, 1)
        # Earlier periods are kept for the running totals of cumulative indicators, and dropped below.
        periods = periods.filter(start__lte=datetime.date(int(year), 12, 31))
    periods = periods.order_by(
        "indicator__result__project__code",
        "indicator__result__position",
        "indicator__result__pk",
        "indicator__position",
        "indicator__pk",
        "start",
        "pk",
    )
    by_indicator: dict[int, list[Period]] = {}
    for period in periods:
        by_indicator.setdefault(period.indicator_id, []).append(period)
    rows = []
    for indicator_periods in by_indicator.values():
        indicator = indicator_periods[0].indicator
        for row in compute_performance(indicator, indicator_periods):
            if first_day is None or row.period.end >= first_day:
                rows.append(row)
    return rows


def performance_years(*, organisation) -> list[int]:
    """Calendar years touched by a period, for the year filter."""
    bounds = for_org(Period, organisation).values_list("start__year", "end__year").distinct()
    years = set()
    for start, end in bounds:
        years.update(range(start, end + 1))
    return sorted(years, reverse=True)
