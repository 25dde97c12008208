"""The public side of the actors: reads (approved and public entries only, never a contact) and the
self-registration of an actor, which always waits for moderation."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import ModerationStatus, Theme
from passerelles.actors.models import Actor
from passerelles.actors.selectors.common import filter_actors, public_actors

# The only fields the public side ever reads: a contact field can not leak through a template or a feature.
PUBLIC_FIELDS = (
    "pk",
    "name",
    "kind",
    "commune",
    "themes",
    "countries",
    "website",
    "description",
    "latitude",
    "longitude",
)

REGISTRATIONS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 3600

# -- reads ----------------------------------------------------------------------------------------


def public_directory(*, organisation, **filters) -> QuerySet[Actor]:
    """The approved and public actors of the organisation, filtered, as model instances without contact fields."""
    actors = filter_actors(public_actors(organisation=organisation), **filters)
    return actors.prefetch_related(None).select_related(None).only(*[f for f in PUBLIC_FIELDS if f != "pk"])


def public_communes(*, organisation) -> list[str]:
    return list(
        public_actors(organisation=organisation)
        .exclude(commune="")
        .order_by("commune")
        .values_list("commune", flat=True)
        .distinct()
    )


def public_geojson(*, organisation, **filters) -> dict:
    """A GeoJSON FeatureCollection of the public actors placed on the map. One query whatever their number."""
    rows = (
        filter_actors(public_actors(organisation=organisation), **filters)
        .prefetch_related(None)
        .select_related(None)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values(*PUBLIC_FIELDS)
    )
    kinds = dict(Actor._meta.get_field("kind").choices)
    themes = dict(Theme.choices)
    features = []
    for row in rows:
        features.append(
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]},
                "properties": {
                    "name": row["name"],
                    "kind": row["kind"],
                    "kind_label": str(kinds.get(row["kind"], "")),
                    "commune": row["commune"],
                    "themes": [str(themes[t]) for t in row["themes"] or [] if t in themes],
                    "countries": row["countries"] or [],
                    "website": row["website"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def export_rows(actors):
    kinds = dict(Actor._meta.get_field("kind").choices)
    for actor in actors:
        yield [
            actor.name,
            str(kinds.get(actor.kind, "")),
            actor.commune,
            ", ".join(actor.theme_labels),
            ", ".join(actor.countries or []),
            actor.website,
            actor.description,
        ]


def export_header() -> list[str]:
    return [
        _("Nom"),
        _("Type"),
        _("Commune"),
        _("Thématiques"),
        _("Pays d'intervention"),
        _("Site internet"),
        _("Description"),
    ]


# -- rate limit of the self-registration ----------------------------------------------------------


def _rate_key(ip: str) -> str:
    return f"actors:public-register:{ip or 'unknown'}"


def registration_allowed(*, ip: str) -> bool:
    return (cache.get(_rate_key(ip)) or 0) < REGISTRATIONS_PER_HOUR


def note_registration_attempt(*, ip: str) -> None:
    key = _rate_key(ip)
    # add() starts the window once; incr() keeps its expiry.
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, RATE_WINDOW_SECONDS)


# -- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def register_actor(
    *,
    organisation,
    name: str,
    kind: str,
    commune: str = "",
    insee_code: str = "",
    themes=(),
    countries=(),
    description: str = "",
    website: str = "",
    siret: str = "",
    rna: str = "",
    contact_role: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    consent: bool = False,
    account_request_email: str = "",
    account_request_next: str = "",
) -> Actor:
    """Anyone may propose an actor; it is created pending, with no account, and shown only once approved."""
    if organisation is None or not organisation.pk:
        raise ValidationError(_("Organisation inconnue."))
    if (contact_email or contact_phone) and not consent:
        raise ValidationError(
            {"consent": _("Cochez cette case pour que la collectivité conserve le courriel ou le téléphone.")}
        )
    actor = Actor(
        organisation=organisation,
        name=name,
        kind=kind,
        commune=commune,
        insee_code=insee_code,
        themes=list(themes),
        countries=list(countries),
        description=description,
        website=website,
        siret=siret,
        rna=rna,
        contact_role=contact_role,
        contact_email=contact_email,
        contact_phone=contact_phone,
        contact_consent_at=timezone.now() if (contact_email or contact_phone) else None,
        moderation_status=ModerationStatus.PENDING,
        account=None,
        # The account is created only once an officer approves the entry.
        account_request_email=(account_request_email or "").strip().lower(),
        # Checked by the view (a local path of this site); kept only with an account request.
        account_request_next=(account_request_next or "")[:200] if account_request_email else "",
    )
    place = _commune_place(organisation=organisation, insee_code=insee_code, commune=commune)
    if place is not None:
        # An actor sits at the centre of its commune on the map, as the demo's do, until an officer places it.
        actor.latitude, actor.longitude = place.latitude, place.longitude
    actor.full_clean()
    actor.save()
    return actor


def _commune_place(*, organisation, insee_code: str, commune: str):
    """A home commune of the organisation with coordinates, found by INSEE code (or by name when no code)."""
    from passerelles.core.enums import TerritoryKind
    from passerelles.core.models import Territory

    communes = Territory.objects.filter(
        organisation=organisation, kind=TerritoryKind.HOME, latitude__isnull=False, longitude__isnull=False
    )
    if insee_code:
        return communes.filter(insee_code=insee_code).first()
    if commune:
        return communes.filter(name__iexact=commune.strip()).first()
    return None
