from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from passerelles.actors.models import Network, NetworkCriterion, NetworkScore
from passerelles.actors.services import networks as services
from passerelles.actors.tests.factories import (
    NetworkCriterionFactory,
    NetworkFactory,
    NetworkScoreFactory,
    WatchItemFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory


def url(world, name, *args):
    return reverse(name, args=[world.org.slug, *args])


def _network_data(**overrides):
    data = {
        "name": "Cités Unies France",
        "acronym": "CUF",
        "scope": "national",
        "membership_status": "member",
        "member_since": "2012",
        "annual_fee": "1 500,50",
        "working_groups": "  Groupe Mali \n\n Groupe Sénégal\nGroupe Mali\n",
        "lead_directorate": "",
        "website": "cites-unies-france.org",
        "description": "",
    }
    return {**data, **overrides}


# -- networks ---------------------------------------------------------------------------------------


def test_officer_creates_a_network_with_french_amount_and_groups(world, client):
    client.force_login(world.members[Role.OFFICER])
    data = _network_data(lead_directorate=str(world.directorate.pk))
    response = client.post(url(world, "actors:network_create"), data)
    network = Network.objects.get(organisation=world.org)
    assert response.status_code == 302 and response["Location"] == url(world, "actors:network", network.pk)
    assert network.annual_fee == Decimal("1500.50")
    assert network.working_groups == ["Groupe Mali", "Groupe Sénégal"]
    assert network.website == "https://cites-unies-france.org"
    assert (network.member_since, network.lead_directorate) == (2012, world.directorate)
    edit = client.get(url(world, "actors:network_edit", network.pk)).content.decode()
    assert "Groupe Mali\nGroupe Sénégal" in edit and "1500,50" in edit


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire."),
        ("name", "x" * 256, "255 caractères"),
        ("annual_fee", "-10", "Le montant ne peut pas être négatif."),
        ("annual_fee", "douze", "Saisissez un montant en euros"),
        ("member_since", "1850", "1900"),
        ("member_since", "deux mille", "Saisissez un nombre entier."),
        ("working_groups", "\n".join(f"Groupe {n}" for n in range(31)), "30 groupes de travail au plus"),
        ("working_groups", "Court\n" + "y" * 201, "Ligne 2 : 200 caractères au plus"),
        ("working_groups", "z" * 7000, "6060 caractères"),
        ("website", "pas une adresse", "Saisissez une URL valide."),
        ("scope", "galactic", "Sélectionnez un choix valide"),
        ("description", "d" * 5001, "5000 caractères"),
    ],
)
def test_bad_network_input_is_refused_on_its_field(world, client, field, value, message):
    client.force_login(world.members[Role.ADMIN])
    response = client.post(url(world, "actors:network_create"), _network_data(**{field: value}))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Network.objects.exists()


def test_duplicate_name_is_a_field_message(world, client):
    NetworkFactory(organisation=world.org, name="AFCCRE")
    NetworkFactory(organisation=world.other_org, name="AIMF")  # another organisation's name is free
    client.force_login(world.members[Role.OFFICER])
    response = client.post(url(world, "actors:network_create"), _network_data(name="afccre"))
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["Un réseau porte déjà ce nom."]
    assert client.post(url(world, "actors:network_create"), _network_data(name="AIMF")).status_code == 302


def test_hostile_name_is_shown_as_text(world, client):
    client.force_login(world.members[Role.OFFICER])
    client.post(url(world, "actors:network_create"), _network_data(name="<script>alert(1)</script>"))
    network = Network.objects.get(organisation=world.org)
    for name in ("actors:networks", "actors:network_edit", "actors:network_delete"):
        args = [] if name == "actors:networks" else [network.pk]
        html = client.get(url(world, name, *args)).content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name


def test_another_organisations_directorate_is_refused(world, client):
    foreign = DirectorateFactory(organisation=world.other_org)
    client.force_login(world.members[Role.OFFICER])
    response = client.post(url(world, "actors:network_create"), _network_data(lead_directorate=str(foreign.pk)))
    assert response.status_code == 422 and "lead_directorate" in response.context["form"].errors
    with pytest.raises(ValidationError) as error:
        services.network_create(
            organisation=world.org, by=world.members[Role.OFFICER], name="X", lead_directorate=foreign
        )
    assert "lead_directorate" in error.value.message_dict


