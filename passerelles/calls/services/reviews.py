"""Writes of the reviews: the conflict-of-interest declaration first, then the scores (a draft, then submitted).

Rules (documented in the review page too):
- nothing is scored before the declaration; a conflicted reviewer never scores and is left out of the averages;
- a declaration of "no conflict" can still be turned into "conflict" before submission (the draft scores are then
  dropped); a declared conflict is final (the officer removes the assignment if it was a mistake);
- "save" keeps a draft, partial if need be; "submit" needs every criterion of the call scored 0 to 5 with a
  comment (the issue asks for a comment on every criterion), then the review is read-only.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.calls.models import SCORE_MAX, ReviewAssignment, Score
from passerelles.core import permissions

COMMENT_MAX = 5000


def _own_locked(assignment: ReviewAssignment, user) -> ReviewAssignment:
    if (
        assignment.reviewer_id != getattr(user, "pk", None)
        or permissions.get_membership(user, assignment.organisation) is None
    ):
        raise PermissionDenied
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__call", "organisation")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def review_declare(*, assignment: ReviewAssignment, user, has_conflict: bool, reason: str = "") -> ReviewAssignment:
    assignment = _own_locked(assignment, user)
    if assignment.submitted_at is not None:
        raise ValidationError(_("Votre évaluation est remise : la déclaration ne peut plus changer."))
    if assignment.has_conflict is True:
        raise ValidationError(_("Vous avez déclaré un conflit d'intérêts : cette déclaration est définitive."))
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise ValidationError({"reason": _("Précisez la nature du conflit d'intérêts.")})
    if len(reason) > COMMENT_MAX:
        raise ValidationError({"reason": _("%(limit)s caractères au plus.") % {"limit": COMMENT_MAX}})
    assignment.has_conflict = bool(has_conflict)
    assignment.conflict_reason = reason if has_conflict else ""
    assignment.declared_at = timezone.now()
    assignment.full_clean()
    assignment.save()
    if has_conflict:
        # A conflicted reviewer's draft must not linger anywhere.
        assignment.scores.all().delete()
    return assignment


@transaction.atomic
def review_score(
    *, assignment: ReviewAssignment, user, scores: dict, general_comment: str = "", submit: bool = False
) -> ReviewAssignment:
    """Save the reviewer's scores. `scores`: criterion pk -> {"score": int | None, "comment": str}.

    With `submit`, every criterion of the call needs a score and a comment; the review is then closed.
    """
    assignment = _own_locked(assignment, user)
    if assignment.has_conflict is None:
        raise ValidationError(_("Déclarez d'abord l'absence ou l'existence d'un conflit d'intérêts."))
    if not permissions.can_score_assignment(user, assignment):
        if assignment.has_conflict:
            raise ValidationError(_("Vous avez déclaré un conflit d'intérêts : vous ne pouvez pas noter."))
        raise ValidationError(_("Votre évaluation est déjà remise : elle ne peut plus être modifiée."))
    criteria = {c.pk: c for c in assignment.application.call.criteria.all()}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ValidationError(_("Critère inconnu pour cet appel."))
    errors = {}
    for pk in criteria:
        row = scores.get(pk) or {}
        value, comment = row.get("score"), (row.get("comment") or "").strip()
        if value is not None and not (isinstance(value, int) and 0 <= value <= SCORE_MAX):
            errors[f"score_{pk}"] = _("Une note entre 0 et %(max)s.") % {"max": SCORE_MAX}
        if len(comment) > COMMENT_MAX:
            errors[f"comment_{pk}"] = _("%(limit)s caractères au plus.") % {"limit": COMMENT_MAX}
        if submit and value is None:
            errors[f"score_{pk}"] = _("Notez ce critère avant de remettre l'évaluation.")
        if submit and not comment:
            errors[f"comment_{pk}"] = _("Commentez ce critère avant de remettre l'évaluation.")
    general_comment = (general_comment or "").strip()
    if len(general_comment) > COMMENT_MAX:
        errors["general_comment"] = _("%(limit)s caractères au plus.") % {"limit": COMMENT_MAX}
    if submit and not criteria:
        raise ValidationError(_("Cet appel n'a pas de grille de notation : rien à remettre."))
    if errors:
        raise ValidationError(errors)

    existing = {s.criterion_id: s for s in assignment.scores.all()}
    for pk, criterion in criteria.items():
        row = scores.get(pk) or {}
        value, comment = row.get("score"), (row.get("comment") or "").strip()
        score = existing.get(pk)
        if value is None:
            if score is not None:
                score.delete()
            continue
        if score is None:
            score = Score(organisation=assignment.organisation, assignment=assignment, criterion=criterion)
        score.score, score.comment = value, comment
        score.full_clean()
        score.save()
    assignment.general_comment = general_comment
    if submit:
        assignment.submitted_at = timezone.now()
    assignment.full_clean()
    assignment.save()
    return assignment
