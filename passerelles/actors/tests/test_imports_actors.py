import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.services.imports import COLUMNS, import_actors
from passerelles.actors.tests.factories import ActorFactory
from passerelles.core.enums import Role

VALID_SIRET = "73282932000074"
OTHER_SIRET = "35600000000001"  # La Poste: digits add up to a multiple of 5

pytestmark = pytest.mark.django_db


def url(world, name):
    return reverse(name, args=[world.org.slug])


def csv_file(rows, *, delimiter=",", bom=True, name="acteurs.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("acteurs.xlsx", buffer.getvalue())


MIXED = [
    {
        "name": "Sahel Solidarité",
        "kind": "association",
        "commune": "Evry",
        "themes": "youth_education|local_actors",
        "countries": "ml|sn",
        "siret": VALID_SIRET,
    },  # line 2: create
    {"name": "Mauvais SIRET", "kind": "association", "siret": "12345678901234"},  # 3: reject
    {"name": "Type inconnu", "kind": "spaceship"},  # 4: reject
    {"name": "", "kind": "association"},  # 5: reject
    {"name": "x" * 10_000, "kind": "association"},  # 6: reject
    {"name": "sahel  SOLIDARITE", "kind": "school", "commune": "evry"},  # 7: in-file duplicate of line 2
    {
        "name": "Comité de jumelage",
        "kind": "twinning_committee",
        "commune": "Evry",
        "description": "Jumelage avec Kayes",
    },  # 8: update of the existing actor
    {"name": "<script>alert(1)</script>", "kind": "association"},  # 9: create, shown as text
    {"name": '=HYPERLINK("http://evil.example","clic")', "kind": "association"},  # 10: create, neutralised
]


@pytest.fixture
def existing(world):
    return ActorFactory(organisation=world.org, name="Comite  de Jumelage", commune="EVRY", description="")


def upload(client, world, file):
    return client.post(url(world, "actors:import"), {"file": file})


def report_of(client, world, **params):
    return client.get(url(world, "actors:import_report"), params).content.decode()


def test_dry_run_reports_every_line_and_writes_nothing(world, client, existing):
    client.force_login(world.members[Role.OFFICER])
    before = Actor.objects.count()
    response = upload(client, world, csv_file(MIXED))
    assert response.status_code == 302
    page = report_of(client, world)
    assert Actor.objects.count() == before
    assert "9 ligne(s) : 3 création(s), 1 mise(s) à jour, 5 rejet(s)." in page
    assert "Un SIRET compte 14 chiffres" in page or "clé de contrôle" in page
    assert "spaceship" in page
    assert "Doublon de la ligne 2" in page
    assert "Comite  de Jumelage" in page or "Comite de Jumelage" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'name="mode" value="all" class="button" disabled' in page
    rejected = report_of(client, world, outcome="reject")
    assert "Mauvais SIRET" in rejected and "Sahel Solidarité" not in rejected
    export = client.get(url(world, "actors:import_report_export"), {"outcome": "reject", "format": "csv"})
    assert export.status_code == 200 and "Mauvais SIRET" in export.content.decode("utf-8")
    existing.refresh_from_db()
    assert existing.description == ""


def test_confirm_all_refused_when_a_line_is_rejected(world, client, existing):
    client.force_login(world.members[Role.OFFICER])
    upload(client, world, csv_file(MIXED))
    before = Actor.objects.count()
    response = client.post(url(world, "actors:import_confirm"), {"mode": "all"}, follow=True)
    assert Actor.objects.count() == before
    assert "ne peut pas être importé" in response.content.decode()


def test_confirm_valid_lines_writes_exactly_those(world, client, existing):
    client.force_login(world.members[Role.ADMIN])
    upload(client, world, csv_file(MIXED, delimiter=";", bom=False))
    response = client.post(url(world, "actors:import_confirm"), {"mode": "valid"})
    assert response.status_code == 302
    created = Actor.objects.exclude(pk=existing.pk)
    assert sorted(created.values_list("name", flat=True)) == sorted(
        ["Sahel Solidarité", "<script>alert(1)</script>", '=HYPERLINK("http://evil.example","clic")']
    )
    assert all(a.moderation_status == ModerationStatus.APPROVED and a.is_public for a in created)
    sahel = created.get(siret=VALID_SIRET)
    assert sahel.themes == ["youth_education", "local_actors"] and sahel.countries == ["ML", "SN"]
    existing.refresh_from_db()
    assert existing.description == "Jumelage avec Kayes"
    assert existing.name == "Comite  de Jumelage" and existing.kind == "association"  # only empty fields filled
    # The session is emptied: a second confirmation writes nothing more.
    client.post(url(world, "actors:import_confirm"), {"mode": "valid"})
    assert Actor.objects.count() == 4


def test_existing_siret_is_an_update_and_confirm_all_when_clean(world, client):
    actor = ActorFactory(organisation=world.org, name="Ancien nom", siret=VALID_SIRET, website="")
    client.force_login(world.members[Role.OFFICER])
    rows = [
        {"name": "Nouveau nom", "kind": "association", "siret": VALID_SIRET, "website": "https://sahel.example"},
        {"name": "La Poste Evry", "kind": "company", "siret": OTHER_SIRET},
    ]
    upload(client, world, csv_file(rows))
    assert "Même SIRET" in report_of(client, world)
    assert client.post(url(world, "actors:import_confirm"), {"mode": "all"}).status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Ancien nom" and actor.website == "https://sahel.example"
    assert Actor.objects.filter(siret=OTHER_SIRET, organisation=world.org).exists()


def test_other_organisation_actor_is_not_a_duplicate(world, client):
    ActorFactory(organisation=world.other_org, siret=VALID_SIRET)
    client.force_login(world.members[Role.OFFICER])
    upload(client, world, csv_file([{"name": "Sahel", "kind": "association", "siret": VALID_SIRET}]))
    assert "1 création(s)" in report_of(client, world)


def test_xlsx_path(world, client):
    client.force_login(world.members[Role.OFFICER])
    rows = [{"name": "Lycée Parc des Loges", "kind": "school", "siret": int(VALID_SIRET), "countries": "SN"}]
    assert upload(client, world, xlsx_file(rows)).status_code == 302
    client.post(url(world, "actors:import_confirm"), {"mode": "all"})
    actor = Actor.objects.get(organisation=world.org)
    assert actor.siret == VALID_SIRET and actor.countries == ["SN"]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (None, "Choisissez un fichier"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "Format refusé"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "XLSX est illisible"),
        (SimpleUploadedFile("a.xlsx", b"PK\x03\x04garbage"), "XLSX est illisible"),
        (SimpleUploadedFile("a.csv", "name,kind\nÉcole,school\n".encode("latin-1")), "UTF-8"),
        (SimpleUploadedFile("a.csv", b"nom,type\nA,b\n"), "Colonnes inconnues"),
        (SimpleUploadedFile("a.csv", b"name,commune\nA,b\n"), "obligatoires absentes"),
        (SimpleUploadedFile("a.csv", b"name,kind\n"), "aucune ligne"),
        (SimpleUploadedFile("a.csv", b""), "vide"),
        (SimpleUploadedFile("a.csv", b"name,kind\n" + b"A,association\n" * 5001), "5000 lignes"),
        (SimpleUploadedFile("a.csv", b"name,kind\n" + b"A" * (2 * 1024 * 1024 + 1)), "2 Mo"),
    ],
)
def test_bad_files_are_refused_with_a_message(world, client, file, message):
    client.force_login(world.members[Role.OFFICER])
    response = client.post(url(world, "actors:import"), {"file": file} if file else {})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Actor.objects.exists()
    assert client.get(url(world, "actors:import_report")).status_code == 302


