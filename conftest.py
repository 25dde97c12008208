import pytest

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


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
