import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.actors.enums import Location, MeetingScope, ModerationStatus
from passerelles.actors.models import Actor, CensusCampaign, CensusFinding, CensusMeeting
from passerelles.actors.selectors.census import campaign_progress, likely_duplicates
from passerelles.actors.selectors.matrix import duplicate_pairs
from passerelles.actors.services import census as services
from passerelles.actors.services.matrix import merge_actors
from passerelles.actors.tests.factories import (
    ActorFactory,
    CensusCampaignFactory,
    CensusFindingFactory,
    CensusMeetingFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, TerritoryFactory

SIRET = "73282932000074"


@pytest.fixture
def officer(world):
    return world.members[Role.OFFICER]


@pytest.fixture
def campaign(world):
    return CensusCampaignFactory(organisation=world.org, title="Recensement 2026")


def _commune_meeting(campaign, commune="Evry-Courcouronnes", insee="91228"):
    return CensusMeetingFactory(campaign=campaign, commune=commune, insee_code=insee)


# -- campaigns -------------------------------------------------------------------------------------


def test_campaign_create_and_dates_checked_on_the_field(world, officer):
    campaign = services.campaign_create(
        organisation=world.org,
        user=officer,
        title="Recensement des acteurs",
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 6, 30),
        action=world.action,
    )
    assert campaign.organisation == world.org and campaign.action == world.action
    with pytest.raises(ValidationError) as error:
        services.campaign_update(
            campaign=campaign, user=officer, starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 6, 30)
        )
    assert "ends_on" in error.value.error_dict
    campaign.refresh_from_db()
    assert campaign.starts_on == datetime.date(2026, 1, 5)


def test_campaign_refuses_another_organisations_action(world, officer):
    with pytest.raises(ValidationError) as error:
        services.campaign_create(
            organisation=world.org,
            user=officer,
            title="x",
            starts_on=datetime.date(2026, 1, 5),
            action=world.other_action,
        )
    assert "action" in error.value.error_dict
    assert not CensusCampaign.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.PARTNER, Role.REVIEWER])
def test_only_staff_editors_write(world, campaign, role):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            organisation=world.org, user=world.members[role], title="x", starts_on=campaign.starts_on
        )
    with pytest.raises(PermissionDenied):
        services.meetings_add_home_communes(campaign=campaign, user=world.members[role])


