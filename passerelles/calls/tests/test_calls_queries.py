import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.calls.enums import ApplicationStatus, CallStatus
from passerelles.calls.models import Call
from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, CriterionFactory, QuestionFactory
from passerelles.core.enums import Role

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _bulk(world, start, count):
    calls = Call.objects.bulk_create(
        Call(
            organisation=world.org,
            title=f"Appel {n:04}",
            status=[CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.CLOSED][n % 3],
            opens_at=datetime.datetime(2024 + n % 3, 1, 1, 9, 0, tzinfo=PARIS),
            closes_at=datetime.datetime(2099, 1, 1, 9, 0, tzinfo=PARIS),
            modalities=["cofinancing"],
        )
        for n in range(start, start + count)
    )
    for call in calls[:3]:
        ApplicationFactory(call=call, status=ApplicationStatus.SUBMITTED)
        ApplicationFactory(call=call)
    return calls


def _count(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_call_list_and_export_cost_a_constant_number_of_queries(world, client):
    client.force_login(world.members[Role.VIEWER])
    path = reverse("calls:calls", args=[world.org.slug])
    export = reverse("calls:calls_export", args=[world.org.slug])
    _bulk(world, 0, 3)
    client.get(path)  # the first request after login writes the session
    small = (_count(client, path), _count(client, path, {"year": 2025}), _count(client, export, {"format": "xlsx"}))
    _bulk(world, 3, 30)
    large = (_count(client, path), _count(client, path, {"year": 2025}), _count(client, export, {"format": "xlsx"}))
    assert large == small


def test_call_page_costs_a_constant_number_of_queries(world, client):
    client.force_login(world.members[Role.OFFICER])
    call = CallFactory(organisation=world.org)
    path = reverse("calls:call", args=[world.org.slug, call.pk])
    first = QuestionFactory(call=call, kind="single_choice", choices=["Oui", "Non"])
    QuestionFactory(call=call, show_if_question=first, show_if_value="Oui")
    CriterionFactory(call=call)
    client.get(path)  # the first request after login writes the session
    small = _count(client, path)
    for _n in range(8):
        QuestionFactory(call=call, show_if_question=first, show_if_value="Non")
        CriterionFactory(call=call)
        ApplicationFactory(call=call, submitted=True)
    assert _count(client, path) == small
