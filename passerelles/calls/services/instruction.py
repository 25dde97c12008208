"""Writes of the instruction: the officers' moves, eligibility, annotations, the message thread, reviewer assignment.

Keyword-only, one transaction each, permission checked again here; every change of state goes through
`workflow.apply` on a row locked with select_for_update; emails leave on commit.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.calls import workflow
from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.models import Annotation, Application, Message, ReviewAssignment
from passerelles.calls.selectors.applications import applicant_email
from passerelles.calls.selectors.instruction import REVIEWER_ROLES
from passerelles.core import permissions
from passerelles.core.mail import officer_emails, send_on_commit
from passerelles.core.models import Membership

MESSAGE_MAX = 5000
# No reviewer is assigned to an application that is not (or no longer) submitted.
ASSIGNABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.IN_INSTRUCTION, ApplicationStatus.RETURNED})


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "actor", "actor__account", "applicant", "organisation")
        .get(pk=application.pk)
    )


def _text(value: str, *, field: str, required_message: str, limit: int = MESSAGE_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required_message})
    if len(value) > limit:
        raise ValidationError({field: _("%(limit)s caractères au plus.") % {"limit": limit}})
    return value


# -- emails -------------------------------------------------------------------------------------------------


def _applicant_link(application: Application) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("applicant:messages", args=[application.pk])


def _officer_link(application: Application) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "calls:application", args=[application.organisation.slug, application.pk]
    )


def _notify_move(application: Application, message: str) -> None:
    send_on_commit(
        subject=_("Votre candidature %(reference)s : %(status)s")
        % {"reference": application.reference, "status": application.get_status_display().lower()},
        template="calls/instruction/emails/status.txt",
        context={
            "application": application,
            "status": application.get_status_display(),
            "message": message,
            "due": application.completion_due if application.status == ApplicationStatus.RETURNED else None,
            "link": _applicant_link(application),
        },
        to=[applicant_email(application)],
    )


# -- moves --------------------------------------------------------------------------------------------------


def _move(application: Application, *, user, target: str, message: str = "") -> Application:
    _check(permissions.can_instruct_applications(user, application.organisation))
    application = _locked(application)
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": _("%(limit)s caractères au plus.") % {"limit": MESSAGE_MAX}})
    workflow.apply(application, target, actor=workflow.OFFICER, by=user, message=message)
    return application


@transaction.atomic
def application_instruct(*, application: Application, user, message: str = "") -> Application:
    """Take a submitted application into instruction, or a decision back into instruction (with a message)."""
    if application.status in workflow.DECIDED and hasattr(application, "grant"):
        raise ValidationError(_("Une subvention a été attribuée : la décision ne peut plus être reprise."))
    application = _move(application, user=user, target=ApplicationStatus.IN_INSTRUCTION, message=message)
    application.full_clean()
    application.save()
    _notify_move(application, message.strip())
    return application


@transaction.atomic
def application_return(*, application: Application, user, message: str, due_on: date | None) -> Application:
    """Return the application to the applicant for completion: a message and a due date in the future."""
    message = _text(message, field="message", required_message=_("Dites au porteur ce qu'il doit compléter."))
    if due_on is None:
        raise ValidationError({"due_on": _("Indiquez la date à laquelle les compléments sont attendus.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("La date limite des compléments doit être dans le futur.")})
    application = _move(application, user=user, target=ApplicationStatus.RETURNED, message=message)
    application.completion_message = message
    application.completion_due = due_on
    application.full_clean()
    application.save()
    _notify_move(application, message)
    return application


@transaction.atomic
def application_close_without_follow_up(*, application: Application, user, message: str) -> Application:
    message = _text(message, field="message", required_message=_("Dites au porteur pourquoi le dossier est classé."))
    application = _move(application, user=user, target=ApplicationStatus.WITHOUT_FOLLOW_UP, message=message)
    application.decision_motivation = message
    application.decided_at = timezone.now()
    application.full_clean()
    application.save()
    _notify_move(application, message)
    return application


# -- eligibility, annotations, messages ---------------------------------------------------------------------


@transaction.atomic
def application_record_eligibility(*, application: Application, user, eligible: bool, note: str = "") -> Application:
    """The officer's eligibility check: yes or no, with the reason when no; who and when are kept."""
    _check(permissions.can_instruct_applications(user, application.organisation))
    application = _locked(application)
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(_("Un brouillon n'a pas encore été déposé : son éligibilité ne se vérifie pas."))
    note = (note or "").strip()
    if not eligible and not note:
        raise ValidationError({"note": _("Donnez le motif de l'inéligibilité.")})
    if len(note) > MESSAGE_MAX:
        raise ValidationError({"note": _("%(limit)s caractères au plus.") % {"limit": MESSAGE_MAX}})
    application.eligibility_ok = bool(eligible)
    application.eligibility_note = note
    application.eligibility_checked_by = user
    application.eligibility_checked_at = timezone.now()
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_annotate(*, application: Application, user, body: str) -> Annotation:
    _check(permissions.can_view_annotations(user, application.organisation))
    body = _text(body, field="body", required_message=_("L'annotation est vide."))
    annotation = Annotation(organisation=application.organisation, application=application, author=user, body=body)
    annotation.full_clean()
    annotation.save()
    return annotation


