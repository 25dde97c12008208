"""Private files never leave through `/media/`: checked views only, random names, X-Accel/X-Sendfile/signed URLs."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from passerelles.calls.tests.expectations_instruction import _attachment
from passerelles.core.enums import Role
from passerelles.core.files import serve_private_file
from passerelles.core.storage import RandomName
from passerelles.steering.tests.expectations_monitoring import _evaluation
from passerelles.steering.tests.expectations_projects import _document_file
from passerelles.steering.tests.expectations_results import _evidence

STEERING_READERS = {Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER}
# name, target builder, roles that may download, the content the builder stored
DOWNLOADS = {
    "steering:project_document_download": (_document_file, STEERING_READERS | {Role.PARTNER}, b"%PDF-1.4 test"),
    "steering:period_evidence_download": (_evidence, STEERING_READERS | {Role.PARTNER}, b"%PDF-1.4 test"),
    "steering:evaluation_report": (lambda s: [_evaluation(s).pk], STEERING_READERS, b"%PDF-1.4\n%%EOF\n"),
    "calls:application_attachment": (_attachment, {Role.ADMIN, Role.OFFICER, Role.VIEWER}, None),
}


def _args(builder, steering):
    args = builder(steering)
    return [arg.pk if hasattr(arg, "pk") else arg for arg in (args if isinstance(args, list) else [args])]


def _cache_control(response) -> set[str]:
    """The directives of Cache-Control (the security middleware may add its own to the view's)."""
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_every_download_view_with_every_role_another_org_and_anonymous(steering, client, name):
    builder, allowed, content = DOWNLOADS[name]
    target = reverse(name, args=["alpha", *_args(builder, steering)])
    for role, user in steering.world.members.items():
        client.force_login(user)
        response = client.get(target)
        if role in allowed:
            assert response.status_code == 200, (role, response.status_code)
            body = b"".join(response.streaming_content)
            assert body and (content is None or body == content)
            assert response["Content-Disposition"].startswith("attachment; filename")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert {"private", "no-store"} <= _cache_control(response)
        else:
            assert response.status_code in {403, 404}, (role, response.status_code)
    client.force_login(steering.world.outsider)
    assert client.get(target).status_code == 404
    assert client.get(target.replace("/alpha/", "/beta/", 1)).status_code == 404
    client.logout()
    response = client.get(target)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_a_private_file_is_not_served_under_media_even_in_debug(steering, client, settings):
    settings.DEBUG = True
    args = _args(_document_file, steering)
    from passerelles.steering.models import ProjectDocument

    document = ProjectDocument.objects.get(pk=args[1])
    assert document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not document.file.path.startswith(str(settings.MEDIA_ROOT))
    client.force_login(steering.world.members[Role.ADMIN])
    for path in (
        f"/media/{document.file.name}",
        f"/media/logos/../{document.file.name}",
        f"/media/logos/..%2F{document.file.name}",
        f"/media/../private-media/{document.file.name}",
    ):
        assert client.get(path).status_code == 404, path
    # Even a private file left under MEDIA_ROOT by an older version is not served: only logos are.
    (settings.MEDIA_ROOT / "projects").mkdir(parents=True)
    (settings.MEDIA_ROOT / "projects" / "old.pdf").write_bytes(b"%PDF-1.4 old")
    assert client.get("/media/projects/old.pdf").status_code == 404
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 (the private storage gives no address)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#123456").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_logo_is_public_without_login(world, client):
    admin = world.members[Role.ADMIN]
    client.force_login(admin)
    data = {"name": "Agglomération Alpha", "short_name": "ALPHA", "kind": "intercommunality", "country": "FR"}
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(reverse("core:organisation_edit", args=["alpha"]), {**data, "logo": logo})
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", world.org.logo.name)
    client.logout()
    response = client.get(world.org.logo.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == _png()
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/logos/absent.png").status_code == 404


def test_names_are_random_and_never_the_uploaders(steering):
    from passerelles.steering.models import PeriodEvidence
    from passerelles.steering.services import results

    names = []
    for _ in range(2):
        evidence = results.period_add_evidence(
            period=steering.period,
            user=steering.world.members[Role.OFFICER],
            title="Rapport",
            file=SimpleUploadedFile("Rapport secret.pdf", b"%PDF-1.4 same"),
        )
        names.append(evidence.file.name)
        assert evidence.original_name == "Rapport secret.pdf"
    assert names[0] != names[1]
    for name in names:
        assert re.fullmatch(rf"evidence/{steering.world.org.pk}/[0-9a-f]{{32}}\.pdf", name)
        assert "secret" not in name.lower() and "rapport" not in name.lower()
    assert PeriodEvidence.objects.count() == 2
    assert RandomName("x")(None, "a.PDF").endswith(".pdf") and RandomName("x")(None, "../../a.p/hp").count("/") == 2


def _evidence_response(steering, client):
    args = _args(_evidence, steering)
    client.force_login(steering.world.members[Role.OFFICER])
    from passerelles.steering.models import PeriodEvidence

    return client.get(reverse("steering:period_evidence_download", args=["alpha", *args])), PeriodEvidence.objects.get(
        pk=args[1]
    )


def test_nginx_gets_an_internal_redirect_and_python_does_not_read_the_file(steering, client, settings):
    settings.PRIVATE_MEDIA_SERVER = "nginx"
    response, evidence = _evidence_response(steering, client)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private-media/{evidence.file.name}"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and {"private", "no-store"} <= _cache_control(response)
    settings.PRIVATE_MEDIA_SERVER = "apache"
    client.logout()
    response, evidence = _evidence_response(steering, client)
    assert response["X-Sendfile"] == evidence.file.path and response.content == b""


class FakeSignedStorage:
    """What an S3-compatible storage offers (django-storages' S3Storage.url): a signed, expiring address."""

    def __init__(self):
        self.calls = []

    def url(self, name, parameters=None, expire=None):
        self.calls.append((name, parameters, expire))
        return f"https://objects.example.org/prive/{name}?X-Amz-Expires={expire}&X-Amz-Signature=abc"


class FakeFieldFile:
    def __init__(self, name, storage):
        self.name, self.storage = name, storage

    def __bool__(self):
        return True


def test_signed_url_storages_get_a_short_lived_redirect(settings, rf):
    settings.PRIVATE_MEDIA_SERVER = "signed-url"
    settings.PRIVATE_MEDIA_URL_EXPIRE_SECONDS = 30
    storage = FakeSignedStorage()
    response = serve_private_file(
        rf.get("/"), FakeFieldFile("evidence/1/abc.pdf", storage), filename="Rapport été.pdf", content_type="x/y"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://objects.example.org/prive/evidence/1/abc.pdf?X-Amz-Expires=30")
    assert {"private", "no-store"} <= _cache_control(response)
    ((name, parameters, expire),) = storage.calls
    assert expire == 30 and parameters["ResponseContentType"] == "x/y"
    disposition = parameters["ResponseContentDisposition"]
    assert disposition.startswith("attachment; filename*=utf-8''Rapport%20%C3%A9t%C3%A9.pdf")


def test_a_missing_file_is_a_404_not_an_error(steering, client):
    args = _args(_evidence, steering)
    from passerelles.steering.models import PeriodEvidence

    evidence = PeriodEvidence.objects.get(pk=args[1])
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(steering.world.members[Role.OFFICER])
    assert client.get(reverse("steering:period_evidence_download", args=["alpha", *args])).status_code == 404


def test_a_hostile_display_name_cannot_break_the_header(steering, client):
    from passerelles.steering.models import ProjectDocument

    document = ProjectDocument(
        organisation=steering.world.org, project=steering.project, title="T", original_name='a"b\r\nSet-Cookie: x.pdf'
    )
    document.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client.force_login(steering.world.members[Role.OFFICER])
    response = client.get(
        reverse("steering:project_document_download", args=["alpha", steering.project.pk, document.pk])
    )
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]


# Every view that hands out a private file, and where its permission matrix is tested. A new one must be added here.
TESTED_ELSEWHERE = {
    "applicant:attachment": "calls/tests/test_applications_views.py (the applicant's own files only)",
    "calls:review_attachment": "calls/tests/test_reviews_reading.py (the assigned reviewer, after declaring)",
}


def test_every_view_serving_a_private_file_is_listed():
    from passerelles.core.tests.test_every_export import _source_with_helpers, _views

    serving = {name for name, view in _views() if "serve_private_file(" in _source_with_helpers(view)}
    assert serving == set(DOWNLOADS) | set(TESTED_ELSEWHERE)

