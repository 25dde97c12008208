from decimal import Decimal

import pytest
from django.db.models import Sum

from passerelles.core.models import Membership, Organisation
from passerelles.demo.loader import load_demo
from passerelles.steering.enums import MeasuredOn
from passerelles.steering.models import BudgetLine, Indicator, Programme, Project


@pytest.fixture
def caece(db):
    load_demo()
    return Organisation.objects.get(slug="caece")


def _total(org, **filters) -> Decimal:
    return BudgetLine.objects.filter(organisation=org, **filters).aggregate(s=Sum("amount"))["s"]


def test_programmes_and_the_nine_projects(caece):
    assert set(Programme.objects.filter(organisation=caece).values_list("start_year", "end_year")) >= {
        (2010, 2012),
        (2013, 2015),
    }
    # The nine projects of the source, plus the one the demo's grant created (a "support to territory actors").
    projects = Project.objects.filter(organisation=caece).exclude(grant__isnull=False)
    assert projects.count() == 9
    assert Project.objects.filter(organisation=caece, grant__isnull=False).count() == 1
    kayes = projects.filter(partner_territories__name="Kayes")
    assert kayes.count() == 7
    patrimoine = projects.get(code="KAY-07")
    assert patrimoine.directorates.get().directorate.name == "Direction de la Mémoire et de la Documentation"
    assert patrimoine.period_label == "2012"
    assert "Partenariats thématiques" in patrimoine.description
    assert projects.get(code="KAY-01").participants.filter(name="CDANE", role="4").exists()
    assert len(projects.get(code="BKO-01").component_list) == 3
    assert all(sum(s.percentage for s in p.sectors.all()) == 100 for p in projects)


def test_budget_history_as_marked_yearly_aggregates(caece):
    assert _total(caece, year__range=(1990, 2002)) == Decimal("1700000")
    for year in range(2003, 2007):
        assert _total(caece, year=year) == Decimal("230000")
    for year in range(2010, 2013):
        assert _total(caece, year=year) == Decimal("317000")
    assert not BudgetLine.objects.filter(organisation=caece, year__range=(2007, 2009)).exists()
    assert not BudgetLine.objects.filter(organisation=caece, is_aggregate=False).exists()
    own = _total(caece, funder__kind="own") / _total(caece)
    kayes = _total(caece, funder__kind="partner_authority") / _total(caece)
    assert abs(own - Decimal("0.45")) < Decimal("0.0001") and abs(kayes - Decimal("0.04")) < Decimal("0.0001")


def test_2012_projects_measure_results_on_both_territories(caece):
    for code in ("KAY-07", "BKO-01", "DKR-01"):
        indicators = Indicator.objects.filter(result__project__code=code, organisation=caece)
        assert {i.measured_on for i in indicators} == {MeasuredOn.PARTNER, MeasuredOn.HOME}
        assert all(i.is_example for i in indicators)
    # The older projects have no indicator at all: they are the ones flagged by action T3.
    assert not Indicator.objects.filter(result__project__code="KAY-01").exists()


def test_partner_account_is_attached_to_kayes(caece):
    membership = Membership.objects.get(organisation=caece, role="partner")
    assert membership.partner_territory.name == "Kayes"


def test_steering_demo_is_idempotent(caece):
    counts = {m: m.objects.count() for m in (Project, BudgetLine, Indicator, Programme)}
    history = {m: m.history.count() for m in (Project, BudgetLine, Indicator)}
    result = load_demo()
    assert result["created"] == 0 and result["updated"] == 0
    assert counts == {m: m.objects.count() for m in counts}
    assert history == {m: m.history.count() for m in history}
