"""Every write of the strategy app that carries a rule. Keyword-only, one transaction each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.strategy.enums import ACTION_TRANSITIONS, DocumentStatus
from passerelles.strategy.models import (
    Action,
    ActionTransition,
    ActorCategory,
    AlignmentCriterion,
    Ambition,
    Orientation,
    Priority,
    ProgressNote,
    StrategyDocument,
)


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def action_change_status(*, action: Action, status: str, user) -> Action:
    _check(permissions.can_follow_up_action(user, action))
    # Lock the row so that two simultaneous changes are applied one after the other.
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status == action.status:
        return action
    if status not in ACTION_TRANSITIONS.get(action.status, ()):
        raise ValidationError(
            {
                "status": _("Passage de « %(from)s » à « %(to)s » non autorisé.")
                % {"from": action.get_status_display(), "to": status}
            },
            code="illegal_transition",
        )
    previous = action.status
    action.status = status
    action.full_clean()
    action.save(update_fields=["status"])
    ActionTransition.objects.create(
        organisation=action.organisation, action=action, from_status=previous, to_status=status, user=user
    )
    return action


@transaction.atomic
def action_add_progress_note(*, action: Action, user, text: str, noted_on=None) -> ProgressNote:
    _check(permissions.can_follow_up_action(user, action))
    note = ProgressNote(
        organisation=action.organisation,
        action=action,
        author=user,
        text=text,
        noted_on=noted_on or timezone.localdate(),
    )
    note.full_clean()
    note.save()
    return note


def _validate_orientations(document: StrategyDocument, orientations) -> list[Orientation]:
    orientations = list(orientations)
    if any(o.document_id != document.pk for o in orientations):
        raise ValidationError({"orientations": _("Orientation inconnue pour ce document.")})
    return orientations


@transaction.atomic
def action_create(*, document: StrategyDocument, user, orientations, **fields) -> Action:
    _check(permissions.can_edit_strategy(user, document.organisation) and not document.is_archived)
    action = Action(organisation=document.organisation, document=document, **fields)
    if action.position == 0:
        action.position = (document.actions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    action.full_clean()
    orientations = _validate_orientations(document, orientations)
    action.save()
    action.orientations.set(orientations)
    return action


@transaction.atomic
def action_update(*, action: Action, user, orientations, **fields) -> Action:
    _check(permissions.can_edit_action(user, action))
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean()
    orientations = _validate_orientations(action.document, orientations)
    action.save()
    if set(action.orientations.values_list("pk", flat=True)) != {o.pk for o in orientations}:
        action.orientations.set(orientations)
    return action


@transaction.atomic
def orientation_update(*, orientation: Orientation, user, **fields) -> Orientation:
    _check(permissions.can_edit_strategy(user, orientation.organisation) and not orientation.document.is_archived)
    for name, value in fields.items():
        setattr(orientation, name, value)
    orientation.full_clean()
    orientation.save()
    return orientation


@transaction.atomic
def document_update(*, document: StrategyDocument, user, **fields) -> StrategyDocument:
    _check(permissions.can_edit_strategy(user, document.organisation) and not document.is_archived)
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_draft_new_version(*, document: StrategyDocument, user) -> StrategyDocument:
    """Copy the adopted strategy, with all its parts, into a new draft. The original is untouched."""
    _check(permissions.can_manage_strategy_versions(user, document.organisation))
    org = document.organisation
    if document.status != DocumentStatus.ADOPTED:
        raise ValidationError(_("Seul le document adopté peut servir de base à une nouvelle version."))
    if StrategyDocument.objects.for_org(org).filter(status=DocumentStatus.DRAFT).exists():
        raise ValidationError(_("Une nouvelle version est déjà en préparation."))
    last_version = StrategyDocument.objects.for_org(org).order_by("-version").values_list("version", flat=True)[0]
    draft = StrategyDocument.objects.create(
        organisation=org,
        title=document.title,
        version=last_version + 1,
        status=DocumentStatus.DRAFT,
        horizon_year=document.horizon_year,
        red_thread=document.red_thread,
        summary=document.summary,
        previous_version=document,
    )

    def copy(rows, **overrides):
        clones = {}
        for row in rows:
            old_pk = row.pk
            row.pk = row.id = None
            row._state.adding = True
            row.document = draft
            for name, value in overrides.items():
                setattr(row, name, value(row))
            row.save()
            clones[old_pk] = row
        return clones

    copy(AlignmentCriterion.objects.filter(document=document))
    orientations = copy(Orientation.objects.filter(document=document))
    priorities = copy(Priority.objects.filter(document=document))
    categories = copy(ActorCategory.objects.filter(document=document))
    for ambition in Ambition.objects.filter(document=document).prefetch_related("orientations"):
        old_orientations = list(ambition.orientations.all())
        (clone,) = copy([ambition]).values()
        clone.orientations.set([orientations[o.pk] for o in old_orientations])
    for action in Action.objects.filter(document=document).prefetch_related("orientations"):
        old_orientations = list(action.orientations.all())
        (clone,) = copy(
            [action],
            priority=lambda a: priorities.get(a.priority_id),
            actor_category=lambda a: categories.get(a.actor_category_id),
        ).values()
        clone.orientations.set([orientations[o.pk] for o in old_orientations])
    return draft


@transaction.atomic
def document_adopt(*, document: StrategyDocument, user, adopted_on=None) -> StrategyDocument:
    """Adopt a draft: the adopted version it replaces is archived, never deleted."""
    _check(permissions.can_manage_strategy_versions(user, document.organisation))
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("Seul un projet de document peut être adopté."))
    for current in StrategyDocument.objects.for_org(document.organisation).filter(status=DocumentStatus.ADOPTED):
        current.status = DocumentStatus.ARCHIVED
        current.save(update_fields=["status"])
    document.status = DocumentStatus.ADOPTED
    document.adopted_on = adopted_on or timezone.localdate()
    document.full_clean()
    document.save()
    return document
