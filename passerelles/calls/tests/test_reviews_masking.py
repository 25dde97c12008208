"""A conflicted reviewer never sees the scores of that application, whatever other role he holds; an assigned reviewer
sees them only after submitting his own. One rule (permissions.can_see_scores) on every page and export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.calls.models import Score
from passerelles.calls.selectors.instruction import SCORES_HIDDEN_LABELS
from passerelles.calls.services import reviews as review_services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CommitteeSessionFactory,
    CriterionFactory,
    ReviewAssignmentFactory,
)
from passerelles.core import permissions
from passerelles.core.enums import Role
from passerelles.core.tests.factories import UserFactory

CONFLICT_LABEL = str(SCORES_HIDDEN_LABELS[permissions.SCORES_HIDDEN_CONFLICT])
PENDING_LABEL = str(SCORES_HIDDEN_LABELS[permissions.SCORES_HIDDEN_PENDING])
# The masked application: reviews (4, 3) and (4, 4) -> 3.75; criterion means 4 and 3.5; spread of reviewers 0.25.
MASKED_MEAN_PAGE, MASKED_MEAN_CSV = "3,75", "3.75"
# The other application: one review (2, 3) -> 2.50.
OPEN_MEAN_PAGE, OPEN_MEAN_CSV = "2,50", "2.5"


def _review(application, criteria, values):
    assignment = ReviewAssignmentFactory(
        application=application,
        reviewer=UserFactory(),
        has_conflict=False,
        declared_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    for criterion, value in zip(criteria, values, strict=True):
        Score.objects.create(
            organisation=application.organisation, assignment=assignment, criterion=criterion, score=value
        )


@pytest.fixture
def scored(world):
    call = CallFactory(organisation=world.org, envelope=Decimal("50000"))
    criteria = [CriterionFactory(call=call, label="Pertinence"), CriterionFactory(call=call, label="Faisabilité")]
    masked = ApplicationFactory(call=call, in_instruction=True, title="Projet masqué")
    _review(masked, criteria, (4, 3))
    _review(masked, criteria, (4, 4))
    visible = ApplicationFactory(call=call, in_instruction=True, title="Projet visible")
    _review(visible, criteria, (2, 3))
    session = CommitteeSessionFactory(call=call)
    return {"call": call, "criteria": criteria, "masked": masked, "visible": visible, "session": session}


def _url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _csv(response):
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return header, {row[header.index("Référence")]: row for row in rows}


def _pages(client, world, scored):
    """The four places where the scores of an application show, as (list, detail, session, export by call, export)."""
    masked = scored["masked"]
    return {
        "list": client.get(_url(world, "calls:applications")),
        "detail": client.get(_url(world, "calls:application", masked.pk)),
        "session": client.get(_url(world, "calls:session", scored["session"].pk)),
        "export_call": client.get(_url(world, "calls:applications_export"), {"call": scored["call"].pk}),
        "export": client.get(_url(world, "calls:applications_export")),
    }


def _line(response, application):
    return next(line for line in response.context["lines"] if line.application.pk == application.pk)


def _score_columns(header):
    return [i for i, name in enumerate(header) if "moyenne" in name.lower() or "écart-type" in name.lower()]


def _assert_visible(pages, scored):
    masked = scored["masked"]
    assert MASKED_MEAN_PAGE in pages["list"].content.decode()
    assert pages["detail"].context["file"]["summary"].count == 2
    assert MASKED_MEAN_PAGE in pages["detail"].content.decode()
    assert _line(pages["session"], masked).score == 3.75
    for key in ("export_call", "export"):
        header, rows = _csv(pages[key])
        assert rows[masked.reference][header.index("Moyenne pondérée /5")] == MASKED_MEAN_CSV


def _assert_masked(pages, scored, label):
    masked, visible = scored["masked"], scored["visible"]
    escaped = label.replace("'", "&#x27;")
    # The list: the mean is replaced by the reason; the other application keeps its score.
    content = pages["list"].content.decode()
    assert MASKED_MEAN_PAGE not in content and escaped in content and OPEN_MEAN_PAGE in content
    [row] = [a for a in pages["list"].context["page"].object_list if a.pk == masked.pk]
    assert row.summary is None and row.scores_hidden == label
    # The instruction page: no summary at all.
    response = pages["detail"]
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["file"]["summary"] is None and response.context["file"]["scores_hidden"] == label
    assert MASKED_MEAN_PAGE not in content and "Notes par critère" not in content and "3,50" not in content
    # The committee: still listed (the committee needs it), its score masked.
    response = pages["session"]
    content = response.content.decode()
    line = _line(response, masked)
    assert line.score is None and line.scores_hidden == label
    assert masked.reference in content and escaped in content
    assert MASKED_MEAN_PAGE not in content and OPEN_MEAN_PAGE in content
    assert _line(response, visible).score == 2.5
    # Both exports: every score cell of the masked row holds the reason; the other row keeps its numbers.
    for key in ("export_call", "export"):
        header, rows = _csv(pages[key])
        columns = _score_columns(header)
        assert header.index("Moyenne pondérée /5") in columns
        assert all(rows[masked.reference][i] == label for i in columns), rows[masked.reference]
        assert not {MASKED_MEAN_CSV, "4.0", "3.5", "0.25"} & set(rows[masked.reference])
        assert rows[visible.reference][header.index("Moyenne pondérée /5")] == OPEN_MEAN_CSV
    header, rows = _csv(pages["export_call"])
    assert "Pertinence — moyenne" in header and len(_score_columns(header)) == 6


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OFFICER, Role.ADMIN])
def test_a_conflicted_reviewer_never_sees_the_scores_whatever_his_role(world, login, scored, role):
    user = world.members[role]
    client = login(user)
    _assert_visible(_pages(client, world, scored), scored)  # before: he reads them like any reader
    assignment = ReviewAssignmentFactory(application=scored["masked"], reviewer=user)
    review_services.review_declare(assignment=assignment, user=user, has_conflict=True, reason="Administrateur")
    _assert_masked(_pages(client, world, scored), scored, CONFLICT_LABEL)
    # The review page itself shows nothing of the others' scores either.
    response = client.get(_url(world, "calls:review", assignment.pk))
    assert response.context["summary"] is None and MASKED_MEAN_PAGE not in response.content.decode()


def test_an_assigned_officer_sees_the_scores_only_after_submitting_his_own(world, login, scored):
    officer = world.members[Role.OFFICER]
    client = login(officer)
    assignment = ReviewAssignmentFactory(application=scored["masked"], reviewer=officer)
    _assert_masked(_pages(client, world, scored), scored, PENDING_LABEL)  # not declared yet
    review_services.review_declare(assignment=assignment, user=officer, has_conflict=False)
    _assert_masked(_pages(client, world, scored), scored, PENDING_LABEL)  # declared, not submitted
    criteria = scored["criteria"]
    review_services.review_score(
        assignment=assignment,
        user=officer,
        scores={criteria[0].pk: {"score": 4, "comment": "a"}, criteria[1].pk: {"score": 4, "comment": "b"}},
        submit=True,
    )
    pages = _pages(client, world, scored)
    # (4+3+4+4+4+4) / 6 = 3.83
    assert "3,83" in pages["list"].content.decode()
    assert _line(pages["session"], scored["masked"]).score == 3.83
    assert pages["detail"].context["file"]["summary"].count == 3


def test_can_see_scores_rule(world, scored):
    masked = scored["masked"]
    reviewer, officer = world.members[Role.REVIEWER], world.members[Role.OFFICER]
    # A reviewer role reads no scores unless he submitted his own review of that application.
    assert not permissions.can_see_scores(reviewer, masked)
    assert permissions.can_see_scores(officer, masked)
    assert not permissions.can_see_scores(world.members[Role.CONTRIBUTOR], masked)
    assert not permissions.can_see_scores(world.outsider, masked)
    assert not permissions.can_see_scores(None, masked)
    mine = ReviewAssignmentFactory(
        application=masked, reviewer=reviewer, has_conflict=False, declared_at=timezone.now()
    )
    assert not permissions.can_see_scores(reviewer, masked)
    mine.submitted_at = timezone.now()
    mine.save()
    assert permissions.can_see_scores(reviewer, masked)
    # A conflict on one application masks that one only.
    ReviewAssignmentFactory(application=masked, reviewer=officer, has_conflict=True, declared_at=timezone.now())
    assert not permissions.can_see_scores(officer, masked)
    assert permissions.can_see_scores(officer, scored["visible"])
    states = permissions.own_review_states(officer, world.org)
    assert states == {masked.pk: permissions.SCORES_HIDDEN_CONFLICT}
    assert permissions.scores_hidden_reason(officer, masked, review_states=states) == "conflict"


def test_the_journal_hides_the_scores_and_reviews_from_a_conflicted_admin(world, login, scored):
    admin = world.members[Role.ADMIN]
    masked, visible = scored["masked"], scored["visible"]
    masked_scores = set(Score.objects.filter(assignment__application=masked).values_list("pk", flat=True))
    visible_scores = set(Score.objects.filter(assignment__application=visible).values_list("pk", flat=True))
    client = login(admin)
    journal = _url(world, "core:journal")

    def ids(key):
        return {row.object_id for row in client.get(journal, {"objet": key}).context["rows"]}

    assert masked_scores <= ids("score")  # before: the admin reads every change
    mine = ReviewAssignmentFactory(application=masked, reviewer=admin)
    review_services.review_declare(assignment=mine, user=admin, has_conflict=True, reason="Trésorier")
    score_ids = ids("score")
    assert not masked_scores & score_ids and visible_scores <= score_ids
    assert not set(masked.assignments.values_list("pk", flat=True)) & ids("reviewassignment")
    one = next(iter(masked_scores))
    assert client.get(_url(world, "core:object_history", "score", one)).status_code == 404
    assignment = masked.assignments.exclude(pk=mine.pk).first()
    assert client.get(_url(world, "core:object_history", "reviewassignment", assignment.pk)).status_code == 404
    assert client.get(_url(world, "core:object_history", "score", next(iter(visible_scores)))).status_code == 200
