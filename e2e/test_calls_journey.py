"""Browser journey of a call for projects (action P5.3): an association applies, a reviewer scores, the committee
accepts, the association sees the decision and files its interim report; axe-core on the pages on the way."""

import datetime
import re

import pytest

from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import ReportStatus
from passerelles.calls.models import Application, GrantReport
from passerelles.core.models import User

pytestmark = pytest.mark.e2e

CALL = "Initiatives de solidarité internationale et d'éducation à la citoyenneté mondiale"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _check(page, axe):
    violations = axe(page)
    assert not violations, axe.report(violations)


def test_association_applies_reviewer_scores_committee_accepts_association_reports(demo, new_context, login, axe):
    draft = Application.objects.get(organisation__slug="caece", actor__name="Les Amis de Kayes")
    assert draft.status == S.DRAFT

    # -- the association: from the public call page to its submitted application ---------------------------------
    association = new_context().new_page()
    association.goto("/public/caece/appels/")
    _check(association, axe)
    association.get_by_role("link", name=CALL).first.click()
    assert "Déposer une candidature" in association.content()
    _check(association, axe)
    login(association, "association@caece.demo")
    association.goto(f"/comptes/acteur/candidatures/{draft.pk}/modifier/")
    _check(association, axe)
    association.get_by_label("Quels résultats attendez-vous sur le territoire de l'Agglomération ?").fill(
        "Des jardins partagés dans deux quartiers d'Evry, animés avec des jeunes de Kayes."
    )
    association.get_by_label("Combien d'habitants du territoire seront touchés ?").fill("200")
    association.get_by_label(re.compile("comprend-il des actions")).select_option("Oui")
    association.get_by_label("Maisons de quartier").check()
    with association.expect_navigation():
        association.get_by_role("button", name="Enregistrer et passer au budget").click()
    _check(association, axe)

    # Budget: 8 000 EUR of expenses; 4 000 asked from this call, 4 000 of own funds (the demo draft has them).
    assert "8" in association.content()
    with association.expect_navigation():
        association.get_by_role("button", name="Enregistrer le budget").click()

    association.goto(f"/comptes/acteur/candidatures/{draft.pk}/pieces/")
    _check(association, axe)
    for label in ("Statuts de l'association", "Dernier rapport d'activité"):
        form = association.locator("form", has=association.get_by_text(label, exact=False)).filter(
            has=association.locator("input[type=file]")
        )
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        with association.expect_navigation():
            form.get_by_role("button", name="Déposer ce fichier").click()
    association.goto(f"/comptes/acteur/candidatures/{draft.pk}/verification/")
    _check(association, axe)
    with association.expect_navigation():
        association.get_by_role("button", name="Déposer ma candidature").click()
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED, association.content()
    assert draft.submitted_version

    # -- the officer takes it into instruction and asks the reviewer -----------------------------------------------
    officer = new_context().new_page()
    login(officer, "officer@caece.demo")
    officer.goto(f"/caece/appels/candidatures/{draft.pk}/")
    _check(officer, axe)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Passer en instruction").click()
    reviewer_account = User.objects.get(email="reviewer@caece.demo")
    officer.locator("main select[name=reviewer]").select_option(str(reviewer_account.pk))
    with officer.expect_navigation():
        officer.get_by_role("button", name="Confier l'évaluation").click()
    draft.refresh_from_db()
    assert draft.status == S.IN_INSTRUCTION and draft.assignments.count() == 1

    # -- the reviewer declares no conflict, then scores every criterion ---------------------------------------------
    reviewer = new_context().new_page()
    login(reviewer, "reviewer@caece.demo")
    reviewer.goto("/caece/appels/evaluations/")
    _check(reviewer, axe)
    reviewer.get_by_role("link", name=re.compile(draft.reference)).first.click()
    reviewer.get_by_label(re.compile("Non")).first.check()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Enregistrer ma déclaration").click()
    _check(reviewer, axe)
    for select in reviewer.locator("main select[name^=score_]").all():
        select.select_option("4")
    for comment in reviewer.locator("main textarea[name^=comment_]").all():
        comment.fill("Conforme au fil rouge.")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Remettre l'évaluation").click()
    assert draft.assignments.get().submitted_at is not None, reviewer.content()

    # -- the committee accepts, the officer awards the grant ---------------------------------------------------------
    officer.goto(f"/caece/appels/{draft.call_id}/comites/nouveau/")
    officer.get_by_label("Intitulé").fill("Comité de sélection de décembre")
    officer.get_by_label("Date de la séance").fill(datetime.date.today().isoformat())
    with officer.expect_navigation():
        officer.get_by_role("button", name="Créer la séance").click()
    _check(officer, axe)
    row = officer.locator(f"#candidature-{draft.pk}")
    row.get_by_label("Retenir").check()
    row.get_by_label("Montant accordé (EUR)").fill("3500")
    row.get_by_label("Motivation").fill("Projet d'intérêt local partagé, montant ajusté.")
    with officer.expect_navigation():
        row.get_by_role("button", name="Enregistrer la décision").click()
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED and draft.decided_amount == 3500
    with officer.expect_navigation():
        officer.locator(f"#candidature-{draft.pk}").get_by_role("button", name="Attribuer la subvention").click()
    draft.refresh_from_db()
    grant = draft.grant
    assert grant.amount == 3500 and grant.project is not None

    # -- the association sees the decision and files its interim report -------------------------------------------
    association.goto(f"/comptes/acteur/candidatures/{draft.pk}/")
    assert "Accepté" in association.content() and "montant ajusté" in association.content()
    _check(association, axe)
    association.get_by_role("link", name="Ma subvention : versements et rapports").click()
    _check(association, axe)
    interim = grant.reports.get(kind="interim")
    association.goto(f"/comptes/acteur/candidatures/rapports/{interim.pk}/")
    association.get_by_label("Compte rendu").fill("Deux jardins ouverts, un échange en visioconférence avec Kayes.")
    for field in association.locator("main input[name^=indicator_]").all():
        field.fill("12")
    with association.expect_navigation():
        association.get_by_role("button", name="Remettre le rapport").click()
    assert GrantReport.objects.get(pk=interim.pk).status == ReportStatus.SUBMITTED
    _check(association, axe)
