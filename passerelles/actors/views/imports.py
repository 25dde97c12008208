"""Bulk import of actors: upload, dry-run report (paginated, filterable, exportable), confirmation."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.forms.imports import ImportForm, ReportFilterForm
from passerelles.actors.services import imports as import_services
from passerelles.core import permissions
from passerelles.core.exports import table_response, write_csv
from passerelles.core.views_helpers import export_delimiter, export_format, paginate, querystring_without, require


def _session_key(request) -> str:
    return f"actors_import:{request.organisation.pk}"


def _org_url(request, name):
    return reverse(name, args=[request.organisation.slug])


def _pending(request):
    return request.session.get(_session_key(request))


@require_GET
@require(permissions.can_edit_actors)
def import_template(request):
    buffer = io.StringIO()
    write_csv(buffer, import_services.COLUMNS, [])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-acteurs.csv"'
    return response


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_actors)
def import_upload(request):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST":
        if form.is_valid():
            request.session[_session_key(request)] = {
                "filename": form.cleaned_data["file"].name[:200],
                "rows": form.rows,
            }
            return redirect(_org_url(request, "actors:import_report"))
        return render(request, "actors/imports/upload.html", {"form": form}, status=422)
    return render(request, "actors/imports/upload.html", {"form": form, "pending": _pending(request)})


def _report(request):
    pending = _pending(request)
    if not pending:
        return None, None, None
    report = import_services.plan_import(organisation=request.organisation, rows=pending["rows"])
    filter_form = ReportFilterForm(request.GET or None)
    outcome = filter_form.outcome_value()
    shown = [e for e in report if e.outcome == outcome] if outcome else report
    return pending, (report, shown), filter_form


@require_GET
@require(permissions.can_edit_actors)
def import_report(request):
    pending, reports, filter_form = _report(request)
    if pending is None:
        messages.info(request, _("Aucun fichier en attente : envoyez d'abord un fichier."))
        return redirect(_org_url(request, "actors:import"))
    report, shown = reports
    counts = import_services.summary(report)
    context = {
        "filename": pending["filename"],
        "counts": counts,
        "total": len(report),
        "filter_form": filter_form,
        "page": paginate(request, shown),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    return render(request, "actors/imports/report.html", context)


@require_GET
@require(permissions.can_edit_actors)
def import_report_export(request):
    fmt = export_format(request)
    pending, reports, _form = _report(request)
    if pending is None:
        return redirect(_org_url(request, "actors:import"))
    return table_response(
        fmt=fmt,
        filename=f"rapport-import-acteurs-{request.organisation.slug}",
        header=[_("Ligne"), _("Nom"), _("Résultat"), _("Motif")],
        rows=([e.line, e.name, e.outcome_label, " ".join(e.reasons)] for e in reports[1]),
        title=_("Rapport d'import"),
        delimiter=export_delimiter(request),
    )


@require_POST
@require(permissions.can_edit_actors)
def import_confirm(request):
    pending = _pending(request)
    if not pending:
        messages.error(request, _("Aucun fichier en attente : envoyez d'abord un fichier."))
        return redirect(_org_url(request, "actors:import"))
    only_valid = request.POST.get("mode") == "valid"
    try:
        counts = import_services.import_actors(
            organisation=request.organisation, user=request.user, rows=pending["rows"], only_valid=only_valid
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_org_url(request, "actors:import_report"))
    request.session.pop(_session_key(request), None)
    messages.success(
        request,
        _("Import terminé : %(create)s acteur(s) créé(s), %(update)s mis à jour, %(reject)s ligne(s) ignorée(s).")
        % counts,
    )
    return redirect(_org_url(request, "actors:directory"))
