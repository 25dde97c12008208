import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.calls.models import Score
from passerelles.calls.services import reviews as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ReviewAssignmentFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import MembershipFactory, UserFactory

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def grid(world):
    call = CallFactory(organisation=world.org)
    criteria = [CriterionFactory(call=call, label="Pertinence", weight=2), CriterionFactory(call=call, label="Impact")]
    return ApplicationFactory(call=call, submitted=True), criteria


def _url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _member(world, email):
    user = UserFactory(email=email)
    MembershipFactory(organisation=world.org, user=user, role=Role.REVIEWER)
    return user


def _scores(criteria, score, comment="Argumenté", action="submit"):
    data = {"action": action, "general_comment": ""}
    for criterion in criteria:
        data[f"score_{criterion.pk}"] = str(score)
        data[f"comment_{criterion.pk}"] = comment
    return data


def test_declaration_first_then_grid(world, login, grid):
    application, criteria = grid
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    client = login(reviewer)
    content = client.get(_url(world, "calls:review", assignment.pk)).content.decode()
    assert "Déclaration de conflit d" in content
    assert "Pertinence" not in content and "score_" not in content
    # Scoring before declaring is refused.
    response = client.post(_url(world, "calls:review_score", assignment.pk), _scores(criteria, 3))
    assert response.status_code == 422
    assert not Score.objects.exists()
    response = client.post(_url(world, "calls:review_declare", assignment.pk), {"has_conflict": "yes", "reason": ""})
    assert response.status_code == 422 and "Précisez la nature" in response.content.decode()
    response = client.post(_url(world, "calls:review_declare", assignment.pk), {"has_conflict": "no"})
    assert response.status_code == 302
    content = client.get(_url(world, "calls:review", assignment.pk)).content.decode()
    assert "Pertinence" in content and f"score_{criteria[0].pk}" in content


def test_conflicted_reviewer_sees_exclusion_and_cannot_score(world, login, grid):
    application, criteria = grid
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    client = login(reviewer)
    response = client.post(
        _url(world, "calls:review_declare", assignment.pk), {"has_conflict": "yes", "reason": HOSTILE}
    )
    assert response.status_code == 302
    content = client.get(_url(world, "calls:review", assignment.pk)).content.decode()
    assert "exclu" in content and "score_" not in content
    assert "&lt;script&gt;" in content and HOSTILE not in content
    response = client.post(_url(world, "calls:review_score", assignment.pk), _scores(criteria, 5))
    assert response.status_code == 422
    assert "conflit d" in response.content.decode()
    assert not Score.objects.exists()


def test_reviewer_cannot_see_the_others_scores_before_submitting(world, login, grid):
    application, criteria = grid
    first = _member(world, "first@alpha.test")
    done = ReviewAssignmentFactory(application=application, reviewer=first)
    services.review_declare(assignment=done, user=first, has_conflict=False)
    services.review_score(
        assignment=done,
        user=first,
        scores={c.pk: {"score": 1, "comment": "Commentaire-du-premier"} for c in criteria},
        submit=True,
    )
    reviewer = world.members[Role.REVIEWER]
    mine = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    services.review_declare(assignment=mine, user=reviewer, has_conflict=False)
    client = login(reviewer)
    response = client.get(_url(world, "calls:review", mine.pk))
    content = response.content.decode()
    assert response.context["summary"] is None
    assert "Synthèse des évaluations" not in content and "Commentaire-du-premier" not in content

    # A draft first: partial, still no summary.
    draft = {"action": "save", f"score_{criteria[0].pk}": "5", f"comment_{criteria[0].pk}": ""}
    assert client.post(_url(world, "calls:review_score", mine.pk), draft).status_code == 302
    response = client.get(_url(world, "calls:review", mine.pk))
    assert response.context["summary"] is None
    # Submitting with a criterion unscored is refused on the field.
    response = client.post(_url(world, "calls:review_score", mine.pk), {**draft, "action": "submit"})
    assert response.status_code == 422 and "Notez ce critère" in response.content.decode()

    assert client.post(_url(world, "calls:review_score", mine.pk), _scores(criteria, 5)).status_code == 302
    response = client.get(_url(world, "calls:review", mine.pk))
    summary = response.context["summary"]
    assert summary.count == 2 and summary.weighted_mean == 3
    assert "Synthèse des évaluations remises" in response.content.decode()
    # Read-only now.
    assert client.post(_url(world, "calls:review_score", mine.pk), _scores(criteria, 0)).status_code == 422
    assert set(Score.objects.filter(assignment=mine).values_list("score", flat=True)) == {5}


@pytest.mark.parametrize("value", ["6", "-1", "abc", "99999999999999999999"])
def test_bad_scores_refused(world, login, grid, value):
    application, criteria = grid
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer, has_conflict=False)
    data = _scores(criteria, 3, action="save")
    data[f"score_{criteria[0].pk}"] = value
    response = login(reviewer).post(_url(world, "calls:review_score", assignment.pk), data)
    assert response.status_code == 422
    assert not Score.objects.exists()


def test_another_reviewers_assignment_is_refused(world, login, grid):
    application, _criteria = grid
    assignment = ReviewAssignmentFactory(application=application, reviewer=_member(world, "other@alpha.test"))
    client = login(world.members[Role.REVIEWER])
    assert client.get(_url(world, "calls:review", assignment.pk)).status_code == 403
    assert client.post(_url(world, "calls:review_declare", assignment.pk), {"has_conflict": "no"}).status_code == 403
    assignment.refresh_from_db()
    assert assignment.has_conflict is None


def test_my_reviews_lists_mine_only_with_states_and_constant_queries(world, login, grid):
    application, _criteria = grid
    reviewer = world.members[Role.REVIEWER]
    other = ReviewAssignmentFactory(application=application, reviewer=_member(world, "other@alpha.test"))
    client = login(reviewer)
    url = _url(world, "calls:my_reviews")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    def add(n):
        for _i in range(n):
            ReviewAssignmentFactory(
                application=ApplicationFactory(call=application.call, submitted=True), reviewer=reviewer
            )

    add(2)
    client.get(url)
    small, response = count()
    content = response.content.decode()
    assert other.application.reference not in content
    assert "Déclaration à faire" in content
    add(6)
    large, _response = count()
    assert small == large
    assert client.get(url, {"state": "submitted"}).context["page"].paginator.count == 0
    assert client.get(url, {"state": HOSTILE}).status_code == 200


def test_partner_has_no_reviews(world, login):
    assert login(world.members[Role.PARTNER]).get(_url(world, "calls:my_reviews")).status_code == 403
