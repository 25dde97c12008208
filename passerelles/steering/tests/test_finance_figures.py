"""Every finance figure computed from known data: conversions, own share, shares by funder, leverage, execution."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.core.enums import Role
from passerelles.steering.enums import BudgetLineStatus, Currency, FunderKind, ProjectKind, TransactionKind
from passerelles.steering.models import BudgetEnvelope, BudgetLine, ExchangeRate, InKindContribution, Transaction
from passerelles.steering.selectors.finance import envelope_overview, portfolio_finance, project_finance
from passerelles.steering.services import finance as services
from passerelles.steering.tests.factories import BudgetLineFactory, FunderFactory, ProjectFactory

D = Decimal


def _officer(s):
    return s.world.members[Role.OFFICER]


def _tx(s, project=None, **fields):
    data = {"kind": TransactionKind.DISBURSEMENT, "date": datetime.date(2012, 3, 1), "currency": Currency.EUR}
    data.update(fields)
    return services.transaction_create(project=project or s.project, user=_officer(s), **data)


# -- conversions ----------------------------------------------------------------------------------


def test_xof_at_the_fixed_parity(steering):
    tx = _tx(steering, amount=D("655957"), currency=Currency.XOF)
    tx.refresh_from_db()
    assert tx.amount_eur == D("1000.00")
    assert tx.units_per_eur == D("655.957")
    assert tx.amount == D("655957") and tx.currency == "XOF"


def test_eur_is_kept_at_rate_one(steering):
    tx = _tx(steering, amount=D("123.45"))
    assert (tx.amount_eur, tx.units_per_eur) == (D("123.45"), D("1"))


def test_mru_uses_the_rate_in_force_at_the_date(steering):
    org = steering.world.org
    ExchangeRate.objects.create(
        organisation=org, currency="MRU", valid_from=datetime.date(2020, 1, 1), units_per_eur=40
    )
    ExchangeRate.objects.create(
        organisation=org, currency="MRU", valid_from=datetime.date(2021, 1, 1), units_per_eur=D("43.5")
    )
    # Another organisation's more recent rate is not used.
    ExchangeRate.objects.create(
        organisation=steering.world.other_org, currency="MRU", valid_from=datetime.date(2020, 6, 1), units_per_eur=99
    )
    before = _tx(steering, amount=D("4000"), currency=Currency.MRU, date=datetime.date(2020, 12, 31))
    on_the_day = _tx(steering, amount=D("4350"), currency=Currency.MRU, date=datetime.date(2021, 1, 1))
    later = _tx(steering, amount=D("1000"), currency=Currency.MRU, date=datetime.date(2022, 5, 1))
    assert (before.units_per_eur, before.amount_eur) == (D("40"), D("100.00"))
    assert (on_the_day.units_per_eur, on_the_day.amount_eur) == (D("43.5"), D("100.00"))
    assert later.amount_eur == D("22.99")  # 1000 / 43.5 = 22.988…, rounded half up to the cent


def test_mru_without_a_rate_in_force_is_refused_on_the_currency(steering):
    ExchangeRate.objects.create(
        organisation=steering.world.org, currency="MRU", valid_from=datetime.date(2021, 1, 1), units_per_eur=40
    )
    with pytest.raises(ValidationError) as error:
        _tx(steering, amount=D("100"), currency=Currency.MRU, date=datetime.date(2020, 12, 31))
    assert "currency" in error.value.message_dict
    assert "Aucun taux de change MRU en vigueur au 31/12/2020" in error.value.message_dict["currency"][0]
    assert not Transaction.objects.exists()


def test_unknown_currency_is_refused(steering):
    with pytest.raises(ValidationError) as error:
        _tx(steering, amount=D("100"), currency="USD")
    assert "currency" in error.value.message_dict
    assert not Transaction.objects.exists()


def test_negative_amounts_are_refused(steering):
    with pytest.raises(ValidationError) as error:
        _tx(steering, amount=D("-1"))
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.budget_line_create(
            project=steering.project,
            user=_officer(steering),
            year=2012,
            funder=steering.state,
            amount=D("-5"),
            status=BudgetLineStatus.GRANTED,
        )
    with pytest.raises(ValidationError):
        services.in_kind_create(
            project=steering.project,
            user=_officer(steering),
            year=2012,
            funder=steering.own,
            description="Salle",
            value_eur=D("-1"),
        )
    with pytest.raises(ValidationError):
        services.envelope_create(
            organisation=steering.world.org,
            user=_officer(steering),
            year=2012,
            project_kind=ProjectKind.INSTITUTIONAL,
            amount=D("-1"),
        )
    assert not Transaction.objects.exists() and not BudgetLine.objects.exists()
    assert not InKindContribution.objects.exists() and not BudgetEnvelope.objects.exists()


def test_fixed_currencies_take_no_dated_rate(steering):
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_create(
            organisation=steering.world.org,
            user=_officer(steering),
            currency="XOF",
            valid_from=datetime.date(2020, 1, 1),
            units_per_eur=D("600"),
        )
    assert "currency" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.PARTNER, Role.REVIEWER])
def test_services_recheck_the_permission(steering, role):
    user = steering.world.members[role]
    with pytest.raises(PermissionDenied):
        services.transaction_create(
            project=steering.project,
            user=user,
            kind=TransactionKind.DISBURSEMENT,
            date=datetime.date(2012, 1, 1),
            amount=D("1"),
            currency="EUR",
        )
    with pytest.raises(PermissionDenied):
        services.funder_create(organisation=steering.world.org, user=user, name="X", kind=FunderKind.OTHER)


def test_a_funder_of_another_organisation_is_refused(steering):
    foreign = FunderFactory(organisation=steering.world.other_org, name="Bailleur Beta")
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(
            project=steering.project,
            user=_officer(steering),
            year=2012,
            funder=foreign,
            amount=D("5"),
            status=BudgetLineStatus.GRANTED,
        )
    assert "funder" in error.value.message_dict


# -- a project's figures --------------------------------------------------------------------------


@pytest.fixture
def funded(steering):
    """Known data on KAY-01; the fixture's staff time (10 days x 250 € = 2 500 €, no year) is own, in kind."""
    s, officer = steering, _officer(steering)

    def line(year, funder, amount, status=BudgetLineStatus.GRANTED):
        return services.budget_line_create(
            project=s.project, user=officer, year=year, funder=funder, amount=D(amount), status=status
        )

    line(2012, s.own, "10000")
    line(2012, s.state, "20000")
    line(2012, s.region, "5000", BudgetLineStatus.REQUESTED)
    line(2012, s.region, "3000", BudgetLineStatus.REFUSED)
    line(2013, s.state, "6000")
    services.in_kind_create(
        project=s.project, user=officer, year=2012, funder=s.region, description="Prêt de salle", value_eur=D("1000")
    )
    services.in_kind_create(
        project=s.project, user=officer, year=2013, funder=s.own, description="Véhicule", value_eur=D("500")
    )
    _tx(s, amount=D("15000"), kind=TransactionKind.DISBURSEMENT, date=datetime.date(2012, 6, 1))
    _tx(s, amount=D("30000"), kind=TransactionKind.COMMITMENT, date=datetime.date(2012, 2, 1))
    _tx(s, amount=D("655957"), currency="XOF", kind=TransactionKind.INCOMING, date=datetime.date(2013, 2, 1))
    # Noise that must not count: another project's money.
    BudgetLineFactory(
        project=s.other_project, funder=s.state, year=2012, amount=D("99999"), status=BudgetLineStatus.GRANTED
    )
    return s


