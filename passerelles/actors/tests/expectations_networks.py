"""Permission matrix of the networks and of their prioritisation grid (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _network(s):
    from passerelles.actors.tests.factories import NetworkFactory

    return [NetworkFactory(organisation=s.world.org).pk]


def _criterion(s):
    from passerelles.actors.tests.factories import NetworkCriterionFactory

    return [NetworkCriterionFactory(organisation=s.world.org).pk]


EXPECTED = {
    "actors:networks": ("get", None, READERS, 200),
    "actors:networks_export": ("get", None, READERS, 200),
    "actors:network": ("get", "network", READERS, 200),
    # An empty network is refused: the name is required.
    "actors:network_create": ("post", None, EDITORS, 422),
    "actors:network_edit": ("get", "network", EDITORS, 200),
    "actors:network_delete": ("get", "network", EDITORS, 200),
    # With no criterion, an empty grid is a valid grid.
    "actors:network_scores": ("post", "network", EDITORS, 302),
    "actors:network_criteria": ("get", None, READERS, 200),
    "actors:network_criteria_export": ("get", None, READERS, 200),
    "actors:network_criterion_create": ("get", None, EDITORS, 200),
    # An empty criterion is refused: the label is required.
    "actors:network_criterion_edit": ("post", "criterion", EDITORS, 422),
    "actors:network_criterion_delete": ("post", "criterion", EDITORS, 302),
}

TARGETS = {"network": _network, "criterion": _criterion}
