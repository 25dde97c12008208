import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from passerelles.calls.enums import CallStatus, QuestionKind
from passerelles.calls.models import CallTransition, Criterion
from passerelles.calls.selectors.calls import rules_in_plain_language
from passerelles.calls.services import calls as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    QuestionFactory,
    ReportIndicatorFactory,
    ReviewAssignmentFactory,
)
from passerelles.core.enums import Role
from passerelles.strategy.models import AlignmentCriterion
from passerelles.strategy.tests.factories import CriterionFactory as PrincipleFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _fields(**overrides):
    now = timezone.now()
    fields = {
        "title": "Initiatives de solidarité internationale",
        "summary": "",
        "description": "",
        "orientations": [1, 2],
        "themes": ["youth_education"],
        "eligible_kinds": ["association", "twinning_committee"],
        "requires_home_territory": True,
        "min_age_years": 2,
        "min_amount": Decimal("1000"),
        "max_amount": Decimal("10000"),
        "max_share_percent": Decimal("50"),
        "modalities": ["cofinancing"],
        "support_details": "",
        "envelope": Decimal("50000"),
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=30),
        "interim_report_due": None,
        "final_report_due": None,
        "report_content": "",
    }
    return {**fields, **overrides}


@pytest.fixture
def officer(world):
    return world.members[Role.OFFICER]


def test_create_adds_every_alignment_criterion_of_the_adopted_strategy(world, officer):
    PrincipleFactory(document=world.document, code="C2", title="Réciprocité")
    call = services.call_create(organisation=world.org, by=officer, **_fields())
    assert call.status == CallStatus.DRAFT
    principles = AlignmentCriterion.objects.filter(document=world.document)
    grid = Criterion.objects.filter(call=call)
    assert {c.alignment_criterion_id for c in grid} == {p.pk for p in principles}
    assert {c.label for c in grid} == {p.title for p in principles}
    assert all(c.weight == 1 for c in grid)


def test_alignment_criterion_cannot_be_deleted_but_its_weight_can_change(world, officer):
    call = services.call_create(organisation=world.org, by=officer, **_fields())
    criterion = call.criteria.get()
    with pytest.raises(ValidationError, match="principe directeur"):
        services.criterion_delete(criterion=criterion, by=officer)
    services.criterion_update(criterion=criterion, by=officer, label="Autre intitulé", weight=4)
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.label) == (4, criterion.alignment_criterion.title)


def test_criterion_with_scores_cannot_be_deleted(world, officer):
    call = CallFactory(organisation=world.org)
    criterion = CriterionFactory(call=call)
    assignment = ReviewAssignmentFactory(application=ApplicationFactory(call=call, submitted=True))
    criterion.scores.create(organisation=world.org, assignment=assignment, score=3)
    with pytest.raises(ValidationError, match="déjà noté"):
        services.criterion_delete(criterion=criterion, by=officer)


def test_publish_refusals_and_success_logged(world, officer):
    call = services.call_create(organisation=world.org, by=officer, **_fields())
    call.criteria.all().delete()
    call.modalities = []
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=2)
    call.save()
    with pytest.raises(ValidationError) as error:
        services.call_publish(call=call, by=officer)
    text = " ".join(error.value.messages)
    assert "aucune modalité" in text and "clôture est passée" in text and "principes directeurs" in text
    assert not CallTransition.objects.exists()
    # Saving the call re-adds the alignment criteria.
    services.call_update(call=call, by=officer, **_fields())
    published = services.call_publish(call=call, by=officer)
    assert published.status == CallStatus.PUBLISHED and published.published_at
    log = CallTransition.objects.get()
    assert (log.from_status, log.to_status, log.by) == ("draft", "published", officer)


def test_publish_refused_when_strategy_adopts_a_new_principle(world, officer):
    call = services.call_create(organisation=world.org, by=officer, **_fields())
    PrincipleFactory(document=world.document, code="C9", title="Nouveau principe")
    with pytest.raises(ValidationError, match="Nouveau principe"):
        services.call_publish(call=call, by=officer)


