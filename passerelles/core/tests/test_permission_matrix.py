"""Every organisation URL x every role x a member of another organisation x anonymous.

The list of URL names is read from the URL conf: a new view without an expectation fails the build. Expectations
live here for the core and strategy apps, and in `passerelles/<app>/tests/expectations*.py` modules for the others
(each with EXPECTED, same shape as below, and TARGETS: key -> function(steering world) -> URL args after the slug).
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from passerelles.core.enums import Role

ALL = frozenset(Role.values)
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
ADMIN = frozenset({Role.ADMIN})
FOLLOW_UP = EDITORS | {Role.CONTRIBUTOR}  # the contributor belongs to the action's lead directorate

# name: (method, kwargs builder, roles allowed, expected status for an allowed role)
EXPECTED = {
    "core:organisation_home": ("get", None, ALL, 302),
    "core:organisation": ("get", None, ALL, 200),
    "core:organisation_edit": ("get", None, ADMIN, 200),
    "core:directorate_create": ("get", None, ADMIN, 200),
    "core:directorate_edit": ("get", "directorate", ADMIN, 200),
    "core:members": ("get", None, ADMIN, 200),
    "core:journal": ("get", None, ADMIN, 200),
    "core:object_history": ("get", "history", ADMIN, 200),
    "core:member_invite": ("post", None, ADMIN, 422),
    "core:member_edit": ("get", "membership", ADMIN, 200),
    "core:member_unlock": ("post", "membership", ADMIN, 302),
    "strategy:overview": ("get", None, ALL, 200),
    "strategy:documents": ("get", None, ALL, 200),
    "strategy:document_edit": ("get", "document", EDITORS, 200),
    "strategy:document_draft": ("post", "document", EDITORS, 302),
    "strategy:document_adopt": ("post", "document", EDITORS, 302),
    "strategy:orientation": ("get", "orientation", ALL, 200),
    "strategy:orientation_edit": ("get", "orientation", EDITORS, 200),
    "strategy:plan": ("get", None, ALL, 200),
    "strategy:plan_export": ("get", None, ALL - {Role.PARTNER, Role.REVIEWER}, 200),
    "strategy:matrix": ("get", None, ALL, 200),
    "strategy:action_create": ("get", None, EDITORS, 200),
    "strategy:action": ("get", "action", ALL, 200),
    "strategy:action_edit": ("get", "action", EDITORS, 200),
    "strategy:action_status": ("post", "action", FOLLOW_UP, 302),
    "strategy:action_note": ("post", "action", FOLLOW_UP, 422),
    "strategy:action_history": ("get", "action", ADMIN, 200),
}


CORE_TARGETS = {
    "membership": lambda s: [s.world.org.memberships.get(user=s.world.members[Role.VIEWER]).pk],
    "document": lambda s: [s.world.document.pk],
    "directorate": lambda s: [s.world.directorate.pk],
    "orientation": lambda s: [s.world.orientations[0].pk],
    "action": lambda s: [s.world.action.pk],
    "history": lambda s: ["action", s.world.action.pk],
}


def _load_expectations():
    expected, targets = dict(EXPECTED), dict(CORE_TARGETS)
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.glob("*/tests/expectations*.py")):
        module = importlib.import_module(f"passerelles.{path.parent.parent.name}.tests.{path.stem}")
        assert not set(module.EXPECTED) & set(expected), path
        expected.update(module.EXPECTED)
        targets.update(module.TARGETS)
    return expected, targets


ALL_EXPECTED, TARGETS = _load_expectations()


def _organisation_url_names(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _organisation_url_names(entry, pattern, ns)
        elif isinstance(entry, URLPattern) and "<slug:org_slug>" in pattern:
            yield f"{namespace}{entry.name}"


def test_every_organisation_url_has_an_expectation():
    assert set(_organisation_url_names()) == set(ALL_EXPECTED)


def _url(steering, name, target, org=None):
    org = org or steering.world.org
    return reverse(name, args=[org.slug, *(TARGETS[target](steering) if target else [])])


def _call(client, method, url):
    return client.get(url) if method == "get" else client.post(url, {})


CASES = [(name, role) for name in sorted(ALL_EXPECTED) for role in sorted(ALL)]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_role_gets_expected_status(steering, client, name, role):
    method, target, allowed, ok_status = ALL_EXPECTED[name]
    client.force_login(steering.world.members[role])
    response = _call(client, method, _url(steering, name, target))
    assert response.status_code == (ok_status if role in allowed else 403), response.content[:500]


@pytest.mark.parametrize("name", sorted(ALL_EXPECTED))
def test_member_of_another_organisation_gets_404(steering, client, name):
    method, target, _allowed, _ok = ALL_EXPECTED[name]
    client.force_login(steering.world.outsider)
    assert _call(client, method, _url(steering, name, target)).status_code == 404


@pytest.mark.parametrize("name", sorted(name for name, expected in ALL_EXPECTED.items() if expected[1]))
def test_other_organisation_objects_are_404_even_through_own_space(steering, client, name):
    """An admin of Beta reaching Alpha's object ids through Beta's own URL space gets 404, not the object."""
    method, target, _allowed, _ok = ALL_EXPECTED[name]
    client.force_login(steering.world.outsider)
    url = _url(steering, name, target, org=steering.world.other_org)
    assert _call(client, method, url).status_code == 404


@pytest.mark.parametrize("name", sorted(ALL_EXPECTED))
def test_anonymous_is_sent_to_login(steering, client, name):
    method, target, _allowed, _ok = ALL_EXPECTED[name]
    response = _call(client, method, _url(steering, name, target))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("name", sorted(ALL_EXPECTED))
def test_deactivated_member_gets_404(steering, client, name):
    method, target, _allowed, _ok = ALL_EXPECTED[name]
    admin = steering.world.members[Role.ADMIN]
    steering.world.org.memberships.filter(user=admin).update(is_active=False)
    client.force_login(admin)
    assert _call(client, method, _url(steering, name, target)).status_code == 404


def test_unknown_organisation_is_404(world, client):
    client.force_login(world.members[Role.ADMIN])
    assert client.get("/nulle-part/strategie/").status_code == 404


def test_contributor_of_another_directorate_cannot_follow_up(world, client):
    world.action.lead_directorate = world.other_directorate
    world.action.save()
    client.force_login(world.members[Role.CONTRIBUTOR])
    url = reverse("strategy:action_status", args=[world.org.slug, world.action.pk])
    assert client.post(url, {"status": "in_progress"}).status_code == 403
    url = reverse("strategy:action_note", args=[world.org.slug, world.action.pk])
    assert client.post(url, {"text": "x"}).status_code == 403
