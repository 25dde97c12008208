"""Edits of a published entry by its actor's account go back to moderation (issue 9, point 8)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import ChangeRequestStatus, ModerationStatus
from passerelles.actors.models import Actor, ActorChangeRequest
from passerelles.actors.services import changes as changes_services
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role

User = get_user_model()
PASSWORD = "mot-de-passe-de-test"


@pytest.fixture
def account(db):
    return User.objects.create_user("asso@example.org", password=PASSWORD)


@pytest.fixture
def entry(world, account):
    return ActorFactory(
        organisation=world.org,
        name="Les Amis de Kayes",
        description="Partenariat avec Kayes.",
        website="https://amis.example.org",
        themes=["youth_education"],
        countries=["ML"],
        account=account,
        contact_role="Présidence",
        contact_email="contact@amis.example.org",
        contact_phone="01 60 00 00 00",
        contact_consent_at=timezone.now(),
    )


def edit_data(**overrides):
    data = {
        "name": "Les Amis de Kayes",
        "description": "Partenariat avec Kayes.",
        "website": "https://amis.example.org",
        "commune": "Evry-Courcouronnes",
        "themes": ["youth_education"],
        "countries": "ML",
        "contact_role": "Présidence",
        "contact_email": "contact@amis.example.org",
        "contact_phone": "01 60 00 00 00",
        "contact_consent": "on",
        "is_public": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def public_page(client, world) -> str:
    return client.get(reverse("public_actors:directory", args=[world.org.slug])).content.decode()


def propose(client, account, entry, **overrides):
    client.force_login(account)
    return client.post(reverse("actor_space:edit", args=[entry.pk]), edit_data(**overrides))


def test_edit_of_a_published_entry_waits_and_the_public_keeps_the_old_version(world, client, account, entry):
    response = propose(client, account, entry, name="Amis de Kayes et Bamako", countries="ML, SN")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Les Amis de Kayes" and entry.countries == ["ML"]
    change = ActorChangeRequest.objects.get(actor=entry)
    assert change.status == ChangeRequestStatus.PENDING and change.proposed_by == account
    assert change.proposed == {"name": "Amis de Kayes et Bamako", "countries": ["ML", "SN"]}
    client.logout()
    page = public_page(client, world)
    assert "Les Amis de Kayes" in page and "Bamako" not in page
    geojson = client.get(reverse("public_actors:geojson", args=[world.org.slug])).content.decode()
    assert "Bamako" not in geojson

    # The account sees that its change waits, and edits the pending one rather than stacking a second.
    client.force_login(account)
    home = client.get(reverse("actor_space:home")).content.decode()
    assert "Modification en attente de modération" in home
    form = client.get(reverse("actor_space:edit", args=[entry.pk])).content.decode()
    assert "attend la modération" in form and 'value="Amis de Kayes et Bamako"' in form
    assert propose(client, account, entry, name="Amis de Kayes et de Bamako").status_code == 302
    change = ActorChangeRequest.objects.get(actor=entry)
    assert change.proposed == {"name": "Amis de Kayes et de Bamako"}
    # Back to the published values: nothing waits any more.
    assert propose(client, account, entry).status_code == 302
    assert not ActorChangeRequest.objects.filter(actor=entry).exists()


def test_officer_sees_the_change_field_by_field_and_approves_it(world, client, account, entry):
    propose(client, account, entry, name="Amis de Kayes et Bamako", themes=["youth_education", "democracy"])
    change = ActorChangeRequest.objects.get(actor=entry)
    officer = world.members[Role.OFFICER]
    client.force_login(officer)
    page = client.get(reverse("actors:moderation", args=[world.org.slug])).content.decode()
    assert "Modifications de fiches publiées" in page
    assert "<del>Les Amis de Kayes</del>" in page and "<ins>Amis de Kayes et Bamako</ins>" in page
    assert "<ins>Jeunesse et éducation, Démocratie participative" in page
    assert reverse("actors:change_approve", args=[world.org.slug, change.pk]) in page
    detail = client.get(reverse("actors:actor", args=[world.org.slug, entry.pk])).content.decode()
    assert "attend la modération" in detail and f"#change-{change.pk}" in detail
    response = client.post(reverse("actors:change_approve", args=[world.org.slug, change.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Amis de Kayes et Bamako" and entry.themes == ["youth_education", "democracy"]
    assert entry.history.order_by("-history_date", "-history_id").first().history_user == officer
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.APPROVED and change.decided_by == officer and change.decided_at
    client.logout()
    assert "Amis de Kayes et Bamako" in public_page(client, world)
    # Decided once only.
    client.force_login(officer)
    client.post(reverse("actors:change_approve", args=[world.org.slug, change.pk]))
    assert "déjà été traitée" in client.get(reverse("actors:moderation", args=[world.org.slug])).content.decode()


def test_reject_keeps_the_published_version_and_emails_the_reason(
    world, client, account, entry, django_capture_on_commit_callbacks
):
    propose(client, account, entry, description="Tout autre chose.")
    change = ActorChangeRequest.objects.get(actor=entry)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("actors:change_reject", args=[world.org.slug, change.pk])
    response = client.post(url, {f"c{change.pk}-message": "   "})
    assert response.status_code == 422 and "Expliquez le refus" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"c{change.pk}-message": "Description hors sujet <b>pour</b> l'annuaire."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.REJECTED and change.reason.startswith("Description hors sujet")
    entry.refresh_from_db()
    assert entry.description == "Partenariat avec Kayes."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["asso@example.org"]
    assert "Description hors sujet <b>pour</b> l'annuaire." in mail.outbox[0].body
    assert reverse("actor_space:edit", args=[entry.pk]) in mail.outbox[0].body
    # The account sees the refusal and its reason (escaped) on its form.
    client.force_login(account)
    form = client.get(reverse("actor_space:edit", args=[entry.pk])).content.decode()
    assert "a été refusée" in form and "Description hors sujet &lt;b&gt;pour&lt;/b&gt;" in form
    # A new proposal is possible after a refusal.
    assert propose(client, account, entry, description="Encore autre chose.").status_code == 302
    assert ActorChangeRequest.objects.filter(actor=entry, status=ChangeRequestStatus.PENDING).count() == 1


def test_reject_reason_too_long_is_refused(world, client, account, entry):
    propose(client, account, entry, name="Autre nom")
    change = ActorChangeRequest.objects.get(actor=entry)
    client.force_login(world.members[Role.ADMIN])
    response = client.post(
        reverse("actors:change_reject", args=[world.org.slug, change.pk]), {f"c{change.pk}-message": "x" * 2001}
    )
    assert response.status_code == 422
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING


def test_unticking_consent_erases_at_once_and_contact_needs_no_moderation(world, client, account, entry):
    assert propose(client, account, entry, contact_consent=None, name="Nom proposé").status_code == 302
    entry.refresh_from_db()
    assert (entry.contact_email, entry.contact_phone, entry.contact_consent_at) == ("", "", None)
    assert entry.name == "Les Amis de Kayes"
    assert ActorChangeRequest.objects.get(actor=entry).proposed == {"name": "Nom proposé"}
    # A contact is never published: written at once, with its consent.
    assert propose(client, account, entry, contact_email="bureau@amis.example.org").status_code == 302
    entry.refresh_from_db()
    assert entry.contact_email == "bureau@amis.example.org" and entry.contact_consent_at is not None


def test_hiding_the_entry_is_immediate_showing_it_again_is_moderated(world, client, account, entry):
    assert propose(client, account, entry, is_public=None).status_code == 302
    entry.refresh_from_db()
    assert entry.is_public is False and not ActorChangeRequest.objects.filter(actor=entry).exists()
    assert propose(client, account, entry).status_code == 302
    entry.refresh_from_db()
    assert entry.is_public is False
    assert ActorChangeRequest.objects.get(actor=entry).proposed == {"is_public": True}


def test_a_pending_entry_is_still_edited_directly(world, client, account):
    pending = ActorFactory(organisation=world.org, account=account, moderation_status=ModerationStatus.PENDING)
    assert propose(client, account, pending, name="Nom corrigé", contact_email="", contact_phone="").status_code == 302
    pending.refresh_from_db()
    assert pending.name == "Nom corrigé" and not ActorChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"name": "x" * 300}, "au plus 255"),
        ({"description": "x" * 5001}, "au plus 5000"),
        ({"countries": "Mali"}, "codes ISO"),
        ({"countries": "ML\x00"}, "codes ISO"),
        ({"siret": "123"}, "SIRET"),
        ({"rna": "W12"}, "RNA"),
        ({"website": "javascript:alert(1)"}, "URL valide"),
        ({"themes": ["not-a-theme"]}, "Sélectionnez un choix valide"),
    ],
)
def test_hostile_input_in_the_change_form_is_refused(world, client, account, entry, overrides, field_message):
    response = propose(client, account, entry, **overrides)
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not ActorChangeRequest.objects.exists()
    entry.refresh_from_db()
    assert entry.name == "Les Amis de Kayes"


def test_hostile_text_is_shown_as_text_to_the_officer(world, client, account, entry):
    propose(client, account, entry, name="<script>alert(1)</script>")
    client.force_login(world.members[Role.OFFICER])
    page = client.get(reverse("actors:moderation", args=[world.org.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_one_pending_change_per_entry_in_the_database(world, entry):
    ActorChangeRequest.objects.create(organisation=world.org, actor=entry, proposed={"name": "A"})
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorChangeRequest.objects.create(organisation=world.org, actor=entry, proposed={"name": "B"})
    ActorChangeRequest.objects.create(
        organisation=world.org, actor=entry, proposed={"name": "C"}, status=ChangeRequestStatus.REJECTED
    )


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMIN, Role.OFFICER}))
def test_only_moderators_decide(world, account, entry, role):
    change = ActorChangeRequest.objects.create(organisation=world.org, actor=entry, proposed={"name": "Nouveau"})
    user = world.members[role]
    with pytest.raises(PermissionDenied):
        changes_services.actor_change_approve(change=change, user=user)
    with pytest.raises(PermissionDenied):
        changes_services.actor_change_reject(change=change, user=user, reason="Non")
    with pytest.raises(PermissionDenied):
        changes_services.actor_change_approve(change=change, user=account)
    entry.refresh_from_db()
    assert entry.name == "Les Amis de Kayes"


def test_another_organisations_officer_gets_404_and_cannot_decide(world, client, account, entry):
    change = ActorChangeRequest.objects.create(organisation=world.org, actor=entry, proposed={"name": "Nouveau"})
    outsider = world.outsider  # the admin of the other organisation
    client.force_login(outsider)
    for name in ("change_approve", "change_reject"):
        # Through one's own space, another organisation's change is a 404.
        response = client.post(reverse(f"actors:{name}", args=[world.other_org.slug, change.pk]))
        assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        changes_services.actor_change_approve(change=change, user=outsider)
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING
    assert Actor.objects.get(pk=entry.pk).name == "Les Amis de Kayes"


def test_service_refuses_a_proposal_for_someone_elses_entry(world, entry):
    stranger = User.objects.create_user("autre@example.org")
    with pytest.raises(PermissionDenied):
        changes_services.actor_propose_change(actor=entry, user=stranger, name="Volé")
    with pytest.raises(ValidationError):
        pending = ActorFactory(organisation=world.org, account=entry.account, moderation_status="pending")
        changes_services.actor_propose_change(actor=pending, user=entry.account, name="X")
