from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.forms.directory import ActorForm, DirectoryFilterForm, RejectForm
from passerelles.actors.selectors import changes as changes_selectors
from passerelles.actors.selectors import directory as selectors
from passerelles.actors.services import changes as changes_services
from passerelles.actors.services import directory as services
from passerelles.core import permissions
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


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _filtered(request):
    form = DirectoryFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.directory(organisation=request.organisation, **form.selector_kwargs())


# -- directory ------------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_actors)
def directory(request):
    form, actors = _filtered(request)
    context = {
        "filter_form": form,
        "page": paginate(request, actors),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": permissions.can_edit_actors(request.user, request.organisation),
        "can_moderate": permissions.can_moderate_actors(request.user, request.organisation),
    }
    template = (
        "actors/directory/includes/_directory_results.html" if request.htmx else "actors/directory/directory.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_actors)
def directory_export(request):
    fmt = export_format(request, accepted=("csv", "xlsx", "geojson"))
    _form, actors = _filtered(request)
    with_contacts = permissions.can_see_actor_contacts(request.user, request.organisation)
    filename = f"acteurs-{request.organisation.slug}"
    if fmt == "geojson":
        collection = selectors.export_geojson(
            actors,
            with_contacts=with_contacts,
            url_of=lambda pk: request.build_absolute_uri(_org_url(request, "actors:actor", pk)),
        )
        response = JsonResponse(
            collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.geojson"'
        return response
    return table_response(
        fmt=fmt,
        filename=filename,
        header=selectors.export_header(with_contacts=with_contacts),
        rows=selectors.export_rows(actors, with_contacts=with_contacts),
        title=_("Acteurs du territoire"),
        delimiter=export_delimiter(request),
    )


# -- one actor ------------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_actors)
def actor_detail(request, pk):
    context = selectors.actor_detail(organisation=request.organisation, pk=pk)
    context.update(
        {
            "can_edit": permissions.can_edit_actors(request.user, request.organisation),
            "can_moderate": permissions.can_moderate_actors(request.user, request.organisation),
            "can_see_contacts": permissions.can_see_actor_contacts(request.user, request.organisation),
            "reject_form": RejectForm(),
            "pending_change": changes_selectors.pending_change(context["actor"]),
        }
    )
    return render(request, "actors/directory/actor_detail.html", context)


def _form_view(request, actor=None):
    form = ActorForm(request.POST or None, instance=actor, organisation=request.organisation)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if actor is None:
                    saved = services.actor_create(organisation=request.organisation, user=request.user, **data)
                else:
                    saved = services.actor_update(actor=actor, user=request.user, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Fiche de l'acteur enregistrée."))
                return redirect(_org_url(request, "actors:actor", saved.pk))
        return render(request, "actors/directory/actor_form.html", {"form": form, "actor": actor}, status=422)
    return render(request, "actors/directory/actor_form.html", {"form": form, "actor": actor})


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_actors)
@idempotent
def actor_create(request):
    return _form_view(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_actors)
def actor_edit(request, pk):
    return _form_view(request, selectors.get_actor_or_404(request.organisation, pk))


# -- moderation -----------------------------------------------------------------------------------


def _moderation_page(request, *, reject_forms=None, change_forms=None, status=200):
    page = paginate(request, selectors.moderation_queue(organisation=request.organisation))
    reject_forms = reject_forms or {}
    change_forms = change_forms or {}
    entries = [(actor, reject_forms.get(actor.pk) or RejectForm(prefix=f"a{actor.pk}")) for actor in page.object_list]
    changes = [
        (
            change,
            changes_selectors.change_diff(change),
            change_forms.get(change.pk) or RejectForm(prefix=f"c{change.pk}"),
        )
        for change in changes_selectors.pending_changes(organisation=request.organisation)
    ]
    context = {
        "page": page,
        "entries": entries,
        "changes": changes,
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "actors/directory/moderation.html", context, status=status)


@require_GET
@require(permissions.can_moderate_actors)
def moderation(request):
    return _moderation_page(request)


@require_POST
@require(permissions.can_moderate_actors)
def actor_approve(request, pk):
    actor = selectors.get_actor_or_404(request.organisation, pk)
    try:
        services.actor_approve(actor=actor, user=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("« %(name)s » est publié dans l'annuaire.") % {"name": actor.name})
    return redirect(_org_url(request, "actors:moderation"))


@require_POST
@require(permissions.can_moderate_actors)
def actor_reject(request, pk):
    actor = selectors.get_actor_or_404(request.organisation, pk)
    form = RejectForm(request.POST, prefix=f"a{actor.pk}")
    if form.is_valid():
        try:
            services.actor_reject(actor=actor, user=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(_org_url(request, "actors:moderation"))
        else:
            messages.success(request, _("« %(name)s » est refusé ; le motif est conservé.") % {"name": actor.name})
            return redirect(_org_url(request, "actors:moderation"))
    return _moderation_page(request, reject_forms={actor.pk: form}, status=422)


# -- changes proposed by an actor's account to its published entry ----------------------------------------------


@require_POST
@require(permissions.can_moderate_actors)
def change_approve(request, pk):
    change = changes_selectors.get_change_or_404(request.organisation, pk)
    try:
        actor = changes_services.actor_change_approve(change=change, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La modification de « %(name)s » est publiée.") % {"name": actor.name})
    return redirect(_org_url(request, "actors:moderation"))


@require_POST
@require(permissions.can_moderate_actors)
def change_reject(request, pk):
    change = changes_selectors.get_change_or_404(request.organisation, pk)
    form = RejectForm(request.POST, prefix=f"c{change.pk}")
    if form.is_valid():
        try:
            changes_services.actor_change_reject(change=change, user=request.user, reason=form.cleaned_data["message"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(_org_url(request, "actors:moderation"))
        else:
            messages.success(
                request,
                _("La modification de « %(name)s » est refusée ; le motif est envoyé au compte de l'acteur.")
                % {"name": change.actor.name},
            )
            return redirect(_org_url(request, "actors:moderation"))
    return _moderation_page(request, change_forms={change.pk: form}, status=422)
