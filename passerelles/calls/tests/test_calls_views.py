import datetime
import html
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.calls.enums import CallStatus
from passerelles.calls.models import Call, CallTransition, Criterion, Question, ReportIndicator, RequiredDocument
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    QuestionFactory,
)
from passerelles.core.enums import Role

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _data(**overrides):
    data = {
        "title": "Initiatives de solidarité internationale",
        "summary": "Soutenir les associations du territoire.",
        "description": "",
        "orientations": ["1"],
        "themes": ["youth_education"],
        "eligible_kinds": ["association"],
        "requires_home_territory": "on",
        "min_age_years": "2",
        "min_amount": "1 000",
        "max_amount": "10 000,50",
        "max_share_percent": "50",
        "modalities": ["cofinancing"],
        "support_details": "",
        "envelope": "50000",
        "opens_at": "2099-01-05T09:00",
        "closes_at": "2099-01-30T12:00",
        "interim_report_due": "",
        "final_report_due": "",
        "report_content": "",
    }
    return {**data, **overrides}


@pytest.fixture
def officer_client(world, client):
    client.force_login(world.members[Role.OFFICER])
    return client


def test_officer_creates_a_call_in_paris_time(world, officer_client):
    response = officer_client.post(url(world, "calls:call_create"), _data())
    call = Call.objects.get(organisation=world.org)
    assert response.status_code == 302 and response["Location"] == url(world, "calls:call", call.pk)
    assert call.closes_at == datetime.datetime(2099, 1, 30, 12, 0, tzinfo=PARIS)
    assert call.status == CallStatus.DRAFT and str(call.max_amount) == "10000.50"
    assert call.orientations == [1] and call.criteria.filter(alignment_criterion__isnull=False).count() == 1
    page = officer_client.get(url(world, "calls:call", call.pk)).content.decode()
    assert "30 janvier 2099, 12:00" in page and "principe directeur de la stratégie" in page
    edit = officer_client.get(url(world, "calls:call_edit", call.pk)).content.decode()
    assert 'value="2099-01-30T12:00"' in edit


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire."),
        ("title", "x" * 256, "255 caractères"),
        ("description", "x" * 20_001, "20000 caractères"),
        ("modalities", [], "au moins une modalité"),
        ("modalities", ["cash"], "Choix inconnu"),
        ("orientations", ["42"], "Orientation inconnue"),
        ("orientations", ["abc"], "Orientation inconnue"),
        ("themes", ["<script>"], "Choix inconnu"),
        ("eligible_kinds", ["robot"], "Choix inconnu"),
        ("min_amount", "beaucoup", "montant"),
        ("max_amount", "-5", "négatif"),
        ("max_amount", "500", "inférieur au montant minimal"),
        ("max_share_percent", "150", "de 0 à 100"),
        ("min_age_years", "1000", "100 ans"),
        ("opens_at", "", "date et l'heure d'ouverture"),
        ("closes_at", "demain", "Saisissez une date et une heure"),
        ("closes_at", "2099-13-45T25:00", "Saisissez une date et une heure"),
        ("closes_at", "2099-01-01T12:00", "La clôture doit suivre l'ouverture."),
        ("closes_at", "9" * 500, "Saisissez une date et une heure"),
        ("interim_report_due", "2099-01-10", "après la clôture"),
        ("interim_report_due", "pas une date", "Saisissez une date valide"),
    ],
)
def test_bad_call_input_is_refused_with_a_field_message(world, officer_client, field, value, message):
    response = officer_client.post(url(world, "calls:call_create"), _data(**{field: value}))
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not Call.objects.exists()


def test_hostile_text_is_shown_as_text(world, officer_client):
    response = officer_client.post(url(world, "calls:call_create"), _data(title="<script>alert(1)</script>"))
    call = Call.objects.get()
    page = officer_client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert call.title == "<script>alert(1)</script>"