def test_illegal_transitions_refused(world, officer):
    draft = CallFactory(organisation=world.org, draft=True)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.call_close(call=draft, by=officer)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.call_reopen(call=draft, by=officer, closes_at=timezone.now() + datetime.timedelta(days=3))
    published = CallFactory(organisation=world.org)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.call_publish(call=published, by=officer)
    closed = CallFactory(organisation=world.org, closed=True)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.call_publish(call=closed, by=officer)
    assert not CallTransition.objects.exists()


def test_close_then_reopen_needs_a_future_date_and_logs_it(world, officer):
    call = CallFactory(organisation=world.org)
    services.call_close(call=call, by=officer)
    with pytest.raises(ValidationError) as error:
        services.call_reopen(call=call, by=officer, closes_at=timezone.now() - datetime.timedelta(hours=1))
    assert "futur" in error.value.message_dict["closes_at"][0]
    new = datetime.datetime(2099, 1, 30, 12, 0, tzinfo=PARIS)
    services.call_reopen(call=call, by=officer, closes_at=new)
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED and call.closes_at == new
    close, reopen = CallTransition.objects.order_by("pk")
    assert (close.from_status, close.to_status) == ("published", "closed")
    assert (reopen.from_status, reopen.to_status) == ("closed", "published")
    assert "vendredi 30 janvier 2099 à 12 h 00" in reopen.note


def test_closed_call_is_read_only(world, officer):
    call = CallFactory(organisation=world.org, closed=True)
    with pytest.raises(ValidationError, match="clos"):
        services.call_update(call=call, by=officer, **_fields())
    with pytest.raises(ValidationError, match="clos"):
        services.question_create(call=call, by=officer, label="Q ?", kind="short_text")


def test_viewer_cannot_write(world):
    with pytest.raises(PermissionDenied):
        services.call_create(organisation=world.org, by=world.members[Role.VIEWER], **_fields())


def test_unknown_orientation_and_report_dates_refused(world, officer):
    with pytest.raises(ValidationError) as error:
        services.call_create(
            organisation=world.org,
            by=officer,
            **_fields(orientations=[1, 42], interim_report_due=timezone.localdate()),
        )
    assert "42" in error.value.message_dict["orientations"][0]
    assert "après la clôture" in error.value.message_dict["interim_report_due"][0]


# -- questions --------------------------------------------------------------------------------------


def test_choices_rules(world, officer):
    call = CallFactory(organisation=world.org)
    with pytest.raises(ValidationError, match="au moins deux choix"):
        services.question_create(call=call, by=officer, label="Public ?", kind="single_choice", choices=["Jeunes"])
    with pytest.raises(ValidationError, match="Seules les questions à choix"):
        services.question_create(call=call, by=officer, label="Nom ?", kind="short_text", choices=["a", "b"])
    with pytest.raises(ValidationError, match="50 choix"):
        services.question_create(
            call=call, by=officer, label="Q", kind="multiple_choice", choices=list(map(str, range(51)))
        )
    with pytest.raises(ValidationError, match="200 caractères"):
        services.question_create(call=call, by=officer, label="Q", kind="multiple_choice", choices=["a", "b" * 201])
    question = services.question_create(
        call=call, by=officer, label=" Public ? ", kind="single_choice", choices=[" Jeunes", "Adultes", "Jeunes", ""]
    )
    assert (question.label, question.choices) == ("Public ?", ["Jeunes", "Adultes"])


def test_condition_must_be_an_earlier_choice_question_with_a_valid_value(world, officer):
    call = CallFactory(organisation=world.org)
    text = services.question_create(call=call, by=officer, label="Nom ?", kind="short_text")
    choice = services.question_create(
        call=call, by=officer, label="Partenaire ?", kind="single_choice", choices=["Oui", "Non"]
    )
    with pytest.raises(ValidationError, match="question à choix"):
        services.question_create(
            call=call, by=officer, label="Q", kind="long_text", show_if_question=text, show_if_value="x"
        )
    with pytest.raises(ValidationError) as error:
        services.question_create(
            call=call,
            by=officer,
            label="Lequel ?",
            kind="short_text",
            show_if_question=choice,
            show_if_value="Peut-être",
        )
    assert "show_if_value" in error.value.message_dict
    later = services.question_create(
        call=call, by=officer, label="Lequel ?", kind="short_text", show_if_question=choice, show_if_value="Oui"
    )
    # The earlier question cannot depend on a later one (no cycles).
    with pytest.raises(ValidationError, match="précède"):
        services.question_update(
            question=text, by=officer, label="Nom ?", kind="short_text", show_if_question=later, show_if_value=""
        )
    other_call_question = QuestionFactory(
        call=CallFactory(organisation=world.org), kind="single_choice", choices=["Oui", "Non"]
    )
    with pytest.raises(ValidationError, match="de cet appel"):
        services.question_create(
            call=call,
            by=officer,
            label="Q",
            kind="short_text",
            show_if_question=other_call_question,
            show_if_value="Oui",
        )
    # A choice that conditions another question cannot be dropped.
    with pytest.raises(ValidationError, match="conditionnent"):
        services.question_update(
            question=choice, by=officer, label="Partenaire ?", kind="single_choice", choices=["Non", "Autre"]
        )


