"""Reads of the alignment reviews (actions P1.2, P1.4): organisation-scoped, a constant number of queries."""

from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core.tenancy import for_org
from passerelles.steering.models import AlignmentReview, CriterionAssessment, Project
from passerelles.steering.selectors.common import get_project_child_or_404, visible_projects
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.models import AlignmentCriterion, StrategyDocument

OPEN_ADAPTATION = Q(adaptation_required=True, adaptation_done=False)

# The portfolio situations a project can be filtered on.
SITUATION_ATTENTION = ""  # never reviewed, or adaptations still open
SITUATION_NEVER = "never"
SITUATION_OPEN = "open"
SITUATION_ALL = "all"


# -- one door per model ---------------------------------------------------------------------------


def get_review_or_404(organisation, pk, *, project: Project) -> AlignmentReview:
    return get_project_child_or_404(AlignmentReview, organisation, pk, project=project)


def get_assessment_or_404(organisation, pk, *, project: Project) -> CriterionAssessment:
    """An assessment of this organisation AND of a review of this project; anything else is 404."""
    return get_project_child_or_404(
        CriterionAssessment.objects.select_related("review", "criterion", "organisation"),
        organisation,
        pk,
        project=project,
        path="review__project",
    )


# -- the reference document -------------------------------------------------------------------------


def adopted_document(*, organisation) -> StrategyDocument | None:
    return for_org(StrategyDocument, organisation).filter(status=DocumentStatus.ADOPTED).first()


def criteria_of(*, document: StrategyDocument | None) -> list[AlignmentCriterion]:
    if document is None:
        return []
    return list(AlignmentCriterion.objects.filter(document=document).order_by("position", "code"))


# -- one project ------------------------------------------------------------------------------------


def _overdue(today) -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(adaptation_required=True, adaptation_done=False, due_date__lt=today), output_field=BooleanField()
    )


def _assessments(today) -> QuerySet[CriterionAssessment]:
    return CriterionAssessment.objects.select_related("criterion", "owner").annotate(is_overdue=_overdue(today))


def project_reviews(*, project: Project) -> list[AlignmentReview]:
    """Every review of the project, latest first, with its assessments (criterion, owner, overdue flag)."""
    today = timezone.localdate()
    return list(
        for_org(AlignmentReview, project.organisation)
        .filter(project=project)
        .select_related("document", "reviewer")
        .prefetch_related(Prefetch("assessments", queryset=_assessments(today)))
        .order_by("-reviewed_on", "-pk")
    )


def project_open_adaptations(*, project: Project) -> list[CriterionAssessment]:
    """Adaptations still to be made, from any review of the project (a later review does not close them)."""
    today = timezone.localdate()
    return list(
        _assessments(today)
        .filter(organisation=project.organisation, review__project=project)
        .filter(OPEN_ADAPTATION)
        .select_related("review")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


# -- the portfolio ----------------------------------------------------------------------------------


def open_adaptations(*, organisation) -> QuerySet[CriterionAssessment]:
    """Every adaptation still open in the organisation, soonest due first, `is_overdue` annotated.

    Rows carry `review.project`, `criterion` and `owner` (select_related): one query.
    """
    today = timezone.localdate()
    return (
        for_org(CriterionAssessment, organisation)
        .filter(OPEN_ADAPTATION)
        .select_related("review__project", "criterion", "owner")
        .annotate(is_overdue=_overdue(today))
        .order_by(F("due_date").asc(nulls_last=True), "review__project__code", "pk")
    )


def alignment_portfolio(
    *,
    organisation,
    user,
    situation: str = SITUATION_ATTENTION,
    programme=None,
    territory=None,
    text: str = "",
) -> QuerySet[Project]:
    """Projects with their review situation: `last_reviewed_on`, `review_count`, `open_count`, `overdue_count`,
    and `open_adaptation_rows` (prefetched open assessments, criterion and owner). Three queries once evaluated.
    """
    today = timezone.localdate()
    is_open = Q(reviews__assessments__adaptation_required=True, reviews__assessments__adaptation_done=False)
    projects = (
        visible_projects(organisation=organisation, user=user)
        .annotate(
            last_reviewed_on=Max("reviews__reviewed_on"),
            review_count=Count("reviews", distinct=True),
            open_count=Count("reviews__assessments", filter=is_open, distinct=True),
            overdue_count=Count(
                "reviews__assessments", filter=is_open & Q(reviews__assessments__due_date__lt=today), distinct=True
            ),
        )
        .select_related("programme")
    )
    if situation == SITUATION_NEVER:
        projects = projects.filter(review_count=0)
    elif situation == SITUATION_OPEN:
        projects = projects.filter(open_count__gt=0)
    elif situation != SITUATION_ALL:
        projects = projects.filter(Q(review_count=0) | Q(open_count__gt=0))
    if programme is not None:
        projects = projects.filter(programme=programme)
    if territory is not None:
        projects = projects.filter(partner_territories=territory)
    for word in text.split()[:10]:
        projects = projects.filter(Q(code__icontains=word) | Q(title__icontains=word))
    open_queryset = (
        CriterionAssessment.objects.filter(OPEN_ADAPTATION)
        .select_related("criterion", "owner", "review")
        .annotate(is_overdue=_overdue(today))
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    return projects.prefetch_related(
        Prefetch(
            "reviews",
            queryset=AlignmentReview.objects.filter(
                assessments__adaptation_required=True, assessments__adaptation_done=False
            )
            .distinct()
            .prefetch_related(Prefetch("assessments", queryset=open_queryset, to_attr="open_rows")),
            to_attr="reviews_with_open",
        )
    ).order_by("code")


def open_adaptation_rows(project: Project) -> list[CriterionAssessment]:
    """The prefetched open adaptations of a project of `alignment_portfolio`, soonest due first."""
    rows = [a for review in project.reviews_with_open for a in review.open_rows]
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or date.max, a.pk))


def alignment_header() -> list[str]:
    return [
        _("Code"),
        _("Projet"),
        _("Programme"),
        _("Dernier examen"),
        _("Adaptations ouvertes"),
        _("Dont en retard"),
        _("Adaptation"),
        _("Principe"),
        _("Responsable"),
        _("Échéance"),
    ]


def alignment_rows(projects):
    """One row per open adaptation (or one row for a project without any), for the portfolio export."""
    for project in projects:
        common = [
            project.code,
            project.title,
            project.programme.title if project.programme else "",
            project.last_reviewed_on.isoformat() if project.last_reviewed_on else _("Jamais examiné"),
            project.open_count,
            project.overdue_count,
        ]
        rows = open_adaptation_rows(project)
        if not rows:
            yield [*common, "", "", "", ""]
        for a in rows:
            yield [
                *common,
                a.adaptation,
                a.criterion.code,
                a.owner.name if a.owner else "",
                a.due_date.isoformat() if a.due_date else "",
            ]