def test_project_totals(funded):
    total = project_finance(project=funded.project).total
    assert total.budget == D("36000")  # granted lines only
    assert total.requested == D("5000") and total.refused == D("3000")
    assert total.staff_time == D("2500.00")
    assert total.in_kind == D("4000")  # 1 000 region + 500 own + 2 500 staff time
    assert total.own == D("13000")  # 10 000 cash + 500 in kind + 2 500 staff time
    assert total.external == D("27000")  # 20 000 + 6 000 state + 1 000 region in kind
    assert total.total_resources == D("40000") == total.own + total.external
    assert total.leverage == D("2.08")  # 27 000 / 13 000
    assert total.disbursed == D("15000") and total.committed == D("30000") and total.incoming == D("1000.00")
    assert total.execution_rate == D("0.42")  # 15 000 / 36 000
    assert total.execution_percent == 42
    assert (total.own_percent, total.external_percent) == (32, 68)


def test_project_figures_per_year(funded):
    finance = project_finance(project=funded.project)
    assert [y.year for y in finance.years] == [2012, 2013, None]  # staff time without a year comes last
    y2012, y2013, no_year = finance.years
    assert (y2012.budget, y2012.own, y2012.external) == (D("30000"), D("10000"), D("21000"))
    assert y2012.leverage == D("2.10") and y2012.execution_rate == D("0.50")
    assert (y2013.budget, y2013.own, y2013.external) == (D("6000"), D("500"), D("6000"))
    assert y2013.leverage == D("12.00") and y2013.execution_rate == D("0.00")
    assert (no_year.budget, no_year.staff_time, no_year.own) == (D("0"), D("2500.00"), D("2500.00"))
    assert no_year.execution_rate is None  # no budget


