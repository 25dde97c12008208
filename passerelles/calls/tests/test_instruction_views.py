import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.models import Annotation, Answer, ApplicationTransition, Attachment, Message
from passerelles.calls.services import reviews as review_services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    CriterionFactory,
    QuestionFactory,
    ReviewAssignmentFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import UserFactory

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def call(world):
    return CallFactory(organisation=world.org, title="Solidarité internationale")


@pytest.fixture
def application(call):
    return ApplicationFactory(call=call, submitted=True, title="Jardins partagés")


def _url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _officer(login, world):
    return login(world.members[Role.OFFICER])


# -- the list -----------------------------------------------------------------------------------------------


def test_list_hides_drafts_unless_asked_and_filters(world, login, call, application):
    draft = ApplicationFactory(call=call, title="Brouillon caché")
    other_call = CallFactory(organisation=world.org)
    other = ApplicationFactory(call=other_call, in_instruction=True, title="Autre appel")
    client = _officer(login, world)
    url = _url(world, "calls:applications")
    content = client.get(url).content.decode()
    assert application.reference in content and other.reference in content and draft.reference not in content
    assert draft.reference in client.get(url, {"drafts": "on"}).content.decode()
    content = client.get(url, {"call": call.pk}).content.decode()
    assert application.reference in content and other.reference not in content
    content = client.get(url, {"status": "in_instruction"}).content.decode()
    assert other.reference in content and application.reference not in content
    content = client.get(url, {"q": "jardins"}).content.decode()
    assert application.reference in content and other.reference not in content
    content = client.get(url, {"eligibility": "none"}).content.decode()
    assert application.reference in content


def test_list_filters_by_reviewer_and_ignores_hostile_filters(world, login, call, application):
    other = ApplicationFactory(call=call, submitted=True)
    ReviewAssignmentFactory(application=application, reviewer=world.members[Role.REVIEWER])
    client = _officer(login, world)
    url = _url(world, "calls:applications")
    content = client.get(url, {"reviewer": world.members[Role.REVIEWER].pk}).content.decode()
    assert application.reference in content and other.reference not in content
    response = client.get(url, {"call": "abc", "status": HOSTILE, "q": HOSTILE, "reviewer": "99999999999999999999"})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_list_of_another_organisation_is_never_shown(world, login, application):
    beta = ApplicationFactory(call=CallFactory(organisation=world.other_org), submitted=True)
    content = _officer(login, world).get(_url(world, "calls:applications")).content.decode()
    assert beta.reference not in content


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _bulk(world, call, criteria, n):
    for _i in range(n):
        application = ApplicationFactory(call=call, submitted=True)
        for question in call.questions.all():
            Answer.objects.create(organisation=world.org, application=application, question=question, value="x")
        reviewer = UserFactory()
        assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer, has_conflict=False)
        for criterion in criteria:
            assignment.scores.create(organisation=world.org, criterion=criterion, score=3, comment="ok")
        assignment.submitted_at = timezone.now()
        assignment.save()


def test_list_and_export_queries_do_not_grow(world, login, call):
    criteria = [CriterionFactory(call=call), CriterionFactory(call=call)]
    QuestionFactory(call=call)
    client = _officer(login, world)
    url, export = _url(world, "calls:applications"), _url(world, "calls:applications_export")
    _bulk(world, call, criteria, 2)
    client.get(url)  # warm up the session
    small = (_count(client, url), _count(client, export, {"call": call.pk}), _count(client, export))
    _bulk(world, call, criteria, 6)
    large = (_count(client, url), _count(client, export, {"call": call.pk}), _count(client, export))
    assert small == large


