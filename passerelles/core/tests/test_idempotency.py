"""No duplicate on double submit: creation forms carry a token claimed once (`core.idempotency`)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from passerelles.calls.models import Message
from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, RequiredDocumentFactory
from passerelles.core.enums import Role
from passerelles.core.idempotency import FIELD, is_idempotent, new_token, purge_expired, token_is_valid
from passerelles.core.models import SubmissionToken
from passerelles.core.tests.test_permission_matrix import ALL_EXPECTED, TARGETS
from passerelles.steering.enums import TransactionKind
from passerelles.steering.models import Transaction

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _tx_data(s, token=None):
    data = {
        "kind": TransactionKind.DISBURSEMENT,
        "date": "2012-03-01",
        "amount": "655957",
        "currency": "XOF",
        "funder": s.state.pk,
        "description": "Premier versement",
    }
    if token is not None:
        data[FIELD] = token
    return data


# -- the token ------------------------------------------------------------------------------------------------


def test_a_token_is_bound_to_its_user(world):
    officer, admin = world.members[Role.OFFICER], world.members[Role.ADMIN]
    token = new_token(officer)
    assert token_is_valid(token, officer)
    assert not token_is_valid(token, admin)
    assert not token_is_valid(token + "x", officer)
    assert not token_is_valid("", officer)
    assert new_token(officer) != token  # a new one at each render


# -- transactions (steering finance) and messages (calls instruction) --------------------------------------------


def test_the_transaction_form_carries_a_token_of_its_user(steering, login):
    client = login(steering.world.members[Role.OFFICER])
    page = client.get(_url(steering, "steering:transaction_create", steering.project.pk)).content.decode()
    assert token_is_valid(TOKEN.search(page).group(1), steering.world.members[Role.OFFICER])


def test_a_transaction_posted_twice_with_the_same_token_is_recorded_once(steering, login):
    officer = steering.world.members[Role.OFFICER]
    client = login(officer)
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    data = _tx_data(steering, new_token(officer))
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Transaction.objects.count() == 1
    assert "Ce formulaire a déjà été envoyé." in _messages(second)
    assert SubmissionToken.objects.get().response_url == first["Location"]


def test_a_message_posted_twice_with_the_same_token_is_sent_once(world, login, django_capture_on_commit_callbacks):
    from django.core import mail

    application = ApplicationFactory(call=CallFactory(organisation=world.org), submitted=True)
    officer = world.members[Role.OFFICER]
    client = login(officer)
    url = reverse("calls:application_message", args=[world.org.slug, application.pk])
    data = {"body": "Merci de compléter le budget.", FIELD: new_token(officer)}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Message.objects.filter(application=application).count() == 1
    assert len(mail.outbox) == 1


def test_the_applicant_side_message_is_not_sent_twice(world, client, django_capture_on_commit_callbacks):
    application = ApplicationFactory(call=CallFactory(organisation=world.org), submitted=True)
    applicant = application.applicant
    client.force_login(applicant)
    url = reverse("applicant:messages", args=[application.pk])
    page = client.get(url).content.decode()
    token = TOKEN.search(page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"body": "Voici la pièce manquante.", FIELD: token})
        second = client.post(url, {"body": "Voici la pièce manquante.", FIELD: token})
    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(application=application).count() == 1


def test_another_user_cannot_use_a_token(steering, login):
    officer, admin = steering.world.members[Role.OFFICER], steering.world.members[Role.ADMIN]
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    token = new_token(officer)
    login(officer).post(url, _tx_data(steering, token))
    response = login(admin).post(url, _tx_data(steering, token))
    assert response.status_code == 302 and response["Location"] == url  # not where the officer's submission led
    assert Transaction.objects.count() == 1
    assert any("plus valide" in m for m in _messages(response))


@pytest.mark.parametrize("token", ["forged", "1:abc:def", "x" * 5000])
def test_a_forged_token_is_refused_and_nothing_is_saved(steering, login, token):
    client = login(steering.world.members[Role.OFFICER])
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    response = client.post(url, _tx_data(steering, token))
    assert response.status_code == 302
    assert not Transaction.objects.exists() and not SubmissionToken.objects.exists()
    assert any("Ce formulaire n'est plus valide" in m for m in _messages(response))


def test_a_form_without_token_is_still_accepted(steering, login):
    """A page opened before the tokens existed is sent without one: accepted, without protection (docs/design.md)."""
    client = login(steering.world.members[Role.OFFICER])
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    assert client.post(url, _tx_data(steering)).status_code == 302
    assert client.post(url, _tx_data(steering)).status_code == 302
    assert Transaction.objects.count() == 2 and not SubmissionToken.objects.exists()


def test_an_invalid_form_releases_its_token_for_the_corrected_one(steering, login):
    officer = steering.world.members[Role.OFFICER]
    client = login(officer)
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    token = new_token(officer)
    wrong = client.post(url, {**_tx_data(steering, token), "amount": "-5"})
    assert wrong.status_code == 422 and not SubmissionToken.objects.exists()
    assert client.post(url, _tx_data(steering, token)).status_code == 302
    assert client.post(url, _tx_data(steering, token)).status_code == 302
    assert Transaction.objects.count() == 1


# -- cleanup ------------------------------------------------------------------------------------------------------


def test_tokens_older_than_a_week_are_purged(steering, login):
    officer = steering.world.members[Role.OFFICER]
    url = _url(steering, "steering:transaction_create", steering.project.pk)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        login(officer).post(url, _tx_data(steering, new_token(officer)))
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        login(officer).post(url, _tx_data(steering, new_token(officer)))
    assert SubmissionToken.objects.count() == 2
    with time_machine.travel(datetime.datetime(2026, 3, 8, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert purge_expired() == 1
        assert purge_expired() == 0
    assert SubmissionToken.objects.get().created_at == datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC)
    # The command reads the clock too: a day after the last token (not today's date, which tests never depend on).
    with time_machine.travel(datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC), tick=False):
        call_command("purge_form_tokens", "--days", "0", stdout=__import__("io").StringIO())
        assert not SubmissionToken.objects.exists()
        assert purge_expired(now=timezone.now()) == 0


# -- every creation view ------------------------------------------------------------------------------------------


def _idempotent_url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _idempotent_url_names(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and is_idempotent(entry.callback):
            yield namespace + entry.name


COVERED = sorted(set(_idempotent_url_names()))
# Creation views outside an organisation's space: an actor's account, the public registration form.
OUTSIDE = {"applicant:start", "applicant:attachments", "applicant:messages", "public_actors:register"}
# Views answering POST only: the page holding their form.
HOSTS = {
    "core:member_invite": ("core:members", None),
    "strategy:action_note": ("strategy:action", "action"),
    "steering:exchange_rate_create": ("steering:exchange_rates", None),
    "steering:mission_follow_up_create": ("steering:mission", "mission"),
    "steering:evaluation_follow_up_create": ("steering:evaluation", "evaluation"),
    "steering:period_evidence_create": ("steering:period_values", "results_period"),
    "actors:actor_account_invite": ("actors:actor", "account_actor"),
    "actors:census_finding_add_known": ("actors:census_meeting", "census_meeting"),
    "actors:census_finding_add_new": ("actors:census_meeting", "census_meeting"),
    "calls:application_annotate": ("calls:application", "instruction_application"),
    "calls:application_assign": ("calls:application", "instruction_application"),
    "calls:application_message": ("calls:application", "instruction_application"),
    "calls:grant_create": ("calls:session", "committee_session"),
}


def test_the_creation_views_are_covered():
    """The list in the report: a creation view that loses its decorator fails here."""
    assert len(COVERED) >= 48, COVERED
    for name in ("steering:transaction_create", "calls:application_message", "applicant:messages"):
        assert name in COVERED


def _role(allowed):
    for role in (Role.OFFICER, Role.ADMIN, Role.CONTRIBUTOR, Role.PARTNER, Role.REVIEWER, Role.VIEWER):
        if role in allowed:
            return role
    raise AssertionError(allowed)


@pytest.mark.parametrize("name", [n for n in COVERED if n not in OUTSIDE])
def test_every_creation_form_has_a_token_and_a_second_post_creates_nothing(steering, client, name):
    _method, target, allowed, _status = ALL_EXPECTED[name]
    user = steering.world.members[_role(allowed)]
    client.force_login(user)
    args = TARGETS[target](steering) if target else []
    url = reverse(name, args=[steering.world.org.slug, *args])
    host_name, host_target = HOSTS.get(name, (name, target))
    host_args = args if host_name == name else (TARGETS[host_target](steering) if host_target else [])
    page = client.get(reverse(host_name, args=[steering.world.org.slug, *host_args]))
    assert page.status_code == 200, f"{name}: name the page holding its form in HOSTS ({page.status_code})"
    assert 'name="form_token"' in page.content.decode(), f"{host_name} renders no form token"
    # The token was claimed by a first submission that led to /premiere-reponse/: the second creates nothing.
    token = new_token(user)
    SubmissionToken.objects.create(token=token, user=user, response_url="/premiere-reponse/")
    response = client.post(url, {FIELD: token})
    assert response.status_code == 302 and response["Location"] == "/premiere-reponse/"
    assert "Ce formulaire a déjà été envoyé." in _messages(response)


def _outside(world, name):
    """(user, page URL, POST URL) of a creation view outside an organisation's space."""
    from passerelles.actors.tests.factories import ActorFactory
    from passerelles.core.tests.factories import UserFactory

    account = UserFactory(email="asso@example.org")
    actor = ActorFactory(organisation=world.org, name="Les Amis de Kayes", account=account, founded_year=2010)
    call = CallFactory(organisation=world.org)
    RequiredDocumentFactory(call=call)  # the attachments page has one upload form per required document
    if name == "public_actors:register":
        url = reverse(name, args=[world.org.slug])
        return None, url, url
    if name == "applicant:start":
        url = reverse(name, args=[call.pk])
        return account, url, url
    application = ApplicationFactory(call=call, actor=actor, applicant=account, submitted=name == "applicant:messages")
    url = reverse(name, args=[application.pk])
    return account, url, url


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_creation_forms_outside_the_back_office_have_a_token_too(world, client, name):
    user, page_url, post_url = _outside(world, name)
    if user is not None:
        client.force_login(user)
    page = client.get(page_url)
    assert page.status_code == 200
    token = TOKEN.search(page.content.decode()).group(1)
    assert token_is_valid(token, user)
    SubmissionToken.objects.create(token=token, user=user, response_url="/premiere-reponse/")
    response = client.post(post_url, {FIELD: token})
    assert response.status_code == 302 and response["Location"] == "/premiere-reponse/"
