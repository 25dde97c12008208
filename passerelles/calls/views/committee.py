"""The selection committee: sessions of a call, the ranked list, one decision per application, closing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.forms.committee import DecisionForm, SessionForm
from passerelles.calls.forms.grants import GrantAwardForm
from passerelles.calls.models import SCORE_MAX
from passerelles.calls.selectors import committee as selectors
from passerelles.calls.services import committee as services
from passerelles.core import permissions
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import apply_errors, require


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


@require_GET
@require(permissions.can_view_applications)
def sessions(request, pk):
    call = selectors.get_call_or_404(request.organisation, pk)
    context = {
        "call": call,
        "sessions": selectors.sessions_of_call(organisation=request.organisation, call=call),
        "can_manage": permissions.can_manage_committee(request.user, request.organisation),
    }
    return render(request, "calls/committee/sessions.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_committee)
@idempotent
def session_create(request, pk):
    call = selectors.get_call_or_404(request.organisation, pk)
    form = SessionForm(request.POST if request.method == "POST" else None)
    context = {"call": call, "form": form}
    if request.method != "POST":
        return render(request, "calls/committee/session_form.html", context)
    if form.is_valid():
        try:
            session = services.session_create(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Séance du comité créée."))
            return redirect(_org_url(request, "calls:session", session.pk))
    return render(request, "calls/committee/session_form.html", context, status=422)


def _session_context(request, session, *, forms=None) -> dict:
    call = session.call
    lines = selectors.ranking(organisation=request.organisation, call=call, user=request.user)
    can_decide = permissions.can_manage_committee(request.user, request.organisation) and not session.is_closed
    forms = forms or {}
    for line in lines:
        line.form = forms.get(line.application.pk) or (
            DecisionForm(prefix=f"a{line.application.pk}", initial={"amount": line.application.amount_requested})
            if can_decide and line.application.status == ApplicationStatus.IN_INSTRUCTION
            else None
        )
        # One award form per accepted line: same field names, distinct ids.
        line.award_form = GrantAwardForm(
            auto_id=f"id_award{line.application.pk}_%s", initial={"modality": line.application.modality}
        )
    accepted = selectors.accepted_total(organisation=request.organisation, call=call)
    return {
        "session": session,
        "call": call,
        "lines": lines,
        "accepted_total": accepted,
        "over_envelope": call.envelope is not None and accepted > call.envelope,
        "can_decide": can_decide,
        "can_close": permissions.can_manage_committee(request.user, request.organisation) and not session.is_closed,
        "score_max": SCORE_MAX,
        "can_award": permissions.can_manage_grants(request.user, request.organisation),
    }


@require_GET
@require(permissions.can_view_applications)
def session(request, pk):
    session = selectors.get_session_or_404(request.organisation, pk)
    return render(request, "calls/committee/session.html", _session_context(request, session))


@require_POST
@require(permissions.can_manage_committee)
def session_decide(request, pk, application_pk):
    session = selectors.get_session_or_404(request.organisation, pk)
    application = selectors.get_application_or_404(request.organisation, application_pk)
    if application.call_id != session.call_id:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"a{application.pk}")
    if form.is_valid():
        try:
            services.application_decide(
                application=application, session=session, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(request, _("Candidature %(ref)s retenue.") % {"ref": application.reference})
            else:
                messages.success(
                    request, _("Candidature %(ref)s refusée ; le porteur est prévenu.") % {"ref": application.reference}
                )
            total = selectors.accepted_total(organisation=request.organisation, call=session.call)
            if session.call.envelope is not None and total > session.call.envelope:
                messages.warning(
                    request,
                    _("Attention : les montants accordés (%(total)s €) dépassent l'enveloppe de l'appel (%(env)s €).")
                    % {"total": total, "env": session.call.envelope},
                )
            return redirect(_org_url(request, "calls:session", session.pk) + f"#candidature-{application.pk}")
    context = _session_context(request, session, forms={application.pk: form})
    context["failed_application"] = application
    return render(request, "calls/committee/session.html", context, status=422)


@require_POST
@require(permissions.can_manage_committee)
def session_close(request, pk):
    session = selectors.get_session_or_404(request.organisation, pk)
    try:
        services.session_close(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La séance est close : ses décisions sont arrêtées."))
    return redirect(_org_url(request, "calls:session", session.pk))
