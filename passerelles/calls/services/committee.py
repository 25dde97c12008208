"""Writes of the selection committee: its sessions and the decision on each application (accept or refuse)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.calls import workflow
from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.models import Application, Call, CommitteeSession
from passerelles.calls.selectors.applications import applicant_email
from passerelles.core import permissions
from passerelles.core.mail import send_on_commit


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def session_create(*, call: Call, by, title: str, held_on: datetime.date, notes: str = "") -> CommitteeSession:
    _check(permissions.can_manage_committee(by, call.organisation))
    return _save(
        CommitteeSession(organisation=call.organisation, call=call, title=title.strip(), held_on=held_on, notes=notes)
    )


@transaction.atomic
def session_close(*, session: CommitteeSession, by, notes: str | None = None) -> CommitteeSession:
    _check(permissions.can_manage_committee(by, session.organisation))
    session = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        raise ValidationError(_("Cette séance est déjà close."), code="closed")
    session.is_closed = True
    if notes is not None:
        session.notes = notes
    return _save(session)


def _check_amount(application: Application, amount: Decimal | None) -> None:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Indiquez un montant accordé supérieur à zéro.")}, code="amount_required")
    if application.amount_requested is not None and amount > application.amount_requested:
        raise ValidationError(
            {
                "amount": _("Le montant accordé ne peut pas dépasser le montant demandé (%(max)s €).")
                % {"max": application.amount_requested}
            },
            code="amount_over_request",
        )
    max_amount = application.call.max_amount
    if max_amount is not None and amount > max_amount:
        raise ValidationError(
            {
                "amount": _("Le montant accordé ne peut pas dépasser le plafond de l'appel (%(max)s €).")
                % {"max": max_amount}
            },
            code="amount_over_call",
        )


@transaction.atomic
def application_decide(
    *,
    application: Application,
    session: CommitteeSession,
    by,
    accepted: bool,
    amount: Decimal | None,
    motivation: str,
) -> Application:
    """Accept (with an amount) or refuse (with a reason, sent to the applicant) an application in instruction.

    Going over the call's envelope is allowed: the committee is warned on the ranked list, not stopped.
    """
    _check(permissions.can_manage_committee(by, application.organisation))
    if session.organisation_id != application.organisation_id or session.call_id != application.call_id:
        raise ValidationError(_("Cette candidature ne relève pas de cette séance."), code="wrong_session")
    session = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        raise ValidationError(_("La séance est close : ses décisions ne peuvent plus changer."), code="closed")
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "actor__account", "applicant")
        .get(pk=application.pk)
    )
    motivation = (motivation or "").strip()
    if accepted:
        _check_amount(application, amount)
        target = ApplicationStatus.ACCEPTED
    else:
        if not motivation:
            raise ValidationError(
                {"motivation": _("Un refus est toujours motivé : la motivation est envoyée au porteur.")},
                code="motivation_required",
            )
        amount = None
        target = ApplicationStatus.REFUSED
    try:
        workflow.apply(application, target, actor=workflow.OFFICER, by=by, message=motivation)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "message" in error.error_dict:
            raise ValidationError({"motivation": error.error_dict["message"]}) from error
        raise
    application.decided_amount = amount
    application.decision_motivation = motivation
    application.decided_at = timezone.now()
    application.session = session
    _save(application)
    _notify_decision(application)
    return application


def _notify_decision(application: Application) -> None:
    accepted = application.status == ApplicationStatus.ACCEPTED
    if accepted:
        subject = _("Votre candidature « %(title)s » est retenue") % {"title": application.title}
    else:
        subject = _("Votre candidature « %(title)s » n'est pas retenue") % {"title": application.title}
    send_on_commit(
        to=[applicant_email(application)],
        subject=subject,
        template="calls/committee/emails/decision.txt",
        context={
            "organisation": application.organisation,
            "application": application,
            "call": application.call,
            "accepted": accepted,
        },
    )
