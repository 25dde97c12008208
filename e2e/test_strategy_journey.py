"""The strategy module in a real browser: the officer's journey, the same without JavaScript, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from passerelles.core.models import User
from passerelles.strategy import services
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import Action

pytestmark = pytest.mark.e2e

OFFICER = "officer@caece.demo"
ADMIN = "admin@caece.demo"
PHONE_WIDTH = 390


def _orientation_6_actions():
    return Action.objects.filter(organisation__slug="caece", document__status="adopted", orientations__number=6)


def _action_to_start(skip: int = 0) -> Action:
    """An action serving orientation 6 that is not started yet: it may move to "En cours"."""
    return _orientation_6_actions().filter(status=ActionStatus.NOT_STARTED).order_by("position")[skip]


def _action_url(action: Action) -> str:
    return f"/caece/strategie/actions/{action.pk}/"


def test_officer_filters_the_plan_changes_a_status_and_the_admin_sees_it_in_the_history(
    demo, page, new_context, login, axe
):
    login(page, OFFICER)
    page.get_by_role("navigation", name="Stratégie", exact=True).get_by_role("link", name="Plan d'actions").click()
    expect(page).to_have_url(re.compile(r"/caece/strategie/plan/$"))
    expect(page.locator(".table-footer__count")).to_have_text(re.compile(r"^50 résultats\b"))

    # The filter bar refreshes the results in place (htmx) and records the filter in the address.
    page.evaluate("window.e2eMarker = 'no reload'")
    with page.expect_response(lambda r: "/caece/strategie/plan/?" in r.url) as filtered:
        page.get_by_label("Orientation", exact=True).select_option("6")
    assert filtered.value.request.headers.get("hx-request") == "true"
    expect(page).to_have_url(re.compile(r"[?&]orientation=6(&|$)"))
    expect(page.locator(".table-footer__count")).to_have_text("18 résultats")
    assert page.evaluate("window.e2eMarker") == "no reload"

    expected_codes = set(_orientation_6_actions().values_list("code", flat=True))
    assert len(expected_codes) == 18
    rows = page.locator("#plan-results tbody tr")
    expect(rows).to_have_count(18)
    listed_codes = set(rows.locator("td:first-child .code").all_inner_texts())
    assert listed_codes == expected_codes
    for row in rows.all():
        assert "6" in row.locator(".pill").all_inner_texts()

    # One action: its status changes through the status form, swapped in place without a page load.
    action = _action_to_start()
    page.locator(f"#plan-results a[href='{_action_url(action)}']").click()
    expect(page).to_have_url(re.compile(re.escape(_action_url(action)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(action.title)
    status_card = page.locator("#action-status")
    expect(status_card.locator(".status-now")).to_have_text("Non engagée")
    expect(page.get_by_role("link", name="Historique")).to_have_count(0)  # the history is the admin's

    page.evaluate("window.e2eMarker = 'still here'")
    status_card.get_by_label("En cours").check()
    with page.expect_response(lambda r: r.url.endswith(f"{_action_url(action)}etat/")) as changed:
        status_card.get_by_role("button", name="Enregistrer l'état").click()
    assert changed.value.request.headers.get("hx-request") == "true"
    assert changed.value.status == 200
    expect(page.locator("#action-status .status-now")).to_have_text("En cours")
    expect(page.locator("#action-status").get_by_role("status")).to_have_text("État enregistré.")
    expect(page.locator("#action-status .badge--in_progress")).to_be_visible()
    assert page.evaluate("window.e2eMarker") == "still here"
    officer = User.objects.get(email=OFFICER)
    expect(page.locator("#action-status")).to_contain_text(f"Non engagée → En cours ({officer})")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    violations = axe(page)
    assert not violations, "After the status change:\n" + axe.report(violations)

    # The admin (alone to see the history tab) sees who changed the status, from what to what.
    admin_page = new_context().new_page()
    login(admin_page, ADMIN)
    admin_page.goto(_action_url(action))
    admin_page.get_by_role("navigation", name="Onglets de l'action").get_by_role("link", name="Historique").click()
    expect(admin_page).to_have_url(re.compile(re.escape(_action_url(action)) + "historique/$"))
    row = admin_page.locator("table.history tbody tr").filter(
        has=admin_page.locator("th", has_text=re.compile(r"^État d'avancement$"))
    )
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(str(officer))
    expect(row.locator("td").nth(2)).to_have_text("Modification")
    expect(row.locator(".history__old")).to_have_text("Non engagée")
    expect(row.locator(".history__new")).to_have_text("En cours")


def test_status_change_without_javascript(demo, new_context, login):
    page = new_context(java_script_enabled=False).new_page()
    login(page, OFFICER)
    action = _action_to_start(skip=1)
    page.goto(_action_url(action))
    expect(page.locator("#action-status .status-now")).to_have_text("Non engagée")

    page.locator("#action-status").get_by_label("En cours").check()
    with page.expect_navigation() as navigation:
        page.locator("#action-status").get_by_role("button", name="Enregistrer l'état").click()
    response = navigation.value
    assert response.status == 200
    posted = response.request.redirected_from
    assert posted is not None and posted.method == "POST" and posted.url.endswith(f"{_action_url(action)}etat/")
    assert posted.headers.get("hx-request") is None
    expect(page).to_have_url(re.compile(re.escape(_action_url(action)) + "$"))
    expect(page.locator(".messages")).to_contain_text("État d'avancement : En cours.")
    expect(page.locator("#action-status .status-now")).to_have_text("En cours")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def _visit_pages(page, login):
    """Visit each page to check, the login page first (signed out), then the others as the admin: yield its name."""
    action = _action_to_start()
    services.action_change_status(
        action=action, status=ActionStatus.IN_PROGRESS, user=User.objects.get(email=ADMIN)
    )  # so that the history shows a change
    page.goto("/comptes/connexion/")
    yield "login"
    login(page, ADMIN)
    for path in (
        "/caece/strategie/",
        "/caece/strategie/plan/",
        "/caece/strategie/plan/?orientation=6",
        "/caece/strategie/matrice/",
        _action_url(action),
        _action_url(action) + "historique/",
        "/caece/strategie/versions/",
        "/caece/membres/",
    ):
        response = page.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        yield path


def test_pages_have_no_serious_accessibility_violation(demo, page, login, axe):
    failures = {}
    for name in _visit_pages(page, login):
        violations = axe(page)
        if violations:
            failures[name] = axe.report(violations)
    assert not failures, "axe-core (WCAG 2.1 A/AA, serious or critical):\n" + "\n".join(
        f"{name}:\n{report}" for name, report in failures.items()
    )


def test_pages_do_not_scroll_sideways_on_a_phone(demo, new_context, login):
    page = new_context(viewport={"width": PHONE_WIDTH, "height": 844}).new_page()
    too_wide = {}
    for name in _visit_pages(page, login):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH + 1:
            too_wide[name] = width
    assert not too_wide, f"Pages wider than the {PHONE_WIDTH}px screen (px): {too_wide}"
