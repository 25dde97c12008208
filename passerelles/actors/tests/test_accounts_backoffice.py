"""Actor accounts in the back office: invitation, removal, approval of a registration, register of requests."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.actors.enums import DataRequestKind, ModerationStatus
from passerelles.actors.models import Actor, PersonalDataRequest
from passerelles.actors.services import accounts as accounts_services
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role
from passerelles.core.models import Membership

User = get_user_model()


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def test_invite_creates_an_account_without_membership_and_a_working_link(
    world, client, django_capture_on_commit_callbacks
):
    actor = ActorFactory(organisation=world.org)
    client.force_login(world.members[Role.OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, "actors:actor_account_invite", actor.pk), {"email": " Asso@Example.org "})
    assert response.status_code == 302
    actor.refresh_from_db()
    user = actor.account
    assert user.email == "asso@example.org" and not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["asso@example.org"]
    link = _link(mail.outbox[0].body)
    assert actor.name in mail.outbox[0].body
    # The set-password link works: the reset view redirects to its "set-password" form, which then accepts one.
    client.logout()
    path = link.split("testserver", 1)[-1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Un-mot-de-passe-solide-42", "new_password2": "Un-mot-de-passe-solide-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-mot-de-passe-solide-42")
    # Logged in, the account lands in its space, and the back office is closed to it.
    assert client.login(email="asso@example.org", password="Un-mot-de-passe-solide-42")
    assert client.get(reverse("core:home"))["Location"] == reverse("actor_space:home")
    for name, args in [
        ("actors:directory", []),
        ("actors:actor", [actor.pk]),
        ("actors:data_requests", []),
        ("strategy:overview", []),
    ]:
        assert client.get(url(world, name, *args)).status_code in (403, 404)
    assert (
        client.post(url(world, "actors:actor_account_invite", actor.pk), {"email": "x@example.org"}).status_code == 404
    )


def test_staff_email_is_linked_without_a_new_membership(world, django_capture_on_commit_callbacks):
    actor = ActorFactory(organisation=world.org)
    viewer = world.members[Role.VIEWER]
    before = Membership.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.actor_account_invite(
            actor=actor, email=viewer.email, by=world.members[Role.ADMIN], base_url="https://example.test/"
        )
    actor.refresh_from_db()
    assert actor.account == viewer
    assert Membership.objects.count() == before
    # An account with a password is sent to its space, not to a reset link.
    assert "https://example.test/comptes/acteur/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Ce champ est obligatoire"),
        ("pas-une-adresse", "adresse de courriel valide"),
        ("a" * 250 + "@example.org", "au plus 254"),
        ("<script>alert(1)</script>@x.org", "adresse de courriel valide"),
    ],
)
def test_invite_bad_input_is_refused_on_the_field(world, client, email, message):
    actor = ActorFactory(organisation=world.org)
    client.force_login(world.members[Role.OFFICER])
    response = client.post(url(world, "actors:actor_account_invite", actor.pk), {"email": email})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "<script>alert" not in page
    actor.refresh_from_db()
    assert actor.account is None and len(mail.outbox) == 0


def test_invite_refuses_a_linked_or_rejected_entry_and_revoke_unlinks(world, client):
    other = User.objects.create_user("autre@example.org")
    actor = ActorFactory(organisation=world.org, account=other)
    rejected = ActorFactory(organisation=world.org, moderation_status=ModerationStatus.REJECTED)
    client.force_login(world.members[Role.OFFICER])
    response = client.post(url(world, "actors:actor_account_invite", actor.pk), {"email": "neuf@example.org"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "déjà reliée à un autre compte" in page
    assert url(world, "actors:actor_account_revoke", actor.pk) in page
    response = client.post(url(world, "actors:actor_account_invite", rejected.pk), {"email": "neuf@example.org"})
    assert response.status_code == 422 and "refusée" in response.content.decode()
    assert not User.objects.filter(email="neuf@example.org").exists()
    # The detail page shows the linked account to the staff, with the revoke button.
    detail = client.get(url(world, "actors:actor", actor.pk)).content.decode()
    assert "autre@example.org" in detail and url(world, "actors:actor_account_revoke", actor.pk) in detail
    assert client.post(url(world, "actors:actor_account_revoke", actor.pk)).status_code == 302
    actor.refresh_from_db()
    assert actor.account is None
    assert User.objects.filter(email="autre@example.org", is_active=True).exists()
    detail = client.get(url(world, "actors:actor", actor.pk)).content.decode()
    assert url(world, "actors:actor_account_invite", actor.pk) in detail


def test_account_block_is_hidden_from_readers(world, client):
    other = User.objects.create_user("cache@example.org")
    actor = ActorFactory(organisation=world.org, account=other)
    client.force_login(world.members[Role.CONTRIBUTOR])
    page = client.get(url(world, "actors:actor", actor.pk)).content.decode()
    assert "cache@example.org" not in page and "actor-account" not in page


def test_another_organisations_entry_is_404(world, client):
    foreign = ActorFactory(organisation=world.other_org)
    client.force_login(world.members[Role.OFFICER])
    assert client.post(url(world, "actors:actor_account_invite", foreign.pk), {"email": "a@b.org"}).status_code == 404
    assert client.post(url(world, "actors:actor_account_revoke", foreign.pk)).status_code == 404


def test_registration_with_account_email_then_approval_sends_the_invite(
    world, client, django_capture_on_commit_callbacks
):
    cache.clear()
    data = {
        "name": "Les Amis de Kayes",
        "kind": "association",
        "account_request_email": "Compte@Amis.example.org",
    }
    register = reverse("public_actors:register", args=[world.org.slug])
    assert "Adresse pour créer un compte" in client.get(register).content.decode()
    assert client.post(register, data, REMOTE_ADDR="10.9.9.9").status_code == 302
    actor = Actor.objects.get(name="Les Amis de Kayes")
    assert actor.account_request_email == "compte@amis.example.org" and actor.account is None
    assert client.post(register, {**data, "account_request_email": "nope"}, REMOTE_ADDR="10.9.9.9").status_code == 422
    client.force_login(world.members[Role.OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(world, "actors:actor_approve", actor.pk)).status_code == 302
    actor.refresh_from_db()
    assert actor.moderation_status == ModerationStatus.APPROVED
    assert actor.account.email == "compte@amis.example.org" and actor.account_request_email == ""
    assert not actor.account.memberships.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["compte@amis.example.org"]
    assert "/comptes/mot-de-passe/" in mail.outbox[0].body


def test_approval_with_an_unusable_account_request_still_approves(world, django_capture_on_commit_callbacks):
    from passerelles.actors.services.directory import actor_approve

    User.objects.create_user("ferme@example.org", is_active=False)
    actor = ActorFactory(organisation=world.org, pending=True, account_request_email="ferme@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        actor_approve(actor=actor, user=world.members[Role.OFFICER])
    actor.refresh_from_db()
    assert actor.moderation_status == ModerationStatus.APPROVED
    assert actor.account is None and actor.account_request_email == ""
    assert mail.outbox == []


# -- the register --------------------------------------------------------------------------------------------


def _requests(world, start, count):
    PersonalDataRequest.objects.bulk_create(
        PersonalDataRequest(
            organisation=world.org,
            kind=DataRequestKind.EXPORT if n % 2 else DataRequestKind.ERASURE,
            actor_name=f"Structure {n:04}",
            summary='=HYPERLINK("x")' if n == 0 else "Fait.",
        )
        for n in range(start, start + count)
    )


def _count(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_register_filters_exports_and_costs_constant_queries(world, client):
    PersonalDataRequest.objects.create(organisation=world.other_org, kind="export", actor_name="Ailleurs")
    _requests(world, 0, 5)
    client.force_login(world.members[Role.OFFICER])
    page_url = url(world, "actors:data_requests")
    export_url = url(world, "actors:data_requests_export")
    page = client.get(page_url).content.decode()
    assert "Structure 0000" in page and "Ailleurs" not in page
    filtered = client.get(page_url, {"kind": "erasure"}).content.decode()
    assert "Structure 0000" in filtered and "Structure 0001" not in filtered
    assert client.get(page_url, {"kind": "<script>"}).status_code == 200
    body = client.get(export_url, {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Demande" and len(rows) == 6
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    workbook = load_workbook(io.BytesIO(client.get(export_url, {"format": "xlsx", "kind": "export"}).content))
    assert workbook.active.max_row == 3
    assert client.get(export_url, {"format": "pdf"}).status_code == 404
    small = (_count(client, page_url), _count(client, export_url, {"format": "csv"}))
    _requests(world, 5, 200)
    large = (_count(client, page_url), _count(client, export_url, {"format": "csv"}))
    assert small == large
