"""The public side of the actors: directory, GeoJSON, map, embed and self-registration."""

import json
from decimal import Decimal

import factory
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import ActorKind, ModerationStatus, Theme
from passerelles.actors.models import Actor
from passerelles.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CONTACT_EMAIL = "secret-contact@example.org"
CONTACT_PHONE = "01 23 45 67 89"
CONTACT_ROLE = "Trésorière confidentielle"


class PublicActorFactory(factory.django.DjangoModelFactory):
    """Own small factory: an approved, public actor placed at Evry, with a contact that must never be shown."""

    class Meta:
        model = Actor

    organisation = factory.LazyFunction(lambda: OrganisationFactory(slug="alpha", name="Agglomération Alpha"))
    name = factory.Sequence(lambda n: f"Association {n}")
    kind = ActorKind.ASSOCIATION
    commune = "Evry"
    insee_code = "91228"
    latitude = Decimal("48.629300")
    longitude = Decimal("2.440700")
    themes = factory.LazyFunction(lambda: [Theme.YOUTH_EDUCATION.value])
    countries = factory.LazyFunction(lambda: ["ML"])
    description = "Une description."
    website = "https://exemple.org"
    contact_role = CONTACT_ROLE
    contact_email = CONTACT_EMAIL
    contact_phone = CONTACT_PHONE
    contact_consent_at = factory.LazyFunction(timezone.now)
    is_public = True
    moderation_status = ModerationStatus.APPROVED


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org():
    return OrganisationFactory(slug="alpha", name="Agglomération Alpha")


def url(name, org, query=""):
    return reverse(f"public_actors:{name}", args=[org.slug]) + (f"?{query}" if query else "")


def valid_data(**overrides):
    data = {
        "name": "Les Amis de Kayes",
        "kind": ActorKind.ASSOCIATION,
        "commune": "Evry",
        "insee_code": "91228",
        "themes": [Theme.LOCAL_DEVELOPMENT],
        "countries": "ml, SN",
        "description": "Partenariat avec Kayes.",
        "website": "https://amis-de-kayes.example.org",
        "siret": "732 829 320 00074",
        "rna": "w912000123",
        "contact_role": "Président·e",
        "contact_email": "contact@amis.example.org",
        "contact_phone": "01 60 00 00 00",
        "consent": "on",
        "site_web_2": "",
    }
    data.update(overrides)
    return data


# -- visibility -----------------------------------------------------------------------------------


@pytest.fixture
def mixed(org):
    other = OrganisationFactory(slug="beta", name="Agglomération Beta")
    return {
        "visible": PublicActorFactory(organisation=org, name="Visible approuvé"),
        "pending": PublicActorFactory(organisation=org, name="En attente", moderation_status=ModerationStatus.PENDING),
        "rejected": PublicActorFactory(organisation=org, name="Refusé", moderation_status=ModerationStatus.REJECTED),
        "private": PublicActorFactory(organisation=org, name="Approuvé privé", is_public=False),
        "other_org": PublicActorFactory(organisation=other, name="Acteur de Beta"),
    }


HIDDEN = ("En attente", "Refusé", "Approuvé privé", "Acteur de Beta")


@pytest.mark.parametrize("name", ["directory", "map", "embed"])
def test_public_pages_show_only_approved_public_entries_and_no_contact(client, org, mixed, name):
    response = client.get(url(name, org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible approuvé" in html
    for hidden in HIDDEN:
        assert hidden not in html
    for secret in (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_ROLE):
        assert secret not in html
    assert "Agglomération Alpha" in html


def test_geojson_only_public_entries_no_contact_and_cacheable(client, org, mixed):
    PublicActorFactory(organisation=org, name="Sans coordonnées", latitude=None, longitude=None)
    response = client.get(url("geojson", org))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["Visible approuvé"]
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.4407, 48.6293]}
    body = response.content.decode()
    for secret in (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_ROLE, "contact"):
        assert secret not in body


def test_export_follows_filters_and_has_no_contact(client, org, mixed):
    PublicActorFactory(organisation=org, name="École du monde", kind=ActorKind.SCHOOL)
    response = client.get(url("export", org, "kind=school&format=csv"))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "École du monde" in body and "Visible approuvé" not in body
    assert CONTACT_EMAIL not in body and CONTACT_PHONE not in body
    assert client.get(url("export", org, "format=xlsx")).status_code == 200
    assert client.get(url("export", org, "format=pdf")).status_code == 404


def test_unknown_organisation_is_404(client, org):
    for name in ("directory", "map", "embed", "geojson", "register", "export"):
        assert client.get(reverse(f"public_actors:{name}", args=["inconnue"])).status_code == 404


