"""Permission matrix of the watch on networks (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _item(s):
    from passerelles.actors.tests.factories import WatchItemFactory

    return [WatchItemFactory(organisation=s.world.org, title="Appel à projets jeunesse").pk]


def _subscription(s):
    from passerelles.actors.tests.factories import WatchSubscriptionFactory

    return [WatchSubscriptionFactory(organisation=s.world.org, label="Direction de la culture").pk]


EXPECTED = {
    "actors:watch": ("get", None, READERS, 200),
    "actors:watch_export": ("get", None, READERS, 200),
    "actors:watch_item_create": ("get", None, EDITORS, 200),
    "actors:watch_item_edit": ("get", "watch_item", EDITORS, 200),
    "actors:watch_item_delete": ("get", "watch_item", EDITORS, 200),
    "actors:watch_subscriptions": ("get", None, EDITORS, 200),
    "actors:watch_subscriptions_export": ("get", None, EDITORS, 200),
    "actors:watch_subscription_create": ("post", None, EDITORS, 422),
    "actors:watch_subscription_edit": ("get", "watch_subscription", EDITORS, 200),
    "actors:watch_subscription_toggle": ("post", "watch_subscription", EDITORS, 302),
    "actors:watch_subscription_preview": ("get", "watch_subscription", EDITORS, 200),
}

TARGETS = {"watch_item": _item, "watch_subscription": _subscription}
