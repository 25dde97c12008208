import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.actors.models import Network, NetworkScore
from passerelles.actors.selectors.networks import network_detail, ranking, ranking_totals
from passerelles.actors.tests.factories import (
    NetworkCriterionFactory,
    NetworkFactory,
    NetworkScoreFactory,
    WatchItemFactory,
)
from passerelles.core.enums import Role


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


@pytest.fixture
def grid(world):
    """Two criteria weighted 3 and 1; scores worked out by hand below."""
    org = world.org
    strategic = NetworkCriterionFactory(organisation=org, label="Intérêt stratégique", weight=3, position=1)
    cost = NetworkCriterionFactory(organisation=org, label="Coût", weight=1, position=2)
    networks = {
        name: NetworkFactory(organisation=org, name=name)
        for name in ("Cités Unies France", "AFCCRE", "AIMF", "F3E", "Educasol", "Sans note")
    }

    def score(network, criterion, value):
        NetworkScoreFactory(network=networks[network], criterion=criterion, score=value)

    score("Cités Unies France", strategic, 5)  # (3*5 + 1*1) / 4 = 4.0
    score("Cités Unies France", cost, 1)
    score("AFCCRE", strategic, 4)  # (3*4 + 1*4) / 4 = 4.0, a tie with Cités Unies France
    score("AFCCRE", cost, 4)
    score("AIMF", strategic, 2)  # (3*2 + 1*5) / 4 = 2.75
    score("AIMF", cost, 5)
    score("F3E", strategic, 5)  # incomplete: 5.0 on the one scored criterion, but ranked after complete grids
    score("Educasol", cost, 0)  # incomplete: 0.0
    return {"strategic": strategic, "cost": cost, **networks}


def test_ranking_arithmetic_on_known_data(world, grid):
    NetworkFactory(organisation=world.other_org, name="Ailleurs")
    rows = list(ranking(organisation=world.org))
    summary = [(n.rank, n.name, n.score, n.scored_count, n.is_complete) for n in rows]
    assert summary == [
        (1, "AFCCRE", 4.0, 2, True),  # tie: same rank, alphabetical order
        (1, "Cités Unies France", 4.0, 2, True),
        (3, "AIMF", 2.75, 2, True),
        (4, "F3E", 5.0, 1, False),
        (5, "Educasol", 0.0, 1, False),
        (6, "Sans note", None, 0, False),
    ]
    assert rows[2].score_percent == pytest.approx(55.0)
    assert rows[0].score_percent == pytest.approx(80.0)


def test_ranking_filters_and_totals(world, grid):
    Network.objects.filter(pk=grid["AIMF"].pk).update(membership_status="prospect", scope="international")
    Network.objects.filter(pk=grid["AFCCRE"].pk).update(annual_fee=Decimal("1200.50"), scope="european")
    Network.objects.filter(pk=grid["F3E"].pk).update(annual_fee=Decimal("800"))
    Network.objects.filter(pk=grid["Educasol"].pk).update(annual_fee=Decimal("999"), membership_status="former")
    all_rows = ranking(organisation=world.org)
    assert ranking_totals(all_rows) == {"memberships": 4, "fees": Decimal("2000.50")}
    prospects = ranking(organisation=world.org, membership_status="prospect")
    assert [n.name for n in prospects] == ["AIMF"]
    assert [n.rank for n in prospects] == [1]
    assert [n.name for n in ranking(organisation=world.org, scope="european")] == ["AFCCRE"]


def test_no_criteria_ranks_alphabetically_and_marks_every_grid_incomplete(world):
    NetworkFactory(organisation=world.org, name="B")
    NetworkFactory(organisation=world.org, name="A")
    rows = list(ranking(organisation=world.org))
    assert [(n.name, n.rank, n.is_complete) for n in rows] == [("A", 1, False), ("B", 1, False)]


