"""Writes of "who works with whom": merging two entries of the same actor. One transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.actors.models import Actor, ActorLink, CensusFinding
from passerelles.core import permissions

# Plain fields of `keep` filled from `absorb` when empty. Coordinates and contacts move as a whole (below).
FILLABLE_FIELDS = (
    "commune",
    "insee_code",
    "partner_territory_of",
    "address",
    "description",
    "website",
    "siret",
    "rna",
    "founded_year",
    "account",
)


def _empty(value) -> bool:
    return value is None or value == ""


def _union(first, second) -> list:
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def _fill_fields(keep: Actor, absorb: Actor) -> None:
    for name in FILLABLE_FIELDS:
        attname = Actor._meta.get_field(name).attname
        if _empty(getattr(keep, attname)) and not _empty(getattr(absorb, attname)):
            setattr(keep, attname, getattr(absorb, attname))
    if keep.latitude is None and keep.longitude is None and absorb.latitude is not None:
        keep.latitude, keep.longitude = absorb.latitude, absorb.longitude
    if not keep.contact_role and not keep.contact_email and not keep.contact_phone:
        # The consent travels with the contact it covers.
        keep.contact_role = absorb.contact_role
        keep.contact_email = absorb.contact_email
        keep.contact_phone = absorb.contact_phone
        keep.contact_consent_at = absorb.contact_consent_at if (absorb.contact_email or absorb.contact_phone) else None
    keep.themes = _union(keep.themes, absorb.themes)
    keep.countries = _union(keep.countries, absorb.countries)


def _repoint_links(keep: Actor, absorb: Actor) -> None:
    """Links of `absorb`, both directions, now start or end at `keep`; self-links and doubles are dropped."""
    existing = {
        (link.source_id, link.target_id): link
        for link in ActorLink.objects.filter(source=keep) | ActorLink.objects.filter(target=keep)
    }
    moved = list(ActorLink.objects.filter(source=absorb)) + list(ActorLink.objects.filter(target=absorb))
    for link in moved:
        source_id = keep.pk if link.source_id == absorb.pk else link.source_id
        target_id = keep.pk if link.target_id == absorb.pk else link.target_id
        twin = existing.get((source_id, target_id))
        if source_id == target_id or twin is not None:
            if twin is not None and not twin.relation and link.relation:
                twin.relation = link.relation
                twin.save(update_fields=["relation"])
            link.delete()
            continue
        link.source_id, link.target_id = source_id, target_id
        link.full_clean(validate_unique=False, validate_constraints=False)
        link.save()
        existing[(source_id, target_id)] = link


def _repoint_census_findings(keep: Actor, absorb: Actor) -> None:
    """A meeting that surfaced both entries keeps one finding: "new" if either said so, both notes."""
    kept = {f.meeting_id: f for f in CensusFinding.objects.filter(actor=keep)}
    for finding in CensusFinding.objects.filter(actor=absorb):
        twin = kept.get(finding.meeting_id)
        if twin is None:
            finding.actor = keep
            finding.save(update_fields=["actor"])
            continue
        twin.is_new = twin.is_new or finding.is_new
        twin.note = " / ".join(n for n in (twin.note, finding.note) if n)[:500]
        twin.save(update_fields=["is_new", "note"])
        finding.delete()


@transaction.atomic
def merge_actors(*, keep: Actor, absorb: Actor, user) -> Actor:
    """`absorb` is folded into `keep` and deleted: every link of both is kept."""
    if not permissions.can_edit_actors(user, keep.organisation):
        raise PermissionDenied
    if keep.organisation_id != absorb.organisation_id:
        raise ValidationError(_("Les deux fiches doivent appartenir à la même organisation."))
    if keep.pk == absorb.pk:
        raise ValidationError(_("Une fiche ne peut pas être fusionnée avec elle-même."))
    locked = {a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=[keep.pk, absorb.pk])}
    if len(locked) != 2:
        raise ValidationError(_("L'une des deux fiches n'existe plus."))
    keep, absorb = locked[keep.pk], locked[absorb.pk]
    _fill_fields(keep, absorb)
    keep.full_clean()
    keep.save()
    keep.partner_territories.add(*absorb.partner_territories.all())
    keep.projects.add(*absorb.projects.all())
    _repoint_links(keep, absorb)
    _repoint_census_findings(keep, absorb)
    absorb.delete()
    return keep
