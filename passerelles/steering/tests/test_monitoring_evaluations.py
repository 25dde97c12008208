"""Evaluations (report PDF by content, programme XOR project), their follow-ups, coverage, and lessons learned."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory
from passerelles.steering.enums import ActivityStatus, EvaluationKind
from passerelles.steering.models import Evaluation, FollowUp, LessonLearned
from passerelles.steering.selectors.monitoring import evaluation_coverage
from passerelles.steering.tests.factories import ProgrammeFactory, ProjectFactory

HOSTILE = '<script>alert("x")</script>'
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


@pytest.fixture
def officer(steering, client):
    client.force_login(steering.world.members[Role.OFFICER])
    return client


def evaluation_data(s, **overrides):
    data = {
        "kind": EvaluationKind.EXTERNAL,
        "title": "Évaluation finale du programme",
        "programme": s.programme.pk,
        "project": "",
        "evaluator": "F3E",
        "start": "2013-01-01",
        "end": "2013-06-30",
        "findings": "Des résultats tangibles",
        "recommendations": "",
        "management_response": "",
    }
    data.update(overrides)
    return data


def make_evaluation(s, **fields):
    values = {"kind": EvaluationKind.INTERNAL, "title": "Évaluation", "project": s.project, "evaluator": "Service"}
    values.update(fields)
    return Evaluation.objects.create(organisation=s.world.org, **values)


def test_officer_creates_an_evaluation_with_its_pdf_report(steering, officer):
    data = evaluation_data(steering, document=SimpleUploadedFile("rapport.pdf", PDF, "application/pdf"))
    response = officer.post(url(steering, "steering:evaluation_create"), data)
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == url(steering, "steering:evaluation", evaluation.pk)
    assert evaluation.programme == steering.programme and evaluation.project is None
    report = officer.get(url(steering, "steering:evaluation_report", evaluation.pk))
    assert report.status_code == 200 and b"".join(report.streaming_content) == PDF
    assert report["Content-Type"] == "application/pdf"
    # Editing without a new file keeps the report.
    data = evaluation_data(steering, title="Évaluation finale")
    assert officer.post(url(steering, "steering:evaluation_edit", evaluation.pk), data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.title == "Évaluation finale" and evaluation.document


BAD_EVALUATION_INPUT = [
    ("title", {"title": ""}, "obligatoire"),
    ("title", {"title": "x" * 10_000}, "au plus 255"),
    ("evaluator", {"evaluator": ""}, "obligatoire"),
    ("findings", {"findings": "x" * 10_000}, "au plus 8000"),
    ("kind", {"kind": "amical"}, "choix valide"),
    ("end", {"end": "2012-01-01"}, "ne peut pas précéder"),
    ("start", {"start": "2013-02-30"}, "date valide"),
    ("programme", {"programme": "", "project": ""}, "Choisissez le programme ou le projet"),
    ("project", {"project": "__project__"}, "pas les deux"),
    ("programme", {"programme": "999999"}, "choix valide"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_EVALUATION_INPUT)
def test_bad_evaluation_input_is_refused_on_the_field(steering, officer, field, overrides, message):
    overrides = {k: (steering.project.pk if v == "__project__" else v) for k, v in overrides.items()}
    response = officer.post(url(steering, "steering:evaluation_create"), evaluation_data(steering, **overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field]).replace("\xa0", " ")
    assert "rien n'a été enregistré" in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), "type accepté (PDF)"),
        (SimpleUploadedFile("rapport.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"), "limite est de"),
    ],
)
def test_report_must_be_a_pdf_by_content_and_at_most_10_mb(steering, officer, upload, message):
    response = officer.post(url(steering, "steering:evaluation_create"), evaluation_data(steering, document=upload))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["document"])
    assert not Evaluation.objects.exists()


def test_ids_of_another_organisation_are_refused(steering, officer):
    foreign_programme = ProgrammeFactory(organisation=steering.world.other_org)
    for overrides, field in [
        ({"programme": foreign_programme.pk}, "programme"),
        ({"programme": "", "project": steering.other_org_project.pk}, "project"),
    ]:
        response = officer.post(url(steering, "steering:evaluation_create"), evaluation_data(steering, **overrides))
        assert response.status_code == 422 and field in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_hostile_text_is_shown_escaped(steering, officer):
    data = evaluation_data(steering, title=HOSTILE, evaluator=HOSTILE, findings=HOSTILE)
    assert officer.post(url(steering, "steering:evaluation_create"), data).status_code == 302
    evaluation = Evaluation.objects.get()
    for page in (url(steering, "steering:evaluations"), url(steering, "steering:evaluation", evaluation.pk)):
        html = officer.get(page).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html, page


def test_evaluation_follow_up_and_report_absent(steering, officer):
    evaluation = make_evaluation(steering)
    assert officer.get(url(steering, "steering:evaluation_report", evaluation.pk)).status_code == 404
    data = {"text": "Partager les conclusions", "owner": steering.world.directorate.pk, "due_date": "2030-01-01"}
    response = officer.post(url(steering, "steering:evaluation_follow_up_create", evaluation.pk), data)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.evaluation == evaluation and follow_up.mission is None
    response = officer.post(url(steering, "steering:follow_up_status", follow_up.pk), {"status": "in_progress"})
    assert response["Location"].startswith(url(steering, "steering:evaluation", evaluation.pk))
    foreign = DirectorateFactory(organisation=steering.world.other_org)
    response = officer.post(
        url(steering, "steering:evaluation_follow_up_create", evaluation.pk), {**data, "owner": foreign.pk}
    )
    assert response.status_code == 422 and FollowUp.objects.count() == 1


def test_evaluation_list_filters_and_export(steering, officer):
    make_evaluation(steering, title="Interne projet", end=datetime.date(2014, 1, 1))
    make_evaluation(
        steering, title="=Externe programme", kind=EvaluationKind.EXTERNAL, project=None, programme=steering.programme
    )
    response = officer.get(url(steering, "steering:evaluations"), {"kind": "external"})
    assert [e.title for e in response.context["page"].object_list] == ["=Externe programme"]
    response = officer.get(url(steering, "steering:evaluations"), {"year": "2014"})
    assert [e.title for e in response.context["page"].object_list] == ["Interne projet"]
    response = officer.get(url(steering, "steering:evaluations_export"), {"kind": "external", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'=Externe programme"]


def test_evaluation_coverage(steering):
    org = steering.world.org
    other_programme = ProgrammeFactory(organisation=org, start_year=2013, end_year=2015)
    make_evaluation(steering, kind=EvaluationKind.EXTERNAL, project=None, programme=steering.programme)
    make_evaluation(steering, kind=EvaluationKind.INTERNAL, project=None, programme=other_programme)
    closed = [ProjectFactory(organisation=org, status=ActivityStatus.CLOSED) for _ in range(4)]
    make_evaluation(steering, project=closed[0])
    make_evaluation(steering, project=closed[0])
    make_evaluation(steering, project=closed[1], kind=EvaluationKind.EXTERNAL)
    coverage = evaluation_coverage(organisation=org)
    assert {p.pk: p.has_external_evaluation for p in coverage.programmes} == {
        steering.programme.pk: True,
        other_programme.pk: False,
    }
    assert (coverage.closed_projects, coverage.closed_projects_evaluated, coverage.closed_share_percent) == (4, 2, 50)
    empty = evaluation_coverage(organisation=steering.world.other_org)
    assert (empty.programmes, empty.closed_projects, empty.closed_share_percent) == ([], 0, 0)


# -- lessons learned ----------------------------------------------------------------------------------


def lesson_data(s, **overrides):
    data = {
        "title": "Associer les services dès le montage",
        "text": "Les directions associées tôt portent le projet.",
        "learned_on": "2014-05-01",
        "projects": [s.project.pk],
        "evaluation": "",
    }
    data.update(overrides)
    return data


def test_officer_records_a_lesson_and_lists_it(steering, officer):
    evaluation = make_evaluation(steering)
    response = officer.post(url(steering, "steering:lesson_create"), lesson_data(steering, evaluation=evaluation.pk))
    assert response.status_code == 302
    lesson = LessonLearned.objects.get()
    assert list(lesson.projects.all()) == [steering.project] and lesson.evaluation == evaluation
    response = officer.get(url(steering, "steering:lessons"), {"project": steering.project.pk})
    assert list(response.context["page"].object_list) == [lesson]
    response = officer.get(url(steering, "steering:lessons"), {"project": steering.other_project.pk})
    assert list(response.context["page"].object_list) == []
    response = officer.get(url(steering, "steering:lessons_export"), {"format": "csv"})
    assert "Associer les services" in response.content.decode("utf-8-sig")
    assert lesson.title in officer.get(url(steering, "steering:evaluation", evaluation.pk)).content.decode()


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("title", {"title": ""}, "obligatoire"),
        ("text", {"text": ""}, "obligatoire"),
        ("text", {"text": "x" * 10_000}, "au plus 8000"),
        ("learned_on", {"learned_on": "2014-13-01"}, "date valide"),
        ("evaluation", {"evaluation": "999999"}, "choix valide"),
        ("projects", {"projects": ["999999"]}, "choix valide"),
    ],
)
def test_bad_lesson_input_is_refused(steering, officer, field, overrides, message):
    response = officer.post(url(steering, "steering:lesson_create"), lesson_data(steering, **overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field]).replace("\xa0", " ")
    assert not LessonLearned.objects.exists()


def test_lesson_ids_of_another_organisation_and_hostile_text(steering, officer):
    response = officer.post(
        url(steering, "steering:lesson_create"), lesson_data(steering, projects=[steering.other_org_project.pk])
    )
    assert response.status_code == 422 and "projects" in response.context["form"].errors
    assert (
        officer.post(url(steering, "steering:lesson_create"), lesson_data(steering, title=HOSTILE)).status_code == 302
    )
    html = officer.get(url(steering, "steering:lessons")).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VIEWER])
def test_pages_render_without_undefined_variables(steering, client, role):
    from passerelles.steering.models import MissionDelegate, MonitoringMission

    client.force_login(steering.world.members[role])
    org = steering.world.org
    mission = MonitoringMission.objects.create(
        organisation=org, territory=steering.kayes, start=datetime.date(2014, 1, 1), end=datetime.date(2014, 1, 2)
    )
    mission.projects.set([steering.project])
    MissionDelegate.objects.create(organisation=org, mission=mission, role="Élu·e")
    FollowUp.objects.create(organisation=org, mission=mission, text="Sans responsable ni échéance")
    on_programme = make_evaluation(steering, project=None, programme=steering.programme)
    on_project = make_evaluation(steering, end=datetime.date(2014, 1, 1))
    FollowUp.objects.create(organisation=org, evaluation=on_project, text="Suite", due_date=datetime.date(2001, 1, 1))
    LessonLearned.objects.create(organisation=org, title="Sans évaluation", text="x")
    LessonLearned.objects.create(organisation=org, title="Avec évaluation", text="x", evaluation=on_programme)
    pages = [
        url(steering, "steering:missions"),
        url(steering, "steering:mission", mission.pk),
        url(steering, "steering:evaluations"),
        url(steering, "steering:evaluation", on_programme.pk),
        url(steering, "steering:evaluation", on_project.pk),
        url(steering, "steering:lessons"),
    ]
    if role == Role.OFFICER:
        pages += [
            url(steering, "steering:mission_create"),
            url(steering, "steering:mission_edit", mission.pk),
            url(steering, "steering:evaluation_create"),
            url(steering, "steering:evaluation_edit", on_project.pk),
            url(steering, "steering:lesson_create"),
        ]
    for page in pages:
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert "INVALID-VARIABLE" not in html, (page, html[html.find("INVALID-VARIABLE") - 200 :][:400])
