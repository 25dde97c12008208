"""Permission matrix of the actors' back office (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _actor(s):
    from passerelles.actors.tests.factories import ActorFactory

    return [ActorFactory(organisation=s.world.org).pk]


def _pending_actor(s):
    from passerelles.actors.tests.factories import ActorFactory

    return [ActorFactory(organisation=s.world.org, pending=True).pk]


def _pending_change(s):
    from passerelles.actors.models import ActorChangeRequest
    from passerelles.actors.tests.factories import ActorFactory

    actor = ActorFactory(organisation=s.world.org)
    return [ActorChangeRequest.objects.create(organisation=s.world.org, actor=actor, proposed={"name": "Nouveau"}).pk]


EXPECTED = {
    "actors:directory": ("get", None, READERS, 200),
    "actors:directory_export": ("get", None, READERS, 200),
    "actors:actor": ("get", "actor", READERS, 200),
    "actors:actor_create": ("get", None, EDITORS, 200),
    "actors:actor_edit": ("get", "actor", EDITORS, 200),
    "actors:moderation": ("get", None, EDITORS, 200),
    "actors:actor_approve": ("post", "pending_actor", EDITORS, 302),
    # An empty refusal is refused: the message is required.
    "actors:actor_reject": ("post", "pending_actor", EDITORS, 422),
    # A change proposed by an actor's account to its published entry.
    "actors:change_approve": ("post", "pending_change", EDITORS, 302),
    "actors:change_reject": ("post", "pending_change", EDITORS, 422),
}

TARGETS = {
    "actor": _actor,
    "pending_actor": _pending_actor,
    "pending_change": _pending_change,
}
