"""Browser journeys of the census, the networks and the watch (actions P5.2, P3.7, P3.8), with axe-core checks."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from passerelles.actors.models import CensusFinding, Network, WatchItem, WatchSubscription

pytestmark = pytest.mark.e2e

TITLE = "Groupe-pays Mali : compte rendu de la réunion sur l'assainissement"


def test_officer_records_a_census_finding_scores_a_network_and_the_watch_reaches_a_directorate(
    demo, new_context, login, axe
):
    officer = new_context().new_page()
    login(officer, "officer@caece.demo")

    # Census: the meeting with Lisses surfaces an actor the authority already knows.
    officer.goto("/caece/acteurs/recensement/")
    officer.get_by_role("link", name="Recensement des acteurs engagés à l'international").click()
    assert not axe(officer), axe.report(axe(officer))
    officer.get_by_role("link", name="Lisses").first.click()
    assert not axe(officer), axe.report(axe(officer))
    officer.get_by_label("Nom de l'acteur déjà connu").fill("Génopole")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Chercher dans l'annuaire").click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Noter comme déjà connu Génopole").click()
    assert CensusFinding.objects.filter(meeting__commune="Lisses", actor__name="Génopole", is_new=False).exists()

    # Networks: scoring AFCCRE higher on every criterion moves it up the ranking.
    afccre = Network.objects.get(acronym="AFCCRE")
    officer.goto(f"/caece/acteurs/reseaux/{afccre.pk}/notes/")
    assert not axe(officer), axe.report(axe(officer))
    for select in officer.locator("main select").all():
        select.select_option("5")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Enregistrer les notes").click()
    officer.goto("/caece/acteurs/reseaux/")
    first_row = officer.locator("tbody tr").first
    assert "AFCCRE" in first_row.inner_text()
    assert not axe(officer), axe.report(axe(officer))

    # Watch: an item on sanitation in Kayes reaches the urban services directorate's digest.
    officer.goto("/caece/acteurs/veille/nouvelle/")
    assert not axe(officer), axe.report(axe(officer))
    officer.fill("#id_title", TITLE)
    officer.select_option("#id_network", label="Cités Unies France (CUF)")
    officer.fill("#id_url", "https://cites-unies-france.org")
    officer.fill("#id_published_on", "2014-05-12")
    officer.get_by_label("Assainissement et environnement").check()
    officer.get_by_label("Kayes", exact=True).check()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Enregistrer", exact=True).click()
    assert WatchItem.objects.filter(title=TITLE).exists()
    officer.goto("/caece/acteurs/veille/")
    assert TITLE in officer.content()
    assert not axe(officer), axe.report(axe(officer))

    mail.outbox.clear()
    call_command("send_watch_digest", "--organisation", "caece", stdout=open("/dev/null", "w"))
    urban = WatchSubscription.objects.get(email="services-urbains@caece.demo")
    digest = next(m for m in mail.outbox if m.to == [urban.email])
    assert TITLE in digest.body
    # The link is absolute on PUBLIC_BASE_URL; the browser follows its path on the live server.
    unsubscribe = urlsplit(digest.extra_headers["List-Unsubscribe"].strip("<>")).path
    assert unsubscribe in digest.body

    # The directorate unsubscribes from the link of the email: one button, no login.
    reader = new_context().new_page()
    reader.goto(unsubscribe)
    assert not axe(reader), axe.report(axe(reader))
    urban.refresh_from_db()
    assert urban.is_active  # opening the link changes nothing
    with reader.expect_navigation():
        reader.get_by_role("button", name="Se désabonner").click()
    urban.refresh_from_db()
    assert not urban.is_active
    assert not axe(reader), axe.report(axe(reader))
