"""The space of an actor's account: its entries, their edit, the export and the erasure of its personal data."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from passerelles.actors.enums import DataRequestKind, ModerationStatus
from passerelles.actors.models import Actor, PersonalDataRequest
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role

User = get_user_model()
PASSWORD = "mot-de-passe-de-test"


@pytest.fixture
def account(db):
    return User.objects.create_user("asso@example.org", password=PASSWORD)


@pytest.fixture
def entry(world, account):
    from django.utils import timezone

    return ActorFactory(
        organisation=world.org,
        name="Les Amis de Kayes",
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
        "website": "amis.example.org",
        "commune": "Evry",
        "themes": ["youth_education"],
        "countries": "ml, sn",
        "contact_role": "Présidence",
        "contact_email": "contact@amis.example.org",
        "contact_phone": "01 60 00 00 00",
        "contact_consent": "on",
        "is_public": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_home_lists_own_entries_across_organisations(world, client, account, entry):
    elsewhere = ActorFactory(organisation=world.other_org, name="Comité de Beta", account=account, pending=True)
    ActorFactory(organisation=world.org, name="Pas à moi")
    client.force_login(account)
    assert client.get(reverse("core:home"))["Location"] == reverse("actor_space:home")
    page = client.get(reverse("actor_space:home")).content.decode()
    assert entry.name in page and elsewhere.name in page and "Pas à moi" not in page
    assert reverse("actor_space:edit", args=[entry.pk]) in page
    assert reverse("public_actors:directory", args=[world.org.slug]) in page
    assert reverse("public_actors:directory", args=[world.other_org.slug]) not in page  # pending: not public yet
    assert "À modérer" in page


def test_base_template_renders_without_an_organisation(db, client):
    loner = User.objects.create_user("seul@example.org", password=PASSWORD)
    client.force_login(loner)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert "Se déconnecter" in response.content.decode()


def test_anonymous_is_sent_to_login(world, entry, client):
    for name, args in [("home", []), ("edit", [entry.pk]), ("data", []), ("erase", [])]:
        response = client.get(reverse(f"actor_space:{name}", args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert client.post(reverse("actor_space:data_export")).status_code == 302
    assert client.get(reverse("actor_space:erased")).status_code == 200


def test_edit_own_entry_records_history_with_the_user(world, client, account, entry):
    # An entry still waiting for its first moderation is edited directly (a published one: test_changes_moderation.py).
    entry.moderation_status = ModerationStatus.PENDING
    entry.save()
    client.force_login(account)
    page = client.get(reverse("actor_space:edit", args=[entry.pk])).content.decode()
    assert "moderation" not in page and "projects" not in page
    response = client.post(
        reverse("actor_space:edit", args=[entry.pk]),
        edit_data(name="Amis de Kayes", siret="732 829 320 00074", moderation_status="approved", projects=[1]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.name == "Amis de Kayes" and entry.website == "https://amis.example.org"
    assert entry.countries == ["ML", "SN"] and entry.siret == "73282932000074"
    last = entry.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == account and last.name == "Amis de Kayes"


def test_other_accounts_entry_is_404_and_rejected_entry_403(world, client, account):
    stranger = User.objects.create_user("autre@example.org")
    theirs = ActorFactory(organisation=world.org, account=stranger)
    unlinked = ActorFactory(organisation=world.org)
    rejected = ActorFactory(organisation=world.org, account=account, moderation_status=ModerationStatus.REJECTED)
    client.force_login(account)
    for actor in (theirs, unlinked):
        assert client.get(reverse("actor_space:edit", args=[actor.pk])).status_code == 404
        assert client.post(reverse("actor_space:edit", args=[actor.pk]), edit_data(name="Volé")).status_code == 404
    assert client.get(reverse("actor_space:edit", args=[rejected.pk])).status_code == 403
    assert not Actor.objects.filter(name="Volé").exists()
    # A member of staff is no exception: the space only reaches the entries of one's own account.
    client.force_login(world.members[Role.ADMIN])
    assert client.get(reverse("actor_space:edit", args=[theirs.pk])).status_code == 404


def test_consent_rule(world, client, account):
    actor = ActorFactory(organisation=world.org, account=account)
    client.force_login(account)
    edit = reverse("actor_space:edit", args=[actor.pk])
    response = client.post(edit, edit_data(contact_consent=None))
    assert response.status_code == 422
    assert "Cochez cette case" in response.content.decode()
    actor.refresh_from_db()
    assert actor.contact_email == "" and actor.contact_consent_at is None
    assert client.post(edit, edit_data()).status_code == 302
    actor.refresh_from_db()
    assert actor.contact_email == "contact@amis.example.org" and actor.contact_consent_at is not None
    # Withdrawing the consent erases the email and the phone.
    assert client.post(edit, edit_data(contact_consent=None)).status_code == 302
    actor.refresh_from_db()
    assert actor.contact_email == "" and actor.contact_phone == "" and actor.contact_consent_at is None


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"name": "x" * 300}, "au plus 255"),
        ({"description": "x" * 5001}, "au plus 5000"),
        ({"countries": "Mali"}, "codes ISO"),
        ({"contact_phone": "appelez-moi"}, "téléphone"),
        ({"contact_email": "pas-une-adresse"}, "adresse de courriel valide"),
        ({"siret": "123"}, "SIRET"),
        ({"website": "javascript:alert(1)"}, "URL valide"),
    ],
)
def test_bad_input_is_refused(world, client, account, entry, overrides, field_message):
    client.force_login(account)
    response = client.post(reverse("actor_space:edit", args=[entry.pk]), edit_data(**overrides))
    assert response.status_code == 422
    assert field_message in response.content.decode()
    entry.refresh_from_db()
    assert entry.name == "Les Amis de Kayes"


def test_hostile_input_is_shown_as_text(world, client, account, entry):
    client.force_login(account)
    hostile = "<script>alert(1)</script>"
    assert client.post(reverse("actor_space:edit", args=[entry.pk]), edit_data(name=hostile)).status_code == 302
    # Published entry: the proposal waits, and the form shows it back.
    page = client.get(reverse("actor_space:edit", args=[entry.pk])).content.decode()
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_export_json_holds_every_personal_field_and_is_registered(world, client, account, entry):
    client.force_login(account)
    entry.contact_email = "nouveau@amis.example.org"
    entry.save()
    ActorFactory(organisation=world.other_org, account=account)
    assert client.get(reverse("actor_space:data")).status_code == 200
    assert client.get(reverse("actor_space:data_export")).status_code == 405
    response = client.post(reverse("actor_space:data_export"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "asso@example.org" and data["account"]["date_joined"]
    kayes = next(e for e in data["entries"] if e["name"] == "Les Amis de Kayes")
    assert kayes["contact_email"] == "nouveau@amis.example.org" and kayes["contact_consent_at"]
    assert [row["contact_email"] for row in kayes["history"]] == [
        "contact@amis.example.org",
        "nouveau@amis.example.org",
    ]
    requests = PersonalDataRequest.objects.filter(kind=DataRequestKind.EXPORT)
    assert sorted(r.organisation_id for r in requests) == sorted([world.org.pk, world.other_org.pk])
    assert all(r.completed_at for r in requests)


def test_erasure_clears_current_and_historical_contacts(world, client, account, entry):
    entry.contact_phone = "02 00 00 00 00"
    entry.save()
    other_entry = ActorFactory(
        organisation=world.org, contact_email="garde@example.org", contact_consent_at=entry.contact_consent_at
    )
    client.force_login(account)
    assert client.get(reverse("actor_space:erase")).status_code == 200
    response = client.post(reverse("actor_space:erase"), {"password": PASSWORD, "unpublish": "on"})
    assert response["Location"] == reverse("actor_space:erased")
    entry.refresh_from_db()
    assert (entry.contact_email, entry.contact_phone, entry.contact_consent_at, entry.account) == ("", "", None, None)
    assert entry.is_public is False and entry.name == "Les Amis de Kayes"
    history = entry.history.all()
    assert history.count() >= 3
    assert all(h.contact_email == "" and h.contact_phone == "" and h.contact_consent_at is None for h in history)
    assert all(h.account_id is None for h in history)
    other_entry.refresh_from_db()
    assert other_entry.contact_email == "garde@example.org"
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert account.email == f"efface-{account.pk}@invalid" and account.display_name == ""
    request = PersonalDataRequest.objects.get(kind=DataRequestKind.ERASURE)
    assert request.organisation == world.org and request.actor == entry and request.completed_at
    assert "annuaire public" in request.summary
    # Logged out.
    assert client.get(reverse("actor_space:home")).status_code == 302
    # The register shows it to the staff.
    client.force_login(world.members[Role.OFFICER])
    page = client.get(reverse("actors:data_requests", args=[world.org.slug])).content.decode()
    assert "Les Amis de Kayes" in page and "Effacement" in page


@pytest.mark.parametrize("password", ["", "mauvais", "x" * 5000])
def test_erasure_with_a_wrong_password_changes_nothing(world, client, account, entry, password):
    client.force_login(account)
    response = client.post(reverse("actor_space:erase"), {"password": password})
    assert response.status_code == 422
    entry.refresh_from_db()
    account.refresh_from_db()
    assert entry.contact_email == "contact@amis.example.org" and entry.account == account
    assert account.is_active and account.email == "asso@example.org"
    assert not PersonalDataRequest.objects.exists()
    assert client.get(reverse("actor_space:home")).status_code == 200


def test_erasure_keeps_the_login_of_a_staff_member(world, client):
    officer = world.members[Role.OFFICER]
    officer.set_password(PASSWORD)
    officer.save()
    actor = ActorFactory(organisation=world.org, account=officer)
    client.force_login(officer)
    assert client.post(reverse("actor_space:erase"), {"password": PASSWORD}).status_code == 302
    officer.refresh_from_db()
    actor.refresh_from_db()
    assert officer.is_active and actor.account is None


def test_space_pages_cost_constant_queries(world, client, account):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        result = []
        for method, name in [("get", "home"), ("get", "data"), ("post", "data_export")]:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(reverse(f"actor_space:{name}"))
            assert response.status_code == 200
            result.append(len(queries))
        return result

    ActorFactory(organisation=world.org, account=account)
    client.force_login(account)
    client.get(reverse("actor_space:home"))
    small = counts()
    for n in range(8):
        actor = ActorFactory(organisation=world.other_org if n % 2 else world.org, account=account)
        actor.contact_role = f"Fonction {n}"
        actor.save()
    assert counts() == small
