"""Reads of the networks and of their prioritisation grid: the ranking is computed by the database."""

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Rank
from django.utils.translation import gettext as _

from passerelles.actors.enums import MembershipStatus
from passerelles.actors.models import SCORE_MAX, Network, NetworkCriterion, NetworkScore, WatchItem
from passerelles.core.tenancy import for_org, get_for_org_or_404

LATEST_WATCH_ITEMS = 5


def get_network_or_404(organisation, pk) -> Network:
    return get_for_org_or_404(Network, organisation, pk)


def get_criterion_or_404(organisation, pk) -> NetworkCriterion:
    return get_for_org_or_404(NetworkCriterion, organisation, pk)


def criteria(*, organisation) -> QuerySet[NetworkCriterion]:
    return for_org(NetworkCriterion, organisation).annotate(score_count=Count("scores")).order_by("position", "pk")


def criteria_with_share(*, organisation, text: str = "") -> tuple[QuerySet[NetworkCriterion], int]:
    """The criteria (filtered by label) and the total weight of the whole grid, for each weight's share."""
    total = for_org(NetworkCriterion, organisation).aggregate(total=Sum("weight"))["total"] or 0
    rows = criteria(organisation=organisation)
    if text:
        rows = rows.filter(label__icontains=text)
    share = Cast(F("weight"), FloatField()) * 100.0 / total if total else Value(None, output_field=FloatField())
    return rows.annotate(weight_share=share), total


def ranking(*, organisation, membership_status=None, scope=None) -> QuerySet[Network]:
    """The networks ranked for the technical committee, in two queries whatever their number.

    score = sum(weight x score) / sum(weight of the scored criteria), on SCORE_MAX. A network whose grid is
    incomplete is ranked after every complete one; ties share a rank and keep the alphabetical order.
    """
    total_criteria = for_org(NetworkCriterion, organisation).count()
    weighted = Sum(F("scores__score") * F("scores__criterion__weight"))
    scored_weight = Sum("scores__criterion__weight")
    networks = for_org(Network, organisation).select_related("lead_directorate")
    if membership_status:
        networks = networks.filter(membership_status=membership_status)
    if scope:
        networks = networks.filter(scope=scope)
    networks = networks.annotate(
        scored_count=Count("scores"),
        # No score: NULL, ranked last. Cast so that SQLite does not divide integers.
        score=Cast(weighted, FloatField()) / Cast(scored_weight, FloatField()),
    )
    networks = networks.annotate(
        score_percent=F("score") * 100.0 / SCORE_MAX,
        is_complete=Case(
            When(scored_count__gte=max(total_criteria, 1), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    order = [F("is_complete").desc(), F("score").desc(nulls_last=True)]
    return networks.annotate(rank=Window(Rank(), order_by=order)).order_by(*order, "name", "pk")


def criteria_count(*, organisation) -> int:
    return for_org(NetworkCriterion, organisation).count()


def ranking_totals(networks: QuerySet[Network]) -> dict:
    """Current memberships among `networks` and the sum of their annual fees: one query."""
    current = Q(membership_status=MembershipStatus.MEMBER)
    totals = networks.order_by().aggregate(
        memberships=Count("pk", filter=current, distinct=True),
        fees=Sum("annual_fee", filter=current),
    )
    return {"memberships": totals["memberships"] or 0, "fees": totals["fees"] or Decimal("0")}


def scores_of(*, network: Network) -> dict[int, NetworkScore]:
    return {s.criterion_id: s for s in NetworkScore.objects.filter(network=network)}


def network_detail(*, organisation, pk) -> dict:
    """One network with its score and rank among all, its grid row by row and its latest watch items."""
    network = get_network_or_404(organisation, pk)
    ranked = {row.pk: row for row in ranking(organisation=organisation)}
    row = ranked[network.pk]
    scores = scores_of(network=network)
    grid = [(criterion, scores.get(criterion.pk)) for criterion in criteria(organisation=organisation)]
    watch_items = list(
        for_org(WatchItem, organisation).filter(network=network).order_by("-published_on", "-pk")[:LATEST_WATCH_ITEMS]
    )
    return {
        "network": row,
        "network_count": len(ranked),
        "grid": grid,
        "watch_items": watch_items,
    }


def scores_by_network(*, organisation) -> dict[int, dict[int, int]]:
    """{network pk: {criterion pk: score}} for the whole organisation: one query."""
    result: dict[int, dict[int, int]] = {}
    rows = for_org(NetworkScore, organisation).values_list("network_id", "criterion_id", "score")
    for network_id, criterion_id, score in rows:
        result.setdefault(network_id, {})[criterion_id] = score
    return result


def _decimal_score(value) -> Decimal | str:
    return "" if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def ranking_header(criteria_rows) -> list[str]:
    return [
        _("Rang"),
        _("Réseau"),
        _("Sigle"),
        _("Échelle"),
        _("Adhésion"),
        _("Adhérente depuis"),
        _("Cotisation annuelle (EUR)"),
        _("Direction référente"),
        _("Note pondérée (/5)"),
        _("Note pondérée (%)"),
        _("Critères notés"),
        _("Grille complète"),
        *[f"{c.label} (x{c.weight})" for c in criteria_rows],
    ]


def ranking_rows(networks, *, criteria_rows, scores):
    total = len(criteria_rows)
    for network in networks:
        mine = scores.get(network.pk, {})
        yield [
            network.rank,
            network.name,
            network.acronym,
            network.get_scope_display(),
            network.get_membership_status_display(),
            network.member_since or "",
            network.annual_fee if network.annual_fee is not None else "",
            network.lead_directorate.name if network.lead_directorate else "",
            _decimal_score(network.score),
            _decimal_score(network.score_percent),
            f"{network.scored_count}/{total}",
            _("oui") if network.is_complete else _("non"),
            *[mine.get(c.pk, "") for c in criteria_rows],
        ]


def criteria_header() -> list[str]:
    return [_("Ordre"), _("Critère"), _("Précisions"), _("Pondération"), _("Part du total (%)"), _("Notes")]


def criteria_rows(rows):
    for criterion in rows:
        share = "" if criterion.weight_share is None else _decimal_score(criterion.weight_share)
        yield [
            criterion.position,
            criterion.label,
            criterion.description,
            criterion.weight,
            share,
            criterion.score_count,
        ]
