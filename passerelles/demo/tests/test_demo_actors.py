import pytest

from passerelles.actors.enums import Location, ModerationStatus
from passerelles.actors.models import Actor
from passerelles.core.models import Organisation
from passerelles.demo.loader import load_demo


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
