"""The calls: in the back office the list, a call's rules and states, its questions, documents, criteria,
indicators; and the public pages of the published and closed calls, with the way in to apply (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.calls.enums import CallStatus
from passerelles.calls.forms.calls import (
    CallFilterForm,
    CallForm,
    CriterionForm,
    DocumentForm,
    IndicatorForm,
    QuestionForm,
    ReopenForm,
)
from passerelles.calls.selectors import calls as selectors
from passerelles.calls.services import calls as services
from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.models import Organisation
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)


def _call_url(request, call) -> str:
    return reverse("calls:call", args=[request.organisation.slug, call.pk])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- the list -------------------------------------------------------------------------------------


def _list(request):
    form = CallFilterForm(request.GET or None, years=selectors.call_years(organisation=request.organisation))
    return form, selectors.call_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_calls)
def calls(request):
    form, rows = _list(request)
    page = paginate(request, rows)
    context = {
        "filter_form": form,
        "page": page,
        "rows": [(call, selectors.state_counts(call)) for call in page.object_list],
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": permissions.can_edit_calls(request.user, request.organisation),
    }
    template = "calls/calls/includes/_calls.html" if request.htmx else "calls/calls/calls.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_calls)
def calls_export(request):
    fmt = export_format(request)
    _form, rows = _list(request)
    return table_response(
        fmt=fmt,
        filename=f"appels-{request.organisation.slug}",
        header=selectors.export_header(),
        rows=selectors.export_rows(rows),
        title=_("Appels à projets"),
        delimiter=export_delimiter(request),
    )


# -- one call -------------------------------------------------------------------------------------


def _render_call(request, pk, *, status=200, reopen_form=None):
    context = selectors.call_detail(organisation=request.organisation, pk=pk)
    context["can_edit"] = permissions.can_edit_calls(request.user, request.organisation)
    context["reopen_form"] = reopen_form or ReopenForm()
    context["applications_url"] = reverse("calls:applications", args=[request.organisation.slug]) + f"?call={pk}"
    return render(request, "calls/calls/call_detail.html", context, status=status)


@require_GET
@require(permissions.can_view_calls)
def call_detail(request, pk):
    return _render_call(request, pk)


def _call_form(request, call=None):
    orientations = selectors.current_orientations(organisation=request.organisation)
    form = CallForm(request.POST or None, instance=call, orientations=orientations)
    context = {"form": form, "call": call}
    if request.method != "POST":
        return render(request, "calls/calls/call_form.html", context)
    if form.is_valid():
        try:
            if call is None:
                saved = services.call_create(
                    organisation=request.organisation, by=request.user, **form.service_kwargs()
                )
            else:
                saved = services.call_update(call=call, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Appel enregistré."))
            return redirect(_call_url(request, saved))
    return render(request, "calls/calls/call_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_calls)
@idempotent
def call_create(request):
    return _call_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_calls)
def call_edit(request, pk):
    call = selectors.get_call_or_404(request.organisation, pk)
    if call.status == CallStatus.CLOSED and request.method == "GET":
        messages.error(request, _("Cet appel est clos : ses règles ne peuvent plus changer. Rouvrez-le d'abord."))
        return redirect(_call_url(request, call))
    return _call_form(request, call)


def _transition(request, pk, service, success, **kwargs):
    call = selectors.get_call_or_404(request.organisation, pk)
    try:
        service(call=call, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _render_call(request, call.pk, status=422)
    messages.success(request, success)
    return redirect(_call_url(request, call))


@require_POST
@require(permissions.can_edit_calls)
def call_publish(request, pk):
    return _transition(request, pk, services.call_publish, _("Appel publié : il figure sur la page publique."))


@require_POST
@require(permissions.can_edit_calls)
def call_close(request, pk):
    return _transition(request, pk, services.call_close, _("Appel clos : plus aucun dépôt n'est possible."))


@require_POST
@require(permissions.can_edit_calls)
def call_reopen(request, pk):
    call = selectors.get_call_or_404(request.organisation, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.call_reopen(call=call, by=request.user, closes_at=form.cleaned_data["closes_at"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Appel rouvert avec une nouvelle date de clôture."))
            return redirect(_call_url(request, call))
    messages.error(request, _("L'appel n'a pas été rouvert : %(errors)s") % {"errors": _form_errors_text(form)})
    return _render_call(request, call.pk, status=422, reopen_form=form)


def _form_errors_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


# -- the parts of a call: questions, documents, criteria, indicators ------------------------------


def _part_form(request, *, call, instance, form_class, create, update, template, title, form_kwargs=None):
    form = form_class(request.POST or None, instance=instance, **(form_kwargs or {}))
    context = {"form": form, "call": call, "instance": instance, "title": title, "cancel_url": _call_url(request, call)}
    if request.method != "POST":
        if call.status == CallStatus.CLOSED:
            messages.error(request, _("Cet appel est clos : ses règles ne peuvent plus changer. Rouvrez-le d'abord."))
            return redirect(_call_url(request, call))
        return render(request, template, context)
    if form.is_valid():
        try:
            if instance is None:
                create(call=call, by=request.user, **form.service_kwargs())
            else:
                update(request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Modification enregistrée."))
            return redirect(_call_url(request, call))
    return render(request, template, context, status=422)


def _part_delete(request, *, call, label, consequence, delete):
    context = {
        "title": _("Supprimer « %(label)s » ?") % {"label": label},
        "consequence": consequence,
        "cancel_url": _call_url(request, call),
    }
    if request.method == "POST":
        try:
            delete(request.user)
        except ValidationError as error:
            context["error"] = _error_text(error)
            return render(request, "calls/calls/confirm_delete.html", context, status=422)
        messages.success(request, _("« %(label)s » a été supprimé.") % {"label": label})
        return redirect(_call_url(request, call))
    return render(request, "calls/calls/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_calls)
@idempotent
def question_create(request, pk):
    call = selectors.get_call_or_404(request.organisation, pk)
    return _part_form(
        request,
        call=call,
        instance=None,
        form_class=QuestionForm,
        create=services.question_create,
        update=None,
        template="calls/calls/question_form.html",
        title=_("Nouvelle question"),
        form_kwargs={"call": call},
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_calls)
def question_edit(request, pk):
    question = selectors.get_question_or_404(request.organisation, pk)
    return _part_form(
        request,
        call=question.call,
        instance=question,
        form_class=QuestionForm,
        create=None,
        update=lambda by, **fields: services.question_update(question=question, by=by, **fields),
        template="calls/calls/question_form.html",
        title=_("Modifier la question"),
        form_kwargs={"call": question.call},
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_calls)
def question_delete(request, pk):
    question = selectors.get_question_or_404(request.organisation, pk)
    return _part_delete(
        request,
        call=question.call,
        label=question.label,
        consequence=_("La question disparaîtra du formulaire de candidature."),
        delete=lambda by: services.question_delete(question=question, by=by),
    )


@require_POST
@require(permissions.can_edit_calls)
def question_move(request, pk):
    question = selectors.get_question_or_404(request.organisation, pk)
    try:
        services.question_move(question=question, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _render_call(request, question.call_id, status=422)
    return redirect(_call_url(request, question.call) + "#questions")


def _simple_part_views(form_class, getter, create, update, delete, noun_new, noun_edit, consequence):
    @require_http_methods(["GET", "POST"])
    @require(permissions.can_edit_calls)
    def create_view(request, pk):
        call = selectors.get_call_or_404(request.organisation, pk)
        return _part_form(
            request,
            call=call,
            instance=None,
            form_class=form_class,
            create=create,
            update=None,
            template="calls/calls/part_form.html",
            title=noun_new,
        )

    @require_http_methods(["GET", "POST"])
    @require(permissions.can_edit_calls)
    def edit_view(request, pk):
        row = getter(request.organisation, pk)
        return _part_form(
            request,
            call=row.call,
            instance=row,
            form_class=form_class,
            create=None,
            update=lambda by, **fields: update(row, by=by, **fields),
            template="calls/calls/part_form.html",
            title=noun_edit,
        )

    @require_http_methods(["GET", "POST"])
    @require(permissions.can_edit_calls)
    def delete_view(request, pk):
        row = getter(request.organisation, pk)
        return _part_delete(
            request, call=row.call, label=row.label, consequence=consequence, delete=lambda by: delete(row, by=by)
        )

    return create_view, edit_view, delete_view


document_create, document_edit, document_delete = _simple_part_views(
    DocumentForm,
    selectors.get_document_or_404,
    services.document_create,
    lambda row, **kw: services.document_update(document=row, **kw),
    lambda row, **kw: services.document_delete(document=row, **kw),
    gettext_lazy("Nouvelle pièce demandée"),
    gettext_lazy("Modifier la pièce demandée"),
    gettext_lazy("Les fichiers déjà envoyés pour cette pièce restent joints aux candidatures."),
)
criterion_create, criterion_edit, criterion_delete = _simple_part_views(
    CriterionForm,
    selectors.get_criterion_or_404,
    services.criterion_create,
    lambda row, **kw: services.criterion_update(criterion=row, **kw),
    lambda row, **kw: services.criterion_delete(criterion=row, **kw),
    gettext_lazy("Nouveau critère de sélection"),
    gettext_lazy("Modifier le critère de sélection"),
    gettext_lazy("Le critère disparaîtra de la grille d'évaluation."),
)
indicator_create, indicator_edit, indicator_delete = _simple_part_views(
    IndicatorForm,
    selectors.get_indicator_or_404,
    services.indicator_create,
    lambda row, **kw: services.indicator_update(indicator=row, **kw),
    lambda row, **kw: services.indicator_delete(indicator=row, **kw),
    gettext_lazy("Nouvel indicateur à renseigner"),
    gettext_lazy("Modifier l'indicateur"),
    gettext_lazy("Les rapports ne demanderont plus cet indicateur."),
)


# -- the public pages (no login) ----------------------------------------------------------------------------
# The organisation comes from `public_slug`; a draft call, or another organisation's, answers 404.


def _public_organisation(public_slug) -> Organisation:
    return get_object_or_404(Organisation, slug=public_slug)


@login_not_required
@require_GET
def public_calls(request, public_slug):
    organisation = _public_organisation(public_slug)
    context = {"public_organisation": organisation, "calls": selectors.public_call_list(organisation=organisation)}
    return render(request, "calls/calls/public_calls.html", context)


@login_not_required
@require_GET
def public_call_detail(request, public_slug, pk):
    organisation = _public_organisation(public_slug)
    context = selectors.public_call_detail(organisation=organisation, pk=pk)
    context["public_organisation"] = organisation
    return render(request, "calls/calls/public_call.html", context)


@login_not_required
@require_GET
def public_apply(request, public_slug, pk):
    """The way in from "Déposer une candidature": a logged-in account goes to the start of its application; a
    visitor logs in (it has an account) or registers its structure with an account (it has none), and comes back."""
    organisation = _public_organisation(public_slug)
    context = selectors.public_call_detail(organisation=organisation, pk=pk)
    call = context["call"]
    call_url = reverse("public_calls:call", args=[organisation.slug, call.pk])
    if context["public_state"] == "closed":
        return redirect(call_url)
    start_url = reverse("applicant:start", args=[call.pk])
    if request.user.is_authenticated:
        return redirect(start_url)
    context.update(
        {
            "public_organisation": organisation,
            "call_url": call_url,
            "login_url": f"{reverse('core:login')}?{urlencode({'next': start_url})}",
            "register_url": f"{reverse('public_actors:register', args=[organisation.slug])}?"
            + urlencode({"next": call_url}),
        }
    )
    return render(request, "calls/calls/public_apply.html", context)
