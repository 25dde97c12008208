"""Changes an actor's account proposes to its published entry (issue 9, point 8).

The public version stays as it is until an officer approves the change; one pending change per entry (a database
constraint), which a second edit rewrites. What is never published (the contact, the consent) is written at once,
and so is withdrawing: unticking the consent erases the email and the phone immediately (RGPD), unticking the
visibility hides the entry immediately. Neither may wait for a moderator.
"""

import copy

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import ChangeRequestStatus, ModerationStatus
from passerelles.actors.models import Actor, ActorChangeRequest
from passerelles.actors.services.directory import _apply_consent
from passerelles.core import permissions
from passerelles.core.mail import send_on_commit

# What the public sees or what identifies the structure: reviewed before it replaces the published version.
MODERATED_FIELDS = (
    "name",
    "description",
    "website",
    "address",
    "commune",
    "themes",
    "countries",
    "siret",
    "rna",
    "is_public",
)
# Never published: written at once.
CONTACT_FIELDS = ("contact_role", "contact_email", "contact_phone")
REASON_MAX = 2000


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _json(value):
    """The value as stored in the request's JSON (lists stay lists, text is stripped of nothing)."""
    if isinstance(value, tuple):
        return list(value)
    return value


def _pending(actor) -> ActorChangeRequest | None:
    return (
        ActorChangeRequest.objects.select_for_update()
        .filter(actor_id=actor.pk, status=ChangeRequestStatus.PENDING)
        .first()
    )


def actor_propose_change(*, actor: Actor, user, contact_consent: bool = False, **fields) -> ActorChangeRequest | None:
    """Record what the account wants changed in its approved entry; returns the pending request (None if the
    edit changes nothing that needs moderation, in which case a pending request is withdrawn).

    Called by `services.accounts.own_actor_update` inside its transaction, on the locked row.
    """
    _check(permissions.can_edit_own_actor(user, actor))
    if actor.moderation_status != ModerationStatus.APPROVED:
        raise ValidationError(_("Seule une fiche publiée passe par une modification à modérer."), code="not_approved")
    # 1. At once: the contact (never published), the consent and its withdrawal, and hiding the entry.
    before = {name: getattr(actor, name) for name in (*CONTACT_FIELDS, "contact_consent_at", "is_public")}
    for name in CONTACT_FIELDS:
        if name in fields:
            setattr(actor, name, fields[name])
    _apply_consent(actor, contact_consent)
    if fields.get("is_public") is False:
        actor.is_public = False
    # 2. For moderation: every public field that differs from the published version.
    proposed = {
        name: _json(fields[name])
        for name in MODERATED_FIELDS
        if name in fields and _json(fields[name]) != _json(getattr(actor, name))
    }
    if proposed:
        # The proposal must make a valid entry: checked now, with the contact as it will be, so that nothing
        # invalid waits in the queue.
        candidate = copy.copy(actor)
        for name, value in proposed.items():
            setattr(candidate, name, value)
        candidate.full_clean()
    actor.full_clean()
    if any(getattr(actor, name) != value for name, value in before.items()):
        actor._history_user = user
        actor.save()
    pending = _pending(actor)
    if not proposed:
        if pending is not None:
            pending.delete()
        return None
    if pending is None:
        pending = ActorChangeRequest(organisation_id=actor.organisation_id, actor=actor)
    pending.proposed = proposed
    pending.proposed_by = user
    pending._history_user = user
    pending.full_clean(exclude=["organisation", "actor"], validate_constraints=False)
    pending.save()
    return pending


def _decide(change: ActorChangeRequest, user) -> ActorChangeRequest:
    _check(permissions.can_moderate_actors(user, change.organisation))
    change = ActorChangeRequest.objects.select_for_update().select_related("organisation").get(pk=change.pk)
    _check(permissions.can_moderate_actors(user, change.organisation))
    if change.status != ChangeRequestStatus.PENDING:
        raise ValidationError(_("Cette modification a déjà été traitée."), code="not_pending")
    return change


@transaction.atomic
def actor_change_approve(*, change: ActorChangeRequest, user) -> Actor:
    """The proposed values replace the published ones (one history row, by the officer)."""
    change = _decide(change, user)
    actor = Actor.objects.select_for_update().get(pk=change.actor_id)
    for name, value in change.proposed.items():
        if name in MODERATED_FIELDS:
            setattr(actor, name, value)
    actor._history_user = user
    actor.full_clean()
    actor.save()
    change.status = ChangeRequestStatus.APPROVED
    change.decided_by = user
    change.decided_at = timezone.now()
    change._history_user = user
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return actor


@transaction.atomic
def actor_change_reject(*, change: ActorChangeRequest, user, reason: str) -> ActorChangeRequest:
    """The published version stays; the reason is kept and emailed to the entry's account."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"message": _("Expliquez le refus : ce message sera transmis à l'acteur.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"message": _("2 000 caractères au plus.")})
    change = _decide(change, user)
    change.status = ChangeRequestStatus.REJECTED
    change.reason = reason
    change.decided_by = user
    change.decided_at = timezone.now()
    change._history_user = user
    change.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    actor = Actor.objects.select_related("account", "organisation").get(pk=change.actor_id)
    send_on_commit(
        to=[actor.account.email if actor.account_id and actor.account.is_active else ""],
        subject=_("Votre modification de la fiche « %(name)s » n'a pas été publiée") % {"name": actor.name},
        template="actors/accounts/emails/change_rejected.txt",
        context={
            "organisation": actor.organisation,
            "actor_name": actor.name,
            "reason": reason,
            "link": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("actor_space:edit", args=[actor.pk]),
        },
    )
    return change
