"""Reads of the grants, instalments, reports and open data. Every read takes the organisation."""

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.calls.enums import ReportStatus
from passerelles.calls.models import (
    Application,
    Call,
    Grant,
    GrantReport,
    Instalment,
    ReportIndicator,
)
from passerelles.calls.selectors.instruction import get_application_or_404  # noqa: F401  (the grants views ask here)
from passerelles.core.tenancy import for_org, get_for_org_or_404

ZERO = Decimal("0")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
# Reports still expected from the grantee: late once their due date has passed.
OPEN_REPORT_STATUSES = (ReportStatus.DUE, ReportStatus.RETURNED)


# -- one object, or 404 ------------------------------------------------------------------------------------


def get_grant_or_404(organisation, pk) -> Grant:
    queryset = Grant.objects.select_related(
        "application__call", "application__actor", "application__applicant", "project", "organisation"
    )
    return get_for_org_or_404(queryset, organisation, pk)


def get_instalment_or_404(organisation, pk) -> Instalment:
    return get_for_org_or_404(Instalment.objects.select_related("grant__project"), organisation, pk)


def get_report_or_404(organisation, pk) -> GrantReport:
    queryset = GrantReport.objects.select_related(
        "grant__application__call", "grant__application__actor", "grant__application__applicant", "reviewed_by"
    )
    return get_for_org_or_404(queryset, organisation, pk)


# -- grants ------------------------------------------------------------------------------------------------


