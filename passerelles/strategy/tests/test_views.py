import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.core.enums import Role
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import Action, Orientation, ProgressNote, StrategyDocument

HOSTILE = '<script>alert("x")</script>'


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


@pytest.fixture
def officer(world, client):
    client.force_login(world.members[Role.OFFICER])
    return client


def action_data(world, **overrides):
    data = {
        "code": "P1.9",
        "title": "Organiser un atelier",
        "description": "",
        "priority": world.priority.pk,
        "actor_category": world.category.pk,
        "orientations": [world.orientations[0].pk],
        "lead_directorate": world.directorate.pk,
        "start_date": "2014-01-01",
        "due_date": "2014-06-30",
    }
    data.update(overrides)
    return data


# -- creating and editing actions: good and bad input -------------------------------------------


def test_officer_creates_an_action(world, officer):
    response = officer.post(url(world, "strategy:action_create"), action_data(world))
    action = Action.objects.get(code="P1.9")
    assert response.status_code == 302 and response["Location"] == url(world, "strategy:action", action.pk)
    assert list(action.orientations.all()) == [world.orientations[0]]
    assert action.organisation == world.org


BAD_ACTION_INPUT = [
    ("title", {"title": ""}, "obligatoire"),
    ("title", {"title": "x" * 10_000}, "au plus 500"),
    ("code", {"code": ""}, "obligatoire"),
    ("code", {"code": "P1.1"}, "déjà ce code"),
    ("due_date", {"due_date": "2013-01-01"}, "ne peut pas précéder"),
    ("start_date", {"start_date": "31/02/2014"}, "date valide"),
    ("orientations", {"orientations": ["999999"]}, "choix valide"),
    ("orientations", {"orientations": ["pas-un-nombre"]}, "pas une valeur correcte"),
    ("priority", {"priority": "999999"}, "choix valide"),
    ("description", {"description": "x" * 20_001}, "au plus 20000"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_ACTION_INPUT)
def test_bad_action_input_is_refused_on_the_field(world, officer, field, overrides, message):
    before = Action.objects.count()
    response = officer.post(url(world, "strategy:action_create"), action_data(world, **overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field]).replace("\xa0", " ")
    assert "rien n'a été enregistré" in response.content.decode()
    assert Action.objects.count() == before


def test_ids_of_another_organisation_are_refused(world, officer):
    data = action_data(world, orientations=[world.other_orientation.pk], lead_directorate="", priority="")
    response = officer.post(url(world, "strategy:action_create"), data)
    assert response.status_code == 422
    assert "orientations" in response.context["form"].errors
    other_directorate = world.outsider.memberships.get().organisation
    assert other_directorate != world.org


def test_directorate_of_another_organisation_is_refused(world, officer):
    from passerelles.core.tests.factories import DirectorateFactory

    foreign = DirectorateFactory(organisation=world.other_org)
    response = officer.post(url(world, "strategy:action_create"), action_data(world, lead_directorate=foreign.pk))
    assert response.status_code == 422 and "lead_directorate" in response.context["form"].errors
    assert not Action.objects.filter(code="P1.9").exists()


def test_hostile_text_is_stored_as_text_and_never_executed(world, officer):
    officer.post(url(world, "strategy:action_create"), action_data(world, title=HOSTILE, description=HOSTILE))
    action = Action.objects.get(code="P1.9")
    for page in (
        url(world, "strategy:action", action.pk),
        url(world, "strategy:plan"),
        url(world, "strategy:matrix"),
        url(world, "strategy:orientation", world.orientations[0].pk),
    ):
        html = officer.get(page).content.decode()
        assert HOSTILE not in html, page
        assert "&lt;script&gt;" in html, page


def test_edit_action_keeps_it_when_input_is_bad(world, officer):
    response = officer.post(url(world, "strategy:action_edit", world.action.pk), action_data(world, title=""))
    assert response.status_code == 422
    world.action.refresh_from_db()
    assert world.action.title != "" and world.action.code == "P1.1"


def test_edit_action_changes_orientations(world, officer):
    data = action_data(world, code="P1.1", orientations=[o.pk for o in world.orientations])
    assert officer.post(url(world, "strategy:action_edit", world.action.pk), data).status_code == 302
    assert world.action.orientations.count() == 3


# -- orientation and document forms -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "expected_results": "", "levers": "", "vigilance": ""}, "title"),
        ({"title": "x" * 10_000, "expected_results": "", "levers": "", "vigilance": ""}, "title"),
        ({"title": "Ok", "expected_results": "x" * 20_001, "levers": "", "vigilance": ""}, "expected_results"),
    ],
)
def test_bad_orientation_input(world, officer, data, field):
    orientation = world.orientations[0]
    response = officer.post(url(world, "strategy:orientation_edit", orientation.pk), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    orientation.refresh_from_db()
    assert orientation.title == "Orientation 1" or orientation.title.startswith("Orientation")


def test_orientation_edit_with_hostile_lever(world, officer):
    orientation = world.orientations[0]
    data = {"title": "Titre", "expected_results": "R", "levers": f"Levier 1\n{HOSTILE}", "vigilance": ""}
    assert officer.post(url(world, "strategy:orientation_edit", orientation.pk), data).status_code == 302
    html = officer.get(url(world, "strategy:orientation", orientation.pk)).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert Orientation.objects.get(pk=orientation.pk).lever_list == ["Levier 1", HOSTILE]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "horizon_year": "2025"}, "title"),
        ({"title": "T", "horizon_year": "20250"}, "horizon_year"),
        ({"title": "T", "horizon_year": "abc"}, "horizon_year"),
    ],
)
def test_bad_document_input(world, officer, data, field):
    response = officer.post(url(world, "strategy:document_edit", world.document.pk), data)
    assert field in response.context["form"].errors
    assert StrategyDocument.objects.get(pk=world.document.pk).title == world.document.title


