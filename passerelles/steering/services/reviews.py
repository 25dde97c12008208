"""Writes of the alignment reviews. Keyword-only, one transaction each, permission checked again here."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.core.models import Directorate
from passerelles.steering.models import AlignmentReview, CriterionAssessment, Project
from passerelles.steering.selectors.reviews import adopted_document, criteria_of


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def review_create(
    *,
    project: Project,
    user,
    assessments: list[dict],
    reviewed_on: date | None = None,
    summary: str = "",
) -> AlignmentReview:
    """Review a project against every criterion of the adopted strategy.

    `assessments`: one dict per criterion (criterion, rating, comment, adaptation_required, adaptation, owner,
    due_date). Every criterion of the adopted document must be rated once, and an adaptation required needs its text.
    """
    organisation = project.organisation
    _check(permissions.can_review_alignment(user, organisation) and permissions.can_view_project(user, project))
    document = adopted_document(organisation=organisation)
    if document is None:
        raise ValidationError(_("Aucune stratégie adoptée : adoptez d'abord un document de référence."))
    expected = {c.pk: c for c in criteria_of(document=document)}
    if not expected:
        raise ValidationError(_("Le document de référence adopté n'a aucun principe directeur."))
    given = [row["criterion"].pk for row in assessments]
    if sorted(given) != sorted(expected):
        raise ValidationError(_("Chaque principe directeur du document adopté doit être apprécié une fois."))

    review = AlignmentReview(
        organisation=organisation,
        project=project,
        document=document,
        reviewed_on=reviewed_on or timezone.localdate(),
        reviewer=user,
        summary=summary,
    )
    review.full_clean()
    review.save()
    for row in assessments:
        owner = row.get("owner")
        if owner is not None and (not isinstance(owner, Directorate) or owner.organisation_id != organisation.pk):
            raise ValidationError({"owner": _("Direction inconnue.")})
        required = bool(row.get("adaptation_required"))
        adaptation = (row.get("adaptation") or "").strip()
        if required and not adaptation:
            raise ValidationError({"adaptation": _("Décrivez l'adaptation à mener.")})
        assessment = CriterionAssessment(
            organisation=organisation,
            review=review,
            criterion=expected[row["criterion"].pk],
            rating=row.get("rating") or "",
            comment=row.get("comment") or "",
            adaptation_required=required,
            adaptation=adaptation,
            owner=owner,
            due_date=row.get("due_date"),
        )
        assessment.full_clean()
        assessment.save()
    return review


@transaction.atomic
def adaptation_mark_done(*, assessment: CriterionAssessment, user) -> CriterionAssessment:
    _check(permissions.can_review_alignment(user, assessment.organisation))
    assessment = CriterionAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.adaptation_required:
        raise ValidationError(_("Aucune adaptation n'était demandée sur ce principe."))
    if assessment.adaptation_done:
        return assessment
    assessment.adaptation_done = True
    assessment.full_clean()
    assessment.save(update_fields=["adaptation_done"])
    return assessment
