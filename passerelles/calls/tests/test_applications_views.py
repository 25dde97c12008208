"""The applicant journey through its pages: access (anonymous, another account, a staff member), start, draft,
budget, attachments, check, submission, receipt, withdrawal."""

import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.tests.factories import ActorFactory
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide, QuestionKind
from passerelles.calls.models import Answer, Application, ApplicationTransition, Attachment, BudgetLine
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    QuestionFactory,
    RequiredDocumentFactory,
)
from passerelles.core.enums import Role

pytestmark = pytest.mark.django_db
User = get_user_model()
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def account(db):
    return User.objects.create_user("asso@example.org", password="mot-de-passe-de-test")


@pytest.fixture
def actor(world, account):
    return ActorFactory(organisation=world.org, name="Les Amis de Kayes", account=account, founded_year=2010)


@pytest.fixture
def call(world):
    return CallFactory(organisation=world.org, title="Solidarité internationale 2026")


@pytest.fixture
def application(call, actor, account):
    return ApplicationFactory(call=call, actor=actor, applicant=account, reference="AAP-2026-0001")


@pytest.fixture
def document(call):
    return RequiredDocumentFactory(call=call, label="Statuts de l'association")


def ready(application):
    BudgetLineFactory(application=application, side=BudgetSide.EXPENSE, label="Billets", amount=Decimal("10000"))
    BudgetLineFactory(
        application=application, side=BudgetSide.RESOURCE, label="Cet appel", amount=Decimal("5000"), is_this_call=True
    )
    BudgetLineFactory(application=application, side=BudgetSide.RESOURCE, label="Fonds propres", amount=Decimal("5000"))
    return application


def urls(application, call, attachment=None):
    result = [
        ("get", reverse("applicant:applications")),
        ("get", reverse("applicant:start", args=[call.pk])),
        ("get", reverse("applicant:application", args=[application.pk])),
        ("get", reverse("applicant:edit", args=[application.pk])),
        ("get", reverse("applicant:budget", args=[application.pk])),
        ("get", reverse("applicant:attachments", args=[application.pk])),
        ("get", reverse("applicant:check", args=[application.pk])),
        ("post", reverse("applicant:submit", args=[application.pk])),
        ("get", reverse("applicant:receipt", args=[application.pk])),
        ("get", reverse("applicant:withdraw", args=[application.pk])),
        ("post", reverse("applicant:withdraw", args=[application.pk])),
    ]
    if attachment is not None:
        result += [
            ("get", reverse("applicant:attachment", args=[attachment.pk])),
            ("post", reverse("applicant:attachment_delete", args=[attachment.pk])),
        ]
    return result


@pytest.fixture
def attachment(application, document):
    return Attachment.objects.create(
        organisation=application.organisation,
        application=application,
        document=document,
        file=SimpleUploadedFile("x", PDF_BYTES),
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
    )


# -- access ---------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, application, call, attachment):
    for method, url in urls(application, call, attachment):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url


def test_another_applicant_gets_404_everywhere(client, world, application, call, attachment):
    other = User.objects.create_user("autre@example.org", password="x")
    ActorFactory(organisation=world.org, name="Autre association", account=other)
    client.force_login(other)
    for method, url in urls(application, call, attachment):
        if "commencer" in url or url == reverse("applicant:applications"):
            continue  # their own pages: covered below
        assert getattr(client, method)(url).status_code == 404, url
    page = client.get(reverse("applicant:applications")).content.decode()
    assert application.reference not in page
    assert Application.objects.get(pk=application.pk).status == S.DRAFT
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER, Role.VIEWER])
def test_a_staff_member_without_an_actor_gets_404_everywhere(client, world, application, call, attachment, role):
    client.force_login(world.members[role])
    for method, url in urls(application, call, attachment):
        assert getattr(client, method)(url).status_code == 404, url


# -- list and start -------------------------------------------------------------------------------------------