def test_template_has_the_expected_header(world, client):
    client.force_login(world.members[Role.OFFICER])
    response = client.get(url(world, "actors:import_template"))
    assert response.content.decode("utf-8-sig").strip() == ",".join(COLUMNS)


def test_imported_formula_is_neutralised_in_exports(world, client):
    client.force_login(world.members[Role.OFFICER])
    upload(
        client,
        world,
        csv_file([{"name": '=HYPERLINK("http://evil.example")', "kind": "association", "commune": "+33 Evry"}]),
    )
    client.post(url(world, "actors:import_confirm"), {"mode": "all"})
    assert Actor.objects.get().name.startswith("=HYPERLINK")
    text = client.get(url(world, "actors:directory_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+33 Evry" in text
    xlsx = client.get(url(world, "actors:directory_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value.startswith("'=HYPERLINK") and sheet["A2"].data_type == "s"


def test_service_rechecks_permission(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_actors(
            organisation=world.org,
            user=world.members[Role.CONTRIBUTOR],
            rows=[{"line": 2, "name": "A", "kind": "association"}],
            only_valid=True,
        )
    assert not Actor.objects.exists()


def test_report_query_count_is_constant(world, client, django_assert_max_num_queries):
    client.force_login(world.members[Role.OFFICER])
    upload(client, world, csv_file([{"name": f"Acteur {i}", "kind": "association"} for i in range(200)]))
    with django_assert_max_num_queries(12):
        assert client.get(url(world, "actors:import_report")).status_code == 200
