"""Browser journey of the steering module: a partner enters a value, an officer approves it, the dashboard shows it."""

import datetime
from decimal import Decimal

import pytest

from passerelles.steering.enums import MeasuredOn, PeriodStatus
from passerelles.steering.models import Indicator, Period, Project

pytestmark = pytest.mark.e2e


def _new_kayes_period() -> Period:
    """A 2013 period, still to be filled in, on the partner-territory indicator of the Kayes heritage project."""
    indicator = Indicator.objects.get(result__project__code="KAY-07", measured_on=MeasuredOn.PARTNER)
    return Period.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        start=datetime.date(2013, 1, 1),
        end=datetime.date(2013, 12, 31),
        target_value=Decimal("60"),
    )


def _values_url(period: Period) -> str:
    project = Project.objects.get(code="KAY-07")
    return f"/caece/pilotage/projets/{project.pk}/periodes/{period.pk}/valeurs/"


def test_partner_enters_a_value_the_officer_approves_the_dashboard_shows_it(demo, new_context, login, axe):
    period = _new_kayes_period()

    partner = new_context().new_page()
    login(partner, "partner@caece.demo")
    partner.goto("/caece/pilotage/projets/")
    assert "KAY-07" in partner.content() and "DKR-01" not in partner.content()  # only the projects on Kayes
    partner.goto(_values_url(period))
    partner.fill("#id_actual_value", "57,5")
    partner.fill("#id_actual_comment", "Inventaire complété par le service technique de Kayes.")
    with partner.expect_navigation():
        partner.get_by_role("button", name="Enregistrer les valeurs").click()
    with partner.expect_navigation():
        partner.get_by_role("button", name="Soumettre pour approbation").click()
    period.refresh_from_db()
    assert (period.actual_value, period.status) == (Decimal("57.5"), PeriodStatus.SUBMITTED)
    assert not axe(partner), axe.report(axe(partner))
    assert partner.get_by_role("button", name="Approuver").count() == 0  # a partner cannot approve

    officer = new_context().new_page()
    login(officer, "officer@caece.demo")
    officer.goto(_values_url(period))
    with officer.expect_navigation():
        officer.get_by_role("button", name="Approuver").click()
    period.refresh_from_db()
    assert period.status == PeriodStatus.APPROVED and period.is_locked
    assert officer.get_by_role("button", name="Enregistrer les valeurs").count() == 0  # locked once approved

    officer.goto("/caece/pilotage/?year=2013")
    row = officer.locator("table.performance-table tr", has_text="Bâtiments patrimoniaux inventoriés à Kayes")
    assert "57,5" in row.inner_text() and "95,8 %" in row.inner_text()
    assert not axe(officer), axe.report(axe(officer))


STEERING_PAGES = [
    "/caece/pilotage/",
    "/caece/pilotage/projets/",
    "/caece/pilotage/performance/",
    "/caece/pilotage/budget/",
    "/caece/pilotage/programmes/",
    "/caece/pilotage/plans-annuels/",
    "/caece/pilotage/conformite/",
    "/caece/pilotage/missions/",
]


def test_steering_pages_have_no_serious_accessibility_violation(demo, page, login, axe):
    login(page, "admin@caece.demo")
    project = Project.objects.get(code="KAY-07")
    pages = STEERING_PAGES + [
        f"/caece/pilotage/projets/{project.pk}/",
        f"/caece/pilotage/projets/{project.pk}/resultats/",
        f"/caece/pilotage/projets/{project.pk}/budget/",
        f"/caece/pilotage/projets/{project.pk}/conformite/",
    ]
    failures = {}
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        violations = axe(page)
        if violations:
            failures[url] = axe.report(violations)
    assert not failures, "\n".join(f"{url}\n{report}" for url, report in failures.items())


def test_steering_pages_do_not_scroll_sideways_on_a_phone(demo, new_context, login):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    login(page, "admin@caece.demo")
    wide = {}
    for url in STEERING_PAGES:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 391:
            wide[url] = width
    assert not wide, wide
