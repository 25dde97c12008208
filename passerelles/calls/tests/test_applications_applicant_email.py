"""One address for every email to the applicant side (`selectors.applications.applicant_email`, docs/calls.md).

The committee's decision and the instruction's emails once chose differently when the account that started the
application is not the one keeping the actor's entry: they now write to the same address.
"""

from decimal import Decimal

import pytest
from django.core import mail

from passerelles.calls.selectors.applications import applicant_email
from passerelles.calls.services import committee, instruction
from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, CommitteeSessionFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import UserFactory


@pytest.fixture
def application(world):
    """Started by one account; the actor's entry is now kept by another one."""
    application = ApplicationFactory(
        call=CallFactory(organisation=world.org), submitted=True, amount_requested=Decimal("5000")
    )
    application.actor.account = UserFactory(email="entree@example.org")
    application.actor.save()
    application.applicant.email = "depot@example.org"
    application.applicant.save()
    return application


def _instruct_then_decide(world, application, capture) -> list[list[str]]:
    officer = world.members[Role.OFFICER]
    with capture(execute=True):
        instruction.application_instruct(application=application, user=officer)
        instruction.application_message_send(application=application, user=officer, body="Une question.")
    with capture(execute=True):
        committee.application_decide(
            application=application,
            session=CommitteeSessionFactory(call=application.call),
            by=officer,
            accepted=True,
            amount=Decimal("4500"),
            motivation="",
        )
    return [message.to for message in mail.outbox]


def test_instruction_and_committee_write_to_the_account_keeping_the_entry(
    world, application, django_capture_on_commit_callbacks
):
    recipients = _instruct_then_decide(world, application, django_capture_on_commit_callbacks)
    assert recipients == [["entree@example.org"]] * 3


def test_an_inactive_entry_account_leaves_the_account_that_applied(
    world, application, django_capture_on_commit_callbacks
):
    application.actor.account.is_active = False
    application.actor.account.save()
    recipients = _instruct_then_decide(world, application, django_capture_on_commit_callbacks)
    assert recipients == [["depot@example.org"]] * 3


def test_no_active_account_no_address(application):
    application.actor.account.is_active = False
    application.applicant.is_active = False
    assert applicant_email(application) == ""
    application.applicant = None
    assert applicant_email(application) == ""
