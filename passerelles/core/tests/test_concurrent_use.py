"""Ten people log in and submit a form at the same moment, through a real HTTP server: no "database is locked", no
500, every login and every note recorded. On the embedded SQLite (a file, as in production: see settings.test) and
on PostgreSQL (DATABASE_URL).

SQLite only holds up because of the options in settings.base: WAL, IMMEDIATE transactions and a busy timeout.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.core.tests.factories import MembershipFactory, UserFactory
from passerelles.strategy.models import ProgressNote

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 10
PASSWORD = "mot-de-passe-de-test"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def journey(base_url: str, email: str, action_url: str, note_url: str, start: threading.Barrier) -> list[int]:
    """GET the login page, POST the login (with its CSRF token), then POST a progress note. The statuses."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def call(path, data=None, referer=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base_url + path, data=body, headers={"Referer": referer or base_url + path})
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    statuses = []
    status, html = call("/comptes/connexion/")
    statuses.append(status)
    token = CSRF_INPUT.search(html).group(1)
    start.wait(timeout=30)  # everybody presses "Se connecter" at once
    status, _ = call("/comptes/connexion/", {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
    statuses.append(status)
    status, html = call(action_url)
    statuses.append(status)
    token = CSRF_INPUT.search(html).group(1)
    status, _ = call(
        note_url, {"csrfmiddlewaretoken": token, "noted_on": "2026-03-02", "text": f"Note de {email}"}
    )
    statuses.append(status)
    return statuses


def test_ten_people_log_in_and_submit_at_once(live_server, world):
    emails = [f"agent{n}@alpha.test" for n in range(PEOPLE)]
    for email in emails:
        MembershipFactory(organisation=world.org, user=UserFactory(email=email), role=Role.OFFICER)
    action_url = reverse("strategy:action", args=["alpha", world.action.pk])
    note_url = reverse("strategy:action_note", args=["alpha", world.action.pk])
    start = threading.Barrier(PEOPLE)
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        results = list(pool.map(lambda e: journey(live_server.url, e, action_url, note_url, start), emails))
    assert results == [[200, 302, 200, 302]] * PEOPLE
    notes = set(ProgressNote.objects.filter(action=world.action).values_list("text", flat=True))
    assert notes == {f"Note de {email}" for email in emails}
