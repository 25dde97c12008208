import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, TerritoryFactory
from passerelles.steering.enums import PlanItemStatus
from passerelles.steering.models import (
    AnnualPlan,
    AnnualPlanItem,
    ParticipatingOrganisation,
    Programme,
    Project,
    ProjectDocument,
    ProjectSector,
)
from passerelles.steering.tests.factories import IndicatorFactory, ResultFactory

HOSTILE = '<script>alert("x")</script>'
TOO_LONG = "x" * 10_000


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


def html(response) -> str:
    content = response.content.decode()
    assert "INVALID-VARIABLE" not in content, content[content.find("INVALID-VARIABLE") - 200 :][:400]
    return content


@pytest.fixture
def officer(steering, client):
    client.force_login(steering.world.members[Role.OFFICER])
    return client


@pytest.fixture
def plan(steering):
    return AnnualPlan.objects.create(organisation=steering.world.org, year=2012, programme=steering.programme)


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# -- pages render -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER, Role.PARTNER])
def test_project_pages_render_for_every_reader(steering, client, plan, role):
    AnnualPlanItem.objects.create(organisation=steering.world.org, plan=plan, project=steering.project)
    client.force_login(steering.world.members[role])
    assert "KAY-01" in html(client.get(url(steering, "steering:projects")))
    assert "KAY-01" in html(client.get(url(steering, "steering:project", steering.project.pk)))
    if role != Role.PARTNER:
        html(client.get(url(steering, "steering:programmes")))
        html(client.get(url(steering, "steering:programme", steering.programme.pk)))
        html(client.get(url(steering, "steering:annual_plans")))
        assert "KAY-01" in html(client.get(url(steering, "steering:annual_plan", plan.pk)))


def test_form_pages_render(steering, officer, plan):
    item = AnnualPlanItem.objects.create(organisation=steering.world.org, plan=plan, project=steering.project)
    for name, args in [
        ("steering:programme_create", []),
        ("steering:programme_edit", [steering.programme.pk]),
        ("steering:annual_plan_create", []),
        ("steering:annual_plan_item_create", [plan.pk]),
        ("steering:annual_plan_item_edit", [plan.pk, item.pk]),
        ("steering:project_create", []),
        ("steering:project_edit", [steering.project.pk]),
        ("steering:project_participant_create", [steering.project.pk]),
        ("steering:project_directorate_create", [steering.project.pk]),
        ("steering:project_sectors", [steering.project.pk]),
        ("steering:project_document_create", [steering.project.pk]),
    ]:
        response = officer.get(url(steering, name, *args))
        assert response.status_code == 200, name
        html(response)


# -- partner isolation --------------------------------------------------------------------------


def test_partner_sees_only_its_projects(steering, client):
    client.force_login(steering.world.members[Role.PARTNER])
    page = html(client.get(url(steering, "steering:projects")))
    assert "KAY-01" in page and "DAK-01" not in page
    assert client.get(url(steering, "steering:project", steering.other_project.pk)).status_code == 404
    assert client.get(url(steering, "steering:project_edit", steering.other_project.pk)).status_code == 404
    assert client.get(url(steering, "steering:project_edit", steering.project.pk)).status_code == 403
    # Filtering on the other territory does not reveal anything either.
    page = html(client.get(url(steering, "steering:projects"), {"territory": steering.dakar.pk}))
    assert "DAK-01" not in page


def test_other_organisation_project_is_404(steering, officer):
    assert officer.get(url(steering, "steering:project", steering.other_org_project.pk)).status_code == 404


def test_child_of_another_project_is_404(steering, officer):
    participant = ParticipatingOrganisation.objects.create(
        organisation=steering.world.org, project=steering.other_project, name="Ville de Dakar", role="2"
    )
    response = officer.post(url(steering, "steering:project_participant_delete", steering.project.pk, participant.pk))
    assert response.status_code == 404
    assert ParticipatingOrganisation.objects.filter(pk=participant.pk).exists()


