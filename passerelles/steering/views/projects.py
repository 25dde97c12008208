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
    export_delimiter,
    export_format,
    form_status,
    paginate,
    querystring_without,
    require,
    save_form,
)
from passerelles.steering.forms.projects import (
    AnnualPlanFilterForm,
    AnnualPlanForm,
    ParticipantForm,
    PlanItemFilterForm,
    PlanItemForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    ProjectDirectorateForm,
    ProjectDocumentForm,
    ProjectFilterForm,
    ProjectForm,
    SectorFormSet,
)
from passerelles.steering.selectors import projects as selectors
from passerelles.steering.selectors.common import get_project_or_404
from passerelles.steering.services import projects as services


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _export(request, *, filename, header, rows, title):
    fmt = export_format(request)
    return table_response(
        fmt=fmt,
        filename=filename,
        header=header,
        rows=rows,
        title=title,
        delimiter=export_delimiter(request),
    )


def _list_context(request, form, queryset, **extra) -> dict:
    return {
        "filter_form": form,
        "page": paginate(request, queryset),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        **extra,
    }


def _money(value) -> str:
    return f"{value:.2f}"


def _date(value) -> str:
    return value.isoformat() if value else ""


# -- programmes -----------------------------------------------------------------------------------


def _filtered_programmes(request):
    form = ProgrammeFilterForm(request.GET or None)
    return form, selectors.programme_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def programme_list(request):
    form, programmes = _filtered_programmes(request)
    context = _list_context(request, form, programmes)
    template = (
        "steering/projects/includes/_programme_results.html" if request.htmx else "steering/projects/programmes.html"
    )
    return render(request, template, context)


PROGRAMME_HEADER = ["title", "start_year", "end_year", "projects", "annual_plans", "evaluations"]


@require_GET
@require(permissions.can_view_steering)
def programme_export(request):
    _form, programmes = _filtered_programmes(request)
    rows = ([p.title, p.start_year, p.end_year, p.project_count, p.plan_count, p.evaluation_count] for p in programmes)
    return _export(
        request,
        filename=f"programmes-{request.organisation.slug}",
        header=PROGRAMME_HEADER,
        rows=rows,
        title=_("Programmes"),
    )


