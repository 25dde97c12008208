import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.actors.enums import MeetingScope
from passerelles.actors.models import Actor, CensusCampaign, CensusFinding, CensusMeeting
from passerelles.actors.tests.factories import (
    ActorFactory,
    CensusCampaignFactory,
    CensusFindingFactory,
    CensusMeetingFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory

SIRET = "73282932000074"
HOSTILE = "<script>alert(1)</script>"


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


@pytest.fixture
def officer_client(world, client):
    client.force_login(world.members[Role.OFFICER])
    return client


@pytest.fixture
def campaign(world):
    return CensusCampaignFactory(organisation=world.org, title="Recensement 2026", action=world.action)


@pytest.fixture
def meeting(campaign):
    return CensusMeetingFactory(campaign=campaign, commune="Evry-Courcouronnes", insee_code="91228")


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# -- campaigns -------------------------------------------------------------------------------------


def test_create_campaign_then_edit_it(world, officer_client):
    response = officer_client.post(
        url(world, "actors:census_campaign_create"),
        {
            "title": "Recensement des directions",
            "starts_on": "2026-01-05",
            "ends_on": "2026-03-31",
            "action": world.action.pk,
        },
    )
    campaign = CensusCampaign.objects.get()
    assert response.status_code == 302 and response["Location"] == url(world, "actors:census_campaign", campaign.pk)
    assert campaign.action == world.action and campaign.organisation == world.org
    response = officer_client.post(
        url(world, "actors:census_campaign_edit", campaign.pk),
        {"title": "Recensement des communes", "starts_on": "2026-01-05"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Recensement des communes" and campaign.ends_on is None and campaign.action is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"title": "x" * 256}, "title", "255 caractères"),
        ({"starts_on": "31/02/2026"}, "starts_on", "Saisissez une date valide."),
        ({"ends_on": "2025-12-31"}, "ends_on", "La fin ne peut pas précéder le début."),
        ({"action": "999999"}, "action", "Sélectionnez un choix valide."),
        ({"description": "x" * 5001}, "description", "5000 caractères"),
    ],
)
def test_campaign_bad_input_is_refused_on_the_field(world, officer_client, data, field, message):
    post = {"title": "Recensement", "starts_on": "2026-01-05", **data}
    response = officer_client.post(url(world, "actors:census_campaign_create"), post)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert message.replace(" ", "\u00a0") in response.content.decode().replace(" ", "\u00a0")
    assert not CensusCampaign.objects.exists()


def test_another_organisations_action_cannot_be_linked(world, officer_client):
    response = officer_client.post(
        url(world, "actors:census_campaign_create"),
        {"title": "Recensement", "starts_on": "2026-01-05", "action": world.other_action.pk},
    )
    assert response.status_code == 422 and "action" in response.context["form"].errors


def test_hostile_titles_are_shown_as_text(world, officer_client, campaign, meeting):
    campaign.title = HOSTILE
    campaign.save()
    meeting.notes = HOSTILE
    meeting.save()
    CensusFindingFactory(meeting=meeting, actor__name=HOSTILE, note=HOSTILE)
    for path in (
        url(world, "actors:census_campaigns"),
        url(world, "actors:census_campaign", campaign.pk),
        url(world, "actors:census_meeting", meeting.pk),
    ):
        html = officer_client.get(path).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_campaign_list_filters_and_exports(world, officer_client, campaign, meeting):
    meeting.held_on = datetime.date(2026, 2, 3)
    meeting.save()
    CensusMeetingFactory(campaign=campaign, commune="Lisses")
    CensusFindingFactory(meeting=meeting, is_new=True)
    CensusFindingFactory(meeting=meeting, is_new=False)
    CensusCampaignFactory(organisation=world.org, title="=Ancienne campagne", is_closed=True)
    CensusCampaignFactory(organisation=world.other_org, title="Campagne d'ailleurs")
    page = officer_client.get(url(world, "actors:census_campaigns"))
    html = page.content.decode()
    assert "Recensement 2026" in html and "Ancienne campagne" in html and "ailleurs" not in html
    assert [c.title for c in page.context["page"].object_list if not c.is_closed] == ["Recensement 2026"]
    opened = officer_client.get(url(world, "actors:census_campaigns"), {"status": "open"})
    assert [c.title for c in opened.context["page"].object_list] == ["Recensement 2026"]
    partial = officer_client.get(
        url(world, "actors:census_campaigns"), {"status": "closed"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "Ancienne campagne" in partial.content.decode()
    bogus = officer_client.get(url(world, "actors:census_campaigns"), {"status": "<b>", "page": "x"})
    assert bogus.status_code == 200 and len(bogus.context["page"].object_list) == 2
    rows = _csv(officer_client.get(url(world, "actors:census_campaigns_export"), {"format": "csv"}))
    by_title = {row[0]: row for row in rows[1:]}
    assert by_title["Recensement 2026"][3:9] == ["P1.1", "1", "2", "1", "1", "ouverte"]
    assert "'=Ancienne campagne" in by_title  # formula neutralised
    closed = _csv(
        officer_client.get(url(world, "actors:census_campaigns_export"), {"status": "closed", "sep": "semicolon"})
    )
    assert len(closed) == 2
    xlsx = officer_client.get(url(world, "actors:census_campaigns_export"), {"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3
    assert officer_client.get(url(world, "actors:census_campaigns_export"), {"format": "pdf"}).status_code == 404


def test_campaign_detail_shows_progress_and_meetings(world, officer_client, campaign, meeting):
    meeting.held_on = datetime.date(2026, 2, 3)
    meeting.save()
    CensusMeetingFactory(campaign=campaign, scope=MeetingScope.DIRECTORATE, directorate=world.directorate, commune="")
    CensusFindingFactory(meeting=meeting, is_new=True)
    response = officer_client.get(url(world, "actors:census_campaign", campaign.pk))
    html = response.content.decode()
    assert "Réunions tenues : 1 sur 2 (50 %)" in html
    assert "Direction de la culture" in html and "Evry-Courcouronnes" in html
    assert url(world, "actors:census_add_home_communes", campaign.pk) in html


def test_close_then_reopen_and_closed_campaign_is_read_only(world, officer_client, campaign, meeting):
    response = officer_client.post(url(world, "actors:census_campaign_close", campaign.pk))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_closed
    page = officer_client.get(url(world, "actors:census_campaign", campaign.pk)).content.decode()
    assert url(world, "actors:census_meeting_create", campaign.pk) not in page
    assert url(world, "actors:census_campaign_reopen", campaign.pk) in page
    response = officer_client.post(
        url(world, "actors:census_campaign_edit", campaign.pk), {"title": "Autre", "starts_on": "2026-01-05"}
    )
    assert response.status_code == 422 and "close" in response.content.decode()
    response = officer_client.post(url(world, "actors:census_add_directorates", campaign.pk), follow=True)
    assert "close" in response.content.decode() and not campaign.meetings.exclude(directorate=None).exists()
    response = officer_client.post(
        url(world, "actors:census_finding_add_new", meeting.pk), {"name": "Asso", "kind": "association"}
    )
    assert response.status_code == 422 and not Actor.objects.filter(name="Asso").exists()
    officer_client.post(url(world, "actors:census_campaign_reopen", campaign.pk))
    campaign.refresh_from_db()
    assert not campaign.is_closed


def test_bulk_add_buttons_are_idempotent(world, officer_client, campaign):
    TerritoryFactory(organisation=world.org, home=True, name="Evry-Courcouronnes", insee_code="91228")
    for _ in range(2):
        officer_client.post(url(world, "actors:census_add_home_communes", campaign.pk))
        response = officer_client.post(url(world, "actors:census_add_directorates", campaign.pk), follow=True)
    assert campaign.meetings.count() == 3
    assert "Aucune réunion ajoutée" in response.content.decode()


def test_findings_export(world, officer_client, campaign, meeting):
    CensusFindingFactory(meeting=meeting, actor__name="Comité de jumelage", is_new=True, note="@SUM(A1)")
    CensusFindingFactory(meeting=meeting, actor__name="Maison des jeunes", is_new=False)
    other = CensusCampaignFactory(organisation=world.org)
    CensusFindingFactory(meeting__campaign=other, actor__name="Hors campagne")
    rows = _csv(officer_client.get(url(world, "actors:census_findings_export", campaign.pk), {"format": "csv"}))
    assert rows[0][0] == "Réunion" and len(rows) == 3
    assert rows[1][0] == "Evry-Courcouronnes" and rows[1][3] == "Comité de jumelage"
    assert rows[1][6:] == ["nouveau", "'@SUM(A1)"] and rows[2][6] == "connu"
    xlsx = officer_client.get(url(world, "actors:census_findings_export", campaign.pk), {"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3


# -- meetings --------------------------------------------------------------------------------------


def test_create_meeting_with_a_home_commune_and_with_a_directorate(world, officer_client, campaign):
    evry = TerritoryFactory(organisation=world.org, home=True, name="Evry-Courcouronnes", insee_code="91228")
    create = url(world, "actors:census_meeting_create", campaign.pk)
    response = officer_client.post(
        create,
        {"scope": "commune", "home_commune": evry.pk, "counterpart": "Maire adjoint·e", "planned_on": "2026-02-01"},
    )
    meeting = CensusMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url(world, "actors:census_meeting", meeting.pk)
    assert (meeting.commune, meeting.insee_code, meeting.directorate) == ("Evry-Courcouronnes", "91228", None)
    response = officer_client.post(create, {"scope": "directorate", "directorate": world.directorate.pk})
    assert response.status_code == 302 and campaign.meetings.count() == 2
    # The edit form finds the home commune back.
    form = officer_client.get(url(world, "actors:census_meeting_edit", meeting.pk)).context["form"]
    assert form.initial["home_commune"] == evry.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"scope": ""}, "scope"),
        ({"scope": "planet"}, "scope"),
        ({"scope": "directorate"}, "directorate"),
        ({"scope": "commune"}, "home_commune"),
        ({"scope": "commune", "home_commune": "abc"}, "home_commune"),
        ({"scope": "directorate", "directorate": "culture"}, "directorate"),
        ({"scope": "directorate", "directorate": "1", "held_on": "demain"}, "held_on"),
        ({"scope": "directorate", "directorate": "1", "counterpart": "x" * 151}, "counterpart"),
        ({"scope": "directorate", "directorate": "1", "held_on": "2025-01-01"}, "held_on"),
    ],
)
def test_meeting_bad_input_is_refused_on_the_field(world, officer_client, campaign, data, field):
    if data.get("directorate") == "1":
        data["directorate"] = world.directorate.pk
    response = officer_client.post(url(world, "actors:census_meeting_create", campaign.pk), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not CensusMeeting.objects.exists()


def test_second_meeting_with_the_same_commune_is_refused_on_the_field(world, officer_client, campaign, meeting):
    evry = TerritoryFactory(organisation=world.org, home=True, name="Evry-Courcouronnes", insee_code="91228")
    response = officer_client.post(
        url(world, "actors:census_meeting_create", campaign.pk), {"scope": "commune", "home_commune": evry.pk}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["home_commune"] == ["Cette commune a déjà sa réunion dans la campagne."]


def test_another_organisations_directorate_or_commune_cannot_be_picked(world, officer_client, campaign):
    from passerelles.core.tests.factories import DirectorateFactory

    foreign_directorate = DirectorateFactory(organisation=world.other_org)
    foreign_commune = TerritoryFactory(organisation=world.other_org, home=True)
    create = url(world, "actors:census_meeting_create", campaign.pk)
    response = officer_client.post(create, {"scope": "directorate", "directorate": foreign_directorate.pk})
    assert response.status_code == 422 and "directorate" in response.context["form"].errors
    response = officer_client.post(create, {"scope": "commune", "home_commune": foreign_commune.pk})
    assert response.status_code == 422 and "home_commune" in response.context["form"].errors


def test_delete_meeting_after_confirmation(world, officer_client, campaign, meeting):
    finding = CensusFindingFactory(meeting=meeting)
    delete = url(world, "actors:census_meeting_delete", meeting.pk)
    assert "Supprimer la réunion" in officer_client.get(delete).content.decode()
    assert CensusMeeting.objects.exists()
    response = officer_client.post(delete)
    assert response["Location"] == url(world, "actors:census_campaign", campaign.pk)
    assert not CensusMeeting.objects.exists() and Actor.objects.filter(pk=finding.actor_id).exists()


def test_other_organisations_meeting_is_404(world, officer_client):
    foreign = CensusMeetingFactory(campaign__organisation=world.other_org)
    assert officer_client.get(url(world, "actors:census_meeting", foreign.pk)).status_code == 404
    foreign_finding = CensusFindingFactory(meeting=foreign)
    assert officer_client.post(url(world, "actors:census_finding_remove", foreign_finding.pk)).status_code == 404
    assert CensusFinding.objects.filter(pk=foreign_finding.pk).exists()


# -- findings --------------------------------------------------------------------------------------


def test_search_then_add_a_known_actor(world, officer_client, meeting):
    actor = ActorFactory(organisation=world.org, name="Comité de jumelage Evry-Kayes")
    ActorFactory(organisation=world.other_org, name="Comité de jumelage d'ailleurs")
    detail = url(world, "actors:census_meeting", meeting.pk)
    response = officer_client.get(detail, {"q": "jumelage"})
    assert [a.name for a in response.context["candidates"]] == ["Comité de jumelage Evry-Kayes"]
    response = officer_client.post(
        url(world, "actors:census_finding_add_known", meeting.pk), {"actor": actor.pk, "note": "Projet scolaire"}
    )
    assert response.status_code == 302
    finding = CensusFinding.objects.get()
    assert finding.actor == actor and not finding.is_new and finding.note == "Projet scolaire"
    # Once noted, it is no longer proposed, and noting it again is refused with a message.
    assert officer_client.get(detail, {"q": "jumelage"}).context["candidates"] == []
    response = officer_client.post(url(world, "actors:census_finding_add_known", meeting.pk), {"actor": actor.pk})
    assert response.status_code == 422
    assert "Cet acteur est déjà noté pour cette réunion." in response.content.decode()
    assert CensusFinding.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "999999", "1 OR 1=1"])
def test_add_known_refuses_bad_actor_ids(world, officer_client, meeting, value):
    response = officer_client.post(url(world, "actors:census_finding_add_known", meeting.pk), {"actor": value})
    assert response.status_code == 422
    assert response.context["known_form"].errors["actor"] == ["Choisissez un acteur de l'annuaire."]
    assert "Choisissez un acteur de l&#x27;annuaire." in response.content.decode()
    assert not CensusFinding.objects.exists()


def test_add_known_refuses_another_organisations_actor(world, officer_client, meeting):
    foreign = ActorFactory(organisation=world.other_org)
    response = officer_client.post(url(world, "actors:census_finding_add_known", meeting.pk), {"actor": foreign.pk})
    assert response.status_code == 422 and not CensusFinding.objects.exists()


def test_record_a_new_actor_without_duplicates(world, officer_client, meeting):
    response = officer_client.post(
        url(world, "actors:census_finding_add_new", meeting.pk),
        {"name": "Jeunes d'Evry", "kind": "youth_centre", "siret": "732 829 320 00074", "themes": ["youth_education"]},
    )
    assert response.status_code == 302
    actor = Actor.objects.get(name="Jeunes d'Evry")
    assert actor.siret == SIRET and actor.commune == "Evry-Courcouronnes" and not actor.is_public
    assert CensusFinding.objects.get().is_new


def test_new_actor_duplicate_is_proposed_then_linked_or_created_anyway(world, officer_client, meeting):
    existing = ActorFactory(organisation=world.org, name="Comité de Jumelage", commune="Évry-Courcouronnes")
    add_new = url(world, "actors:census_finding_add_new", meeting.pk)
    data = {"name": "comite de jumelage", "kind": "twinning_committee", "themes": ["local_actors"], "note": "Vu"}
    response = officer_client.post(add_new, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "C'est celui-ci" in html and "Créer quand même" in html and existing.name in html
    assert Actor.objects.count() == 1 and not CensusFinding.objects.exists()
    # "C'est celui-ci": the existing entry is noted as known, with the note typed.
    response = officer_client.post(
        url(world, "actors:census_finding_add_known", meeting.pk), {"actor": existing.pk, "note": "Vu"}
    )
    assert response.status_code == 302
    assert CensusFinding.objects.get().actor == existing
    # "Créer quand même": the new entry is created; it then shows on the duplicates page.
    response = officer_client.post(add_new, {**data, "confirm": "1"})
    assert response.status_code == 302 and Actor.objects.count() == 2
    duplicates = officer_client.get(url(world, "actors:duplicates")).context["page"].object_list
    assert len(duplicates) == 1


def test_new_actor_duplicate_by_siret(world, officer_client, meeting):
    ActorFactory(organisation=world.org, name="Tout autre nom", commune="Ris-Orangis", siret=SIRET)
    response = officer_client.post(
        url(world, "actors:census_finding_add_new", meeting.pk),
        {"name": "Sahel", "kind": "association", "siret": SIRET},
    )
    assert response.status_code == 200 and "Tout autre nom" in response.content.decode()
    assert Actor.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"kind": "spaceship"}, "kind"),
        ({"siret": "123"}, "siret"),
        ({"siret": "12345678901234"}, "siret"),
        ({"themes": ["nope"]}, "themes"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_new_actor_bad_input_is_refused_on_the_field(world, officer_client, meeting, data, field):
    post = {"name": "Asso", "kind": "association", **data}
    response = officer_client.post(url(world, "actors:census_finding_add_new", meeting.pk), post)
    assert response.status_code == 422
    assert field in response.context["new_form"].errors
    assert not Actor.objects.exists() and not CensusFinding.objects.exists()


def test_hostile_new_actor_name_is_escaped_in_the_duplicate_proposal(world, officer_client, meeting):
    ActorFactory(organisation=world.org, name=HOSTILE, commune="Evry-Courcouronnes")
    response = officer_client.post(
        url(world, "actors:census_finding_add_new", meeting.pk), {"name": HOSTILE, "kind": "association"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and HOSTILE not in html and "&lt;script&gt;" in html


def test_remove_finding(world, officer_client, meeting):
    finding = CensusFindingFactory(meeting=meeting)
    response = officer_client.post(url(world, "actors:census_finding_remove", finding.pk))
    assert response["Location"] == url(world, "actors:census_meeting", meeting.pk)
    assert not CensusFinding.objects.exists()


def test_viewer_reads_without_edit_controls(world, client, campaign, meeting):
    client.force_login(world.members[Role.VIEWER])
    html = client.get(url(world, "actors:census_meeting", meeting.pk)).content.decode()
    assert url(world, "actors:census_finding_add_new", meeting.pk) not in html
    html = client.get(url(world, "actors:census_campaign", campaign.pk)).content.decode()
    assert url(world, "actors:census_campaign_close", campaign.pk) not in html
