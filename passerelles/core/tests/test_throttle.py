"""Login throttling: per account, per address, the message, the unlock (audited, scoped), proxies, expiry."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from passerelles.core.enums import Role
from passerelles.core.models import AccountUnlock, LoginFailure, Membership

PASSWORD = "mot-de-passe-de-test"
LOGIN = "/comptes/connexion/"
T0 = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_THROTTLE = {"WINDOW_SECONDS": 900, "ACCOUNT_LIMIT": 3, "ADDRESS_LIMIT": 5}
    settings.TRUSTED_PROXIES = []


def attempt(client, email, password="faux", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, email, times, **extra):
    for _ in range(times):
        assert attempt(client, email, **extra).status_code == 200


def test_failures_lock_the_account_even_with_the_right_password(world, client):
    with time_machine.travel(T0, tick=False):
        fail(client, "officer@alpha.test", 3)
        response = attempt(client, "OFFICER@alpha.test", PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    html = response.content.decode()
    assert "Trop de tentatives infructueuses" in html and "réessayez dans 15 minutes" in html
    assert "incorrect" not in html
    # Refused attempts while locked are not counted: the lock ends when announced.
    assert LoginFailure.objects.filter(username="officer@alpha.test").count() == 3


def test_the_account_lock_holds_from_another_address(world, client):
    with time_machine.travel(T0, tick=False):
        fail(client, "officer@alpha.test", 3, REMOTE_ADDR="203.0.113.1")
        response = attempt(client, "officer@alpha.test", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert "Trop de tentatives" in response.content.decode() and not logged_in(client)


def test_two_failures_then_success_clears_the_count(world, client):
    with time_machine.travel(T0, tick=False):
        fail(client, "officer@alpha.test", 2)
        assert attempt(client, "officer@alpha.test", PASSWORD).status_code == 302
        client.logout()
        fail(client, "officer@alpha.test", 2)
        assert attempt(client, "officer@alpha.test", PASSWORD).status_code == 302


def test_the_lock_expires_and_the_wait_shrinks(world, client):
    with time_machine.travel(T0, tick=False) as clock:
        fail(client, "officer@alpha.test", 3)
        clock.shift(timedelta(minutes=10))
        assert "réessayez dans 5 minutes" in attempt(client, "officer@alpha.test", PASSWORD).content.decode()
        clock.shift(timedelta(minutes=4, seconds=30))
        assert "réessayez dans 1 minute." in attempt(client, "officer@alpha.test", PASSWORD).content.decode()
        clock.shift(timedelta(seconds=31))
        assert attempt(client, "officer@alpha.test", PASSWORD).status_code == 302


def test_one_address_is_locked_across_usernames(world, client):
    with time_machine.travel(T0, tick=False):
        for n in range(5):
            attempt(client, f"inconnu{n}@example.org", REMOTE_ADDR="203.0.113.9")
        blocked = attempt(client, "viewer@alpha.test", PASSWORD, REMOTE_ADDR="203.0.113.9")
        assert "Trop de tentatives" in blocked.content.decode() and not logged_in(client)
        # The same account from another address is not concerned.
        assert attempt(client, "viewer@alpha.test", PASSWORD, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(world, client):
    with time_machine.travel(T0, tick=False):
        for n in range(5):
            attempt(client, f"x{n}@example.org", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
        spoofed = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
        blocked = attempt(client, "viewer@alpha.test", PASSWORD, **spoofed)
    assert "Trop de tentatives" in blocked.content.decode()
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(world, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    with time_machine.travel(T0, tick=False):
        for n in range(5):
            # The client may prepend anything; the proxies append the address they saw.
            attempt(client, f"x{n}@example.org", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2", **proxy)
        blocked = attempt(client, "viewer@alpha.test", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
        assert "Trop de tentatives" in blocked.content.decode()
        # Another client behind the same proxy logs in.
        other = attempt(client, "viewer@alpha.test", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.3", **proxy)
        assert other.status_code == 302
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@pytest.mark.parametrize("forwarded", ["", "not-an-ip", "203.0.113.9, garbage", "x" * 5000])
def test_malformed_forwarded_for_falls_back_to_a_trusted_address(world, client, settings, forwarded):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = attempt(client, "officer@alpha.test", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200
    assert LoginFailure.objects.get().ip_address in {"127.0.0.1", "203.0.113.9"}


def lock(client, email):
    with time_machine.travel(timezone.now(), tick=False):
        fail(client, email, 3)


def test_admin_sees_the_lock_and_lifts_it_and_the_journal_says_so(world, client):
    officer = world.members[Role.OFFICER]
    membership = Membership.objects.get(organisation=world.org, user=officer)
    lock(client, officer.email)
    admin = world.members[Role.ADMIN]
    client.force_login(admin)
    listing = client.get(reverse("core:members", args=["alpha"])).content.decode()
    assert listing.count("connexion bloquée") == 1
    page = client.get(reverse("core:member_edit", args=["alpha", membership.pk])).content.decode()
    assert "Connexion bloquée" in page and "Débloquer la connexion" in page
    response = client.post(reverse("core:member_unlock", args=["alpha", membership.pk]))
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username=officer.email).exists()
    unlock = AccountUnlock.objects.get()
    assert unlock.organisation == world.org and unlock.user == officer
    assert unlock.history.get().history_user == admin
    journal = client.get(reverse("core:journal", args=["alpha"])).content.decode()
    assert officer.email in journal
    page = client.get(reverse("core:member_edit", args=["alpha", membership.pk])).content.decode()
    assert "Connexion bloquée" not in page
    assert "connexion bloquée" not in client.get(reverse("core:members", args=["alpha"])).content.decode()
    client.logout()
    assert attempt(client, officer.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_the_admin_may_unlock(world, client, role):
    officer_membership = Membership.objects.get(organisation=world.org, user=world.members[Role.OFFICER])
    lock(client, "officer@alpha.test")
    client.force_login(world.members[role])
    response = client.post(reverse("core:member_unlock", args=["alpha", officer_membership.pk]))
    assert response.status_code in {403, 404}
    assert LoginFailure.objects.count() == 3 and not AccountUnlock.objects.exists()


def test_an_admin_cannot_unlock_a_member_of_another_organisation(world, client):
    outsider_membership = Membership.objects.get(user=world.outsider)
    lock(client, world.outsider.email)
    client.force_login(world.members[Role.ADMIN])
    # Neither through his own space (the membership is not in it) nor through the other space.
    assert client.post(reverse("core:member_unlock", args=["alpha", outsider_membership.pk])).status_code == 404
    assert client.post(reverse("core:member_unlock", args=["beta", outsider_membership.pk])).status_code == 404
    assert LoginFailure.objects.count() == 3 and not AccountUnlock.objects.exists()


def test_anonymous_cannot_unlock(world, client):
    membership = Membership.objects.get(organisation=world.org, user=world.members[Role.OFFICER])
    lock(client, "officer@alpha.test")
    response = client.post(reverse("core:member_unlock", args=["alpha", membership.pk]))
    assert response.status_code == 302 and "connexion" in response["Location"]
    assert LoginFailure.objects.count() == 3


def test_management_command_unlocks_an_account_and_an_address(world, client):
    lock(client, "officer@alpha.test")
    call_command("unlock_login", "--email", "Officer@alpha.test", "--ip", "127.0.0.1", stdout=open("/dev/null", "w"))
    assert not LoginFailure.objects.exists()
    assert AccountUnlock.objects.get().history.get().history_user is None
    assert attempt(client, "officer@alpha.test", PASSWORD).status_code == 302


def test_password_reset_requests_are_throttled(world, client, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "RESET_ACCOUNT_LIMIT": 2, "RESET_ADDRESS_LIMIT": 4}
    url = reverse("core:password_reset")
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(2):
            assert client.post(url, {"email": "officer@alpha.test"}).status_code == 302
        response = client.post(url, {"email": "officer@alpha.test"})
        assert response.status_code == 200 and "Trop de demandes" in response.content.decode()
        assert len(mail.outbox) == 2
        # Per address, whatever the email.
        for n in range(2):
            assert client.post(url, {"email": f"x{n}@example.org"}).status_code == 302
        assert "Trop de demandes" in client.post(url, {"email": "viewer@alpha.test"}).content.decode()
        clock.shift(timedelta(minutes=16))
        assert client.post(url, {"email": "officer@alpha.test"}).status_code == 302
    assert len(mail.outbox) == 3


def test_hostile_login_input_is_refused_cleanly(world, client):
    for data in ({}, {"username": "", "password": ""}, {"username": "a" * 10000, "password": "b" * 10000}):
        assert client.post(LOGIN, data).status_code == 200
    assert not logged_in(client)