def test_ranking_page_shows_scores_badges_and_totals(world, grid, client):
    Network.objects.filter(pk=grid["AFCCRE"].pk).update(annual_fee=Decimal("1200.50"))
    client.force_login(world.members[Role.VIEWER])
    response = client.get(url(world, "actors:networks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and "badge--member" in html
    assert "4,00 / 5 (80 %)" in html and "2,75 / 5 (55 %)" in html
    assert "grille incomplète" in html and "non noté" in html
    assert "1\xa0200,50 €" in html
    assert html.index("AFCCRE") < html.index("AIMF") < html.index("F3E") < html.index("Sans note")
    assert "format=xlsx" in html
    assert "Nouveau réseau" not in html  # a viewer does not edit


def test_ranking_page_filters_with_htmx_and_ignores_bad_values(world, grid, client):
    client.force_login(world.members[Role.OFFICER])
    response = client.get(url(world, "actors:networks"), {"membership_status": "nope", "scope": "<script>"})
    assert response.status_code == 200
    assert "Certains filtres ne sont pas valides" in response.content.decode()
    response = client.get(url(world, "actors:networks"), {"scope": "national"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="network-results"' in html


def test_export_columns_include_each_criterion(world, grid, client):
    Network.objects.filter(pk=grid["AFCCRE"].pk).update(acronym="=HYPERLINK()", annual_fee=Decimal("1200.50"))
    client.force_login(world.members[Role.VIEWER])
    response = client.get(url(world, "actors:networks_export"), {"format": "csv", "sep": "semicolon"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Rang",
        "Réseau",
        "Sigle",
        "Échelle",
        "Adhésion",
        "Adhérente depuis",
        "Cotisation annuelle (EUR)",
        "Direction référente",
        "Note pondérée (/5)",
        "Note pondérée (%)",
        "Critères notés",
        "Grille complète",
        "Intérêt stratégique (x3)",
        "Coût (x1)",
    ]
    assert rows[1][:8] == ["1", "AFCCRE", "'=HYPERLINK()", "National", "Adhérente", "", "1200.50", ""]
    assert rows[1][8:] == ["4.00", "80.00", "2/2", "oui", "4", "4"]
    assert rows[4][1] == "F3E" and rows[4][-2:] == ["5", ""] and rows[4][11] == "non"
    assert len(rows) == 7
    response = client.get(url(world, "actors:networks_export"), {"format": "xlsx", "scope": "national"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 13).value == "Intérêt stratégique (x3)"
    assert sheet.cell(2, 2).value == "AFCCRE"
    assert client.get(url(world, "actors:networks_export"), {"format": "pdf"}).status_code == 404


def _bulk(world, criteria, start, count):
    networks = Network.objects.bulk_create(
        Network(organisation=world.org, name=f"Réseau {n:05}", annual_fee=100) for n in range(start, start + count)
    )
    NetworkScore.objects.bulk_create(
        NetworkScore(organisation=world.org, network=network, criterion=criterion, score=(network.pk + i) % 6)
        for network in networks
        for i, criterion in enumerate(criteria)
    )


def _count(client, path, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def test_ranking_and_export_queries_do_not_grow(world, client):
    criteria = [NetworkCriterionFactory(organisation=world.org, weight=w) for w in (1, 3, 5)]
    client.force_login(world.members[Role.OFFICER])
    page, export = url(world, "actors:networks"), url(world, "actors:networks_export")
    _bulk(world, criteria, 0, 5)
    client.get(page)  # warm the session and the caches up
    small = (
        _count(client, page, {}),
        _count(client, page, {"membership_status": "member"}),
        _count(client, export, {"format": "csv"}),
        _count(client, export, {"format": "xlsx"}),
        _count(client, url(world, "actors:network_criteria"), {}),
    )
    _bulk(world, criteria, 5, 300)
    large = (
        _count(client, page, {}),
        _count(client, page, {"membership_status": "member"}),
        _count(client, export, {"format": "csv"}),
        _count(client, export, {"format": "xlsx"}),
        _count(client, url(world, "actors:network_criteria"), {}),
    )
    assert small == large


def test_detail_shows_grid_rank_and_latest_watch_items(world, grid, client):
    aimf = grid["AIMF"]
    NetworkScore.objects.filter(network=aimf, criterion=grid["cost"]).update(comment="<script>alert(1)</script>")
    for day in range(1, 8):
        WatchItemFactory(organisation=world.org, network=aimf, title=f"Nouvelle {day}", published_on=f"2026-10-0{day}")
    WatchItemFactory(organisation=world.org, network=grid["F3E"], title="Autre réseau")
    context = network_detail(organisation=world.org, pk=aimf.pk)
    assert (context["network"].rank, context["network_count"]) == (3, 6)
    assert [i.title for i in context["watch_items"]] == [f"Nouvelle {d}" for d in (7, 6, 5, 4, 3)]
    client.force_login(world.members[Role.CONTRIBUTOR])
    html = client.get(url(world, "actors:network", aimf.pk)).content.decode()
    assert "rang 3 sur 6" in html and "2,75 / 5 (55 %)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Nouvelle 7" in html and "Nouvelle 2" not in html and "Autre réseau" not in html
    assert "Noter" not in html  # a contributor does not score
    assert f"/veille/?network={aimf.pk}" in html


def test_detail_of_another_organisations_network_is_404(world, client):
    other = NetworkFactory(organisation=world.other_org)
    client.force_login(world.members[Role.ADMIN])
    assert client.get(url(world, "actors:network", other.pk)).status_code == 404
    assert client.get(url(world, "actors:network_scores", other.pk)).status_code == 404
