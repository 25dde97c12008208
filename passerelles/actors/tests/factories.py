import factory

from passerelles.actors.enums import ActorKind, ModerationStatus
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