def test_services_recheck_the_permission(world):
    network = NetworkFactory(organisation=world.org)
    criterion = NetworkCriterionFactory(organisation=world.org)
    viewer = world.members[Role.VIEWER]
    with pytest.raises(PermissionDenied):
        services.network_create(organisation=world.org, by=viewer, name="X")
    with pytest.raises(PermissionDenied):
        services.network_update(network=network, by=viewer, name="Y")
    with pytest.raises(PermissionDenied):
        services.network_score_set(network=network, scores=[(criterion, 3, "")], by=viewer)
    with pytest.raises(PermissionDenied):
        services.criterion_delete(criterion=criterion, by=viewer)
    with pytest.raises(PermissionDenied):
        services.network_delete(network=network, by=world.outsider)


def test_delete_asks_then_removes_scores_and_keeps_watch_items(world, client):
    network = NetworkFactory(organisation=world.org, name="F3E")
    NetworkScoreFactory(network=network)
    NetworkScoreFactory(network=network)
    item = WatchItemFactory(organisation=world.org, network=network)
    client.force_login(world.members[Role.OFFICER])
    page = client.get(url(world, "actors:network_delete", network.pk)).content.decode()
    assert "2 notes de priorisation seront supprimées" in page and 'method="post"' in page
    response = client.post(url(world, "actors:network_delete", network.pk))
    assert response.status_code == 302 and response["Location"] == url(world, "actors:networks")
    assert not Network.objects.filter(pk=network.pk).exists() and not NetworkScore.objects.exists()
    item.refresh_from_db()
    assert item.network is None


# -- scores -----------------------------------------------------------------------------------------


@pytest.fixture
def scored(world):
    network = NetworkFactory(organisation=world.org)
    first = NetworkCriterionFactory(organisation=world.org, label="Intérêt", weight=3)
    second = NetworkCriterionFactory(organisation=world.org, label="Coût", weight=1)
    third = NetworkCriterionFactory(organisation=world.org, label="Réseau de pairs", weight=2)
    NetworkScoreFactory(network=network, criterion=second, score=2, comment="ancien")
    NetworkScoreFactory(network=network, criterion=third, score=1)
    return network, first, second, third


def test_scoring_form_sets_changes_and_deletes_in_one_go(world, client, scored):
    network, first, second, third = scored
    client.force_login(world.members[Role.OFFICER])
    page = client.get(url(world, "actors:network_scores", network.pk)).content.decode()
    assert "Non noté" in page and "ancien" in page
    data = {
        f"score_{first.pk}": "5",
        f"comment_{first.pk}": "  prioritaire ",
        f"score_{second.pk}": "0",
        f"comment_{second.pk}": "",
        f"score_{third.pk}": "",
        f"comment_{third.pk}": "",
    }
    response = client.post(url(world, "actors:network_scores", network.pk), data)
    assert response.status_code == 302
    scores = {s.criterion_id: (s.score, s.comment) for s in NetworkScore.objects.filter(network=network)}
    assert scores == {first.pk: (5, "prioritaire"), second.pk: (0, "")}


