import datetime

import factory

from passerelles.actors.enums import ActorKind, MeetingScope, MembershipStatus, ModerationStatus, SubscriberKind
from passerelles.actors.models import Actor
from passerelles.core.tests.factories import OrganisationFactory


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Acteur {n:04}")
    kind = ActorKind.ASSOCIATION
    commune = "Evry-Courcouronnes"
    moderation_status = ModerationStatus.APPROVED

    class Params:
        pending = factory.Trait(moderation_status=ModerationStatus.PENDING)

    @factory.post_generation
    def partner_territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_territories.set(extracted)

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class CensusCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.CensusCampaign"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Recensement {n}")
    starts_on = datetime.date(2026, 1, 5)


class CensusMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting with a commune by default; pass scope=directorate, directorate=..., commune="" for a directorate."""

    class Meta:
        model = "actors.CensusMeeting"

    campaign = factory.SubFactory(CensusCampaignFactory)
    organisation = factory.SelfAttribute("campaign.organisation")
    scope = MeetingScope.COMMUNE
    commune = factory.Sequence(lambda n: f"Commune {n}")


class CensusFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.CensusFinding"

    meeting = factory.SubFactory(CensusMeetingFactory)
    organisation = factory.SelfAttribute("meeting.organisation")
    actor = factory.SubFactory(ActorFactory, organisation=factory.SelfAttribute("..organisation"))


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.Network"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Réseau {n:03}")
    membership_status = MembershipStatus.MEMBER


class NetworkCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.NetworkCriterion"

    organisation = factory.SubFactory(OrganisationFactory)
    label = factory.Sequence(lambda n: f"Critère {n:03}")
    weight = 1
    position = factory.Sequence(lambda n: n)


class NetworkScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.NetworkScore"

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SelfAttribute("network.organisation")
    criterion = factory.SubFactory(NetworkCriterionFactory, organisation=factory.SelfAttribute("..organisation"))
    score = 3


class WatchItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.WatchItem"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Information {n:04}")
    published_on = datetime.date(2026, 11, 20)

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.territories.set(extracted)


class WatchSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.WatchSubscription"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    kind = SubscriberKind.ELECTED
    label = factory.Sequence(lambda n: f"Vice-présidence {n}")
    email = factory.Sequence(lambda n: f"abonne{n}@example.org")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.territories.set(extracted)
