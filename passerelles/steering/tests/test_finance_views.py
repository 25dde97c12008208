"""The budget pages: forms with good and bad input, scoping, display of the figures, exports, query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.core.enums import Role
from passerelles.steering.enums import BudgetLineStatus, FunderKind, ProjectKind, TransactionKind
from passerelles.steering.models import (
    BudgetEnvelope,
    BudgetLine,
    ExchangeRate,
    Funder,
    InKindContribution,
    Transaction,
)
from passerelles.steering.tests.factories import BudgetLineFactory, FunderFactory, ProjectFactory

D = Decimal
HOSTILE = '<script>alert("x")</script>'


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


@pytest.fixture
def officer(steering, client):
    client.force_login(steering.world.members[Role.OFFICER])
    return client


def _errors(response, field) -> str:
    return " ".join(response.context["form"].errors[field]).replace("\xa0", " ")


def _text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


# -- transactions ---------------------------------------------------------------------------------


def tx_data(s, **overrides):
    data = {
        "kind": TransactionKind.DISBURSEMENT,
        "date": "2012-03-01",
        "amount": "655957",
        "currency": "XOF",
        "funder": s.state.pk,
        "description": "Premier versement",
    }
    data.update(overrides)
    return data


def test_officer_records_a_transaction_in_xof(steering, officer):
    response = officer.post(url(steering, "steering:transaction_create", steering.project.pk), tx_data(steering))
    assert response.status_code == 302
    assert response["Location"] == url(steering, "steering:project_budget", steering.project.pk) + "#transactions"
    tx = Transaction.objects.get()
    assert (tx.amount_eur, tx.units_per_eur, tx.project, tx.organisation) == (
        D("1000.00"),
        D("655.957"),
        steering.project,
        steering.world.org,
    )


BAD_TRANSACTION_INPUT = [
    ("amount", {"amount": ""}, "obligatoire"),
    ("amount", {"amount": "-1"}, "ne peut pas être négatif"),
    ("amount", {"amount": "douze"}, "nombre"),
    ("amount", {"amount": "1" * 20}, "chiffres"),
    ("date", {"date": ""}, "obligatoire"),
    ("date", {"date": "31/02/2012"}, "date valide"),
    ("currency", {"currency": "USD"}, "Devise inconnue"),
    ("currency", {"currency": "MRU"}, "Aucun taux de change MRU en vigueur au 01/03/2012"),
    ("kind", {"kind": "gift"}, "choix valide"),
    ("description", {"description": "x" * 10_000}, "au plus 255"),
    ("funder", {"funder": "999999"}, "Bailleur inconnu"),
    ("funder", {"funder": "abc"}, "Bailleur inconnu"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_TRANSACTION_INPUT)
def test_bad_transaction_input_is_refused_on_the_field(steering, officer, field, overrides, message):
    response = officer.post(
        url(steering, "steering:transaction_create", steering.project.pk), tx_data(steering, **overrides)
    )
    assert response.status_code == 422
    assert message in _errors(response, field)
    assert "rien n'a été enregistré" in response.content.decode()
    assert not Transaction.objects.exists()


def test_funder_of_another_organisation_is_refused(steering, officer):
    foreign = FunderFactory(organisation=steering.world.other_org, name="Bailleur Beta")
    response = officer.post(
        url(steering, "steering:transaction_create", steering.project.pk), tx_data(steering, funder=foreign.pk)
    )
    assert response.status_code == 422 and "Bailleur inconnu" in _errors(response, "funder")
    response = officer.post(
        url(steering, "steering:budget_line_create", steering.project.pk),
        {"year": "2012", "funder": foreign.pk, "amount": "10", "status": "granted"},
    )
    assert response.status_code == 422 and "Bailleur inconnu" in _errors(response, "funder")
    assert not Transaction.objects.exists() and not BudgetLine.objects.exists()


def test_hostile_text_is_shown_escaped(steering, officer):
    officer.post(
        url(steering, "steering:transaction_create", steering.project.pk), tx_data(steering, description=HOSTILE)
    )
    officer.post(
        url(steering, "steering:in_kind_create", steering.project.pk),
        {"year": "2012", "funder": steering.own.pk, "description": HOSTILE, "value_eur": "10"},
    )
    officer.post(url(steering, "steering:funder_create"), {"name": HOSTILE, "short_name": "", "kind": "other"})
    for page in (url(steering, "steering:project_budget", steering.project.pk), url(steering, "steering:funders")):
        html = officer.get(page).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html, page


# -- budget lines and in kind ---------------------------------------------------------------------


def test_budget_line_created_then_granted(steering, officer):
    data = {"year": "2012", "funder": steering.state.pk, "amount": "20000", "status": "requested", "note": ""}
    assert officer.post(url(steering, "steering:budget_line_create", steering.project.pk), data).status_code == 302
    line = BudgetLine.objects.get()
    assert line.project == steering.project and not line.is_aggregate
    data["status"] = "granted"
    response = officer.post(url(steering, "steering:budget_line_edit", steering.project.pk, line.pk), data)
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.GRANTED


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("year", {"year": ""}, "obligatoire"),
        ("year", {"year": "douze"}, "nombre entier"),
        ("year", {"year": "3012"}, "entre 1950 et 2100"),
        ("amount", {"amount": "-10"}, "supérieure ou égale à 0"),
        ("amount", {"amount": "abc"}, "nombre"),
        ("status", {"status": "maybe"}, "choix valide"),
        ("note", {"note": "x" * 10_000}, "au plus 255"),
        ("funder", {"funder": ""}, "obligatoire"),
    ],
)
def test_bad_budget_line_input(steering, officer, field, overrides, message):
    data = {"year": "2012", "funder": steering.state.pk, "amount": "20000", "status": "granted", "note": ""}
    data.update(overrides)
    response = officer.post(url(steering, "steering:budget_line_create", steering.project.pk), data)
    assert response.status_code == 422
    assert message in _errors(response, field)
    assert not BudgetLine.objects.exists()


def test_line_of_another_project_is_404_through_this_project(steering, officer):
    other_line = BudgetLineFactory(project=steering.other_project, funder=steering.state)
    assert (
        officer.get(url(steering, "steering:budget_line_edit", steering.project.pk, other_line.pk)).status_code == 404
    )
    aggregate = BudgetLine.objects.create(
        organisation=steering.world.org, project=None, is_aggregate=True, year=2010, funder=steering.state, amount=1
    )
    assert officer.get(url(steering, "steering:budget_line_edit", steering.project.pk, aggregate.pk)).status_code == 404


def test_bad_in_kind_input(steering, officer):
    data = {"year": "2012", "funder": steering.own.pk, "description": "", "value_eur": "-3"}
    response = officer.post(url(steering, "steering:in_kind_create", steering.project.pk), data)
    assert response.status_code == 422
    assert "obligatoire" in _errors(response, "description")
    assert "supérieure ou égale à 0" in _errors(response, "value_eur")
    assert not InKindContribution.objects.exists()


# -- the project budget page ----------------------------------------------------------------------


@pytest.fixture
def funded(steering):
    s = steering
    BudgetLineFactory(project=s.project, funder=s.own, year=2012, amount=D("10000"), status="granted")
    BudgetLineFactory(project=s.project, funder=s.state, year=2012, amount=D("20000"), status="granted")
    BudgetLineFactory(project=s.project, funder=s.region, year=2012, amount=D("5000"), status="requested")
    Transaction.objects.create(
        organisation=s.world.org,
        project=s.project,
        kind="disbursement",
        date=datetime.date(2012, 5, 1),
        amount=D("6559570"),
        currency="XOF",
        units_per_eur=D("655.957"),
        amount_eur=D("10000.00"),
    )
    return s


def test_project_budget_page_shows_the_figures(funded, officer):
    html = _text(officer.get(url(funded, "steering:project_budget", funded.project.pk)))
    assert "30 000,00 €" in html  # granted budget
    assert "5 000,00 €" in html  # requested, shown apart
    assert "12 500,00 €" in html  # own share: 10 000 + staff time 10 days x 250
    assert "1,60 € extérieurs pour 1 € propre" in html  # 20 000 / 12 500
    assert "33 %" in html  # execution: 10 000 / 30 000
    assert "6 559 570,00 XOF" in html and "655,957" in html
    assert "Temps agent : Direction de la culture" in html


def test_partner_sees_the_budget_of_its_project_only(funded, client):
    client.force_login(funded.world.members[Role.PARTNER])
    response = client.get(url(funded, "steering:project_budget", funded.project.pk))
    assert response.status_code == 200 and "Ajouter une transaction" not in response.content.decode()
    assert client.get(url(funded, "steering:project_budget", funded.other_project.pk)).status_code == 404
    assert client.get(url(funded, "steering:budget")).status_code == 403


def test_project_transactions_export_follows_the_filters(funded, officer):
    Transaction.objects.create(
        organisation=funded.world.org,
        project=funded.project,
        kind="commitment",
        date=datetime.date(2013, 1, 1),
        amount=D("5"),
        currency="EUR",
        amount_eur=D("5"),
        description='=HYPERLINK("http://x")',
    )
    page = url(funded, "steering:project_budget", funded.project.pk)
    rows = list(csv.reader(io.StringIO(officer.get(page, {"format": "csv"}).content.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "Date"
    assert any(row[-1].startswith("'=") for row in rows)
    rows = list(
        csv.reader(io.StringIO(officer.get(page, {"format": "csv", "year": "2012"}).content.decode("utf-8-sig")))
    )
    assert len(rows) == 2 and rows[1][3] == "XOF" and rows[1][5] == "10000.00"
    assert officer.get(page, {"format": "pdf"}).status_code == 404


# -- funders --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "kind": "state"}, "name", "obligatoire"),
        ({"name": "x" * 10_000, "kind": "state"}, "name", "au plus 255"),
        ({"name": "région", "kind": "state"}, "name", "déjà ce nom"),
        ({"name": "AFD", "kind": "bank"}, "kind", "choix valide"),
        ({"name": "AFD", "kind": "agency", "short_name": "x" * 41}, "short_name", "au plus 40"),
    ],
)
def test_bad_funder_input(steering, officer, data, field, message):
    before = Funder.objects.count()
    response = officer.post(url(steering, "steering:funder_create"), {"short_name": "", **data})
    assert response.status_code == 422 and message in _errors(response, field)
    assert Funder.objects.count() == before


def test_funder_create_and_edit(steering, officer):
    response = officer.post(
        url(steering, "steering:funder_create"), {"name": "AFD", "short_name": "", "kind": "agency"}
    )
    assert response.status_code == 302
    funder = Funder.objects.get(name="AFD")
    assert funder.organisation == steering.world.org
    data = {"name": "Agence française de développement", "short_name": "AFD", "kind": "agency"}
    assert officer.post(url(steering, "steering:funder_edit", funder.pk), data).status_code == 302
    funder.refresh_from_db()
    assert funder.short_name == "AFD"
    foreign = FunderFactory(organisation=steering.world.other_org, name="Beta")
    assert officer.get(url(steering, "steering:funder_edit", foreign.pk)).status_code == 404


def test_funders_list_filters_and_exports(steering, officer):
    FunderFactory(organisation=steering.world.org, name="=cmd|' /C calc'!A0", kind=FunderKind.COMPANY)
    BudgetLineFactory(project=steering.project, funder=steering.state, amount=D("1234.5"), status="granted")
    html = _text(officer.get(url(steering, "steering:funders"), {"kind": "state"}))
    assert "MAE / DAECT</th>" in html and "Région</th>" not in html and "1 234,50" in html
    response = officer.get(url(steering, "steering:funders"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names and len(names) == 4
    rows = list(
        csv.reader(
            io.StringIO(
                officer.get(url(steering, "steering:funders"), {"kind": "state", "format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1][:4] == ["MAE / DAECT", "", "État (MAE / DAECT)", "1234.50"]


# -- exchange rates -------------------------------------------------------------------------------


def test_exchange_rate_added_then_used(steering, officer):
    data = {"currency": "MRU", "valid_from": "2012-01-01", "units_per_eur": "40"}
    assert officer.post(url(steering, "steering:exchange_rate_create"), data).status_code == 302
    assert ExchangeRate.objects.get().organisation == steering.world.org
    response = officer.post(
        url(steering, "steering:transaction_create", steering.project.pk),
        tx_data(steering, currency="MRU", amount="4000"),
    )
    assert response.status_code == 302 and Transaction.objects.get().amount_eur == D("100.00")
    assert "1 janvier 2012" in _text(officer.get(url(steering, "steering:exchange_rates")))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"currency": "XOF", "valid_from": "2012-01-01", "units_per_eur": "600"}, "currency", "choix valide"),
        ({"currency": "USD", "valid_from": "2012-01-01", "units_per_eur": "1.1"}, "currency", "choix valide"),
        ({"currency": "MRU", "valid_from": "", "units_per_eur": "40"}, "valid_from", "obligatoire"),
        ({"currency": "MRU", "valid_from": "2012-01-01", "units_per_eur": "0"}, "units_per_eur", "supérieure"),
        ({"currency": "MRU", "valid_from": "2012-01-01", "units_per_eur": "quarante"}, "units_per_eur", "nombre"),
        ({"currency": "MRU", "valid_from": "2011-01-01", "units_per_eur": "40"}, "valid_from", "déjà saisi"),
    ],
)
def test_bad_exchange_rate_input(steering, officer, data, field, message):
    ExchangeRate.objects.create(
        organisation=steering.world.org, currency="MRU", valid_from=datetime.date(2011, 1, 1), units_per_eur=39
    )
    response = officer.post(url(steering, "steering:exchange_rate_create"), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["rate_form"].errors[field]).replace("\xa0", " ")
    assert ExchangeRate.objects.count() == 1


# -- envelopes ------------------------------------------------------------------------------------


def test_envelope_page_shows_planned_actual_and_gap(funded, officer):
    data = {"year": "2012", "project_kind": ProjectKind.INSTITUTIONAL, "amount": "25000"}
    response = officer.post(url(funded, "steering:envelope_create"), data)
    assert response.status_code == 302 and response["Location"].endswith("?year=2012")
    html = _text(officer.get(url(funded, "steering:envelopes"), {"year": "2012"}))
    assert "25 000,00" in html and "30 000,00" in html and "-5 000,00" in html and "dépassement" in html
    assert "10 000,00" in html and "15 000,00" in html  # actual, and what is left of the envelope
    response = officer.post(url(funded, "steering:envelope_create"), data)
    assert response.status_code == 422 and "existe déjà" in _errors(response, "project_kind")
    envelope = BudgetEnvelope.objects.get()
    data["amount"] = "40000"
    assert officer.post(url(funded, "steering:envelope_edit", envelope.pk), data).status_code == 302
    envelope.refresh_from_db()
    assert envelope.amount == D("40000")
    rows = list(
        csv.reader(
            io.StringIO(
                officer.get(url(funded, "steering:envelopes"), {"year": "2012", "format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1] == [
        "2012",
        "Coopération institutionnelle",
        "40000.00",
        "30000.00",
        "10000.00",
        "10000.00",
        "30000.00",
    ]


# -- the portfolio budget page and its export -----------------------------------------------------


@pytest.fixture
def portfolio(funded):
    BudgetLine.objects.create(
        organisation=funded.world.org,
        project=None,
        is_aggregate=True,
        year=2010,
        funder=funded.state,
        amount=D("50000"),
        status="granted",
    )
    return funded


def test_budget_page_marks_aggregates_and_has_a_data_table(portfolio, officer):
    response = officer.get(url(portfolio, "steering:budget"))
    html = _text(response)
    assert response.status_code == 200
    assert "agrégat historique" in html and "dont 50 000,00 en agrégat historique" in html
    assert 'class="chart finance-chart"' in html
    assert html.index('class="chart finance-chart"') < html.index("Budget du portefeuille par année et au total")
    assert "80 000,00" in html  # 30 000 + 50 000 granted
    filtered = _text(officer.get(url(portfolio, "steering:budget"), {"programme": portfolio.programme.pk}))
    assert "ne sont pas comptés" in filtered and "dont 50 000,00 en agrégat" not in filtered


def test_budget_export_csv_and_xlsx(portfolio, officer):
    response = officer.get(url(portfolio, "steering:budget_export"), {"format": "csv", "sep": "semicolon"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Année" and [r[0] for r in rows[1:]] == ["2010", "2012", "Année non précisée", "Total"]
    y2010, total = rows[1], rows[-1]
    assert y2010[1] == "oui" and y2010[2] == "50000.00" and y2010[3] == "50000.00"
    assert total[2] == "80000.00" and total[7] == "12500.00" and total[8] == "70000.00"
    assert total[9] == "5.60" and total[11] == "10000.00" and total[12] == "12"
    response = officer.get(url(portfolio, "steering:budget_export"), {"format": "xlsx", "year": "2012"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == [2012, "Total"]
    assert officer.get(url(portfolio, "steering:budget_export"), {"format": "doc"}).status_code == 404


def test_bad_filters_are_ignored_not_crashing(portfolio, officer):
    response = officer.get(url(portfolio, "steering:budget"), {"year": "abc", "programme": "999999"})
    assert response.status_code == 200 and "ont été ignorés" in response.content.decode()


# -- query counts at two data sizes ---------------------------------------------------------------


def _count(client, page, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page, params or {})
    assert response.status_code == 200
    return len(queries)


def _grow(s, start, n):
    """Add `n` projects, funders, lines, transactions and in-kind contributions (numbered from `start`)."""
    for i in range(start, start + n):
        project = ProjectFactory(organisation=s.world.org, code=f"GROW-{i}", partner_territories=[s.kayes])
        funder = FunderFactory(organisation=s.world.org, name=f"Fondation {i}", kind=FunderKind.FOUNDATION)
        for year in (2011, 2012):
            BudgetLineFactory(project=project, funder=funder, year=year, amount=D("100"), status="granted")
            BudgetLineFactory(project=s.project, funder=funder, year=year, amount=D("10"), status="requested")
        Transaction.objects.create(
            organisation=s.world.org,
            project=s.project,
            kind="disbursement",
            date=datetime.date(2012, 1, 1 + i % 28),
            amount=D("1"),
            currency="EUR",
            amount_eur=D("1"),
            funder=funder,
        )
        InKindContribution.objects.create(
            organisation=s.world.org, project=s.project, year=2012, funder=funder, description="x", value_eur=1
        )
        ExchangeRate.objects.create(
            organisation=s.world.org,
            currency="MRU",
            valid_from=datetime.date(2000, 1, 1) + datetime.timedelta(i),
            units_per_eur=40,
        )


def test_finance_pages_cost_the_same_queries_at_two_sizes(portfolio, officer):
    s = portfolio
    BudgetEnvelope.objects.create(organisation=s.world.org, year=2012, project_kind=ProjectKind.INSTITUTIONAL, amount=1)
    pages = [
        (url(s, "steering:budget"), {}),
        (url(s, "steering:budget"), {"year": "2012", "territory": s.kayes.pk}),
        (url(s, "steering:budget"), {"page": "2"}),
        (url(s, "steering:budget_export"), {"format": "csv"}),
        (url(s, "steering:project_budget", s.project.pk), {}),
        (url(s, "steering:funders"), {}),
        (url(s, "steering:funders"), {"format": "xlsx"}),
        (url(s, "steering:envelopes"), {"year": "2012"}),
        (url(s, "steering:exchange_rates"), {}),
    ]
    _grow(s, 0, 30)
    officer.get(url(s, "steering:budget"))  # the first visit records the organisation in the session
    small = {(page, str(params)): _count(officer, page, params) for page, params in pages}
    _grow(s, 30, 60)
    large = {(page, str(params)): _count(officer, page, params) for page, params in pages}
    print("queries per page (small, large):", {k: (small[k], large[k]) for k in small})
    assert small == large
    assert max(small.values()) <= 20, small
