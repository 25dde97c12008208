"""Every write of the actors' back office that carries a rule. Keyword-only, one transaction each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.core import permissions
from passerelles.core.models import Territory
from passerelles.steering.models import Project


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _scoped(organisation, rows, model, field: str) -> list:
    rows = list(rows or [])
    if any(not isinstance(row, model) or row.organisation_id != organisation.pk for row in rows):
        raise ValidationError({field: _("Choix inconnu pour cette organisation.")})
    return rows


def _apply_consent(actor: Actor, consent: bool) -> None:
    """Email and phone are kept only with a recorded consent; withdrawing it erases them."""
    if consent:
        if actor.contact_consent_at is None:
            actor.contact_consent_at = timezone.now()
        return
    if actor.contact_email or actor.contact_phone:
        if actor.pk is None or actor.contact_consent_at is None:
            errors = {}
            if actor.contact_email:
                errors["contact_email"] = _("Cochez la case de consentement pour enregistrer un courriel.")
            if actor.contact_phone:
                errors["contact_phone"] = _("Cochez la case de consentement pour enregistrer un téléphone.")
            raise ValidationError(errors)
    actor.contact_email = ""
    actor.contact_phone = ""
    actor.contact_consent_at = None


def _save(actor: Actor, *, partner_territories, projects) -> Actor:
    territories = _scoped(actor.organisation, partner_territories, Territory, "partner_territories")
    projects = _scoped(actor.organisation, projects, Project, "projects")
    if actor.partner_territory_of_id and actor.partner_territory_of.organisation_id != actor.organisation_id:
        raise ValidationError({"partner_territory_of": _("Choix inconnu pour cette organisation.")})
    actor.full_clean()
    actor.save()
    actor.partner_territories.set(territories)
    actor.projects.set(projects)
    return actor


@transaction.atomic
def actor_create(
    *, organisation, user, partner_territories=(), projects=(), contact_consent: bool = False, **fields
) -> Actor:
    """An entry created by the staff is published at once: they are the moderators."""
    _check(permissions.can_edit_actors(user, organisation))
    actor = Actor(organisation=organisation, **fields)
    actor.moderation_status = ModerationStatus.APPROVED
    actor.moderation_message = ""
    _apply_consent(actor, contact_consent)
    return _save(actor, partner_territories=partner_territories, projects=projects)


@transaction.atomic
def actor_update(
    *, actor: Actor, user, partner_territories=(), projects=(), contact_consent: bool = False, **fields
) -> Actor:
    _check(permissions.can_edit_actors(user, actor.organisation))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    for name in ("moderation_status", "moderation_message", "organisation", "account", "contact_consent_at"):
        fields.pop(name, None)
    for name, value in fields.items():
        setattr(actor, name, value)
    _apply_consent(actor, contact_consent)
    return _save(actor, partner_territories=partner_territories, projects=projects)


def _moderate(actor: Actor, user, status: str, message: str) -> Actor:
    _check(permissions.can_moderate_actors(user, actor.organisation))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.moderation_status != ModerationStatus.PENDING:
        raise ValidationError(_("Cette fiche a déjà été modérée."), code="not_pending")
    actor.moderation_status = status
    actor.moderation_message = message
    actor.full_clean()
    actor.save(update_fields=["moderation_status", "moderation_message", "updated_at"])
    return actor


@transaction.atomic
def actor_approve(*, actor: Actor, user, base_url: str | None = None) -> Actor:
    """Publish the entry; an account asked for on the registration form is then invited (mail on commit)."""
    from passerelles.actors.services.accounts import invite_requested_account

    actor = _moderate(actor, user, ModerationStatus.APPROVED, "")
    if actor.account_request_email:
        invite_requested_account(actor=actor, by=user, base_url=base_url)
        actor.refresh_from_db()
    return actor


@transaction.atomic
def actor_reject(*, actor: Actor, user, message: str) -> Actor:
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Expliquez le refus : ce message sera transmis à l'acteur.")})
    if len(message) > 2000:
        raise ValidationError({"message": _("2 000 caractères au plus.")})
    return _moderate(actor, user, ModerationStatus.REJECTED, message)
