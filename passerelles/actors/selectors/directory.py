"""Reads of the actors' back office: a constant number of queries whatever the size of the directory."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor, ActorLink
from passerelles.actors.selectors.common import filter_actors, get_actor_or_404
from passerelles.core.enums import TerritoryKind
from passerelles.core.models import Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.steering.models import Project

SIMILAR_LIMIT = 10

__all__ = ["get_actor_or_404"]


def directory(*, organisation, status=None, **filters) -> QuerySet[Actor]:
    """Every entry of the organisation (pending and rejected included), filtered."""
    actors = for_org(Actor, organisation)
    if status:
        actors = actors.filter(moderation_status=status)
    return filter_actors(actors, **filters)


def moderation_queue(*, organisation) -> QuerySet[Actor]:
    return (
        for_org(Actor, organisation)
        .filter(moderation_status=ModerationStatus.PENDING)
        .select_related("partner_territory_of")
        .order_by("created_at", "pk")
    )


def partner_territories(*, organisation) -> QuerySet[Territory]:
    return for_org(Territory, organisation).filter(kind=TerritoryKind.PARTNER).order_by("name")


def communes(*, organisation) -> list[str]:
    return list(
        for_org(Actor, organisation)
        .exclude(commune="")
        .values_list("commune", flat=True)
        .distinct()
        .order_by("commune")
    )


def projects(*, organisation) -> QuerySet[Project]:
    return for_org(Project, organisation).order_by("code")


def similar_actors(*, actor: Actor, limit: int = SIMILAR_LIMIT) -> list[Actor]:
    """Who works on the same themes or with the same partner territories: one query."""
    condition = Q(partner_territories__in=Territory.objects.filter(actors=actor).values("pk"))
    for theme in actor.themes:
        condition |= Q(themes__icontains=f'"{theme}"')
    ids = (
        for_org(Actor, actor.organisation)
        .exclude(pk=actor.pk)
        .exclude(moderation_status=ModerationStatus.REJECTED)
        .filter(condition)
        .values("pk")
    )
    return list(
        for_org(Actor, actor.organisation)
        .filter(pk__in=ids)
        .only("pk", "name", "kind", "commune", "themes")
        .order_by("name", "pk")[:limit]
    )


def actor_detail(*, organisation, pk) -> dict:
    actor = get_for_detail(organisation, pk)
    links = [(link.relation, link.target) for link in actor.links_out.all()] + [
        (link.relation, link.source) for link in actor.links_in.all()
    ]
    return {"actor": actor, "links": links, "similar": similar_actors(actor=actor)}


def get_for_detail(organisation, pk) -> Actor:
    queryset = Actor.objects.select_related("partner_territory_of").prefetch_related(
        Prefetch("partner_territories", queryset=Territory.objects.order_by("name")),
        Prefetch("projects", queryset=Project.objects.order_by("code")),
        Prefetch("links_out", queryset=ActorLink.objects.select_related("target")),
        Prefetch("links_in", queryset=ActorLink.objects.select_related("source")),
    )
    return get_for_org_or_404(queryset, organisation, pk)


# -- exports: the rows follow the directory filters; contacts only for those allowed to see them ------------


def export_header(*, with_contacts: bool) -> list[str]:
    header = [
        _("Nom"),
        _("Type"),
        _("Situé sur"),
        _("Commune"),
        _("Code INSEE"),
        _("Territoire partenaire où il est situé"),
        _("Territoires partenaires"),
        _("Thématiques"),
        _("Pays d'intervention"),
        _("Site internet"),
        _("SIRET"),
        _("RNA"),
        _("Année de création"),
        _("Latitude"),
        _("Longitude"),
        _("Modération"),
    ]
    if with_contacts:
        header += [_("Contact (fonction)"), _("Courriel du contact"), _("Téléphone du contact")]
    return [str(h) for h in header]


def export_rows(actors, *, with_contacts: bool):
    for actor in actors:
        row = [
            actor.name,
            actor.get_kind_display(),
            actor.get_location_display(),
            actor.commune,
            actor.insee_code,
            actor.partner_territory_of.name if actor.partner_territory_of else "",
            ", ".join(t.name for t in actor.partner_territories.all()),
            ", ".join(actor.theme_labels),
            ", ".join(actor.countries),
            actor.website,
            actor.siret,
            actor.rna,
            actor.founded_year,
            float(actor.latitude) if actor.latitude is not None else None,
            float(actor.longitude) if actor.longitude is not None else None,
            actor.get_moderation_status_display(),
        ]
        if with_contacts:
            row += [actor.contact_role, actor.contact_email, actor.contact_phone]
        yield row


def export_geojson(actors, *, with_contacts: bool, url_of) -> dict:
    """A FeatureCollection of the actors that have coordinates (GeoJSON: longitude first)."""
    features = []
    for actor in actors.exclude(latitude=None).exclude(longitude=None):
        properties = {
            "name": actor.name,
            "kind": actor.kind,
            "kind_label": str(actor.get_kind_display()),
            "commune": actor.commune,
            "themes": actor.theme_labels,
            "url": url_of(actor.pk),
        }
        if with_contacts:
            properties.update(
                contact_role=actor.contact_role, contact_email=actor.contact_email, contact_phone=actor.contact_phone
            )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(actor.longitude), float(actor.latitude)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}