def test_plan_item_of_another_plan_is_404(steering, officer, plan):
    other = AnnualPlan.objects.create(organisation=steering.world.org, year=2013)
    item = AnnualPlanItem.objects.create(organisation=steering.world.org, plan=other, project=steering.project)
    assert officer.get(url(steering, "steering:annual_plan_item_edit", plan.pk, item.pk)).status_code == 404


# -- the home-indicator flag --------------------------------------------------------------------


def test_projects_without_home_indicator_are_flagged_and_filterable(steering, officer):
    page = html(officer.get(url(steering, "steering:projects")))
    assert page.count("Aucun indicateur sur notre territoire") == 1  # DAK-01 only; KAY-01 has one
    page = html(officer.get(url(steering, "steering:projects"), {"without_home_indicator": "on"}))
    assert "DAK-01" in page and "KAY-01" not in page
    detail = html(officer.get(url(steering, "steering:project", steering.other_project.pk)))
    assert "Aucun indicateur sur notre territoire" in detail


def test_project_filters(steering, officer):
    w = steering.world
    steering.other_project.orientations.set([w.orientations[2]])
    page = html(officer.get(url(steering, "steering:projects"), {"orientation": w.orientations[2].pk}))
    assert "DAK-01" in page and "KAY-01" not in page
    page = html(officer.get(url(steering, "steering:projects"), {"programme": steering.programme.pk}))
    assert "KAY-01" in page and "DAK-01" not in page
    page = html(officer.get(url(steering, "steering:projects"), {"q": "dak"}))
    assert "DAK-01" in page and "KAY-01" not in page
    # Unknown values are reported, not a crash.
    page = html(officer.get(url(steering, "steering:projects"), {"territory": "999999", "kind": "nope"}))
    assert "ignorés" in page


# -- exports ------------------------------------------------------------------------------------