def test_closing_time_that_does_not_exist_in_paris_is_refused(world, officer_client):
    # 2026-03-29: clocks jump from 02:00 to 03:00.
    data = _data(opens_at="2026-03-01T09:00", closes_at="2026-03-29T02:30")
    response = officer_client.post(url(world, "calls:call_create"), data)
    assert response.status_code == 422
    assert "n'existe pas à Paris" in html.unescape(response.content.decode())
    assert not Call.objects.exists()


def test_ambiguous_closing_time_is_read_as_the_second_occurrence_winter_time(world, officer_client):
    # 2026-10-25: 02:30 happens twice; the second (UTC+1) is kept, the generous reading for a deadline.
    data = _data(opens_at="2026-10-01T09:00", closes_at="2026-10-25T02:30")
    assert officer_client.post(url(world, "calls:call_create"), data).status_code == 302
    closes_at = Call.objects.get().closes_at
    assert closes_at == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)


def test_published_call_edit_shows_a_warning_and_closed_call_is_read_only(world, officer_client):
    published = CallFactory(organisation=world.org)
    assert "Cet appel est publié" in officer_client.get(url(world, "calls:call_edit", published.pk)).content.decode()
    closed = CallFactory(organisation=world.org, closed=True)
    response = officer_client.get(url(world, "calls:call_edit", closed.pk))
    assert response.status_code == 302 and response["Location"] == url(world, "calls:call", closed.pk)
    response = officer_client.post(url(world, "calls:call_edit", closed.pk), _data())
    assert response.status_code == 422 and "Rouvrez-le" in html.unescape(response.content.decode())
    response = officer_client.get(url(world, "calls:question_create", closed.pk))
    assert response.status_code == 302


