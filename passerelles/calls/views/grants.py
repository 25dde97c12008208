"""Grants: the back-office list and page, instalments, reports; the applicant's grant and reports; open data."""

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.calls.enums import ReportStatus
from passerelles.calls.forms.grants import (
    GrantAwardForm,
    GrantFilterForm,
    InstalmentForm,
    InstalmentPayForm,
    ReportForm,
    ReportReturnForm,
)
from passerelles.calls.models import ReportIndicator
from passerelles.calls.selectors import grants as selectors
from passerelles.calls.services import grants as services
from passerelles.core import permissions
from passerelles.core.exports import table_response, write_csv
from passerelles.core.idempotency import idempotent
from passerelles.core.models import Organisation
from passerelles.core.pdf import render_pdf
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


# -- the list of grants --------------------------------------------------------------------------------------


def _filtered(request):
    organisation = request.organisation
    form = GrantFilterForm(
        request.GET or None,
        calls=list(selectors.grant_calls(organisation=organisation)),
        years=selectors.grant_years(organisation=organisation),
    )
    return form, selectors.grant_list(organisation=organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_grants)
def grants(request):
    form, queryset = _filtered(request)
    context = {
        "filter_form": form,
        "page": paginate(request, queryset),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "calls/grants/includes/_list.html" if request.htmx else "calls/grants/list.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_grants)
def grants_export(request):
    fmt = export_format(request)
    _form, queryset = _filtered(request)
    return table_response(
        fmt=fmt,
        filename=f"subventions-{request.organisation.slug}",
        header=selectors.GRANT_EXPORT_HEADER,
        rows=selectors.grant_export_rows(queryset),
        title=_("Subventions"),
        delimiter=export_delimiter(request),
    )


# -- award ---------------------------------------------------------------------------------------------------


@require_POST
@require(permissions.can_manage_grants)
@idempotent
def grant_create(request, pk):
    application = selectors.get_application_or_404(request.organisation, pk)
    form = GrantAwardForm(request.POST)
    if form.is_valid():
        try:
            grant = services.grant_award(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Subvention attribuée : convention %(number)s.") % {"number": grant.agreement_number}
            )
            return redirect(_org_url(request, "calls:grant", grant.pk))
    context = {"application": application, "form": form}
    return render(request, "calls/grants/award_form.html", context, status=422)


# -- one grant -----------------------------------------------------------------------------------------------


def _grant_context(request, grant) -> dict:
    context = selectors.grant_detail(grant=grant)
    context["can_manage"] = permissions.can_manage_grants(request.user, request.organisation)
    return context


@require_GET
@require(permissions.can_view_grants)
def grant(request, pk):
    grant = selectors.get_grant_or_404(request.organisation, pk)
    return render(request, "calls/grants/grant.html", _grant_context(request, grant))


def _agreement_response(grant) -> HttpResponse:
    context = selectors.grant_detail(grant=grant)
    context["organisation"] = grant.organisation
    pdf = render_pdf("calls/grants/pdf/agreement.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{grant.agreement_number}.pdf"'
    return response


@require_GET
@require(permissions.can_view_grants)
def grant_agreement(request, pk):
    return _agreement_response(selectors.get_grant_or_404(request.organisation, pk))


# -- instalments ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_grants)
@idempotent
def instalment_create(request, pk):
    grant = selectors.get_grant_or_404(request.organisation, pk)
    form = InstalmentForm(request.POST if request.method == "POST" else None)
    context = {"grant": grant, "form": form}
    if request.method != "POST":
        return render(request, "calls/grants/instalment_form.html", context)
    if form.is_valid():
        try:
            services.instalment_create(grant=grant, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Versement programmé."))
            return redirect(_org_url(request, "calls:grant", grant.pk))
    return render(request, "calls/grants/instalment_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_grants)
def instalment_pay(request, pk):
    instalment = selectors.get_instalment_or_404(request.organisation, pk)
    form = InstalmentPayForm(
        request.POST if request.method == "POST" else None, initial={"paid_amount": instalment.amount}
    )
    context = {"instalment": instalment, "grant": instalment.grant, "form": form}
    if request.method != "POST":
        return render(request, "calls/grants/instalment_pay.html", context)
    if form.is_valid():
        try:
            services.instalment_pay(instalment=instalment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Versement enregistré dans les finances du projet."))
            return redirect(_org_url(request, "calls:grant", instalment.grant_id))
    return render(request, "calls/grants/instalment_pay.html", context, status=422)


@require_POST
@require(permissions.can_manage_grants)
def instalment_delete(request, pk):
    instalment = selectors.get_instalment_or_404(request.organisation, pk)
    try:
        services.instalment_delete(instalment=instalment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Versement supprimé."))
    return redirect(_org_url(request, "calls:grant", instalment.grant_id))


# -- reports (officers) --------------------------------------------------------------------------------------


def _report_context(request, report, return_form=None) -> dict:
    return {
        "report": report,
        "grant": report.grant,
        "values": selectors.report_values(report),
        "is_late": selectors.is_late(report),
        "can_review": permissions.can_manage_grants(request.user, request.organisation)
        and report.status == ReportStatus.SUBMITTED,
        "return_form": return_form or ReportReturnForm(),
    }


@require_GET
@require(permissions.can_view_grants)
def report(request, pk):
    report = selectors.get_report_or_404(request.organisation, pk)
    return render(request, "calls/grants/report.html", _report_context(request, report))


@require_POST
@require(permissions.can_manage_grants)
def report_accept(request, pk):
    report = selectors.get_report_or_404(request.organisation, pk)
    try:
        services.report_accept(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rapport accepté ; ses valeurs sont reportées dans les résultats du projet."))
    return redirect(_org_url(request, "calls:report", report.pk))


@require_POST
@require(permissions.can_manage_grants)
def report_return(request, pk):
    report = selectors.get_report_or_404(request.organisation, pk)
    form = ReportReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(report=report, by=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Rapport renvoyé au porteur, qui en est prévenu."))
            return redirect(_org_url(request, "calls:report", report.pk))
    return render(request, "calls/grants/report.html", _report_context(request, report, form), status=422)


# -- the applicant side --------------------------------------------------------------------------------------


@require_GET
def applicant_grant(request, pk):
    grant = selectors.get_own_grant_or_404(request.user, pk)
    return render(request, "calls/grants/applicant_grant.html", selectors.grant_detail(grant=grant))


@require_GET
def applicant_grant_agreement(request, pk):
    return _agreement_response(selectors.get_own_grant_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
def applicant_report(request, pk):
    report = selectors.get_own_report_or_404(request.user, pk)
    indicators = list(ReportIndicator.objects.filter(call_id=report.grant.application.call_id))
    is_open = report.status in selectors.OPEN_REPORT_STATUSES
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        indicators=indicators,
        initial_values=report.indicator_values,
        initial={"narrative": report.narrative},
    )
    context = {
        "report": report,
        "grant": report.grant,
        "form": form if is_open else None,
        "values": selectors.report_values(report),
        "is_late": selectors.is_late(report),
    }
    if request.method != "POST":
        return render(request, "calls/grants/applicant_report.html", context)
    if not is_open:
        messages.error(request, _("Ce rapport a déjà été remis."))
        return redirect("applicant:report", report.pk)
    if form.is_valid():
        try:
            services.report_submit(
                report=report, user=request.user, narrative=form.cleaned_data["narrative"], values=form.values()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Rapport remis. Le service instructeur en est prévenu."))
            return redirect("applicant:grant", report.grant.application_id)
    return render(request, "calls/grants/applicant_report.html", context, status=422)


# -- open data -----------------------------------------------------------------------------------------------


def _public_organisation(public_slug) -> Organisation:
    return get_object_or_404(Organisation, slug=public_slug)


@login_not_required
@require_GET
def public_grants(request, public_slug):
    organisation = _public_organisation(public_slug)
    grants = selectors.public_grants(organisation=organisation)
    page = paginate(request, grants)
    context = {
        "public_organisation": organisation,
        "page": page,
        "rows": selectors.public_grant_rows(page.object_list),
        "columns": selectors.OPEN_DATA_COLUMNS,
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "calls/grants/public_list.html", context)


@login_not_required
@require_GET
def public_grants_export(request, public_slug):
    organisation = _public_organisation(public_slug)
    fmt = request.GET.get("format", "csv")
    columns = selectors.OPEN_DATA_NAMES
    rows = [
        {name: row[name] for name in columns}
        for row in selectors.public_grant_rows(selectors.public_grants(organisation=organisation))
    ]
    stem = f"subventions-{organisation.slug}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"columns": list(columns), "grants": rows}, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    elif fmt == "csv":
        buffer = io.StringIO()
        write_csv(buffer, columns, ([row[name] for name in columns] for row in rows))
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    else:
        raise Http404
    response["Access-Control-Allow-Origin"] = "*"
    return response
