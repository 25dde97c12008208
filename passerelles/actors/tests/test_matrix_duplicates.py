import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from passerelles.actors.models import Actor, ActorLink
from passerelles.actors.selectors.matrix import duplicate_pairs, normalise
from passerelles.actors.services.matrix import merge_actors
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import TerritoryFactory
from passerelles.steering.tests.factories import ProjectFactory

SIRET = "73282932000074"


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _pairs(world, **kwargs):
    return {(p.first.name, p.second.name): p.reasons for p in duplicate_pairs(organisation=world.org, **kwargs)}


def test_normalise_ignores_case_accents_punctuation_spaces():
    assert normalise("  Comité d'Évry – Jumelage ") == normalise("comite devry jumelage") == "comitedevryjumelage"


def test_duplicates_by_siret_and_name_variants(world):
    ActorFactory(organisation=world.org, name="Association Sahel", siret=SIRET, commune="Evry")
    ActorFactory(organisation=world.org, name="Sahel (asso)", siret=SIRET, commune="Corbeil")
    ActorFactory(organisation=world.org, name="Comité de jumelage", commune="Évry")
    ActorFactory(organisation=world.org, name="COMITE DE JUMELAGE.", commune="evry")
    ActorFactory(organisation=world.org, name="Comite de-Jumelage", commune="Evry")
    # Same name in another commune is another actor.
    ActorFactory(organisation=world.org, name="Maison des jeunes", commune="Evry")
    ActorFactory(organisation=world.org, name="Maison des jeunes", commune="Ris-Orangis")
    # Other organisations are never compared.
    ActorFactory(organisation=world.other_org, name="Association Sahel", siret=SIRET, commune="Evry")
    pairs = _pairs(world)
    assert pairs[("Association Sahel", "Sahel (asso)")] == ["siret"]
    names = [k for k, reasons in pairs.items() if reasons == ["name"]]
    assert len(names) == 3  # the three spellings of the committee, pairwise
    assert not any("Maison des jeunes" in k for k in pairs)
    assert len(pairs) == 4
    assert list(_pairs(world, reason="siret")) == [("Association Sahel", "Sahel (asso)")]
    assert len(_pairs(world, text="jumelage")) == 3


def test_duplicates_page_and_export(world, client):
    ActorFactory(organisation=world.org, name="<script>alert(1)</script>", commune="Evry")
    ActorFactory(organisation=world.org, name="<SCRIPT>alert 1</SCRIPT>", commune="Evry")
    client.force_login(world.members[Role.OFFICER])
    response = client.get(url(world, "actors:duplicates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    export = client.get(url(world, "actors:duplicates_export"), {"format": "csv"})
    assert export.status_code == 200 and "alert" in export.content.decode("utf-8-sig")
    assert client.get(url(world, "actors:duplicates_export"), {"format": "xlsx"}).status_code == 200
    client.force_login(world.members[Role.VIEWER])
    assert client.get(url(world, "actors:duplicates")).status_code == 403


@pytest.fixture
def pair(world):
    kayes = TerritoryFactory(organisation=world.org, name="Kayes")
    dakar = TerritoryFactory(organisation=world.org, name="Dakar")
    p1 = ProjectFactory(organisation=world.org)
    p2 = ProjectFactory(organisation=world.org)
    keep = ActorFactory(
        organisation=world.org,
        name="Comité de jumelage",
        themes=["youth_education"],
        countries=["ML"],
        partner_territories=[kayes],
        projects=[p1],
    )
    absorb = ActorFactory(
        organisation=world.org,
        name="Comite de Jumelage",
        themes=["democracy", "youth_education"],
        countries=["SN"],
        siret=SIRET,
        website="https://jumelage.example",
        partner_territories=[kayes, dakar],
        projects=[p2],
    )
    x, y, z = (ActorFactory(organisation=world.org, name=n) for n in ("X", "Y", "Z"))
    ActorLink.objects.create(organisation=world.org, source=keep, target=x, relation="membre")
    ActorLink.objects.create(organisation=world.org, source=absorb, target=x, relation="")  # becomes a double
    ActorLink.objects.create(organisation=world.org, source=absorb, target=y, relation="partenaire")
    ActorLink.objects.create(organisation=world.org, source=z, target=absorb, relation="fédère")
    ActorLink.objects.create(organisation=world.org, source=absorb, target=keep, relation="")  # becomes a self-link
    return {"keep": keep, "absorb": absorb, "x": x, "y": y, "z": z, "territories": {kayes, dakar}, "projects": {p1, p2}}


def test_merge_keeps_every_link_of_both(world, pair):
    keep = merge_actors(keep=pair["keep"], absorb=pair["absorb"], user=world.members[Role.OFFICER])
    assert not Actor.objects.filter(pk=pair["absorb"].pk).exists()
    assert set(keep.partner_territories.all()) == pair["territories"]
    assert set(keep.projects.all()) == pair["projects"]
    links = set(ActorLink.objects.values_list("source_id", "target_id", "relation"))
    assert links == {
        (keep.pk, pair["x"].pk, "membre"),
        (keep.pk, pair["y"].pk, "partenaire"),
        (pair["z"].pk, keep.pk, "fédère"),
    }
    keep.refresh_from_db()
    assert keep.themes == ["youth_education", "democracy"]
    assert keep.countries == ["ML", "SN"]
    assert keep.siret == SIRET and keep.website == "https://jumelage.example"
    assert keep.name == "Comité de jumelage"


def test_merge_refuses_itself_another_organisation_and_readers(world, pair):
    officer = world.members[Role.OFFICER]
    with pytest.raises(ValidationError):
        merge_actors(keep=pair["keep"], absorb=pair["keep"], user=officer)
    foreign = ActorFactory(organisation=world.other_org)
    with pytest.raises(ValidationError):
        merge_actors(keep=pair["keep"], absorb=foreign, user=officer)
    with pytest.raises(PermissionDenied):
        merge_actors(keep=pair["keep"], absorb=pair["absorb"], user=world.members[Role.VIEWER])
    assert Actor.objects.filter(pk__in=[pair["absorb"].pk, foreign.pk]).count() == 2


def test_merge_view(world, pair, client):
    client.force_login(world.members[Role.OFFICER])
    keep, absorb = pair["keep"], pair["absorb"]
    merge_url = url(world, "actors:merge", keep.pk, absorb.pk)
    prefix = f"m{keep.pk}-{absorb.pk}-keep"
    for bad in ["", "x" * 10_000, "abc", "<script>alert(1)</script>", str(pair["x"].pk)]:
        response = client.post(merge_url, {prefix: bad})
        assert response.status_code == 422, bad
        assert "<script>alert(1)</script>" not in response.content.decode()
        assert Actor.objects.filter(pk=absorb.pk).exists()
    # Itself: refused with a message, nothing deleted.
    response = client.post(url(world, "actors:merge", keep.pk, keep.pk), {f"m{keep.pk}-{keep.pk}-keep": keep.pk})
    assert response.status_code == 422 and "elle-même" in response.content.decode()
    # Another organisation's actor: 404.
    foreign = ActorFactory(organisation=world.other_org)
    assert client.post(url(world, "actors:merge", keep.pk, foreign.pk), {}).status_code == 404
    assert Actor.objects.filter(pk=foreign.pk).exists()
    response = client.post(merge_url, {prefix: absorb.pk})
    assert response.status_code == 302 and response.url == url(world, "actors:actor", absorb.pk)
    assert not Actor.objects.filter(pk=keep.pk).exists()
    assert set(Actor.objects.get(pk=absorb.pk).partner_territories.all()) == pair["territories"]
