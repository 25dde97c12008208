import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from passerelles.actors.tests.factories import ActorFactory
from passerelles.calls.enums import ApplicationStatus, BudgetSide, CallStatus, QuestionKind, ReportKind
from passerelles.calls.models import (
    Application,
    BudgetLine,
    Call,
    CommitteeSession,
    Criterion,
    Grant,
    GrantReport,
    Instalment,
    Question,
    ReportIndicator,
    RequiredDocument,
    ReviewAssignment,
)
from passerelles.core.tests.factories import OrganisationFactory, UserFactory


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open since yesterday and closing in thirty days."""

    class Meta:
        model = Call

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    status = CallStatus.PUBLISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    max_amount = Decimal("10000")
    max_share_percent = Decimal("50")
    modalities = ["cofinancing"]
    envelope = Decimal("50000")

    class Params:
        draft = factory.Trait(status=CallStatus.DRAFT)
        closed = factory.Trait(
            status=CallStatus.CLOSED,
            opens_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    label = factory.Sequence(lambda n: f"Pièce {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    label = factory.Sequence(lambda n: f"Question {n} ?")
    kind = QuestionKind.SHORT_TEXT
    position = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    label = factory.Sequence(lambda n: f"Critère {n}")
    weight = 1
    position = factory.Sequence(lambda n: n)


class ReportIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportIndicator

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    label = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "personnes"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application of an actor that has an account (the applicant) to a published call."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    applicant = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(
        ActorFactory,
        organisation=factory.SelfAttribute("..organisation"),
        account=factory.SelfAttribute("..applicant"),
        founded_year=2010,
    )
    reference = factory.Sequence(lambda n: f"AAP-{n:05}")
    title = factory.Sequence(lambda n: f"Projet de solidarité {n}")
    amount_requested = Decimal("5000")
    status = ApplicationStatus.DRAFT

    class Params:
        submitted = factory.Trait(status=ApplicationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        in_instruction = factory.Trait(
            status=ApplicationStatus.IN_INSTRUCTION, submitted_at=factory.LazyFunction(timezone.now)
        )
        accepted = factory.Trait(
            status=ApplicationStatus.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_amount=Decimal("5000"),
            decided_at=factory.LazyFunction(timezone.now),
        )


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    organisation = factory.SelfAttribute("application.organisation")
    side = BudgetSide.EXPENSE
    label = factory.Sequence(lambda n: f"Poste {n}")
    amount = Decimal("1000")


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    organisation = factory.SelfAttribute("application.organisation")
    reviewer = factory.SubFactory(UserFactory)


class CommitteeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSession

    call = factory.SubFactory(CallFactory)
    organisation = factory.SelfAttribute("call.organisation")
    title = factory.Sequence(lambda n: f"Comité {n}")
    held_on = datetime.date(2026, 12, 10)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    application = factory.SubFactory(ApplicationFactory, accepted=True)
    organisation = factory.SelfAttribute("application.organisation")
    amount = Decimal("5000")
    modality = "cofinancing"
    agreement_number = factory.Sequence(lambda n: f"CONV-{n:05}")


class InstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instalment

    grant = factory.SubFactory(GrantFactory)
    organisation = factory.SelfAttribute("grant.organisation")
    label = factory.Sequence(lambda n: f"Versement {n}")
    due_on = datetime.date(2027, 1, 15)
    amount = Decimal("2500")


class GrantReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantReport

    grant = factory.SubFactory(GrantFactory)
    organisation = factory.SelfAttribute("grant.organisation")
    kind = ReportKind.INTERIM
    due_on = datetime.date(2027, 6, 30)
