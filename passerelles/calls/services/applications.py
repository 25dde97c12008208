"""Writes of the applicant side: start, save the draft (answers, budget, attachments), submit, withdraw.

Every change of state goes through `workflow.apply` on a row locked with select_for_update. The submission is
idempotent (a repeated POST with the same `submission_key` changes nothing and sends nothing) and its deadline is
measured by the server clock once the row is locked.
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.calls import eligibility, workflow
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide, CallStatus, QuestionKind
from passerelles.calls.models import Answer, Application, Attachment, BudgetLine, Call
from passerelles.calls.selectors.applications import application_for_check
from passerelles.core import permissions
from passerelles.core.uploads import DOCUMENT_TYPES, validate_upload

REFERENCE_ATTEMPTS = 20
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "CALLS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _locked(application) -> Application:
    return Application.objects.select_for_update().select_related("call", "actor").get(pk=application.pk)


def _require_owner(user, application) -> None:
    if not permissions.can_edit_application(user, application):
        raise PermissionDenied


def _require_editable(application) -> None:
    if application.status not in workflow.EDITABLE:
        raise ValidationError(
            _("Cette candidature est « %(status)s » : elle n'est plus modifiable.")
            % {"status": application.get_status_display()},
            code="not_editable",
        )


# -- start ---------------------------------------------------------------------------------------------------


def _next_reference(organisation_id: int, year: int) -> str:
    prefix = f"AAP-{year}-"
    last = (
        Application.objects.filter(organisation_id=organisation_id, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:04}"


@transaction.atomic
def application_start(*, call: Call, actor: Actor, user) -> Application:
    """The draft of `actor` for `call`; a second start returns the live application instead of a duplicate."""
    # Locking the actor serialises two starts of the same actor (double click, two tabs).
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.account_id != user.pk:
        raise PermissionDenied
    call = Call.objects.select_related("organisation").get(pk=call.pk)
    existing = Application.objects.filter(call=call, actor=actor).exclude(status=S.WITHDRAWN).order_by("-pk").first()
    if existing is not None:
        return existing
    now = timezone.now()
    if call.status != CallStatus.PUBLISHED or not (call.opens_at <= now <= call.closes_at):
        raise ValidationError(_("Cet appel n'est pas ouvert aux candidatures en ce moment."), code="call_closed")
    if actor.organisation_id != call.organisation_id or actor.moderation_status != ModerationStatus.APPROVED:
        raise ValidationError(
            _("Seule une fiche validée de l'annuaire de « %(org)s » peut répondre à cet appel.")
            % {"org": call.organisation.name},
            code="actor_not_allowed",
        )
    modality = call.modalities[0] if call.modalities else Application._meta.get_field("modality").default
    year = eligibility.paris(now).year
    for _attempt in range(REFERENCE_ATTEMPTS):
        application = Application(
            organisation_id=call.organisation_id,
            call=call,
            actor=actor,
            applicant=user,
            reference=_next_reference(call.organisation_id, year),
            modality=modality,
        )
        application.full_clean(exclude=["reference"])
        try:
            # A savepoint: a reference taken meanwhile by another start only costs a retry.
            with transaction.atomic():
                application.save()
        except IntegrityError:
            continue
        return application
    raise ValidationError(_("Le dépôt est très sollicité : réessayez dans un instant."), code="reference_busy")


# -- the draft -----------------------------------------------------------------------------------------------


def _clean_value(question, value):
    """The answer as stored: strings trimmed, empty answers as None, dates as ISO strings, numbers as strings."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value] or None
    if value is None:
        return None
    value = str(value).strip()
    return value or None


