import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.forms.instruction import AssignForm
from passerelles.calls.models import ApplicationTransition, Message
from passerelles.calls.services import instruction as services
from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def application(world):
    return ApplicationFactory(call=CallFactory(organisation=world.org), submitted=True)


def _officer(world):
    return world.members[Role.OFFICER]


def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_instruct_moves_logs_and_emails_the_applicant(world, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_instruct(application=application, user=_officer(world))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_INSTRUCTION
    transition = ApplicationTransition.objects.get(application=application)
    assert (transition.from_status, transition.to_status, transition.by) == (
        "submitted",
        "in_instruction",
        _officer(world),
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [application.actor.account.email]
    assert "En instruction" in mail.outbox[0].body


def test_return_needs_a_message_and_a_future_due_date(world, application):
    officer = _officer(world)
    with pytest.raises(ValidationError) as exc:
        services.application_return(application=application, user=officer, message="  ", due_on=_tomorrow())
    assert "message" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.application_return(application=application, user=officer, message="Statuts", due_on=None)
    assert "due_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.application_return(
            application=application, user=officer, message="Statuts", due_on=timezone.localdate()
        )
    assert "due_on" in exc.value.error_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not ApplicationTransition.objects.exists()


def test_return_records_message_due_date_and_emails(world, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(
            application=application, user=_officer(world), message="Joindre les statuts signés.", due_on=_tomorrow()
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.completion_message == "Joindre les statuts signés."
    assert application.completion_due == _tomorrow()
    assert ApplicationTransition.objects.get().message == "Joindre les statuts signés."
    assert "Joindre les statuts signés." in mail.outbox[0].body


def test_close_without_follow_up_needs_a_message_and_is_legal_from_instruction_only(
    world, application, django_capture_on_commit_callbacks
):
    officer = _officer(world)
    with pytest.raises(ValidationError) as exc:
        services.application_close_without_follow_up(application=application, user=officer, message="Doublon")
    assert exc.value.code == "illegal_transition"
    services.application_instruct(application=application, user=officer)
    with pytest.raises(ValidationError):
        services.application_close_without_follow_up(application=application, user=officer, message="")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_close_without_follow_up(application=application, user=officer, message="Doublon")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHOUT_FOLLOW_UP
    assert application.decision_motivation == "Doublon"
    assert ApplicationTransition.objects.count() == 2
    assert "Doublon" in mail.outbox[-1].body


def test_decision_back_into_instruction_needs_a_message(world):
    application = ApplicationFactory(call=CallFactory(organisation=world.org), accepted=True)
    with pytest.raises(ValidationError):
        services.application_instruct(application=application, user=_officer(world))
    services.application_instruct(application=application, user=_officer(world), message="Recours gracieux")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_INSTRUCTION


@pytest.mark.parametrize("status", ["draft", "withdrawn", "returned"])
def test_illegal_moves_are_refused_with_the_workflow_message(world, status):
    application = ApplicationFactory(call=CallFactory(organisation=world.org), status=status)
    with pytest.raises(ValidationError) as exc:
        services.application_instruct(application=application, user=_officer(world))
    assert "Passage impossible" in exc.value.messages[0]
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.CONTRIBUTOR, Role.PARTNER])
def test_only_officers_move_annotate_and_write(world, application, role):
    user = world.members[role]
    for call in (
        lambda: services.application_instruct(application=application, user=user),
        lambda: services.application_annotate(application=application, user=user, body="x"),
        lambda: services.application_message_send(application=application, user=user, body="x"),
        lambda: services.application_record_eligibility(application=application, user=user, eligible=True),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_eligibility_needs_a_reason_when_not_eligible(world, application):
    with pytest.raises(ValidationError) as exc:
        services.application_record_eligibility(application=application, user=_officer(world), eligible=False)
    assert "note" in exc.value.error_dict
    services.application_record_eligibility(
        application=application, user=_officer(world), eligible=False, note="Siège hors du territoire"
    )
    application.refresh_from_db()
    assert application.eligibility_ok is False
    assert application.eligibility_note == "Siège hors du territoire"
    assert application.eligibility_checked_by == _officer(world)
    assert application.eligibility_checked_at is not None


def test_messages_are_emailed_each_way(world, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_message_send(application=application, user=_officer(world), body="Une question")
    assert mail.outbox[-1].to == [application.actor.account.email]
    with django_capture_on_commit_callbacks(execute=True):
        services.applicant_message_send(application=application, user=application.applicant, body="Une réponse")
    assert sorted(mail.outbox[-1].to) == sorted([world.members[Role.ADMIN].email, world.members[Role.OFFICER].email])
    assert list(Message.objects.values_list("from_applicant", flat=True)) == [False, True]


def test_another_account_cannot_reply(world, application):
    with pytest.raises(PermissionDenied):
        services.applicant_message_send(application=application, user=UserFactory(), body="x")


def test_assignment_choices_exclude_partner_applicant_and_outsiders(world, application):
    # The applicant's account made a member with a reviewing role: still never a choice.
    MembershipFactory(organisation=world.org, user=application.applicant, role=Role.REVIEWER)
    choices = set(AssignForm(application=application).fields["reviewer"].queryset)
    assert choices == {world.members[r] for r in (Role.ADMIN, Role.OFFICER, Role.REVIEWER, Role.VIEWER)}
    for user in (world.members[Role.PARTNER], world.members[Role.CONTRIBUTOR], world.outsider, application.applicant):
        with pytest.raises(ValidationError):
            services.reviewer_assign(application=application, user=_officer(world), reviewer=user)


def test_assign_then_no_duplicate_and_reviewer_is_emailed(world, application, django_capture_on_commit_callbacks):
    reviewer = world.members[Role.REVIEWER]
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.reviewer_assign(application=application, user=_officer(world), reviewer=reviewer)
    assert assignment.assigned_by == _officer(world)
    assert mail.outbox[-1].to == [reviewer.email]
    with pytest.raises(ValidationError):
        services.reviewer_assign(application=application, user=_officer(world), reviewer=reviewer)


def test_no_reviewer_on_a_draft(world):
    draft = ApplicationFactory(call=CallFactory(organisation=world.org))
    with pytest.raises(ValidationError):
        services.reviewer_assign(application=draft, user=_officer(world), reviewer=world.members[Role.REVIEWER])


def test_a_submitted_review_cannot_be_removed(world, application):
    assignment = ReviewAssignmentFactory(
        application=application, reviewer=world.members[Role.REVIEWER], has_conflict=False, submitted_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.assignment_remove(assignment=assignment, user=_officer(world))
    assignment.submitted_at = None
    assignment.save()
    services.assignment_remove(assignment=assignment, user=_officer(world))
    assert not application.assignments.exists()


def test_huge_message_refused(world, application):
    with pytest.raises(ValidationError):
        services.application_message_send(application=application, user=_officer(world), body="x" * 6000)
