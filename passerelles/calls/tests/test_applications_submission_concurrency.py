"""200 applications submitted at once around the deadline, against a real HTTP server and PostgreSQL: each one is
recorded at most once; and 20 repeated POSTs of one submission make exactly one transition. PostgreSQL only.

The server is Django's live server with its handler threads bounded to 40 at a time: PostgreSQL allows 100 clients
and every handler thread holds one connection. The 200 client threads still connect at once.
"""

import datetime
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import mail
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import ActorKind, ModerationStatus
from passerelles.actors.models import Actor
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide
from passerelles.calls.models import Application, ApplicationTransition, BudgetLine
from passerelles.calls.tests.factories import CallFactory
from passerelles.core.tests.factories import OrganisationFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"),
    pytest.mark.django_db(transaction=True),
]

APPLICATIONS = 200
REPEATS = 20
CSRF = "c" * 32


class BoundedServer(ThreadedWSGIServer):
    request_queue_size = 512
    slots = threading.BoundedSemaphore(40)

    def process_request_thread(self, request, client_address):
        with self.slots:
            super().process_request_thread(request, client_address)


class BoundedLiveServerThread(LiveServerThread):
    server_class = BoundedServer


@pytest.fixture
def server(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    thread = BoundedLiveServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def session_cookie(user) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def post(base, path, cookie, data) -> int:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(
        base + path,
        data=body,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def build(count):
    organisation = OrganisationFactory(slug="charge")
    now = timezone.now()
    call = CallFactory(
        organisation=organisation, opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=1)
    )
    User = get_user_model()
    users = User.objects.bulk_create([User(email=f"asso{i}@charge.test", password="!") for i in range(count)])
    actors = Actor.objects.bulk_create(
        [
            Actor(
                organisation=organisation,
                name=f"Association {i:03}",
                kind=ActorKind.ASSOCIATION,
                moderation_status=ModerationStatus.APPROVED,
                account=user,
                founded_year=2000,
            )
            for i, user in enumerate(users)
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                organisation=organisation,
                call=call,
                actor=actor,
                applicant=user,
                reference=f"AAP-2026-{i + 1:04}",
                title=f"Projet {i}",
                amount_requested=Decimal("5000"),
            )
            for i, (actor, user) in enumerate(zip(actors, users, strict=True))
        ]
    )
    lines = []
    for application in applications:
        common = {"organisation": organisation, "application": application}
        lines += [
            BudgetLine(**common, side=BudgetSide.EXPENSE, label="Dépenses", amount=Decimal("10000")),
            BudgetLine(
                **common, side=BudgetSide.RESOURCE, label="Cet appel", amount=Decimal("5000"), is_this_call=True
            ),
            BudgetLine(**common, side=BudgetSide.RESOURCE, label="Fonds propres", amount=Decimal("5000")),
        ]
    BudgetLine.objects.bulk_create(lines)
    return call, list(zip(applications, users, strict=True))


@mock.patch("passerelles.calls.services.applications.receipt_pdf", lambda application: b"%PDF-1.4 stub")
def test_two_hundred_submissions_at_the_deadline_are_each_recorded_at_most_once(server):
    started = time.monotonic()
    call, pairs = build(APPLICATIONS)
    cookies = {application.pk: session_cookie(user) for application, user in pairs}
    # The deadline falls during the burst: the first ones are on time, the last ones may be late.
    call.closes_at = timezone.now() + datetime.timedelta(seconds=15)
    call.save(update_fields=["closes_at"])
    barrier = threading.Barrier(APPLICATIONS)

    def one(application):
        path = reverse("applicant:submit", args=[application.pk])
        barrier.wait()
        return application.pk, post(server, path, cookies[application.pk], {"submission_key": str(uuid.uuid4())})

    with ThreadPoolExecutor(max_workers=APPLICATIONS) as pool:
        statuses = dict(pool.map(one, [application for application, _user in pairs]))

    assert set(statuses.values()) <= {302, 422}, statuses
    transitions = {}
    for pk in ApplicationTransition.objects.values_list("application_id", flat=True):
        transitions[pk] = transitions.get(pk, 0) + 1
    submitted = set(Application.objects.filter(status=S.SUBMITTED).values_list("pk", flat=True))
    assert all(count == 1 for count in transitions.values())
    assert set(transitions) == submitted == {pk for pk, status in statuses.items() if status == 302}
    assert len(submitted) + sum(1 for s in statuses.values() if s == 422) == APPLICATIONS
    assert len(submitted) > 0
    late = Application.objects.exclude(pk__in=submitted)
    assert all(a.status == S.DRAFT and a.submitted_at is None for a in late)
    assert all(a.submitted_at <= call.closes_at for a in Application.objects.filter(pk__in=submitted))
    assert len(mail.outbox) == len(submitted)
    print(f"\n{len(submitted)} accepted, {APPLICATIONS - len(submitted)} late, {time.monotonic() - started:.1f} s")


@mock.patch("passerelles.calls.services.applications.receipt_pdf", lambda application: b"%PDF-1.4 stub")
def test_twenty_repeats_of_the_same_submission_make_one_transition(server):
    _call, pairs = build(1)
    application, user = pairs[0]
    cookie = session_cookie(user)
    key = str(uuid.uuid4())
    path = reverse("applicant:submit", args=[application.pk])
    barrier = threading.Barrier(REPEATS)

    def one(_i):
        barrier.wait()
        return post(server, path, cookie, {"submission_key": key})

    with ThreadPoolExecutor(max_workers=REPEATS) as pool:
        statuses = list(pool.map(one, range(REPEATS)))
    assert statuses == [302] * REPEATS
    assert ApplicationTransition.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and str(application.submission_key) == key
    assert len(mail.outbox) == 1
