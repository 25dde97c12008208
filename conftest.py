import datetime
import os

import pytest
import time_machine

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, MembershipFactory, OrganisationFactory, UserFactory
from passerelles.strategy.tests.factories import (
    ActionFactory,
    ActorCategoryFactory,
    AmbitionFactory,
    CriterionFactory,
    OrientationFactory,
    PriorityFactory,
    StrategyDocumentFactory,
)

# The suite must pass whatever the calendar says. PASSERELLES_TEST_CLOCK_SHIFT_DAYS moves the clock of the whole run
# (the test process, its live server threads, factories and the code under test) by that many days, ticking from
# there: `PASSERELLES_TEST_CLOCK_SHIFT_DAYS=365 make test` runs the suite a year ahead, `=-365` a year back.
# Tests that need a given instant travel there themselves (time-machine nests). See docs/testing.md.
# In a parallel run (pytest-xdist) pytest_configure runs in the controller and again in each worker process, which
# inherits the variable: every worker shifts its own clock by the same number of days.
CLOCK_SHIFT_ENV = "PASSERELLES_TEST_CLOCK_SHIFT_DAYS"
_clock_travel = None
_clock_shift_days = None


def pytest_configure(config):
    global _clock_travel, _clock_shift_days
    shift = os.environ.get(CLOCK_SHIFT_ENV, "").strip()
    if not shift:
        return
    try:
        days = int(shift)
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_SHIFT_ENV} must be a whole number of days, not {shift!r}") from None
    destination = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    _clock_travel = time_machine.travel(destination, tick=True)
    _clock_travel.start()
    _clock_shift_days = days


def pytest_report_header(config):
    if _clock_shift_days is not None:
        now = datetime.datetime.now(datetime.UTC).isoformat()
        workers = " (and in every xdist worker)" if config.getoption("numprocesses", None) else ""
        return f"clock shifted by {_clock_shift_days} day(s){workers}: now is {now}"


def pytest_unconfigure(config):
    global _clock_travel
    if _clock_travel is not None:
        _clock_travel.stop()
        _clock_travel = None


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


class World:
    """A small organisation with a strategy and one member per role, and another organisation beside it."""

    def __init__(self):
        self.org = OrganisationFactory(slug="alpha", name="Agglomération Alpha")
        self.directorate = DirectorateFactory(organisation=self.org, name="Direction de la culture")
        self.other_directorate = DirectorateFactory(organisation=self.org, name="Direction des sports")
        self.document = StrategyDocumentFactory(organisation=self.org, version=1)
        self.orientations = [OrientationFactory(document=self.document, number=n) for n in (1, 2, 3)]
        ambition = AmbitionFactory(document=self.document, code="A1")
        ambition.orientations.set(self.orientations[:2])
        self.priority = PriorityFactory(document=self.document, code="P1")
        self.category = ActorCategoryFactory(document=self.document, key="territory_actors", label="Acteurs")
        CriterionFactory(document=self.document, code="C1")
        self.action = ActionFactory(
            document=self.document,
            code="P1.1",
            priority=self.priority,
            actor_category=self.category,
            lead_directorate=self.directorate,
            orientations=self.orientations[:2],
        )
        self.transversal = ActionFactory(
            document=self.document,
            code="T1",
            priority=None,
            orientations=self.orientations,
        )
        self.members = {}
        for role in Role.values:
            user = UserFactory(email=f"{role}@alpha.test")
            MembershipFactory(
                organisation=self.org,
                user=user,
                role=role,
                directorate=self.directorate if role == Role.CONTRIBUTOR else None,
            )
            self.members[role] = user
        self.other_org = OrganisationFactory(slug="beta", name="Agglomération Beta")
        self.other_document = StrategyDocumentFactory(organisation=self.other_org, version=1)
        self.other_orientation = OrientationFactory(document=self.other_document, number=1)
        self.other_action = ActionFactory(
            document=self.other_document, code="B1", priority=None, orientations=[self.other_orientation]
        )
        self.outsider = UserFactory(email="admin@beta.test")
        MembershipFactory(organisation=self.other_org, user=self.outsider, role=Role.ADMIN)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


class SteeringWorld:
    """The World, plus partner territories, two projects, a results framework and funders.

    The partner member is attached to Kayes: it is party to `project` (Kayes) but not to `other_project` (Dakar).
    The contributor's directorate co-carries `project`.
    """

    def __init__(self, world):
        from passerelles.core.tests.factories import TerritoryFactory
        from passerelles.steering.enums import FunderKind, MeasuredOn, TransversalityStage
        from passerelles.steering.models import ProjectDirectorate
        from passerelles.steering.tests.factories import (
            FunderFactory,
            IndicatorFactory,
            PeriodFactory,
            ProgrammeFactory,
            ProjectFactory,
            ResultFactory,
        )

        self.world = world
        org = world.org
        self.kayes = TerritoryFactory(organisation=org, name="Kayes", country="ML")
        self.dakar = TerritoryFactory(organisation=org, name="Dakar", country="SN")
        self.home = TerritoryFactory(organisation=org, home=True, name="Evry", insee_code="91228")
        world.org.memberships.filter(role=Role.PARTNER).update(partner_territory=self.kayes)
        self.programme = ProgrammeFactory(organisation=org, start_year=2010, end_year=2012)
        self.project = ProjectFactory(
            organisation=org, code="KAY-01", programme=self.programme, partner_territories=[self.kayes]
        )
        self.other_project = ProjectFactory(organisation=org, code="DAK-01", partner_territories=[self.dakar])
        ProjectDirectorate.objects.create(
            organisation=org,
            project=self.project,
            directorate=world.directorate,
            stage=TransversalityStage.AGENTS,
            person_days=10,
            day_rate=250,
        )
        self.result = ResultFactory(project=self.project)
        self.indicator = IndicatorFactory(result=self.result, measured_on=MeasuredOn.PARTNER, territory=self.kayes)
        self.home_indicator = IndicatorFactory(result=self.result, measured_on=MeasuredOn.HOME, territory=self.home)
        self.period = PeriodFactory(indicator=self.indicator)
        self.home_period = PeriodFactory(indicator=self.home_indicator)
        self.own = FunderFactory(organisation=org, name="Agglomération Alpha", kind=FunderKind.OWN)
        self.state = FunderFactory(organisation=org, name="MAE / DAECT", kind=FunderKind.STATE)
        self.region = FunderFactory(organisation=org, name="Région", kind=FunderKind.REGION)
        self.other_org_project = ProjectFactory(organisation=world.other_org, code="BETA-01")


@pytest.fixture
def steering(world):
    return SteeringWorld(world)
