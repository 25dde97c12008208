"""Views of the instruction: the applications list and export, one application's page and the officers' actions.

Also the applicant's side of the message thread (no membership: "mine or 404").
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.calls.forms.instruction import (
    AnnotationForm,
    ApplicationFilterForm,
    AssignForm,
    CloseForm,
    EligibilityForm,
    InstructForm,
    MessageForm,
    ReturnForm,
)
from passerelles.calls.selectors import instruction as selectors
from passerelles.calls.services import instruction as services
from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.files import serve_private_file
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)

# -- the list and the export --------------------------------------------------------------------------------


def _filtered(request):
    form = ApplicationFilterForm(request.GET or None, organisation=request.organisation)
    kwargs = form.selector_kwargs()
    return form, kwargs, selectors.application_list(organisation=request.organisation, **kwargs)


@require_GET
@require(permissions.can_view_applications)
def applications(request):
    form, _kwargs, queryset = _filtered(request)
    page = paginate(request, queryset)
    page.object_list = selectors.with_summaries(page.object_list, user=request.user)
    context = {
        "filter_form": form,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "calls/instruction/includes/_applications.html" if request.htmx else "calls/instruction/list.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_applications)
def applications_export(request):
    fmt = export_format(request)
    _form, kwargs, queryset = _filtered(request)
    header, rows = selectors.export_table(queryset, call=kwargs["call"], user=request.user)
    return table_response(
        fmt=fmt,
        filename=f"candidatures-{request.organisation.slug}",
        header=header,
        rows=rows,
        title=_("Candidatures"),
        delimiter=export_delimiter(request),
    )


# -- one application ----------------------------------------------------------------------------------------


def _application_url(request, application, anchor=""):
    url = reverse("calls:application", args=[request.organisation.slug, application.pk])
    return f"{url}#{anchor}" if anchor else url


def _page(request, application, *, status=200, error="", **forms):
    """The instruction page; a refused POST comes back here with its bound form, its errors and a 422."""
    user, org = request.user, request.organisation
    can_instruct = permissions.can_instruct_applications(user, org)
    can_annotate = permissions.can_view_annotations(user, org)
    context = {
        "application": application,
        "file": selectors.application_file(application, user=user),
        "can_instruct": can_instruct,
        "can_annotate": can_annotate,
        "can_assign": application.status in services.ASSIGNABLE,
        "annotations": list(application.annotations.select_related("author")) if can_annotate else [],
        "error": error,
    }
    if can_instruct:
        eligibility_initial = (
            {"eligible": "yes" if application.eligibility_ok else "no", "note": application.eligibility_note}
            if application.eligibility_ok is not None
            else None
        )
        context.update(
            instruct_form=forms.get("instruct_form") or InstructForm(),
            return_form=forms.get("return_form") or ReturnForm(),
            close_form=forms.get("close_form") or CloseForm(),
            eligibility_form=forms.get("eligibility_form") or EligibilityForm(initial=eligibility_initial),
            message_form=forms.get("message_form") or MessageForm(),
            assign_form=forms.get("assign_form") or AssignForm(application=application),
        )
    if can_annotate:
        context["annotation_form"] = forms.get("annotation_form") or AnnotationForm()
    return render(request, "calls/instruction/detail.html", context, status=status)


@require_GET
@require(permissions.can_view_applications)
def application(request, pk):
    return _page(request, selectors.get_application_or_404(request.organisation, pk))


@require_GET
@require(permissions.can_view_applications)
def application_attachment(request, pk):
    attachment = selectors.get_attachment_or_404(request.organisation, pk)
    return serve_private_file(
        request,
        attachment.file,
        filename=attachment.original_name or "piece",
        content_type=attachment.content_type or "application/octet-stream",
    )


def _post(request, pk, *, form_class, form_name, call, success, anchor, form_kwargs=None):
    """The shared flow of the officers' POSTs: validate, call the service, redirect; or the page again with 422."""
    application = selectors.get_application_or_404(request.organisation, pk)
    form = form_class(request.POST, **(form_kwargs(application) if form_kwargs else {}))
    error = ""
    if form.is_valid():
        try:
            call(application, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            messages.success(request, success)
            return redirect(_application_url(request, application, anchor))
    application.refresh_from_db()
    return _page(request, application, status=422, error=error, **{form_name: form})


@require_POST
@require(permissions.can_instruct_applications)
def application_instruct(request, pk):
    return _post(
        request,
        pk,
        form_class=InstructForm,
        form_name="instruct_form",
        call=lambda a, data: services.application_instruct(application=a, user=request.user, message=data["message"]),
        success=_("La candidature est en instruction ; le porteur en est informé."),
        anchor="etat",
    )


@require_POST
@require(permissions.can_instruct_applications)
def application_return(request, pk):
    return _post(
        request,
        pk,
        form_class=ReturnForm,
        form_name="return_form",
        call=lambda a, data: services.application_return(
            application=a, user=request.user, message=data["message"], due_on=data["due_on"]
        ),
        success=_("La candidature est renvoyée au porteur pour compléments ; il en est informé."),
        anchor="etat",
    )


@require_POST
@require(permissions.can_instruct_applications)
def application_close_without_follow_up(request, pk):
    return _post(
        request,
        pk,
        form_class=CloseForm,
        form_name="close_form",
        call=lambda a, data: services.application_close_without_follow_up(
            application=a, user=request.user, message=data["message"]
        ),
        success=_("La candidature est classée sans suite ; le porteur en est informé."),
        anchor="etat",
    )


@require_POST
@require(permissions.can_instruct_applications)
def application_eligibility(request, pk):
    return _post(
        request,
        pk,
        form_class=EligibilityForm,
        form_name="eligibility_form",
        call=lambda a, data: services.application_record_eligibility(
            application=a, user=request.user, eligible=data["eligible"], note=data["note"]
        ),
        success=_("Avis d'éligibilité enregistré."),
        anchor="eligibilite",
    )


@require_POST
@require(permissions.can_view_annotations)
@idempotent
def application_annotate(request, pk):
    return _post(
        request,
        pk,
        form_class=AnnotationForm,
        form_name="annotation_form",
        call=lambda a, data: services.application_annotate(application=a, user=request.user, body=data["body"]),
        success=_("Annotation enregistrée."),
        anchor="annotations",
    )


@require_POST
@require(permissions.can_instruct_applications)
@idempotent
def application_message(request, pk):
    return _post(
        request,
        pk,
        form_class=MessageForm,
        form_name="message_form",
        call=lambda a, data: services.application_message_send(application=a, user=request.user, body=data["body"]),
        success=_("Message envoyé au porteur."),
        anchor="messages",
    )


@require_POST
@require(permissions.can_instruct_applications)
@idempotent
def application_assign(request, pk):
    return _post(
        request,
        pk,
        form_class=AssignForm,
        form_name="assign_form",
        form_kwargs=lambda a: {"application": a},
        call=lambda a, data: services.reviewer_assign(application=a, user=request.user, reviewer=data["reviewer"]),
        success=_("Évaluation confiée."),
        anchor="evaluateurs",
    )


@require_POST
@require(permissions.can_instruct_applications)
def assignment_remove(request, pk):
    assignment = selectors.get_assignment_or_404(request.organisation, pk)
    try:
        services.assignment_remove(assignment=assignment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Évaluation retirée."))
    return redirect(_application_url(request, assignment.application, "evaluateurs"))


# -- the applicant's side of the thread ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@idempotent
def applicant_messages(request, pk):
    application = selectors.get_applicant_application_or_404(request.user, pk)
    if not permissions.can_edit_application(request.user, application):
        raise PermissionDenied
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.applicant_message_send(
                    application=application, user=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Votre message est envoyé au service instructeur."))
                return redirect(reverse("applicant:messages", args=[application.pk]))
        status = 422
    context = {
        "application": application,
        "thread": list(application.messages.select_related("author")),
        "form": form,
    }
    return render(request, "calls/instruction/applicant_messages.html", context, status=status)
