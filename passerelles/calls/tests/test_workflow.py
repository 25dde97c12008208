"""The state machine of an application: every legal move works and is logged; every other move is refused."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from passerelles.calls import workflow
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.models import ApplicationTransition
from passerelles.calls.tests.factories import ApplicationFactory
from passerelles.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = (workflow.APPLICANT, workflow.OFFICER)


@pytest.mark.parametrize("move", workflow.MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_every_legal_move_is_applied_and_logged(move):
    application = ApplicationFactory(status=move.source, decision_motivation="motif")
    user = UserFactory()
    workflow.apply(application, move.target, actor=move.actor, by=user, message=" Un message. ")
    application.save()
    application.refresh_from_db()
    assert application.status == move.target
    (log,) = ApplicationTransition.objects.filter(application=application)
    assert (log.from_status, log.to_status, log.by, log.message) == (move.source, move.target, user, "Un message.")


ILLEGAL = [
    (source, target, actor)
    for source, target in itertools.product(S.values, S.values)
    for actor in ACTORS
    if (move := workflow.move_for(source, target)) is None or move.actor != actor
]


@pytest.mark.parametrize("source,target,actor", ILLEGAL, ids=lambda v: str(v))
def test_every_other_move_is_refused_with_a_message(source, target, actor):
    application = ApplicationFactory(status=source, decision_motivation="motif")
    with pytest.raises(ValidationError) as error:
        workflow.apply(application, target, actor=actor, by=None, message="x")
    assert "Passage impossible" in str(error.value)
    assert application.status == source
    assert not ApplicationTransition.objects.exists()


@pytest.mark.parametrize(
    "move", [m for m in workflow.MOVES if m.needs_message], ids=lambda m: f"{m.source}->{m.target}"
)
def test_moves_that_need_a_message_refuse_a_blank_one(move):
    application = ApplicationFactory(status=move.source, decision_motivation="motif")
    with pytest.raises(ValidationError) as error:
        workflow.apply(application, move.target, actor=move.actor, by=None, message="   ")
    assert "message" in error.value.message_dict
    assert not ApplicationTransition.objects.exists()


def test_the_table_has_the_states_of_demarches_simplifiees_and_no_way_out_of_withdrawal():
    assert workflow.targets(S.DRAFT, workflow.APPLICANT) == [S.SUBMITTED, S.WITHDRAWN]
    assert set(workflow.targets(S.IN_INSTRUCTION, workflow.OFFICER)) == {
        S.RETURNED,
        S.ACCEPTED,
        S.REFUSED,
        S.WITHOUT_FOLLOW_UP,
    }
    assert workflow.targets(S.WITHDRAWN, workflow.APPLICANT) == workflow.targets(S.WITHDRAWN, workflow.OFFICER) == []
    # Every state can be reached, and the applicant alone submits and withdraws.
    assert {m.target for m in workflow.MOVES} | {S.DRAFT} == set(S.values)
    assert {m.actor for m in workflow.MOVES if m.target in (S.SUBMITTED, S.WITHDRAWN)} == {workflow.APPLICANT}
