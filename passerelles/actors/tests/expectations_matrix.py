"""Permission matrix of "who works on what, where" and of the duplicates (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _pair(s):
    from passerelles.actors.tests.factories import ActorFactory

    first = ActorFactory(organisation=s.world.org, name="Comité de jumelage")
    second = ActorFactory(organisation=s.world.org, name="Comite de Jumelage")
    return [first.pk, second.pk]


EXPECTED = {
    "actors:matrix": ("get", None, READERS, 200),
    "actors:matrix_export": ("get", None, READERS, 200),
    "actors:duplicates": ("get", None, EDITORS, 200),
    "actors:duplicates_export": ("get", None, EDITORS, 200),
    # An empty merge is refused: the kept entry must be chosen.
    "actors:merge": ("post", "actor_pair", EDITORS, 422),
}

TARGETS = {"actor_pair": _pair}
