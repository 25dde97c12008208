import pytest

from passerelles.actors.enums import Location, MeetingScope, ModerationStatus
from passerelles.actors.models import (
    Actor,
    CensusCampaign,
    CensusFinding,
    Network,
    NetworkCriterion,
    NetworkScore,
    WatchItem,
    WatchSubscription,
)
from passerelles.core.models import Organisation, Territory
from passerelles.demo.loader import load_demo
from passerelles.strategy.models import Orientation


@pytest.fixture
def caece(db):
    load_demo()
    return Organisation.objects.get(slug="caece")


def test_the_actors_of_the_source(caece):
    actors = Actor.objects.filter(organisation=caece)
    assert actors.filter(location=Location.HOME).count() == 33
    assert actors.filter(location=Location.PARTNER, partner_territory_of__name="Kayes").count() == 6
    assert set(actors.values_list("moderation_status", flat=True)) == {ModerationStatus.APPROVED}
    # No person, no contact: the demo holds organisations only.
    assert not actors.exclude(contact_email="").exists() and not actors.exclude(contact_phone="").exists()


def test_actors_sit_at_their_commune(caece):
    malian = Actor.objects.get(organisation=caece, name="Communauté malienne de l'Essonne")
    assert (malian.commune, malian.insee_code, str(malian.latitude)) == ("Evry", "91228", "48.629300")
    corbeil = Actor.objects.get(organisation=caece, name__startswith="Djiguiya So")
    assert corbeil.insee_code == "91174"
    assert Actor.objects.get(organisation=caece, name="Moovance").latitude is None  # commune not given


def test_kayes_links(caece):
    friends = Actor.objects.get(organisation=caece, name="Les Amis de Kayes")
    assert [t.name for t in friends.partner_territories.all()] == ["Kayes"] and friends.countries == ["ML"]


def test_the_association_account_keeps_its_entry_without_membership(caece):
    friends = Actor.objects.get(organisation=caece, name="Les Amis de Kayes")
    assert friends.account.email == "association@caece.demo"
    assert friends.account.check_password("passerelles-demo")
    assert not friends.account.memberships.exists()


def test_the_networks_of_the_source_and_their_grid(caece):
    networks = Network.objects.filter(organisation=caece)
    assert set(networks.values_list("acronym", flat=True)) == {"CUF", "AFCCRE", "AIMF", "F3E", ""}
    assert networks.get(acronym="").name == "Educasol"
    assert "Éducation au développement" in networks.get(acronym="F3E").working_groups
    criteria = NetworkCriterion.objects.filter(organisation=caece)
    assert criteria.count() == 5 and sum(c.weight for c in criteria) == 9
    # Every member network is scored on every criterion; the prospect (Educasol) is not yet scored on one.
    for network in networks:
        expected = 4 if network.name == "Educasol" else 5
        assert NetworkScore.objects.filter(network=network).count() == expected, network


def test_the_census_campaign_meets_the_six_communes(caece):
    campaign = CensusCampaign.objects.get(organisation=caece)
    assert campaign.action.code == "P5.2"
    communes = campaign.meetings.filter(scope=MeetingScope.COMMUNE)
    homes = Territory.objects.filter(organisation=caece, kind="home")
    assert sorted(communes.values_list("commune", "insee_code")) == sorted(homes.values_list("name", "insee_code"))
    assert campaign.meetings.filter(scope=MeetingScope.DIRECTORATE).count() == 2
    findings = CensusFinding.objects.filter(meeting__campaign=campaign)
    assert (findings.filter(is_new=True).count(), findings.filter(is_new=False).count()) == (4, 4)


def test_the_watch_items_carry_tags_that_exist(caece):
    numbers = set(
        Orientation.objects.filter(document__organisation=caece, document__status="adopted").values_list(
            "number", flat=True
        )
    )
    items = WatchItem.objects.filter(organisation=caece)
    assert items.count() == 5
    for item in items:
        assert set(item.orientations) <= numbers and item.network is not None, item
    subscriptions = WatchSubscription.objects.filter(organisation=caece, is_active=True)
    assert subscriptions.count() == 4
    # No person: a subscription names a directorate or a function.
    assert all(s.email.endswith("@caece.demo") for s in subscriptions)
