"""Monitoring missions: the form (good and bad input), the delegation, follow-ups, the list and its yearly count."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, TerritoryFactory
from passerelles.steering.enums import FollowUpStatus
from passerelles.steering.models import FollowUp, MissionDelegate, MonitoringMission
from passerelles.steering.selectors.monitoring import missions_by_year, open_follow_ups

HOSTILE = '<script>alert("x")</script>'


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


@pytest.fixture
def officer(steering, client):
    client.force_login(steering.world.members[Role.OFFICER])
    return client


def mission_data(s, **overrides):
    data = {
        "territory": s.kayes.pk,
        "start": "2014-02-10",
        "end": "2014-02-17",
        "purpose": "Suivre le projet d'assainissement",
        "findings": "",
        "recommendations": "",
        "projects": [s.project.pk],
        "is_done": "on",
        "delegates-TOTAL_FORMS": "3",
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "20",
        "delegates-0-role": "Vice-président·e délégué·e",
        "delegates-0-directorate": "",
        "delegates-1-role": "Chargé·e de mission",
        "delegates-1-directorate": s.world.directorate.pk,
        "delegates-2-role": "",
        "delegates-2-directorate": "",
    }
    data.update(overrides)
    return data


def make_mission(s, start, *, done=True, territory=None):
    return MonitoringMission.objects.create(
        organisation=s.world.org,
        territory=territory or s.kayes,
        start=start,
        end=start + datetime.timedelta(days=5),
        purpose="Suivi",
        is_done=done,
    )


# -- the form -----------------------------------------------------------------------------------------


def test_officer_creates_a_mission_with_its_delegation(steering, officer):
    response = officer.post(url(steering, "steering:mission_create"), mission_data(steering))
    mission = MonitoringMission.objects.get()
    assert response.status_code == 302 and response["Location"] == url(steering, "steering:mission", mission.pk)
    assert mission.organisation == steering.world.org and mission.is_done
    assert list(mission.projects.all()) == [steering.project]
    assert [(d.role, d.directorate) for d in mission.delegates.order_by("pk")] == [
        ("Vice-président·e délégué·e", None),
        ("Chargé·e de mission", steering.world.directorate),
    ]


def test_editing_a_mission_replaces_the_delegation(steering, officer):
    officer.post(url(steering, "steering:mission_create"), mission_data(steering))
    mission = MonitoringMission.objects.get()
    page = officer.get(url(steering, "steering:mission_edit", mission.pk)).content.decode()
    assert "Vice-président·e délégué·e" in page
    data = mission_data(steering, **{"delegates-0-role": "Directeur·rice général·e", "delegates-1-role": ""})
    data["delegates-1-directorate"] = ""
    assert officer.post(url(steering, "steering:mission_edit", mission.pk), data).status_code == 302
    assert list(mission.delegates.values_list("role", flat=True)) == ["Directeur·rice général·e"]


BAD_MISSION_INPUT = [
    ("end", {"end": "2014-02-01"}, "ne peut pas précéder"),
    ("start", {"start": "2014-02-30"}, "date valide"),
    ("start", {"start": ""}, "obligatoire"),
    ("purpose", {"purpose": ""}, "obligatoire"),
    ("purpose", {"purpose": "x" * 10_000}, "au plus 2000"),
    ("findings", {"findings": "x" * 10_000}, "au plus 8000"),
    ("territory", {"territory": ""}, "obligatoire"),
    ("territory", {"territory": "999999"}, "choix valide"),
    ("projects", {"projects": ["pas-un-nombre"]}, "pas une valeur correcte"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_MISSION_INPUT)
def test_bad_mission_input_is_refused_on_the_field(steering, officer, field, overrides, message):
    response = officer.post(url(steering, "steering:mission_create"), mission_data(steering, **overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field]).replace("\xa0", " ")
    assert "rien n'a été enregistré" in response.content.decode()
    assert not MonitoringMission.objects.exists()


def test_ids_of_another_organisation_are_refused(steering, officer):
    other = steering.world.other_org
    foreign_territory = TerritoryFactory(organisation=other)
    foreign_directorate = DirectorateFactory(organisation=other)
    for overrides, field in [
        ({"territory": foreign_territory.pk}, "territory"),
        ({"projects": [steering.other_org_project.pk]}, "projects"),
    ]:
        response = officer.post(url(steering, "steering:mission_create"), mission_data(steering, **overrides))
        assert response.status_code == 422 and field in response.context["form"].errors
    data = mission_data(steering, **{"delegates-1-directorate": foreign_directorate.pk})
    response = officer.post(url(steering, "steering:mission_create"), data)
    assert response.status_code == 422
    assert "directorate" in response.context["delegates"].forms[1].errors
    assert not MonitoringMission.objects.exists() and not MissionDelegate.objects.exists()


def test_delegate_with_a_directorate_needs_a_role_and_role_is_bounded(steering, officer):
    data = mission_data(steering, **{"delegates-1-role": ""})
    response = officer.post(url(steering, "steering:mission_create"), data)
    assert response.status_code == 422
    assert "Indiquez la fonction" in " ".join(response.context["delegates"].forms[1].errors["role"])
    data = mission_data(steering, **{"delegates-0-role": "x" * 10_000})
    response = officer.post(url(steering, "steering:mission_create"), data)
    assert response.status_code == 422 and "role" in response.context["delegates"].forms[0].errors
    assert not MonitoringMission.objects.exists()


def test_hostile_text_is_shown_escaped(steering, officer):
    data = mission_data(steering, purpose=HOSTILE, findings=HOSTILE, **{"delegates-0-role": HOSTILE})
    assert officer.post(url(steering, "steering:mission_create"), data).status_code == 302
    mission = MonitoringMission.objects.get()
    for page in (url(steering, "steering:missions"), url(steering, "steering:mission", mission.pk)):
        html = officer.get(page).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html, page


def test_mission_of_another_organisation_is_404(steering, officer):
    foreign = MonitoringMission.objects.create(
        organisation=steering.world.other_org,
        territory=TerritoryFactory(organisation=steering.world.other_org),
        start=datetime.date(2014, 1, 1),
        end=datetime.date(2014, 1, 2),
        purpose="x",
    )
    assert officer.get(url(steering, "steering:mission", foreign.pk)).status_code == 404
    assert officer.get(url(steering, "steering:mission_edit", foreign.pk)).status_code == 404


# -- follow-ups ---------------------------------------------------------------------------------------


def test_follow_up_added_then_its_status_changed(steering, officer):
    mission = make_mission(steering, datetime.date(2014, 1, 1))
    data = {"text": "Relancer le partenaire", "owner": steering.world.directorate.pk, "due_date": "2001-01-01"}
    response = officer.post(url(steering, "steering:mission_follow_up_create", mission.pk), data)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.mission == mission and follow_up.status == FollowUpStatus.OPEN
    [row] = open_follow_ups(organisation=steering.world.org)
    assert row.is_overdue and row.mission.territory == steering.kayes
    assert "en retard" in officer.get(url(steering, "steering:mission", mission.pk)).content.decode()
    response = officer.post(url(steering, "steering:follow_up_status", follow_up.pk), {"status": "done"})
    assert response["Location"].startswith(url(steering, "steering:mission", mission.pk))
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert list(open_follow_ups(organisation=steering.world.org)) == []
    officer.post(url(steering, "steering:follow_up_status", follow_up.pk), {"status": "perdu"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": ""}, "text", "obligatoire"),
        ({"text": "x" * 10_000}, "text", "au plus 2000"),
        ({"due_date": "demain"}, "due_date", "date valide"),
        ({"owner": "999999"}, "owner", "choix valide"),
    ],
)
def test_bad_follow_up_input_is_refused(steering, officer, overrides, field, message):
    mission = make_mission(steering, datetime.date(2014, 1, 1))
    data = {"text": "Relancer", "owner": "", "due_date": "", **overrides}
    response = officer.post(url(steering, "steering:mission_follow_up_create", mission.pk), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["follow_up_form"].errors[field]).replace("\xa0", " ")
    assert not FollowUp.objects.exists()


def test_follow_up_owner_of_another_organisation_is_refused(steering, officer):
    mission = make_mission(steering, datetime.date(2014, 1, 1))
    foreign = DirectorateFactory(organisation=steering.world.other_org)
    data = {"text": "Relancer", "owner": foreign.pk, "due_date": ""}
    response = officer.post(url(steering, "steering:mission_follow_up_create", mission.pk), data)
    assert response.status_code == 422 and not FollowUp.objects.exists()


# -- the list and the count per year ---------------------------------------------------------------------


def test_missions_are_counted_per_year_against_the_target(steering, officer):
    make_mission(steering, datetime.date(2013, 3, 1))
    make_mission(steering, datetime.date(2013, 9, 1), territory=steering.dakar)
    make_mission(steering, datetime.date(2013, 11, 1), done=False)
    for month in (1, 4, 7):
        make_mission(steering, datetime.date(2014, month, 1))
    assert [tuple(r) for r in missions_by_year(organisation=steering.world.org)] == [(2014, 3, 0, 3), (2013, 2, 1, 3)]
    assert missions_by_year(organisation=steering.world.other_org) == []
    response = officer.get(url(steering, "steering:missions"))
    html = response.content.decode()
    assert "2 / 3" in html and "3 / 3" in html and "non atteint" in html
    # Filters: year and territory.
    response = officer.get(url(steering, "steering:missions"), {"year": "2013", "territory": steering.dakar.pk})
    assert [m.start for m in response.context["page"].object_list] == [datetime.date(2013, 9, 1)]
    response = officer.get(url(steering, "steering:missions"), {"year": "1990"})
    assert "year" in response.context["filter_form"].errors


def test_missions_export_follows_filters(steering, officer):
    make_mission(steering, datetime.date(2013, 3, 1))
    make_mission(steering, datetime.date(2014, 3, 1))
    response = officer.get(
        url(steering, "steering:missions_export"), {"year": "2014", "format": "csv", "sep": "semicolon"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Début" and [r[0] for r in rows[1:]] == ["2014-03-01"]
    xlsx = officer.get(url(steering, "steering:missions_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _grow(s, n: int, offset: int) -> None:
    directorate = s.world.directorate
    for i in range(n):
        mission = make_mission(s, datetime.date(2000 + (offset + i) % 20, 1 + i % 12, 1), done=bool(i % 2))
        mission.projects.set([s.project, s.other_project])
        MissionDelegate.objects.create(organisation=s.world.org, mission=mission, role="Élu·e", directorate=directorate)
        FollowUp.objects.create(organisation=s.world.org, mission=mission, text="Suite", owner=directorate)


def _queries(client, s) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(s, "steering:missions"))
    assert response.status_code == 200
    return len(queries)


def test_missions_list_costs_the_same_queries_at_two_sizes(steering, officer):
    _grow(steering, 3, 0)
    officer.get(url(steering, "steering:missions"))
    small = _queries(officer, steering)
    _grow(steering, 30, 3)
    assert _queries(officer, steering) == small


@pytest.mark.parametrize(
    ("name", "fragment_id"),
    [
        ("steering:missions", "mission-results"),
        ("steering:evaluations", "evaluation-results"),
        ("steering:lessons", "lesson-results"),
        ("steering:alignment", "alignment-results"),
    ],
)
def test_htmx_filter_request_gets_only_the_results(steering, officer, name, fragment_id):
    response = officer.get(url(steering, name), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div id="{fragment_id}"') and "<html" not in html
