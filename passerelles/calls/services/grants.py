"""Writes of the grants: award (with its project and reports), instalments (as disbursements), reports, reminders."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.calls.enums import ApplicationStatus, ReportKind, ReportStatus, SupportModality
from passerelles.calls.models import Application, Grant, GrantReport, Instalment, ReportIndicator
from passerelles.calls.selectors.applications import applicant_email
from passerelles.calls.selectors.grants import OPEN_REPORT_STATUSES
from passerelles.core import permissions
from passerelles.core.enums import TerritoryKind
from passerelles.core.mail import officer_emails, send_on_commit
from passerelles.core.models import Territory
from passerelles.steering.enums import (
    ActivityStatus,
    FunderKind,
    MeasuredOn,
    PeriodStatus,
    ProjectKind,
    ResultKind,
    TransactionKind,
)
from passerelles.steering.models import Funder, Indicator, Period, Project, Result
from passerelles.steering.services import finance

ZERO = Decimal("0")
RESULT_TITLE = "Résultats attendus du projet soutenu"
# Without dates in the call, reports are expected six months and one year after the award.
DEFAULT_INTERIM_DAYS = 183
DEFAULT_FINAL_DAYS = 365


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


# -- award ---------------------------------------------------------------------------------------------------


def next_agreement_number(organisation, year: int) -> str:
    """`CONV-<year>-<4 digits>`, the next free number of the year in the organisation."""
    prefix = f"CONV-{year}-"
    numbers = Grant.objects.filter(organisation=organisation, agreement_number__startswith=prefix).values_list(
        "agreement_number", flat=True
    )
    used = [int(m.group(1)) for n in numbers if (m := re.fullmatch(rf"{re.escape(prefix)}(\d{{4}})", n))]
    return f"{prefix}{(max(used) + 1 if used else 1):04d}"


def _project_code(organisation, reference: str) -> str:
    code, n = reference[:30], 1
    while Project.objects.filter(organisation=organisation, code=code).exists():
        n += 1
        code = f"{reference[:26]}-{n}"
    return code


def _create_project(application: Application) -> Project:
    organisation = application.organisation
    project = _save(
        Project(
            organisation=organisation,
            code=_project_code(organisation, application.reference),
            title=application.title or str(application.actor),
            description=application.summary,
            kind=ProjectKind.TERRITORY_ACTORS,
            status=ActivityStatus.IMPLEMENTATION,
            planned_start=application.starts_on,
            planned_end=application.ends_on,
        )
    )
    application.actor.projects.add(project)
    indicators = list(ReportIndicator.objects.filter(call_id=application.call_id))
    if indicators:
        result = _save(Result(organisation=organisation, project=project, kind=ResultKind.OUTPUT, title=RESULT_TITLE))
        home = Territory.objects.filter(organisation=organisation, kind=TerritoryKind.HOME).order_by("pk").first()
        for position, report_indicator in enumerate(indicators):
            _save(
                Indicator(
                    organisation=organisation,
                    result=result,
                    title=report_indicator.label,
                    unit=report_indicator.unit,
                    measured_on=MeasuredOn.HOME,
                    territory=home,
                    position=position,
                )
            )
    return project


@transaction.atomic
def grant_award(*, application: Application, by, modality: str, signed_on: datetime.date | None = None) -> Grant:
    """The grant of an accepted application: agreement number, the interim and final reports, and a project of
    kind "support to territory actors" whose results framework receives the reported indicator values."""
    _check(permissions.can_manage_grants(by, application.organisation))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "actor", "organisation")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError(_("Seule une candidature acceptée peut recevoir une subvention."), code="not_accepted")
    if Grant.objects.filter(application=application).exists():
        raise ValidationError(_("Cette candidature a déjà sa subvention."), code="already_awarded")
    if modality not in SupportModality.values:
        raise ValidationError({"modality": _("Choisissez une modalité de soutien.")}, code="modality")
    if not application.decided_amount or application.decided_amount <= 0:
        raise ValidationError(_("La décision ne porte aucun montant : impossible d'attribuer la subvention."))
    today = timezone.localdate()
    project = _create_project(application)
    grant = _save(
        Grant(
            organisation=application.organisation,
            application=application,
            amount=application.decided_amount,
            modality=modality,
            agreement_number=next_agreement_number(application.organisation, today.year),
            signed_on=signed_on,
            project=project,
        )
    )
    call = application.call
    interim = call.interim_report_due or today + datetime.timedelta(days=DEFAULT_INTERIM_DAYS)
    final = call.final_report_due or today + datetime.timedelta(days=DEFAULT_FINAL_DAYS)
    for kind, due_on in ((ReportKind.INTERIM, interim), (ReportKind.FINAL, final)):
        _save(GrantReport(organisation=grant.organisation, grant=grant, kind=kind, due_on=due_on))
    return grant


# -- instalments ---------------------------------------------------------------------------------------------


@transaction.atomic
def instalment_create(*, grant: Grant, by, label: str, due_on: datetime.date, amount: Decimal) -> Instalment:
    _check(permissions.can_manage_grants(by, grant.organisation))
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Indiquez un montant supérieur à zéro.")})
    scheduled = sum((i.amount for i in grant.instalments.all()), ZERO)
    if scheduled + amount > grant.amount:
        raise ValidationError(
            {
                "amount": _(
                    "Le total des versements (%(total)s €) dépasserait le montant de la subvention (%(grant)s €) : "
                    "il reste %(left)s € à programmer."
                )
                % {"total": scheduled + amount, "grant": grant.amount, "left": grant.amount - scheduled}
            },
            code="over_grant",
        )
    return _save(
        Instalment(organisation=grant.organisation, grant=grant, label=label.strip(), due_on=due_on, amount=amount)
    )


@transaction.atomic
def instalment_pay(*, instalment: Instalment, by, paid_on: datetime.date, paid_amount: Decimal) -> Instalment:
    """Record the payment, and the disbursement in the finances of the grant's project."""
    _check(permissions.can_manage_grants(by, instalment.organisation))
    instalment = (
        Instalment.objects.select_for_update(of=("self",)).select_related("grant__project").get(pk=instalment.pk)
    )
    if instalment.paid_on is not None:
        raise ValidationError(_("Ce versement est déjà enregistré comme payé."), code="already_paid")
    if paid_amount is None or paid_amount <= 0:
        raise ValidationError({"paid_amount": _("Indiquez un montant versé supérieur à zéro.")})
    if paid_amount > instalment.amount:
        raise ValidationError(
            {
                "paid_amount": _("Le montant versé ne peut pas dépasser le montant prévu (%(max)s €).")
                % {"max": instalment.amount}
            },
            code="over_scheduled",
        )
    if paid_on is None:
        raise ValidationError({"paid_on": _("Indiquez la date du versement.")})
    grant = instalment.grant
    if grant.project is None:
        raise ValidationError(_("La subvention n'a plus de projet : le décaissement ne peut pas être enregistré."))
    own = Funder.objects.filter(organisation=grant.organisation, kind=FunderKind.OWN).order_by("pk").first()
    instalment.transaction = finance.transaction_create(
        project=grant.project,
        user=by,
        kind=TransactionKind.DISBURSEMENT,
        date=paid_on,
        amount=paid_amount,
        currency="EUR",
        funder=own,
        description=f"{grant.agreement_number} — {instalment.label}"[:255],
    )
    instalment.paid_on = paid_on
    instalment.paid_amount = paid_amount
    return _save(instalment)


