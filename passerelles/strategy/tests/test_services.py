import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from passerelles.core.enums import Role
from passerelles.strategy import services
from passerelles.strategy.enums import ACTION_TRANSITIONS, ActionStatus, DocumentStatus
from passerelles.strategy.models import Action, ActionTransition, StrategyDocument
from passerelles.strategy.tests.factories import StrategyDocumentFactory

# Sorted: a set's order changes from one process to the next, and every xdist worker must collect the same tests.
LEGAL = [(a, b) for a, targets in ACTION_TRANSITIONS.items() for b in sorted(targets)]
ILLEGAL = [(a, b) for a in ActionStatus.values for b in ActionStatus.values if a != b and (a, b) not in LEGAL]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_every_legal_transition_is_applied_and_logged(world, start, end):
    Action.objects.filter(pk=world.action.pk).update(status=start)
    world.action.refresh_from_db()
    officer = world.members[Role.OFFICER]
    action = services.action_change_status(action=world.action, status=end, user=officer)
    assert action.status == end
    log = ActionTransition.objects.get(action=action)
    assert (log.from_status, log.to_status, log.user) == (start, end, officer)


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_every_illegal_transition_is_refused(world, start, end):
    Action.objects.filter(pk=world.action.pk).update(status=start)
    world.action.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.action_change_status(action=world.action, status=end, user=world.members[Role.OFFICER])
    assert "non autorisé" in " ".join(error.value.messages)
    world.action.refresh_from_db()
    assert world.action.status == start
    assert not ActionTransition.objects.exists()


def test_unknown_status_is_refused(world):
    with pytest.raises(ValidationError):
        services.action_change_status(action=world.action, status="finished", user=world.members[Role.OFFICER])


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PARTNER, Role.REVIEWER])
def test_readers_cannot_change_status(world, role):
    with pytest.raises(PermissionDenied):
        services.action_change_status(action=world.action, status=ActionStatus.IN_PROGRESS, user=world.members[role])


def test_member_of_another_organisation_cannot_change_status(world):
    with pytest.raises(PermissionDenied):
        services.action_change_status(action=world.action, status=ActionStatus.IN_PROGRESS, user=world.outsider)


def test_contributor_follows_up_only_their_directorate(world):
    contributor = world.members[Role.CONTRIBUTOR]
    services.action_change_status(action=world.action, status=ActionStatus.IN_PROGRESS, user=contributor)
    services.action_add_progress_note(action=world.action, user=contributor, text="Réunion tenue.")
    with pytest.raises(PermissionDenied):
        services.action_change_status(action=world.transversal, status=ActionStatus.IN_PROGRESS, user=contributor)


def test_progress_note_requires_text(world):
    with pytest.raises(ValidationError):
        services.action_add_progress_note(action=world.action, user=world.members[Role.OFFICER], text="")
    assert not world.action.progress_notes.exists()


def test_draft_new_version_copies_everything_and_keeps_the_adopted_one(world):
    admin = world.members[Role.ADMIN]
    draft = services.document_draft_new_version(document=world.document, user=admin)
    assert draft.version == 2 and draft.status == DocumentStatus.DRAFT and draft.previous_version == world.document
    for relation in ("orientations", "ambitions", "priorities", "actor_categories", "criteria", "actions"):
        assert getattr(draft, relation).count() == getattr(world.document, relation).count() > 0
    copy = draft.actions.get(code="P1.1")
    assert copy.pk != world.action.pk
    assert copy.priority.document == draft and copy.actor_category.document == draft
    assert sorted(o.number for o in copy.orientations.all()) == [1, 2]
    assert all(o.document == draft for o in copy.orientations.all())
    assert sorted(o.number for o in draft.ambitions.get().orientations.all()) == [1, 2]
    # the adopted version is untouched
    world.document.refresh_from_db()
    assert world.document.status == DocumentStatus.ADOPTED
    assert world.document.actions.get(code="P1.1").pk == world.action.pk


def test_only_one_draft_at_a_time(world):
    admin = world.members[Role.ADMIN]
    services.document_draft_new_version(document=world.document, user=admin)
    with pytest.raises(ValidationError):
        services.document_draft_new_version(document=world.document, user=admin)


def test_adopting_a_draft_archives_the_previous_version(world):
    admin = world.members[Role.ADMIN]
    draft = services.document_draft_new_version(document=world.document, user=admin)
    services.document_adopt(document=draft, user=admin)
    world.document.refresh_from_db()
    draft.refresh_from_db()
    assert (world.document.status, draft.status) == (DocumentStatus.ARCHIVED, DocumentStatus.ADOPTED)
    assert draft.adopted_on is not None


def test_archived_document_is_read_only(world):
    admin = world.members[Role.ADMIN]
    draft = services.document_draft_new_version(document=world.document, user=admin)
    services.document_adopt(document=draft, user=admin)
    world.action.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.action_change_status(action=world.action, status=ActionStatus.IN_PROGRESS, user=admin)


def test_database_refuses_two_adopted_documents(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyDocumentFactory(organisation=world.org, version=5)


def test_database_refuses_reversed_action_dates(world):
    import datetime

    world.action.start_date = datetime.date(2014, 1, 1)
    world.action.due_date = datetime.date(2013, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        world.action.save()


def test_action_update_refuses_orientation_of_another_document(world):
    with pytest.raises(ValidationError):
        services.action_update(
            action=world.action, user=world.members[Role.OFFICER], orientations=[world.other_orientation]
        )
    assert sorted(o.number for o in world.action.orientations.all()) == [1, 2]


def test_viewer_cannot_draft_or_adopt(world):
    with pytest.raises(PermissionDenied):
        services.document_draft_new_version(document=world.document, user=world.members[Role.VIEWER])
    assert StrategyDocument.objects.filter(organisation=world.org).count() == 1
