"""The review services re-check permissions and rules, whoever calls them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory
from passerelles.steering.enums import Rating
from passerelles.steering.models import AlignmentReview, CriterionAssessment
from passerelles.steering.selectors.reviews import open_adaptations
from passerelles.steering.services.reviews import adaptation_mark_done, review_create
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.tests.factories import CriterionFactory


def rows(s, **overrides):
    row = {"criterion": s.world.document.criteria.get(), "rating": Rating.MET}
    row.update(overrides)
    return [row]


def test_review_create_records_reviewer_document_and_assessments(steering):
    officer = steering.world.members[Role.OFFICER]
    review = review_create(project=steering.project, user=officer, assessments=rows(steering), summary="ok")
    assert review.reviewer == officer and review.document == steering.world.document
    assert review.assessments.get().rating == Rating.MET


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER, Role.PARTNER, Role.REVIEWER])
def test_only_editors_review(steering, role):
    with pytest.raises(PermissionDenied):
        review_create(project=steering.project, user=steering.world.members[role], assessments=rows(steering))
    assert not AlignmentReview.objects.exists()


def test_every_criterion_must_be_rated_once(steering):
    officer = steering.world.members[Role.OFFICER]
    only_c1 = rows(steering)
    CriterionFactory(document=steering.world.document, code="C2")
    with pytest.raises(ValidationError, match="Chaque principe"):
        review_create(project=steering.project, user=officer, assessments=only_c1)
    with pytest.raises(ValidationError, match="Chaque principe"):
        review_create(project=steering.project, user=officer, assessments=only_c1 + only_c1)
    assert not AlignmentReview.objects.exists()


def test_a_criterion_of_another_document_is_refused(steering):
    officer = steering.world.members[Role.OFFICER]
    foreign = CriterionFactory(document=steering.world.other_document, code="X")
    with pytest.raises(ValidationError):
        review_create(project=steering.project, user=officer, assessments=rows(steering, criterion=foreign))


def test_adaptation_required_needs_its_text_and_nothing_is_saved(steering):
    officer = steering.world.members[Role.OFFICER]
    with pytest.raises(ValidationError):
        review_create(
            project=steering.project,
            user=officer,
            assessments=rows(steering, rating=Rating.NOT_MET, adaptation_required=True, adaptation="  "),
        )
    assert not CriterionAssessment.objects.exists()


def test_owner_of_another_organisation_is_refused(steering):
    officer = steering.world.members[Role.OFFICER]
    foreign = DirectorateFactory(organisation=steering.world.other_org)
    with pytest.raises(ValidationError):
        review_create(project=steering.project, user=officer, assessments=rows(steering, owner=foreign))
    assert not AlignmentReview.objects.exists()


def test_no_adopted_document_no_review(steering):
    steering.world.document.status = DocumentStatus.ARCHIVED
    steering.world.document.save()
    with pytest.raises(ValidationError, match="Aucune stratégie adoptée"):
        review_create(project=steering.project, user=steering.world.members[Role.OFFICER], assessments=rows(steering))


def test_open_adaptations_and_marking_one_done(steering):
    officer = steering.world.members[Role.OFFICER]
    review = review_create(
        project=steering.project,
        user=officer,
        assessments=rows(
            steering,
            rating=Rating.PARTLY,
            adaptation_required=True,
            adaptation="Adapter",
            due_date=datetime.date(2001, 1, 1),
        ),
    )
    assessment = review.assessments.get()
    [row] = open_adaptations(organisation=steering.world.org)
    assert row == assessment and row.is_overdue and row.review.project == steering.project
    assert list(open_adaptations(organisation=steering.world.other_org)) == []
    with pytest.raises(PermissionDenied):
        adaptation_mark_done(assessment=assessment, user=steering.world.members[Role.VIEWER])
    adaptation_mark_done(assessment=assessment, user=officer)
    assert list(open_adaptations(organisation=steering.world.org)) == []


def test_marking_done_an_assessment_without_adaptation_is_refused(steering):
    officer = steering.world.members[Role.OFFICER]
    review = review_create(project=steering.project, user=officer, assessments=rows(steering))
    with pytest.raises(ValidationError):
        adaptation_mark_done(assessment=review.assessments.get(), user=officer)