@transaction.atomic
def instalment_delete(*, instalment: Instalment, by) -> None:
    _check(permissions.can_manage_grants(by, instalment.organisation))
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.paid_on is not None:
        raise ValidationError(_("Un versement payé ne peut pas être supprimé."), code="paid")
    instalment.delete()


# -- reports -------------------------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, report: GrantReport, user, narrative: str, values: dict[int, Decimal]) -> GrantReport:
    """The grantee files its report: a narrative and one number per indicator of the call. Officers are told."""
    report = (
        GrantReport.objects.select_for_update(of=("self",))
        .select_related("grant__application__actor", "grant__application__call", "organisation")
        .get(pk=report.pk)
    )
    _check(permissions.can_edit_application(user, report.grant.application))
    if report.status not in OPEN_REPORT_STATUSES:
        raise ValidationError(_("Ce rapport a déjà été remis."), code="not_open")
    narrative = (narrative or "").strip()
    if not narrative:
        raise ValidationError({"narrative": _("Rédigez le compte rendu du projet.")}, code="narrative_required")
    indicators = list(ReportIndicator.objects.filter(call_id=report.grant.application.call_id))
    errors = {}
    stored = {}
    for indicator in indicators:
        value = values.get(indicator.pk)
        if value is None:
            errors[f"indicator_{indicator.pk}"] = _("Indiquez une valeur pour cet indicateur.")
        else:
            stored[str(indicator.pk)] = str(value)
    if errors:
        raise ValidationError(errors)
    report.narrative = narrative
    report.indicator_values = stored
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    _save(report)
    send_on_commit(
        to=officer_emails(report.organisation),
        subject=_("Rapport remis : %(grant)s — %(kind)s")
        % {"grant": report.grant.agreement_number, "kind": report.get_kind_display()},
        template="calls/grants/emails/report_submitted.txt",
        context={"report": report, "grant": report.grant},
    )
    return report


