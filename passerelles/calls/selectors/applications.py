"""Reads of the applicant side: an actor account's own applications (across organisations), never anyone else's,
and what its actor space shows of them.

The applicant has no membership: "mine" means started by the account or carried by an entry linked to it
(`permissions.can_edit_application`); anything else is a 404, as if it did not exist.
"""

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.calls.enums import CallStatus
from passerelles.calls.models import Application, ApplicationTransition, Attachment, Call, Grant, GrantReport, Question
from passerelles.calls.selectors.grants import OPEN_REPORT_STATUSES, is_late


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise Http404 from exc


def applicant_email(application: Application) -> str:
    """THE address of every email to the applicant side of an application (docs/calls.md, "Emails").

    The active account keeping the actor's entry, else the active account that started the application; "" (no
    email) when neither. Load the application with `actor__account` and `applicant`.
    """
    for account in (application.actor.account, application.applicant):
        if account is not None and account.is_active and account.email:
            return account.email
    return ""


def own_applications(*, user) -> QuerySet[Application]:
    """Every application of the account, newest first, with its call, actor and last change (no N+1)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(Q(applicant=user) | Q(actor__account=user))
        .select_related("call", "actor", "organisation")
        .annotate(last_change=Max("transitions__at"))
        .order_by("-updated_at", "-pk")
    )


def get_own_application_or_404(user, pk) -> Application:
    """404 for a missing application and for another account's alike."""
    try:
        return own_applications(user=user).get(pk=_pk(pk))
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def get_own_attachment_or_404(user, pk) -> Attachment:
    try:
        return (
            Attachment.objects.select_related("application")
            .filter(Q(application__applicant=user) | Q(application__actor__account=user))
            .get(pk=_pk(pk))
        )
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def get_published_call_or_404(pk) -> Call:
    """A published call of any organisation (the applicant has no organisation in the URL)."""
    try:
        return Call.objects.select_related("organisation").get(pk=_pk(pk), status=CallStatus.PUBLISHED)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def own_actors_for_call(*, user, call) -> QuerySet[Actor]:
    """The account's entries that may apply to `call`: in the call's directory and approved."""
    return Actor.objects.filter(
        account=user, organisation=call.organisation_id, moderation_status=ModerationStatus.APPROVED
    ).order_by("name", "pk")


def own_pending_actors_for_call(*, user, call) -> list[Actor]:
    """The account's entries in the call's directory that still await moderation: they cannot apply yet."""
    return list(
        Actor.objects.filter(
            account=user, organisation=call.organisation_id, moderation_status=ModerationStatus.PENDING
        ).order_by("name", "pk")
    )


def questions_of(call) -> list[Question]:
    return list(call.questions.select_related("show_if_question").order_by("position", "pk"))


def application_for_check(application) -> Application:
    """The application with everything the eligibility check and the snapshot read, in a fixed number of queries."""
    return (
        Application.objects.select_related("call", "actor", "organisation")
        .prefetch_related(
            "answers",
            "attachments",
            "budget_lines",
            Prefetch("call__questions", queryset=Question.objects.select_related("show_if_question")),
            "call__required_documents",
        )
        .get(pk=application.pk)
    )


def timeline(application) -> QuerySet[ApplicationTransition]:
    return application.transitions.order_by("at", "pk")


# -- the actor space -------------------------------------------------------------------------------------------
# What the actor space (`comptes/acteur/`) shows of the calls: the account's applications, grants and reports due.
# Only rows reached through the account (its applications, or those of the entries linked to it): another actor's
# never appear. Three queries whatever the number of rows.

SPACE_LIMIT = 10


def _own(user):
    return Application.objects.filter(Q(applicant=user) | Q(actor__account=user))


def applicant_summary(*, user, limit: int = SPACE_LIMIT) -> dict:
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
