import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from passerelles.core.enums import Role
from passerelles.core.models import Directorate, Organisation


def _png(size=(64, 64), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (18, 62, 107)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def admin(world, client):
    client.force_login(world.members[Role.ADMIN])
    return client


def _data(**overrides):
    data = {"name": "Agglomération Alpha", "short_name": "ALPHA", "kind": "intercommunality", "country": "FR"}
    data.update(overrides)
    return data


def test_organisation_page_lists_territories_and_directorates(world, client):
    from passerelles.core.tests.factories import TerritoryFactory

    TerritoryFactory(organisation=world.org, home=True, name="Evry", insee_code="91228")
    TerritoryFactory(organisation=world.org, name="Kayes", country="ML")
    client.force_login(world.members[Role.VIEWER])
    html = client.get(reverse("core:organisation", args=["alpha"])).content.decode()
    assert "Evry" in html and "91228" in html and "Kayes" in html and "Direction de la culture" in html
    assert "Modifier l&#x27;organisation" not in html and "Modifier l'organisation" not in html


def test_admin_uploads_a_logo_shown_in_the_header(world, admin):
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = admin.post(reverse("core:organisation_edit", args=["alpha"]), _data(logo=logo))
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.logo.name.startswith("logos/")
    assert world.org.logo.url in admin.get(reverse("strategy:overview", args=["alpha"])).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"kind": "empire"}, "kind"),
        ({"country": "france"}, "country"),
        ({"logo": SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image", content_type="image/png")}, "logo"),
        ({"logo": SimpleUploadedFile("logo.gif", _png(fmt="GIF"), content_type="image/gif")}, "logo"),
        ({"logo": SimpleUploadedFile("big.png", _png(size=(3000, 3000)) + b"\0" * 600_000)}, "logo"),
    ],
)
def test_bad_organisation_input(world, admin, overrides, field):
    response = admin.post(reverse("core:organisation_edit", args=["alpha"]), _data(**overrides))
    assert response.status_code == 422 and field in response.context["form"].errors
    organisation = Organisation.objects.get(pk=world.org.pk)
    assert organisation.name == "Agglomération Alpha" and not organisation.logo


def test_hostile_name_is_escaped(world, admin):
    admin.post(reverse("core:organisation_edit", args=["alpha"]), _data(name="<script>alert(1)</script>"))
    html = admin.get(reverse("core:organisation", args=["alpha"])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_admin_creates_and_renames_a_directorate(world, admin):
    url = reverse("core:directorate_create", args=["alpha"])
    assert admin.post(url, {"name": "Direction des finances"}).status_code == 302
    directorate = Directorate.objects.get(organisation=world.org, name="Direction des finances")
    edit = reverse("core:directorate_edit", args=["alpha", directorate.pk])
    assert admin.post(edit, {"name": "Direction des finances et du budget"}).status_code == 302


@pytest.mark.parametrize("name", ["", "x" * 201, "direction de la culture"])
def test_bad_directorate_name(world, admin, name):
    before = Directorate.objects.count()
    response = admin.post(reverse("core:directorate_create", args=["alpha"]), {"name": name})
    assert response.status_code == 422 and "name" in response.context["form"].errors
    assert Directorate.objects.count() == before


def test_directorate_of_another_organisation_is_404(world, admin):
    from passerelles.core.tests.factories import DirectorateFactory

    foreign = DirectorateFactory(organisation=world.other_org)
    assert admin.get(reverse("core:directorate_edit", args=["alpha", foreign.pk])).status_code == 404
    assert admin.post(reverse("core:directorate_edit", args=["alpha", foreign.pk]), {"name": "x"}).status_code == 404
