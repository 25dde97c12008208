"""The demo data: faithful to the CAECE 2013 strategy, idempotent, resettable."""

import hashlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from PIL import Image

from passerelles.core.enums import Role
from passerelles.core.models import Directorate, Membership, Organisation, Territory, User
from passerelles.demo.loader import demo_accounts, load_demo
from passerelles.strategy.models import Action, Ambition, Orientation, ProgressNote, StrategyDocument

ALL = {1, 2, 3, 4, 5, 6, 7}

# The orientations of each action of the plan, as the source states them ("all": every orientation).
EXPECTED_ORIENTATIONS = {
    "T1": ALL,
    "T2": ALL,
    "T3": ALL,
    "T4": ALL,
    "T5": ALL,
    "T6": ALL,
    "P1.1": {1, 2},
    "P1.2": {1},
    "P1.3": {1},
    "P1.4": {1, 2, 3},
    "P1.5": {1, 2},
    "P1.6": {1, 2},
    "P1.7": {1, 2, 3},
    "P1.8": {1},
    "P2.1": {1},
    "P2.2": {1},
    "P2.3": {1},
    "P2.4": {1, 3},
    "P2.5": {1},
    "P2.6": {1},
    "P2.7": {1, 2, 3},
    "P2.8": {1, 3, 6},
    "P2.9": {1, 2, 3},
    "P2.10": {1, 3, 6},
    "P2.11": {1, 3},
    "P2.12": {1, 3},
    "P2.13": {1, 6, 7},
    "P2.14": {1, 7},
    "P3.1": {2, 3},
    "P3.2": {1, 2, 3},
    "P3.3": ALL,
    "P3.4": {1, 2, 3},
    "P3.5": {1, 3},
    "P3.6": {3},
    "P3.7": {2, 3},
    "P3.8": {1, 2},
    "P4.1": {4, 6, 7},
    "P4.2": {4, 6, 7},
    "P4.3": {4},
    "P4.4": {5, 6, 7},
    "P4.5": {5, 6, 7},
    "P4.6": {7},
    "P4.7": {7},
    "P5.1": {3, 6, 7},
    "P5.2": {4, 6, 7},
    "P5.3": {1, 5, 7},
    "P5.4": {6},
    "P5.5": {6},
    "P5.6": {1, 2, 3},
    "P5.7": {1, 2},
}

# "Actions impliquant ...": the actor category of each action (None for the transversal actions).
EXPECTED_INVOLVES = {
    "T1": None,
    "T2": None,
    "T3": None,
    "T4": None,
    "T5": None,
    "T6": None,
    "P1.1": "partner_authorities",
    "P1.2": "partner_authorities",
    "P1.3": "partner_authorities",
    "P1.4": "partner_authorities",
    "P1.5": "partner_authorities",
    "P1.6": "territory_actors",
    "P1.7": "territory_actors",
    "P1.8": "territory_actors",
    "P2.1": "communication_directorate",
    "P2.2": "communication_directorate",
    "P2.3": "communication_directorate",
    "P2.4": "communication_directorate",
    "P2.5": "communication_directorate",
    "P2.6": "communication_directorate",
    "P2.7": "elected_officials",
    "P2.8": "elected_officials",
    "P2.9": "other_directorates",
    "P2.10": "other_directorates",
    "P2.11": "other_directorates",
    "P2.12": "other_directorates",
    "P2.13": "territory_actors",
    "P2.14": "territory_actors",
    "P3.1": "elected_officials",
    "P3.2": "elected_officials",
    "P3.3": "other_directorates",
    "P3.4": "other_directorates",
    "P3.5": "other_directorates",
    "P3.6": "other_directorates",
    "P3.7": "other_directorates",
    "P3.8": "other_directorates",
    "P4.1": "communes",
    "P4.2": "communes",
    "P4.3": "communes",
    "P4.4": "regional_departmental_councils",
    "P4.5": "regional_departmental_councils",
    "P4.6": "territory_actors",
    "P4.7": "territory_actors",
    "P5.1": "other_directorates",
    "P5.2": "communes",
    "P5.3": "territory_actors",
    "P5.4": "territory_actors",
    "P5.5": "territory_actors",
    "P5.6": "territory_actors",
    "P5.7": "territory_actors",
}

# SHA-256 of "\n".join(f"{code}\t{title}") over the 50 actions in plan order, computed from the source's
# transcription: any change to a title (or to the order) changes it.
EXPECTED_TITLES_SHA256 = "c16ff2e5a9de2dd8a01fb8a922d54de72fb48ac2ee1a21502a5dd9efc7edb440"

