"""Browser journey of an association without an account (issue 9, point 5): from the public call it registers its
structure with an account; the entry waits for moderation; once an officer approves it, the invitation's link sets
the password and lands back on the call, from which the application starts. axe-core on every page."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from passerelles.actors.models import Actor
from passerelles.calls.models import Call

pytestmark = pytest.mark.e2e

ACTOR = "Solidarité Evry-Kayes Jeunesse"
EMAIL = "bureau@amis-de-kayes.example"
PASSWORD = "Une-phrase-de-passe-solide-2027"


def test_visitor_goes_from_the_public_call_to_an_account_and_back(demo, new_context, login, axe):
    call = Call.objects.get(organisation__slug="caece", status="published")
    call_path = f"/public/caece/appels/{call.pk}/"
    page = new_context().new_page()
    page.goto("/public/caece/appels/")
    page.get_by_role("link", name=call.title).first.click()
    assert urlsplit(page.url).path == call_path
    page.get_by_role("link", name="Déposer une candidature").click()
    assert not axe(page), axe.report(axe(page))
    assert page.get_by_role("heading", name="Première candidature").is_visible()

    page.get_by_role("link", name="Inscrire ma structure et demander un compte").click()
    assert urlsplit(page.url).path == "/public/caece/acteurs/inscription/"
    assert not axe(page), axe.report(axe(page))
    page.fill("#id_name", ACTOR)
    page.select_option("#id_kind", "association")
    page.fill("#id_commune", "Evry-Courcouronnes")
    page.fill("#id_description", "Échanges scolaires entre Evry et Kayes.")
    page.fill("#id_account_request_email", EMAIL)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer pour relecture").click()
    assert "/inscription/merci/" in page.url
    assert page.get_by_text("Votre fiche attend la validation de la collectivité").is_visible()
    assert not axe(page), axe.report(axe(page))
    actor = Actor.objects.get(organisation__slug="caece", name=ACTOR)
    assert actor.moderation_status == "pending" and actor.account is None and actor.account_request_next == call_path

    officer = new_context().new_page()
    login(officer, "officer@caece.demo")
    officer.goto("/caece/acteurs/moderation/")
    mail.outbox.clear()
    row = officer.get_by_role("row").filter(has_text=ACTOR)
    with officer.expect_navigation():
        row.get_by_role("button", name="Publier").click()
    (invitation,) = [m for m in mail.outbox if m.to == [EMAIL]]
    link = urlsplit(re.search(r"https?://\S+/comptes/mot-de-passe/\S+", invitation.body).group(0))

    page.goto(f"{link.path}?{link.query}")
    assert not axe(page), axe.report(axe(page))
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert urlsplit(page.url).path == call_path  # back on the call, logged in
    assert page.get_by_role("link", name="Mon espace acteur").is_visible()
    page.get_by_role("link", name="Déposer une candidature").click()
    assert urlsplit(page.url).path == f"/comptes/acteur/candidatures/appel/{call.pk}/commencer/"
    assert page.get_by_role("button", name="Commencer ma candidature").is_visible()
    assert not axe(page), axe.report(axe(page))