@transaction.atomic
def application_message_send(*, application: Application, user, body: str) -> Message:
    """An officer writes to the applicant: kept in the thread and emailed to the applicant on commit."""
    _check(permissions.can_instruct_applications(user, application.organisation))
    body = _text(body, field="body", required_message=_("Le message est vide."))
    application = Application.objects.select_related("actor__account", "applicant", "organisation").get(
        pk=application.pk
    )
    message = Message(
        organisation=application.organisation, application=application, author=user, from_applicant=False, body=body
    )
    message.full_clean()
    message.save()
    send_on_commit(
        subject=_("Candidature %(reference)s : un message de %(organisation)s")
        % {"reference": application.reference, "organisation": application.organisation.name},
        template="calls/instruction/emails/message.txt",
        context={"application": application, "body": body, "link": _applicant_link(application), "to_applicant": True},
        to=[applicant_email(application)],
    )
    return message


@transaction.atomic
def applicant_message_send(*, application: Application, user, body: str) -> Message:
    """The applicant replies: kept in the thread and emailed to the organisation's officers on commit."""
    _check(permissions.can_edit_application(user, application))
    body = _text(body, field="body", required_message=_("Le message est vide."))
    message = Message(
        organisation_id=application.organisation_id,
        application=application,
        author=user,
        from_applicant=True,
        body=body,
    )
    message.full_clean()
    message.save()
    send_on_commit(
        subject=_("Candidature %(reference)s : réponse du porteur") % {"reference": application.reference},
        template="calls/instruction/emails/message.txt",
        context={"application": application, "body": body, "link": _officer_link(application), "to_applicant": False},
        to=officer_emails(application.organisation),
    )
    return message


# -- reviewers ----------------------------------------------------------------------------------------------


@transaction.atomic
def reviewer_assign(*, application: Application, user, reviewer) -> ReviewAssignment:
    """Assign an active member with a reviewing role; never a partner, never the applicant."""
    organisation = application.organisation
    _check(permissions.can_instruct_applications(user, organisation))
    application = _locked(application)
    if application.status not in ASSIGNABLE:
        raise ValidationError(
            _("On n'assigne pas d'évaluateur à une candidature « %(status)s ».")
            % {"status": application.get_status_display()}
        )
    is_member = (
        reviewer is not None
        and reviewer.is_active
        and Membership.objects.filter(
            organisation=organisation, user=reviewer, is_active=True, role__in=REVIEWER_ROLES
        ).exists()
    )
    if not is_member:
        raise ValidationError({"reviewer": _("Choisissez un membre actif pouvant évaluer.")})
    if reviewer.pk in {application.applicant_id, application.actor.account_id}:
        raise ValidationError({"reviewer": _("Le porteur ne peut pas évaluer sa propre candidature.")})
    if application.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("Cette personne évalue déjà cette candidature.")})
    assignment = ReviewAssignment(
        organisation=organisation, application=application, reviewer=reviewer, assigned_by=user
    )
    assignment.full_clean()
    assignment.save()
    send_on_commit(
        subject=_("Une candidature à évaluer : %(reference)s") % {"reference": application.reference},
        template="calls/instruction/emails/assigned.txt",
        context={
            "application": application,
            "link": settings.PUBLIC_BASE_URL.rstrip("/")
            + reverse("calls:review", args=[organisation.slug, assignment.pk]),
        },
        to=[reviewer.email],
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, user) -> None:
    """Withdraw a reviewer; refused once the scores were submitted (they are part of the record)."""
    _check(permissions.can_instruct_applications(user, assignment.organisation))
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.submitted_at is not None:
        raise ValidationError(_("Cette évaluation a été remise : elle ne peut plus être retirée."))
    assignment.delete()