def test_pages_need_no_login(client, org):
    PublicActorFactory(organisation=org)
    for name in ("directory", "map", "embed", "geojson", "register", "thanks"):
        assert client.get(url(name, org)).status_code == 200, name


# -- filters --------------------------------------------------------------------------------------


def test_directory_filters(client, org):
    PublicActorFactory(organisation=org, name="Collège Jean Lurçat", kind=ActorKind.SCHOOL, commune="Ris-Orangis")
    PublicActorFactory(
        organisation=org, name="Comité Troisdorf", kind=ActorKind.TWINNING_COMMITTEE, countries=["DE"], themes=[]
    )
    html = client.get(url("directory", org, "kind=school")).content.decode()
    assert "Collège Jean Lurçat" in html and "Comité Troisdorf" not in html
    html = client.get(url("directory", org, "commune=Ris-Orangis")).content.decode()
    assert "Collège Jean Lurçat" in html and "Comité Troisdorf" not in html
    html = client.get(url("directory", org, "country=de")).content.decode()
    assert "Comité Troisdorf" in html and "Collège Jean Lurçat" not in html
    html = client.get(url("directory", org, "theme=youth_education")).content.decode()
    assert "Collège Jean Lurçat" in html and "Comité Troisdorf" not in html
    html = client.get(url("directory", org, "q=lurçat")).content.decode()
    assert "Collège Jean Lurçat" in html and "Comité Troisdorf" not in html


