"""The steering dashboard: one page for elected officials and management, every figure from one selector.

Each block delegates to the selector that owns its definition (strategy progress, results, finance, monitoring),
so the dashboard can never disagree with the detailed pages.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from passerelles.steering.enums import ActivityStatus
from passerelles.steering.selectors.common import visible_projects, with_home_indicator_flag
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import Ambition
from passerelles.strategy.selectors import Progress, current_document, strategy_overview


@dataclass
class Dashboard:
    document: object
    overview: object
    ambitions: list
    projects_total: int
    projects_active: int
    projects_without_home_indicator: list
    performance_partner: list = field(default_factory=list)
    performance_home: list = field(default_factory=list)
    finance: object = None
    missions: list = field(default_factory=list)
    coverage: object = None
    follow_ups: list = field(default_factory=list)
    adaptations: list = field(default_factory=list)


def ambitions_with_progress(*, document) -> list:
    """Progress of the actions serving each ambition (through its orientations), each action counted once."""
    counts = {"action_count": Count("orientations__actions", distinct=True)}
    for status in ActionStatus:
        counts[f"count_{status.value}"] = Count(
            "orientations__actions", filter=Q(orientations__actions__status=status.value), distinct=True
        )
    ambitions = list(Ambition.objects.filter(document=document).annotate(**counts))
    for ambition in ambitions:
        ambition.progress = Progress.of(ambition)
    return ambitions


def filtered_projects(*, organisation, user, programme=None, territory=None, orientation=None, year=None):
    projects = visible_projects(organisation=organisation, user=user)
    if programme is not None:
        projects = projects.filter(programme=programme)
    if territory is not None:
        projects = projects.filter(partner_territories=territory)
    if orientation is not None:
        projects = projects.filter(orientations__number=orientation.number)
    if year is not None:
        # A project counts for a year when it ran during it (actual dates, else planned dates).
        projects = projects.filter(
            Q(actual_start__year__lte=year) | Q(actual_start__isnull=True, planned_start__year__lte=year)
        ).exclude(Q(actual_end__year__lt=year) | Q(actual_end__isnull=True, planned_end__year__lt=year))
    return projects.distinct()


def _missions(*, organisation, year=None) -> list:
    """Missions per year against the target of three; the year asked for (else the current one) always shows."""
    from django.utils import timezone

    from passerelles.steering.enums import MISSIONS_PER_YEAR_TARGET
    from passerelles.steering.selectors.monitoring import MissionYear, missions_by_year

    rows = missions_by_year(organisation=organisation)
    wanted = year or timezone.localdate().year
    if not any(row.year == wanted for row in rows):
        rows = sorted([*rows, MissionYear(wanted, 0, 0, MISSIONS_PER_YEAR_TARGET)], key=lambda r: -r.year)
    return [row for row in rows if year is None or row.year == year]


def steering_dashboard(*, organisation, user, year=None, programme=None, territory=None, orientation=None) -> Dashboard:
    from passerelles.steering.selectors import finance, monitoring, results, reviews

    document = current_document(organisation=organisation)
    projects = with_home_indicator_flag(
        filtered_projects(
            organisation=organisation,
            user=user,
            programme=programme,
            territory=territory,
            orientation=orientation,
            year=year,
        )
    ).order_by("code")
    project_rows = list(projects.only("pk", "code", "title", "status"))
    filters = {"year": year, "programme": programme, "territory": territory, "orientation": orientation}
    performance = results.performance_rows(organisation=organisation, user=user, **filters)
    return Dashboard(
        document=document,
        overview=strategy_overview(document=document) if document else None,
        ambitions=ambitions_with_progress(document=document) if document else [],
        projects_total=len(project_rows),
        projects_active=sum(1 for p in project_rows if p.status == ActivityStatus.IMPLEMENTATION),
        projects_without_home_indicator=[p for p in project_rows if not p.has_home_indicator],
        performance_partner=[row for row in performance if row.measured_on == "partner"],
        performance_home=[row for row in performance if row.measured_on == "home"],
        finance=finance.portfolio_finance(organisation=organisation, **filters),
        missions=_missions(organisation=organisation, year=year),
        coverage=monitoring.evaluation_coverage(organisation=organisation),
        follow_ups=list(monitoring.open_follow_ups(organisation=organisation)),
        adaptations=list(reviews.open_adaptations(organisation=organisation)),
    )