def test_project_export_follows_filters_and_neutralises_formulas(steering, officer):
    steering.other_project.title = "=HYPERLINK(1)"
    steering.other_project.save()
    rows = csv_rows(officer.get(url(steering, "steering:projects_export"), {"format": "csv"}))
    assert rows[0][0] == "code"
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["DAK-01"][1] == "'=HYPERLINK(1)"
    assert by_code["DAK-01"][-1] == "non" and by_code["KAY-01"][-1] == "oui"
    assert by_code["KAY-01"][5] == "Kayes"
    rows = csv_rows(officer.get(url(steering, "steering:projects_export"), {"format": "csv", "q": "KAY"}))
    assert [r[0] for r in rows[1:]] == ["KAY-01"]
    response = officer.get(url(steering, "steering:projects_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "code" and sheet.max_row == 3
    assert officer.get(url(steering, "steering:projects_export"), {"format": "pdf"}).status_code == 404


def test_annual_plan_export(steering, officer, plan):
    w = steering.world
    AnnualPlanItem.objects.create(
        organisation=w.org, plan=plan, action=w.action, owner=w.directorate, budget=1200, status=PlanItemStatus.DONE
    )
    AnnualPlanItem.objects.create(organisation=w.org, plan=plan, project=steering.project, budget=800)
    semicolon = officer.get(
        url(steering, "steering:annual_plan_export", plan.pk), {"format": "csv", "sep": "semicolon"}
    )
    assert semicolon.content.decode("utf-8-sig").startswith("kind;code;title")
    text = officer.get(url(steering, "steering:annual_plan_export", plan.pk), {"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["kind", "code", "title"]
    assert ["Action", "P1.1"] == rows[1][:2] and rows[1][3] == w.directorate.name and rows[1][6] == "1200.00"
    assert rows[2][1] == "KAY-01" and rows[2][7] == "Prévu"
    rows = csv_rows(
        officer.get(url(steering, "steering:annual_plan_export", plan.pk), {"format": "csv", "kind": "project"})
    )
    assert [r[1] for r in rows[1:]] == ["KAY-01"]
    plans = csv_rows(officer.get(url(steering, "steering:annual_plans_export"), {"format": "csv"}))
    assert plans[1] == ["2012", steering.programme.title, "2", "1", "2000.00", "1200.00"]


def test_annual_plan_page_shows_totals(steering, officer, plan):
    w = steering.world
    AnnualPlanItem.objects.create(organisation=w.org, plan=plan, action=w.action, budget=1200, status="done")
    AnnualPlanItem.objects.create(organisation=w.org, plan=plan, project=steering.project, budget=800)
    page = html(officer.get(url(steering, "steering:annual_plan", plan.pk)))
    assert "1 (50 %)" in page and "2\xa0000 €" in page and "1\xa0200 €" in page


# -- programmes ----------------------------------------------------------------------------------


def test_create_programme(steering, officer):
    data = {"title": "Programme 2013-2015", "start_year": "2013", "end_year": "2015", "description": ""}
    response = officer.post(url(steering, "steering:programme_create"), data)
    programme = Programme.objects.get(organisation=steering.world.org, start_year=2013)
    assert response.status_code == 302 and response["Location"] == url(steering, "steering:programme", programme.pk)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "obligatoire"),
        ({"title": TOO_LONG}, "title", "au plus 255"),
        ({"description": TOO_LONG}, "description", "au plus 5000"),
        ({"end_year": "2012"}, "end_year", "égale ou postérieure"),
        ({"start_year": "deux mille"}, "start_year", "Indiquez une année"),
        ({"start_year": "20130"}, "start_year", "entre 1950 et 2100"),
        ({"start_year": "2010", "end_year": "2012"}, "start_year", "commence déjà"),
        ({"strategy": str(10**6)}, "strategy", "choix valide"),
    ],
)
def test_bad_programme_input(steering, officer, data, field, message):
    payload = {"title": "P", "start_year": "2013", "end_year": "2015", "description": ""} | data
    response = officer.post(url(steering, "steering:programme_create"), payload)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert Programme.objects.filter(organisation=steering.world.org).count() == 1


def test_programme_strategy_of_another_organisation_refused(steering, officer):
    payload = {"title": "P", "start_year": "2013", "end_year": "2015", "strategy": steering.world.other_document.pk}
    response = officer.post(url(steering, "steering:programme_create"), payload)
    assert "strategy" in response.context["form"].errors


def test_hostile_programme_title_is_escaped(steering, officer):
    payload = {"title": HOSTILE, "start_year": "2013", "end_year": "2015"}
    assert officer.post(url(steering, "steering:programme_create"), payload).status_code == 302
    page = html(officer.get(url(steering, "steering:programmes")))
    assert HOSTILE not in page and "&lt;script&gt;" in page


# -- annual plans --------------------------------------------------------------------------------


def test_create_plan_and_add_items(steering, officer):
    w = steering.world
    response = officer.post(
        url(steering, "steering:annual_plan_create"), {"year": "2012", "programme": steering.programme.pk}
    )
    plan = AnnualPlan.objects.get(organisation=w.org, year=2012)
    assert response.status_code == 302
    data = {"action": w.action.pk, "owner": w.directorate.pk, "budget": "1000", "status": "planned"}
    assert officer.post(url(steering, "steering:annual_plan_item_create", plan.pk), data).status_code == 302
    item = plan.items.get()
    data = {"owner": "", "budget": "900", "status": "done", "planned_start": "", "planned_end": ""}
    assert officer.post(url(steering, "steering:annual_plan_item_edit", plan.pk, item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.budget == 900 and item.action == w.action


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": ""}, "year", "obligatoire"),
        ({"year": "2012"}, "year", "existe déjà"),
        ({"year": "abc"}, "year", "Indiquez une année"),
        ({"programme": "999999"}, "programme", "choix valide"),
        ({"year": "2016", "programme": "PROGRAMME"}, "programme", "ne couvre pas"),
        ({"notes": TOO_LONG}, "notes", "au plus 5000"),
    ],
)
def test_bad_plan_input(steering, officer, plan, data, field, message):
    payload = {"year": "2011", "programme": "", "notes": ""} | data
    if payload["programme"] == "PROGRAMME":
        payload["programme"] = steering.programme.pk
    response = officer.post(url(steering, "steering:annual_plan_create"), payload)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert AnnualPlan.objects.filter(organisation=steering.world.org).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "action", "une action ou un projet"),
        ({"action": "ACTION", "project": "PROJECT"}, "project", "pas les deux"),
        ({"project": "OTHER_ORG_PROJECT"}, "project", "choix valide"),
        ({"action": "OTHER_ORG_ACTION"}, "action", "choix valide"),
        ({"project": "DUPLICATE"}, "project", "figure déjà"),
        ({"project": "PROJECT", "budget": "-5"}, "budget", "négatif"),
        ({"project": "PROJECT", "budget": "beaucoup"}, "budget", "nombre"),
        ({"project": "PROJECT", "planned_start": "2012-06-01", "planned_end": "2012-01-01"}, "planned_end", "précéder"),
        ({"project": "PROJECT", "planned_start": "31/02/2012"}, "planned_start", "date valide"),
        ({"project": "PROJECT", "status": HOSTILE}, "status", "choix valide"),
    ],
)
def test_bad_plan_item_input(steering, officer, plan, data, field, message):
    w = steering.world
    AnnualPlanItem.objects.create(organisation=w.org, plan=plan, project=steering.other_project)
    ids = {
        "ACTION": w.action.pk,
        "PROJECT": steering.project.pk,
        "OTHER_ORG_PROJECT": steering.other_org_project.pk,
        "OTHER_ORG_ACTION": w.other_action.pk,
        "DUPLICATE": steering.other_project.pk,
    }
    payload = {"budget": "0", "status": "planned"} | {k: ids.get(v, v) for k, v in data.items()}
    response = officer.post(url(steering, "steering:annual_plan_item_create", plan.pk), payload)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert plan.items.count() == 1