def _paid_total(outer: str = "pk"):
    return Coalesce(
        Subquery(
            Instalment.objects.filter(grant=OuterRef(outer), paid_on__isnull=False)
            .order_by()
            .values("grant")
            .annotate(total=Sum("paid_amount"))
            .values("total")[:1],
            output_field=MONEY_FIELD,
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def _count_reports(**filters):
    return Coalesce(
        Subquery(
            GrantReport.objects.filter(grant=OuterRef("pk"), **filters)
            .order_by()
            .values("grant")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def grant_list(
    *,
    organisation,
    text: str = "",
    call: Call | None = None,
    modality: str = "",
    year: int | None = None,
    late_only: bool = False,
    today: datetime.date | None = None,
) -> QuerySet:
    today = today or timezone.localdate()
    unpaid = Instalment.objects.filter(grant=OuterRef("pk"), paid_on__isnull=True).order_by("due_on", "pk")
    queryset = (
        for_org(Grant, organisation)
        .select_related("application__call", "application__actor", "project")
        .annotate(
            paid_total=_paid_total(),
            next_due_on=Subquery(unpaid.values("due_on")[:1]),
            next_amount=Subquery(unpaid.values("amount")[:1], output_field=MONEY_FIELD),
            reports_total=_count_reports(),
            reports_accepted=_count_reports(status=ReportStatus.ACCEPTED),
            reports_submitted=_count_reports(status=ReportStatus.SUBMITTED),
            reports_late=_count_reports(status__in=OPEN_REPORT_STATUSES, due_on__lt=today),
        )
    )
    if text:
        queryset = queryset.filter(
            Q(agreement_number__icontains=text)
            | Q(application__actor__name__icontains=text)
            | Q(application__title__icontains=text)
            | Q(application__reference__icontains=text)
        )
    if call is not None:
        queryset = queryset.filter(application__call=call)
    if modality:
        queryset = queryset.filter(modality=modality)
    if year:
        queryset = queryset.filter(created_at__year=year)
    if late_only:
        queryset = queryset.filter(reports_late__gt=0)
    return queryset.order_by("-created_at", "-pk")


def grant_calls(*, organisation) -> QuerySet:
    """The calls that have at least one grant (choices of the filter)."""
    return for_org(Call, organisation).filter(applications__grant__isnull=False).distinct().order_by("title")


def grant_years(*, organisation) -> list[int]:
    dates = for_org(Grant, organisation).dates("created_at", "year", order="DESC")
    return [d.year for d in dates]


GRANT_EXPORT_HEADER = (
    "Numéro de convention",
    "Acteur",
    "Appel",
    "Candidature",
    "Projet",
    "Montant (EUR)",
    "Modalité",
    "Versé (EUR)",
    "Prochain versement (date)",
    "Prochain versement (EUR)",
    "Rapports acceptés",
    "Rapports en retard",
    "Convention signée le",
)


def grant_export_rows(grants):
    for grant in grants:
        yield (
            grant.agreement_number,
            grant.application.actor.name,
            grant.application.call.title,
            grant.application.reference,
            grant.project.code if grant.project else "",
            grant.amount,
            grant.get_modality_display(),
            grant.paid_total,
            grant.next_due_on.isoformat() if grant.next_due_on else "",
            grant.next_amount if grant.next_amount is not None else "",
            f"{grant.reports_accepted}/{grant.reports_total}",
            grant.reports_late,
            grant.signed_on.isoformat() if grant.signed_on else "",
        )


def is_late(report: GrantReport, today: datetime.date | None = None) -> bool:
    return report.status in OPEN_REPORT_STATUSES and report.due_on < (today or timezone.localdate())


def grant_detail(*, grant: Grant) -> dict:
    today = timezone.localdate()
    instalments = list(grant.instalments.select_related("transaction").order_by("due_on", "pk"))
    reports = list(grant.reports.order_by("due_on", "pk"))
    for report in reports:
        report.is_late = is_late(report, today)
    scheduled = sum((i.amount for i in instalments), ZERO)
    paid = sum((i.paid_amount or ZERO for i in instalments), ZERO)
    return {
        "grant": grant,
        "application": grant.application,
        "instalments": instalments,
        "reports": reports,
        "scheduled_total": scheduled,
        "paid_total": paid,
        "unscheduled": grant.amount - scheduled,
        "indicators": list(ReportIndicator.objects.filter(call_id=grant.application.call_id)),
    }


def report_values(report: GrantReport) -> list[tuple[ReportIndicator, str | None]]:
    """The call's indicators with the value the report gives for each (keys are indicator ids as text)."""
    indicators = ReportIndicator.objects.filter(call_id=report.grant.application.call_id)
    return [(indicator, report.indicator_values.get(str(indicator.pk))) for indicator in indicators]


def reports_to_remind(*, now: datetime.datetime | None = None, within_days: int = 7, every_days: int = 7) -> QuerySet:
    """Reports still expected that are due within `within_days` or late, not reminded in the last `every_days`.

    All organisations: the management command runs for the whole platform.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    return (
        GrantReport.objects.filter(status__in=OPEN_REPORT_STATUSES, due_on__lte=today + datetime.timedelta(within_days))
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - datetime.timedelta(days=every_days)))
        .select_related("grant__application__applicant", "grant__application__actor__account", "organisation")
        .order_by("due_on", "pk")
    )


# -- the applicant side ----------------------------------------------------------------------------------------


def _own_applications(user) -> QuerySet:
    return Application.objects.filter(Q(applicant=user) | Q(actor__account=user))


def get_own_grant_or_404(user, application_pk) -> Grant:
    """The grant of one of my applications: another applicant's (or none) is a 404."""
    from django.http import Http404

    try:
        application = _own_applications(user).get(pk=int(application_pk))
        return Grant.objects.select_related("application__call", "application__actor", "project", "organisation").get(
            application=application
        )
    except (ValueError, Application.DoesNotExist, Grant.DoesNotExist) as exc:
        raise Http404 from exc


def get_own_report_or_404(user, pk) -> GrantReport:
    from django.http import Http404

    try:
        return GrantReport.objects.select_related(
            "grant__application__call", "grant__application__actor", "organisation"
        ).get(pk=int(pk), grant__application__in=_own_applications(user))
    except (ValueError, GrantReport.DoesNotExist) as exc:
        raise Http404 from exc


# -- open data ---------------------------------------------------------------------------------------------


def public_grants(*, organisation) -> QuerySet:
    """Awarded grants as open data: organisations and projects only, never a person or a contact."""
    return (
        for_org(Grant, organisation)
        .select_related("application__call", "application__actor")
        .order_by("-application__decided_at", "agreement_number")
    )


OPEN_DATA_COLUMNS = (
    ("id", _("Identifiant stable : le numéro de convention.")),
    ("appel", _("Intitulé de l'appel à projets.")),
    ("beneficiaire", _("Nom de la structure bénéficiaire (une organisation, jamais une personne).")),
    ("projet", _("Intitulé du projet soutenu.")),
    ("montant_eur", _("Montant attribué, en euros, point décimal.")),
    ("modalite", _("Modalité de soutien.")),
    ("annee", _("Année de la décision.")),
    ("date_decision", _("Date de la décision du comité (AAAA-MM-JJ).")),
)
OPEN_DATA_NAMES = tuple(name for name, _doc in OPEN_DATA_COLUMNS)


def public_grant_rows(grants) -> list[dict]:
    rows = []
    for grant in grants:
        decided = grant.application.decided_at or grant.created_at
        decided_on = timezone.localdate(decided)
        rows.append(
            {
                "id": grant.agreement_number,
                "appel": grant.application.call.title,
                "beneficiaire": grant.application.actor.name,
                "projet": grant.application.title,
                "montant_eur": f"{grant.amount:.2f}",
                "modalite": str(grant.get_modality_display()),
                "annee": decided_on.year,
                "date_decision": decided_on.isoformat(),
                "decided_on": decided_on,  # for the HTML page only: exports keep OPEN_DATA_NAMES
            }
        )
    return rows