@pytest.mark.parametrize(
    ("value", "comment", "field", "message"),
    [
        ("6", "", "score", "Une note va de 0 à 5."),
        ("-1", "", "score", "Une note va de 0 à 5."),
        ("trois", "", "score", "Une note va de 0 à 5."),
        ("4", "c" * 501, "comment", "500 caractères"),
        ("", "sans note", "comment", "Donnez une note pour conserver ce commentaire."),
    ],
)
def test_bad_scores_save_nothing(world, client, scored, value, comment, field, message):
    network, first, second, _third = scored
    client.force_login(world.members[Role.ADMIN])
    data = {f"score_{first.pk}": value, f"comment_{first.pk}": comment, f"score_{second.pk}": "5"}
    response = client.post(url(world, "actors:network_scores", network.pk), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert message in " ".join(errors[f"{field}_{first.pk}"]), errors
    assert NetworkScore.objects.get(network=network, criterion=second).score == 2


def test_score_service_refuses_another_organisations_criterion_and_rolls_back(world, scored):
    network, first, _second, _third = scored
    foreign = NetworkCriterionFactory(organisation=world.other_org)
    with pytest.raises(ValidationError):
        services.network_score_set(
            network=network, scores=[(first, 4, ""), (foreign, 3, "")], by=world.members[Role.OFFICER]
        )
    assert not NetworkScore.objects.filter(criterion=first).exists()
    with pytest.raises(ValidationError) as error:
        services.network_score_set(
            network=network, scores=[(first, 4, ""), (first, 9, "")], by=world.members[Role.OFFICER]
        )
    assert f"score_{first.pk}" in error.value.message_dict
    assert not NetworkScore.objects.filter(criterion=first).exists()


# -- criteria ---------------------------------------------------------------------------------------


def test_criteria_page_shows_weights_and_shares(world, client):
    NetworkCriterionFactory(organisation=world.org, label="Intérêt", weight=3, position=2)
    NetworkCriterionFactory(organisation=world.org, label="Coût", weight=1, position=1)
    NetworkCriterionFactory(organisation=world.other_org, label="Ailleurs", weight=10)
    client.force_login(world.members[Role.VIEWER])
    html = client.get(url(world, "actors:network_criteria")).content.decode()
    assert "total des poids : 4" in html and "75,0 %" in html and "25,0 %" in html
    assert html.index("Coût") < html.index("Intérêt") and "Ailleurs" not in html
    assert "Nouveau critère" not in html
    response = client.get(url(world, "actors:network_criteria_export"), {"format": "csv", "q": "int"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Ordre,Critère,Précisions,Pondération,Part du total (%),Notes"
    assert lines[1:] == ["2,Intérêt,,3,75.00,0"]


def test_officer_creates_and_reorders_a_criterion(world, client):
    client.force_login(world.members[Role.OFFICER])
    data = {"label": "Intérêt stratégique", "description": "", "weight": "4", "position": "2"}
    assert client.post(url(world, "actors:network_criterion_create"), data).status_code == 302
    criterion = NetworkCriterion.objects.get(organisation=world.org)
    assert (criterion.weight, criterion.position) == (4, 2)
    data.update(position="0", weight="10")
    assert client.post(url(world, "actors:network_criterion_edit", criterion.pk), data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.position) == (10, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight", "0", "La pondération va de 1 à 10."),
        ("weight", "11", "La pondération va de 1 à 10."),
        ("weight", "", "Ce champ est obligatoire."),
        ("label", "", "Ce champ est obligatoire."),
        ("label", "l" * 256, "255 caractères"),
        ("label", "COÛT", "Un critère porte déjà cet intitulé."),
        ("position", "-1", "0"),
    ],
)
def test_bad_criterion_input_is_refused(world, client, field, value, message):
    NetworkCriterionFactory(organisation=world.org, label="Coût")
    client.force_login(world.members[Role.OFFICER])
    data = {"label": "Intérêt", "description": "", "weight": "3", "position": "1", field: value}
    response = client.post(url(world, "actors:network_criterion_create"), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert NetworkCriterion.objects.count() == 1


def test_hostile_criterion_label_is_text(world, client):
    criterion = NetworkCriterionFactory(organisation=world.org, label="<b>gras</b><script>x()</script>")
    network = NetworkFactory(organisation=world.org)
    client.force_login(world.members[Role.OFFICER])
    for name, args in [
        ("actors:network_criteria", []),
        ("actors:network_scores", [network.pk]),
        ("actors:network", [network.pk]),
        ("actors:network_criterion_delete", [criterion.pk]),
    ]:
        html = client.get(url(world, name, *args)).content.decode()
        assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html, name


def test_criterion_delete_says_how_many_scores_go(world, client):
    criterion = NetworkCriterionFactory(organisation=world.org, label="Coût")
    kept = NetworkCriterionFactory(organisation=world.org)
    for network in NetworkFactory.create_batch(3, organisation=world.org):
        NetworkScoreFactory(network=network, criterion=criterion)
        NetworkScoreFactory(network=network, criterion=kept)
    client.force_login(world.members[Role.ADMIN])
    page = client.get(url(world, "actors:network_criterion_delete", criterion.pk)).content.decode()
    assert "3 notes données sur ce critère seront supprimées" in page
    response = client.post(url(world, "actors:network_criterion_delete", criterion.pk), follow=True)
    assert "a été supprimé, avec 3 notes." in response.content.decode()
    assert not NetworkCriterion.objects.filter(pk=criterion.pk).exists()
    assert NetworkScore.objects.count() == 3


def test_another_organisations_criterion_is_404(world, client):
    foreign = NetworkCriterionFactory(organisation=world.other_org)
    client.force_login(world.members[Role.ADMIN])
    assert client.get(url(world, "actors:network_criterion_edit", foreign.pk)).status_code == 404
    assert client.post(url(world, "actors:network_criterion_delete", foreign.pk)).status_code == 404
    assert NetworkCriterion.objects.filter(pk=foreign.pk).exists()
