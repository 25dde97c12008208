"""Browser journey of an actor's account: invited by an officer, it sets its password, updates its own entry,
downloads its personal data and erases it (RGPD); axe-core on every page."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from passerelles.actors.models import Actor, PersonalDataRequest

pytestmark = pytest.mark.e2e

ACTOR = "La Maison du Monde"
EMAIL = "bureau@maison-du-monde.example"
PASSWORD = "Une-phrase-de-passe-solide-2026"


def test_invited_actor_updates_its_entry_then_exports_and_erases_its_data(demo, new_context, login, axe):
    actor = Actor.objects.get(organisation__slug="caece", name=ACTOR)
    officer = new_context().new_page()
    login(officer, "officer@caece.demo")
    officer.goto(f"/caece/acteurs/{actor.pk}/")
    mail.outbox.clear()
    officer.get_by_label("Adresse du compte").fill(EMAIL)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Ouvrir un compte").click()
    assert not axe(officer), axe.report(axe(officer))
    actor.refresh_from_db()
    assert actor.account.email == EMAIL and not actor.account.memberships.exists()
    (invitation,) = [m for m in mail.outbox if m.to == [EMAIL]]
    link = urlsplit(re.search(r"https?://\S+/comptes/mot-de-passe/\S+", invitation.body).group(0)).path

    page = new_context().new_page()
    page.goto(link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    login(page, EMAIL, PASSWORD)
    assert urlsplit(page.url).path == "/comptes/acteur/"  # no membership: straight to its own entries
    assert ACTOR in page.content()
    assert not axe(page), axe.report(axe(page))

    page.get_by_role("link", name=re.compile("Modifier")).first.click()
    assert not axe(page), axe.report(axe(page))
    page.fill("#id_description", "Lieu ressource de la solidarité internationale à Evry.")
    page.fill("#id_contact_email", "contact@maison-du-monde.example")
    page.get_by_label(re.compile("J'accepte que le courriel")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    actor.refresh_from_db()
    # A published entry: the description waits for moderation, the contact (never published) is kept at once.
    assert not actor.description.startswith("Lieu ressource") and actor.contact_consent_at is not None
    change = actor.change_requests.get(status="pending")
    assert change.proposed["description"].startswith("Lieu ressource")
    assert page.get_by_text("Modification en attente de modération").is_visible()

    page.goto("/comptes/acteur/mes-donnees/")
    assert not axe(page), axe.report(axe(page))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger (JSON)").click()
    exported = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert "contact@maison-du-monde.example" in json.dumps(exported)

    page.get_by_role("link", name="Effacer mes données…").click()
    assert not axe(page), axe.report(axe(page))
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Effacer définitivement").click()
    assert not axe(page), axe.report(axe(page))
    actor.refresh_from_db()
    assert (actor.account, actor.contact_email, actor.contact_consent_at) == (None, "", None)
    assert not actor.history.exclude(contact_email="").exists()
    kinds = set(PersonalDataRequest.objects.filter(actor=actor).values_list("kind", flat=True))
    assert kinds == {"export", "erasure"}