def test_closed_campaign_refuses_every_write_until_reopened(world, officer, campaign):
    meeting = _commune_meeting(campaign)
    finding = CensusFindingFactory(meeting=meeting)
    actor = ActorFactory(organisation=world.org)
    services.campaign_close(campaign=campaign, user=officer)
    writes = [
        lambda: services.campaign_update(campaign=campaign, user=officer, title="Autre"),
        lambda: services.campaign_close(campaign=campaign, user=officer),
        lambda: services.meeting_create(
            campaign=campaign, user=officer, scope=MeetingScope.DIRECTORATE, directorate=world.directorate
        ),
        lambda: services.meeting_update(meeting=meeting, user=officer, counterpart="Maire adjoint·e"),
        lambda: services.meeting_delete(meeting=meeting, user=officer),
        lambda: services.meetings_add_home_communes(campaign=campaign, user=officer),
        lambda: services.meetings_add_directorates(campaign=campaign, user=officer),
        lambda: services.finding_add_known(meeting=meeting, user=officer, actor=actor),
        lambda: services.finding_add_new(meeting=meeting, user=officer, name="Nouvelle asso", kind="association"),
        lambda: services.finding_remove(finding=finding, user=officer),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as error:
            write()
        assert error.value.code == "closed"
    assert CensusMeeting.objects.count() == 1 and CensusFinding.objects.count() == 1
    assert Actor.objects.filter(name="Nouvelle asso").count() == 0
    services.campaign_reopen(campaign=campaign, user=officer)
    services.meeting_update(meeting=meeting, user=officer, counterpart="Maire adjoint·e")
    with pytest.raises(ValidationError):
        services.campaign_reopen(campaign=campaign, user=officer)


# -- meetings --------------------------------------------------------------------------------------


def test_bulk_add_is_idempotent(world, officer, campaign):
    TerritoryFactory(organisation=world.org, home=True, name="Evry-Courcouronnes", insee_code="91228")
    TerritoryFactory(organisation=world.org, home=True, name="Corbeil-Essonnes", insee_code="91174")
    TerritoryFactory(organisation=world.org, name="Kayes")  # a partner territory is not a home commune
    TerritoryFactory(organisation=world.other_org, home=True, name="Ailleurs", insee_code="75056")
    DirectorateFactory(organisation=world.other_org, name="Direction d'ailleurs")
    _commune_meeting(campaign, "Evry-Courcouronnes")
    assert services.meetings_add_home_communes(campaign=campaign, user=officer) == 1
    assert services.meetings_add_home_communes(campaign=campaign, user=officer) == 0
    assert services.meetings_add_directorates(campaign=campaign, user=officer) == 2
    assert services.meetings_add_directorates(campaign=campaign, user=officer) == 0
    communes = set(campaign.meetings.exclude(commune="").values_list("commune", "insee_code"))
    assert communes == {("Evry-Courcouronnes", "91228"), ("Corbeil-Essonnes", "91174")}
    assert set(campaign.meetings.exclude(directorate=None).values_list("directorate__name", flat=True)) == {
        "Direction de la culture",
        "Direction des sports",
    }
    assert all(m.organisation_id == world.org.pk for m in campaign.meetings.all())


def test_meeting_constraints_give_field_messages(world, officer, campaign):
    services.meeting_create(
        campaign=campaign, user=officer, scope=MeetingScope.DIRECTORATE, directorate=world.directorate
    )
    _commune_meeting(campaign, "Evry-Courcouronnes")
    cases = [
        ({"scope": MeetingScope.DIRECTORATE, "directorate": world.directorate}, "directorate"),
        ({"scope": MeetingScope.DIRECTORATE, "directorate": None}, "directorate"),
        ({"scope": MeetingScope.COMMUNE, "commune": "Evry-Courcouronnes"}, "commune"),
        ({"scope": MeetingScope.COMMUNE, "commune": "  "}, "commune"),
        ({"scope": "planet"}, "scope"),
        (
            {"scope": MeetingScope.DIRECTORATE, "directorate": DirectorateFactory(organisation=world.other_org)},
            "directorate",
        ),
        (
            {"scope": MeetingScope.COMMUNE, "commune": "Lisses", "held_on": campaign.starts_on - datetime.timedelta(1)},
            "held_on",
        ),
        ({"scope": MeetingScope.COMMUNE, "commune": "Lisses", "insee_code": "9A"}, "insee_code"),
        ({"scope": MeetingScope.COMMUNE, "commune": "x" * 121}, "commune"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            services.meeting_create(campaign=campaign, user=officer, **fields)
        assert field in error.value.error_dict, (fields, error.value)
    assert campaign.meetings.count() == 2


def test_meeting_scope_change_clears_the_other_counterpart(world, officer, campaign):
    meeting = _commune_meeting(campaign)
    meeting = services.meeting_update(
        meeting=meeting, user=officer, scope=MeetingScope.DIRECTORATE, directorate=world.directorate
    )
    meeting.refresh_from_db()
    assert meeting.commune == "" and meeting.insee_code == "" and meeting.directorate == world.directorate


def test_progress_counts_meetings_and_findings(world, campaign):
    held = _commune_meeting(campaign, "Evry-Courcouronnes")
    held.held_on = datetime.date(2026, 2, 1)
    held.save()
    _commune_meeting(campaign, "Lisses", "91340")
    CensusFindingFactory(meeting=held, is_new=True)
    CensusFindingFactory(meeting=held, is_new=False)
    CensusFindingFactory(meeting=held, is_new=False)
    progress = campaign_progress(campaign=campaign)
    assert (progress.held, progress.total, progress.new, progress.known, progress.held_percent) == (1, 2, 1, 2, 50)


# -- findings --------------------------------------------------------------------------------------


def test_link_known_actor_and_refuse_it_twice(world, officer, campaign):
    meeting = _commune_meeting(campaign)
    actor = ActorFactory(organisation=world.org)
    finding = services.finding_add_known(meeting=meeting, user=officer, actor=actor, note=" Vu en réunion ")
    assert not finding.is_new and finding.note == "Vu en réunion"
    with pytest.raises(ValidationError) as error:
        services.finding_add_known(meeting=meeting, user=officer, actor=actor)
    assert "actor" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.finding_add_known(meeting=meeting, user=officer, actor=ActorFactory(organisation=world.other_org))
    assert "actor" in error.value.error_dict
    assert CensusFinding.objects.count() == 1


def test_new_actor_is_approved_not_public_and_placed_in_the_meetings_commune(world, officer, campaign):
    meeting = _commune_meeting(campaign, "Lisses", "91340")
    finding = services.finding_add_new(
        meeting=meeting,
        user=officer,
        name="  Jeunes de Lisses ",
        kind="association",
        siret=SIRET,
        themes=["youth_education"],
        note="Projet au Mali",
    )
    actor = finding.actor
    assert finding.is_new and finding.note == "Projet au Mali"
    assert actor.name == "Jeunes de Lisses" and actor.organisation == world.org
    assert actor.moderation_status == ModerationStatus.APPROVED and actor.is_public is False
    assert (actor.location, actor.commune, actor.insee_code) == (Location.HOME, "Lisses", "91340")
    assert actor.themes == ["youth_education"]


def test_new_actor_bad_fields_save_nothing(world, officer, campaign):
    meeting = _commune_meeting(campaign)
    for fields, field in [
        ({"name": "", "kind": "association"}, "name"),
        ({"name": "x" * 256, "kind": "association"}, "name"),
        ({"name": "Asso", "kind": "spaceship"}, "kind"),
        ({"name": "Asso", "kind": "association", "siret": "12345678901234"}, "siret"),
        ({"name": "Asso", "kind": "association", "themes": ["nope"]}, "themes"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.finding_add_new(meeting=meeting, user=officer, **fields)
        assert field in error.value.error_dict
    assert not CensusFinding.objects.exists() and not Actor.objects.filter(organisation=world.org).exists()


def test_likely_duplicates_by_siret_and_by_name_in_the_same_commune(world):
    by_siret = ActorFactory(organisation=world.org, name="Sahel Solidarité", siret=SIRET, commune="Corbeil-Essonnes")
    by_name = ActorFactory(organisation=world.org, name="Comité de Jumelage", commune="Évry-Courcouronnes")
    ActorFactory(organisation=world.org, name="Comité de jumelage", commune="Lisses")  # another commune
    ActorFactory(organisation=world.other_org, name="Comite de jumelage", commune="Evry-Courcouronnes")

    def found(**kwargs):
        return likely_duplicates(organisation=world.org, **kwargs)

    assert found(name="Tout autre nom", commune="Evry-Courcouronnes", siret=SIRET) == [by_siret]
    assert found(name="comite  de jumelage !", commune="evry-courcouronnes") == [by_name]
    assert found(name="Comité de jumelage", commune="Ris-Orangis") == []
    assert found(name="Autre", commune="Evry-Courcouronnes", siret="") == []


def test_merge_of_two_actors_surfaced_by_the_same_meeting_keeps_one_finding(world, officer, campaign):
    meeting = _commune_meeting(campaign)
    other_meeting = _commune_meeting(campaign, "Lisses", "91340")
    known = ActorFactory(organisation=world.org, name="Comité de jumelage", commune="Evry-Courcouronnes")
    services.finding_add_known(meeting=meeting, user=officer, actor=known, note="Déjà partenaire")
    created = services.finding_add_new(
        meeting=meeting, user=officer, name="Comite de jumelage", kind="twinning_committee", note="Fiche en double"
    ).actor
    services.finding_add_known(meeting=other_meeting, user=officer, actor=created)
    assert len(duplicate_pairs(organisation=world.org)) == 1  # "créer quand même" shows on the duplicates page
    merge_actors(keep=known, absorb=created, user=officer)
    findings = CensusFinding.objects.filter(meeting=meeting)
    assert findings.count() == 1
    kept = findings.get()
    assert kept.actor == known and kept.is_new and kept.note == "Déjà partenaire / Fiche en double"
    assert CensusFinding.objects.get(meeting=other_meeting).actor == known


def test_remove_finding_keeps_the_actor(world, officer, campaign):
    finding = CensusFindingFactory(meeting=_commune_meeting(campaign))
    services.finding_remove(finding=finding, user=officer)
    assert not CensusFinding.objects.exists() and Actor.objects.filter(pk=finding.actor_id).exists()