def test_publish_refusal_is_shown_with_422(world, officer_client):
    call = CallFactory(organisation=world.org, draft=True)  # no alignment criterion in its grid
    response = officer_client.post(url(world, "calls:call_publish", call.pk))
    assert response.status_code == 422
    assert "ne peut pas être publié" in html.unescape(response.content.decode())
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_close_and_reopen_through_the_views(world, officer_client):
    call = CallFactory(organisation=world.org)
    assert officer_client.post(url(world, "calls:call_close", call.pk)).status_code == 302
    response = officer_client.post(url(world, "calls:call_reopen", call.pk), {"closes_at": ""})
    assert response.status_code == 422 and "nouvelle date" in html.unescape(response.content.decode())
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = officer_client.post(url(world, "calls:call_reopen", call.pk), {"closes_at": past})
    assert response.status_code == 422 and "futur" in html.unescape(response.content.decode())
    response = officer_client.post(url(world, "calls:call_reopen", call.pk), {"closes_at": "2099-02-27T18:00"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    page = officer_client.get(url(world, "calls:call", call.pk)).content.decode()
    assert "vendredi 27 février 2099 à 18 h 00" in page
    assert CallTransition.objects.filter(call=call).count() == 2


def test_list_filters_and_counts_received_applications_without_drafts(world, officer_client):
    call = CallFactory(organisation=world.org, title="Appel jeunesse")
    ApplicationFactory(call=call)
    ApplicationFactory(call=call, submitted=True)
    ApplicationFactory(call=call, in_instruction=True)
    CallFactory(organisation=world.org, draft=True, title="Brouillon caché")
    CallFactory(organisation=world.other_org, title="Appel de Beta")
    response = officer_client.get(url(world, "calls:calls"), {"status": "published"})
    page = html.unescape(response.content.decode())
    assert "Appel jeunesse" in page and "Brouillon caché" not in page and "Appel de Beta" not in page
    row = response.context["rows"][0][0]
    assert (row.received_count, row.count_draft, row.count_submitted) == (2, 1, 1)
    year = timezone.localtime(call.opens_at).year
    assert "Appel jeunesse" in officer_client.get(url(world, "calls:calls"), {"year": year}).content.decode()
    CallFactory(
        organisation=world.org,
        title="Appel ancien",
        opens_at=datetime.datetime(2020, 3, 1, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(2020, 4, 1, 12, 0, tzinfo=PARIS),
    )
    page = officer_client.get(url(world, "calls:calls"), {"year": 2020}).content.decode()
    assert "Appel ancien" in page and "Appel jeunesse" not in page
    # A malformed filter is ignored, not an error.
    assert officer_client.get(url(world, "calls:calls"), {"status": "<script>", "year": "x"}).status_code == 200


def test_export_csv_and_xlsx(world, officer_client):
    CallFactory(organisation=world.org, title="=HYPERLINK(1)")
    response = officer_client.get(url(world, "calls:calls_export"), {"format": "csv", "sep": "semicolon"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "'=HYPERLINK(1)" in body and ";" in body
    response = officer_client.get(url(world, "calls:calls_export"), {"format": "xlsx"})
    assert response.content[:2] == b"PK"
    assert officer_client.get(url(world, "calls:calls_export"), {"format": "pdf"}).status_code == 404


# -- questions, documents, criteria, indicators -----------------------------------------------------


def test_question_builder_through_the_views(world, officer_client):
    call = CallFactory(organisation=world.org)
    data = {"label": "Public visé ?", "kind": "single_choice", "choices": "Jeunes\nAdultes", "is_required": "on"}
    assert officer_client.post(url(world, "calls:question_create", call.pk), data).status_code == 302
    choice = Question.objects.get(call=call)
    data = {"label": "Âge ?", "kind": "number", "show_if_question": choice.pk, "show_if_value": "Jeunes"}
    assert officer_client.post(url(world, "calls:question_create", call.pk), data).status_code == 302
    dependant = Question.objects.get(call=call, label="Âge ?")
    assert (dependant.show_if_question, dependant.show_if_value) == (choice, "Jeunes")
    page = officer_client.get(url(world, "calls:call", call.pk)).content.decode()
    assert "si « Public visé ? » = « Jeunes »" in page
    response = officer_client.post(url(world, "calls:question_move", dependant.pk), {"direction": "up"})
    assert response.status_code == 422 and "dépend" in html.unescape(response.content.decode())
    response = officer_client.post(url(world, "calls:question_delete", choice.pk))
    assert response.status_code == 422 and "modifiez-les d'abord" in html.unescape(response.content.decode())
    assert officer_client.post(url(world, "calls:question_delete", dependant.pk)).status_code == 302
    assert list(Question.objects.filter(call=call)) == [choice]


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"label": "", "kind": "short_text"}, "Ce champ est obligatoire."),
        ({"label": "x" * 501, "kind": "short_text"}, "500 caractères"),
        ({"label": "Q", "kind": "essay"}, "Type de réponse inconnu."),
        ({"label": "Q", "kind": "single_choice", "choices": "Seul"}, "au moins deux choix"),
        ({"label": "Q", "kind": "short_text", "choices": "a\nb"}, "Seules les questions à choix"),
        ({"label": "Q", "kind": "multiple_choice", "choices": "\n".join(map(str, range(51)))}, "50 choix au plus"),
        ({"label": "Q", "kind": "multiple_choice", "choices": "a\n" + "b" * 201}, "200 caractères au plus"),
        ({"label": "Q", "kind": "short_text", "show_if_question": "999999"}, "question à choix qui précède"),
        ({"label": "Q", "kind": "short_text", "show_if_value": "Oui"}, "Choisissez la question"),
    ],
)
def test_bad_question_input(world, officer_client, data, field_message):
    call = CallFactory(organisation=world.org)
    response = officer_client.post(url(world, "calls:question_create", call.pk), data)
    assert response.status_code == 422
    assert field_message in html.unescape(response.content.decode())
    assert not Question.objects.filter(call=call).exists()


def test_condition_offers_only_earlier_choice_questions_of_the_same_call(world, officer_client):
    call = CallFactory(organisation=world.org)
    first = QuestionFactory(call=call, kind="single_choice", choices=["Oui", "Non"], label="Première ?")
    second = QuestionFactory(call=call, kind="single_choice", choices=["Oui", "Non"], label="Seconde ?")
    QuestionFactory(
        call=CallFactory(organisation=world.org), kind="single_choice", choices=["A", "B"], label="Ailleurs ?"
    )
    form = officer_client.get(url(world, "calls:question_edit", first.pk)).context["form"]
    assert list(form.fields["show_if_question"].queryset) == []
    form = officer_client.get(url(world, "calls:question_edit", second.pk)).context["form"]
    assert list(form.fields["show_if_question"].queryset) == [first]
    response = officer_client.post(
        url(world, "calls:question_edit", first.pk),
        {"label": "Première ?", "kind": "single_choice", "choices": "Oui\nNon", "show_if_question": second.pk},
    )
    assert response.status_code == 422


def test_documents_criteria_indicators(world, officer_client):
    call = CallFactory(organisation=world.org)
    assert (
        officer_client.post(
            url(world, "calls:document_create", call.pk), {"label": "Statuts", "is_required": "on"}
        ).status_code
        == 302
    )
    assert officer_client.post(url(world, "calls:document_create", call.pk), {"label": ""}).status_code == 422
    document = RequiredDocument.objects.get(call=call)
    assert (
        officer_client.post(url(world, "calls:document_edit", document.pk), {"label": "Statuts signés"}).status_code
        == 302
    )
    assert (
        officer_client.post(
            url(world, "calls:criterion_create", call.pk), {"label": "Qualité", "weight": "3"}
        ).status_code
        == 302
    )
    response = officer_client.post(url(world, "calls:criterion_create", call.pk), {"label": "Poids", "weight": "11"})
    assert response.status_code == 422 and "La pondération va de 1 à 10." in html.unescape(response.content.decode())
    CriterionFactory(call=call, weight=1, label="Autre")
    page = officer_client.get(url(world, "calls:call", call.pk)).content.decode()
    assert "75,0 %" in page and "25,0 %" in page
    assert (
        officer_client.post(
            url(world, "calls:indicator_create", call.pk), {"label": "Jeunes", "unit": "personnes"}
        ).status_code
        == 302
    )
    indicator = ReportIndicator.objects.get(call=call)
    assert officer_client.post(url(world, "calls:indicator_delete", indicator.pk)).status_code == 302
    assert officer_client.post(url(world, "calls:document_delete", document.pk)).status_code == 302
    assert not RequiredDocument.objects.filter(call=call).exists()


def test_alignment_criterion_form_keeps_the_strategy_label(world, officer_client):
    response = officer_client.post(url(world, "calls:call_create"), _data())
    call = Call.objects.get()
    criterion = Criterion.objects.get(call=call)
    form = officer_client.get(url(world, "calls:criterion_edit", criterion.pk)).context["form"]
    assert set(form.fields) == {"weight"}
    assert officer_client.post(url(world, "calls:criterion_edit", criterion.pk), {"weight": "5"}).status_code == 302
    response = officer_client.post(url(world, "calls:criterion_delete", criterion.pk))
    assert response.status_code == 422 and "principe directeur" in html.unescape(response.content.decode())
    criterion.refresh_from_db()
    assert criterion.weight == 5


def test_other_organisation_objects_are_404(world, officer_client):
    foreign = CallFactory(organisation=world.other_org)
    question = QuestionFactory(call=foreign)
    assert officer_client.get(url(world, "calls:call", foreign.pk)).status_code == 404
    assert officer_client.post(url(world, "calls:question_create", foreign.pk), {"label": "x"}).status_code == 404
    assert officer_client.post(url(world, "calls:question_move", question.pk), {"direction": "up"}).status_code == 404
