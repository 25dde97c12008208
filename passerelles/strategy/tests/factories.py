import datetime

import factory

from passerelles.core.tests.factories import OrganisationFactory
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.models import (
    Action,
    ActorCategory,
    AlignmentCriterion,
    Ambition,
    Orientation,
    Priority,
    StrategyDocument,
)


class StrategyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyDocument

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Stratégie d'action internationale"
    version = factory.Sequence(lambda n: n + 1)
    status = DocumentStatus.ADOPTED
    adopted_on = datetime.date(2013, 6, 30)
    horizon_year = 2025
    red_thread = "La solidarité de territoires et l'intérêt local partagé"

    class Params:
        draft = factory.Trait(status=DocumentStatus.DRAFT, adopted_on=None)


class _Part(factory.django.DjangoModelFactory):
    document = factory.SubFactory(StrategyDocumentFactory)
    organisation = factory.SelfAttribute("document.organisation")


class OrientationFactory(_Part):
    class Meta:
        model = Orientation

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Orientation {n + 1}")
    expected_results = "Des résultats sur les deux territoires."
    levers = "Un levier\nUn autre levier"
    vigilance = "Un point de vigilance"


class AmbitionFactory(_Part):
    class Meta:
        model = Ambition

    code = factory.Sequence(lambda n: f"A{n + 1}")
    title = factory.Sequence(lambda n: f"Ambition {n + 1}")


class PriorityFactory(_Part):
    class Meta:
        model = Priority

    code = factory.Sequence(lambda n: f"P{n + 1}")
    title = factory.Sequence(lambda n: f"Priorité {n + 1}")


class ActorCategoryFactory(_Part):
    class Meta:
        model = ActorCategory

    key = factory.Sequence(lambda n: f"category-{n}")
    label = factory.Sequence(lambda n: f"Catégorie {n}")


class CriterionFactory(_Part):
    class Meta:
        model = AlignmentCriterion

    code = factory.Sequence(lambda n: f"C{n + 1}")
    title = factory.Sequence(lambda n: f"Principe {n + 1}")


class ActionFactory(_Part):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"X{n + 1}")
    title = factory.Sequence(lambda n: f"Action {n + 1}")
    priority = factory.SubFactory(PriorityFactory, document=factory.SelfAttribute("..document"))

    @factory.post_generation
    def orientations(self, create, extracted, **kwargs):
        if create and extracted:
            self.orientations.set(extracted)