def test_project_shares_by_funder(funded):
    shares = {share.name: share for share in project_finance(project=funded.project).by_funder}
    state, own, region = shares["MAE / DAECT"], shares["Agglomération Alpha"], shares["Région"]
    assert (state.cash, state.in_kind, state.total) == (D("26000"), D("0"), D("26000"))
    assert (own.cash, own.in_kind, own.total) == (D("10000"), D("3000.00"), D("13000.00"))  # staff time is own
    assert own.is_own and not state.is_own
    assert (region.cash, region.in_kind, region.requested) == (D("0"), D("1000"), D("5000"))
    assert [s.name for s in project_finance(project=funded.project).by_funder][0] == "MAE / DAECT"


def test_leverage_is_none_without_own_money(steering):
    services.budget_line_create(
        project=steering.other_project,
        user=_officer(steering),
        year=2012,
        funder=steering.state,
        amount=D("100"),
        status=BudgetLineStatus.GRANTED,
    )
    total = project_finance(project=steering.other_project).total
    assert total.own == 0 and total.leverage is None
    assert total.execution_rate == D("0.00")


def test_project_finance_costs_four_queries(funded, django_assert_num_queries):
    with django_assert_num_queries(4):
        project_finance(project=funded.project)


# -- the portfolio --------------------------------------------------------------------------------


@pytest.fixture
def portfolio(funded):
    s = funded
    # A historical aggregate: the 2010 portfolio, without detail per project.
    BudgetLine.objects.create(
        organisation=s.world.org,
        project=None,
        is_aggregate=True,
        year=2010,
        funder=s.state,
        amount=D("50000"),
        status=BudgetLineStatus.GRANTED,
    )
    BudgetLine.objects.create(
        organisation=s.world.org,
        project=None,
        is_aggregate=True,
        year=2010,
        funder=s.own,
        amount=D("25000"),
        status=BudgetLineStatus.GRANTED,
    )
    # Another organisation's money never counts.
    beta_funder = FunderFactory(organisation=s.world.other_org, name="Beta", kind=FunderKind.OWN)
    BudgetLineFactory(
        project=s.other_org_project, funder=beta_funder, year=2012, amount=D("777"), status=BudgetLineStatus.GRANTED
    )
    return s


