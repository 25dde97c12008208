"""Submission: the deadline at its boundary (server clock, Paris time, daylight saving), idempotence, frozen version."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide, QuestionKind
from passerelles.calls.models import Answer, ApplicationTransition
from passerelles.calls.services.applications import application_save_draft, application_submit
from passerelles.calls.tests.factories import ApplicationFactory, BudgetLineFactory, CallFactory, QuestionFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def ready(application):
    """A balanced budget where this call pays half: the application passes every rule."""
    BudgetLineFactory(application=application, side=BudgetSide.EXPENSE, label="Billets", amount=Decimal("10000"))
    BudgetLineFactory(
        application=application, side=BudgetSide.RESOURCE, label="Cet appel", amount=Decimal("5000"), is_this_call=True
    )
    BudgetLineFactory(application=application, side=BudgetSide.RESOURCE, label="Fonds propres", amount=Decimal("5000"))
    return application


@pytest.fixture
def application(world):
    call = CallFactory(
        organisation=world.org,
        opens_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(2026, 1, 30, 12, 0, tzinfo=PARIS),
    )
    return ready(ApplicationFactory(call=call))


def submit(application, *, now, key=None):
    return application_submit(
        application=application, user=application.applicant, submission_key=key or uuid.uuid4(), now=now
    )


def test_one_second_before_the_deadline_is_accepted(application, django_capture_on_commit_callbacks):
    closes_at = application.call.closes_at
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(application, now=closes_at - datetime.timedelta(seconds=1))
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_at == closes_at - datetime.timedelta(seconds=1)
    assert submitted.self_check["eligible"] is True
    (email,) = mail.outbox
    assert application.reference in email.subject and email.to == [application.applicant.email]
    ((name, content, mimetype),) = email.attachments
    assert name == f"recepisse-{application.reference}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_exactly_at_the_deadline_is_accepted(application):
    assert submit(application, now=application.call.closes_at).status == S.SUBMITTED


def test_one_second_after_the_deadline_is_refused_with_the_deadline_in_paris_time(application):
    with pytest.raises(ValidationError) as error:
        submit(application, now=application.call.closes_at + datetime.timedelta(seconds=1))
    assert error.value.messages == ["Le dépôt était possible jusqu'au 30 janvier 2026 à 12 h 00 (heure de Paris)."]
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.submitted_version == {}
    assert not ApplicationTransition.objects.exists() and not mail.outbox


def test_the_daylight_saving_day_is_computed_in_paris_time(world):
    # On 29 March 2026 Paris moves to summer time at 02:00: noon in Paris is 10:00 UTC, not 11:00.
    closes_at = datetime.datetime(2026, 3, 29, 12, 0, tzinfo=PARIS)
    assert closes_at.astimezone(UTC) == datetime.datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    call = CallFactory(
        organisation=world.org, opens_at=datetime.datetime(2026, 3, 1, tzinfo=PARIS), closes_at=closes_at
    )
    late, on_time = ready(ApplicationFactory(call=call)), ready(ApplicationFactory(call=call))
    with pytest.raises(ValidationError) as error:
        submit(late, now=datetime.datetime(2026, 3, 29, 10, 0, 1, tzinfo=UTC))
    assert "29 mars 2026 à 12 h 00 (heure de Paris)" in error.value.messages[0]
    assert submit(on_time, now=datetime.datetime(2026, 3, 29, 9, 59, 59, tzinfo=UTC)).status == S.SUBMITTED


def test_a_returned_application_has_until_the_end_of_its_completion_day_in_paris(application):
    application.status = S.RETURNED
    application.completion_due = datetime.date(2026, 2, 10)
    application.save()
    with pytest.raises(ValidationError) as error:
        submit(application, now=datetime.datetime(2026, 2, 11, 0, 0, 0, tzinfo=PARIS))
    assert "10 février 2026 à 23 h 59" in error.value.messages[0]
    # After the call's closing but within the completion day: accepted.
    assert submit(application, now=datetime.datetime(2026, 2, 10, 23, 59, 0, tzinfo=PARIS)).status == S.SUBMITTED


def test_the_same_submission_key_twice_changes_nothing_and_sends_one_email(
    application, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    now = application.call.closes_at - datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(application, now=now, key=key)
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(application, now=now + datetime.timedelta(minutes=1), key=str(key))
    assert again.submitted_at == first.submitted_at
    assert ApplicationTransition.objects.filter(application=application).count() == 1
    assert len(mail.outbox) == 1


def test_a_second_key_on_a_submitted_application_is_refused(application):
    now = application.call.closes_at - datetime.timedelta(hours=1)
    submit(application, now=now)
    with pytest.raises(ValidationError) as error:
        submit(application, now=now)
    assert "plus modifiable" in error.value.messages[0]
    assert ApplicationTransition.objects.count() == 1


def test_a_malformed_key_is_refused(application):
    with pytest.raises(ValidationError):
        application_submit(application=application, user=application.applicant, submission_key="<script>")
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_an_ineligible_application_is_refused_with_its_reasons(application):
    application.budget_lines.filter(label="Fonds propres").delete()
    with pytest.raises(ValidationError) as error:
        submit(application, now=application.call.closes_at - datetime.timedelta(days=1))
    messages = [m.replace("\xa0", " ") for m in error.value.messages]
    assert "Le budget n'est pas équilibré : dépenses 10 000,00 €, ressources 5 000,00 €, écart 5 000,00 €." in messages
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_the_frozen_version_does_not_follow_later_edits(application):
    question = QuestionFactory(call=application.call, label="Public visé ?", kind=QuestionKind.SHORT_TEXT)
    Answer.objects.create(
        organisation=application.organisation, application=application, question=question, value="Les jeunes"
    )
    now = application.call.closes_at - datetime.timedelta(days=1)
    submitted = submit(application, now=now)
    frozen = submitted.submitted_version
    assert frozen["answers"] == [{"question": "Public visé ?", "kind": "short_text", "value": "Les jeunes"}]
    assert frozen["fields"]["title"] == application.title
    assert {line["label"] for line in frozen["budget"]} == {"Billets", "Cet appel", "Fonds propres"}
    assert frozen["self_check"]["eligible"] is True
    # Returned by an officer, then edited: the submitted version stays as it was.
    submitted.status = S.RETURNED
    submitted.save()
    application_save_draft(
        application=submitted,
        user=submitted.applicant,
        fields={"title": "Un autre titre"},
        answers={question.pk: "Les aînés"},
    )
    submitted.refresh_from_db()
    assert submitted.title == "Un autre titre"
    assert submitted.submitted_version == frozen
