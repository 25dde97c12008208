"""The demo's call for projects: open today, six applications at different states, two reviewers (one declaring a
conflict), a committee decision, and a grant with its interim report."""

import pytest
from django.utils import timezone

from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import CallStatus, ReportStatus
from passerelles.calls.models import Application, Call, ReviewAssignment
from passerelles.core.models import Organisation
from passerelles.demo.loader import load_demo
from passerelles.steering.enums import ProjectKind
from passerelles.strategy.models import AlignmentCriterion


@pytest.fixture
def caece(db):
    load_demo()
    return Organisation.objects.get(slug="caece")


def test_the_call_is_open_and_its_grid_holds_the_strategy_s_principles(caece):
    call = Call.objects.get(organisation=caece)
    assert call.title == "Initiatives de solidarité internationale et d'éducation à la citoyenneté mondiale"
    assert call.status == CallStatus.PUBLISHED and call.opens_at < timezone.now() < call.closes_at
    principles = AlignmentCriterion.objects.filter(document__organisation=caece, document__status="adopted")
    assert set(call.criteria.exclude(alignment_criterion=None).values_list("alignment_criterion", flat=True)) == set(
        principles.values_list("pk", flat=True)
    )
    assert call.questions.filter(show_if_question__isnull=False).count() == 1


def test_six_applications_at_different_states_each_with_its_history(caece):
    applications = Application.objects.filter(organisation=caece)
    assert sorted(applications.values_list("status", flat=True)) == sorted(
        [S.DRAFT, S.SUBMITTED, S.IN_INSTRUCTION, S.RETURNED, S.ACCEPTED, S.REFUSED]
    )
    for application in applications.exclude(status=S.DRAFT):
        assert application.transitions.last().to_status == application.status
        assert application.submitted_version and application.self_check["eligible"] is True
    refused = applications.get(status=S.REFUSED)
    assert refused.decision_motivation  # a refusal always carries its reason
    # The association's own login holds the draft it can complete in the browser.
    draft = applications.get(status=S.DRAFT)
    assert draft.actor.account.email == "association@caece.demo" == draft.applicant.email


def test_two_reviewers_one_declaring_a_conflict(caece):
    assignments = ReviewAssignment.objects.filter(application__status=S.IN_INSTRUCTION, organisation=caece)
    assert {a.reviewer.email: a.has_conflict for a in assignments} == {
        "reviewer@caece.demo": False,
        "viewer@caece.demo": True,
    }
    conflicted = assignments.get(has_conflict=True)
    assert conflicted.submitted_at is None and not conflicted.scores.exists()


def test_a_committee_decision_and_a_grant_with_its_interim_report(caece):
    accepted = Application.objects.get(organisation=caece, status=S.ACCEPTED)
    refused = Application.objects.get(organisation=caece, status=S.REFUSED)
    assert accepted.session == refused.session and accepted.session.is_closed
    grant = accepted.grant
    assert grant.amount == accepted.decided_amount
    assert grant.project.kind == ProjectKind.TERRITORY_ACTORS
    paid = grant.instalments.exclude(paid_on=None)
    assert paid.count() == 1 and paid.get().transaction.project == grant.project
    interim = grant.reports.get(kind="interim")
    assert interim.status == ReportStatus.SUBMITTED and len(interim.indicator_values) == 2
