"""Views of the results framework and the performance table: parse, check, call a service or selector, render."""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.files import serve_private_file
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_format,
    form_status,
    paginate,
    querystring_without,
    require,
    save_form,
)
from passerelles.steering.enums import PERIOD_TRANSITIONS, MeasuredOn, PeriodStatus
from passerelles.steering.forms.results import (
    DisaggregationForm,
    EvidenceForm,
    IndicatorForm,
    PerformanceFilterForm,
    PeriodForm,
    PeriodValuesForm,
    ResultForm,
    ReturnForm,
)
from passerelles.steering.models import Disaggregation, DisaggregationValue
from passerelles.steering.selectors import results as selectors
from passerelles.steering.selectors.common import get_project_or_404
from passerelles.steering.services import results as services

# -- helpers ------------------------------------------------------------------------------------------------


def _project(request, pk):
    return get_project_or_404(request.organisation, pk, user=request.user)


def _editable_project(request, pk):
    project = _project(request, pk)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    return project


def _results_url(request, project, anchor=""):
    url = reverse("steering:project_results", args=[request.organisation.slug, project.pk])
    return f"{url}#{anchor}" if anchor else url


def _values_url(request, project, period):
    return reverse("steering:period_values", args=[request.organisation.slug, project.pk, period.pk])


def _form_page(request, *, project, form, title, cancel_url, status=200, **extra):
    context = {"project": project, "form": form, "title": title, "cancel_url": cancel_url, **extra}
    return render(request, "steering/results/form.html", context, status=status)


def _edit(request, *, project, form, save, title, success, anchor=""):
    """The shared create/edit flow: validate, call the service, redirect to the framework or show the errors."""
    saved = save_form(
        request,
        form,
        save,
        success=success,
        next_url=lambda obj: _results_url(request, project, anchor(obj) if callable(anchor) else anchor),
    )
    return saved or _form_page(
        request,
        project=project,
        form=form,
        title=title,
        cancel_url=_results_url(request, project),
        status=form_status(request),
    )


def _delete(request, *, project, obj, label, delete):
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("« %(label)s » supprimé.") % {"label": label})
        return redirect(_results_url(request, project))
    return render(
        request,
        "steering/results/confirm_delete.html",
        {"project": project, "label": label, "object": obj, "cancel_url": _results_url(request, project)},
    )


