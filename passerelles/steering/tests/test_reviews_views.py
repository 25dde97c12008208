"""Alignment reviews: the review form (one row per criterion), a project's reviews, and the portfolio view."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory
from passerelles.steering.enums import Rating
from passerelles.steering.models import AlignmentReview, CriterionAssessment
from passerelles.steering.services.reviews import review_create
from passerelles.steering.tests.factories import ProjectFactory
from passerelles.strategy.tests.factories import CriterionFactory

HOSTILE = '<script>alert("x")</script>'


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


@pytest.fixture
def officer(steering, client):
    client.force_login(steering.world.members[Role.OFFICER])
    return client


@pytest.fixture
def criteria(steering):
    """The adopted document has two criteria: C1 (from the world) and C2."""
    CriterionFactory(document=steering.world.document, code="C2", position=2)
    return list(steering.world.document.criteria.order_by("position", "code"))


def review_data(criteria, **overrides):
    data = {"reviewed_on": "2014-03-01", "summary": "Examen annuel"}
    for c in criteria:
        p = f"c{c.pk}"
        data.update(
            {
                f"{p}-rating": Rating.MET,
                f"{p}-comment": "",
                f"{p}-adaptation": "",
                f"{p}-owner": "",
                f"{p}-due_date": "",
            }
        )
    data.update(overrides)
    return data


def make_review(s, project, *, reviewed_on, adaptations=(), user_role=Role.OFFICER):
    """A review of `project` rating every criterion; `adaptations`: [(criterion, due_date, done)]."""
    rows = []
    by_criterion = {c.pk: (due, done) for c, due, done in adaptations}
    for c in s.world.document.criteria.all():
        needs = c.pk in by_criterion
        rows.append(
            {
                "criterion": c,
                "rating": Rating.PARTLY if needs else Rating.MET,
                "adaptation_required": needs,
                "adaptation": f"Adapter {c.code}" if needs else "",
                "owner": s.world.directorate if needs else None,
                "due_date": by_criterion[c.pk][0] if needs else None,
            }
        )
    review = review_create(project=project, user=s.world.members[user_role], assessments=rows, reviewed_on=reviewed_on)
    for c, _due, done in adaptations:
        if done:
            review.assessments.filter(criterion=c).update(adaptation_done=True)
    return review


# -- the review form ----------------------------------------------------------------------------------


def test_officer_reviews_a_project_with_one_row_per_criterion(steering, officer, criteria):
    c1, c2 = criteria
    data = review_data(
        criteria,
        **{
            f"c{c2.pk}-rating": Rating.NOT_MET,
            f"c{c2.pk}-adaptation_required": "on",
            f"c{c2.pk}-adaptation": "Associer les acteurs du territoire",
            f"c{c2.pk}-owner": steering.world.directorate.pk,
            f"c{c2.pk}-due_date": "2010-01-31",  # a past date is historical, not refused
        },
    )
    response = officer.post(url(steering, "steering:project_review_create", steering.project.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url(steering, "steering:project_reviews", steering.project.pk)
    review = AlignmentReview.objects.get()
    assert review.project == steering.project and review.document == steering.world.document
    assert review.reviewer == steering.world.members[Role.OFFICER]
    assessment = review.assessments.get(criterion=c2)
    assert assessment.adaptation_required and assessment.owner == steering.world.directorate
    assert assessment.due_date == datetime.date(2010, 1, 31)
    assert review.assessments.get(criterion=c1).rating == Rating.MET


def test_the_form_shows_every_criterion_of_the_adopted_document(steering, officer, criteria):
    html = officer.get(url(steering, "steering:project_review_create", steering.project.pk)).content.decode()
    for c in criteria:
        assert f'name="c{c.pk}-rating"' in html and c.title in html


def _refused(officer, steering, data, prefix, field, message):
    response = officer.post(url(steering, "steering:project_review_create", steering.project.pk), data)
    assert response.status_code == 422
    forms = {f.prefix: f for f in response.context["formset"].forms}
    forms[""] = response.context["formset"].review_form
    errors = " ".join(forms[prefix].errors[field]).replace("\xa0", " ")
    assert message in errors, errors
    assert "rien n'a été enregistré" in response.content.decode()
    assert not AlignmentReview.objects.exists() and not CriterionAssessment.objects.exists()


def test_a_missing_rating_is_refused_and_nothing_saved(steering, officer, criteria):
    c2 = criteria[1]
    data = review_data(criteria, **{f"c{c2.pk}-rating": ""})
    _refused(officer, steering, data, f"c{c2.pk}", "rating", "Appréciez ce principe")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rating", "excellent", "choix valide"),
        ("adaptation_required", None, "décrivez-la"),
        ("comment", "x" * 10_000, "au plus 5000"),
        ("due_date", "31/02/2014", "date valide"),
        ("owner", "999999", "choix valide"),
        ("owner", "pas-un-nombre", "choix valide"),
    ],
)
def test_bad_assessment_input_is_refused_on_the_field(steering, officer, criteria, field, value, message):
    p = f"c{criteria[0].pk}"
    if field == "adaptation_required":  # required adaptation without its text: the error is on the text
        data = review_data(criteria, **{f"{p}-adaptation_required": "on"})
        field = "adaptation"
    else:
        data = review_data(criteria, **{f"{p}-{field}": value})
    _refused(officer, steering, data, p, field, message)


def test_a_directorate_of_another_organisation_is_refused(steering, officer, criteria):
    foreign = DirectorateFactory(organisation=steering.world.other_org)
    p = f"c{criteria[0].pk}"
    data = review_data(criteria, **{f"{p}-owner": foreign.pk})
    _refused(officer, steering, data, p, "owner", "choix valide")


def test_bad_review_date_and_long_summary_are_refused(steering, officer, criteria):
    _refused(officer, steering, review_data(criteria, reviewed_on="2014-13-01"), "", "reviewed_on", "date valide")
    _refused(officer, steering, review_data(criteria, summary="x" * 10_000), "", "summary", "au plus 5000")


def test_hostile_text_is_shown_escaped(steering, officer, criteria):
    p = f"c{criteria[0].pk}"
    data = review_data(
        criteria,
        summary=HOSTILE,
        **{
            f"{p}-rating": Rating.PARTLY,
            f"{p}-comment": HOSTILE,
            f"{p}-adaptation_required": "on",
            f"{p}-adaptation": HOSTILE,
        },
    )
    assert officer.post(url(steering, "steering:project_review_create", steering.project.pk), data).status_code == 302
    for page in (url(steering, "steering:project_reviews", steering.project.pk), url(steering, "steering:alignment")):
        html = officer.get(page).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html, page


def test_project_of_another_organisation_or_not_visible_is_404(steering, client, criteria):
    client.force_login(steering.world.members[Role.OFFICER])
    assert client.get(url(steering, "steering:project_reviews", steering.other_org_project.pk)).status_code == 404
    client.force_login(steering.world.members[Role.PARTNER])  # party to Kayes, not to Dakar
    assert client.get(url(steering, "steering:project_reviews", steering.other_project.pk)).status_code == 404
    assert client.get(url(steering, "steering:project_reviews", steering.project.pk)).status_code == 200


# -- a project's reviews ------------------------------------------------------------------------------


def test_project_page_shows_latest_review_open_adaptations_and_older_ones(steering, officer, criteria):
    c1, c2 = criteria
    make_review(steering, steering.project, reviewed_on=datetime.date(2012, 1, 1), adaptations=[(c1, None, False)])
    make_review(
        steering,
        steering.project,
        reviewed_on=datetime.date(2014, 1, 1),
        adaptations=[(c2, datetime.date(2000, 1, 1), False)],
    )
    response = officer.get(url(steering, "steering:project_reviews", steering.project.pk))
    assert response.context["latest"].reviewed_on == datetime.date(2014, 1, 1)
    assert [r.reviewed_on for r in response.context["older"]] == [datetime.date(2012, 1, 1)]
    open_rows = response.context["open_adaptations"]
    assert [a.criterion.code for a in open_rows] == ["C2", "C1"]  # dated first
    assert open_rows[0].is_overdue and not open_rows[1].is_overdue
    html = response.content.decode()
    assert "en retard" in html and "Adapter C1" in html and "Examens précédents" in html


def test_marking_an_adaptation_done(steering, officer, criteria):
    review = make_review(
        steering, steering.project, reviewed_on=datetime.date(2014, 1, 1), adaptations=[(criteria[0], None, False)]
    )
    assessment = review.assessments.get(criterion=criteria[0])
    response = officer.post(url(steering, "steering:adaptation_done", steering.project.pk, assessment.pk))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.adaptation_done


def test_adaptation_of_another_project_is_404(steering, officer, criteria):
    review = make_review(
        steering,
        steering.other_project,
        reviewed_on=datetime.date(2014, 1, 1),
        adaptations=[(criteria[0], None, False)],
    )
    assessment = review.assessments.get(criterion=criteria[0])
    response = officer.post(url(steering, "steering:adaptation_done", steering.project.pk, assessment.pk))
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert not assessment.adaptation_done


# -- the portfolio ------------------------------------------------------------------------------------


def test_portfolio_lists_never_reviewed_and_open_adaptation_projects(steering, officer, criteria):
    org = steering.world.org
    c1 = criteria[0]
    reviewed_clean = ProjectFactory(organisation=org, code="OK-01")
    reviewed_done = ProjectFactory(organisation=org, code="DONE-01")
    make_review(steering, reviewed_clean, reviewed_on=datetime.date(2014, 1, 1))
    make_review(steering, reviewed_done, reviewed_on=datetime.date(2014, 1, 1), adaptations=[(c1, None, True)])
    make_review(
        steering,
        steering.project,
        reviewed_on=datetime.date(2014, 1, 1),
        adaptations=[(c1, datetime.date(2001, 1, 1), False)],
    )

    def codes(**params):
        response = officer.get(url(steering, "steering:alignment"), params)
        assert response.status_code == 200
        return [p.code for p in response.context["page"].object_list], response

    default, response = codes()
    assert default == ["DAK-01", "KAY-01"]  # never reviewed, and an adaptation open
    kay = response.context["page"].object_list[1]
    assert kay.open_count == 1 and kay.overdue_count == 1
    assert [a.adaptation for a in kay.open_adaptations] == ["Adapter C1"]
    html = response.content.decode()
    assert "Jamais examiné" in html and "en retard" in html and "Direction de la culture" in html
    assert codes(situation="never")[0] == ["DAK-01"]
    assert codes(situation="open")[0] == ["KAY-01"]
    assert codes(situation="all")[0] == ["DAK-01", "DONE-01", "KAY-01", "OK-01"]
    assert codes(territory=steering.kayes.pk)[0] == ["KAY-01"]
    assert codes(q="DAK")[0] == ["DAK-01"]
    # A filter of another organisation is refused, not applied to another space.
    _codes, response = codes(programme="999999")
    assert "programme" in response.context["filter_form"].errors
    assert "BETA-01" not in html


def test_portfolio_export_follows_filters_and_neutralises_formulas(steering, officer, criteria):
    steering.other_project.title = "=HYPERLINK(1)"
    steering.other_project.save()
    make_review(steering, steering.project, reviewed_on=datetime.date(2014, 1, 1))
    response = officer.get(url(steering, "steering:alignment_export"), {"situation": "never", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Code"
    assert [r[0] for r in rows[1:]] == ["DAK-01"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    response = officer.get(url(steering, "steering:alignment_export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert officer.get(url(steering, "steering:alignment_export"), {"format": "exe"}).status_code == 404


def _portfolio_queries(client, s) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(s, "steering:alignment"), {"situation": "all"})
    assert response.status_code == 200
    return len(queries)


def _grow(s, criteria, n: int, start: int) -> None:
    for i in range(start, start + n):
        project = ProjectFactory(organisation=s.world.org, code=f"GROW-{i:03}", partner_territories=[s.kayes])
        if i % 3:
            make_review(
                s,
                project,
                reviewed_on=datetime.date(2014, 1, 1),
                adaptations=[(c, datetime.date(2001 + i % 30, 1, 1), False) for c in criteria],
            )


def test_portfolio_costs_the_same_queries_at_two_sizes(steering, officer, criteria):
    _grow(steering, criteria, 3, 0)
    officer.get(url(steering, "steering:alignment"))
    small = _portfolio_queries(officer, steering)
    _grow(steering, criteria, 20, 3)
    assert _portfolio_queries(officer, steering) == small


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VIEWER, Role.PARTNER])
def test_pages_render_without_undefined_variables(steering, client, criteria, role):
    c1, c2 = criteria
    make_review(steering, steering.project, reviewed_on=datetime.date(2012, 1, 1), adaptations=[(c1, None, False)])
    review = make_review(steering, steering.project, reviewed_on=datetime.date(2014, 1, 1))
    review.assessments.filter(criterion=c2).update(adaptation_required=True, adaptation="Sans responsable", owner=None)
    client.force_login(steering.world.members[role])
    pages = [url(steering, "steering:project_reviews", steering.project.pk)]
    if role != Role.PARTNER:
        pages.append(url(steering, "steering:alignment") + "?situation=all")
    if role == Role.OFFICER:
        pages.append(url(steering, "steering:project_review_create", steering.project.pk))
    for page in pages:
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert "INVALID-VARIABLE" not in html, (page, html[html.find("INVALID-VARIABLE") - 200 :][:400])
