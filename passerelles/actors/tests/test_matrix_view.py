import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.actors.models import Actor
from passerelles.actors.selectors.matrix import theme_matrix
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _row(matrix, theme):
    return next(r for r in matrix["rows"] if r.theme == theme)


def test_matrix_counts_known_data(world):
    kayes = TerritoryFactory(organisation=world.org, name="Kayes")
    dakar = TerritoryFactory(organisation=world.org, name="Dakar")
    ActorFactory(organisation=world.org, name="A", themes=["youth_education"], partner_territories=[kayes])
    ActorFactory(
        organisation=world.org, name="B", themes=["youth_education", "democracy"], partner_territories=[kayes, dakar]
    )
    ActorFactory(organisation=world.org, name="C", themes=["youth_education"])  # other countries
    ActorFactory(
        organisation=world.org, name="D", themes=["youth_education"], partner_territories=[kayes], pending=True
    )
    ActorFactory(organisation=world.other_org, name="E", themes=["youth_education"])
    matrix = theme_matrix(organisation=world.org)
    assert [t.name for t in matrix["territories"]] == ["Dakar", "Kayes"]
    youth = _row(matrix, "youth_education")
    assert [count for _t, count in youth.cells] == [1, 2]
    assert (youth.elsewhere, youth.total) == (1, 3)
    assert [name for _pk, name in youth.names] == ["A", "B", "C"]
    democracy = _row(matrix, "democracy")
    assert [count for _t, count in democracy.cells] == [1, 1]
    assert (democracy.elsewhere, democracy.total) == (0, 1)
    assert _row(matrix, "local_actors").total == 0
    assert len(matrix["rows"]) == 6


def test_matrix_page_links_to_the_filtered_directory(world, client):
    kayes = TerritoryFactory(organisation=world.org, name="Kayes")
    ActorFactory(
        organisation=world.org, name="<script>x</script>", themes=["youth_education"], partner_territories=[kayes]
    )
    client.force_login(world.members[Role.VIEWER])
    response = client.get(url(world, "actors:matrix"))
    assert response.status_code == 200
    html = response.content.decode()
    directory = url(world, "actors:directory")
    assert f"{directory}?theme=youth_education&amp;territory={kayes.pk}&amp;status=approved" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<caption>" in html and 'scope="row"' in html and "table-wrap" in html
    # The link's filters are understood by the directory and give the same count.
    listing = client.get(directory, {"theme": "youth_education", "territory": kayes.pk, "status": "approved"})
    assert listing.context["page"].paginator.count == 1


def test_matrix_filter_and_export(world, client):
    kayes = TerritoryFactory(organisation=world.org, name="Kayes")
    ActorFactory(organisation=world.org, kind="school", themes=["youth_education"], partner_territories=[kayes])
    ActorFactory(organisation=world.org, kind="company", themes=["youth_education"], partner_territories=[kayes])
    client.force_login(world.members[Role.OFFICER])
    response = client.get(url(world, "actors:matrix_export"), {"format": "csv", "kind": "school"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Kayes"
    youth = next(r for r in rows if r[0] == "Jeunesse et éducation")
    assert youth[1:] == ["1", "0", "1"]
    assert client.get(url(world, "actors:matrix_export"), {"format": "xlsx"}).status_code == 200
    assert client.get(url(world, "actors:matrix_export"), {"format": "pdf"}).status_code == 404
    # A hostile filter is ignored with a message, not a crash.
    assert client.get(url(world, "actors:matrix"), {"kind": "<script>"}).status_code == 200


def _bulk(world, start, count, territories):
    actors = Actor.objects.bulk_create(
        Actor(
            organisation=world.org,
            name=f"Acteur {n:05}",
            kind="association",
            themes=["youth_education", "democracy"],
            moderation_status="approved",
        )
        for n in range(start, start + count)
    )
    Actor.partner_territories.through.objects.bulk_create(
        Actor.partner_territories.through(actor_id=a.pk, territory_id=t.pk) for a in actors for t in territories
    )


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_matrix_queries_do_not_grow(world, client):
    territories = [TerritoryFactory(organisation=world.org, name=f"T{n}") for n in range(3)]
    client.force_login(world.members[Role.OFFICER])
    page, export = url(world, "actors:matrix"), url(world, "actors:matrix_export")
    _bulk(world, 0, 10, territories)
    client.get(page)
    small = (_count(client, page), _count(client, export))
    _bulk(world, 10, 1000, territories)
    large = (_count(client, page), _count(client, export))
    assert small == large
