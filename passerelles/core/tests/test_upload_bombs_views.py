"""Every upload form refuses a zip bomb on its field, in French, and stores nothing (core/uploads.py behind each)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passerelles.actors.models import Actor
from passerelles.actors.services import imports as import_services
from passerelles.calls.models import Attachment
from passerelles.calls.tests.test_applications_views import (  # noqa: F401 (fixtures)
    account,
    actor,
    application,
    call,
    document,
)
from passerelles.core.enums import Role
from passerelles.core.tests.test_upload_bombs import MB, bomb
from passerelles.steering.models import Evaluation, PeriodEvidence, ProjectDocument
from passerelles.steering.tests.test_monitoring_evaluations import evaluation_data

MESSAGE = "bombe de décompression"


@pytest.fixture(scope="module")
def bomb_bytes() -> bytes:
    """About 100 KB that expand to 100 MB, declared as an office document."""
    return bomb(
        100 * MB,
        name="word/document.xml",
        extra={"[Content_Types].xml": b"<Types>wordprocessingml.document.main+xml</Types>"},
    )


def stored_files(settings):
    roots = [settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT]
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_project_document(steering, client, settings, bomb_bytes):
    client.force_login(steering.world.members[Role.OFFICER])
    response = client.post(
        reverse("steering:project_document_create", args=["alpha", steering.project.pk]),
        {"title": "Rapport", "file": SimpleUploadedFile("rapport.docx", bomb_bytes)},
    )
    assert response.status_code == 422
    assert MESSAGE in " ".join(response.context["form"].errors["file"])
    assert not ProjectDocument.objects.exists() and stored_files(settings) == []


def test_evidence(steering, client, settings, bomb_bytes):
    client.force_login(steering.world.members[Role.OFFICER])
    response = client.post(
        reverse("steering:period_evidence_create", args=["alpha", steering.project.pk, steering.period.pk]),
        {"title": "Rapport", "url": "", "file": SimpleUploadedFile("rapport.docx", bomb_bytes)},
    )
    assert response.status_code == 422 and MESSAGE in response.content.decode()
    assert not PeriodEvidence.objects.exists() and stored_files(settings) == []


def test_evaluation_report(steering, client, settings, bomb_bytes):
    client.force_login(steering.world.members[Role.OFFICER])
    data = evaluation_data(steering, document=SimpleUploadedFile("rapport.pdf", bomb_bytes))
    response = client.post(reverse("steering:evaluation_create", args=["alpha"]), data)
    assert response.status_code == 422
    assert MESSAGE in " ".join(response.context["form"].errors["document"])
    assert not Evaluation.objects.exists() and stored_files(settings) == []


def test_application_attachment(client, settings, account, application, document, bomb_bytes):  # noqa: F811
    client.force_login(account)
    response = client.post(
        reverse("applicant:attachments", args=[application.pk]),
        {"target": f"doc-{document.pk}", "file": SimpleUploadedFile("statuts.docx", bomb_bytes)},
    )
    assert response.status_code == 422 and MESSAGE in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_actors_import_never_reaches_openpyxl(world, client, monkeypatch, bomb_bytes):
    def not_for_a_bomb(data):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr(import_services, "_parse_xlsx", not_for_a_bomb)
    client.force_login(world.members[Role.OFFICER])
    before = Actor.objects.count()
    response = client.post(
        reverse("actors:import", args=["alpha"]), {"file": SimpleUploadedFile("acteurs.xlsx", bomb_bytes)}
    )
    assert response.status_code in {200, 422}
    assert MESSAGE in response.content.decode()
    assert Actor.objects.count() == before
