"""What the actor space (`comptes/acteur/`) shows of the calls: the account's applications, grants and reports due.

Only rows reached through the account (its applications, or those of the entries linked to it): another actor's
never appear. Three queries whatever the number of rows.
"""

from django.db.models import Q
from django.utils import timezone

from passerelles.calls.models import Application, Grant, GrantReport
from passerelles.calls.selectors.grants import OPEN_REPORT_STATUSES, is_late

LIMIT = 10


def _own(user):
    return Application.objects.filter(Q(applicant=user) | Q(actor__account=user))


def applicant_summary(*, user, limit: int = LIMIT) -> dict:
    if user is None or not user.is_authenticated:
        return {"applications": [], "grants": [], "reports": [], "more_applications": False}
    applications = list(
        _own(user).select_related("call", "actor", "organisation").order_by("-updated_at", "-pk")[: limit + 1]
    )
    grants = list(
        Grant.objects.filter(application__in=_own(user))
        .select_related("application__call", "application__actor", "organisation")
        .order_by("-created_at", "-pk")
    )
    today = timezone.localdate()
    reports = list(
        GrantReport.objects.filter(grant__application__in=_own(user), status__in=OPEN_REPORT_STATUSES)
        .select_related("grant__application__call", "grant__application__actor")
        .order_by("due_on", "pk")
    )
    for report in reports:
        report.is_late = is_late(report, today)
    return {
        "applications": applications[:limit],
        "more_applications": len(applications) > limit,
        "grants": grants,
        "reports": reports,
    }
