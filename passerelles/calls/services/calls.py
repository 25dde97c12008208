"""Writes of a call and of its rules: the call, its states, questions, required documents, criteria, indicators.

Keyword-only, one transaction each, permission re-checked inside. A call moves draft -> published -> closed, and
closed -> published again with a new closing date; each move is logged in `CallTransition`. A closed call is
read-only (its rules were those the applicants saw) until it is reopened.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import ActorKind, Theme
from passerelles.calls.enums import CallStatus, QuestionKind, SupportModality
from passerelles.calls.models import Call, CallTransition, Criterion, Question, ReportIndicator, RequiredDocument
from passerelles.calls.selectors.calls import (
    current_orientations,
    french_datetime,
    missing_alignment_criteria,
)
from passerelles.core import permissions

CALL_FIELDS = (
    "title",
    "summary",
    "description",
    "orientations",
    "themes",
    "eligible_kinds",
    "requires_home_territory",
    "min_age_years",
    "min_amount",
    "max_amount",
    "max_share_percent",
    "modalities",
    "support_details",
    "envelope",
    "opens_at",
    "closes_at",
    "interim_report_due",
    "final_report_due",
    "report_content",
)
QUESTION_FIELDS = ("label", "help_text", "kind", "is_required", "choices", "show_if_question", "show_if_value")
DOCUMENT_FIELDS = ("label", "description", "is_required")
CRITERION_FIELDS = ("label", "description", "weight")
INDICATOR_FIELDS = ("label", "unit")

CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
CHOICES_MAX = 50
CHOICE_LENGTH = 200

# Which move is legal from which state; anything else is refused.
CALL_MOVES = {
    (CallStatus.DRAFT, CallStatus.PUBLISHED),
    (CallStatus.PUBLISHED, CallStatus.CLOSED),
    (CallStatus.CLOSED, CallStatus.PUBLISHED),
}


def _check(by, organisation) -> None:
    if not permissions.can_edit_calls(by, organisation):
        raise PermissionDenied


def _fields(fields: dict, allowed: tuple) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


def _editable(call: Call) -> None:
    if call.status == CallStatus.CLOSED:
        raise ValidationError(_("Cet appel est clos : ses règles ne peuvent plus changer. Rouvrez-le d'abord."))


# -- the call -------------------------------------------------------------------------------------


def _validate_call(call: Call) -> None:
    errors = {}
    known = {o.number for o in current_orientations(organisation=call.organisation)}
    unknown = [n for n in call.orientations if n not in known]
    if unknown:
        errors["orientations"] = _("Orientation inconnue dans la stratégie en vigueur : %(numbers)s.") % {
            "numbers": ", ".join(str(n) for n in unknown)
        }
    if any(t not in Theme.values for t in call.themes):
        errors["themes"] = _("Thématique inconnue.")
    if any(k not in ActorKind.values for k in call.eligible_kinds):
        errors["eligible_kinds"] = _("Type de structure inconnu.")
    if not call.modalities:
        errors["modalities"] = _("Choisissez au moins une modalité de soutien.")
    elif any(m not in SupportModality.values for m in call.modalities):
        errors["modalities"] = _("Modalité de soutien inconnue.")
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = _("La clôture doit suivre l'ouverture.")
    if call.min_amount is not None and call.max_amount is not None and call.max_amount < call.min_amount:
        errors["max_amount"] = _("Le montant maximal ne peut pas être inférieur au montant minimal.")
    closing_day = timezone.localtime(call.closes_at).date() if call.closes_at else None
    for name in ("interim_report_due", "final_report_due"):
        due = getattr(call, name)
        if due and closing_day and due <= closing_day:
            errors[name] = _("Un rapport est attendu après la clôture de l'appel (le %(date)s).") % {
                "date": closing_day.strftime("%d/%m/%Y")
            }
    if call.interim_report_due and call.final_report_due and call.final_report_due <= call.interim_report_due:
        errors.setdefault("final_report_due", _("Le rapport final suit le rapport intermédiaire."))
    if errors:
        raise ValidationError(errors)


def _save_call(call: Call) -> Call:
    _validate_call(call)
    call.full_clean()
    call.save()
    return call


def _add_alignment_criteria(call: Call) -> int:
    """Add to the grid each alignment criterion of the adopted strategy it lacks; returns how many were added."""
    missing = missing_alignment_criteria(call)
    start = (call.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
    for offset, principle in enumerate(missing):
        criterion = Criterion(
            organisation=call.organisation,
            call=call,
            label=principle.title[:255],
            description=principle.description,
            weight=1,
            alignment_criterion=principle,
            position=start + offset,
        )
        criterion.full_clean()
        criterion.save()
    return len(missing)


@transaction.atomic
def call_create(*, organisation, by, **fields) -> Call:
    """A draft call; its scoring grid starts with the alignment criteria of the adopted strategy."""
    _check(by, organisation)
    call = _save_call(Call(organisation=organisation, status=CallStatus.DRAFT, **_fields(fields, CALL_FIELDS)))
    _add_alignment_criteria(call)
    return call


@transaction.atomic
def call_update(*, call: Call, by, **fields) -> Call:
    """Rules of a draft or published call; saving also re-adds any alignment criterion the grid lacks."""
    _check(by, call.organisation)
    call = _locked(call)
    _editable(call)
    for name, value in _fields(fields, CALL_FIELDS).items():
        setattr(call, name, value)
    _save_call(call)
    _add_alignment_criteria(call)
    return call


def _refuse(call: Call, target: str) -> ValidationError:
    return ValidationError(
        _("Un appel à l'état « %(source)s » ne peut pas passer à l'état « %(target)s ».")
        % {"source": call.get_status_display(), "target": CallStatus(target).label}
    )


def _move(call: Call, target: str, by, note: str = "") -> Call:
    if (call.status, target) not in CALL_MOVES:
        raise _refuse(call, target)
    source = call.status
    call.status = target
    if target == CallStatus.PUBLISHED and call.published_at is None:
        call.published_at = timezone.now()
    call.full_clean()
    call.save()
    CallTransition.objects.create(
        organisation=call.organisation, call=call, from_status=source, to_status=target, by=by, note=note[:500]
    )
    return call


@transaction.atomic
def call_publish(*, call: Call, by) -> Call:
    _check(by, call.organisation)
    call = _locked(call)
    if call.status != CallStatus.DRAFT:
        raise _refuse(call, CallStatus.PUBLISHED)
    problems = []
    if not call.modalities:
        problems.append(_("aucune modalité de soutien n'est proposée"))
    if call.closes_at <= timezone.now():
        problems.append(_("la date de clôture est passée"))
    missing = missing_alignment_criteria(call)
    if missing:
        problems.append(
            _("la grille de sélection n'a pas les principes directeurs de la stratégie adoptée : %(list)s")
            % {"list": ", ".join(str(c) for c in missing)}
        )
    if problems:
        raise ValidationError(_("L'appel ne peut pas être publié : %(problems)s.") % {"problems": " ; ".join(problems)})
    return _move(call, CallStatus.PUBLISHED, by)


@transaction.atomic
def call_close(*, call: Call, by) -> Call:
    _check(by, call.organisation)
    return _move(_locked(call), CallStatus.CLOSED, by)


@transaction.atomic
def call_reopen(*, call: Call, by, closes_at: datetime.datetime) -> Call:
    """Closed -> published again, with a new closing date-time in the future (logged in the note)."""
    _check(by, call.organisation)
    call = _locked(call)
    if call.status != CallStatus.CLOSED:
        raise _refuse(call, CallStatus.PUBLISHED)
    if closes_at is None or closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("La nouvelle date de clôture doit être dans le futur.")})
    if closes_at <= call.opens_at:
        raise ValidationError({"closes_at": _("La clôture doit suivre l'ouverture.")})
    previous = call.closes_at
    call.closes_at = closes_at
    note = _("Nouvelle clôture : %(new)s (heure de Paris) ; précédente : %(old)s.") % {
        "new": french_datetime(closes_at),
        "old": french_datetime(previous),
    }
    return _move(call, CallStatus.PUBLISHED, by, note)


# -- questions ------------------------------------------------------------------------------------


def _clean_choices(kind: str, choices) -> list[str]:
    choices = [str(c).strip() for c in (choices or [])]
    choices = list(dict.fromkeys(c for c in choices if c))
    if kind not in CHOICE_KINDS:
        if choices:
            raise ValidationError({"choices": _("Seules les questions à choix proposent des choix.")})
        return []
    if len(choices) < 2:
        raise ValidationError({"choices": _("Proposez au moins deux choix, un par ligne.")})
    if len(choices) > CHOICES_MAX:
        raise ValidationError({"choices": _("%(max)s choix au plus.") % {"max": CHOICES_MAX}})
    if any(len(c) > CHOICE_LENGTH for c in choices):
        raise ValidationError({"choices": _("%(chars)s caractères au plus par choix.") % {"chars": CHOICE_LENGTH}})
    return choices


def _earlier(question: Question, other: Question) -> bool:
    """`other` comes before `question` in the call's order (position, then creation)."""
    if question.pk is None:
        return True
    return (other.position, other.pk) < (question.position, question.pk)