def test_carry_over_view(steering, officer, plan):
    AnnualPlanItem.objects.create(organisation=steering.world.org, plan=plan, project=steering.project)
    response = officer.post(url(steering, "steering:annual_plan_carry_over", plan.pk), follow=True)
    assert "1 élément(s) non terminé(s) reporté(s) au plan 2013" in html(response)
    response = officer.post(url(steering, "steering:annual_plan_carry_over", plan.pk), follow=True)
    assert "Aucun élément à reporter" in html(response)
    following = AnnualPlan.objects.get(organisation=steering.world.org, year=2013)
    assert "Reporté depuis 2012" in html(officer.get(url(steering, "steering:annual_plan", following.pk)))


# -- projects -----------------------------------------------------------------------------------


def project_data(s, **overrides):
    data = {
        "code": "KAY-02",
        "title": "Assainissement à Kayes",
        "description": "",
        "kind": "institutional",
        "status": "2",
        "programme": s.programme.pk,
        "planned_start": "2012-01-01",
        "planned_end": "2013-12-31",
        "actual_start": "",
        "actual_end": "",
        "period_label": "",
        "partner_territories": [s.kayes.pk],
        "orientations": [s.world.orientations[0].pk],
        "priorities": [s.world.priority.pk],
        "actions": [s.world.action.pk],
        "components": "Études\nTravaux",
    }
    data.update(overrides)
    return data


def test_create_and_show_a_project(steering, officer):
    response = officer.post(url(steering, "steering:project_create"), project_data(steering))
    project = Project.objects.get(organisation=steering.world.org, code="KAY-02")
    assert response.status_code == 302 and response["Location"] == url(steering, "steering:project", project.pk)
    assert list(project.actions.all()) == [steering.world.action]
    page = html(officer.get(url(steering, "steering:project", project.pk)))
    assert "Études" in page and "Travaux" in page and "Kayes" in page
    assert reverse("strategy:action", args=[steering.world.org.slug, steering.world.action.pk]) in page
    assert reverse("strategy:orientation", args=[steering.world.org.slug, steering.world.orientations[0].pk]) in page


