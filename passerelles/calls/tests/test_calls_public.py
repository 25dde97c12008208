import datetime
import html
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.calls.enums import CallStatus
from passerelles.calls.models import Call, Question, RequiredDocument
from passerelles.calls.tests.factories import (
    CallFactory,
    CriterionFactory,
    QuestionFactory,
    ReportIndicatorFactory,
    RequiredDocumentFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def public(world, name, *args, org=None):
    return reverse(name, args=[(org or world.org).slug, *args])


def test_public_list_shows_published_and_closed_never_drafts_open_first(world, client):
    CallFactory(organisation=world.org, closed=True, title="Appel clos")
    CallFactory(organisation=world.org, title="Appel ouvert", orientations=[2], themes=["youth_education"])
    CallFactory(organisation=world.org, draft=True, title="Appel en préparation")
    CallFactory(organisation=world.other_org, title="Appel de Beta")
    page = html.unescape(client.get(public(world, "public_calls:calls")).content.decode())
    assert "Appel en préparation" not in page and "Appel de Beta" not in page
    assert page.index("Appel ouvert") < page.index("Appel clos")
    assert "ouvert" in page and "clos" in page
    assert str(world.orientations[1]) in page and "Jeunesse et éducation" in page


def test_public_call_page_shows_rules_priorities_and_what_to_prepare(world, client):
    call = CallFactory(
        organisation=world.org,
        title="Initiatives de solidarité",
        orientations=[1],
        themes=["democracy"],
        closes_at=datetime.datetime(2099, 1, 30, 12, 0, tzinfo=PARIS),
        interim_report_due=datetime.date(2099, 6, 30),
        description="<script>alert(1)</script>",
    )
    RequiredDocumentFactory(call=call, label="Statuts de l'association")
    choice = QuestionFactory(call=call, label="Partenaire au Sud ?", kind="single_choice", choices=["Oui", "Non"])
    QuestionFactory(call=call, label="Lequel ?", show_if_question=choice, show_if_value="Oui")
    CriterionFactory(call=call, label="Qualité du partenariat", weight=3)
    CriterionFactory(call=call, label="Ancrage local", weight=1)
    ReportIndicatorFactory(call=call, label="Jeunes touchés", unit="personnes")
    response = client.get(public(world, "public_calls:call", call.pk))
    assert response.status_code == 200
    raw = response.content.decode()
    assert "<script>alert(1)</script>" not in raw
    page = html.unescape(raw).replace("\xa0", " ").replace("\u202f", " ")
    for text in (
        "Peuvent candidater",
        "Dépôt jusqu'au vendredi 30 janvier 2099 à 12 h 00 (heure de Paris)",
        "Montant demandé : jusqu'à 10 000 €, au plus 50 % du budget du projet.",
        str(world.orientations[0]),
        "Démocratie participative",
        "Statuts de l'association",
        "Partenaire au Sud ?",
        "seulement si « Partenaire au Sud ? » = « Oui »",
        "Qualité du partenariat",
        "75,0 %",
        "Jeunes touchés (personnes)",
        "Rapport intermédiaire attendu le 30 juin 2099",
        "Déposer une candidature",
    ):
        assert text in page, text
    # The way in: the start of the application for an account, registration or login for a visitor.
    apply_url = reverse("public_calls:apply", args=[world.org.slug, call.pk])
    assert f'href="{apply_url}"' in raw


def test_closed_call_has_no_call_to_action(world, client):
    call = CallFactory(organisation=world.org, closed=True)
    page = html.unescape(client.get(public(world, "public_calls:call", call.pk)).content.decode())
    assert "Déposer une candidature" not in page and "il n'est plus possible de candidater" in page


def test_draft_and_other_organisation_calls_are_404(world, client):
    draft = CallFactory(organisation=world.org, draft=True)
    foreign = CallFactory(organisation=world.other_org)
    assert client.get(public(world, "public_calls:call", draft.pk)).status_code == 404
    assert client.get(public(world, "public_calls:call", foreign.pk)).status_code == 404
    assert client.get(public(world, "public_calls:call", foreign.pk, org=world.other_org)).status_code == 200
    assert client.get("/public/nulle-part/appels/").status_code == 404
    assert client.post(public(world, "public_calls:calls")).status_code == 405


def _bulk(world, start, count):
    calls = Call.objects.bulk_create(
        Call(
            organisation=world.org,
            title=f"Appel {n:04}",
            status=CallStatus.CLOSED if n % 2 else CallStatus.PUBLISHED,
            opens_at=datetime.datetime(2026, 1, 1, 9, 0, tzinfo=PARIS),
            closes_at=datetime.datetime(2099, 1, 1, 9, 0, tzinfo=PARIS),
            orientations=[1, 2],
            themes=["democracy"],
            modalities=["cofinancing"],
        )
        for n in range(start, start + count)
    )
    for call in calls:
        RequiredDocument.objects.create(organisation=world.org, call=call, label="Statuts")
        Question.objects.create(organisation=world.org, call=call, label="Q ?", kind="short_text")
    return calls


def _count(client, path, expected_rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_public_list_costs_a_constant_number_of_queries(world, client):
    path = public(world, "public_calls:calls")
    _bulk(world, 0, 2)
    small = _count(client, path, 2)
    _bulk(world, 2, 12)
    assert _count(client, path, 14) == small


def test_public_call_page_costs_a_constant_number_of_queries(world, client):
    call = CallFactory(organisation=world.org)
    path = public(world, "public_calls:call", call.pk)
    QuestionFactory(call=call)
    CriterionFactory(call=call)
    small = _count(client, path, 1)
    for _n in range(8):
        QuestionFactory(call=call)
        CriterionFactory(call=call)
        RequiredDocumentFactory(call=call)
        ReportIndicatorFactory(call=call)
    assert _count(client, path, 1) == small