def test_moving_a_question_keeps_conditions_on_earlier_questions(world, officer):
    call = CallFactory(organisation=world.org)
    first = services.question_create(call=call, by=officer, label="A ?", kind="single_choice", choices=["Oui", "Non"])
    second = services.question_create(
        call=call, by=officer, label="B ?", kind="short_text", show_if_question=first, show_if_value="Oui"
    )
    third = services.question_create(call=call, by=officer, label="C ?", kind="short_text")
    with pytest.raises(ValidationError, match="dépend"):
        services.question_move(question=second, by=officer, direction="up")
    with pytest.raises(ValidationError, match="dépend"):
        services.question_move(question=first, by=officer, direction="down")
    with pytest.raises(ValidationError, match="extrémité"):
        services.question_move(question=first, by=officer, direction="up")
    with pytest.raises(ValidationError, match="inconnu"):
        services.question_move(question=first, by=officer, direction="sideways")
    services.question_move(question=third, by=officer, direction="up")
    assert list(call.questions.order_by("position", "pk").values_list("label", flat=True)) == ["A ?", "C ?", "B ?"]


def test_answered_question_cannot_be_deleted_nor_change_kind_but_wording_can(world, officer):
    call = CallFactory(organisation=world.org)
    question = QuestionFactory(call=call, kind=QuestionKind.SHORT_TEXT)
    application = ApplicationFactory(call=call, submitted=True)
    question.answers.create(organisation=world.org, application=application, value="Oui")
    with pytest.raises(ValidationError, match="ne peut pas être supprimée"):
        services.question_delete(question=question, by=officer)
    with pytest.raises(ValidationError, match="type de réponse"):
        services.question_update(question=question, by=officer, label="Q", kind="number")
    services.question_update(question=question, by=officer, label="Nouvelle formulation ?", kind="short_text")
    question.refresh_from_db()
    assert question.label == "Nouvelle formulation ?"


# -- rules in plain language -----------------------------------------------------------------------


def test_rules_in_plain_language(world):
    call = CallFactory(
        organisation=world.org,
        eligible_kinds=["association", "twinning_committee"],
        min_age_years=2,
        min_amount=Decimal("1000"),
        max_amount=Decimal("10000"),
        max_share_percent=Decimal("50"),
        modalities=["cofinancing", "technical_support"],
        closes_at=datetime.datetime(2026, 1, 30, 12, 0, tzinfo=PARIS),
        opens_at=datetime.datetime(2025, 12, 1, 9, 0, tzinfo=PARIS),
        interim_report_due=datetime.date(2026, 6, 1),
    )
    ReportIndicatorFactory(call=call, label="Jeunes touchés", unit="personnes")
    rules = [r.replace("\xa0", " ").replace("\u202f", " ") for r in rules_in_plain_language(call)]
    assert rules[0] == (
        "Peuvent candidater : les structures de type association ou comité de jumelage, situées sur le territoire "
        "de Agglomération Alpha, créées depuis au moins 2 ans."
    )
    assert "Montant demandé : de 1 000 € à 10 000 €, au plus 50 % du budget du projet." in rules
    assert "Soutien proposé : cofinancement, appui technique." in rules
    assert "Dépôt jusqu'au vendredi 30 janvier 2026 à 12 h 00 (heure de Paris)." in rules
    assert "Rapport intermédiaire à remettre le lundi 1er juin 2026." in rules
    assert "Indicateurs à renseigner dans les rapports : Jeunes touchés (personnes)." in rules