def test_bad_filters_are_ignored_with_a_message(client, org):
    PublicActorFactory(organisation=org, name="Toujours là")
    response = client.get(url("directory", org, "kind=<script>&country=123&commune=Nulle-part&page=abc"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Toujours là" in html
    assert "ont été ignorés" in html
    assert "<script>" not in html.split("<main")[1]


def test_geojson_follows_filters(client, org):
    PublicActorFactory(organisation=org, name="École", kind=ActorKind.SCHOOL)
    PublicActorFactory(organisation=org, name="Association")
    data = client.get(url("geojson", org, "kind=school")).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["École"]


def test_embed_filters_by_theme_and_kind_and_is_frameable(client, org):
    PublicActorFactory(organisation=org, name="École", kind=ActorKind.SCHOOL)
    PublicActorFactory(organisation=org, name="Association", themes=[Theme.DEMOCRACY])
    response = client.get(url("embed", org, "theme=democracy"))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    html = response.content.decode()
    assert "Association" in html and "École" not in html
    assert "geojson?theme=democracy" in html.replace("acteurs.geojson", "geojson")
    # Every other page keeps the clickjacking protection.
    assert client.get(url("map", org))["X-Frame-Options"] == "DENY"
    assert client.get(url("register", org))["X-Frame-Options"] == "DENY"


def test_map_uses_vendored_assets_and_tiles_only_when_configured(client, org, settings):
    settings.MAP_TILE_URL = ""
    html = client.get(url("map", org)).content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "vendor/leaflet/leaflet.markercluster.js" in html
    assert "vendor/basemap/countries.geojson" in html
    assert 'data-tile-url=""' in html
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(url("map", org)).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_description_and_name_are_escaped(client, org):
    PublicActorFactory(organisation=org, name="<script>alert(1)</script>", description="<b>gras</b>")
    html = client.get(url("directory", org)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html


# -- constant number of queries -------------------------------------------------------------------


def _bulk(org, count):
    Actor.objects.bulk_create(
        [
            Actor(
                organisation=org,
                name=f"Acteur {i:05d}",
                kind=ActorKind.ASSOCIATION,
                commune=f"Commune {i % 7}",
                latitude=Decimal("48.6") + Decimal(i % 100) / 1000,
                longitude=Decimal("2.4"),
                themes=[Theme.YOUTH_EDUCATION.value],
                countries=["ML"],
                moderation_status=ModerationStatus.APPROVED,
                is_public=True,
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("name", ["directory", "geojson", "map"])
def test_query_count_does_not_grow_with_actors(client, org, name):
    _bulk(org, 50)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(name, org)).status_code == 200
    _bulk(org, 4_950)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(name, org))
    assert response.status_code == 200
    assert len(large) == len(small)
    if name == "geojson":
        assert len(response.json()["features"]) == 5_000


# -- self-registration ----------------------------------------------------------------------------


def test_registration_creates_a_pending_entry_not_shown(client, org):
    response = client.post(url("register", org), valid_data())
    assert response.status_code == 302
    assert response["Location"] == url("thanks", org)
    actor = Actor.objects.get()
    assert actor.organisation == org
    assert actor.moderation_status == ModerationStatus.PENDING
    assert actor.account is None
    assert actor.siret == "73282932000074"
    assert actor.rna == "W912000123"
    assert actor.countries == ["ML", "SN"]
    assert actor.themes == [Theme.LOCAL_DEVELOPMENT]
    assert actor.contact_consent_at is not None
    assert "Les Amis de Kayes" not in client.get(url("directory", org)).content.decode()
    assert client.get(url("geojson", org)).json()["features"] == []


def test_registration_without_contact_needs_no_consent(client, org):
    data = valid_data(contact_email="", contact_phone="", consent="")
    assert client.post(url("register", org), data).status_code == 302
    assert Actor.objects.get().contact_consent_at is None


def test_contact_without_consent_is_refused(client, org):
    response = client.post(url("register", org), valid_data(consent=""))
    assert response.status_code == 422
    assert "Cochez cette case" in response.content.decode()
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire"),
        ("kind", "", "Ce champ est obligatoire"),
        ("name", "x" * 10_000, "au plus 255"),
        ("description", "x" * 10_000, "au plus 5000"),
        ("siret", "732 829 320 00075", "clé de contrôle"),
        ("siret", "123", "14 chiffres"),
        ("rna", "12345", "W suivi de 9 chiffres"),
        ("insee_code", "ABCDE", "Code INSEE"),
        ("countries", "Mali", "codes ISO"),
        ("website", "javascript:alert(1)", "URL valide"),
        ("contact_email", "<script>@x", "adresse de courriel valide"),
        ("contact_phone", "<script>alert(1)</script>", "chiffres"),
        ("kind", "<script>", "choix valide"),
        ("themes", ["<script>"], "choix valide"),
    ],
)
def test_bad_input_is_refused_on_the_field(client, org, field, value, message):
    response = client.post(url("register", org), valid_data(**{field: value}))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "rien n&#x27;a été enregistré" in html or "rien n'a été enregistré" in html
    assert not Actor.objects.exists()
    assert "<script>alert(1)</script>" not in html


def test_hostile_text_is_kept_as_text(client, org):
    assert client.post(url("register", org), valid_data(name="<script>alert(1)</script>")).status_code == 302
    actor = Actor.objects.get()
    actor.moderation_status = ModerationStatus.APPROVED
    actor.latitude, actor.longitude = Decimal("48.6"), Decimal("2.4")
    actor.save()
    html = client.get(url("directory", org)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    # In the GeoJSON it is data, written by the map script with textContent.
    assert client.get(url("geojson", org)).json()["features"][0]["properties"]["name"] == "<script>alert(1)</script>"


def test_honeypot_answers_like_success_and_saves_nothing(client, org):
    page = client.get(url("register", org)).content.decode()
    assert 'name="site_web_2"' in page and 'aria-hidden="true"' in page
    response = client.post(url("register", org), valid_data(site_web_2="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == url("thanks", org)
    assert not Actor.objects.exists()


def test_rate_limit_five_per_ip_per_hour(client, org):
    for n in range(5):
        response = client.post(url("register", org), valid_data(name=f"Structure {n}"), REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 302
    response = client.post(url("register", org), valid_data(name="Une de trop"), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.content.decode()
    assert Actor.objects.count() == 5
    # Another address is not blocked.
    assert client.post(url("register", org), valid_data(name="Autre"), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_failed_attempts_do_not_use_the_quota(client, org):
    for _ in range(6):
        client.post(url("register", org), valid_data(siret="123"), REMOTE_ADDR="10.0.0.3")
    assert client.post(url("register", org), valid_data(), REMOTE_ADDR="10.0.0.3").status_code == 302


def test_map_filter_change_with_htmx_reloads_the_page(client, org):
    response = client.get(url("map", org, "kind=school"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == url("map", org, "kind=school")


def test_directory_htmx_returns_the_results_only(client, org):
    PublicActorFactory(organisation=org, name="Visible")
    response = client.get(url("directory", org), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="directory-results"' in html and "<html" not in html


def test_registered_actor_sits_at_its_commune(db):
    from passerelles.actors.services.public import register_actor
    from passerelles.core.tests.factories import OrganisationFactory, TerritoryFactory

    org = OrganisationFactory(slug="gamma")
    TerritoryFactory(organisation=org, home=True, name="Evry", insee_code="91228", latitude=48.6293, longitude=2.4407)
    placed = register_actor(organisation=org, name="A", kind="association", insee_code="91228")
    assert (float(placed.latitude), float(placed.longitude)) == (48.6293, 2.4407)
    by_name = register_actor(organisation=org, name="B", kind="association", commune="evry")
    assert by_name.latitude is not None
    nowhere = register_actor(organisation=org, name="C", kind="association", commune="Ailleurs")
    assert nowhere.latitude is None
