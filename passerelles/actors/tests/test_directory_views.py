import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory

VALID_SIRET = "73282932000074"


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def form_data(**overrides):
    data = {"name": "Association Sahel Solidarité", "kind": "association", "location": "home", "is_public": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_then_edit(world, client):
    territory = TerritoryFactory(organisation=world.org, name="Kayes")
    client.force_login(world.members[Role.OFFICER])
    response = client.post(
        url(world, "actors:actor_create"),
        form_data(
            themes=["youth_education", "local_actors"],
            countries="ml, sn",
            partner_territories=[territory.pk],
            siret="732 829 320 00074",
            rna="w912000123",
            contact_email="contact@sahel.fr",
            contact_consent="on",
        ),
    )
    actor = Actor.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert actor.countries == ["ML", "SN"]
    assert actor.siret == VALID_SIRET and actor.rna == "W912000123"
    assert actor.contact_consent_at is not None
    assert list(actor.partner_territories.all()) == [territory]
    page = client.get(url(world, "actors:actor_edit", actor.pk)).content.decode()
    assert "ML, SN" in page
    response = client.post(url(world, "actors:actor_edit", actor.pk), form_data(name="Sahel Solidarité"))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Sahel Solidarité"
    assert actor.contact_email == "" and actor.contact_consent_at is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "obligatoire"),
        ({"name": "x" * 10_000}, "name", "255"),
        ({"description": "x" * 10_000}, "description", "5000"),
        ({"siret": "73282932000075"}, "siret", "clé de contrôle"),
        ({"siret": "abc"}, "siret", "14 chiffres"),
        ({"rna": "W12345678"}, "rna", "W suivi de 9 chiffres"),
        ({"countries": "Mali, <script>"}, "countries", "Codes pays non reconnus"),
        ({"contact_email": "a@b.fr"}, "contact_email", "consentement"),
        ({"contact_phone": "0123456789"}, "contact_phone", "consentement"),
        ({"contact_phone": "<script>", "contact_consent": "on"}, "contact_phone", "non valide"),
        ({"themes": ["cooking"]}, "themes", "cooking"),
        ({"website": "javascript:alert(1)"}, "website", "URL"),
        ({"latitude": "91", "longitude": "2"}, "latitude", "90"),
    ],
)
def test_bad_input_gets_a_message_on_the_field_and_nothing_is_saved(world, client, overrides, field, message):
    client.force_login(world.members[Role.ADMIN])
    response = client.post(url(world, "actors:actor_create"), form_data(**overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field]).replace("\u202f", "").replace(" ", "") or message in " ".join(
        form.errors[field]
    )
    assert not Actor.objects.exists()


