"""Security headers (CSP, Permissions-Policy, caching), the idle session timeout, and templates fit for the CSP."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from passerelles.core.enums import Role
from passerelles.core.tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "mot-de-passe-de-test"


def csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_back_office_page_has_the_policy_and_is_not_stored(world, client):
    client.force_login(world.members[Role.ADMIN])
    response = client.get(reverse("strategy:overview", args=["alpha"]))
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'" and policy["img-src"] == "'self' data:"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert no_store(response)


def test_account_pages_are_not_stored(client, db):
    assert no_store(client.get(reverse("core:login")))
    assert no_store(client.get(reverse("core:password_reset")))


def test_exports_are_not_stored(world, client):
    client.force_login(world.members[Role.ADMIN])
    response = client.get(reverse("strategy:plan_export", args=["alpha"]) + "?format=csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert no_store(response) and "Content-Security-Policy" in response.headers


@pytest.fixture
def public_org(db):
    return OrganisationFactory(slug="alpha", name="Agglomération Alpha")


def test_public_pages_stay_cacheable_but_keep_the_policy(client, public_org):
    response = client.get(reverse("public_actors:map", args=["alpha"]))
    assert response.status_code == 200
    assert not no_store(response)
    assert csp(response)["frame-ancestors"] == "'none'" and response["X-Frame-Options"] == "DENY"


def test_public_downloads_are_not_stored(client, public_org):
    response = client.get(reverse("public_actors:export", args=["alpha"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert no_store(response)


def test_the_embeddable_map_may_be_framed_by_any_site(client, public_org):
    response = client.get(reverse("public_actors:embed", args=["alpha"]))
    assert response.status_code == 200 and "X-Frame-Options" not in response.headers
    policy = csp(response)
    assert policy["frame-ancestors"] == "*" and policy["script-src"] == "'self'"


def test_an_online_tile_layer_is_allowed_as_images(client, public_org, settings):
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    policy = csp(client.get(reverse("public_actors:map", args=["alpha"])))
    assert policy["img-src"] == "'self' data: https://*.tile.example.org"


def test_static_files_are_cacheable(client, db):
    response = client.get(settings.STATIC_URL + "css/passerelles.css")
    assert response.status_code == 200
    assert not no_store(response)


def test_csrf_cookie_is_http_only_and_no_script_reads_cookies(client, db):
    response = client.get(reverse("core:login"))
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    for script in (ROOT / "static" / "js").glob("*.js"):
        assert "cookie" not in script.read_text().lower(), script


# -- templates fit for the policy ------------------------------------------------------------------------------------

TEMPLATES = sorted(p for p in (ROOT / "passerelles").rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_templates_were_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_event_handler_or_style_attribute(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js"
    assert not EVENT_ATTRIBUTE.search(text), "on*= or hx-on attribute: add a listener in static/js"
    if "/pdf/" not in str(path):  # PDFs are rendered by WeasyPrint, never served to a browser
        assert not STYLE_ATTRIBUTE.search(text), "style= attribute: use a class (see templatetags/charts.py)"
        assert "<style" not in text, "<style> element: use static/css"


def test_the_checks_catch_what_they_look_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert EVENT_ATTRIBUTE.search('<a onclick="x()">') and EVENT_ATTRIBUTE.search('<form hx-on::before-swap="x">')
    assert not EVENT_ATTRIBUTE.search('<a data-once="1" hx-post="/x">')
    assert STYLE_ATTRIBUTE.search('<span style="width: 1%">') and not STYLE_ATTRIBUTE.search('<span class="pct-1">')


def test_bar_width_classes_add_up_and_exist_in_the_stylesheet():
    from passerelles.core.templatetags.charts import pct, shares

    assert shares(1, 1, 1) == [34, 33, 33] and shares(0, 0) == [0, 0] and sum(shares(3, 7, 11, 0)) == 100
    assert shares("12.5", None, "x", -4) == [100, 0, 0, 0]
    assert [pct(v) for v in (-5, 0, 49.6, 100, 250, None, "abc")] == [0, 0, 50, 100, 100, 0, 0]
    css = (ROOT / "static" / "css" / "passerelles.css").read_text()
    assert all(f".pct-{n} {{ width: {n}%; }}" in css for n in range(101))


# -- idle session -----------------------------------------------------------------------------------------------------

T0 = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(0))


def test_an_idle_session_ends_with_a_message(world, client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    overview = reverse("strategy:overview", args=["alpha"])
    with time_machine.travel(T0, tick=False) as clock:
        credentials = {"username": "officer@alpha.test", "password": PASSWORD}
        assert client.post(reverse("core:login"), credentials).status_code == 302
        assert client.get(overview).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(overview).status_code == 200  # activity: the clock starts again
        clock.shift(timedelta(minutes=29))
        assert client.get(overview).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(overview)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "Votre session a expiré" in page


def test_the_last_activity_is_written_at_most_once_a_minute(world, client):
    overview = reverse("strategy:overview", args=["alpha"])
    with time_machine.travel(T0, tick=False) as clock:
        client.force_login(world.members[Role.OFFICER])  # the clock starts at login
        first = client.session["last_activity"]
        assert first == int(T0.timestamp())
        clock.shift(timedelta(seconds=30))
        client.get(overview)
        clock.shift(timedelta(seconds=29))
        client.get(overview)
        assert client.session["last_activity"] == first
        clock.shift(timedelta(seconds=2))
        client.get(overview)
        assert client.session["last_activity"] == first + 61


def test_an_idle_htmx_request_sends_the_whole_page_to_login(world, client):
    overview = reverse("strategy:overview", args=["alpha"])
    with time_machine.travel(T0, tick=False) as clock:
        client.force_login(world.members[Role.OFFICER])
        clock.shift(timedelta(hours=2))
        response = client.get(overview, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/alpha/x/"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("core:login") + "?next=%2Falpha%2Fx%2F"
