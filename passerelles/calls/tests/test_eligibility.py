"""`eligibility.check`: each rule of the call, and the plain-French reason it gives when it fails."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from passerelles.actors.enums import ActorKind, Location
from passerelles.calls.eligibility import check, condition_met
from passerelles.calls.enums import BudgetSide, QuestionKind
from passerelles.calls.models import Answer, Attachment
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    QuestionFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def nbsp(messages):
    return [m.replace("\xa0", " ").replace("\u202f", " ") for m in messages]


@pytest.fixture(autouse=True)
def _inside_the_call(time_machine):
    # The call below is open from January 2026 to January 2030: the checks run in the middle, whatever today is.
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def call(world):
    return CallFactory(
        organisation=world.org,
        opens_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(2030, 1, 30, 12, 0, tzinfo=PARIS),
        min_amount=Decimal("1000"),
    )


@pytest.fixture
def application(call):
    application = ApplicationFactory(call=call)
    BudgetLineFactory(application=application, side=BudgetSide.EXPENSE, amount=Decimal("10000"))
    BudgetLineFactory(application=application, side=BudgetSide.RESOURCE, amount=Decimal("5000"), is_this_call=True)
    BudgetLineFactory(application=application, side=BudgetSide.RESOURCE, amount=Decimal("5000"))
    return application


def test_a_complete_application_is_eligible(application):
    result = check(application.call, application.actor, application)
    assert result.eligible and result.reasons == []
    assert result.warnings == ["Les dates du projet ne sont pas renseignées."]


def test_the_age_of_the_structure_is_counted_from_the_opening_year(application):
    call, actor = application.call, application.actor
    call.min_age_years = 2
    actor.founded_year = 2025
    assert check(call, actor).reasons == [
        "Votre structure a été créée en 2025 : l'appel demande au moins 2 ans d'existence."
    ]
    actor.founded_year = 2024
    assert check(call, actor).eligible
    actor.founded_year = None
    assert "n'est pas renseignée" in check(call, actor).reasons[0]


def test_kind_territory_and_moderation(application):
    call, actor = application.call, application.actor
    call.eligible_kinds = [ActorKind.SCHOOL, ActorKind.TWINNING_COMMITTEE]
    actor.location = Location.PARTNER
    actor.moderation_status = "pending"
    reasons = check(call, actor).reasons
    assert "Votre fiche dans l'annuaire n'a pas encore été validée par la collectivité." in reasons
    assert (
        "Votre structure est de type « association » : l'appel est réservé aux structures suivantes : "
        "établissement scolaire, comité de jumelage." in reasons
    )
    assert (
        "Votre structure est située « territoire partenaire » : l'appel est réservé aux structures du territoire."
        in reasons
    )


def test_another_organisations_actor_is_not_eligible(application, world):
    application.actor.organisation = world.other_org
    assert "n'est pas inscrite dans l'annuaire" in check(application.call, application.actor).reasons[0]


def test_amount_bounds_share_and_this_call_line(application):
    application.amount_requested = Decimal("12000")
    reasons = nbsp(check(application.call, application.actor, application).reasons)
    assert "Vous demandez 12 000,00 € : l'appel accorde au plus 10 000,00 €." in reasons
    assert (
        "La ligne « montant demandé à cet appel » du budget (5 000,00 €) doit être égale au montant demandé "
        "(12 000,00 €)." in reasons
    )
    application.amount_requested = Decimal("500")
    assert "Vous demandez 500,00 € : l'appel demande au moins 1 000,00 €." in nbsp(
        check(application.call, application.actor, application).reasons
    )
    application.amount_requested = None
    assert "Indiquez le montant demandé" in check(application.call, application.actor, application).reasons[0]


def test_the_share_of_the_call_in_the_budget(application):
    line = application.budget_lines.get(is_this_call=True)
    line.amount = Decimal("6000")
    line.save()
    application.budget_lines.exclude(pk=line.pk).filter(side=BudgetSide.RESOURCE).update(amount=Decimal("4000"))
    application.amount_requested = Decimal("6000")
    reasons = nbsp(check(application.call, application.actor, application).reasons)
    assert reasons == ["Le montant demandé représente 60,0 % du budget du projet : l'appel finance au plus 50 %."]


def test_an_unbalanced_or_missing_budget(application):
    application.budget_lines.filter(side=BudgetSide.RESOURCE, is_this_call=False).delete()
    reasons = nbsp(check(application.call, application.actor, application).reasons)
    assert "Le budget n'est pas équilibré : dépenses 10 000,00 €, ressources 5 000,00 €, écart 5 000,00 €." in reasons
    application.budget_lines.all().delete()
    assert (
        "Remplissez le budget du projet (dépenses et ressources)."
        in check(application.call, application.actor, application).reasons
    )


def test_required_answers_documents_and_conditions(application):
    call = application.call
    partner = QuestionFactory(
        call=call, label="Avec un partenaire ?", kind=QuestionKind.SINGLE_CHOICE, choices=["oui", "non"]
    )
    which = QuestionFactory(
        call=call, label="Lequel ?", is_required=True, show_if_question=partner, show_if_value="oui"
    )
    letter = QuestionFactory(
        call=call,
        label="Lettre du partenaire",
        kind=QuestionKind.FILE,
        is_required=True,
        show_if_question=partner,
        show_if_value="oui",
    )
    RequiredDocumentFactory(call=call, label="Statuts")
    RequiredDocumentFactory(call=call, label="Facultative", is_required=False)
    # Condition not met: the dependent questions are not required.
    assert check(call, application.actor, application).reasons == ["Joignez la pièce « Statuts »."]
    Answer.objects.create(organisation=call.organisation, application=application, question=partner, value="oui")
    reasons = check(call, application.actor, application).reasons
    assert reasons == [
        "Répondez à la question « Lequel ? ».",
        "Répondez à la question « Lettre du partenaire ».",
        "Joignez la pièce « Statuts ».",
    ]
    assert condition_met(which, {partner.pk: "oui"}) and not condition_met(which, {partner.pk: "non"})
    assert letter.pk


def test_deadline_and_opening(application):
    call = application.call
    late = call.closes_at + datetime.timedelta(seconds=1)
    assert check(call, application.actor, application, now=late).reasons == [
        "Le dépôt était possible jusqu'au 30 janvier 2030 à 12 h 00 (heure de Paris)."
    ]
    early = call.opens_at - datetime.timedelta(days=1)
    assert "L'appel ouvre le 5 janvier 2026 à 9 h 00" in check(call, application.actor, now=early).reasons[0]


def test_an_attachment_answers_a_file_question(application):
    call = application.call
    question = QuestionFactory(call=call, label="CV", kind=QuestionKind.FILE, is_required=True)
    assert check(call, application.actor, application).reasons == ["Répondez à la question « CV »."]
    Attachment.objects.create(
        organisation=call.organisation,
        application=application,
        question=question,
        file="x",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    assert check(call, application.actor, application).eligible
