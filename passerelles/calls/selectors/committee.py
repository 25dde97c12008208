"""Reads of the selection committee: its sessions, the ranked list of a call's applications, the accepted total.
Every read takes the organisation."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Cast

from passerelles.calls import workflow
from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.models import Application, Call, CommitteeSession, Grant
from passerelles.calls.selectors.calls import get_call_or_404  # noqa: F401  (the committee views ask here)
from passerelles.calls.selectors.instruction import (
    get_application_or_404,  # noqa: F401
    scores_hidden_label,
)
from passerelles.core import permissions
from passerelles.core.tenancy import for_org, get_for_org_or_404

ZERO = Decimal("0")
RANKED_STATUSES = (ApplicationStatus.IN_INSTRUCTION, *workflow.DECIDED)


def get_session_or_404(organisation, pk) -> CommitteeSession:
    return get_for_org_or_404(CommitteeSession.objects.select_related("call"), organisation, pk)


def sessions_of_call(*, organisation, call: Call) -> QuerySet:
    return for_org(CommitteeSession, organisation).filter(call=call).annotate(decided_count=Count("applications"))


def _scored(queryset: QuerySet) -> QuerySet:
    """Weighted mean score (/5) of each application: the scores of submitted, non-conflicted reviews only."""
    counted = Q(
        assignments__submitted_at__isnull=False,
        assignments__has_conflict=False,
        assignments__scores__isnull=False,
    )
    # Cast before dividing: SQLite divides integers as integers.
    weighted = Sum(
        Cast(F("assignments__scores__score") * F("assignments__scores__criterion__weight"), FloatField()),
        filter=counted,
    )
    weights = Sum(Cast(F("assignments__scores__criterion__weight"), FloatField()), filter=counted)
    return queryset.annotate(
        score_weighted=weighted,
        score_weights=weights,
        reviewer_count=Count(
            "assignments",
            filter=Q(assignments__submitted_at__isnull=False, assignments__has_conflict=False),
            distinct=True,
        ),
        conflict_count=Count("assignments", filter=Q(assignments__has_conflict=True), distinct=True),
    ).annotate(
        weighted_score=Case(
            When(score_weights__gt=0, then=F("score_weighted") / F("score_weights")),
            default=None,
            output_field=FloatField(),
        )
    )


@dataclass
class RankedLine:
    rank: int
    application: Application
    score: float | None  # None when unscored, or hidden from the reader (then `scores_hidden` says why)
    considered_amount: Decimal
    cumulative: Decimal
    over_envelope: bool
    scores_hidden: str = ""


def ranking(*, organisation, call: Call, user) -> list[RankedLine]:
    """The call's applications in instruction or decided, best weighted score first (unscored last), as `user`
    may read it.

    The cumulative amount counts what each line would cost: the decided amount once accepted, the requested
    amount while in instruction, nothing once refused or without follow-up. An application whose scores are
    hidden from `user` (he declared a conflict of interest on it, or has not submitted his own review) stays at
    its place, since the committee needs it, but its score is masked (`score` None, `scores_hidden` says why).
    """
    queryset = _scored(
        for_org(Application, organisation)
        .filter(call=call, status__in=RANKED_STATUSES)
        .select_related("actor", "session", "organisation")
        .annotate(grant_pk=Subquery(Grant.objects.filter(application=OuterRef("pk")).values("pk")[:1]))
    ).order_by(F("weighted_score").desc(nulls_last=True), "reference", "pk")
    lines, cumulative = [], ZERO
    states = permissions.own_review_states(user, organisation)
    for rank, application in enumerate(queryset, start=1):
        if application.status == ApplicationStatus.ACCEPTED:
            considered = application.decided_amount or ZERO
        elif application.status == ApplicationStatus.IN_INSTRUCTION:
            considered = application.amount_requested or ZERO
        else:
            considered = ZERO
        cumulative += considered
        hidden = scores_hidden_label(user, application, review_states=states)
        score = None if hidden else application.weighted_score
        lines.append(
            RankedLine(
                rank=rank,
                application=application,
                score=None if score is None else round(score, 2),
                considered_amount=considered,
                cumulative=cumulative,
                over_envelope=call.envelope is not None and cumulative > call.envelope,
                scores_hidden=hidden,
            )
        )
    return lines


def score_of(*, application: Application) -> float | None:
    """The same weighted mean for one application (used in tests and on the decision page)."""
    row = _scored(Application.objects.filter(pk=application.pk)).values("weighted_score").get()
    return None if row["weighted_score"] is None else round(row["weighted_score"], 2)


def accepted_total(*, organisation, call: Call) -> Decimal:
    total = (
        for_org(Application, organisation)
        .filter(call=call, status=ApplicationStatus.ACCEPTED)
        .aggregate(total=Sum("decided_amount"))["total"]
    )
    return total or ZERO