def test_portfolio_includes_the_aggregates_and_marks_them(portfolio):
    finance = portfolio_finance(organisation=portfolio.world.org)
    assert [y.year for y in finance.years] == [2010, 2012, 2013, None]
    y2010 = finance.year(2010)
    assert y2010.budget == D("75000") and y2010.aggregate_budget == D("75000") and y2010.has_aggregate
    assert y2010.leverage == D("2.00")  # 50 000 external / 25 000 own
    assert not finance.year(2012).has_aggregate
    assert finance.year(2012).budget == D("30000") + D("99999")  # both projects
    assert finance.total.budget == D("36000") + D("99999") + D("75000")
    assert finance.total.aggregate_budget == D("75000") and finance.has_aggregate
    state = next(share for share in finance.by_funder if share.name == "MAE / DAECT")
    assert state.aggregate == D("50000") and state.has_aggregate


def test_portfolio_filtered_by_year(portfolio):
    finance = portfolio_finance(organisation=portfolio.world.org, year=2013)
    assert [y.year for y in finance.years] == [2013]
    assert finance.total.budget == D("6000") and finance.total.incoming == D("1000.00")


def test_portfolio_filtered_by_programme_territory_orientation_leaves_aggregates_out(portfolio):
    s = portfolio
    by_programme = portfolio_finance(organisation=s.world.org, programme=s.programme)
    assert by_programme.total.budget == D("36000") and not by_programme.has_aggregate and by_programme.filtered
    by_territory = portfolio_finance(organisation=s.world.org, territory=s.dakar)
    assert by_territory.total.budget == D("99999") and by_territory.total.staff_time == 0
    s.project.orientations.set([s.world.orientations[0]])
    by_orientation = portfolio_finance(organisation=s.world.org, orientation=s.world.orientations[0])
    assert by_orientation.total.own == D("13000")


def test_portfolio_costs_the_same_queries_at_two_sizes(portfolio, django_assert_num_queries):
    s = portfolio
    with django_assert_num_queries(4):
        portfolio_finance(organisation=s.world.org)
    for n in range(20):
        project = ProjectFactory(organisation=s.world.org, code=f"GROW-{n}", partner_territories=[s.kayes])
        BudgetLineFactory(project=project, funder=s.region, year=2014, amount=D("10"), status=BudgetLineStatus.GRANTED)
        _tx(s, project=project, amount=D("5"), date=datetime.date(2014, 1, 1))
    with django_assert_num_queries(4):
        finance = portfolio_finance(organisation=s.world.org, territory=s.kayes)
    assert finance.year(2014).budget == D("200") and finance.year(2014).execution_rate == D("0.50")


# -- budget arbitration ---------------------------------------------------------------------------


def test_envelopes_against_planned_and_actual(funded, django_assert_num_queries):
    s = funded
    officer = _officer(s)
    services.envelope_create(
        organisation=s.world.org, user=officer, year=2012, project_kind=ProjectKind.INSTITUTIONAL, amount=D("100000")
    )
    services.envelope_create(
        organisation=s.world.org, user=officer, year=2012, project_kind=ProjectKind.COMMUNICATION, amount=D("5000")
    )
    with django_assert_num_queries(3):
        overview = envelope_overview(organisation=s.world.org, year=2012)
    rows = {row.project_kind: row for row in overview.rows}
    institutional = rows[ProjectKind.INSTITUTIONAL]
    assert institutional.planned == D("30000") + D("99999")  # granted 2012 lines of institutional projects
    assert institutional.actual == D("15000")
    assert institutional.planned_gap == D("100000") - D("129999") and institutional.over_planned
    assert institutional.actual_gap == D("85000")
    communication = rows[ProjectKind.COMMUNICATION]
    assert (communication.planned, communication.actual, communication.planned_gap) == (D("0"), D("0"), D("5000"))
    assert overview.total.amount == D("105000") and overview.total.planned == D("129999")
