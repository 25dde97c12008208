"""Browser journey of the actors directory: a visitor registers, an officer approves, the actor is on the public map."""

import pytest

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.models import Actor

pytestmark = pytest.mark.e2e

NAME = "Association Évry–Kayes Solidarité numérique"


def test_visitor_registers_officer_approves_actor_appears_on_the_public_map(demo, new_context, login, axe):
    visitor = new_context().new_page()
    visitor.goto("/public/caece/acteurs/inscription/")
    assert not axe(visitor), axe.report(axe(visitor))
    visitor.fill("#id_name", NAME)
    visitor.select_option("#id_kind", "association")
    visitor.fill("#id_commune", "Evry")
    visitor.fill("#id_insee_code", "91228")
    visitor.get_by_label("Jeunesse et éducation").check()
    visitor.fill("#id_countries", "ML")
    visitor.fill("#id_description", "Ateliers numériques entre jeunes d'Evry et de Kayes.")
    visitor.fill("#id_contact_role", "Président·e")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Envoyer pour relecture").click()
    actor = Actor.objects.get(name=NAME)
    assert actor.moderation_status == ModerationStatus.PENDING
    visitor.goto("/public/caece/acteurs/?q=Solidarit%C3%A9+num%C3%A9rique")
    assert NAME not in visitor.content()  # not public before moderation

    officer = new_context().new_page()
    login(officer, "officer@caece.demo")
    officer.goto("/caece/acteurs/moderation/")
    row = officer.locator("tr", has_text=NAME)
    with officer.expect_navigation():
        row.get_by_role("button", name="Publier").click()
    actor.refresh_from_db()
    assert actor.moderation_status == ModerationStatus.APPROVED

    visitor.goto("/public/caece/acteurs/carte/")
    assert NAME in visitor.content()  # in the plain list under the map
    visitor.wait_for_selector(".leaflet-container")
    geojson = visitor.evaluate("fetch('/public/caece/acteurs/carte/acteurs.geojson').then(r => r.json())")
    names = [feature["properties"]["name"] for feature in geojson["features"]]
    assert NAME in names
    assert all("contact_email" not in feature["properties"] for feature in geojson["features"])
    assert not axe(visitor), axe.report(axe(visitor))


@pytest.mark.parametrize("url", ["/caece/acteurs/", "/caece/acteurs/moderation/"])
def test_backoffice_actor_pages_have_no_serious_accessibility_violation(demo, page, login, axe, url):
    login(page, "admin@caece.demo")
    assert page.goto(url).status == 200
    assert not axe(page), axe.report(axe(page))


def test_public_directory_has_no_serious_accessibility_violation(demo, page, axe):
    assert page.goto("/public/caece/acteurs/").status == 200
    assert not axe(page), axe.report(axe(page))
