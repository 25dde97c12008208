"""The applicant journey, for an actor's account (no membership): start, fill in, check, submit, follow, withdraw.

Every application and attachment is reached through the "mine or 404" selectors: another account's is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.selectors.accounts import has_own_actors
from passerelles.calls import eligibility, workflow
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide, QuestionKind
from passerelles.calls.forms.applications import (
    AttachmentForm,
    DraftForm,
    ExpenseFormSet,
    ResourceFormSet,
    StartForm,
    WithdrawForm,
)
from passerelles.calls.selectors import applications as selectors
from passerelles.calls.services import applications as services
from passerelles.core.files import serve_private_file
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import apply_errors, paginate


def _own(request, pk):
    return selectors.get_own_application_or_404(request.user, pk)


def _require_applicant(request) -> None:
    """Pages that only make sense for an actor's account: a member without an entry gets a 404."""
    if not has_own_actors(user=request.user) and not selectors.own_applications(user=request.user).exists():
        raise Http404


def _base(application) -> dict:
    return {
        "application": application,
        "call": application.call,
        "editable": application.status in workflow.EDITABLE,
        "deadline_text": eligibility.deadline_text(eligibility.deadline_for(application)),
    }


@require_GET
def applications(request):
    _require_applicant(request)
    page = paginate(request, selectors.own_applications(user=request.user))
    rows = [
        (application, eligibility.deadline_text(eligibility.deadline_for(application)))
        for application in page.object_list
    ]
    return render(request, "calls/applications/applications.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
@idempotent
def start(request, call_pk):
    _require_applicant(request)
    call = selectors.get_published_call_or_404(call_pk)
    actors = selectors.own_actors_for_call(user=request.user, call=call)
    form = StartForm(request.POST or None, actors=actors, initial={"actor": actors.first()})
    actor = actors.first()
    if form.is_bound and form.is_valid():
        actor = form.cleaned_data["actor"]
    elif request.GET.get("actor"):
        actor = actors.filter(pk=request.GET["actor"]).first() if request.GET["actor"].isdigit() else None
        actor = actor or actors.first()
    result = eligibility.check(call, actor) if actor else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_start(call=call, actor=actor, user=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("applicant:edit", application.pk)
        status = 422
    context = {
        "call": call,
        "form": form,
        "actors": actors,
        "pending_actors": [] if actors else selectors.own_pending_actors_for_call(user=request.user, call=call),
        "actor": actor,
        "result": result,
        "closes_text": eligibility.deadline_text(call.closes_at),
        "is_open": call.opens_at <= timezone.now() <= call.closes_at,
    }
    return render(request, "calls/applications/start.html", context, status=status)


@require_GET
def application(request, pk):
    application = _own(request, pk)
    context = _base(application)
    context.update(
        {
            "timeline": selectors.timeline(application),
            "version": application.submitted_version or None,
            "decided": application.status in workflow.DECIDED,
            "can_withdraw": S.WITHDRAWN in workflow.targets(application.status, workflow.APPLICANT),
        }
    )
    return render(request, "calls/applications/application.html", context)


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    application = _own(request, pk)
    if application.status not in workflow.EDITABLE:
        messages.info(request, _("Cette candidature n'est plus modifiable."))
        return redirect("applicant:application", application.pk)
    questions = selectors.questions_of(application.call)
    answers = {a.question_id: a.value for a in application.answers.all()}
    form = DraftForm(request.POST or None, application=application, questions=questions, answers=answers)
    status = 200
    saved_at = None
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_save_draft(
                    application=application, user=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 422
            else:
                saved_at = timezone.localtime()
                if not request.htmx and "continue" in request.POST:
                    return redirect("applicant:budget", application.pk)
        else:
            status = 422
    context = {**_base(application), "form": form, "saved_at": saved_at, "file_kind": QuestionKind.FILE}
    if request.htmx:
        return render(request, "calls/applications/includes/_save_status.html", context, status=status)
    return render(request, "calls/applications/edit.html", context, status=status)


def _line_initial(application, side):
    return [
        {k: getattr(line, k) for k in ("label", "amount", "funder", "resource_status", "is_this_call")}
        for line in application.budget_lines.all()
        if line.side == side
    ]


def _with_extra_row(data, prefix):
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    try:
        data[total] = str(int(data.get(total, "0")) + 1)
    except ValueError:
        pass
    return data


@require_http_methods(["GET", "POST"])
def budget(request, pk):
    application = _own(request, pk)
    if application.status not in workflow.EDITABLE:
        return redirect("applicant:application", application.pk)
    status = 200
    if request.method == "POST":
        data = request.POST
        add = request.POST.get("add")
        if add in ("expenses", "resources"):
            data = _with_extra_row(data, add)
        expenses = ExpenseFormSet(data, prefix="expenses")
        resources = ResourceFormSet(data, prefix="resources")
        if add in ("expenses", "resources"):
            for formset in (expenses, resources):
                formset.is_valid()  # show the rows as typed; the new one is blank and not yet an error
            return render(request, "calls/applications/budget.html", _budget_context(application, expenses, resources))
        if expenses.is_valid() and resources.is_valid():
            lines = expenses.lines(BudgetSide.EXPENSE) + resources.lines(BudgetSide.RESOURCE)
            try:
                services.budget_save(application=application, user=request.user, lines=lines)
            except ValidationError as error:
                resources._non_form_errors = resources.error_class(error.messages)
                status = 422
            else:
                messages.success(
                    request,
                    _("Budget enregistré à %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")},
                )
                return redirect("applicant:budget", application.pk)
        else:
            status = 422
    else:
        expenses_initial = _line_initial(application, BudgetSide.EXPENSE)
        resources_initial = _line_initial(application, BudgetSide.RESOURCE)
        expenses = ExpenseFormSet(prefix="expenses", initial=expenses_initial)
        resources = ResourceFormSet(prefix="resources", initial=resources_initial)
        if not expenses_initial:
            expenses.extra = 1
        if not resources_initial:
            resources.extra = 1
    return render(
        request, "calls/applications/budget.html", _budget_context(application, expenses, resources), status=status
    )


def _budget_context(application, expenses, resources):
    totals = eligibility.budget_totals(list(application.budget_lines.all()))
    return {
        **_base(application),
        "expenses": expenses,
        "resources": resources,
        "totals": {
            **totals,
            "expenses_text": eligibility.money(totals["expenses"]),
            "resources_text": eligibility.money(totals["resources"]),
            "gap_text": eligibility.money(abs(totals["gap"])),
        },
        "amount_text": eligibility.money(application.amount_requested),
    }


def _targets(application):
    call = application.call
    targets = [(f"doc-{d.pk}", d.label) for d in call.required_documents.all()]
    targets += [(f"q-{q.pk}", q.label) for q in call.questions.all() if q.kind == QuestionKind.FILE]
    return targets


@require_http_methods(["GET", "POST"])
@idempotent
def attachments(request, pk):
    application = _own(request, pk)
    targets = _targets(application)
    form = AttachmentForm(request.POST or None, request.FILES or None, targets=targets)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, _sep, target_pk = form.cleaned_data["target"].partition("-")
            document = question = None
            if kind == "doc":
                document = application.call.required_documents.get(pk=target_pk)
            else:
                question = application.call.questions.get(pk=target_pk)
            try:
                attachment = services.attachment_add(
                    application=application,
                    user=request.user,
                    file=form.cleaned_data["file"],
                    document=document,
                    question=question,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Pièce « %(name)s » ajoutée.") % {"name": attachment.original_name})
                return redirect("applicant:attachments", application.pk)
        status = 422
    files = list(application.attachments.all())
    by_target = {key: [] for key, _label in targets}
    for attachment in files:
        key = f"doc-{attachment.document_id}" if attachment.document_id else f"q-{attachment.question_id}"
        by_target.setdefault(key, []).append(attachment)
    rows = [(key, label, by_target.get(key, [])) for key, label in targets]
    context = {**_base(application), "form": form, "rows": rows, "max_bytes": services.max_upload_bytes()}
    return render(request, "calls/applications/attachments.html", context, status=status)


@require_POST
def attachment_delete(request, pk):
    attachment = selectors.get_own_attachment_or_404(request.user, pk)
    application = attachment.application
    try:
        services.attachment_delete(attachment=attachment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Pièce « %(name)s » supprimée.") % {"name": attachment.original_name})
    return redirect("applicant:attachments", application.pk)


@require_GET
def attachment(request, pk):
    attachment = selectors.get_own_attachment_or_404(request.user, pk)
    return serve_private_file(
        request,
        attachment.file,
        filename=attachment.original_name or "piece",
        content_type=attachment.content_type or "application/octet-stream",
    )


@require_GET
def check(request, pk):
    application = _own(request, pk)
    full = selectors.application_for_check(application)
    result = eligibility.check(full.call, full.actor, full)
    context = {**_base(application), "result": result, "submission_key": services.new_submission_key()}
    return render(request, "calls/applications/check.html", context)


@require_POST
def submit(request, pk):
    application = _own(request, pk)
    try:
        application = services.application_submit(
            application=application, user=request.user, submission_key=request.POST.get("submission_key")
        )
    except ValidationError as error:
        full = selectors.application_for_check(application)
        context = {
            **_base(application),
            "result": eligibility.check(full.call, full.actor, full),
            "submission_key": services.new_submission_key(),
            "errors": error.messages,
        }
        return render(request, "calls/applications/check.html", context, status=422)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("Candidature %(reference)s déposée : un récépissé vous a été envoyé par courriel.")
        % {"reference": application.reference},
    )
    return redirect("applicant:application", application.pk)


@require_GET
def receipt(request, pk):
    application = _own(request, pk)
    if not application.submitted_version:
        raise Http404
    response = HttpResponse(services.receipt_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="recepisse-{application.reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    application = _own(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_withdraw(
                    application=application, user=request.user, message=form.cleaned_data["message"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Candidature retirée."))
                return redirect("applicant:application", application.pk)
        return render(request, "calls/applications/withdraw.html", {**_base(application), "form": form}, status=422)
    return render(request, "calls/applications/withdraw.html", {**_base(application), "form": form})