# -- status and progress notes --------------------------------------------------------------------


def test_status_change_without_javascript_redirects_with_message(world, officer):
    response = officer.post(url(world, "strategy:action_status", world.action.pk), {"status": "in_progress"})
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.status == ActionStatus.IN_PROGRESS


def test_status_change_with_htmx_returns_the_fragment(world, officer):
    response = officer.post(
        url(world, "strategy:action_status", world.action.pk), {"status": "in_progress"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="action-status"' in html and "<html" not in html and "En cours" in html


def test_illegal_status_change_says_why(world, officer):
    Action.objects.filter(pk=world.action.pk).update(status=ActionStatus.DONE)
    response = officer.post(
        url(world, "strategy:action_status", world.action.pk), {"status": "dropped"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and "non autorisé" in response.content.decode()
    world.action.refresh_from_db()
    assert world.action.status == ActionStatus.DONE


def test_unknown_status_is_refused(world, officer):
    response = officer.post(url(world, "strategy:action_status", world.action.pk), {"status": "<b>x</b>"})
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.status == ActionStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "", "noted_on": "2014-01-01"}, "text"),
        ({"text": "x" * 5001, "noted_on": "2014-01-01"}, "text"),
        ({"text": "ok", "noted_on": "hier"}, "noted_on"),
    ],
)
def test_bad_progress_note(world, officer, data, field):
    response = officer.post(url(world, "strategy:action_note", world.action.pk), data)
    assert response.status_code == 422 and field in response.context["note_form"].errors
    assert not ProgressNote.objects.exists()


def test_progress_note_is_shown_with_its_author(world, officer):
    data = {"text": HOSTILE, "noted_on": "2014-02-03"}
    assert officer.post(url(world, "strategy:action_note", world.action.pk), data).status_code == 302
    html = officer.get(url(world, "strategy:action", world.action.pk)).content.decode()
    assert "3 février 2014" in html and str(world.members[Role.OFFICER]) in html
    assert HOSTILE not in html


# -- the plan: filters, pagination, export ------------------------------------------------------


def test_plan_filters_by_orientation_number(world, officer):
    response = officer.get(url(world, "strategy:plan"), {"orientation": "3"})
    codes = [a.code for a in response.context["page"].object_list]
    assert codes == ["T1"]


