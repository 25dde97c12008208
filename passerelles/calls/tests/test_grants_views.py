"""Grant pages: back-office list (filters, exports, query counts), forms, agreement PDF, applicant side, open data."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passerelles.calls.enums import ReportKind, ReportStatus
from passerelles.calls.models import Grant, Instalment
from passerelles.calls.selectors import grants as selectors
from passerelles.calls.services import grants as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    GrantFactory,
    GrantReportFactory,
    InstalmentFactory,
    ReportIndicatorFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import UserFactory


def _grant(world, **kwargs):
    call = kwargs.pop("call", None) or CallFactory(organisation=world.org)
    return GrantFactory(application=ApplicationFactory(call=call, accepted=True), **kwargs)


def _queries(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# -- back office -------------------------------------------------------------------------------------------


def test_grant_list_shows_paid_next_instalment_and_late_reports(world, client):
    grant = _grant(world, agreement_number="CONV-2026-0042")
    InstalmentFactory(
        grant=grant, amount=Decimal("1500"), paid_on=datetime.date(2026, 10, 1), paid_amount=Decimal("1500")
    )
    InstalmentFactory(grant=grant, amount=Decimal("1000"), due_on=datetime.date(2027, 2, 1))
    GrantReportFactory(grant=grant, due_on=timezone.localdate() - datetime.timedelta(days=1))
    on_time = _grant(world, agreement_number="CONV-2026-0043")
    GrantReportFactory(grant=on_time, due_on=timezone.localdate() + datetime.timedelta(days=30))
    client.force_login(world.members[Role.VIEWER])
    url = reverse("calls:grants", args=[world.org.slug])
    page = client.get(url).content.decode()
    assert "CONV-2026-0042" in page and "CONV-2026-0043" in page
    assert "EN RETARD" in page
    assert re.search(r"1\s?500,00 €", page)
    late_only = client.get(url, {"late": "on"}).content.decode()
    assert "CONV-2026-0042" in late_only and "CONV-2026-0043" not in late_only
    [row] = selectors.grant_list(organisation=world.org, text="0042")
    assert (row.paid_total, row.next_due_on, row.next_amount, row.reports_late) == (
        Decimal("1500"),
        datetime.date(2027, 2, 1),
        Decimal("1000"),
        1,
    )


def test_grant_list_filters_tolerate_bad_input(world, client):
    _grant(world)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:grants", args=[world.org.slug])
    for params in ({"call": "abc"}, {"year": "-1"}, {"q": "<script>alert(1)</script>"}, {"q": "x" * 5000}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_grant_exports(world, client):
    grant = _grant(world, agreement_number="CONV-2026-0001")
    grant.application.actor.name = "=HYPERLINK(1)"
    grant.application.actor.save()
    client.force_login(world.members[Role.VIEWER])
    url = reverse("calls:grants_export", args=[world.org.slug])
    csv = client.get(url, {"format": "csv"})
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeffNuméro de convention")
    assert "CONV-2026-0001" in body and "'=HYPERLINK(1)" in body
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get(url, {"format": "pdf"}).status_code == 404


def test_grant_list_query_count_does_not_grow(world, client):
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:grants", args=[world.org.slug])

    def add(n):
        for _ in range(n):
            grant = _grant(world)
            InstalmentFactory(grant=grant, paid_on=datetime.date(2026, 10, 1), paid_amount=Decimal("100"))
            InstalmentFactory(grant=grant)
            GrantReportFactory(grant=grant)

    add(2)
    small = _queries(client, url)
    add(10)
    assert _queries(client, url) == small


def test_award_through_the_view(world, client):
    application = ApplicationFactory(call=CallFactory(organisation=world.org), accepted=True)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:grant_create", args=[world.org.slug, application.pk])
    response = client.post(url, {"modality": "<script>", "signed_on": "31/02/2026"})
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Grant.objects.exists()
    response = client.post(url, {"modality": "cofinancing"})
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/subventions/{grant.pk}/")
    again = client.post(url, {"modality": "cofinancing"})
    assert again.status_code == 422 and "déjà sa subvention" in again.content.decode()
    assert client.get(url).status_code == 405


def test_grant_page_and_instalment_forms(world, client):
    grant = _grant(world)  # 5000 €
    InstalmentFactory(grant=grant, amount=Decimal("4000"))
    client.force_login(world.members[Role.OFFICER])
    page = client.get(reverse("calls:grant", args=[world.org.slug, grant.pk])).content.decode()
    assert grant.agreement_number in page and "Programmer un versement" in page
    url = reverse("calls:instalment_create", args=[world.org.slug, grant.pk])
    cases = [
        ({}, "Ce champ est obligatoire"),
        ({"label": "Solde", "due_on": "2027-01-01", "amount": "1000.01"}, "il reste 1000"),
        ({"label": "Solde", "due_on": "2027-01-01", "amount": "-5"}, "supérieure ou égale à 0"),
        ({"label": "Solde", "due_on": "n'importe", "amount": "1"}, "Saisissez une date valide"),
        ({"label": "x" * 300, "due_on": "2027-01-01", "amount": "1"}, "au plus 255 caractères"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 422, data
        assert message in response.content.decode(), data
    assert grant.instalments.count() == 1
    client.post(url, {"label": "<script>alert(1)</script>", "due_on": "2027-01-01", "amount": "1000"})
    page = client.get(reverse("calls:grant", args=[world.org.slug, grant.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_instalment_pay_view_needs_a_project_and_bounds(world, client, steering):
    grant = _grant(world)
    grant.project = steering.other_project
    grant.save()
    instalment = InstalmentFactory(grant=grant, amount=Decimal("2500"))
    client.force_login(world.members[Role.ADMIN])
    url = reverse("calls:instalment_pay", args=[world.org.slug, instalment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"paid_on": "2026-11-02", "paid_amount": "2600"})
    assert response.status_code == 422 and "montant prévu" in response.content.decode()
    response = client.post(url, {"paid_on": "2026-11-02", "paid_amount": "2500"})
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert instalment.transaction.project == steering.other_project
    delete = reverse("calls:instalment_delete", args=[world.org.slug, instalment.pk])
    client.post(delete)
    assert Instalment.objects.filter(pk=instalment.pk).exists()


def test_report_return_needs_a_message_and_accept_moves_it(world, client):
    report = GrantReportFactory(grant=_grant(world), status=ReportStatus.SUBMITTED, narrative="<b>Bilan</b>")
    client.force_login(world.members[Role.OFFICER])
    page = client.get(reverse("calls:report", args=[world.org.slug, report.pk])).content.decode()
    assert "&lt;b&gt;Bilan&lt;/b&gt;" in page and "Accepter le rapport" in page
    response = client.post(reverse("calls:report_return", args=[world.org.slug, report.pk]), {"message": ""})
    assert response.status_code == 422 and "Dites au porteur" in response.content.decode()
    client.post(reverse("calls:report_accept", args=[world.org.slug, report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_agreement_pdf(world, client):
    call = CallFactory(organisation=world.org, final_report_due=datetime.date(2027, 12, 31))
    ReportIndicatorFactory(call=call, label="Jeunes sensibilisés")
    grant = services.grant_award(
        application=ApplicationFactory(call=call, accepted=True),
        by=world.members[Role.OFFICER],
        modality="cofinancing",
    )
    InstalmentFactory(grant=grant, label="Avance de 60 %", amount=Decimal("3000"))
    client.force_login(world.members[Role.VIEWER])
    response = client.get(reverse("calls:grant_agreement", args=[world.org.slug, grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    html = render_to_string(
        "calls/grants/pdf/agreement.html", {**selectors.grant_detail(grant=grant), "organisation": world.org}
    )
    for text in (grant.agreement_number, world.org.name, grant.application.actor.name, "Jeunes sensibilisés"):
        assert text in html
    assert "31 décembre 2027" in html and "Avance de 60 %" in html


# -- the applicant side ----------------------------------------------------------------------------------------


@pytest.fixture
def applicant_grant(world):
    call = CallFactory(organisation=world.org, report_content="Décrivez les activités.")
    ReportIndicatorFactory(call=call, label="Jeunes sensibilisés", position=1)
    grant = _grant(world, call=call)
    GrantReportFactory(grant=grant, kind=ReportKind.INTERIM)
    return grant


def test_applicant_sees_own_grant_and_gets_404_on_others(applicant_grant, client):
    application = applicant_grant.application
    urls = [
        reverse("applicant:grant", args=[application.pk]),
        reverse("applicant:grant_agreement", args=[application.pk]),
        reverse("applicant:report", args=[applicant_grant.reports.get().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(application.applicant)
    page = client.get(urls[0]).content.decode()
    assert applicant_grant.agreement_number in page and "Rapport intermédiaire" in page
    assert client.get(urls[1]).content.startswith(b"%PDF-")
    assert client.get(reverse("applicant:grant", args=[999999])).status_code == 404
    without_grant = ApplicationFactory(call=application.call, applicant=application.applicant, accepted=True)
    assert client.get(reverse("applicant:grant", args=[without_grant.pk])).status_code == 404


def test_applicant_files_the_report(applicant_grant, client, world, django_capture_on_commit_callbacks):
    report = applicant_grant.reports.get()
    indicator = applicant_grant.application.call.indicators.get()
    client.force_login(applicant_grant.application.applicant)
    url = reverse("applicant:report", args=[report.pk])
    assert "Décrivez les activités." in client.get(url).content.decode()
    field = f"indicator_{indicator.pk}"
    for data, message in [
        ({}, "Rédigez le compte rendu"),
        ({"narrative": "Bilan", field: "beaucoup"}, "Indiquez un nombre"),
        ({"narrative": "Bilan", field: "1" * 30}, "chiffres"),
        ({"narrative": "x" * 20001, field: "1"}, "au plus 20000 caractères"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 422
        assert message in response.content.decode().replace("\u202f", "")
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"narrative": "<script>alert(1)</script>", field: "42"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.indicator_values == {str(indicator.pk): "42"}
    page = client.get(url).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page
    assert client.post(url, {"narrative": "Bis", field: "1"}).status_code == 302  # already filed: nothing changes
    report.refresh_from_db()
    assert report.indicator_values == {str(indicator.pk): "42"}


# -- open data -------------------------------------------------------------------------------------------------


def test_open_data_has_no_personal_data(world, client):
    grant = _grant(world, agreement_number="CONV-2026-0007")
    actor = grant.application.actor
    actor.contact_email = "contact@asso.test"
    actor.contact_phone = "01 02 03 04 05"
    actor.contact_role = "Présidente"
    actor.contact_consent_at = timezone.now()
    actor.save()
    _grant_other = GrantFactory(application=ApplicationFactory(accepted=True))  # another organisation
    html = client.get(reverse("public_calls:grants", args=[world.org.slug])).content.decode()
    csv = client.get(reverse("public_calls:grants_export", args=[world.org.slug]), {"format": "csv"})
    data = client.get(reverse("public_calls:grants_export", args=[world.org.slug]), {"format": "json"})
    body = csv.content.decode("utf-8")
    payload = json.loads(data.content)
    assert body.startswith("\ufeffid,appel,beneficiaire,projet,montant_eur,modalite,annee,date_decision")
    assert payload["columns"][0] == "id" and [g["id"] for g in payload["grants"]] == ["CONV-2026-0007"]
    for text in (html, body, data.content.decode()):
        assert "CONV-2026-0007" in text and actor.name in text
        assert _grant_other.agreement_number not in text
        for personal in ("contact@asso.test", "01 02 03 04 05", "Présidente", grant.application.applicant.email):
            assert personal not in text
    assert "beneficiaire" in html  # the columns are documented on the page
    assert (
        client.get(reverse("public_calls:grants_export", args=[world.org.slug]), {"format": "xml"}).status_code == 404
    )
    assert client.get(reverse("public_calls:grants", args=["nulle-part"])).status_code == 404


def test_public_list_query_count_does_not_grow(world, client):
    url = reverse("public_calls:grants", args=[world.org.slug])
    for _ in range(2):
        _grant(world)
    small = _queries(client, url)
    for _ in range(10):
        _grant(world)
    assert _queries(client, url) == small