@transaction.atomic
def application_save_draft(*, application: Application, user, fields: dict, answers: dict) -> Application:
    """Store whatever the applicant typed: fields of the application and answers (question pk -> value).

    The answer to a question whose condition is not met is cleared (the question is not shown).
    Required answers are enforced at submission only.
    """
    application = _locked(application)
    _require_owner(user, application)
    _require_editable(application)
    call = application.call
    if "modality" in fields and call.modalities and fields["modality"] not in call.modalities:
        raise ValidationError({"modality": _("Choisissez l'une des modalités proposées par l'appel.")})
    for name in ("title", "summary", "modality", "amount_requested", "starts_on", "ends_on"):
        if name in fields:
            setattr(application, name, fields[name])
    application.full_clean()
    application.save()

    questions = list(call.questions.select_related("show_if_question"))
    current = {a.question_id: a for a in application.answers.all()}
    values = {q.pk: current[q.pk].value for q in questions if q.pk in current}
    for question in questions:
        if question.kind != QuestionKind.FILE and question.pk in answers:
            values[question.pk] = _clean_value(question, answers[question.pk])
    for question in questions:
        if question.kind == QuestionKind.FILE:
            continue
        value = values.get(question.pk) if eligibility.condition_met(question, values) else None
        answer = current.get(question.pk)
        if value is None:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            answer = Answer(organisation_id=application.organisation_id, application=application, question=question)
        if answer.value != value:
            answer.value = value
            answer.full_clean()
            answer.save()
    return application


@transaction.atomic
def budget_save(*, application: Application, user, lines: list[dict]) -> list[BudgetLine]:
    """Replace the budget by `lines` (dicts of side, label, amount, funder, resource_status, is_this_call)."""
    application = _locked(application)
    _require_owner(user, application)
    _require_editable(application)
    if sum(1 for line in lines if line.get("side") == BudgetSide.RESOURCE and line.get("is_this_call")) > 1:
        raise ValidationError(_("Une seule ressource peut être « le montant demandé à cet appel »."), code="this_call")
    application.budget_lines.all().delete()
    saved = []
    for position, data in enumerate(lines):
        line = BudgetLine(
            organisation_id=application.organisation_id,
            application=application,
            side=data["side"],
            label=data["label"],
            amount=data["amount"],
            funder=data.get("funder", "") if data["side"] == BudgetSide.RESOURCE else "",
            resource_status=data.get("resource_status", "") if data["side"] == BudgetSide.RESOURCE else "",
            is_this_call=bool(data.get("is_this_call")) and data["side"] == BudgetSide.RESOURCE,
            position=position,
        )
        line.full_clean()
        line.save()
        saved.append(line)
    application.save(update_fields=["updated_at"])
    return saved


