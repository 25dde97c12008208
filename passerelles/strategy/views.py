from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions
from passerelles.core.audit import history_entries
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)
from passerelles.strategy import selectors, services
from passerelles.strategy.enums import ACTION_TRANSITIONS
from passerelles.strategy.exports import PLAN_HEADER, plan_rows
from passerelles.strategy.forms import (
    ActionForm,
    DocumentForm,
    OrientationForm,
    PlanFilterForm,
    ProgressNoteForm,
    StatusForm,
)


def _document(request):
    document = selectors.resolve_document(organisation=request.organisation, version=request.GET.get("version"))
    if document is None and request.GET.get("version"):
        raise Http404
    return document


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


# -- overview and versions ------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_strategy)
def overview(request):
    document = _document(request)
    if document is None:
        return render(request, "strategy/empty.html")
    return render(request, "strategy/overview.html", {"overview": selectors.strategy_overview(document=document)})


@require_GET
@require(permissions.can_view_strategy)
def document_list(request):
    return render(
        request,
        "strategy/document_list.html",
        {"documents": selectors.document_list(organisation=request.organisation)},
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_strategy)
def document_edit(request, pk):
    document = selectors.get_document_or_404(request.organisation, pk)
    if document.is_archived:
        raise PermissionDenied
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Document de référence enregistré."))
            return redirect(_org_url(request, "strategy:documents"))
    return render(request, "strategy/document_form.html", {"form": form, "document": document})


@require_POST
@require(permissions.can_manage_strategy_versions)
def document_draft(request, pk):
    document = selectors.get_document_or_404(request.organisation, pk)
    try:
        draft = services.document_draft_new_version(document=document, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_org_url(request, "strategy:documents"))
    messages.success(
        request, _("La version %(v)s est en préparation ; la version adoptée reste en vigueur.") % {"v": draft.version}
    )
    return redirect(_org_url(request, "strategy:documents"))


@require_POST
@require(permissions.can_manage_strategy_versions)
def document_adopt(request, pk):
    document = selectors.get_document_or_404(request.organisation, pk)
    try:
        services.document_adopt(document=document, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(v)s adoptée ; la précédente est archivée.") % {"v": document.version})
    return redirect(_org_url(request, "strategy:documents"))


# -- orientations ---------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_strategy)
def orientation_detail(request, pk):
    orientation = selectors.get_orientation_or_404(request.organisation, pk)
    actions = selectors.action_list(document=orientation.document, orientation=orientation)
    return render(request, "strategy/orientation_detail.html", {"orientation": orientation, "actions": actions})


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_strategy)
def orientation_edit(request, pk):
    orientation = selectors.get_orientation_or_404(request.organisation, pk)
    if orientation.document.is_archived:
        raise PermissionDenied
    form = OrientationForm(request.POST or None, instance=orientation)
    if request.method == "POST" and form.is_valid():
        services.orientation_update(orientation=orientation, user=request.user, **form.cleaned_data)
        messages.success(request, _("Orientation enregistrée."))
        return redirect(_org_url(request, "strategy:orientation", orientation.pk))
    return render(request, "strategy/orientation_form.html", {"form": form, "orientation": orientation})


# -- the action plan ------------------------------------------------------------------------------


def _filtered_plan(request, document):
    form = PlanFilterForm(request.GET or None, document=document, organisation=request.organisation)
    actions = selectors.action_list(document=document, **form.selector_kwargs())
    return form, actions