def test_the_list_shows_my_applications_in_a_fixed_number_of_queries(client, world, account, actor, call):
    other_call = CallFactory(organisation=world.other_org)
    elsewhere = ActorFactory(organisation=world.other_org, account=account)
    client.force_login(account)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("applicant:applications"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    ApplicationFactory(call=call, actor=actor, applicant=account, title="<script>alert(1)</script>")
    few, page = count()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    for _ in range(5):
        ApplicationFactory(call=other_call, actor=elsewhere, applicant=account)
    ApplicationFactory(call=call)  # someone else's
    many, page = count()
    assert few == many
    assert page.count(reverse("applicant:applications")) >= 1 and world.other_org.name in page


def test_start_shows_the_self_check_then_creates_one_draft(client, account, actor, call):
    actor.founded_year = 2025
    actor.save()
    call.min_age_years = 3
    call.save()
    client.force_login(account)
    page = client.get(reverse("applicant:start", args=[call.pk])).content.decode()
    assert "Votre structure a été créée en 2025 : l&#x27;appel demande au moins 3 ans d&#x27;existence." in page
    response = client.post(reverse("applicant:start", args=[call.pk]), {"actor": actor.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("applicant:edit", args=[application.pk])
    year = timezone.localdate().year
    assert application.reference == f"AAP-{year}-0001"
    assert (application.actor, application.applicant, application.status) == (actor, account, S.DRAFT)
    # A second start returns the same draft.
    client.post(reverse("applicant:start", args=[call.pk]), {"actor": actor.pk})
    assert Application.objects.count() == 1


def test_references_follow_each_other_within_an_organisation(client, world, account, actor, call):
    second = ActorFactory(organisation=world.org, account=account, name="Deuxième association")
    client.force_login(account)
    client.post(reverse("applicant:start", args=[call.pk]), {"actor": actor.pk})
    client.post(reverse("applicant:start", args=[call.pk]), {"actor": second.pk})
    year = timezone.localdate().year
    assert sorted(Application.objects.values_list("reference", flat=True)) == [
        f"AAP-{year}-0001",
        f"AAP-{year}-0002",
    ]


def test_start_refuses_a_draft_call_a_closed_call_and_someone_elses_actor(client, world, account, actor, call):
    client.force_login(account)
    draft = CallFactory(organisation=world.org, draft=True)
    assert client.get(reverse("applicant:start", args=[draft.pk])).status_code == 404
    closed = CallFactory(
        organisation=world.org,
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = client.post(reverse("applicant:start", args=[closed.pk]), {"actor": actor.pk})
    assert response.status_code == 422 and "pas ouvert aux candidatures" in response.content.decode()
    stranger = ActorFactory(organisation=world.org)
    response = client.post(reverse("applicant:start", args=[call.pk]), {"actor": stranger.pk})
    assert response.status_code == 422
    response = client.post(reverse("applicant:start", args=[call.pk]), {"actor": "<script>"})
    assert response.status_code == 422
    assert not Application.objects.exists()


# -- the draft ------------------------------------------------------------------------------------------------


def draft_data(**overrides):
    data = {
        "title": "Échanges de jeunes avec Kayes",
        "summary": "Deux séjours.",
        "modality": "cofinancing",
        "amount_requested": "5000",
        "starts_on": "2026-04-01",
        "ends_on": "2026-12-31",
    }
    data.update(overrides)
    return data


def test_save_the_draft_with_answers_and_conditions(client, account, application, call):
    partner = QuestionFactory(
        call=call, label="Avec un partenaire ?", kind=QuestionKind.SINGLE_CHOICE, choices=["oui", "non"]
    )
    which = QuestionFactory(call=call, label="Lequel ?", show_if_question=partner, show_if_value="oui")
    themes = QuestionFactory(call=call, kind=QuestionKind.MULTIPLE_CHOICE, choices=["jeunesse", "santé"])
    when = QuestionFactory(call=call, kind=QuestionKind.DATE)
    client.force_login(account)
    page = client.get(reverse("applicant:edit", args=[application.pk])).content.decode()
    assert "(seulement si la réponse à « Avec un partenaire ? » est « oui »)" in page.replace("&#x27;", "'")
    data = draft_data(
        **{
            f"q_{partner.pk}": "oui",
            f"q_{which.pk}": "Kayes",
            f"q_{themes.pk}": ["jeunesse", "santé"],
            f"q_{when.pk}": "2026-05-01",
        }
    )
    response = client.post(reverse("applicant:edit", args=[application.pk]), data)
    assert response.status_code == 200 and "Brouillon enregistré à" in response.content.decode()
    answers = {a.question_id: a.value for a in Answer.objects.filter(application=application)}
    assert answers == {partner.pk: "oui", which.pk: "Kayes", themes.pk: ["jeunesse", "santé"], when.pk: "2026-05-01"}
    application.refresh_from_db()
    assert application.title == "Échanges de jeunes avec Kayes" and application.amount_requested == Decimal("5000")
    # The condition no longer met: the dependent answer is cleared server-side.
    data[f"q_{partner.pk}"] = "non"
    client.post(reverse("applicant:edit", args=[application.pk]), data)
    assert not Answer.objects.filter(question=which).exists()


def test_the_htmx_autosave_answers_with_the_status_only(client, account, application):
    client.force_login(account)
    response = client.post(
        reverse("applicant:edit", args=[application.pk]), draft_data(title="Autosave"), HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200 and content.startswith('<p id="save-status"')
    assert re.search(r"Brouillon enregistré à \d\d:\d\d", content)


def test_a_draft_needs_nothing_but_refuses_bad_input(client, account, application):
    client.force_login(account)
    response = client.post(reverse("applicant:edit", args=[application.pk]), {"modality": "cofinancing"})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "" and application.amount_requested is None
    for bad in (
        {"title": "x" * 300},
        {"amount_requested": "beaucoup"},
        {"amount_requested": "-5"},
        {"starts_on": "2026-13-45"},
        {"starts_on": "2026-05-01", "ends_on": "2026-04-01"},
        {"modality": "premises"},  # not offered by this call
    ):
        response = client.post(reverse("applicant:edit", args=[application.pk]), draft_data(**bad))
        assert response.status_code == 422, bad
        assert "rien n'a été enregistré" in response.content.decode()
    application.refresh_from_db()
    assert application.title == ""


def test_hostile_text_is_stored_as_typed_and_shown_as_text(client, account, application):
    client.force_login(account)
    client.post(reverse("applicant:edit", args=[application.pk]), draft_data(title="<script>alert(1)</script>"))
    page = client.get(reverse("applicant:application", args=[application.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_submitted_application_is_no_longer_editable(client, account, application):
    application.status = S.SUBMITTED
    application.save()
    client.force_login(account)
    response = client.post(reverse("applicant:edit", args=[application.pk]), draft_data(title="Changé"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "applicant:application", args=[application.pk]
    )
    assert client.post(reverse("applicant:budget", args=[application.pk]), {}).status_code == 302
    application.refresh_from_db()
    assert application.title != "Changé"


# -- budget -----------------------------------------------------------------------------------------------------


def budget_data(expenses, resources, **extra):
    data = {
        "expenses-TOTAL_FORMS": str(len(expenses)),
        "expenses-INITIAL_FORMS": "0",
        "resources-TOTAL_FORMS": str(len(resources)),
        "resources-INITIAL_FORMS": "0",
    }
    for i, (label, amount) in enumerate(expenses):
        data.update({f"expenses-{i}-label": label, f"expenses-{i}-amount": amount})
    for i, (label, amount, this_call) in enumerate(resources):
        data.update(
            {
                f"resources-{i}-label": label,
                f"resources-{i}-funder": "Agglomération",
                f"resources-{i}-resource_status": "requested",
                f"resources-{i}-amount": amount,
            }
        )
        if this_call:
            data[f"resources-{i}-is_this_call"] = "on"
    data.update(extra)
    return data


def test_budget_rows_are_added_without_javascript_then_saved(client, account, application):
    client.force_login(account)
    url = reverse("applicant:budget", args=[application.pk])
    page = client.get(url).content.decode()
    assert 'name="expenses-TOTAL_FORMS" value="1"' in page
    response = client.post(url, budget_data([("Billets", "8000")], [], add="expenses"))
    assert response.status_code == 200 and 'name="expenses-TOTAL_FORMS" value="2"' in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = client.post(
        url,
        budget_data(
            [("Billets", "8000"), ("Hébergement", "2000")],
            [("Cet appel", "5000", True), ("Fonds propres", "5000", False)],
        ),
    )
    assert response.status_code == 302
    lines = list(application.budget_lines.values_list("side", "label", "amount", "is_this_call"))
    assert lines == [
        (BudgetSide.EXPENSE, "Billets", Decimal("8000"), False),
        (BudgetSide.EXPENSE, "Hébergement", Decimal("2000"), False),
        (BudgetSide.RESOURCE, "Cet appel", Decimal("5000"), True),
        (BudgetSide.RESOURCE, "Fonds propres", Decimal("5000"), False),
    ]
    page = client.get(url).content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert (
        "10 000,00 €" in page
        and "aucun : le budget est équilibré" in page
        and "50.00 % du budget" in page.replace(",", ".")
    )


def test_budget_bad_rows_are_refused_and_nothing_saved(client, account, application):
    ready(application)
    client.force_login(account)
    url = reverse("applicant:budget", args=[application.pk])
    for data in (
        budget_data([("Billets", "-1")], []),
        budget_data([("", "100")], []),
        budget_data([("Billets", "1" * 20)], []),
        budget_data([("Billets", "100")], [("A", "50", True), ("B", "50", True)]),
        {"expenses-TOTAL_FORMS": "<script>"},
    ):
        response = client.post(url, data)
        assert response.status_code in (422, 400), data
    assert application.budget_lines.count() == 3


# -- attachments ------------------------------------------------------------------------------------------------


def media_files(settings):
    """Files written anywhere: the private storage (where attachments go) and the public one (where they never go)."""
    return _files(settings.PRIVATE_MEDIA_ROOT) + _files(settings.MEDIA_ROOT)


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, application, target, name, content):
    return client.post(
        reverse("applicant:attachments", args=[application.pk]),
        {"target": target, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_a_pdf_is_stored_under_a_random_name_with_its_sha256(client, settings, account, application, document):
    client.force_login(account)
    response = upload(client, application, f"doc-{document.pk}", "statuts.pdf", PDF_BYTES)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "statuts.pdf" and attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and attachment.size == len(PDF_BYTES)
    assert "statuts" not in attachment.file.name and attachment.file.name.startswith(
        f"calls/{application.organisation_id}/"
    )
    download = client.get(reverse("applicant:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert 'filename="statuts.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES
    # Delete it: the row goes, and the file with it once committed.
    client.post(reverse("applicant:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("statuts.pdf", b"MZ\x90\x00" + b"\x00" * 100, "n&#x27;est pas d&#x27;un type accepté"),
        ("statuts.pdf", b"\x7fELF\x02\x01" + b"\x00" * 100, "n&#x27;est pas d&#x27;un type accepté"),
        ("statuts.pdf", b"", "Le fichier soumis est vide"),
        ("statuts.pdf", PDF_BYTES + b"0" * 2048, "la limite est de"),
    ],
)
def test_refused_uploads_write_nothing(client, settings, account, application, document, name, content, message):
    settings.CALLS_MAX_UPLOAD_BYTES = 1024
    client.force_login(account)
    response = upload(client, application, f"doc-{document.pk}", name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert media_files(settings) == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf", "/etc/passwd.pdf"])
def test_a_path_traversal_name_never_becomes_a_path(client, settings, account, application, document, name):
    # Django's parser keeps only the last part of a path (uploads.py refuses the raw name: see test_uploads.py);
    # what is stored is a random name of ours, under PRIVATE_MEDIA_ROOT.
    client.force_login(account)
    upload(client, application, f"doc-{document.pk}", name, PDF_BYTES)
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    (stored,) = media_files(settings)
    assert stored.resolve().is_relative_to(settings.PRIVATE_MEDIA_ROOT.resolve()) and "passwd" not in str(stored)


def test_an_unknown_target_is_refused(client, account, application, world):
    other_document = RequiredDocumentFactory(call=CallFactory(organisation=world.org))
    client.force_login(account)
    response = upload(client, application, f"doc-{other_document.pk}", "statuts.pdf", PDF_BYTES)
    assert response.status_code == 422 and not Attachment.objects.exists()


# -- check, submission, receipt, withdrawal ---------------------------------------------------------------------


def test_the_check_page_lists_the_reasons(client, account, application, document):
    client.force_login(account)
    page = client.get(reverse("applicant:check", args=[application.pk])).content.decode().replace("&#x27;", "'")
    assert "Joignez la pièce « Statuts de l'association »." in page
    assert "Remplissez le budget du projet" in page
    assert 'name="submission_key"' in page


def test_submit_twice_with_the_same_key_makes_one_transition_and_one_email(
    client, account, application, django_capture_on_commit_callbacks
):
    ready(application)
    client.force_login(account)
    page = client.get(reverse("applicant:check", args=[application.pk])).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]+)"', page).group(1)
    url = reverse("applicant:submit", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"submission_key": key})
        second = client.post(url, {"submission_key": key})
    assert first.status_code == second.status_code == 302
    assert ApplicationTransition.objects.filter(application=application, to_status=S.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][2] == "application/pdf"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.submitted_version["reference"] == "AAP-2026-0001"
    detail = client.get(reverse("applicant:application", args=[application.pk])).content.decode()
    assert "Version déposée" in detail and reverse("applicant:receipt", args=[application.pk]) in detail
    receipt = client.get(reverse("applicant:receipt", args=[application.pk]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")
    assert receipt["Content-Disposition"] == 'attachment; filename="recepisse-AAP-2026-0001.pdf"'


def test_a_late_submission_is_refused_with_the_deadline(client, account, application):
    ready(application)
    call = application.call
    call.opens_at = timezone.now() - datetime.timedelta(days=10)
    call.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    call.save()
    client.force_login(account)
    response = client.post(
        reverse("applicant:submit", args=[application.pk]), {"submission_key": "6f1c2d3e-0000-4000-8000-000000000001"}
    )
    assert response.status_code == 422
    assert "Le dépôt était possible jusqu&#x27;au" in response.content.decode()
    assert "(heure de Paris)" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_no_receipt_before_submission(client, account, application):
    client.force_login(account)
    assert client.get(reverse("applicant:receipt", args=[application.pk])).status_code == 404


def test_withdraw_asks_then_withdraws_with_a_message(client, account, application):
    client.force_login(account)
    url = reverse("applicant:withdraw", args=[application.pk])
    assert "Retirer ma candidature" in client.get(url).content.decode()
    assert client.post(url, {"message": "x" * 3000}).status_code == 422
    response = client.post(url, {"message": "Projet reporté à l'an prochain."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    transition = ApplicationTransition.objects.get(application=application)
    assert transition.message == "Projet reporté à l'an prochain." and transition.by == account
    # Nothing more to withdraw.
    assert client.post(url, {}).status_code == 422


def test_the_decision_and_motivation_are_shown(client, account, application):
    application.status = S.REFUSED
    application.decision_motivation = "Le projet ne concerne pas le territoire partenaire."
    application.decided_at = timezone.now()
    application.save()
    client.force_login(account)
    page = client.get(reverse("applicant:application", args=[application.pk])).content.decode()
    assert "Décision" in page and "Le projet ne concerne pas le territoire partenaire." in page