def _land_in_results(report: GrantReport) -> None:
    """Copy the accepted values into the periods of the project's indicators (matched by their label)."""
    grant = report.grant
    if grant.project is None:
        return
    result = grant.project.results.filter(title=RESULT_TITLE).order_by("pk").first()
    if result is None:
        return
    by_label = {indicator.title: indicator for indicator in result.indicators.all()}
    start = grant.application.starts_on or timezone.localdate(grant.created_at)
    end = max(report.due_on, start)
    for report_indicator in ReportIndicator.objects.filter(call_id=grant.application.call_id):
        indicator = by_label.get(report_indicator.label)
        value = report.indicator_values.get(str(report_indicator.pk))
        if indicator is None or value is None:
            continue
        period, _created = Period.objects.get_or_create(
            organisation=grant.organisation, indicator=indicator, start=start, end=end
        )
        if period.status == PeriodStatus.APPROVED:
            continue  # approved values are locked in the results framework
        period.actual_value = Decimal(value)
        period.actual_comment = _("Valeur du %(kind)s de la convention %(number)s.") % {
            "kind": report.get_kind_display().lower(),
            "number": grant.agreement_number,
        }
        period.version += 1
        _save(period)


@transaction.atomic
def report_accept(*, report: GrantReport, by) -> GrantReport:
    _check(permissions.can_manage_grants(by, report.organisation))
    report = GrantReport.objects.select_for_update(of=("self",)).select_related("grant__project").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Seul un rapport remis peut être accepté."), code="not_submitted")
    report.status = ReportStatus.ACCEPTED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    _save(report)
    _land_in_results(report)
    return report


@transaction.atomic
def report_return(*, report: GrantReport, by, message: str) -> GrantReport:
    """Send the report back to the grantee with what to rework (emailed)."""
    _check(permissions.can_manage_grants(by, report.organisation))
    report = (
        GrantReport.objects.select_for_update(of=("self",))
        .select_related("grant__application__applicant", "grant__application__actor__account", "organisation")
        .get(pk=report.pk)
    )
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Dites au porteur ce qu'il doit reprendre.")}, code="message_required")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Seul un rapport remis peut être renvoyé au porteur."), code="not_submitted")
    report.status = ReportStatus.RETURNED
    report.review_message = message
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    _save(report)
    send_on_commit(
        to=[applicant_email(report.grant.application)],
        subject=_("Votre %(kind)s est à reprendre") % {"kind": report.get_kind_display().lower()},
        template="calls/grants/emails/report_returned.txt",
        context={"report": report, "grant": report.grant},
    )
    return report


@transaction.atomic
def report_remind(*, report: GrantReport, now: datetime.datetime | None = None) -> bool:
    """Email the grantee about a report due soon or late; at most once every seven days. False if skipped."""
    now = now or timezone.now()
    report = (
        GrantReport.objects.select_for_update(of=("self",))
        .select_related("grant__application__applicant", "grant__application__actor__account", "organisation")
        .get(pk=report.pk)
    )
    if report.status not in OPEN_REPORT_STATUSES:
        return False
    if report.last_reminder_at is not None and report.last_reminder_at > now - datetime.timedelta(days=7):
        return False
    late = report.due_on < timezone.localdate(now)
    sent = send_on_commit(
        to=[applicant_email(report.grant.application)],
        subject=(_("Rapport en retard : %(number)s") if late else _("Rapport attendu bientôt : %(number)s"))
        % {"number": report.grant.agreement_number},
        template="calls/grants/emails/report_reminder.txt",
        context={"report": report, "grant": report.grant, "late": late},
    )
    if not sent:
        return False
    report.last_reminder_at = now
    report.reminder_count += 1
    _save(report)
    return True