def test_hostile_input_is_shown_as_text(world, client):
    actor = ActorFactory(organisation=world.org, name="<script>alert(1)</script>", description="<b>gras</b>")
    client.force_login(world.members[Role.VIEWER])
    page = client.get(url(world, "actors:actor", actor.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;gras&lt;/b&gt;" in page
    page = client.get(url(world, "actors:directory")).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_another_organisations_actor_is_404(world, client):
    foreign = ActorFactory(organisation=world.other_org)
    client.force_login(world.members[Role.ADMIN])
    for name in ("actors:actor", "actors:actor_edit"):
        assert client.get(url(world, name, foreign.pk)).status_code == 404
    foreign.moderation_status = ModerationStatus.PENDING
    foreign.save()
    assert client.post(url(world, "actors:actor_approve", foreign.pk)).status_code == 404
    assert (
        client.post(url(world, "actors:actor_reject", foreign.pk), {f"a{foreign.pk}-message": "x"}).status_code == 404
    )
    foreign.refresh_from_db()
    assert foreign.moderation_status == ModerationStatus.PENDING


def test_directory_filters(world, client):
    kayes = TerritoryFactory(organisation=world.org, name="Kayes")
    school = ActorFactory(
        organisation=world.org,
        name="Lycée Parc des Loges",
        kind="school",
        themes=["youth_education"],
        countries=["ML"],
        partner_territories=[kayes],
    )
    ActorFactory(organisation=world.org, name="Entreprise Alpha", kind="company", commune="Corbeil-Essonnes")
    pending = ActorFactory(organisation=world.org, name="Collectif en attente", pending=True)
    ActorFactory(organisation=world.other_org, name="Lycée de Beta")
    client.force_login(world.members[Role.VIEWER])

    def names(**params):
        response = client.get(url(world, "actors:directory"), params)
        assert response.status_code == 200
        return [a.name for a in response.context["page"].object_list]

    assert names() == ["Collectif en attente", "Entreprise Alpha", "Lycée Parc des Loges"]
    assert names(q="lycée") == [school.name]
    assert names(kind="school") == [school.name]
    assert names(commune="Corbeil-Essonnes") == ["Entreprise Alpha"]
    assert names(theme="youth_education") == [school.name]
    assert names(country="ml") == [school.name]
    assert names(territory=kayes.pk) == [school.name]
    assert names(status="pending") == [pending.name]
    # An unknown value is reported and ignored, never a crash.
    assert len(names(kind="nope", country="<script>")) == 3


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def contact_actor(world):
    from django.utils import timezone

    return ActorFactory(
        organisation=world.org,
        name='=HYPERLINK("http://evil")',
        contact_role="Présidente",
        contact_email="secret@asso.fr",
        contact_phone="+33 6 00 00 00 00",
        contact_consent_at=timezone.now(),
        latitude="48.63",
        longitude="2.44",
        themes=["democracy"],
    )


def test_contacts_hidden_from_viewers_in_page_and_every_export(world, client, contact_actor):
    client.force_login(world.members[Role.VIEWER])
    page = client.get(url(world, "actors:actor", contact_actor.pk)).content.decode()
    assert "secret@asso.fr" not in page and "+33 6 00" not in page
    export = url(world, "actors:directory_export")
    rows = _csv(client.get(export, {"format": "csv"}))
    assert "secret@asso.fr" not in str(rows) and "Courriel du contact" not in rows[0]
    xlsx = load_workbook(io.BytesIO(client.get(export, {"format": "xlsx"}).content))
    values = [str(c.value) for row in xlsx.active.iter_rows() for c in row]
    assert not any("secret@asso.fr" in v or "+33 6" in v for v in values)
    geo = json.loads(client.get(export, {"format": "geojson"}).content)
    assert "contact_email" not in geo["features"][0]["properties"]
    assert "secret@asso.fr" not in json.dumps(geo)


def test_contacts_shown_to_staff(world, client, contact_actor):
    client.force_login(world.members[Role.OFFICER])
    assert "secret@asso.fr" in client.get(url(world, "actors:actor", contact_actor.pk)).content.decode()
    rows = _csv(client.get(url(world, "actors:directory_export"), {"format": "csv"}))
    assert "secret@asso.fr" in rows[1]
    geo = json.loads(client.get(url(world, "actors:directory_export"), {"format": "geojson"}).content)
    assert geo["features"][0]["properties"]["contact_email"] == "secret@asso.fr"


def test_exports_neutralise_formulas_and_follow_filters(world, client, contact_actor):
    ActorFactory(organisation=world.org, name="Autre", kind="company")
    client.force_login(world.members[Role.ADMIN])
    export = url(world, "actors:directory_export")
    rows = _csv(client.get(export, {"format": "csv", "theme": "democracy"}))
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    sheet = load_workbook(io.BytesIO(client.get(export, {"format": "xlsx"}).content)).active
    assert sheet["A2"].value.startswith("'=")
    assert client.get(export, {"format": "pdf"}).status_code == 404


def test_geojson_is_a_feature_collection_of_located_actors(world, client, contact_actor):
    ActorFactory(organisation=world.org, name="Sans coordonnées")
    client.force_login(world.members[Role.VIEWER])
    response = client.get(url(world, "actors:directory_export"), {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    geo = json.loads(response.content)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    feature = geo["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.44, 48.63]}
    assert set(feature["properties"]) >= {"name", "kind", "commune", "themes", "url"}
    assert feature["properties"]["url"].endswith(url(world, "actors:actor", contact_actor.pk))


def test_detail_shows_projects_links_and_neighbours(steering, client):
    from passerelles.actors.models import ActorLink

    world = steering.world
    actor = ActorFactory(
        organisation=world.org,
        themes=["youth_education"],
        projects=[steering.project],
        partner_territories=[steering.kayes],
    )
    linked = ActorFactory(organisation=world.org, name="École partenaire")
    ActorLink.objects.create(organisation=world.org, source=linked, target=actor, relation="parrainage")
    same_theme = ActorFactory.create_batch(12, organisation=world.org, themes=["youth_education"])
    same_territory = ActorFactory(organisation=world.org, name="AAA Kayes", partner_territories=[steering.kayes])
    ActorFactory(organisation=world.org, name="Sans rapport", themes=["democracy"])
    client.force_login(world.members[Role.VIEWER])
    response = client.get(url(world, "actors:actor", actor.pk))
    page = response.content.decode()
    assert reverse("steering:project", args=[world.org.slug, steering.project.pk]) in page
    assert "École partenaire" in page and "parrainage" in page
    similar = response.context["similar"]
    assert len(similar) == 10
    assert similar[0] == same_territory
    assert actor not in similar and "Sans rapport" not in [a.name for a in similar]
    assert set(similar[1:]) <= set(same_theme)


def test_moderation_queue_approve_and_reject(world, client):
    pending = ActorFactory(organisation=world.org, name="Collectif Nouveau", pending=True)
    other = ActorFactory(organisation=world.org, name="Collectif Douteux", pending=True)
    ActorFactory(organisation=world.org, name="Déjà publié")
    client.force_login(world.members[Role.OFFICER])
    page = client.get(url(world, "actors:moderation")).content.decode()
    assert "Collectif Nouveau" in page and "Déjà publié" not in page
    assert client.post(url(world, "actors:actor_approve", pending.pk)).status_code == 302
    response = client.post(url(world, "actors:actor_reject", other.pk), {f"a{other.pk}-message": ""})
    assert response.status_code == 422
    assert "Expliquez le refus" in response.content.decode()
    other.refresh_from_db()
    assert other.moderation_status == ModerationStatus.PENDING
    response = client.post(url(world, "actors:actor_reject", other.pk), {f"a{other.pk}-message": "Hors périmètre"})
    assert response.status_code == 302
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.moderation_status == ModerationStatus.APPROVED
    assert (other.moderation_status, other.moderation_message) == (ModerationStatus.REJECTED, "Hors périmètre")
    assert "Aucune fiche en attente." in client.get(url(world, "actors:moderation")).content.decode()


def test_directory_offers_the_import_to_editors_only(world, client):
    button = f'href="{reverse("actors:import", args=[world.org.slug])}">Importer</a>'
    for role, shown in ((Role.OFFICER, True), (Role.ADMIN, True), (Role.CONTRIBUTOR, False), (Role.VIEWER, False)):
        client.force_login(world.members[role])
        assert (button in client.get(url(world, "actors:directory")).content.decode()) is shown, role