# -- the export ---------------------------------------------------------------------------------------------


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_has_one_column_per_question_and_criterion_and_neutralises_formulas(world, login, call, application):
    question = QuestionFactory(call=call, label="Public visé ?")
    criterion = CriterionFactory(call=call, label="Pertinence", weight=2)
    Answer.objects.create(
        organisation=world.org, application=application, question=question, value='=HYPERLINK("http://x","y")'
    )
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    review_services.review_declare(assignment=assignment, user=reviewer, has_conflict=False)
    review_services.review_score(
        assignment=assignment, user=reviewer, scores={criterion.pk: {"score": 4, "comment": "Bon"}}, submit=True
    )
    client = _officer(login, world)
    response = client.get(_url(world, "calls:applications_export"), {"call": call.pk})
    assert response["Content-Disposition"].startswith("attachment")
    header, row = _rows(response)
    assert "Public visé ?" in header
    assert "Pertinence — moyenne" in header and "Pertinence — écart-type" in header
    assert "Moyenne pondérée /5" in header and "Motivation" in header
    assert row[header.index("Public visé ?")] == '\'=HYPERLINK("http://x","y")'
    assert row[header.index("Pertinence — moyenne")] == "4.0"
    assert row[header.index("Évaluations remises")] == "1"

    # Without a call filter: the common fields only.
    header, _row = _rows(client.get(_url(world, "calls:applications_export")))
    assert "Public visé ?" not in header and "Moyenne pondérée /5" in header

    response = client.get(_url(world, "calls:applications_export"), {"call": call.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert '\'=HYPERLINK("http://x","y")' in values
    assert client.get(_url(world, "calls:applications_export"), {"format": "pdf"}).status_code == 404


# -- the instruction page -----------------------------------------------------------------------------------


def test_page_renders_a_frozen_version_defensively_and_escapes(world, login, call, application):
    application.submitted_version = {
        # The shape written by services/applications.py at submission, plus junk.
        "fields": {"title": HOSTILE, "modality": "cofinancing", "modality_label": "Cofinancement", "extra": 1},
        "answers": [{"question": "Public ?", "value": ["jeunes", "femmes"]}, "garbage", {"no": "label"}],
        "budget": [{"side": "expense", "label": "Billets", "amount": "1200.00"}],
        "attachments": [{"document": "Statuts", "name": "statuts.pdf", "sha256": "ab" * 32}],
    }
    application.self_check = {"eligible": False, "reasons": ["Structure trop récente"]}
    application.save()
    BudgetLineFactory(application=application, amount=1000)
    BudgetLineFactory(application=application, side="resource", amount=400, funder="Région")
    Annotation.objects.create(organisation=world.org, application=application, body="Note interne secrète")
    response = _officer(login, world).get(_url(world, "calls:application", application.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "INVALID-VARIABLE" not in content
    assert "&lt;script&gt;" in content and HOSTILE not in content
    assert "jeunes ; femmes" in content and "statuts.pdf" in content and "Structure trop récente" in content
    assert "Intitulé du projet" in content and "Soutien demandé" in content and "cofinancing" not in content
    assert "Note interne secrète" in content
    assert "Le budget n&#x27;est pas équilibré." in content or "Le budget n'est pas équilibré." in content
    # The committee's decisions are not offered here.
    assert "Passer en instruction" in content and "accepted" not in response.context["file"]["officer_targets"]


def test_page_with_a_broken_frozen_version(world, login, application):
    application.submitted_version = {"fields": "nope", "answers": {"a": 1}, "attachments": "x", "budget_lines": [1]}
    application.self_check = ["not", "a", "dict"]
    application.save()
    response = _officer(login, world).get(_url(world, "calls:application", application.pk))
    assert response.status_code == 200
    assert "INVALID-VARIABLE" not in response.content.decode()


def test_viewer_reads_without_annotations_nor_forms(world, login, application):
    Annotation.objects.create(organisation=world.org, application=application, body="Note interne secrète")
    response = login(world.members[Role.VIEWER]).get(_url(world, "calls:application", application.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Note interne secrète" not in content and "Passer en instruction" not in content


def test_attachment_is_downloaded_as_attachment(world, login, application):
    attachment = Attachment(
        organisation=world.org,
        application=application,
        original_name="budget.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    attachment.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    response = _officer(login, world).get(_url(world, "calls:application_attachment", attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


# -- the officers' POSTs ------------------------------------------------------------------------------------


def test_instruct_then_illegal_move_gives_422_with_the_workflow_message(world, login, application):
    client = _officer(login, world)
    response = client.post(_url(world, "calls:application_instruct", application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_INSTRUCTION
    response = client.post(_url(world, "calls:application_instruct", application.pk))
    assert response.status_code == 422
    assert "Passage impossible" in response.content.decode()
    assert ApplicationTransition.objects.count() == 1


def test_return_refuses_past_date_and_empty_message(world, login, application):
    client = _officer(login, world)
    url = _url(world, "calls:application_return", application.pk)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"message": "Statuts", "due_on": yesterday})
    assert response.status_code == 422
    assert "doit être dans le futur" in response.content.decode()
    response = client.post(url, {"message": "", "due_on": "pas une date"})
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert client.post(url, {"message": HOSTILE, "due_on": tomorrow}).status_code == 302
    content = client.get(_url(world, "calls:application", application.pk)).content.decode()
    assert "&lt;script&gt;" in content and HOSTILE not in content


def test_eligibility_form_needs_a_reason_when_not_eligible(world, login, application):
    client = _officer(login, world)
    url = _url(world, "calls:application_eligibility", application.pk)
    response = client.post(url, {"eligible": "no", "note": ""})
    assert response.status_code == 422
    assert "Donnez le motif" in response.content.decode()
    assert client.post(url, {"eligible": "maybe"}).status_code == 422
    assert client.post(url, {"eligible": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.eligibility_ok is True


def test_annotation_and_message_validation(world, login, application, django_capture_on_commit_callbacks):
    client = _officer(login, world)
    assert client.post(_url(world, "calls:application_annotate", application.pk), {"body": "  "}).status_code == 422
    huge = {"body": "x" * 6000}
    assert client.post(_url(world, "calls:application_message", application.pk), huge).status_code == 422
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, "calls:application_message", application.pk), {"body": "Bonjour"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [application.actor.account.email]


def test_assign_and_remove(world, login, application):
    client = _officer(login, world)
    url = _url(world, "calls:application_assign", application.pk)
    assert client.post(url, {"reviewer": world.members[Role.PARTNER].pk}).status_code == 422
    assert client.post(url, {"reviewer": application.applicant.pk}).status_code == 422
    assert client.post(url, {"reviewer": world.members[Role.REVIEWER].pk}).status_code == 302
    assignment = application.assignments.get()
    response = client.post(_url(world, "calls:assignment_remove", assignment.pk))
    assert response.status_code == 302
    assert not application.assignments.exists()


# -- the applicant's thread ---------------------------------------------------------------------------------


def test_applicant_thread_is_theirs_only(world, client, login, application, django_capture_on_commit_callbacks):
    url = reverse("applicant:messages", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
    login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "intrusion"}).status_code == 404
    login(world.members[Role.OFFICER])
    assert client.get(url).status_code == 404

    Annotation.objects.create(organisation=world.org, application=application, body="Note interne secrète")
    ReviewAssignmentFactory(application=application, reviewer=world.members[Role.REVIEWER])
    Message.objects.create(organisation=world.org, application=application, body="Question du service")
    login(application.applicant)
    content = client.get(url).content.decode()
    assert "Question du service" in content
    assert "Note interne secrète" not in content and world.members[Role.REVIEWER].email not in content
    assert client.post(url, {"body": ""}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"body": HOSTILE}).status_code == 302
    assert world.members[Role.OFFICER].email in mail.outbox[-1].to
    content = client.get(url).content.decode()
    assert "&lt;script&gt;" in content and HOSTILE not in content


def _fill(world, application, criteria, n):
    """n reviewers with scores, n messages, n annotations, n transitions-worth of history, n budget lines."""
    for i in range(n):
        assignment = ReviewAssignmentFactory(application=application, reviewer=UserFactory(), has_conflict=False)
        for criterion in criteria:
            assignment.scores.create(organisation=world.org, criterion=criterion, score=i % 6, comment="ok")
        assignment.submitted_at = timezone.now()
        assignment.save()
        Message.objects.create(organisation=world.org, application=application, body=f"Message {i}")
        Annotation.objects.create(organisation=world.org, application=application, body=f"Note {i}")
        BudgetLineFactory(application=application, label=f"Poste {i}")
        Attachment.objects.create(
            organisation=world.org,
            application=application,
            file=ContentFile(b"%PDF-1.4", name=f"piece{i}.pdf"),
            original_name=f"piece{i}.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )


def test_instruction_page_queries_do_not_grow_with_reviews_messages_and_files(world, login, call, application):
    criteria = [CriterionFactory(call=call), CriterionFactory(call=call)]
    client = _officer(login, world)
    url = _url(world, "calls:application", application.pk)
    client.get(url)  # first visit: session and caches
    _fill(world, application, criteria, 2)
    small = _count(client, url)
    _fill(world, application, criteria, 12)
    assert _count(client, url) == small
