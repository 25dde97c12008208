"""The reviewer reads what he scores: the submitted version, its budget and its files, once "no conflict" is declared.

Nothing before the declaration (but the title and the applicant's name), nothing for a conflicted reviewer, never
the private annotations, the message thread, the live draft or the applicant's contact details.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passerelles.calls.models import Annotation, Attachment, Message
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
SUBMITTED_HASH = "a" * 64


def _attachment(application, name, sha256, content=b"%PDF-1.4 submitted"):
    attachment = Attachment(
        organisation=application.organisation,
        application=application,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=sha256,
    )
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


def _version(n_answers=1, n_lines=1, attachments=()):
    """The shape written by services/applications.py::snapshot at submission."""
    return {
        "reference": "AAP-X",
        "actor": "Association Les Jardins",
        "fields": {
            "title": "Titre déposé",
            "summary": f"Résumé déposé {HOSTILE}",
            "modality": "cofinancing",
            "modality_label": "Cofinancement",
            "amount_requested": "4000.00",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        "answers": [{"question": f"Question déposée {i} ?", "kind": "short_text", "value": f"Réponse {i}"}
                    for i in range(n_answers)],
        "budget": [
            *[{"side": "expense", "label": f"Billets d'avion {i}", "amount": "1000.00", "funder": ""}
              for i in range(n_lines)],
            {"side": "resource", "label": "Subvention demandée", "amount": "4000.00", "funder": "Agglomération",
             "is_this_call": True},
        ],
        "attachments": [{"document": "Statuts", "name": a.original_name, "size": a.size, "sha256": a.sha256}
                        for a in attachments],
    }


@pytest.fixture
def dossier(world):
    call = CallFactory(organisation=world.org)
    CriterionFactory(call=call, label="Pertinence")
    application = ApplicationFactory(call=call, submitted=True, title="Titre déposé")
    application.actor.contact_email = "presidente@jardins.test"
    application.actor.contact_phone = "0601020304"
    application.actor.contact_consent_at = timezone.now()
    application.actor.save()
    submitted = _attachment(application, "statuts.pdf", SUBMITTED_HASH)
    application.submitted_version = _version(attachments=[submitted])
    application.save()
    # After submission: a file added while the application was back with the applicant, private notes, the thread.
    later = _attachment(application, "ajout-ulterieur.pdf", "b" * 64, b"%PDF-1.4 later")
    Annotation.objects.create(organisation=world.org, application=application, body="Annotation privée secrète")
    Message.objects.create(organisation=world.org, application=application, body="Message du fil privé")
    reviewer = world.members[Role.REVIEWER]
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    return {"application": application, "submitted": submitted, "later": later, "assignment": assignment}


def _url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _download_url(world, assignment, attachment):
    return _url(world, "calls:review_attachment", assignment.pk, attachment.pk)


def _assert_nothing_private(content):
    for secret in ("Annotation privée secrète", "Message du fil privé", "presidente@jardins.test", "0601020304"):
        assert secret not in content


def test_before_declaring_only_the_title_and_applicant(world, login, dossier):
    assignment = dossier["assignment"]
    client = login(world.members[Role.REVIEWER])
    response = client.get(_url(world, "calls:review", assignment.pk))
    content = response.content.decode()
    assert response.context["file"] is None
    assert "Titre déposé" in content and dossier["application"].actor.name in content
    assert "Dossier déposé" not in content and "Résumé déposé" not in content and "Billets d" not in content
    assert "statuts.pdf" not in content and "Réponse 0" not in content
    _assert_nothing_private(content)
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 403


def test_after_declaring_no_conflict_the_submitted_version_budget_and_files(world, login, dossier):
    assignment, application = dossier["assignment"], dossier["application"]
    reviewer = world.members[Role.REVIEWER]
    client = login(reviewer)
    response = client.post(_url(world, "calls:review_declare", assignment.pk), {"has_conflict": "no"})
    assert response.status_code == 302
    # The live application changes afterwards: the reviewer still reads what was submitted.
    application.title = "Titre modifié après dépôt"
    application.summary = "Brouillon modifié après dépôt"
    application.save()
    response = client.get(_url(world, "calls:review", assignment.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dossier déposé" in content
    assert "Résumé déposé" in content and "&lt;script&gt;" in content and HOSTILE not in content
    assert "Cofinancement" in content and "Question déposée 0 ?" in content and "Réponse 0" in content
    assert "Billets d&#x27;avion 0" in content and "Subvention demandée" in content
    assert "Total des dépenses" in content and "Le budget déposé n" in content  # 1 000 against 4 000
    assert "Brouillon modifié après dépôt" not in content
    assert "statuts.pdf" in content and _download_url(world, assignment, dossier["submitted"]) in content
    # A file added after submission is not part of what is scored.
    assert "ajout-ulterieur.pdf" not in content
    assert "INVALID-VARIABLE" not in content
    _assert_nothing_private(content)

    response = client.get(_download_url(world, assignment, dossier["submitted"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and "statuts.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 submitted"
    assert client.get(_download_url(world, assignment, dossier["later"])).status_code == 404
    # Hostile ids.
    for bad_pk in (99999999, 99999999999999999999):
        bad = reverse("calls:review_attachment", args=[world.org.slug, assignment.pk, bad_pk])
        assert client.get(bad).status_code == 404

    # Still there once the review is submitted (read only).
    criterion = application.call.criteria.get()
    services.review_score(
        assignment=assignment, user=reviewer, scores={criterion.pk: {"score": 4, "comment": "Bien"}}, submit=True
    )
    content = client.get(_url(world, "calls:review", assignment.pk)).content.decode()
    assert "Dossier déposé" in content and "Résumé déposé" in content
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 200


def test_a_conflicted_reviewer_reads_nothing_more(world, login, dossier):
    assignment = dossier["assignment"]
    client = login(world.members[Role.REVIEWER])
    response = client.post(
        _url(world, "calls:review_declare", assignment.pk), {"has_conflict": "yes", "reason": "Adhérent"}
    )
    assert response.status_code == 302
    response = client.get(_url(world, "calls:review", assignment.pk))
    content = response.content.decode()
    assert response.context["file"] is None
    assert "Dossier déposé" not in content and "Résumé déposé" not in content and "statuts.pdf" not in content
    _assert_nothing_private(content)
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 403


def test_a_file_missing_from_storage_is_listed_without_link_and_404(world, login, dossier):
    assignment = dossier["assignment"]
    assignment.has_conflict, assignment.declared_at = False, timezone.now()
    assignment.save()
    dossier["submitted"].file.delete(save=False)
    client = login(world.members[Role.REVIEWER])
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.OFFICER, Role.ADMIN, Role.VIEWER])
def test_another_member_not_assigned_is_refused(world, login, dossier, role):
    """A colleague's assignment is 403 (permission-matrix convention of the reviews), whatever his role."""
    assignment = dossier["assignment"]
    assignment.has_conflict, assignment.declared_at = False, timezone.now()
    assignment.save()
    if role == Role.REVIEWER:
        colleague = UserFactory(email="autre@alpha.test")
        MembershipFactory(organisation=world.org, user=colleague, role=Role.REVIEWER)
    else:
        colleague = world.members[role]
    client = login(colleague)
    assert client.get(_url(world, "calls:review", assignment.pk)).status_code == 403
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 403


