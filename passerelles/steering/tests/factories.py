import datetime
from decimal import Decimal

import factory

from passerelles.core.tests.factories import OrganisationFactory
from passerelles.steering.enums import FunderKind, MeasuredOn, ProjectKind, ResultKind
from passerelles.steering.models import (
    BudgetLine,
    Funder,
    Indicator,
    Period,
    Programme,
    Project,
    Result,
)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Programme {n}")
    start_year = factory.Sequence(lambda n: 2010 + 3 * n)
    end_year = factory.LazyAttribute(lambda o: o.start_year + 2)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"PRJ-{n:03}")
    title = factory.Sequence(lambda n: f"Projet {n}")
    kind = ProjectKind.INSTITUTIONAL

    @factory.post_generation
    def partner_territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_territories.set(extracted)


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    kind = ResultKind.OUTCOME
    title = factory.Sequence(lambda n: f"Résultat {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    result = factory.SubFactory(ResultFactory)
    organisation = factory.SelfAttribute("result.organisation")
    title = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "personnes"
    measured_on = MeasuredOn.PARTNER
    baseline_value = Decimal("10")
    baseline_date = datetime.date(2012, 1, 1)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    indicator = factory.SubFactory(IndicatorFactory)
    organisation = factory.SelfAttribute("indicator.organisation")
    start = datetime.date(2012, 1, 1)
    end = datetime.date(2012, 12, 31)
    target_value = Decimal("20")


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Bailleur {n}")
    kind = FunderKind.STATE


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    year = 2012
    funder = factory.SubFactory(FunderFactory, organisation=factory.SelfAttribute("..organisation"))
    amount = Decimal("1000")