# -- the logical framework ------------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_projects)
def project_results(request, pk):
    project = _project(request, pk)
    results = selectors.project_framework(project=project)
    context = {
        "project": project,
        "results": results,
        "has_home_indicator": selectors.has_home_indicator(results),
        "can_edit": permissions.can_edit_project(request.user, project),
        "can_enter": permissions.can_enter_results(request.user, project),
        "can_approve": permissions.can_approve_results(request.user, project),
    }
    return render(request, "steering/results/project_results.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def result_create(request, project_pk):
    project = _editable_project(request, project_pk)
    form = ResultForm(request.POST or None)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.result_create(project=project, user=request.user, **data),
        title=_("Nouveau résultat"),
        success=_("Résultat ajouté."),
        anchor=lambda r: f"result-{r.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def result_edit(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    result = selectors.get_result_or_404(request.organisation, pk, project=project)
    form = ResultForm(request.POST or None, instance=result)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.result_update(result=result, user=request.user, **data),
        title=_("Modifier le résultat"),
        success=_("Résultat enregistré."),
        anchor=f"result-{result.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def result_delete(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    result = selectors.get_result_or_404(request.organisation, pk, project=project)
    return _delete(
        request,
        project=project,
        obj=result,
        label=result.title,
        delete=lambda: services.result_delete(result=result, user=request.user),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def indicator_create(request, project_pk, result_pk):
    project = _editable_project(request, project_pk)
    result = selectors.get_result_or_404(request.organisation, result_pk, project=project)
    form = IndicatorForm(request.POST or None, project=project)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.indicator_create(result=result, user=request.user, **data),
        title=_("Nouvel indicateur"),
        success=_("Indicateur ajouté."),
        anchor=lambda i: f"indicator-{i.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def indicator_edit(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    indicator = selectors.get_indicator_or_404(request.organisation, pk, project=project)
    form = IndicatorForm(request.POST or None, instance=indicator, project=project)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.indicator_update(indicator=indicator, user=request.user, **data),
        title=_("Modifier l'indicateur"),
        success=_("Indicateur enregistré."),
        anchor=f"indicator-{indicator.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def indicator_delete(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    indicator = selectors.get_indicator_or_404(request.organisation, pk, project=project)
    return _delete(
        request,
        project=project,
        obj=indicator,
        label=indicator.title,
        delete=lambda: services.indicator_delete(indicator=indicator, user=request.user),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def period_create(request, project_pk, indicator_pk):
    project = _editable_project(request, project_pk)
    indicator = selectors.get_indicator_or_404(request.organisation, indicator_pk, project=project)
    form = PeriodForm(request.POST or None, indicator=indicator)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.period_create(indicator=indicator, user=request.user, **data),
        title=_("Nouvelle période"),
        success=_("Période ajoutée."),
        anchor=f"indicator-{indicator.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def period_edit(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    period = selectors.get_period_or_404(request.organisation, pk, project=project)
    if period.is_locked:
        messages.error(request, " ".join(services.locked_error().messages))
        return redirect(_values_url(request, project, period))
    form = PeriodForm(request.POST or None, instance=period, indicator=period.indicator)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.period_update(period=period, user=request.user, **data),
        title=_("Modifier la période"),
        success=_("Période enregistrée."),
        anchor=f"period-{period.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def period_delete(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    period = selectors.get_period_or_404(request.organisation, pk, project=project)
    return _delete(
        request,
        project=project,
        obj=period,
        label=str(period),
        delete=lambda: services.period_delete(period=period, user=request.user),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def disaggregation_create(request, project_pk, indicator_pk):
    project = _editable_project(request, project_pk)
    indicator = selectors.get_indicator_or_404(request.organisation, indicator_pk, project=project)
    form = DisaggregationForm(request.POST or None, indicator=indicator)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.disaggregation_create(indicator=indicator, user=request.user, **data),
        title=_("Nouvelle ventilation"),
        success=_("Ventilation ajoutée."),
        anchor=f"indicator-{indicator.pk}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def disaggregation_edit(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    disaggregation = selectors.get_disaggregation_or_404(request.organisation, pk, project=project)
    form = DisaggregationForm(request.POST or None, instance=disaggregation, indicator=disaggregation.indicator)
    return _edit(
        request,
        project=project,
        form=form,
        save=lambda data: services.disaggregation_update(disaggregation=disaggregation, user=request.user, **data),
        title=_("Modifier la ventilation"),
        success=_("Ventilation enregistrée."),
        anchor=f"indicator-{disaggregation.indicator_id}",
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def disaggregation_delete(request, project_pk, pk):
    project = _editable_project(request, project_pk)
    disaggregation = selectors.get_disaggregation_or_404(request.organisation, pk, project=project)
    return _delete(
        request,
        project=project,
        obj=disaggregation,
        label=str(disaggregation),
        delete=lambda: services.disaggregation_delete(disaggregation=disaggregation, user=request.user),
    )


# -- the values of a period and their workflow ------------------------------------------------------------------


def _period_for_values(request, project_pk, pk, predicate):
    project = _project(request, project_pk)
    if not predicate(request.user, project):
        raise PermissionDenied
    period = selectors.get_period_or_404(request.organisation, pk, project=project)
    return project, period


def _disaggregations(period):
    return Disaggregation.objects.filter(indicator_id=period.indicator_id).order_by("dimension", "category")


def _values_page(request, project, period, *, status=200, **forms):
    can_enter = permissions.can_enter_results(request.user, project)
    editable = period.status in services.EDITABLE_STATUSES
    disaggregations = list(_disaggregations(period))
    context = {
        "project": project,
        "period": period,
        "indicator": period.indicator,
        "performance": selectors.compute_performance(period.indicator, [period], project=project)[0],
        "can_enter": can_enter,
        "can_approve": permissions.can_approve_results(request.user, project),
        "editable": can_enter and editable,
        "can_submit": can_enter and PeriodStatus.SUBMITTED in PERIOD_TRANSITIONS[period.status],
        "can_decide": PeriodStatus.APPROVED in PERIOD_TRANSITIONS[period.status],
        "evidence": period.evidence.select_related("added_by").order_by("-added_at", "-pk"),
        "transitions": period.transitions.select_related("user").order_by("-at", "-pk"),
        "disaggregation_values": DisaggregationValue.objects.filter(period=period).select_related("disaggregation"),
        "values_form": forms.get("values_form") or PeriodValuesForm(period=period, disaggregations=disaggregations),
        "return_form": forms.get("return_form") or ReturnForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "conflict": forms.get("conflict"),
    }
    return render(request, "steering/results/period_values.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def period_values(request, project_pk, pk):
    # Whoever sees the project reads the period; entering values needs `can_enter_results`.
    project, period = _period_for_values(request, project_pk, pk, permissions.can_view_project)
    if request.method == "GET":
        return _values_page(request, project, period)
    if not permissions.can_enter_results(request.user, project):
        raise PermissionDenied
    disaggregations = list(_disaggregations(period))
    form = PeriodValuesForm(request.POST, period=period, disaggregations=disaggregations)
    if not form.is_valid():
        return _values_page(request, project, period, status=422, values_form=form)
    try:
        services.period_save_values(period=period, user=request.user, **form.service_kwargs())
    except ValidationError as error:
        fresh = selectors.get_period_or_404(request.organisation, pk, project=project)
        if error.code == "conflict":
            # Keep what the user typed, against the version now saved: a new "save" is a deliberate overwrite.
            data = request.POST.copy()
            data["version"] = str(fresh.version)
            form = PeriodValuesForm(data, period=fresh, disaggregations=disaggregations)
            form.is_valid()
            form.add_error(None, error)
            return _values_page(request, project, fresh, status=409, values_form=form, conflict=fresh)
        apply_errors(form, error)
        return _values_page(request, project, fresh, status=422, values_form=form)
    messages.success(request, _("Valeurs enregistrées."))
    return redirect(_values_url(request, project, period))


@require_POST
@require(permissions.can_view_projects)
def period_submit(request, project_pk, pk):
    project, period = _period_for_values(request, project_pk, pk, permissions.can_enter_results)
    try:
        services.period_submit(period=period, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Valeurs soumises pour approbation."))
    return redirect(_values_url(request, project, period))


@require_POST
@require(permissions.can_view_projects)
def period_approve(request, project_pk, pk):
    project, period = _period_for_values(request, project_pk, pk, permissions.can_approve_results)
    try:
        services.period_approve(period=period, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Valeurs approuvées : la période est verrouillée."))
    return redirect(_values_url(request, project, period))


@require_POST
@require(permissions.can_view_projects)
def period_return(request, project_pk, pk):
    project, period = _period_for_values(request, project_pk, pk, permissions.can_approve_results)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.period_return(period=period, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_values_url(request, project, period))
            apply_errors(form, error)
        else:
            messages.success(request, _("Valeurs renvoyées pour correction."))
            return redirect(_values_url(request, project, period))
    return _values_page(request, project, period, status=422, return_form=form)


@require_POST
@require(permissions.can_view_projects)
@idempotent
def period_evidence_create(request, project_pk, pk):
    project, period = _period_for_values(request, project_pk, pk, permissions.can_enter_results)
    form = EvidenceForm(request.POST, request.FILES)
    saved = save_form(
        request,
        form,
        lambda data: services.period_add_evidence(
            period=period, user=request.user, title=data["title"], file=data.get("file"), url=data.get("url") or ""
        ),
        success=_("Justificatif ajouté."),
        next_url=_values_url(request, project, period) + "#evidence",
    )
    return saved or _values_page(request, project, period, status=422, evidence_form=form)


@require_GET
@require(permissions.can_view_projects)
def period_evidence_download(request, project_pk, pk):
    """Evidence files are served through this view only, to those who see the project, never by a public URL."""
    project = _project(request, project_pk)
    evidence = selectors.get_evidence_or_404(request.organisation, pk, project=project)
    return serve_private_file(
        request, evidence.file, filename=evidence.original_name or os.path.basename(evidence.file.name)
    )


# -- the indicator performance table -------------------------------------------------------------------------------

PERFORMANCE_HEADER = [
    "project_code",
    "project",
    "result",
    "indicator",
    "unit",
    "measured_on",
    "territory",
    "period_start",
    "period_end",
    "baseline",
    "target",
    "actual",
    "percent_of_target",
    "on_track",
    "status",
    "is_example",
]


def _filtered_performance(request):
    form = PerformanceFilterForm(
        request.GET or None,
        organisation=request.organisation,
        years=selectors.performance_years(organisation=request.organisation),
    )
    rows = selectors.performance_rows(organisation=request.organisation, user=request.user, **form.selector_kwargs())
    return form, rows


def _number(value, decimal_comma: bool = False):
    """A float for XLSX and CSV; "12,5" for the French-Excel CSV, which would misread "12.5"."""
    if value is None:
        return ""
    if decimal_comma:
        return format(value.normalize(), "f").replace(".", ",")
    return float(value)


def _on_track_label(value):
    if value is None:
        return ""
    return _("oui") if value else _("non")


def performance_export_rows(rows, *, decimal_comma: bool = False):
    def number(value):
        return _number(value, decimal_comma)

    for row in rows:
        yield [
            row.project.code,
            row.project.title,
            row.result.title,
            row.indicator.title,
            row.indicator.unit,
            row.measured_on_label,
            row.indicator.territory.name if row.indicator.territory else "",
            row.period.start.isoformat(),
            row.period.end.isoformat(),
            number(row.baseline),
            number(row.target),
            number(row.actual),
            number(row.percent_of_target),
            _on_track_label(row.on_track),
            row.status_label,
            _("oui") if row.indicator.is_example else "",
        ]


@require_GET
@require(permissions.can_view_steering)
def performance(request):
    form, rows = _filtered_performance(request)
    # Grouped by territory rather than paginated one row at a time: a page holds up to the cap, then pages follow.
    page = paginate(request, rows, per_page=selectors.PERFORMANCE_PAGE_CAP)
    shown = list(page.object_list)
    sections = [
        (on, on.label, [row for row in shown if row.measured_on == on]) for on in (MeasuredOn.PARTNER, MeasuredOn.HOME)
    ]
    context = {
        "filter_form": form,
        "sections": sections,
        "page": page,
        "cap": selectors.PERFORMANCE_PAGE_CAP,
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = (
        "steering/results/includes/_performance_results.html" if request.htmx else "steering/results/performance.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def performance_export(request):
    fmt = export_format(request)
    _form, rows = _filtered_performance(request)
    french_csv = fmt == "csv" and request.GET.get("sep") == "semicolon"
    return table_response(
        fmt=fmt,
        filename=f"performance-indicateurs-{request.organisation.slug}",
        header=PERFORMANCE_HEADER,
        rows=performance_export_rows(rows, decimal_comma=french_csv),
        title=_("Performance des indicateurs"),
        delimiter=";" if french_csv else ",",
    )
