"""Every figure of the steering dashboard, computed from known data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.steering.enums import ActivityStatus, PeriodStatus, TransactionKind
from passerelles.steering.models import (
    AlignmentReview,
    BudgetLine,
    CriterionAssessment,
    Evaluation,
    FollowUp,
    MonitoringMission,
    Period,
    Transaction,
)
from passerelles.steering.selectors.dashboard import steering_dashboard
from passerelles.steering.tests.factories import IndicatorFactory, PeriodFactory, ProjectFactory, ResultFactory
from passerelles.strategy.models import Action


@pytest.fixture
def data(steering):
    """Known figures: budget 1 000 own + 3 000 external granted in 2012, 2 000 disbursed; 2 missions done in 2012."""
    s, org = steering, steering.world.org
    BudgetLine.objects.create(
        organisation=org, project=s.project, year=2012, funder=s.own, amount=1000, status="granted"
    )
    BudgetLine.objects.create(
        organisation=org, project=s.project, year=2012, funder=s.state, amount=2000, status="granted"
    )
    BudgetLine.objects.create(
        organisation=org, project=s.other_project, year=2012, funder=s.region, amount=1000, status="granted"
    )
    BudgetLine.objects.create(
        organisation=org, project=s.other_project, year=2012, funder=s.region, amount=5000, status="requested"
    )
    Transaction.objects.create(
        organisation=org,
        project=s.project,
        kind=TransactionKind.DISBURSEMENT,
        date=datetime.date(2012, 6, 1),
        amount=2000,
        amount_eur=2000,
    )
    # staff time of the co-carrying directorate: 10 days x 250 EUR = 2 500 EUR own in-kind (no year)
    Period.objects.filter(pk=s.period.pk).update(actual_value=Decimal("18"), status=PeriodStatus.APPROVED)
    Period.objects.filter(pk=s.home_period.pk).update(actual_value=Decimal("5"), status=PeriodStatus.SUBMITTED)
    for day in (1, 2):
        MonitoringMission.objects.create(
            organisation=org,
            territory=s.kayes,
            start=datetime.date(2012, 3, day),
            end=datetime.date(2012, 3, day + 5),
            purpose="Suivi",
            is_done=True,
        )
    mission = MonitoringMission.objects.create(
        organisation=org,
        territory=s.dakar,
        start=datetime.date(2012, 11, 1),
        end=datetime.date(2012, 11, 5),
        purpose="Suivi",
    )
    FollowUp.objects.create(
        organisation=org, mission=mission, text="Relancer la commune", due_date=datetime.date(2013, 1, 1)
    )
    FollowUp.objects.create(organisation=org, mission=mission, text="Fait", status="done")
    Evaluation.objects.create(
        organisation=org, kind="external", title="Évaluation", programme=s.programme, evaluator="Un cabinet"
    )
    review = AlignmentReview.objects.create(
        organisation=org, project=s.project, document=s.world.document, reviewer=s.world.members[Role.OFFICER]
    )
    CriterionAssessment.objects.create(
        organisation=org,
        review=review,
        criterion=s.world.document.criteria.get(),
        rating="partly",
        adaptation_required=True,
        adaptation="Ajouter un indicateur",
    )
    Action.objects.filter(pk=s.world.action.pk).update(status="done")
    return s


def _dashboard(s, role=Role.ADMIN, **filters):
    return steering_dashboard(organisation=s.world.org, user=s.world.members[role], **filters)


def test_projects_and_the_home_indicator_flag(data):
    d = _dashboard(data)
    assert d.projects_total == 2
    assert [p.code for p in d.projects_without_home_indicator] == ["DAK-01"]


def test_strategy_progress(data):
    d = _dashboard(data)
    assert (d.overview.total.total, d.overview.total.done) == (2, 1)
    assert d.overview.total.done_percent == 50
    ambition = d.ambitions[0]  # A1 serves orientations 1 and 2: both actions serve one of them
    assert (ambition.progress.total, ambition.progress.done) == (2, 1)
    by_number = {o.number: o.progress for o in d.overview.orientations}
    assert (by_number[3].total, by_number[3].done) == (1, 0)


def test_indicator_performance_split_by_territory(data):
    d = _dashboard(data)
    (partner,) = d.performance_partner
    (home,) = d.performance_home
    assert partner.target == Decimal("20") and partner.actual == Decimal("18")
    assert partner.percent_of_target == Decimal("90.0") and partner.on_track is True
    assert home.percent_of_target == Decimal("25.0") and home.on_track is False


def test_budget_figures(data):
    total = _dashboard(data).finance.total
    assert total.budget == Decimal("4000")  # granted lines only; the 5 000 requested are apart
    assert total.requested == Decimal("5000")
    assert total.own == Decimal("3500")  # 1 000 granted + 2 500 staff time
    assert total.external == Decimal("3000")
    assert total.leverage == Decimal("0.86")  # 3 000 / 3 500
    assert total.execution_rate == Decimal("0.5")  # 2 000 disbursed / 4 000 granted
    shares = {share.name: share.total for share in _dashboard(data).finance.by_funder}
    assert shares["MAE / DAECT"] == Decimal("2000") and shares["Région"] == Decimal("1000")


def test_monitoring_and_evaluation_figures(data):
    d = _dashboard(data, year=2012)
    assert [(m.year, m.done, m.planned, m.target) for m in d.missions] == [(2012, 2, 1, 3)]
    assert [p.has_external_evaluation for p in d.coverage.programmes] == [True]
    assert [f.text for f in d.follow_ups] == ["Relancer la commune"]
    assert [a.adaptation for a in d.adaptations] == ["Ajouter un indicateur"]


def test_filters_narrow_projects_and_figures(data):
    d = _dashboard(data, territory=data.dakar)
    assert d.projects_total == 1 and d.performance_partner == [] and d.finance.total.budget == Decimal("1000")
    d = _dashboard(data, programme=data.programme)
    assert d.projects_total == 1 and d.projects_without_home_indicator == []
    assert d.finance.total.budget == Decimal("3000")


def test_partner_sees_only_its_projects_in_the_figures(data):
    d = _dashboard(data, role=Role.VIEWER)
    assert d.projects_total == 2


def test_dashboard_page_renders_figures(data, client):
    client.force_login(data.world.members[Role.VIEWER])
    response = client.get(reverse("steering:dashboard", args=["alpha"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "DAK-01" in html and "0,86" in html and "50 %" in html


def test_dashboard_survives_bad_filters(data, client):
    client.force_login(data.world.members[Role.ADMIN])
    for params in ({"year": "abc"}, {"programme": "999999"}, {"territory": "<script>"}, {"orientation": "42"}):
        assert client.get(reverse("steering:dashboard", args=["alpha"]), params).status_code == 200


def test_dashboard_costs_the_same_at_two_sizes(data, client):
    client.force_login(data.world.members[Role.ADMIN])
    url = reverse("steering:dashboard", args=["alpha"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    org = data.world.org
    for n in range(15):
        project = ProjectFactory(organisation=org, partner_territories=[data.kayes], status=ActivityStatus.CLOSED)
        indicator = IndicatorFactory(result=ResultFactory(project=project))
        PeriodFactory(indicator=indicator, actual_value=n)
        BudgetLine.objects.create(organisation=org, project=project, year=2012, funder=data.state, amount=n)
        MonitoringMission.objects.create(
            organisation=org,
            territory=data.kayes,
            start=datetime.date(2013, 1, 1),
            end=datetime.date(2013, 1, 2),
            purpose="Suivi",
            is_done=True,
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large), (len(small), len(large))