def _validate_condition(question: Question) -> None:
    condition = question.show_if_question
    if condition is None:
        if question.show_if_value:
            raise ValidationError({"show_if_question": _("Choisissez la question dont dépend cette valeur.")})
        return
    if condition.call_id != question.call_id or condition.organisation_id != question.organisation_id:
        raise ValidationError({"show_if_question": _("Choisissez une question de cet appel.")})
    if condition.pk == question.pk or not _earlier(question, condition):
        raise ValidationError(
            {"show_if_question": _("Une question ne peut dépendre que d'une question qui la précède.")}
        )
    if condition.kind not in CHOICE_KINDS:
        raise ValidationError({"show_if_question": _("Une question ne peut dépendre que d'une question à choix.")})
    if question.show_if_value not in condition.choices:
        raise ValidationError(
            {
                "show_if_value": _("Choisissez l'une des réponses proposées par la question « %(label)s ».")
                % {"label": condition.label}
            }
        )


def _save_question(question: Question, *, previous_choices=None) -> Question:
    question.label = (question.label or "").strip()
    question.choices = _clean_choices(question.kind, question.choices)
    question.show_if_value = (question.show_if_value or "").strip()
    _validate_condition(question)
    if question.pk and previous_choices is not None:
        used = set(question.dependants.values_list("show_if_value", flat=True))
        dropped = sorted(used - set(question.choices))
        if dropped:
            raise ValidationError(
                {"choices": _("Ces choix conditionnent d'autres questions : %(list)s.") % {"list": ", ".join(dropped)}}
            )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_create(*, call: Call, by, **fields) -> Question:
    _check(by, call.organisation)
    call = _locked(call)
    _editable(call)
    position = (call.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question(
        organisation=call.organisation, call=call, position=position, **_fields(fields, QUESTION_FIELDS)
    )
    return _save_question(question)


@transaction.atomic
def question_update(*, question: Question, by, **fields) -> Question:
    """Wording can always change; the kind of an answered question cannot."""
    _check(by, question.organisation)
    _editable(_locked(question.call))
    question = Question.objects.select_for_update().get(pk=question.pk)
    previous_kind, previous_choices = question.kind, list(question.choices)
    for name, value in _fields(fields, QUESTION_FIELDS).items():
        setattr(question, name, value)
    if question.kind != previous_kind and question.answers.exists():
        raise ValidationError({"kind": _("Des candidats ont déjà répondu : le type de réponse ne peut plus changer.")})
    if question.kind != previous_kind and question.dependants.exists():
        raise ValidationError({"kind": _("D'autres questions dépendent de celle-ci : son type ne peut pas changer.")})
    return _save_question(question, previous_choices=previous_choices)


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    _check(by, question.organisation)
    _editable(_locked(question.call))
    if question.answers.exists():
        raise ValidationError(_("Des candidats ont déjà répondu à cette question : elle ne peut pas être supprimée."))
    if question.dependants.exists():
        raise ValidationError(
            _("D'autres questions ne s'affichent que selon la réponse à celle-ci : modifiez-les d'abord.")
        )
    question.delete()


@transaction.atomic
def question_move(*, question: Question, by, direction: str) -> Question:
    """Swap with the previous ("up") or next ("down") question; a condition must still point to an earlier one."""
    _check(by, question.organisation)
    call = _locked(question.call)
    _editable(call)
    if direction not in ("up", "down"):
        raise ValidationError(_("Déplacement inconnu."))
    questions = list(call.questions.select_for_update().order_by("position", "pk"))
    for index, row in enumerate(questions):  # renumber: positions may repeat after imports or deletions
        row.position = index
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(questions):
        raise ValidationError(_("Cette question est déjà à cette extrémité de la liste."))
    first, second = sorted((questions[index], questions[other_index]), key=lambda q: q.position)
    if second.show_if_question_id == first.pk:
        raise ValidationError(
            _("« %(label)s » dépend de la question qui la précède : elle ne peut pas passer avant.")
            % {"label": second.label}
        )
    first.position, second.position = second.position, first.position
    for row in questions:
        Question.objects.filter(pk=row.pk).update(position=row.position)
    return next(q for q in questions if q.pk == question.pk)


# -- required documents, criteria and indicators --------------------------------------------------


def _next_position(related) -> int:
    return (related.aggregate(m=Max("position"))["m"] or 0) + 1


def _save(row):
    row.label = (row.label or "").strip()
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def document_create(*, call: Call, by, **fields) -> RequiredDocument:
    _check(by, call.organisation)
    _editable(_locked(call))
    position = _next_position(call.required_documents)
    fields = _fields(fields, DOCUMENT_FIELDS)
    return _save(RequiredDocument(organisation=call.organisation, call=call, position=position, **fields))


@transaction.atomic
def document_update(*, document: RequiredDocument, by, **fields) -> RequiredDocument:
    _check(by, document.organisation)
    _editable(_locked(document.call))
    document = RequiredDocument.objects.select_for_update().get(pk=document.pk)
    for name, value in _fields(fields, DOCUMENT_FIELDS).items():
        setattr(document, name, value)
    return _save(document)


@transaction.atomic
def document_delete(*, document: RequiredDocument, by) -> None:
    """Files already sent for it stay with their applications, without a document."""
    _check(by, document.organisation)
    _editable(_locked(document.call))
    document.delete()


@transaction.atomic
def criterion_create(*, call: Call, by, **fields) -> Criterion:
    _check(by, call.organisation)
    _editable(_locked(call))
    position = _next_position(call.criteria)
    return _save(
        Criterion(organisation=call.organisation, call=call, position=position, **_fields(fields, CRITERION_FIELDS))
    )


@transaction.atomic
def criterion_update(*, criterion: Criterion, by, **fields) -> Criterion:
    """An alignment criterion keeps its label (that of the strategy); its weight can change."""
    _check(by, criterion.organisation)
    _editable(_locked(criterion.call))
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    fields = _fields(fields, CRITERION_FIELDS)
    if criterion.is_alignment:
        fields = {k: v for k, v in fields.items() if k == "weight"}
    for name, value in fields.items():
        setattr(criterion, name, value)
    return _save(criterion)


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by) -> None:
    _check(by, criterion.organisation)
    _editable(_locked(criterion.call))
    if criterion.is_alignment:
        raise ValidationError(
            _(
                "Ce critère est un principe directeur de la stratégie adoptée : il reste dans la grille "
                "(sa pondération peut changer)."
            )
        )
    if criterion.scores.exists():
        raise ValidationError(_("Des évaluateurs ont déjà noté ce critère : il ne peut pas être supprimé."))
    criterion.delete()


@transaction.atomic
def indicator_create(*, call: Call, by, **fields) -> ReportIndicator:
    _check(by, call.organisation)
    _editable(_locked(call))
    position = _next_position(call.indicators)
    fields = _fields(fields, INDICATOR_FIELDS)
    return _save(ReportIndicator(organisation=call.organisation, call=call, position=position, **fields))


@transaction.atomic
def indicator_update(*, indicator: ReportIndicator, by, **fields) -> ReportIndicator:
    _check(by, indicator.organisation)
    _editable(_locked(indicator.call))
    indicator = ReportIndicator.objects.select_for_update().get(pk=indicator.pk)
    for name, value in _fields(fields, INDICATOR_FIELDS).items():
        setattr(indicator, name, value)
    return _save(indicator)


@transaction.atomic
def indicator_delete(*, indicator: ReportIndicator, by) -> None:
    _check(by, indicator.organisation)
    _editable(_locked(indicator.call))
    indicator.delete()