@require_GET
@require(permissions.can_view_strategy)
def plan(request):
    document = _document(request)
    if document is None:
        return render(request, "strategy/empty.html")
    form, actions = _filtered_plan(request, document)
    context = {
        "document": document,
        "filter_form": form,
        "page": paginate(request, actions),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "strategy/includes/_plan_results.html" if request.htmx else "strategy/plan.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_export_plan)
def plan_export(request):
    document = _document(request)
    if document is None:
        raise Http404
    fmt = export_format(request)
    _form, actions = _filtered_plan(request, document)
    return table_response(
        fmt=fmt,
        filename=f"plan-actions-{request.organisation.slug}-v{document.version}",
        header=PLAN_HEADER,
        rows=plan_rows(actions),
        title=_("Plan d'actions"),
        delimiter=export_delimiter(request),
    )


@require_GET
@require(permissions.can_view_strategy)
def matrix(request):
    document = _document(request)
    if document is None:
        return render(request, "strategy/empty.html")
    return render(
        request,
        "strategy/matrix.html",
        {"document": document, "matrix": selectors.action_matrix(document=document)},
    )


# -- one action -----------------------------------------------------------------------------------


def _action_context(request, action, **extra):
    context = {
        "action": action,
        "can_follow_up": permissions.can_follow_up_action(request.user, action),
        "can_edit": permissions.can_edit_action(request.user, action),
        "allowed_statuses": ACTION_TRANSITIONS[action.status],
        "status_form": StatusForm(initial={"status": action.status}),
        "note_form": ProgressNoteForm(),
        **selectors.action_detail_context(action=action),
    }
    context.update(extra)
    return context


@require_GET
@require(permissions.can_view_strategy)
def action_detail(request, pk):
    action = selectors.get_action_or_404(request.organisation, pk)
    return render(request, "strategy/action_detail.html", _action_context(request, action))


@require_GET
@require(permissions.can_view_history)
def action_history(request, pk):
    action = selectors.get_action_or_404(request.organisation, pk)
    return render(request, "strategy/action_history.html", {"action": action, "entries": history_entries(action)})


@require_POST
@require(permissions.can_view_strategy)
def action_status(request, pk):
    action = selectors.get_action_or_404(request.organisation, pk)
    if not permissions.can_follow_up_action(request.user, action):
        raise PermissionDenied
    form = StatusForm(request.POST)
    error = None
    if form.is_valid():
        try:
            action = services.action_change_status(action=action, status=form.cleaned_data["status"], user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("État inconnu.")
    if request.htmx:
        context = _action_context(request, action, status_error=error, status_saved=error is None)
        return render(request, "strategy/includes/_action_status.html", context, status=200 if not error else 422)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("État d'avancement : %(s)s.") % {"s": action.get_status_display()})
    return redirect(_org_url(request, "strategy:action", action.pk))


@require_POST
@require(permissions.can_view_strategy)
@idempotent
def action_note(request, pk):
    action = selectors.get_action_or_404(request.organisation, pk)
    if not permissions.can_follow_up_action(request.user, action):
        raise PermissionDenied
    form = ProgressNoteForm(request.POST)
    if form.is_valid():
        services.action_add_progress_note(action=action, user=request.user, **form.cleaned_data)
        messages.success(request, _("Note d'avancement ajoutée."))
        return redirect(_org_url(request, "strategy:action", action.pk) + "#notes")
    return render(request, "strategy/action_detail.html", _action_context(request, action, note_form=form), status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_strategy)
@idempotent
def action_create(request):
    document = _document(request)
    if document is None or document.is_archived:
        raise Http404
    form = ActionForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                document=document,
                user=request.user,
                orientations=form.cleaned_data["orientations"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Action %(code)s créée.") % {"code": action.code})
            return redirect(_org_url(request, "strategy:action", action.pk))
    status = 422 if request.method == "POST" else 200
    return render(request, "strategy/action_form.html", {"form": form, "document": document}, status=status)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_strategy)
def action_edit(request, pk):
    action = selectors.get_action_or_404(request.organisation, pk)
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied
    form = ActionForm(request.POST or None, instance=action, document=action.document)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                user=request.user,
                orientations=form.cleaned_data["orientations"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Action %(code)s enregistrée.") % {"code": action.code})
            return redirect(_org_url(request, "strategy:action", action.pk))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "strategy/action_form.html",
        {"form": form, "document": action.document, "action": action},
        status=status,
    )