def test_plan_filters_combined(world, officer):
    Action.objects.filter(pk=world.transversal.pk).update(status=ActionStatus.DONE)
    assert [a.code for a in officer.get(url(world, "strategy:plan"), {"status": "done"}).context["page"]] == ["T1"]
    assert [a.code for a in officer.get(url(world, "strategy:plan"), {"priority": "T"}).context["page"]] == ["T1"]
    assert [a.code for a in officer.get(url(world, "strategy:plan"), {"priority": "P1"}).context["page"]] == ["P1.1"]
    params = {"lead_directorate": world.directorate.pk, "actor_category": "territory_actors", "q": "action"}
    assert [a.code for a in officer.get(url(world, "strategy:plan"), params).context["page"]] == ["P1.1"]


@pytest.mark.parametrize(
    "params",
    [
        {"orientation": "99"},
        {"orientation": "<script>"},
        {"priority": "ZZ"},
        {"status": "nope"},
        {"lead_directorate": "abc"},
        {"page": "9999"},
        {"page": "-1"},
        {"q": "x" * 500},
    ],
)
def test_plan_survives_bad_filters(world, officer, params):
    response = officer.get(url(world, "strategy:plan"), params)
    assert response.status_code == 200


def test_plan_paginates(world, officer, settings):
    from passerelles.strategy.tests.factories import ActionFactory

    for n in range(30):
        ActionFactory(document=world.document, code=f"Z{n:02}", priority=world.priority)
    first = officer.get(url(world, "strategy:plan"))
    assert len(first.context["page"].object_list) == settings.PAGE_SIZE
    second = officer.get(url(world, "strategy:plan"), {"page": 2})
    assert len(second.context["page"].object_list) == 32 - settings.PAGE_SIZE


def test_plan_htmx_request_returns_results_only(world, officer):
    response = officer.get(url(world, "strategy:plan"), {"orientation": "3"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="plan-results"' in html and "<html" not in html


def _csv_rows(response, delimiter=","):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:]), delimiter=delimiter))


def test_csv_export_follows_filters(world, officer):
    response = officer.get(url(world, "strategy:plan_export"), {"format": "csv", "orientation": "2"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [(r["code"], r["orientations"]) for r in rows] == [("T1", "1,2,3"), ("P1.1", "1,2")]


def test_csv_export_with_semicolons(world, officer):
    response = officer.get(url(world, "strategy:plan_export"), {"format": "csv", "sep": "semicolon"})
    rows = _csv_rows(response, delimiter=";")
    assert {r["code"] for r in rows} == {"T1", "P1.1"}


def test_xlsx_export(world, officer):
    response = officer.get(url(world, "strategy:plan_export"), {"format": "xlsx", "priority": "P1"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("code", "title", "priority", "actor_category", "orientations")
    assert [r[0] for r in rows[1:]] == ["P1.1"] and rows[1][4] == "1,2"


def test_export_neutralises_formulas(world, officer):
    Action.objects.filter(pk=world.action.pk).update(title='=HYPERLINK("http://evil")')
    rows = _csv_rows(officer.get(url(world, "strategy:plan_export"), {"format": "csv"}))
    assert {r["code"]: r["title"] for r in rows}["P1.1"].startswith("'=")


def test_export_unknown_format_is_404(world, officer):
    assert officer.get(url(world, "strategy:plan_export"), {"format": "pdf"}).status_code == 404


# -- history ----------------------------------------------------------------------------------------


def test_history_shows_who_changed_which_field_from_what_to_what(world, client):
    admin = world.members[Role.ADMIN]
    client.force_login(admin)
    client.post(url(world, "strategy:action_status", world.action.pk), {"status": "in_progress"})
    data = action_data(world, code="P1.1", title="Nouveau titre", orientations=[o.pk for o in world.orientations])
    client.post(url(world, "strategy:action_edit", world.action.pk), data)
    response = client.get(url(world, "strategy:action_history", world.action.pk))
    changes = {(c.label, c.old, c.new, str(e.user)) for e in response.context["entries"] for c in e.changes}
    assert ("état d'avancement", "Non engagée", "En cours", str(admin)) in changes
    assert ("intitulé", world.action.title, "Nouveau titre", str(admin)) in changes
    added = [c for c in changes if c[0] == "orientations" and "3. Orientation" in c[2]]
    assert len(added) == 1 and "3. Orientation" not in added[0][1] and "1. Orientation" in added[0][1]
    assert "Nouveau titre" in response.content.decode()
