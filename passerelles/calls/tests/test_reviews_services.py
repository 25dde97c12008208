import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.calls.models import Score
from passerelles.calls.selectors.instruction import application_score_summary
from passerelles.calls.selectors.reviews import visible_summary
from passerelles.calls.services import reviews as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ReviewAssignmentFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def setup(world):
    call = CallFactory(organisation=world.org)
    relevance = CriterionFactory(call=call, label="Pertinence", weight=2)
    feasibility = CriterionFactory(call=call, label="Faisabilité", weight=1)
    application = ApplicationFactory(call=call, submitted=True)
    return application, relevance, feasibility


def _reviewer(world, email):
    user = UserFactory(email=email)
    MembershipFactory(organisation=world.org, user=user, role=Role.REVIEWER)
    return user


def _submit(assignment, user, criteria_scores):
    services.review_declare(assignment=assignment, user=user, has_conflict=False)
    services.review_score(
        assignment=assignment,
        user=user,
        scores={c.pk: {"score": s, "comment": "Argumenté"} for c, s in criteria_scores},
        submit=True,
    )


def test_nothing_is_scored_before_the_declaration(world, setup):
    application, relevance, _f = setup
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    with pytest.raises(ValidationError):
        services.review_score(assignment=assignment, user=reviewer, scores={relevance.pk: {"score": 3}})
    assert not Score.objects.exists()


def test_a_conflicted_reviewer_cannot_score(world, setup):
    application, relevance, _f = setup
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    with pytest.raises(ValidationError) as exc:
        services.review_declare(assignment=assignment, user=reviewer, has_conflict=True, reason="")
    assert "reason" in exc.value.error_dict
    services.review_declare(assignment=assignment, user=reviewer, has_conflict=True, reason="Membre du bureau")
    with pytest.raises(ValidationError):
        services.review_score(assignment=assignment, user=reviewer, scores={relevance.pk: {"score": 3}})
    with pytest.raises(ValidationError):
        services.review_declare(assignment=assignment, user=reviewer, has_conflict=False)
    assert not Score.objects.exists()


def test_turning_to_conflict_drops_the_draft(world, setup):
    application, relevance, _f = setup
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    services.review_declare(assignment=assignment, user=reviewer, has_conflict=False)
    services.review_score(assignment=assignment, user=reviewer, scores={relevance.pk: {"score": 4, "comment": ""}})
    assert Score.objects.count() == 1
    services.review_declare(assignment=assignment, user=reviewer, has_conflict=True, reason="Lien familial")
    assert not Score.objects.exists()


def test_only_the_assigned_reviewer_declares_and_scores(world, setup):
    application, relevance, _f = setup
    assignment = ReviewAssignmentFactory(application=application, reviewer=world.members[Role.REVIEWER])
    for user in (world.members[Role.ADMIN], world.outsider):
        with pytest.raises(PermissionDenied):
            services.review_declare(assignment=assignment, user=user, has_conflict=False)
        with pytest.raises(PermissionDenied):
            services.review_score(assignment=assignment, user=user, scores={})


def test_submit_needs_every_criterion_scored_and_commented_then_is_final(world, setup):
    application, relevance, feasibility = setup
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    services.review_declare(assignment=assignment, user=reviewer, has_conflict=False)
    with pytest.raises(ValidationError) as exc:
        services.review_score(
            assignment=assignment,
            user=reviewer,
            scores={relevance.pk: {"score": 4, "comment": "Bien"}, feasibility.pk: {"score": 2, "comment": ""}},
            submit=True,
        )
    assert set(exc.value.error_dict) == {f"comment_{feasibility.pk}"}
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    with pytest.raises(ValidationError):
        services.review_score(assignment=assignment, user=reviewer, scores={relevance.pk: {"score": 6}})
    with pytest.raises(ValidationError):
        services.review_score(assignment=assignment, user=reviewer, scores={999999: {"score": 1}})
    _submit_scores = {relevance.pk: {"score": 4, "comment": "Bien"}, feasibility.pk: {"score": 2, "comment": "Juste"}}
    services.review_score(assignment=assignment, user=reviewer, scores=_submit_scores, submit=True)
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    with pytest.raises(ValidationError):
        services.review_score(assignment=assignment, user=reviewer, scores=_submit_scores)


def test_mean_and_spread_on_known_values_conflicted_left_out(world, setup):
    application, relevance, feasibility = setup
    a, b, c = (_reviewer(world, f"r{n}@alpha.test") for n in range(3))
    _submit(ReviewAssignmentFactory(application=application, reviewer=a), a, [(relevance, 4), (feasibility, 1)])
    _submit(ReviewAssignmentFactory(application=application, reviewer=b), b, [(relevance, 2), (feasibility, 5)])
    conflicted = ReviewAssignmentFactory(application=application, reviewer=c)
    services.review_declare(assignment=conflicted, user=c, has_conflict=True, reason="Salarié de la structure")
    # A draft of a fourth reviewer is not counted either.
    d = _reviewer(world, "r3@alpha.test")
    draft = ReviewAssignmentFactory(application=application, reviewer=d)
    services.review_declare(assignment=draft, user=d, has_conflict=False)
    services.review_score(assignment=draft, user=d, scores={relevance.pk: {"score": 0, "comment": ""}})

    summary = application_score_summary(application)
    rows = {row.criterion.pk: row for row in summary.rows}
    assert rows[relevance.pk].mean == 3 and rows[relevance.pk].spread == 1  # scores 4 and 2
    assert rows[feasibility.pk].mean == 3 and rows[feasibility.pk].spread == 2  # scores 1 and 5
    assert summary.count == 2
    assert summary.weighted_mean == 3  # (3*2 + 3*1) / 3
    # Reviewer means: a = (8+1)/3 = 3, b = (4+5)/3 = 3: no spread between reviewers.
    assert summary.reviewer_means == [3, 3]
    assert summary.spread == 0


def test_weighted_mean_uses_the_weights(world, setup):
    application, relevance, feasibility = setup
    a = _reviewer(world, "solo@alpha.test")
    _submit(ReviewAssignmentFactory(application=application, reviewer=a), a, [(relevance, 5), (feasibility, 2)])
    summary = application_score_summary(application)
    assert math.isclose(summary.weighted_mean, 4.0)  # (5*2 + 2*1) / 3


def test_the_others_scores_only_after_submitting_mine(world, setup):
    application, relevance, feasibility = setup
    a, b = _reviewer(world, "a@alpha.test"), _reviewer(world, "b@alpha.test")
    _submit(ReviewAssignmentFactory(application=application, reviewer=a), a, [(relevance, 5), (feasibility, 5)])
    mine = ReviewAssignmentFactory(application=application, reviewer=b)
    services.review_declare(assignment=mine, user=b, has_conflict=False)
    assert visible_summary(mine, user=b) is None
    _submit_scores = {relevance.pk: {"score": 1, "comment": "x"}, feasibility.pk: {"score": 1, "comment": "y"}}
    services.review_score(assignment=mine, user=b, scores=_submit_scores, submit=True)
    mine.refresh_from_db()
    assert visible_summary(mine, user=b).count == 2
