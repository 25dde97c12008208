"""Reads of the changes proposed by actors' accounts: the moderation queue, field by field, and the account's own."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from passerelles.actors.enums import ChangeRequestStatus, Theme
from passerelles.actors.models import Actor, ActorChangeRequest
from passerelles.actors.services.changes import MODERATED_FIELDS
from passerelles.core.tenancy import for_org, get_for_org_or_404


def get_change_or_404(organisation, pk) -> ActorChangeRequest:
    return get_for_org_or_404(ActorChangeRequest.objects.select_related("actor", "organisation"), organisation, pk)


def pending_changes(*, organisation) -> QuerySet[ActorChangeRequest]:
    return (
        for_org(ActorChangeRequest, organisation)
        .filter(status=ChangeRequestStatus.PENDING)
        .select_related("actor", "proposed_by")
        .order_by("created_at", "pk")
    )


def pending_change(actor: Actor) -> ActorChangeRequest | None:
    return ActorChangeRequest.objects.filter(actor_id=actor.pk, status=ChangeRequestStatus.PENDING).first()


def last_refusal(actor: Actor) -> ActorChangeRequest | None:
    """The account's last decided change, if it was refused (an approval since then hides the old refusal)."""
    last = (
        ActorChangeRequest.objects.filter(actor_id=actor.pk)
        .exclude(status=ChangeRequestStatus.PENDING)
        .order_by("-decided_at", "-pk")
        .first()
    )
    return last if last is not None and last.status == ChangeRequestStatus.REJECTED else None


def actors_with_pending_change(actor_ids) -> set[int]:
    return set(
        ActorChangeRequest.objects.filter(actor_id__in=list(actor_ids), status=ChangeRequestStatus.PENDING).values_list(
            "actor_id", flat=True
        )
    )


def _display(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if name == "themes":
        labels = dict(Theme.choices)
        return ", ".join(str(labels.get(theme, theme)) for theme in value)
    if name == "countries":
        return ", ".join(value)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(value)


def change_diff(change: ActorChangeRequest, actor: Actor | None = None) -> list[dict]:
    """Each proposed field: its label, the published value and the proposed one, as text for the page."""
    actor = actor or change.actor
    rows = []
    for name in MODERATED_FIELDS:
        if name not in change.proposed:
            continue
        label = Actor._meta.get_field(name).verbose_name
        rows.append(
            {
                "name": name,
                "label": str(label)[:1].upper() + str(label)[1:],
                "old": _display(name, getattr(actor, name)),
                "new": _display(name, change.proposed[name]),
            }
        )
    return rows
