"""Reads of monitoring missions, evaluations, follow-ups and lessons learned: organisation-scoped, constant queries."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.steering.enums import MISSIONS_PER_YEAR_TARGET, ActivityStatus, EvaluationKind, FollowUpStatus
from passerelles.steering.models import (
    Evaluation,
    FollowUp,
    LessonLearned,
    MissionDelegate,
    MonitoringMission,
    Programme,
    Project,
)

# The open adaptations of alignment reviews are defined once, in `selectors.reviews`; the dashboard reads them here
# beside the open follow-ups.
from passerelles.steering.selectors.reviews import open_adaptations  # noqa: F401

# -- one door per model ---------------------------------------------------------------------------


def get_mission_or_404(organisation, pk) -> MonitoringMission:
    return get_for_org_or_404(MonitoringMission.objects.select_related("territory", "organisation"), organisation, pk)


def get_evaluation_or_404(organisation, pk) -> Evaluation:
    return get_for_org_or_404(
        Evaluation.objects.select_related("programme", "project", "organisation"), organisation, pk
    )


def get_follow_up_or_404(organisation, pk) -> FollowUp:
    return get_for_org_or_404(
        FollowUp.objects.select_related("mission", "evaluation", "owner", "organisation"), organisation, pk
    )


def get_lesson_or_404(organisation, pk) -> LessonLearned:
    return get_for_org_or_404(LessonLearned.objects.select_related("evaluation"), organisation, pk)


# -- follow-ups -------------------------------------------------------------------------------------


def _follow_up_overdue(today) -> ExpressionWrapper:
    return ExpressionWrapper(Q(due_date__lt=today) & ~Q(status=FollowUpStatus.DONE), output_field=BooleanField())


def _follow_ups(today) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.select_related("owner")
        .annotate(is_overdue=_follow_up_overdue(today))
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def open_follow_ups(*, organisation) -> QuerySet[FollowUp]:
    """Follow-ups not done yet, of missions and evaluations, soonest due first; `is_overdue` annotated.

    Rows carry `mission__territory`, `evaluation` and `owner` (select_related): one query.
    """
    return (
        for_org(_follow_ups(timezone.localdate()), organisation)
        .exclude(status=FollowUpStatus.DONE)
        .select_related("mission__territory", "evaluation")
    )


# -- missions ---------------------------------------------------------------------------------------


def mission_years(*, organisation) -> list[int]:
    return list(
        for_org(MonitoringMission, organisation)
        .annotate(year=ExtractYear("start"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def mission_list(*, organisation, year: int | None = None, territory=None, is_done=None, text: str = ""):
    missions = for_org(MonitoringMission, organisation)
    if year:
        missions = missions.filter(start__year=year)
    if territory is not None:
        missions = missions.filter(territory=territory)
    if is_done is not None:
        missions = missions.filter(is_done=is_done)
    for word in text.split()[:10]:
        missions = missions.filter(
            Q(purpose__icontains=word) | Q(findings__icontains=word) | Q(recommendations__icontains=word)
        )
    return (
        missions.select_related("territory")
        .annotate(
            open_follow_up_count=Count("follow_ups", filter=~Q(follow_ups__status=FollowUpStatus.DONE), distinct=True)
        )
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk", "code", "title").order_by("code")),
            Prefetch("delegates", queryset=MissionDelegate.objects.select_related("directorate").order_by("pk")),
        )
        .order_by("-start", "-pk")
    )


class MissionYear(NamedTuple):
    year: int
    done: int
    planned: int  # recorded for the year, not done yet
    target: int

    @property
    def target_met(self) -> bool:
        return self.done >= self.target


def missions_by_year(*, organisation) -> list[MissionYear]:
    """[(year, done, planned, target)], most recent year first, one query.

    `done`: missions of the year (by start date) marked done; `planned`: missions of the year not done yet;
    `target`: `enums.MISSIONS_PER_YEAR_TARGET`. Rows are `MissionYear` named tuples (`row.done` in templates).
    """
    rows = (
        for_org(MonitoringMission, organisation)
        .annotate(year=ExtractYear("start"))
        .values("year")
        .annotate(done=Count("pk", filter=Q(is_done=True)), planned=Count("pk", filter=Q(is_done=False)))
        .order_by("-year")
    )
    return [MissionYear(r["year"], r["done"], r["planned"], MISSIONS_PER_YEAR_TARGET) for r in rows]


def mission_detail(*, mission: MonitoringMission) -> dict:
    today = timezone.localdate()
    return {
        "delegates": list(mission.delegates.select_related("directorate").order_by("pk")),
        "projects": list(mission.projects.order_by("code")),
        "follow_ups": list(_follow_ups(today).filter(mission=mission)),
    }


def mission_header() -> list[str]:
    return [
        _("Début"),
        _("Fin"),
        _("Territoire"),
        _("Objet"),
        _("Délégation"),
        _("Projets suivis"),
        _("Réalisée"),
        _("Suites ouvertes"),
        _("Constats"),
        _("Recommandations"),
    ]


def mission_rows(missions):
    for m in missions:
        yield [
            m.start.isoformat(),
            m.end.isoformat(),
            m.territory.name,
            m.purpose,
            "; ".join(f"{d.role} ({d.directorate.name})" if d.directorate else d.role for d in m.delegates.all()),
            ", ".join(p.code for p in m.projects.all()),
            _("oui") if m.is_done else _("non"),
            m.open_follow_up_count,
            m.findings,
            m.recommendations,
        ]


# -- evaluations ------------------------------------------------------------------------------------


def evaluation_list(
    *, organisation, kind: str = "", programme=None, project=None, year: int | None = None, text: str = ""
) -> QuerySet[Evaluation]:
    evaluations = for_org(Evaluation, organisation)
    if kind:
        evaluations = evaluations.filter(kind=kind)
    if programme is not None:
        evaluations = evaluations.filter(programme=programme)
    if project is not None:
        evaluations = evaluations.filter(project=project)
    if year:
        evaluations = evaluations.filter(Q(end__year=year) | Q(end__isnull=True, start__year=year))
    for word in text.split()[:10]:
        evaluations = evaluations.filter(
            Q(title__icontains=word) | Q(evaluator__icontains=word) | Q(findings__icontains=word)
        )
    return (
        evaluations.select_related("programme", "project")
        .annotate(
            open_follow_up_count=Count("follow_ups", filter=~Q(follow_ups__status=FollowUpStatus.DONE), distinct=True)
        )
        .order_by(F("end").desc(nulls_first=True), "-pk")
    )


def evaluation_detail(*, evaluation: Evaluation) -> dict:
    today = timezone.localdate()
    return {
        "follow_ups": list(_follow_ups(today).filter(evaluation=evaluation)),
        "lessons": list(evaluation.lessons.order_by("-learned_on", "-pk")),
    }


def evaluation_header() -> list[str]:
    return [
        _("Intitulé"),
        _("Type"),
        _("Porte sur"),
        _("Évaluateur"),
        _("Début"),
        _("Fin"),
        _("Suites ouvertes"),
        _("Constats"),
        _("Recommandations"),
        _("Réponse de la collectivité"),
    ]


def evaluation_rows(evaluations):
    for e in evaluations:
        yield [
            e.title,
            e.get_kind_display(),
            str(e.programme or e.project),
            e.evaluator,
            e.start.isoformat() if e.start else "",
            e.end.isoformat() if e.end else "",
            e.open_follow_up_count,
            e.findings,
            e.recommendations,
            e.management_response,
        ]


@dataclass(frozen=True)
class EvaluationCoverage:
    programmes: list  # Programme rows, each annotated `has_external_evaluation` (bool)
    closed_projects: int
    closed_projects_evaluated: int

    @property
    def closed_share_percent(self) -> int:
        if not self.closed_projects:
            return 0
        return round(100 * self.closed_projects_evaluated / self.closed_projects)


def evaluation_coverage(*, organisation) -> EvaluationCoverage:
    """Per programme, whether an external evaluation of it exists; and how many closed projects have been evaluated
    (an evaluation of the project itself, internal or external). Two queries."""
    external = Evaluation.objects.filter(programme=OuterRef("pk"), kind=EvaluationKind.EXTERNAL)
    programmes = list(
        for_org(Programme, organisation).annotate(has_external_evaluation=Exists(external)).order_by("-start_year")
    )
    counts = (
        for_org(Project, organisation)
        .filter(status=ActivityStatus.CLOSED)
        .aggregate(
            closed=Count("pk"),
            evaluated=Count("pk", filter=Exists(Evaluation.objects.filter(project=OuterRef("pk")))),
        )
    )
    return EvaluationCoverage(
        programmes=programmes, closed_projects=counts["closed"], closed_projects_evaluated=counts["evaluated"]
    )


# -- lessons learned --------------------------------------------------------------------------------


def lesson_list(*, organisation, project=None, evaluation=None, year: int | None = None, text: str = ""):
    lessons = for_org(LessonLearned, organisation)
    if project is not None:
        lessons = lessons.filter(projects=project)
    if evaluation is not None:
        lessons = lessons.filter(evaluation=evaluation)
    if year:
        lessons = lessons.filter(learned_on__year=year)
    for word in text.split()[:10]:
        lessons = lessons.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return (
        lessons.select_related("evaluation")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("pk", "code", "title").order_by("code")))
        .order_by("-learned_on", "-pk")
    )


def lesson_header() -> list[str]:
    return [_("Date"), _("Intitulé"), _("Enseignement"), _("Projets"), _("Évaluation")]


def lesson_rows(lessons):
    for lesson in lessons:
        yield [
            lesson.learned_on.isoformat(),
            lesson.title,
            lesson.text,
            ", ".join(p.code for p in lesson.projects.all()),
            lesson.evaluation.title if lesson.evaluation else "",
        ]
