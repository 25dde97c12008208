import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.actors.enums import ActorKind, ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.services import directory as services
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory

VALID_SIRET = "73282932000074"
INVALID_SIRET = "73282932000075"


def _create(world, **fields):
    fields.setdefault("name", "Comité de jumelage Evry-Kayes")
    fields.setdefault("kind", ActorKind.TWINNING_COMMITTEE)
    return services.actor_create(organisation=world.org, user=world.members[Role.OFFICER], **fields)


def test_staff_creation_is_published_at_once(world):
    actor = _create(world, siret=VALID_SIRET, themes=["youth_education"], countries=["ML"])
    assert actor.moderation_status == ModerationStatus.APPROVED
    assert actor.organisation == world.org


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.PARTNER])
def test_only_staff_editors_write(world, role):
    with pytest.raises(PermissionDenied):
        services.actor_create(organisation=world.org, user=world.members[role], name="X", kind=ActorKind.OTHER)
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"siret": INVALID_SIRET}, "siret"),
        ({"rna": "W12345678"}, "rna"),
        ({"themes": ["cooking"]}, "themes"),
        ({"countries": ["mali"]}, "countries"),
        ({"contact_email": "a@b.fr"}, "contact_email"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_on_the_field(world, fields, field):
    with pytest.raises(ValidationError) as error:
        _create(world, **fields)
    assert field in error.value.message_dict
    assert not Actor.objects.exists()


def test_consent_is_recorded_and_withdrawing_it_erases_contacts(world):
    actor = _create(world, contact_email="presidence@jumelage.fr", contact_phone="01 23 45 67 89", contact_consent=True)
    assert actor.contact_consent_at is not None
    officer = world.members[Role.OFFICER]
    actor = services.actor_update(actor=actor, user=officer, contact_role="Présidente", contact_consent=False)
    assert (actor.contact_email, actor.contact_phone, actor.contact_consent_at) == ("", "", None)
    assert actor.contact_role == "Présidente"


def test_other_organisations_territories_are_refused(world):
    foreign = TerritoryFactory(organisation=world.other_org)
    with pytest.raises(ValidationError) as error:
        _create(world, partner_territories=[foreign])
    assert "partner_territories" in error.value.message_dict
    assert not Actor.objects.exists()


def test_update_cannot_touch_moderation(world):
    actor = ActorFactory(organisation=world.org, pending=True)
    services.actor_update(
        actor=actor,
        user=world.members[Role.ADMIN],
        name="Nouveau nom",
        kind=ActorKind.SCHOOL,
        moderation_status="approved",
    )
    actor.refresh_from_db()
    assert (actor.name, actor.moderation_status) == ("Nouveau nom", ModerationStatus.PENDING)


def test_moderation_workflow(world):
    admin = world.members[Role.ADMIN]
    first, second = ActorFactory.create_batch(2, organisation=world.org, pending=True)
    services.actor_approve(actor=first, user=admin)
    first.refresh_from_db()
    assert first.moderation_status == ModerationStatus.APPROVED
    with pytest.raises(ValidationError):
        services.actor_reject(actor=second, user=admin, message="   ")
    services.actor_reject(actor=second, user=admin, message="Pas d'activité internationale.")
    second.refresh_from_db()
    assert second.moderation_status == ModerationStatus.REJECTED
    assert second.moderation_message == "Pas d'activité internationale."
    with pytest.raises(ValidationError):
        services.actor_approve(actor=second, user=admin)
    with pytest.raises(PermissionDenied):
        services.actor_approve(
            actor=ActorFactory(organisation=world.org, pending=True), user=world.members[Role.VIEWER]
        )
