"""Reads of the reviews: my assignments, one of mine, what I read of the application, and what I may see of the
others' scores."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from passerelles.calls.enums import BudgetSide
from passerelles.calls.models import Attachment, ReviewAssignment
from passerelles.calls.selectors.instruction import ScoreSummary, frozen_version, score_summary
from passerelles.core import permissions
from passerelles.core.templatetags.passerelles_format import euros
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


def own_review_rows(*, user, organisation):
    """(application id, has_conflict, submitted_at) of each assignment of `user` in `organisation`, one query: what
    core.permissions.own_review_states reads through core.registry (registered in CallsConfig.ready)."""
    return (
        for_org(ReviewAssignment, organisation)
        .filter(reviewer=user)
        .values_list("application_id", "has_conflict", "submitted_at")
    )


def get_my_assignment_or_404(organisation, pk, *, user) -> ReviewAssignment:
    """404 for a missing or another organisation's assignment; 403 for a colleague's (see the report in docs)."""
    assignment = get_for_org_or_404(
        ReviewAssignment.objects.select_related(
            "organisation", "application", "application__call", "application__actor", "application__organisation"
        ),
        organisation,
        pk,
    )
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied
    return assignment


def visible_summary(assignment: ReviewAssignment, *, user) -> ScoreSummary | None:
    """The others' scores, only once my own review is submitted (never before, never for a conflicted reviewer)."""
    application = assignment.application
    if assignment.submitted_at is None or assignment.has_conflict or not permissions.can_see_scores(user, application):
        return None
    assignments = application.assignments.filter(submitted_at__isnull=False).prefetch_related("scores")
    return score_summary(list(application.call.criteria.all()), assignments)


# -- what the reviewer reads --------------------------------------------------------------------------------------


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal("0")
    return amount if amount.is_finite() else Decimal("0")


def _frozen_budget(version) -> dict:
    """The budget as submitted (in the frozen JSON): expenses and resources with their totals. Defensive."""
    version = version if isinstance(version, dict) else {}
    lines = [item for item in (version.get("budget") or version.get("budget_lines") or []) if isinstance(item, dict)]
    sides = {BudgetSide.EXPENSE: [], BudgetSide.RESOURCE: []}
    for item in lines:
        side = item.get("side")
        if side not in sides:
            continue
        sides[side].append(
            {
                "label": str(item.get("label") or "—"),
                "funder": str(item.get("funder") or ""),
                "is_this_call": item.get("is_this_call") is True,
                "amount": euros(item.get("amount")),
                "value": _amount(item.get("amount")),
            }
        )
    expense_total = sum((line["value"] for line in sides[BudgetSide.EXPENSE]), Decimal("0"))
    resource_total = sum((line["value"] for line in sides[BudgetSide.RESOURCE]), Decimal("0"))
    return {
        "expenses": sides[BudgetSide.EXPENSE],
        "resources": sides[BudgetSide.RESOURCE],
        "expense_total": euros(expense_total),
        "resource_total": euros(resource_total),
        "balanced": expense_total == resource_total,
    }


def _submitted_hashes(version) -> set[str]:
    version = version if isinstance(version, dict) else {}
    return {
        str(item["sha256"])
        for item in version.get("attachments") or []
        if isinstance(item, dict) and item.get("sha256")
    }


def submitted_attachments(application) -> QuerySet[Attachment]:
    """The stored files that were part of the submitted version (same content: same SHA-256), nothing else: a file
    added or replaced since, while the application was back with the applicant, is not what was submitted."""
    return application.attachments.filter(sha256__in=_submitted_hashes(application.submitted_version)).order_by(
        "uploaded_at", "pk"
    )


def reviewer_file(assignment: ReviewAssignment) -> dict:
    """What the reviewer reads: the submitted version (frozen at submission), its budget and its attachments.

    Read in two queries whatever their size. Nothing else of the application: not the private annotations, not the
    message thread, not the live draft, not the applicant's contact details beyond what the version holds.
    """
    application = assignment.application
    frozen = frozen_version(application.submitted_version)
    files = {}
    for attachment in submitted_attachments(application):
        files.setdefault(attachment.sha256, attachment)
    attachments = [{**item, "file": files.get(item["sha256"])} for item in frozen["attachments"]]
    return {
        "frozen": frozen,
        "budget": _frozen_budget(application.submitted_version),
        "attachments": attachments,
    }


def get_submitted_attachment_or_404(assignment: ReviewAssignment, pk) -> Attachment:
    """A file of the submitted version of the assignment's application; any other (another application's, one
    added since) is a 404."""
    try:
        return submitted_attachments(assignment.application).get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, Attachment.DoesNotExist) as exc:
        raise Http404 from exc
