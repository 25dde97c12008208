"""Grants: award (project, results, reports), instalments as disbursements, the reports workflow, reminders."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from passerelles.calls.enums import ReportKind, ReportStatus
from passerelles.calls.models import Grant, GrantReport, Instalment
from passerelles.calls.services import grants as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    GrantFactory,
    GrantReportFactory,
    ReportIndicatorFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory
from passerelles.steering.enums import ActivityStatus, FunderKind, MeasuredOn, ProjectKind, TransactionKind
from passerelles.steering.models import Period
from passerelles.steering.tests.factories import FunderFactory


@pytest.fixture
def officer(world):
    return world.members[Role.OFFICER]


@pytest.fixture
def call(world):
    call = CallFactory(
        organisation=world.org,
        interim_report_due=datetime.date(2027, 3, 31),
        final_report_due=datetime.date(2027, 12, 31),
    )
    ReportIndicatorFactory(call=call, label="Jeunes sensibilisés", unit="personnes", position=1)
    ReportIndicatorFactory(call=call, label="Ateliers tenus", unit="ateliers", position=2)
    return call


@pytest.fixture
def accepted(call):
    return ApplicationFactory(
        call=call,
        accepted=True,
        decided_amount=Decimal("4000"),
        reference="AAP-2026-0007",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )


@pytest.fixture
def awarded(world, accepted, officer):
    TerritoryFactory(organisation=world.org, home=True, name="Evry")
    FunderFactory(organisation=world.org, name="Agglomération Alpha", kind=FunderKind.OWN)
    return services.grant_award(application=accepted, by=officer, modality="cofinancing")


def test_award_creates_grant_reports_and_a_project_carrying_results(awarded, accepted, call, world):
    grant = awarded
    year = timezone.localdate().year
    assert grant.amount == Decimal("4000")
    assert grant.agreement_number == f"CONV-{year}-0001"
    assert [(r.kind, r.due_on, r.status) for r in grant.reports.order_by("due_on")] == [
        (ReportKind.INTERIM, datetime.date(2027, 3, 31), ReportStatus.DUE),
        (ReportKind.FINAL, datetime.date(2027, 12, 31), ReportStatus.DUE),
    ]
    project = grant.project
    assert project.kind == ProjectKind.TERRITORY_ACTORS
    assert project.status == ActivityStatus.IMPLEMENTATION
    assert (project.code, project.title) == ("AAP-2026-0007", accepted.title)
    assert list(project.actors.all()) == [accepted.actor]
    [result] = project.results.all()
    indicators = list(result.indicators.order_by("position"))
    assert [(i.title, i.unit, i.measured_on) for i in indicators] == [
        ("Jeunes sensibilisés", "personnes", MeasuredOn.HOME),
        ("Ateliers tenus", "ateliers", MeasuredOn.HOME),
    ]
    assert all(i.territory.name == "Evry" for i in indicators)


def test_agreement_numbers_follow_each_other(awarded, call, officer):
    other = ApplicationFactory(call=call, accepted=True)
    second = services.grant_award(application=other, by=officer, modality="technical_support")
    assert second.agreement_number.endswith("-0002")


def test_award_refusals(call, accepted, officer, world):
    with pytest.raises(PermissionDenied):
        services.grant_award(application=accepted, by=world.members[Role.VIEWER], modality="cofinancing")
    with pytest.raises(ValidationError) as error:
        services.grant_award(application=accepted, by=officer, modality="cash")
    assert "modality" in error.value.error_dict
    in_instruction = ApplicationFactory(call=call, in_instruction=True)
    with pytest.raises(ValidationError, match="acceptée"):
        services.grant_award(application=in_instruction, by=officer, modality="cofinancing")
    services.grant_award(application=accepted, by=officer, modality="cofinancing")
    with pytest.raises(ValidationError, match="déjà sa subvention"):
        services.grant_award(application=accepted, by=officer, modality="cofinancing")
    assert Grant.objects.count() == 1


def test_award_without_call_dates_sets_default_due_dates(world, officer):
    call = CallFactory(organisation=world.org)
    grant = services.grant_award(
        application=ApplicationFactory(call=call, accepted=True), by=officer, modality="cofinancing"
    )
    today = timezone.localdate()
    assert [r.due_on > today for r in grant.reports.all()] == [True, True]
    assert not grant.project.results.exists()  # no indicator in the call: no results framework to carry


def test_instalments_cannot_exceed_the_grant(awarded, officer):
    services.instalment_create(
        grant=awarded, by=officer, label="Avance", due_on=datetime.date(2026, 10, 1), amount=Decimal("3000")
    )
    with pytest.raises(ValidationError) as error:
        services.instalment_create(
            grant=awarded, by=officer, label="Solde", due_on=datetime.date(2027, 10, 1), amount=Decimal("1000.01")
        )
    assert "il reste 1000" in str(error.value.error_dict["amount"])
    services.instalment_create(
        grant=awarded, by=officer, label="Solde", due_on=datetime.date(2027, 10, 1), amount=Decimal("1000")
    )
    assert awarded.instalments.count() == 2


def test_payment_is_recorded_as_a_disbursement_of_the_project(awarded, officer):
    instalment = services.instalment_create(
        grant=awarded, by=officer, label="Avance", due_on=datetime.date(2026, 10, 1), amount=Decimal("3000")
    )
    with pytest.raises(ValidationError) as error:
        services.instalment_pay(
            instalment=instalment, by=officer, paid_on=datetime.date(2026, 10, 3), paid_amount=Decimal("3000.01")
        )
    assert "paid_amount" in error.value.error_dict
    paid = services.instalment_pay(
        instalment=instalment, by=officer, paid_on=datetime.date(2026, 10, 3), paid_amount=Decimal("2800")
    )
    tx = paid.transaction
    assert (tx.project, tx.kind, tx.date, tx.amount_eur) == (
        awarded.project,
        TransactionKind.DISBURSEMENT,
        datetime.date(2026, 10, 3),
        Decimal("2800"),
    )
    assert tx.funder.kind == FunderKind.OWN
    assert awarded.agreement_number in tx.description
    with pytest.raises(ValidationError, match="déjà"):
        services.instalment_pay(
            instalment=paid, by=officer, paid_on=datetime.date(2026, 10, 4), paid_amount=Decimal("1")
        )
    with pytest.raises(ValidationError, match="payé"):
        services.instalment_delete(instalment=paid, by=officer)
    unpaid = services.instalment_create(
        grant=awarded, by=officer, label="Solde", due_on=datetime.date(2027, 10, 1), amount=Decimal("1000")
    )
    services.instalment_delete(instalment=unpaid, by=officer)
    assert list(Instalment.objects.all()) == [paid]


def _values(grant, a, b):
    indicators = list(grant.application.call.indicators.order_by("position"))
    return {indicators[0].pk: Decimal(a), indicators[1].pk: Decimal(b)}


def test_reports_workflow_and_values_land_in_the_results(
    awarded, accepted, officer, world, django_capture_on_commit_callbacks
):
    report = awarded.reports.get(kind=ReportKind.INTERIM)
    applicant = accepted.applicant
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, user=officer, narrative="x", values=_values(awarded, 1, 2))
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, user=applicant, narrative="Bilan", values={})
    assert len(error.value.error_dict) == 2
    with pytest.raises(PermissionDenied):
        services.report_accept(report=report, by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, user=applicant, narrative="Bilan", values=_values(awarded, 120, 6))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    [to_officers] = mail.outbox
    assert set(to_officers.to) == {world.members[Role.ADMIN].email, world.members[Role.OFFICER].email}
    with pytest.raises(ValidationError, match="déjà été remis"):
        services.report_submit(report=report, user=applicant, narrative="Bis", values=_values(awarded, 1, 1))

    with pytest.raises(ValidationError) as error:
        services.report_return(report=report, by=officer, message=" ")
    assert "message" in error.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=report, by=officer, message="Précisez le nombre de jeunes.")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert mail.outbox[-1].to == [applicant.email] and "Précisez" in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        services.report_accept(report=report, by=officer)

    services.report_submit(report=report, user=applicant, narrative="Bilan repris", values=_values(awarded, 130, 6))
    services.report_accept(report=report, by=officer)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == officer
    periods = Period.objects.filter(indicator__result__project=awarded.project).order_by("indicator__position")
    assert [(p.start, p.end, p.actual_value) for p in periods] == [
        (datetime.date(2026, 9, 1), datetime.date(2027, 3, 31), Decimal("130")),
        (datetime.date(2026, 9, 1), datetime.date(2027, 3, 31), Decimal("6")),
    ]


def test_reminders_are_sent_at_most_once_a_week(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    grant = GrantFactory(application=ApplicationFactory(call=CallFactory(organisation=world.org), accepted=True))
    late = GrantReportFactory(grant=grant, kind=ReportKind.INTERIM, due_on=today - datetime.timedelta(days=3))
    soon = GrantReportFactory(grant=grant, kind=ReportKind.FINAL, due_on=today + datetime.timedelta(days=7))
    other = GrantFactory(application=ApplicationFactory(call=CallFactory(organisation=world.org), accepted=True))
    GrantReportFactory(grant=other, due_on=today + datetime.timedelta(days=8))  # not yet
    GrantReportFactory(grant=other, kind=ReportKind.FINAL, due_on=today, status=ReportStatus.SUBMITTED)

    out = StringIO()
    call_command("remind_grant_reports", "--dry-run", stdout=out)
    assert "2 relance(s) à envoyer, dont 1" in out.getvalue()
    assert not mail.outbox and GrantReport.objects.filter(reminder_count__gt=0).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_grant_reports", stdout=(out := StringIO()))
    assert "2 relance(s) envoyée(s), dont 1" in out.getvalue()
    assert len(mail.outbox) == 2
    assert any("retard" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_grant_reports", stdout=(out := StringIO()))
    assert out.getvalue().startswith("0 relance")
    assert len(mail.outbox) == 2
    late.refresh_from_db()
    soon.refresh_from_db()
    assert (late.reminder_count, soon.reminder_count) == (1, 1)

    GrantReport.objects.filter(pk=late.pk).update(last_reminder_at=timezone.now() - datetime.timedelta(days=7, hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_grant_reports", stdout=StringIO())
    late.refresh_from_db()
    assert late.reminder_count == 2 and len(mail.outbox) == 3