def test_project_detail_shows_in_kind_value_and_sectors(steering, officer):
    ProjectSector.objects.create(
        organisation=steering.world.org, project=steering.project, code="14030", percentage=100
    )
    page = html(officer.get(url(steering, "steering:project", steering.project.pk)))
    assert "2\xa0500,00 €" in page  # 10 days x 250 €
    assert "14030" in page and "eau potable" in page.lower()
    assert "Aucun indicateur sur notre territoire" not in page


def test_contributor_edits_a_project_their_directorate_co_carries(steering, client):
    client.force_login(steering.world.members[Role.CONTRIBUTOR])
    data = project_data(steering, code="KAY-01", title="Nouveau titre")
    assert client.post(url(steering, "steering:project_edit", steering.project.pk), data).status_code == 302
    assert Project.objects.get(pk=steering.project.pk).title == "Nouveau titre"
    assert client.get(url(steering, "steering:project_edit", steering.other_project.pk)).status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "obligatoire"),
        ({"title": TOO_LONG}, "title", "au plus 400"),
        ({"description": TOO_LONG}, "description", "au plus 5000"),
        ({"code": ""}, "code", "obligatoire"),
        ({"code": "DAK-01"}, "code", "déjà ce code"),
        ({"code": HOSTILE}, "code", "Caractères autorisés"),
        ({"kind": "nope"}, "kind", "choix valide"),
        ({"planned_end": "2011-01-01"}, "planned_end", "ne peut pas précéder"),
        ({"actual_start": "2013-01-01", "actual_end": "2012-01-01"}, "actual_end", "ne peut pas précéder"),
        ({"planned_start": "pas une date"}, "planned_start", "date valide"),
        ({"partner_territories": ["OTHER_TERRITORY"]}, "partner_territories", "choix valide"),
        ({"actions": ["OTHER_ACTION"]}, "actions", "choix valide"),
        ({"orientations": ["abc"]}, "orientations", "pas une valeur correcte"),
        ({"programme": "999999"}, "programme", "choix valide"),
    ],
)
def test_bad_project_input(steering, officer, data, field, message):
    other_territory = TerritoryFactory(organisation=steering.world.other_org, name="Nouakchott", country="MR")
    ids = {"OTHER_TERRITORY": other_territory.pk, "OTHER_ACTION": steering.world.other_action.pk}
    data = {k: [ids.get(x, x) for x in v] if isinstance(v, list) else v for k, v in data.items()}
    response = officer.post(url(steering, "steering:project_create"), project_data(steering, **data))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    html(response)
    assert not Project.objects.filter(code="KAY-02").exists()


def test_hostile_project_text_is_escaped(steering, officer):
    data = project_data(steering, title=HOSTILE, description=HOSTILE, components=HOSTILE)
    assert officer.post(url(steering, "steering:project_create"), data).status_code == 302
    project = Project.objects.get(code="KAY-02")
    for page in (url(steering, "steering:project", project.pk), url(steering, "steering:projects")):
        content = html(officer.get(page))
        assert HOSTILE not in content and "&lt;script&gt;" in content


# -- sub-forms ----------------------------------------------------------------------------------


def test_participants_add_and_remove(steering, officer):
    target = url(steering, "steering:project_participant_create", steering.project.pk)
    assert officer.post(target, {"name": "Cercle de Kayes", "role": "4", "reference": "ML-CK-01"}).status_code == 302
    response = officer.post(target, {"name": "cercle de kayes", "role": "4", "reference": ""})
    assert response.status_code == 422 and "déjà" in " ".join(response.context["form"].errors["name"])
    for data, field in [
        ({"name": "", "role": "4"}, "name"),
        ({"name": TOO_LONG, "role": "4"}, "name"),
        ({"name": "X", "role": "9"}, "role"),
        ({"name": "X", "role": "4", "reference": HOSTILE}, "reference"),
    ]:
        response = officer.post(target, data)
        assert response.status_code == 422 and field in response.context["form"].errors
    participant = ParticipatingOrganisation.objects.get(project=steering.project)
    page = html(officer.get(url(steering, "steering:project", steering.project.pk)))
    assert "Cercle de Kayes" in page and "Opérateur" in page
    officer.post(url(steering, "steering:project_participant_delete", steering.project.pk, participant.pk))
    assert not ParticipatingOrganisation.objects.filter(project=steering.project).exists()


