"""Reads shared by the back office and the public side: the one door to actors."""

from django.db.models import Prefetch, QuerySet

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.selectors.search import search_actors
from passerelles.core.models import Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404


def get_actor_or_404(organisation, pk) -> Actor:
    return get_for_org_or_404(Actor.objects.select_related("partner_territory_of"), organisation, pk)


def public_actors(*, organisation) -> QuerySet[Actor]:
    """What anyone may see: approved and public entries only."""
    return for_org(Actor, organisation).filter(moderation_status=ModerationStatus.APPROVED, is_public=True)


def filter_actors(
    actors: QuerySet[Actor], *, text="", kind=None, commune=None, theme=None, country=None, territory=None
) -> QuerySet[Actor]:
    actors = search_actors(actors, text)
    if kind:
        actors = actors.filter(kind=kind)
    if commune:
        actors = actors.filter(commune=commune)
    if theme:
        # JSON list membership, portable between SQLite and PostgreSQL
        actors = actors.filter(themes__icontains=f'"{theme}"')
    if country:
        actors = actors.filter(countries__icontains=f'"{country}"')
    if territory is not None:
        actors = actors.filter(partner_territories=territory)
    return (
        actors.select_related("partner_territory_of")
        .prefetch_related(Prefetch("partner_territories", queryset=Territory.objects.only("pk", "name")))
        .distinct()
        .order_by("name", "pk")
    )