@transaction.atomic
def attachment_add(*, application: Application, user, file, document=None, question=None) -> Attachment:
    """Check `file` (size, name, real type) BEFORE writing anything, then store it under a random name."""
    application = _locked(application)
    _require_owner(user, application)
    _require_editable(application)
    if document is not None and document.call_id != application.call_id:
        raise PermissionDenied
    if question is not None and (question.call_id != application.call_id or question.kind != QuestionKind.FILE):
        raise PermissionDenied
    try:
        content_type, safe_name = validate_upload(file, max_bytes=max_upload_bytes(), accepted=DOCUMENT_TYPES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    if question is not None:
        # A file question has one answer: the new file replaces the previous one.
        for previous in application.attachments.filter(question=question):
            _delete_attachment(previous)
    attachment = Attachment(
        organisation_id=application.organisation_id,
        application=application,
        document=document,
        question=question,
        original_name=safe_name,
        content_type=content_type,
        size=file.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(safe_name, file, save=False)  # upload_to keeps only the extension: a random name
    attachment.full_clean()
    attachment.save()
    application.save(update_fields=["updated_at"])
    return attachment


def _delete_attachment(attachment: Attachment) -> None:
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user) -> None:
    application = _locked(attachment.application)
    _require_owner(user, application)
    _require_editable(application)
    _delete_attachment(attachment)
    application.save(update_fields=["updated_at"])


# -- submission ----------------------------------------------------------------------------------------------


def snapshot(application: Application, self_check: dict) -> dict:
    """The frozen copy of what was submitted: JSON only, it never follows later edits."""
    call = application.call
    answers = {a.question_id: a.value for a in application.answers.all()}
    files = {}
    for attachment in application.attachments.all():
        files.setdefault(attachment.question_id, []).append(attachment.original_name)
    questions = []
    for question in call.questions.all():
        if not eligibility.condition_met(question, answers):
            continue
        value = files.get(question.pk) if question.kind == QuestionKind.FILE else answers.get(question.pk)
        questions.append({"question": question.label, "kind": question.kind, "value": value})
    documents = {d.pk: d.label for d in call.required_documents.all()}
    return {
        "reference": application.reference,
        "call": call.title,
        "organisation": application.organisation.name,
        "actor": application.actor.name,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "fields": {
            "title": application.title,
            "summary": application.summary,
            "modality": application.modality,
            "modality_label": str(application.get_modality_display()),
            "amount_requested": str(application.amount_requested) if application.amount_requested is not None else None,
            "starts_on": application.starts_on.isoformat() if application.starts_on else None,
            "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        },
        "answers": questions,
        "budget": [
            {
                "side": line.side,
                "label": line.label,
                "amount": str(line.amount),
                "funder": line.funder,
                "resource_status": line.resource_status,
                "is_this_call": line.is_this_call,
            }
            for line in application.budget_lines.all()
        ],
        "attachments": [
            {
                "document": documents.get(a.document_id, ""),
                "name": a.original_name,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in application.attachments.all()
        ],
        "self_check": self_check,
    }


def receipt_context(application: Application) -> dict:
    version = application.submitted_version or {}
    submitted_at = application.submitted_at
    totals = {"expenses": 0, "resources": 0}
    for line in version.get("budget", []):
        key = "expenses" if line["side"] == BudgetSide.EXPENSE else "resources"
        totals[key] += float(line["amount"])
    return {
        "application": application,
        "version": version,
        "submitted_at_text": eligibility.deadline_text(submitted_at) if submitted_at else "",
        "deadline_text": eligibility.deadline_text(application.call.closes_at),
        "totals": {k: eligibility.money(v) for k, v in totals.items()},
    }


def receipt_pdf(application: Application) -> bytes:
    from passerelles.core.pdf import render_pdf

    return render_pdf("calls/applications/pdf/receipt.html", receipt_context(application))


def _send_receipt(application_pk: int, email: str) -> None:
    application = Application.objects.select_related("call", "actor", "organisation").get(pk=application_pk)
    context = receipt_context(application)
    message = EmailMessage(
        subject=render_to_string("calls/applications/emails/receipt_subject.txt", context).strip(),
        body=render_to_string("calls/applications/emails/receipt.txt", context),
        to=[email],
    )
    message.attach(f"recepisse-{application.reference}.pdf", receipt_pdf(application), "application/pdf")
    message.send()


@transaction.atomic
def application_submit(
    *, application: Application, user, submission_key, now: datetime.datetime | None = None
) -> Application:
    """Submit (or resubmit after a return) before the deadline; the same `submission_key` twice is a no-op."""
    try:
        submission_key = uuid.UUID(str(submission_key))
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("Le formulaire a expiré : rechargez la page puis déposez à nouveau."), code="key"
        ) from exc
    application = _locked(application)
    _require_owner(user, application)
    if application.submission_key == submission_key:
        return application  # the same POST again: already done, nothing more to do or send
    _require_editable(application)
    if Application.objects.filter(submission_key=submission_key).exclude(pk=application.pk).exists():
        raise ValidationError(_("Le formulaire a expiré : rechargez la page puis déposez à nouveau."), code="key")
    # The server's clock once the row is locked decides, not the time the page was shown.
    now = now or timezone.now()
    deadline = eligibility.deadline_for(application)
    if now > deadline:
        raise ValidationError(
            _("Le dépôt était possible jusqu'au %(when)s.") % {"when": eligibility.deadline_text(deadline)},
            code="late",
        )
    full = application_for_check(application)
    result = eligibility.check(full.call, full.actor, full, now=now)
    if not result.eligible:
        raise ValidationError(result.reasons, code="not_eligible")
    workflow.apply(application, S.SUBMITTED, actor=workflow.APPLICANT, by=user)
    application.submitted_at = now
    application.submission_key = submission_key
    application.self_check = result.as_dict()
    full.submitted_at = now
    application.submitted_version = snapshot(full, application.self_check)
    application.full_clean()
    application.save()
    email = user.email or (application.applicant.email if application.applicant else "")
    if email:
        transaction.on_commit(lambda: _send_receipt(application.pk, email))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user, message: str = "") -> Application:
    application = _locked(application)
    _require_owner(user, application)
    workflow.apply(application, S.WITHDRAWN, actor=workflow.APPLICANT, by=user, message=message)
    application.full_clean()
    application.save()
    return application


def new_submission_key() -> str:
    return str(uuid.uuid4())
