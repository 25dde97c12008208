"""Reads of programmes, annual plans and projects: organisation-scoped, annotated, a constant number of queries."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from passerelles.core.enums import TerritoryKind
from passerelles.core.models import Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.steering.enums import MeasuredOn, PlanItemStatus
from passerelles.steering.models import (
    AnnualPlan,
    AnnualPlanItem,
    Indicator,
    ParticipatingOrganisation,
    Programme,
    Project,
    ProjectDirectorate,
    ProjectDocument,
    ProjectSector,
)
from passerelles.steering.selectors.common import get_project_child_or_404, visible_projects, with_home_indicator_flag
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.models import StrategyDocument

DAC_SECTORS_CSV = Path(__file__).resolve().parent.parent / "data" / "dac_sectors.csv"
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


@lru_cache(maxsize=1)
def dac_sectors() -> dict[str, str]:
    """DAC 5-digit code -> French name, read once from the IATI codelist shipped with the app."""
    with DAC_SECTORS_CSV.open(encoding="utf-8") as stream:
        return {row["code"]: row["name_fr"] for row in csv.DictReader(stream)}


def adopted_document(*, organisation) -> StrategyDocument | None:
    return for_org(StrategyDocument, organisation).filter(status=DocumentStatus.ADOPTED).first()


# -- one door per model ---------------------------------------------------------------------------


def get_programme_or_404(organisation, pk) -> Programme:
    return get_for_org_or_404(Programme.objects.select_related("strategy"), organisation, pk)


def get_annual_plan_or_404(organisation, pk) -> AnnualPlan:
    return get_for_org_or_404(AnnualPlan.objects.select_related("programme"), organisation, pk)


def get_plan_item_or_404(organisation, plan, pk) -> AnnualPlanItem:
    queryset = AnnualPlanItem.objects.select_related("action", "project", "owner", "plan")
    return get_for_org_or_404(queryset.filter(plan=plan), organisation, pk)


def get_participant_or_404(organisation, project, pk) -> ParticipatingOrganisation:
    return get_project_child_or_404(ParticipatingOrganisation, organisation, pk, project=project)


def get_project_directorate_or_404(organisation, project, pk) -> ProjectDirectorate:
    return get_project_child_or_404(
        ProjectDirectorate.objects.select_related("directorate"), organisation, pk, project=project
    )


def get_project_document_or_404(organisation, project, pk) -> ProjectDocument:
    return get_project_child_or_404(ProjectDocument, organisation, pk, project=project)


# -- programmes -----------------------------------------------------------------------------------


def programme_list(*, organisation, text: str = "", year: int | None = None) -> QuerySet[Programme]:
    programmes = for_org(Programme, organisation).annotate(
        project_count=Count("projects", distinct=True),
        evaluation_count=Count("evaluations", distinct=True),
        plan_count=Count("annual_plans", distinct=True),
    )
    if text:
        programmes = programmes.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if year:
        programmes = programmes.filter(start_year__lte=year, end_year__gte=year)
    return programmes.order_by("-start_year", "pk")


# -- annual plans ---------------------------------------------------------------------------------


def _plan_totals(prefix: str = "") -> dict:
    done = Q(**{f"{prefix}status": PlanItemStatus.DONE})
    budget = f"{prefix}budget"
    return {
        "item_count": Count(f"{prefix}pk"),
        "done_count": Count(f"{prefix}pk", filter=done),
        "budget_planned": Coalesce(Sum(budget), ZERO),
        "budget_done": Coalesce(Sum(budget, filter=done), ZERO),
    }


def annual_plan_list(*, organisation, programme=None) -> QuerySet[AnnualPlan]:
    plans = for_org(AnnualPlan, organisation).select_related("programme").annotate(**_plan_totals("items__"))
    if programme is not None:
        plans = plans.filter(programme=programme)
    return plans.order_by("-year")


def plan_items(*, plan: AnnualPlan, status: str | None = None, owner=None, kind: str = "") -> QuerySet:
    items = (
        AnnualPlanItem.objects.filter(organisation=plan.organisation, plan=plan)
        .select_related("action", "project", "owner", "carried_over_from__plan")
        .annotate(
            carried_count=Count("carried_over_to"),
            # the project's flag of action T3, shown wherever a project appears
            project_has_home_indicator=Exists(
                Indicator.objects.filter(result__project=OuterRef("project"), measured_on=MeasuredOn.HOME)
            ),
        )
    )
    if status:
        items = items.filter(status=status)
    if owner is not None:
        items = items.filter(owner=owner)
    if kind == "action":
        items = items.filter(action__isnull=False)
    elif kind == "project":
        items = items.filter(project__isnull=False)
    # Actions first, then projects, on every database (NULL ordering differs between SQLite and PostgreSQL).
    return items.order_by(F("action__code").asc(nulls_last=True), F("project__code").asc(nulls_last=True), "pk")


@dataclass
class PlanTotals:
    item_count: int
    done_count: int
    budget_planned: Decimal
    budget_done: Decimal

    @property
    def done_percent(self) -> int:
        return round(100 * self.done_count / self.item_count) if self.item_count else 0


def plan_totals(items: QuerySet) -> PlanTotals:
    """Totals over the (filtered) items: planned vs done, in counts and budget. One query."""
    return PlanTotals(**items.order_by().aggregate(**_plan_totals()))


# -- projects -------------------------------------------------------------------------------------


def project_list(
    *,
    organisation,
    user,
    text: str = "",
    kind: str | None = None,
    status: str | None = None,
    programme=None,
    territory=None,
    orientation=None,
    without_home_indicator: bool = False,
) -> QuerySet[Project]:
    projects = with_home_indicator_flag(visible_projects(organisation=organisation, user=user))
    if text:
        projects = projects.filter(Q(code__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text))
    if kind:
        projects = projects.filter(kind=kind)
    if status:
        projects = projects.filter(status=status)
    if programme is not None:
        projects = projects.filter(programme=programme)
    if territory is not None:
        projects = projects.filter(
            Exists(
                Project.partner_territories.through.objects.filter(project_id=OuterRef("pk"), territory_id=territory.pk)
            )
        )
    if orientation is not None:
        projects = projects.filter(
            Exists(
                Project.orientations.through.objects.filter(project_id=OuterRef("pk"), orientation_id=orientation.pk)
            )
        )
    if without_home_indicator:
        projects = projects.filter(has_home_indicator=False)
    return (
        projects.select_related("programme")
        .prefetch_related(Prefetch("partner_territories", queryset=Territory.objects.order_by("name")))
        .order_by("code", "pk")
    )


def partner_territories(*, organisation) -> QuerySet[Territory]:
    return for_org(Territory, organisation).filter(kind=TerritoryKind.PARTNER).order_by("name")


def project_has_home_indicator(project: Project) -> bool:
    return Indicator.objects.filter(
        organisation=project.organisation, result__project=project, measured_on=MeasuredOn.HOME
    ).exists()


@dataclass
class SectorLine:
    code: str
    name: str
    percentage: Decimal


@dataclass
class ProjectOverview:
    has_home_indicator: bool
    document: StrategyDocument | None
    orientations: list
    priorities: list
    actions: list
    participants: list
    directorates: list
    in_kind_total: Decimal
    person_days_total: Decimal
    sectors: list[SectorLine]
    documents: list
    components: list[str]


def project_overview(*, project: Project) -> ProjectOverview:
    """Everything the overview tab shows, in a fixed number of queries."""
    org = project.organisation
    document = adopted_document(organisation=org)
    on_document = {"document": document} if document else {"pk__in": []}
    directorates = list(
        ProjectDirectorate.objects.filter(organisation=org, project=project)
        .select_related("directorate")
        .order_by("directorate__name", "year", "pk")
    )
    names = dac_sectors()
    sectors = [
        SectorLine(code=s.code, name=names.get(s.code, ""), percentage=s.percentage)
        for s in ProjectSector.objects.filter(organisation=org, project=project)
    ]
    return ProjectOverview(
        has_home_indicator=project_has_home_indicator(project),
        document=document,
        orientations=list(project.orientations.filter(**on_document).order_by("number")),
        priorities=list(project.priorities.filter(**on_document).order_by("position", "code")),
        actions=list(project.actions.filter(**on_document).order_by("position", "code")),
        participants=list(ParticipatingOrganisation.objects.filter(organisation=org, project=project)),
        directorates=directorates,
        in_kind_total=sum((d.in_kind_value for d in directorates), Decimal("0")),
        person_days_total=sum((d.person_days for d in directorates), Decimal("0")),
        sectors=sectors,
        documents=list(ProjectDocument.objects.filter(organisation=org, project=project)),
        components=project.component_list,
    )


def programme_projects(*, programme: Programme) -> QuerySet[Project]:
    return (
        with_home_indicator_flag(for_org(Project, programme.organisation).filter(programme=programme))
        .prefetch_related(Prefetch("partner_territories", queryset=Territory.objects.order_by("name")))
        .order_by("code")
    )
