"""The project list, the programme pages and an annual plan cost the same number of queries at two data sizes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.steering.enums import MeasuredOn, PlanItemStatus
from passerelles.steering.models import AnnualPlan, AnnualPlanItem, ParticipatingOrganisation, ProjectDirectorate
from passerelles.steering.tests.factories import IndicatorFactory, ProjectFactory, ResultFactory


def _grow(s, plan, start: int, count: int) -> None:
    w = s.world
    for n in range(start, start + count):
        project = ProjectFactory(
            organisation=w.org, code=f"GEN-{n:03}", programme=s.programme, partner_territories=[s.kayes, s.dakar]
        )
        project.orientations.set(w.orientations[:2])
        if n % 2:
            IndicatorFactory(result=ResultFactory(project=project), measured_on=MeasuredOn.HOME, territory=s.home)
        ProjectDirectorate.objects.create(
            organisation=w.org, project=project, directorate=w.other_directorate, stage=2, person_days=1, day_rate=100
        )
        ParticipatingOrganisation.objects.create(organisation=w.org, project=project, name=f"Org {n}", role="4")
        AnnualPlanItem.objects.create(
            organisation=w.org,
            plan=plan,
            project=project,
            owner=w.directorate,
            budget=100 * n,
            status=PlanItemStatus.values[n % len(PlanItemStatus.values)],
        )


def _count(client, name, args, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=["alpha", *args]), params or {})
    assert response.status_code == 200, name
    return len(queries)


def test_same_number_of_queries_at_two_sizes(steering, client):
    w = steering.world
    plan = AnnualPlan.objects.create(organisation=w.org, year=2012, programme=steering.programme)
    AnnualPlan.objects.create(organisation=w.org, year=2011, programme=steering.programme)
    pages = [
        ("steering:projects", [], None),
        ("steering:projects", [], {"orientation": w.orientations[0].pk, "without_home_indicator": "on"}),
        ("steering:projects_export", [], {"format": "csv"}),
        ("steering:programmes", [], None),
        ("steering:programme", [steering.programme.pk], None),
        ("steering:annual_plans", [], None),
        ("steering:annual_plan", [plan.pk], None),
        ("steering:annual_plan", [plan.pk], {"kind": "project", "status": "planned"}),
        ("steering:annual_plan_export", [plan.pk], {"format": "xlsx"}),
        ("steering:project", [steering.project.pk], None),
    ]
    client.force_login(w.members[Role.OFFICER])
    client.get(reverse("steering:projects", args=["alpha"]))  # the first visit records the organisation in the session
    _grow(steering, plan, 0, 3)
    small = [_count(client, *page) for page in pages]
    _grow(steering, plan, 3, 20)
    large = [_count(client, *page) for page in pages]
    assert small == large, list(zip(pages, small, large, strict=True))
    assert max(small) <= 20, small


def test_partner_list_queries_are_constant(steering, client):
    w = steering.world
    plan = AnnualPlan.objects.create(organisation=w.org, year=2012)
    client.force_login(w.members[Role.PARTNER])
    client.get(reverse("steering:projects", args=["alpha"]))  # the first visit records the organisation in the session
    _grow(steering, plan, 0, 2)
    small = _count(client, "steering:projects", [])
    _grow(steering, plan, 2, 15)
    assert _count(client, "steering:projects", []) == small