@require_GET
@require(permissions.can_view_steering)
def programme_detail(request, pk):
    programme = selectors.get_programme_or_404(request.organisation, pk)
    context = {
        "programme": programme,
        "projects": selectors.programme_projects(programme=programme),
        "plans": selectors.annual_plan_list(organisation=request.organisation, programme=programme),
    }
    return render(request, "steering/projects/programme_detail.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def programme_create(request):
    form = ProgrammeForm(request.POST or None, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.programme_create(organisation=request.organisation, user=request.user, **data),
        success=lambda programme: _("Programme « %(t)s » créé.") % {"t": programme.title},
        next_url=lambda programme: _org_url(request, "steering:programme", programme.pk),
    )
    return saved or render(
        request, "steering/projects/programme_form.html", {"form": form}, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
def programme_edit(request, pk):
    programme = selectors.get_programme_or_404(request.organisation, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.programme_update(programme=programme, user=request.user, **data),
        success=_("Programme enregistré."),
        next_url=_org_url(request, "steering:programme", programme.pk),
    )
    context = {"form": form, "programme": programme}
    return saved or render(request, "steering/projects/programme_form.html", context, status=form_status(request))


# -- annual plans ---------------------------------------------------------------------------------


def _filtered_plans(request):
    form = AnnualPlanFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.annual_plan_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def annual_plan_list(request):
    form, plans = _filtered_plans(request)
    context = _list_context(request, form, plans)
    template = "steering/projects/includes/_plan_list_results.html" if request.htmx else "steering/projects/plans.html"
    return render(request, template, context)


PLANS_HEADER = ["year", "programme", "items", "done", "budget_planned_eur", "budget_done_eur"]


@require_GET
@require(permissions.can_view_steering)
def annual_plans_export(request):
    _form, plans = _filtered_plans(request)
    rows = (
        [
            p.year,
            p.programme.title if p.programme else "",
            p.item_count,
            p.done_count,
            _money(p.budget_planned),
            _money(p.budget_done),
        ]
        for p in plans
    )
    return _export(
        request,
        filename=f"plans-annuels-{request.organisation.slug}",
        header=PLANS_HEADER,
        rows=rows,
        title=_("Plans annuels"),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def annual_plan_create(request):
    form = AnnualPlanForm(request.POST or None, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.annual_plan_create(organisation=request.organisation, user=request.user, **data),
        success=lambda plan: _("Plan d'actions %(y)s créé.") % {"y": plan.year},
        next_url=lambda plan: _org_url(request, "steering:annual_plan", plan.pk),
    )
    return saved or render(request, "steering/projects/plan_form.html", {"form": form}, status=form_status(request))


def _filtered_items(request, plan):
    form = PlanItemFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.plan_items(plan=plan, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def annual_plan_detail(request, pk):
    plan = selectors.get_annual_plan_or_404(request.organisation, pk)
    form, items = _filtered_items(request, plan)
    context = _list_context(request, form, items, plan=plan, totals=selectors.plan_totals(items))
    template = "steering/projects/includes/_plan_items.html" if request.htmx else "steering/projects/plan_detail.html"
    return render(request, template, context)


PLAN_ITEMS_HEADER = [
    "kind",
    "code",
    "title",
    "owner_directorate",
    "planned_start",
    "planned_end",
    "budget_eur",
    "status",
    "carried_over_from",
]


def plan_item_rows(items):
    for item in items:
        subject = item.action or item.project
        yield [
            _("Action") if item.action_id else _("Projet"),
            subject.code,
            subject.title,
            item.owner.name if item.owner else "",
            _date(item.planned_start),
            _date(item.planned_end),
            _money(item.budget),
            item.get_status_display(),
            item.carried_over_from.plan.year if item.carried_over_from_id else "",
        ]


@require_GET
@require(permissions.can_view_steering)
def annual_plan_export(request, pk):
    plan = selectors.get_annual_plan_or_404(request.organisation, pk)
    _form, items = _filtered_items(request, plan)
    return _export(
        request,
        filename=f"plan-annuel-{request.organisation.slug}-{plan.year}",
        header=PLAN_ITEMS_HEADER,
        rows=plan_item_rows(items),
        title=_("Plan %(y)s") % {"y": plan.year},
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def annual_plan_item_create(request, pk):
    plan = selectors.get_annual_plan_or_404(request.organisation, pk)
    form = PlanItemForm(request.POST or None, plan=plan)
    saved = save_form(
        request,
        form,
        lambda _data: services.annual_plan_item_create(plan=plan, user=request.user, **form.service_fields()),
        success=_("Élément ajouté au plan %(y)s.") % {"y": plan.year},
        next_url=_org_url(request, "steering:annual_plan", plan.pk),
    )
    context = {"form": form, "plan": plan}
    return saved or render(request, "steering/projects/plan_item_form.html", context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
def annual_plan_item_edit(request, pk, item_pk):
    plan = selectors.get_annual_plan_or_404(request.organisation, pk)
    item = selectors.get_plan_item_or_404(request.organisation, plan, item_pk)
    form = PlanItemForm(request.POST or None, instance=item, plan=plan)
    saved = save_form(
        request,
        form,
        lambda _data: services.annual_plan_item_update(item=item, user=request.user, **form.service_fields()),
        success=_("Élément du plan enregistré."),
        next_url=_org_url(request, "steering:annual_plan", plan.pk),
    )
    context = {"form": form, "plan": plan, "item": item}
    return saved or render(request, "steering/projects/plan_item_form.html", context, status=form_status(request))


@require_POST
@require(permissions.can_edit_steering)
def annual_plan_carry_over(request, pk):
    plan = selectors.get_annual_plan_or_404(request.organisation, pk)
    try:
        count = services.annual_plan_carry_over(plan=plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_org_url(request, "steering:annual_plan", plan.pk))
    if count:
        messages.success(
            request,
            _("%(n)s élément(s) non terminé(s) reporté(s) au plan %(y)s.") % {"n": count, "y": plan.year + 1},
        )
    else:
        messages.success(request, _("Aucun élément à reporter : tout est déjà terminé ou reporté."))
    return redirect(_org_url(request, "steering:annual_plan", plan.pk))


# -- projects -------------------------------------------------------------------------------------


def _filtered_projects(request):
    portfolio = permissions.can_view_steering(request.user, request.organisation)
    form = ProjectFilterForm(request.GET or None, organisation=request.organisation, portfolio=portfolio)
    projects = selectors.project_list(organisation=request.organisation, user=request.user, **form.selector_kwargs())
    return form, projects


@require_GET
@require(permissions.can_view_projects)
def project_list(request):
    form, projects = _filtered_projects(request)
    context = _list_context(request, form, projects)
    template = "steering/projects/includes/_project_results.html" if request.htmx else "steering/projects/projects.html"
    return render(request, template, context)


PROJECTS_HEADER = [
    "code",
    "title",
    "kind",
    "status",
    "programme",
    "partner_territories",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "period",
    "home_territory_indicator",
]


@require_GET
@require(permissions.can_view_steering)
def project_export(request):
    _form, projects = _filtered_projects(request)
    rows = (
        [
            p.code,
            p.title,
            p.get_kind_display(),
            p.get_status_display(),
            p.programme.title if p.programme else "",
            ", ".join(t.name for t in p.partner_territories.all()),
            _date(p.planned_start),
            _date(p.planned_end),
            _date(p.actual_start),
            _date(p.actual_end),
            p.period_label,
            _("oui") if p.has_home_indicator else _("non"),
        ]
        for p in projects
    )
    return _export(
        request,
        filename=f"projets-{request.organisation.slug}",
        header=PROJECTS_HEADER,
        rows=rows,
        title=_("Projets"),
    )


def _project(request, pk, *, edit: bool = False):
    """The project, or 404 if out of reach; 403 when the user may see it but not edit it."""
    project = get_project_or_404(request.organisation, pk, user=request.user)
    if edit and not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    return project


@require_GET
@require(permissions.can_view_projects)
def project_detail(request, pk):
    project = _project(request, pk)
    context = {
        "project": project,
        "overview": selectors.project_overview(project=project),
        "can_edit": permissions.can_edit_project(request.user, project),
        "current": "overview",
    }
    return render(request, "steering/projects/project_detail.html", context)


def _save_project(request, form, project=None):
    data = form.service_fields()
    links = {name: data.pop(name) for name in ProjectForm.M2M}
    if project is None:
        return services.project_create(organisation=request.organisation, user=request.user, **links, **data)
    return services.project_update(project=project, user=request.user, **links, **data)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def project_create(request):
    form = ProjectForm(request.POST or None, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda _data: _save_project(request, form),
        success=lambda project: _("Projet %(code)s créé.") % {"code": project.code},
        next_url=lambda project: _org_url(request, "steering:project", project.pk),
    )
    return saved or render(request, "steering/projects/project_form.html", {"form": form}, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def project_edit(request, pk):
    project = _project(request, pk, edit=True)
    form = ProjectForm(request.POST or None, instance=project, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda _data: _save_project(request, form, project),
        success=lambda _saved: _("Projet %(code)s enregistré.") % {"code": project.code},
        next_url=_org_url(request, "steering:project", project.pk),
    )
    context = {"form": form, "project": project}
    return saved or render(request, "steering/projects/project_form.html", context, status=form_status(request))


def _sub_form_page(request, project, form, *, title, save):
    """A small page with one form about a project: POST, then back to the project's overview."""
    saved = save_form(
        request,
        form,
        save,
        success=_("Projet %(code)s mis à jour.") % {"code": project.code},
        next_url=_org_url(request, "steering:project", project.pk),
    )
    context = {"form": form, "project": project, "title": title}
    return saved or render(request, "steering/projects/project_subform.html", context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def participant_create(request, pk):
    project = _project(request, pk, edit=True)
    form = ParticipantForm(request.POST or None)
    return _sub_form_page(
        request,
        project,
        form,
        title=_("Ajouter une organisation participante"),
        save=lambda data: services.participant_create(project=project, user=request.user, **data),
    )


@require_POST
@require(permissions.can_view_projects)
def participant_delete(request, pk, participant_pk):
    project = _project(request, pk, edit=True)
    participant = selectors.get_participant_or_404(request.organisation, project, participant_pk)
    services.participant_delete(participant=participant, user=request.user)
    messages.success(request, _("Organisation participante retirée."))
    return redirect(_org_url(request, "steering:project", project.pk) + "#participants")


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def project_directorate_create(request, pk):
    project = _project(request, pk, edit=True)
    form = ProjectDirectorateForm(request.POST or None, organisation=request.organisation)
    return _sub_form_page(
        request,
        project,
        form,
        title=_("Ajouter une direction co-porteuse"),
        save=lambda data: services.project_directorate_create(project=project, user=request.user, **data),
    )


@require_POST
@require(permissions.can_view_projects)
def project_directorate_delete(request, pk, link_pk):
    project = _project(request, pk, edit=True)
    link = selectors.get_project_directorate_or_404(request.organisation, project, link_pk)
    services.project_directorate_delete(link=link, user=request.user)
    messages.success(request, _("Direction co-porteuse retirée."))
    return redirect(_org_url(request, "steering:project", project.pk) + "#directorates")


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
def project_sectors(request, pk):
    project = _project(request, pk, edit=True)
    initial = [{"code": s.code, "percentage": s.percentage} for s in project.sectors.all()]
    formset = SectorFormSet(request.POST or None, initial=initial, prefix="sectors")
    if request.method == "POST" and formset.is_valid():
        try:
            services.project_sectors_replace(project=project, user=request.user, lines=formset.lines())
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Secteurs CAD du projet %(code)s enregistrés.") % {"code": project.code})
            return redirect(_org_url(request, "steering:project", project.pk) + "#sectors")
    context = {"formset": formset, "project": project}
    return render(request, "steering/projects/project_sectors.html", context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_view_projects)
@idempotent
def project_document_create(request, pk):
    project = _project(request, pk, edit=True)
    form = ProjectDocumentForm(request.POST or None, request.FILES or None)
    return _sub_form_page(
        request,
        project,
        form,
        title=_("Ajouter un document"),
        save=lambda data: services.project_document_create(project=project, user=request.user, **data),
    )


@require_GET
@require(permissions.can_view_projects)
def project_document_download(request, pk, document_pk):
    """Project documents are private: served through this view only, to those who see the project."""
    project = _project(request, pk)
    document = selectors.get_project_document_or_404(request.organisation, project, document_pk)
    return serve_private_file(
        request, document.file, filename=document.original_name or document.file.name.rsplit("/", 1)[-1]
    )


@require_POST
@require(permissions.can_view_projects)
def project_document_delete(request, pk, document_pk):
    project = _project(request, pk, edit=True)
    document = selectors.get_project_document_or_404(request.organisation, project, document_pk)
    services.project_document_delete(document=document, user=request.user)
    messages.success(request, _("Document retiré."))
    return redirect(_org_url(request, "steering:project", project.pk) + "#documents")
