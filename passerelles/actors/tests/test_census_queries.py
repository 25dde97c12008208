import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.actors.enums import ActorKind, MeetingScope
from passerelles.actors.models import Actor, CensusCampaign, CensusFinding, CensusMeeting
from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory


def _bulk(world, start, count):
    """`count` campaigns, each with one directorate meeting and one commune meeting, each with two findings."""
    campaigns = CensusCampaign.objects.bulk_create(
        CensusCampaign(
            organisation=world.org,
            title=f"Campagne {n:04}",
            starts_on=datetime.date(2026, 1, 5),
            action=world.action,
            is_closed=bool(n % 2),
        )
        for n in range(start, start + count)
    )
    directorate = DirectorateFactory(organisation=world.org, name=f"Direction {start}")
    meetings = CensusMeeting.objects.bulk_create(
        [
            CensusMeeting(
                organisation=world.org,
                campaign=c,
                scope=MeetingScope.DIRECTORATE,
                directorate=directorate,
                held_on=datetime.date(2026, 2, 1),
            )
            for c in campaigns
        ]
        + [
            CensusMeeting(organisation=world.org, campaign=c, scope=MeetingScope.COMMUNE, commune=f"Commune {start}")
            for c in campaigns
        ]
    )
    actors = Actor.objects.bulk_create(
        Actor(organisation=world.org, name=f"Acteur {start + n:05}", kind=ActorKind.ASSOCIATION, commune="Evry")
        for n in range(2 * len(meetings))
    )
    CensusFinding.objects.bulk_create(
        CensusFinding(organisation=world.org, meeting=m, actor=actors[2 * i + k], is_new=bool(k))
        for i, m in enumerate(meetings)
        for k in (0, 1)
    )
    return campaigns


def _count(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def _grow_campaign(world, campaign, start, count):
    """Add `count` commune meetings with one finding each to `campaign`."""
    meetings = CensusMeeting.objects.bulk_create(
        CensusMeeting(organisation=world.org, campaign=campaign, scope=MeetingScope.COMMUNE, commune=f"Ville {n:04}")
        for n in range(start, start + count)
    )
    actors = Actor.objects.bulk_create(
        Actor(organisation=world.org, name=f"Acteur V{n:05}", kind=ActorKind.SCHOOL)
        for n in range(start, start + count)
    )
    CensusFinding.objects.bulk_create(
        CensusFinding(organisation=world.org, meeting=m, actor=a, is_new=True)
        for m, a in zip(meetings, actors, strict=True)
    )
    return meetings[0]


def test_census_pages_and_exports_cost_a_constant_number_of_queries(world, client):
    client.force_login(world.members[Role.OFFICER])
    campaigns_url = reverse("actors:census_campaigns", args=[world.org.slug])
    export_url = reverse("actors:census_campaigns_export", args=[world.org.slug])
    first = _bulk(world, 0, 3)[0]
    meeting = _grow_campaign(world, first, 0, 3)
    detail_url = reverse("actors:census_campaign", args=[world.org.slug, first.pk])
    findings_url = reverse("actors:census_findings_export", args=[world.org.slug, first.pk])
    meeting_url = reverse("actors:census_meeting", args=[world.org.slug, meeting.pk])
    client.get(campaigns_url)  # warm the session and the caches up

    def measure():
        return (
            _count(client, campaigns_url),
            _count(client, campaigns_url, {"status": "closed"}),
            _count(client, export_url, {"format": "csv"}),
            _count(client, detail_url),
            _count(client, findings_url, {"format": "xlsx"}),
            _count(client, meeting_url, {"q": "Acteur"}),
        )

    small = measure()
    _bulk(world, 3, 120)
    _grow_campaign(world, first, 3, 120)
    CensusFinding.objects.bulk_create(
        CensusFinding(organisation=world.org, meeting=meeting, actor=actor)
        for actor in Actor.objects.filter(name__startswith="Acteur 000")[:40]
    )
    large = measure()
    assert small == large
    page = client.get(detail_url).context["page"]
    assert page.paginator.count == 125 and len(page.object_list) == 25
