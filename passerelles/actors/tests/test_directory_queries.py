from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.actors.models import Actor
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory


def _bulk(world, start, count, territory):
    actors = Actor.objects.bulk_create(
        Actor(
            organisation=world.org,
            name=f"Acteur {n:05}",
            kind="association",
            commune=f"Commune {n % 7}",
            themes=["youth_education"],
            countries=["ML"],
            latitude="48.6",
            longitude="2.4",
            moderation_status="approved",
        )
        for n in range(start, start + count)
    )
    Actor.partner_territories.through.objects.bulk_create(
        Actor.partner_territories.through(actor_id=a.pk, territory_id=territory.pk) for a in actors
    )


def _count(client, path, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def test_directory_and_geojson_queries_do_not_grow(world, client):
    territory = TerritoryFactory(organisation=world.org, name="Kayes")
    client.force_login(world.members[Role.OFFICER])
    directory = reverse("actors:directory", args=[world.org.slug])
    export = reverse("actors:directory_export", args=[world.org.slug])
    _bulk(world, 0, 50, territory)
    client.get(directory)  # warm the session and the caches up
    small = (
        _count(client, directory, {"theme": "youth_education"}),
        _count(client, export, {"format": "geojson"}),
        _count(client, export, {"format": "csv"}),
    )
    _bulk(world, 50, 4950, territory)
    large = (
        _count(client, directory, {"theme": "youth_education"}),
        _count(client, export, {"format": "geojson"}),
        _count(client, export, {"format": "csv"}),
    )
    assert small == large


def test_neighbours_take_one_query(world, django_assert_num_queries):
    from passerelles.actors.selectors.directory import similar_actors
    from passerelles.actors.tests.factories import ActorFactory

    territory = TerritoryFactory(organisation=world.org)
    actor = ActorFactory(
        organisation=world.org, themes=["democracy", "youth_education"], partner_territories=[territory]
    )
    ActorFactory.create_batch(6, organisation=world.org, themes=["democracy"])
    ActorFactory.create_batch(6, organisation=world.org, partner_territories=[territory])
    with django_assert_num_queries(1):
        assert len(similar_actors(actor=actor)) == 10
