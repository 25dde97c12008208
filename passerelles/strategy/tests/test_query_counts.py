"""The plan, matrix and overview cost the same number of queries with the demo and with ten times more actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.models import Organisation
from passerelles.demo.loader import load_demo
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import Action, StrategyDocument

PAGES = [
    ("strategy:overview", {}),
    ("strategy:plan", {}),
    ("strategy:plan", {"orientation": "6"}),
    ("strategy:plan", {"page": "2"}),
    ("strategy:matrix", {}),
    ("strategy:plan_export", {"format": "csv"}),
]


def _grow_tenfold(document: StrategyDocument) -> None:
    """Add nine copies of every action, with their orientations, priorities and directorates."""
    originals = list(document.actions.prefetch_related("orientations"))
    statuses = list(ActionStatus.values)
    for copy in range(1, 10):
        for n, action in enumerate(originals):
            clone = Action.objects.create(
                organisation=action.organisation,
                document=document,
                code=f"{action.code}-{copy}",
                title=action.title,
                priority=action.priority,
                actor_category=action.actor_category,
                lead_directorate=action.lead_directorate,
                status=statuses[(n + copy) % len(statuses)],
                position=action.position + 1000 * copy,
            )
            clone.orientations.set(action.orientations.all())


def _count(client, name, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=["caece"]), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_same_number_of_queries_at_two_sizes(client):
    load_demo()
    organisation = Organisation.objects.get(slug="caece")
    client.force_login(organisation.memberships.get(role="officer").user)
    document = StrategyDocument.objects.get(organisation=organisation, status="adopted")
    assert document.actions.count() == 50
    client.get(reverse("strategy:overview", args=["caece"]))  # the first visit records the organisation in the session
    small = {(name, str(params)): _count(client, name, params) for name, params in PAGES}
    _grow_tenfold(document)
    assert document.actions.count() == 500
    large = {(name, str(params)): _count(client, name, params) for name, params in PAGES}
    print("queries per page (50 actions, 500 actions):", {k: (small[k], large[k]) for k in small})
    assert small == large
    # And the counts stay small: a regression that adds a query per row would show at both sizes too.
    assert max(small.values()) <= 20, small
