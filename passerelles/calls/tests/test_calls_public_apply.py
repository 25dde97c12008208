"""The association's way in (issue 9, point 5): from the public call to an account, and back to the call."""

import datetime
import re
from urllib.parse import quote, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.tests.factories import ActorFactory
from passerelles.calls.enums import ReportStatus
from passerelles.calls.models import Application
from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, GrantFactory, GrantReportFactory
from passerelles.core.enums import Role

User = get_user_model()
PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _no_rate_limit_carryover():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def call(world):
    return CallFactory(organisation=world.org, title="Solidarité Kayes 2027")


def registration(**overrides):
    data = {
        "name": "Les Amis de Kayes",
        "kind": "association",
        "commune": "Evry-Courcouronnes",
        "description": "Partenariat scolaire avec Kayes.",
        "account_request_email": "Bureau@Amis-Kayes.example.org",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_the_whole_way_in_from_the_public_call_to_an_application(
    world, client, call, django_capture_on_commit_callbacks
):
    call_url = reverse("public_calls:call", args=[world.org.slug, call.pk])
    apply_url = reverse("public_calls:apply", args=[world.org.slug, call.pk])
    start_url = reverse("applicant:start", args=[call.pk])
    page = client.get(call_url).content.decode()
    assert apply_url in page and "Déposer une candidature" in page

    # An unknown association: two ways, log in (to the start) or register with an account (back to the call).
    page = client.get(apply_url).content.decode()
    login_url = f"{reverse('core:login')}?next={quote(start_url, safe='')}"
    register_url = f"{reverse('public_actors:register', args=[world.org.slug])}?next={quote(call_url, safe='')}"
    assert login_url in page and register_url.replace("&", "&amp;") in page

    page = client.get(register_url).content.decode()
    assert f'name="next" value="{call_url}"' in page
    # From a call, the account is not optional.
    response = client.post(register_url, registration(account_request_email="", next=call_url))
    assert response.status_code == 422 and not Actor.objects.exists()

    response = client.post(register_url, registration(next=call_url))
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "attend la validation" in thanks and f'href="{call_url}"' in thanks
    actor = Actor.objects.get(name="Les Amis de Kayes")
    assert actor.moderation_status == ModerationStatus.PENDING and actor.account is None
    assert actor.account_request_next == call_url
    # Still pending: not in the public directory, no account yet, no email.
    assert not mail.outbox

    # The officer approves: the invitation's link sets a password and leads back to the call.
    officer = world.members[Role.OFFICER]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("actors:actor_approve", args=[world.org.slug, actor.pk])).status_code == 302
    client.logout()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bureau@amis-kayes.example.org"]
    assert "vous y ramène" in mail.outbox[0].body
    link = urlparse(link_in(mail.outbox[0]))
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 302  # Django hides the token behind a redirect
    set_password = response["Location"]
    response = client.post(set_password, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == call_url
    actor.refresh_from_db()
    assert actor.account.check_password(PASSWORD) and actor.account_request_next == ""

    # Logged in: "Déposer une candidature" goes to the start, and the application starts.
    assert client.get(call_url).status_code == 200
    response = client.get(apply_url)
    assert response["Location"] == start_url
    assert client.get(start_url).status_code == 200
    response = client.post(start_url, {"actor": actor.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(call=call)
    assert application.actor == actor and application.applicant == actor.account


def test_a_known_account_logs_in_and_lands_on_the_start(world, client, call):
    account = User.objects.create_user("asso@example.org", password=PASSWORD)
    ActorFactory(organisation=world.org, account=account)
    start_url = reverse("applicant:start", args=[call.pk])
    response = client.post(
        f"{reverse('core:login')}?next={quote(start_url)}",
        {"username": "asso@example.org", "password": PASSWORD, "next": start_url},
    )
    assert response.status_code == 302 and response["Location"] == start_url


def test_a_closed_call_sends_back_to_its_page(world, client):
    call = CallFactory(organisation=world.org, closed=True)
    response = client.get(reverse("public_calls:apply", args=[world.org.slug, call.pk]))
    assert response["Location"] == reverse("public_calls:call", args=[world.org.slug, call.pk])
    draft = CallFactory(organisation=world.org, draft=True)
    assert client.get(reverse("public_calls:apply", args=[world.org.slug, draft.pk])).status_code == 404
    assert client.get(reverse("public_calls:apply", args=[world.other_org.slug, call.pk])).status_code == 404


HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/appels/",
    "https://evil.example",
    "https://evil.example/public/alpha/appels/1/",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/ /evil.example",
    "\t//evil.example",
    "/" + "a" * 300,
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_open_redirects_are_refused_on_registration(world, client, call, hostile):
    url = reverse("public_actors:register", args=[world.org.slug])
    page = client.get(url, {"next": hostile}).content.decode()
    assert '<input type="hidden" name="next"' not in page and "Pour déposer une candidature" not in page
    response = client.post(url, registration(next=hostile))
    assert response.status_code == 302
    assert response["Location"] == reverse("public_actors:thanks", args=[world.org.slug])
    actor = Actor.objects.get()
    assert actor.account_request_next == ""
    thanks = client.get(reverse("public_actors:thanks", args=[world.org.slug]), {"next": hostile}).content.decode()
    assert "Revenir à l'appel" not in thanks and 'href="javascript' not in thanks and 'href="//evil' not in thanks


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_open_redirects_are_refused_after_setting_the_password(world, client, hostile):
    from passerelles.core.services import _set_password_url

    user = User.objects.create_user("nouveau@example.org")
    user.set_unusable_password()
    user.save()
    link = _set_password_url(user, "")
    response = client.get(link, {"next": hostile})
    response = client.post(response["Location"], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("core:password_reset_complete")
    # Without a safe next, nothing changes for members: no automatic login.
    assert "_auth_user_id" not in client.session


def test_actor_space_blocks_show_own_applications_grants_and_reports_only(world, client):
    account = User.objects.create_user("asso@example.org", password=PASSWORD)
    mine = ActorFactory(organisation=world.org, account=account, name="Les Amis de Kayes")
    theirs = ActorFactory(organisation=world.org, name="Comité Voisin")
    today = timezone.localdate()
    my_application = ApplicationFactory(
        call__organisation=world.org, actor=mine, applicant=account, title="Mon projet"
    )
    grant = GrantFactory(
        application__call__organisation=world.org, application__actor=mine, application__applicant=account
    )
    late = GrantReportFactory(grant=grant, kind="interim", due_on=today - datetime.timedelta(days=3))
    GrantReportFactory(grant=grant, kind="final", due_on=today + datetime.timedelta(days=60))
    GrantReportFactory(
        grant=GrantFactory(
            application__call__organisation=world.org, application__actor=mine, application__applicant=account
        ),
        kind="interim",
        due_on=today - datetime.timedelta(days=90),
        status=ReportStatus.ACCEPTED,
    )
    other_application = ApplicationFactory(call__organisation=world.org, actor=theirs, title="Projet du voisin")
    other_grant = GrantFactory(application__call__organisation=world.org, application__actor=theirs)
    other_report = GrantReportFactory(grant=other_grant, kind="interim", due_on=today)
    client.force_login(account)
    page = client.get(reverse("actor_space:home")).content.decode()
    for title in ("Mes candidatures", "Mes subventions", "Rapports attendus"):
        assert title in page
    assert reverse("applicant:application", args=[my_application.pk]) in page and "Mon projet" in page
    assert reverse("applicant:grant", args=[grant.application_id]) in page and grant.agreement_number in page
    assert reverse("applicant:report", args=[late.pk]) in page and "EN RETARD" in page
    assert page.count("EN RETARD") == 1
    assert "Projet du voisin" not in page and other_grant.agreement_number not in page
    assert reverse("applicant:application", args=[other_application.pk]) not in page
    assert reverse("applicant:report", args=[other_report.pk]) not in page


def test_header_links_a_staff_member_with_entries_to_the_actor_space(world, client):
    officer = world.members[Role.OFFICER]
    client.force_login(officer)
    home = reverse("strategy:overview", args=[world.org.slug])
    assert reverse("actor_space:home") not in client.get(home).content.decode()
    ActorFactory(organisation=world.org, account=officer)
    page = client.get(home).content.decode()
    assert f'href="{reverse("actor_space:home")}"' in page and "Mon espace acteur" in page


def test_start_page_says_a_pending_entry_awaits_moderation(world, client, call):
    account = User.objects.create_user("asso@example.org", password=PASSWORD)
    ActorFactory(organisation=world.org, account=account, name="Comité en attente", pending=True)
    ActorFactory(organisation=world.other_org, account=account, name="Ailleurs", pending=True)
    client.force_login(account)
    page = client.get(reverse("applicant:start", args=[call.pk])).content.decode()
    assert "Comité en attente" in page and "attend la validation" in page and "Ailleurs" not in page
    assert "Commencer ma candidature" not in page
