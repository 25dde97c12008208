import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from passerelles.actors.models import Actor, ActorLink
from passerelles.actors.validators import luhn_ok, validate_countries, validate_rna, validate_siret, validate_themes


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000001"])
def test_valid_sirets(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("73282932000075", "siret_checksum"),
        ("7328293200007", "siret_length"),
        ("7328293200007A", "siret_length"),
        ("", "siret_length"),
        ("35600000000002", "siret_checksum"),
    ],
)
def test_invalid_sirets(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code


def test_luhn():
    assert luhn_ok("732829320") and not luhn_ok("732829321")


@pytest.mark.parametrize("rna", ["W912000123", "w912000123"])
def test_valid_rna(rna):
    validate_rna(rna)


@pytest.mark.parametrize("rna", ["W12345678", "X912000123", "W9120001234", "912000123", "<script>"])
def test_invalid_rna(rna):
    with pytest.raises(ValidationError):
        validate_rna(rna)


def test_countries_and_themes():
    validate_countries(["ML", "SN"])
    validate_themes(["youth_education"])
    for bad in (["mali"], "ML", [1], ["ml"]):
        with pytest.raises(ValidationError):
            validate_countries(bad)
    with pytest.raises(ValidationError):
        validate_themes(["astrology"])


def test_contact_needs_consent_in_the_database(world):
    actor = Actor(organisation=world.org, name="Association", kind="association", contact_email="a@b.fr")
    with pytest.raises(ValidationError):
        actor.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        actor.save()
    actor.contact_consent_at = timezone.now()
    actor.full_clean()
    actor.save()


def test_an_actor_cannot_link_to_itself(world):
    actor = Actor.objects.create(organisation=world.org, name="A", kind="association")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorLink.objects.create(organisation=world.org, source=actor, target=actor)
