"""Reads of the reviews: my assignments, one of mine, and what I may see of the others' scores."""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from passerelles.calls.models import ReviewAssignment
from passerelles.calls.selectors.instruction import ScoreSummary, score_summary
from passerelles.core.tenancy import for_org, get_for_org_or_404

TO_DECLARE, TO_SCORE, SUBMITTED, CONFLICTED = "to_declare", "to_score", "submitted", "conflicted"
STATE_LABELS = {
    TO_DECLARE: _("Déclaration à faire"),
    TO_SCORE: _("À noter"),
    SUBMITTED: _("Remise"),
    CONFLICTED: _("Conflit d'intérêts déclaré"),
}


def assignment_state(assignment: ReviewAssignment) -> str:
    if assignment.has_conflict is None:
        return TO_DECLARE
    if assignment.has_conflict:
        return CONFLICTED
    return SUBMITTED if assignment.submitted_at else TO_SCORE


def my_assignments(*, organisation, user, state: str = "") -> QuerySet[ReviewAssignment]:
    """The assignments of `user` only: never anyone else's."""
    assignments = (
        for_org(ReviewAssignment, organisation)
        .filter(reviewer=user)
        .select_related("application", "application__call", "application__actor")
        .annotate(
            state=Case(
                When(has_conflict__isnull=True, then=Value(TO_DECLARE)),
                When(has_conflict=True, then=Value(CONFLICTED)),
                When(submitted_at__isnull=False, then=Value(SUBMITTED)),
                default=Value(TO_SCORE),
                output_field=CharField(),
            )
        )
        .order_by("submitted_at", "-assigned_at", "-pk")
    )
    if state in STATE_LABELS:
        assignments = assignments.filter(state=state)
    return assignments


def get_my_assignment_or_404(organisation, pk, *, user) -> ReviewAssignment:
    """404 for a missing or another organisation's assignment; 403 for a colleague's (see the report in docs)."""
    assignment = get_for_org_or_404(
        ReviewAssignment.objects.select_related("application", "application__call", "application__actor"),
        organisation,
        pk,
    )
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied
    return assignment


def visible_summary(assignment: ReviewAssignment) -> ScoreSummary | None:
    """The others' scores, only once my own review is submitted (never before, never for a conflicted reviewer)."""
    if assignment.submitted_at is None or assignment.has_conflict:
        return None
    application = assignment.application
    assignments = application.assignments.filter(submitted_at__isnull=False).prefetch_related("scores")
    return score_summary(list(application.call.criteria.all()), assignments)
