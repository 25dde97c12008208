"""Permission matrix of the actors' accounts in the back office (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _actor(s):
    from passerelles.actors.tests.factories import ActorFactory

    return [ActorFactory(organisation=s.world.org).pk]


EXPECTED = {
    # An empty address is refused on the field.
    "actors:actor_account_invite": ("post", "account_actor", EDITORS, 422),
    # No account to remove: a message, and back to the entry.
    "actors:actor_account_revoke": ("post", "account_actor", EDITORS, 302),
    "actors:data_requests": ("get", None, EDITORS, 200),
    "actors:data_requests_export": ("get", None, EDITORS, 200),
}

TARGETS = {"account_actor": _actor}