EXPECTED_COMMUNES = {
    "Evry": "91228",
    "Courcouronnes": "91182",
    "Ris-Orangis": "91521",
    "Lisses": "91340",
    "Bondoufle": "91086",
    "Villabé": "91659",
}

EXPECTED_PARTNERS = {
    # name: (country, local kind, partner since)
    "Kayes": ("ML", "commune urbaine", 1990),
    "Bamako (Commune V du District de Bamako)": ("ML", "commune", 2011),
    "Dakar": ("SN", "ville", 2011),
    "Nouakchott": ("MR", "communauté urbaine", 2011),
}

DEMO_PASSWORD = "passerelles-demo"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def loaded(db):
    return load_demo()


@pytest.fixture
def caece(loaded):
    return Organisation.objects.get(slug="caece")


@pytest.fixture
def document(caece):
    return StrategyDocument.objects.get(organisation=caece, status="adopted")


def row_counts() -> dict[str, int]:
    """Rows of every model of core and strategy: history tables and m2m tables included."""
    models = [
        *apps.get_app_config("core").get_models(include_auto_created=True),
        *apps.get_app_config("strategy").get_models(include_auto_created=True),
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def is_history(label: str) -> bool:
    return ".Historical" in label


@pytest.mark.django_db
def test_adopted_document_has_the_strategy_shape(document):
    assert document.title == "Stratégie intercommunale d'action internationale"
    assert document.version == 1
    assert document.adopted_on.year == 2013
    assert document.horizon_year == 2025
    assert document.red_thread.startswith("La solidarité de territoires et l'intérêt local partagé")
    assert document.ambitions.count() == 4
    assert document.orientations.count() == 7
    assert document.priorities.count() == 5
    assert document.actions.count() == 50
    assert document.actor_categories.count() == 7
    assert sorted(document.criteria.values_list("code", flat=True)) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert list(document.orientations.filter(is_foundation=True).values_list("number", flat=True)) == [1]


@pytest.mark.django_db
def test_every_action_has_the_orientations_of_the_source(document):
    actual = {
        action.code: {orientation.number for orientation in action.orientations.all()}
        for action in document.actions.prefetch_related("orientations")
    }
    assert actual == EXPECTED_ORIENTATIONS


@pytest.mark.django_db
def test_every_action_has_the_priority_and_actor_category_of_the_source(document):
    for action in document.actions.select_related("priority", "actor_category"):
        expected_priority = None if action.code.startswith("T") else action.code.split(".")[0]
        assert (action.priority.code if action.priority else None) == expected_priority, action.code
        assert (action.actor_category.key if action.actor_category else None) == EXPECTED_INVOLVES[action.code]


@pytest.mark.django_db
def test_action_titles_are_the_sources(document):
    text = "\n".join(f"{code}\t{title}" for code, title in document.actions.values_list("code", "title"))
    assert hashlib.sha256(text.encode()).hexdigest() == EXPECTED_TITLES_SHA256


@pytest.mark.django_db
def test_ambitions_and_orientation_texts(document):
    ambitions = {
        ambition.code: {orientation.number for orientation in ambition.orientations.all()}
        for ambition in Ambition.objects.filter(document=document)
    }
    assert ambitions == {"A1": {1, 2, 3}, "A2": {1, 4, 5, 6, 7}, "A3": {1, 6}, "A4": {1, 2, 7}}
    third = Orientation.objects.get(document=document, number=3)
    assert len(third.lever_list) == 3
    assert third.vigilance_list[1] == (
        "Deux niveaux de transversalité: politique (élus) et technique (directeurs et agents)"
    )


@pytest.mark.django_db
def test_home_territories_are_the_six_member_communes(caece):
    homes = Territory.objects.filter(organisation=caece, kind="home")
    assert dict(homes.values_list("name", "insee_code")) == EXPECTED_COMMUNES
    assert all(territory.latitude and territory.longitude for territory in homes)
    assert set(homes.values_list("country", flat=True)) == {"FR"}


@pytest.mark.django_db
def test_partner_territories(caece):
    partners = Territory.objects.filter(organisation=caece, kind="partner")
    assert {
        territory.name: (territory.country, territory.local_kind, territory.partner_since) for territory in partners
    } == EXPECTED_PARTNERS
    assert "appui à l'émergence de la société civile" in partners.get(name="Kayes").description


@pytest.mark.django_db
def test_directorates(caece):
    directorates = Directorate.objects.filter(organisation=caece)
    assert directorates.count() == 14
    assert list(directorates.filter(is_international=True).values_list("name", flat=True)) == [
        "Direction de la Coopération Décentralisée"
    ]


@pytest.mark.django_db
def test_one_membership_per_role(caece):
    memberships = Membership.objects.filter(organisation=caece).select_related("user", "directorate")
    assert sorted(membership.role for membership in memberships) == sorted(Role.values)
    for membership in memberships:
        assert membership.user.check_password(DEMO_PASSWORD)
        assert membership.user.email.endswith("@caece.demo")
    contributor = memberships.get(role=Role.CONTRIBUTOR)
    assert contributor.directorate.name == "Direction de la culture"


@pytest.mark.django_db
def test_follow_up_is_applied(document):
    t1 = document.actions.get(code="T1")
    assert t1.status == "done"
    assert t1.lead_directorate.name == "Direction de la Coopération Décentralisée"
    assert document.actions.get(code="P2.1").lead_directorate.name == "Direction de la communication"
    statuses = list(document.actions.values_list("status", flat=True))
    assert statuses.count("dropped") == 1
    assert statuses.count("in_progress") >= 10
    assert ProgressNote.objects.filter(action__document=document).exists()


@pytest.mark.django_db
def test_isolation_organisation(loaded):
    other = Organisation.objects.get(slug="sqy-demo")
    document = StrategyDocument.objects.get(organisation=other, status="adopted")
    assert (
        document.ambitions.count(),
        document.orientations.count(),
        document.priorities.count(),
        document.actor_categories.count(),
        document.actions.count(),
    ) == (1, 2, 1, 1, 3)
    members = dict(Membership.objects.filter(organisation=other).values_list("user__email", "role"))
    assert members == {"admin@autre.demo": "admin", "officer@autre.demo": "officer"}
    # Nothing of one organisation points into the other.
    assert not Action.objects.filter(organisation=other).exclude(document=document).exists()
    assert not Membership.objects.filter(organisation=other, user__email__endswith="@caece.demo").exists()


@pytest.mark.django_db
def test_logo_is_generated_once(caece):
    name = caece.logo.name
    with caece.logo.open("rb") as handle:
        image = Image.open(handle)
        assert (image.format, image.size) == ("PNG", (256, 256))
    load_demo()
    caece.refresh_from_db()
    assert caece.logo.name == name


@pytest.mark.django_db
def test_loading_twice_changes_nothing(loaded):
    before = row_counts()
    again = load_demo()
    assert (again["created"], again["updated"]) == (0, 0)
    assert row_counts() == before
    assert {key: value for key, value in again.items() if key not in {"created", "updated"}} == {
        key: value for key, value in loaded.items() if key not in {"created", "updated"}
    }


@pytest.mark.django_db
def test_reload_restores_a_changed_row_and_keeps_passwords(document):
    action = document.actions.get(code="T1")
    action.status = "in_progress"
    action.save()
    user = User.objects.get(email="officer@caece.demo")
    user.set_password("un-autre-mot-de-passe")
    user.save()
    history_before = action.history.count()

    result = load_demo()

    action.refresh_from_db()
    user.refresh_from_db()
    assert action.status == "done"
    assert action.history.count() == history_before + 1
    assert (result["created"], result["updated"]) == (0, 1)
    assert user.check_password("un-autre-mot-de-passe")


@pytest.mark.django_db
def test_reset_rebuilds(loaded):
    unrelated = Organisation.objects.create(slug="autre", name="Autre collectivité", kind="commune")
    stranger = User.objects.create_user("quelquun@example.org", "un-mot-de-passe-long")
    before = {label: count for label, count in row_counts().items() if not is_history(label)}
    old_admin = User.objects.get(email="admin@caece.demo").pk

    result = load_demo(reset=True)

    assert {label: count for label, count in row_counts().items() if not is_history(label)} == before
    assert result["created"] == loaded["created"]
    assert User.objects.get(email="admin@caece.demo").pk != old_admin
    assert Organisation.objects.filter(pk=unrelated.pk).exists()
    assert User.objects.filter(pk=stranger.pk).exists()


@pytest.mark.django_db
def test_reset_command_rebuilds(loaded):
    before = {label: count for label, count in row_counts().items() if not is_history(label)}
    call_command("load_demo", "--reset", stdout=StringIO())
    assert {label: count for label, count in row_counts().items() if not is_history(label)} == before


@pytest.mark.django_db
def test_command_prints_its_summary():
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Données de démonstration chargées." in text
    assert "caece — " in text
    assert "actions : 50" in text
    assert "orientations : 7" in text
    assert "2 organisation(s), 9 compte(s)" in text


@pytest.mark.django_db
def test_demo_accounts_prints_every_login(loaded):
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    emails = [account["email"] for account in demo_accounts()]
    assert len(emails) == 9  # six CAECE members, two of the other organisation, one association
    for email in emails:
        assert email in text
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    assert "Comptes absents" not in text