def test_own_assignment_does_not_open_another_applications_files(world, login, dossier):
    """Assigned (no conflict) to another application: its assignment does not reach this application's files."""
    reviewer = UserFactory(email="voisin@alpha.test")
    MembershipFactory(organisation=world.org, user=reviewer, role=Role.REVIEWER)
    other = ApplicationFactory(call=dossier["application"].call, submitted=True)
    mine = ReviewAssignmentFactory(application=other, reviewer=reviewer, has_conflict=False, declared_at=timezone.now())
    client = login(reviewer)
    assert client.get(_download_url(world, mine, dossier["submitted"])).status_code == 404


def test_another_organisations_member_gets_404(world, login, dossier):
    assignment = dossier["assignment"]
    assignment.has_conflict, assignment.declared_at = False, timezone.now()
    assignment.save()
    client = login(world.outsider)
    assert client.get(_download_url(world, assignment, dossier["submitted"])).status_code == 404
    assert client.get(_url(world, "calls:review", assignment.pk)).status_code == 404
    # Through the outsider's own space, with Alpha's ids: 404 too.
    url = reverse("calls:review_attachment", args=[world.other_org.slug, assignment.pk, dossier["submitted"].pk])
    assert client.get(url).status_code == 404


def test_a_broken_frozen_version_renders(world, login, dossier):
    application, assignment = dossier["application"], dossier["assignment"]
    application.submitted_version = {
        "fields": "nope",
        "answers": {"a": 1},
        "budget": [1, {"side": "expense", "amount": "abc"}, {"side": "resource", "amount": "NaN"}, {"side": "x"}],
        "attachments": ["x", {"name": "sans-empreinte.pdf"}],
    }
    application.save()
    assignment.has_conflict, assignment.declared_at = False, timezone.now()
    assignment.save()
    response = login(world.members[Role.REVIEWER]).get(_url(world, "calls:review", assignment.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "INVALID-VARIABLE" not in content and "sans-empreinte.pdf" in content


def _grow(world, application, assignment, n):
    """n more answers, budget lines, submitted files, criteria and other submitted reviews."""
    files = list(Attachment.objects.filter(application=application, sha256__startswith="c"))
    for i in range(len(files), len(files) + n):
        files.append(_attachment(application, f"piece{i}.pdf", f"c{i:063d}"))
        CriterionFactory(call=application.call)
    submitted = Attachment.objects.get(application=application, sha256=SUBMITTED_HASH)
    application.submitted_version = _version(n_answers=len(files), n_lines=len(files), attachments=[submitted, *files])
    application.save()
    criteria = list(application.call.criteria.all())
    for _i in range(n):
        other = ReviewAssignmentFactory(
            application=application, reviewer=UserFactory(), has_conflict=False, declared_at=timezone.now()
        )
        for criterion in criteria:
            other.scores.create(organisation=world.org, criterion=criterion, score=3, comment="ok")
        other.submitted_at = timezone.now()
        other.save()


@pytest.mark.parametrize("submitted", [False, True])
def test_review_page_queries_do_not_grow_with_the_dossier(world, login, dossier, submitted):
    application, assignment = dossier["application"], dossier["assignment"]
    assignment.has_conflict, assignment.declared_at = False, timezone.now()
    assignment.save()
    if submitted:
        assignment.submitted_at = timezone.now()
        assignment.save()
    client = login(world.members[Role.REVIEWER])
    url = _url(world, "calls:review", assignment.pk)
    client.get(url)  # session and caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    _grow(world, application, assignment, 2)
    small, response = count()
    assert len(response.context["file"]["attachments"]) == 3
    _grow(world, application, assignment, 10)
    large, response = count()
    assert len(response.context["file"]["attachments"]) == 13
    assert "piece11.pdf" in response.content.decode()
    assert small == large


def test_the_reviewer_download_leaves_like_every_private_file(world, login, dossier, settings):
    """Through core.files.serve_private_file: with nginx, an internal redirect and not a byte read by Python."""
    settings.PRIVATE_MEDIA_SERVER = "nginx"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private-media/"
    assignment, submitted = dossier["assignment"], dossier["submitted"]
    client = login(world.members[Role.REVIEWER])
    assert client.get(_download_url(world, assignment, submitted)).status_code == 403  # not declared yet
    client.post(_url(world, "calls:review_declare", assignment.pk), {"has_conflict": "no"})
    response = client.get(_download_url(world, assignment, submitted))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private-media/" + submitted.file.name
    assert response.content == b""
    assert "statuts.pdf" in response["Content-Disposition"]