def test_directorates_add_and_remove(steering, officer):
    w = steering.world
    target = url(steering, "steering:project_directorate_create", steering.project.pk)
    data = {"directorate": w.other_directorate.pk, "stage": "2", "person_days": "4.5", "day_rate": "300", "year": ""}
    assert officer.post(target, data).status_code == 302
    for bad, field in [
        ({"directorate": w.directorate.pk, "year": ""}, "directorate"),  # already co-carries for the whole project
        ({"stage": "7"}, "stage"),
        ({"person_days": "-1"}, "person_days"),
        ({"day_rate": "abc"}, "day_rate"),
        ({"year": "12"}, "year"),
    ]:
        response = officer.post(target, data | {"directorate": w.directorate.pk, "year": "2014"} | bad)
        assert response.status_code == 422 and field in response.context["form"].errors, bad
    other_org_directorate = DirectorateFactory(organisation=w.other_org, name="Direction Beta")
    response = officer.post(target, data | {"directorate": other_org_directorate.pk})
    assert "directorate" in response.context["form"].errors
    link = steering.project.directorates.get(directorate=w.other_directorate)
    page = html(officer.get(url(steering, "steering:project", steering.project.pk)))
    assert "3\xa0850,00 €" in page  # 2 500 + 1 350
    officer.post(url(steering, "steering:project_directorate_delete", steering.project.pk, link.pk))
    assert steering.project.directorates.count() == 1


def sector_post(lines, extra=None):
    data = {
        "sectors-TOTAL_FORMS": str(len(lines)),
        "sectors-INITIAL_FORMS": "0",
        "sectors-MIN_NUM_FORMS": "0",
        "sectors-MAX_NUM_FORMS": "1000",
    }
    for n, (code, pct) in enumerate(lines):
        data[f"sectors-{n}-code"] = code
        data[f"sectors-{n}-percentage"] = pct
    data.update(extra or {})
    return data


def test_sector_formset(steering, officer):
    target = url(steering, "steering:project_sectors", steering.project.pk)
    response = officer.post(target, sector_post([("14030", "70"), ("15112", "30"), ("", "")]))
    assert response.status_code == 302
    assert dict(ProjectSector.objects.filter(project=steering.project).values_list("code", "percentage")) == {
        "14030": 70,
        "15112": 30,
    }
    page = html(officer.get(target))
    assert 'value="14030"' in page


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([("14030", "70"), ("15112", "20")], "exactement 100"),
        ([("14030", "50"), ("14030", "50")], "une fois"),
        ([("99999", "100")], "inconnu"),
        ([("1403", "100")], "cinq chiffres"),
        ([(HOSTILE, "100")], "cinq chiffres"),
        ([("14030", "")], "Indiquez la part"),
        ([("14030", "cent")], "nombre"),
        ([("14030", "150")], "inférieure ou égale à 100"),
    ],
)
def test_bad_sector_lines(steering, officer, lines, message):
    ProjectSector.objects.create(
        organisation=steering.world.org, project=steering.project, code="11110", percentage=100
    )
    response = officer.post(url(steering, "steering:project_sectors", steering.project.pk), sector_post(lines))
    assert response.status_code == 422
    page = html(response)
    assert message in page
    assert list(ProjectSector.objects.filter(project=steering.project).values_list("code", flat=True)) == ["11110"]


def test_sector_formset_without_management_form(steering, officer):
    response = officer.post(url(steering, "steering:project_sectors", steering.project.pk), {"sectors-0-code": "1"})
    assert response.status_code == 422
    html(response)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_document_upload_checks_content_and_sanitises_the_name(steering, officer):
    target = url(steering, "steering:project_document_create", steering.project.pk)
    upload = SimpleUploadedFile("../../Convention signée 2012.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    assert officer.post(target, {"title": "Convention", "file": upload}).status_code == 302
    document = ProjectDocument.objects.get(project=steering.project)
    # A random stored name (private storage); the checked display name is kept apart for the download.
    assert re.fullmatch(rf"projects/{steering.world.org.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)
    assert document.original_name == "Convention signée 2012.pdf"
    upload = SimpleUploadedFile("rapport.docx", _docx())
    assert officer.post(target, {"title": "Rapport", "file": upload}).status_code == 302
    assert officer.post(target, {"title": "Lien", "url": "https://example.org/x"}).status_code == 302
    page = html(officer.get(url(steering, "steering:project", steering.project.pk)))
    assert "Convention" in page and "Rapport" in page and "https://example.org/x" in page
    officer.post(url(steering, "steering:project_document_delete", steering.project.pk, document.pk))
    assert ProjectDocument.objects.filter(project=steering.project).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "extra", "field", "message"),
    [
        ("faux.pdf", b"MZ\x90\x00 not a pdf", {}, "file", "n'est pas d'un type accepté"),
        ("image.png", b"%PDF-1.4", {}, "file", "ne correspond pas"),
        ("script.exe", b"MZ\x90\x00", {}, "file", "n'est pas d'un type accepté"),
        ("page.html", HOSTILE.encode(), {}, "file", "n'est pas d'un type accepté"),
        ("faux.docx", b"PK\x03\x04garbage", {}, "file", "n'est pas d'un type accepté"),
        ("vide.pdf", b"", {}, "file", "vide"),
        (None, None, {}, "file", "Joignez un fichier ou indiquez un lien"),
        (None, None, {"url": "javascript:alert(1)"}, "url", "URL valide"),
        ("ok.pdf", b"%PDF-1.4", {"url": "https://example.org"}, "url", "pas les deux"),
        (None, None, {"url": "https://example.org", "title": ""}, "title", "obligatoire"),
        (None, None, {"url": "https://example.org", "title": TOO_LONG}, "title", "au plus 255"),
    ],
)
def test_bad_documents(steering, officer, name, content, extra, field, message):
    data = {"title": "Pièce"} | extra
    if name:
        data["file"] = SimpleUploadedFile(name, content)
    response = officer.post(url(steering, "steering:project_document_create", steering.project.pk), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert not ProjectDocument.objects.exists()


def test_document_larger_than_10_mb_is_refused(steering, officer, settings):
    upload = SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    response = officer.post(
        url(steering, "steering:project_document_create", steering.project.pk), {"title": "Gros", "file": upload}
    )
    assert response.status_code == 422 and "la limite est de 10" in " ".join(response.context["form"].errors["file"])


def test_home_indicator_added_clears_the_flag(steering, officer):
    IndicatorFactory(result=ResultFactory(project=steering.other_project), measured_on="home", territory=steering.home)
    page = html(officer.get(url(steering, "steering:project", steering.other_project.pk)))
    assert "Aucun indicateur sur notre territoire" not in page


def test_annual_plan_flags_projects_without_a_home_indicator(steering, client):
    from passerelles.steering.models import AnnualPlan, AnnualPlanItem

    org = steering.world.org
    plan = AnnualPlan.objects.create(organisation=org, year=2012)
    for project in (steering.project, steering.other_project):
        AnnualPlanItem.objects.create(organisation=org, plan=plan, project=project)
    client.force_login(steering.world.members["officer"])
    html = client.get(reverse("steering:annual_plan", args=[org.slug, plan.pk])).content.decode()
    # KAY-01 measures a result at home, DAK-01 does not: exactly one flag
    assert html.count("Aucun indicateur sur notre territoire") == 1
