"""Pages of the results framework, the values workflow and the performance table."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from passerelles.core.enums import Role
from passerelles.steering.enums import MeasuredOn, PeriodStatus
from passerelles.steering.models import (
    Disaggregation,
    Indicator,
    Period,
    PeriodEvidence,
    PeriodTransition,
    Result,
)
from passerelles.steering.tests.factories import IndicatorFactory, PeriodFactory, ProjectFactory, ResultFactory

HOSTILE = '<script>alert("x")</script>'


def url(s, name, *args):
    return reverse(name, args=[s.world.org.slug, *args])


def as_role(client, s, role):
    client.force_login(s.world.members[role])
    return client


def ok_html(response, status=200) -> str:
    assert response.status_code == status, response.content[:800]
    html = response.content.decode()
    assert "INVALID-VARIABLE" not in html
    return html


def values_url(s, period=None, project=None):
    return url(s, "steering:period_values", (project or s.project).pk, (period or s.period).pk)


def values_data(period, **overrides):
    data = {"version": period.version, "target_value": "20", "actual_value": "12,5", "actual_comment": "Bilan"}
    data.update(overrides)
    return data


# -- the logical framework page ---------------------------------------------------------------------------------


def test_framework_page_shows_results_indicators_and_periods(steering, client):
    steering.indicator.is_example = True
    steering.indicator.save()
    Period.objects.filter(pk=steering.period.pk).update(actual_value=Decimal("19"), status=PeriodStatus.SUBMITTED)
    PeriodEvidence.objects.create(
        organisation=steering.world.org,
        period=steering.period,
        title="Liste d'émargement",
        url="https://example.org/liste",
        added_by=steering.world.members[Role.OFFICER],
    )
    html = ok_html(
        as_role(client, steering, Role.VIEWER).get(url(steering, "steering:project_results", steering.project.pk))
    )
    assert steering.result.title in html and steering.indicator.title in html
    assert "exemple" in html and "Kayes" in html and "Evry" in html
    assert "95 %" in html and "En bonne voie" in html and "Soumis" in html
    assert "Liste d&#x27;émargement" in html
    assert "Aucun indicateur n'est mesuré sur le territoire de la collectivité" not in html
    assert 'aria-current="page"' in html  # the project tabs, on "Résultats"
    assert "Ajouter un résultat" not in html  # a viewer does not edit


def test_framework_page_flags_a_project_without_home_indicator(steering, client):
    steering.home_indicator.delete()
    html = ok_html(
        as_role(client, steering, Role.OFFICER).get(url(steering, "steering:project_results", steering.project.pk))
    )
    assert "Aucun indicateur n'est mesuré sur le territoire de la collectivité" in html
    assert "Ajouter un résultat" in html


def test_partner_sees_its_project_but_not_another(steering, client):
    client = as_role(client, steering, Role.PARTNER)
    ok_html(client.get(url(steering, "steering:project_results", steering.project.pk)))
    assert client.get(url(steering, "steering:project_results", steering.other_project.pk)).status_code == 404


def test_children_of_another_project_are_404(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    other_result = ResultFactory(project=steering.other_project)
    other_indicator = IndicatorFactory(result=other_result, territory=steering.dakar)
    other_period = PeriodFactory(indicator=other_indicator)
    project = steering.project.pk
    for name, pk in [
        ("steering:result_edit", other_result.pk),
        ("steering:indicator_create", other_result.pk),
        ("steering:indicator_edit", other_indicator.pk),
        ("steering:period_create", other_indicator.pk),
        ("steering:period_edit", other_period.pk),
        ("steering:period_values", other_period.pk),
    ]:
        assert client.get(url(steering, name, project, pk)).status_code == 404, name
    assert client.post(url(steering, "steering:period_approve", project, other_period.pk)).status_code == 404


# -- the framework forms: good and bad input ---------------------------------------------------------------------


def test_officer_builds_a_framework(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    project = steering.project.pk
    response = client.post(url(steering, "steering:result_create", project), {"kind": "output", "title": "Ateliers"})
    result = Result.objects.get(title="Ateliers")
    assert response.status_code == 302 and response["Location"].endswith(f"#result-{result.pk}")
    response = client.post(
        url(steering, "steering:indicator_create", project, result.pk),
        {
            "title": "Jeunes formés à Evry",
            "measure": "quantitative",
            "unit": "personnes",
            "measured_on": "home",
            "territory": steering.home.pk,
            "baseline_value": "0",
            "baseline_date": "2012-01-01",
            "ascending": "on",
            "position": "0",
        },
    )
    indicator = Indicator.objects.get(title="Jeunes formés à Evry")
    assert response.status_code == 302 and indicator.result == result and indicator.organisation == steering.world.org
    response = client.post(
        url(steering, "steering:period_create", project, indicator.pk),
        {"start": "2013-01-01", "end": "2013-12-31", "target_value": "1 250,5", "target_comment": ""},
    )
    assert response.status_code == 302
    assert Period.objects.get(indicator=indicator).target_value == Decimal("1250.5")
    response = client.post(
        url(steering, "steering:disaggregation_create", project, indicator.pk), {"dimension": "sexe", "category": "F"}
    )
    assert response.status_code == 302 and indicator.disaggregations.count() == 1


BAD_INDICATOR_INPUT = [
    ("title", {"title": ""}, "obligatoire"),
    ("title", {"title": "x" * 10_000}, "au plus 400"),
    ("title", {"title": HOSTILE}, "balises HTML"),
    ("baseline_comment", {"baseline_comment": "x" * 10_001}, "au plus 10000"),
    ("measured_on", {"measured_on": ""}, "obligatoire"),
    ("territory", {"territory": ""}, "obligatoire"),
    ("territory", {"territory": "999999"}, "choix valide"),
    ("territory", {"measured_on": "home"}, "territoire de la collectivité"),
    ("baseline_value", {"baseline_value": "beaucoup"}, "Saisissez un nombre"),
    ("baseline_value", {"baseline_value": "12,34567"}, "Quatre décimales"),
    ("baseline_date", {"baseline_date": "1900-01-01"}, "entre 1950"),
    ("baseline_date", {"baseline_date": "31/02/2014"}, "date valide"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_INDICATOR_INPUT)
def test_indicator_form_refuses_bad_input(steering, client, field, overrides, message):
    data = {
        "title": "Indicateur",
        "measure": "quantitative",
        "measured_on": "partner",
        "territory": steering.kayes.pk,
        "position": "0",
    }
    data.update(overrides)
    before = Indicator.objects.count()
    response = as_role(client, steering, Role.OFFICER).post(
        url(steering, "steering:indicator_create", steering.project.pk, steering.result.pk), data
    )
    html = ok_html(response, 422)
    assert message in html, field
    assert Indicator.objects.count() == before


def test_territory_of_another_organisation_is_refused(steering, client):
    from passerelles.core.tests.factories import TerritoryFactory

    foreign = TerritoryFactory(organisation=steering.world.other_org, name="Ailleurs")
    response = as_role(client, steering, Role.OFFICER).post(
        url(steering, "steering:indicator_create", steering.project.pk, steering.result.pk),
        {"title": "X", "measure": "quantitative", "measured_on": "partner", "territory": foreign.pk, "position": "0"},
    )
    assert "choix valide" in ok_html(response, 422)


BAD_PERIOD_INPUT = [
    ("end", {"end": "2012-12-31"}, "ne peut pas précéder son début"),
    ("start", {"start": ""}, "obligatoire"),
    ("start", {"start": "hier"}, "date valide"),
    ("target_value", {"target_value": "vingt"}, "Saisissez un nombre"),
    ("target_value", {"target_value": "-5"}, "négative"),
    ("target_comment", {"target_comment": HOSTILE}, "balises HTML"),
    ("start", {"start": "2012-01-01", "end": "2012-12-31"}, "déjà une période"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_PERIOD_INPUT)
def test_period_form_refuses_bad_input(steering, client, field, overrides, message):
    data = {"start": "2013-06-01", "end": "2013-12-31", "target_value": "20", "target_comment": ""}
    data.update(overrides)
    before = Period.objects.count()
    response = as_role(client, steering, Role.OFFICER).post(
        url(steering, "steering:period_create", steering.project.pk, steering.indicator.pk), data
    )
    assert message in ok_html(response, 422), field
    assert Period.objects.count() == before


def test_result_form_refuses_empty_too_long_and_hostile(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    target = url(steering, "steering:result_create", steering.project.pk)
    for data, message in [
        ({"kind": "output", "title": ""}, "obligatoire"),
        ({"kind": "", "title": "X"}, "obligatoire"),
        ({"kind": "output", "title": "x" * 10_000}, "au plus 400"),
        ({"kind": "output", "title": "X", "description": "x" * 10_001}, "au plus 10000"),
        ({"kind": "output", "title": HOSTILE}, "balises HTML"),
    ]:
        assert message in ok_html(client.post(target, data), 422)
    assert Result.objects.count() == 1


def test_deleting_after_confirmation(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    target = url(steering, "steering:indicator_delete", steering.project.pk, steering.indicator.pk)
    assert "Supprimer" in ok_html(client.get(target))
    assert client.post(target).status_code == 302
    assert not Indicator.objects.filter(pk=steering.indicator.pk).exists()


# -- values, workflow, concurrency -----------------------------------------------------------------------------------


def test_partner_enters_values_on_its_project_in_french_format(steering, client):
    client = as_role(client, steering, Role.PARTNER)
    period = steering.period
    response = client.post(values_url(steering), values_data(period, actual_value="1 012,5"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.actual_value == Decimal("1012.5") and period.version == 2


def test_viewer_reads_a_period_but_cannot_enter_values(steering, client):
    client = as_role(client, steering, Role.VIEWER)
    html = ok_html(client.get(values_url(steering)))
    assert "Enregistrer les valeurs" not in html and "Soumettre" not in html and "Ajouter le justificatif" not in html
    assert client.post(values_url(steering), values_data(steering.period)).status_code == 403
    assert (
        client.post(url(steering, "steering:period_submit", steering.project.pk, steering.period.pk)).status_code == 403
    )
    assert Period.objects.get(pk=steering.period.pk).version == 1


def test_partner_gets_404_on_another_project(steering, client):
    other_result = ResultFactory(project=steering.other_project)
    other_period = PeriodFactory(indicator=IndicatorFactory(result=other_result, territory=steering.dakar))
    client = as_role(client, steering, Role.PARTNER)
    target = values_url(steering, other_period, steering.other_project)
    assert client.get(target).status_code == 404
    assert client.post(target, values_data(other_period)).status_code == 404
    # nor through its own project's URL
    assert client.get(values_url(steering, other_period)).status_code == 404
    assert Period.objects.get(pk=other_period.pk).actual_value is None


def test_partner_submits_but_cannot_approve(steering, client):
    client = as_role(client, steering, Role.PARTNER)
    project, period = steering.project.pk, steering.period
    client.post(values_url(steering), values_data(period))
    assert client.post(url(steering, "steering:period_submit", project, period.pk)).status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.SUBMITTED
    assert client.post(url(steering, "steering:period_approve", project, period.pk)).status_code == 403
    assert client.post(url(steering, "steering:period_return", project, period.pk), {"comment": "x"}).status_code == 403
    period.refresh_from_db()
    assert period.status == PeriodStatus.SUBMITTED


def test_officer_returns_with_a_comment_then_approves(steering, client):
    Period.objects.filter(pk=steering.period.pk).update(status=PeriodStatus.SUBMITTED, actual_value=5)
    client = as_role(client, steering, Role.OFFICER)
    project, pk = steering.project.pk, steering.period.pk
    html = ok_html(client.post(url(steering, "steering:period_return", project, pk), {"comment": ""}), 422)
    assert "Indiquez pourquoi" in html
    html = ok_html(client.post(url(steering, "steering:period_return", project, pk), {"comment": HOSTILE}), 422)
    assert "balises HTML" in html
    response = client.post(url(steering, "steering:period_return", project, pk), {"comment": "Chiffre à vérifier"})
    assert response.status_code == 302
    assert Period.objects.get(pk=pk).status == PeriodStatus.RETURNED
    html = ok_html(client.get(values_url(steering)))
    assert "Chiffre à vérifier" in html
    # An illegal step is refused with a message, not a crash.
    response = client.post(url(steering, "steering:period_approve", project, pk), follow=True)
    assert "non autorisé" in ok_html(response)
    assert PeriodTransition.objects.filter(period_id=pk).count() == 1


def test_approved_period_page_is_read_only_and_refuses_writes(steering, client):
    Period.objects.filter(pk=steering.period.pk).update(status=PeriodStatus.APPROVED, actual_value=18)
    client = as_role(client, steering, Role.OFFICER)
    html = ok_html(client.get(values_url(steering)))
    assert "verrouillées" in html and "Enregistrer les valeurs" not in html
    response = client.post(values_url(steering), values_data(Period.objects.get(pk=steering.period.pk)))
    assert "verrouillées" in ok_html(response, 422)
    assert Period.objects.get(pk=steering.period.pk).actual_value == Decimal("18")
    response = client.get(url(steering, "steering:period_edit", steering.project.pk, steering.period.pk))
    assert response.status_code == 302


BAD_VALUES = [
    ({"actual_value": "douze"}, "Saisissez un nombre"),
    ({"actual_value": "12,5,3"}, "Saisissez un nombre"),
    ({"actual_value": "-3"}, "négative"),
    ({"actual_value": "1" * 14}, "trop grand"),
    ({"actual_value": "=1+1"}, "Saisissez un nombre"),
    ({"actual_comment": HOSTILE}, "balises HTML"),
    ({"actual_comment": "x" * 10_001}, "au plus 10000"),
    ({"version": ""}, "obligatoire"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_VALUES)
def test_values_form_refuses_bad_input(steering, client, overrides, message):
    response = as_role(client, steering, Role.OFFICER).post(
        values_url(steering), values_data(steering.period, **overrides)
    )
    assert message in ok_html(response, 422)
    period = Period.objects.get(pk=steering.period.pk)
    assert period.actual_value is None and period.version == 1


def test_negative_values_accepted_when_the_baseline_is_negative(steering, client):
    Indicator.objects.filter(pk=steering.indicator.pk).update(baseline_value=Decimal("-4"))
    response = as_role(client, steering, Role.OFFICER).post(
        values_url(steering), values_data(steering.period, actual_value="-2,5")
    )
    assert response.status_code == 302
    assert Period.objects.get(pk=steering.period.pk).actual_value == Decimal("-2.5")


def test_concurrent_edits_keep_both_values_visible(steering, client, django_user_model):
    from django.test import Client

    partner, officer = Client(), Client()
    partner.force_login(steering.world.members[Role.PARTNER])
    officer.force_login(steering.world.members[Role.OFFICER])
    # Both open the form at version 1.
    assert 'name="version" value="1"' in ok_html(partner.get(values_url(steering)))
    assert 'name="version" value="1"' in ok_html(officer.get(values_url(steering)))
    first = partner.post(
        values_url(steering), values_data(steering.period, actual_value="11", actual_comment="Du partenaire")
    )
    assert first.status_code == 302
    second = officer.post(
        values_url(steering),
        {"version": "1", "target_value": "20", "actual_value": "77", "actual_comment": "De la chargée de mission"},
    )
    html = ok_html(second, 409)
    assert "modifiées par quelqu'un d'autre" in html
    assert "Du partenaire" in html and "De la chargée de mission" in html  # theirs and mine
    theirs = re.findall(r'class="results-conflict__theirs">\s*([^<]*?)\s*<', html)
    yours = re.findall(r'class="results-conflict__yours">\s*([^<]*?)\s*<', html)
    assert theirs[:3] == ["20", "11", "Du partenaire"] and yours[:3] == ["20", "77", "De la chargée de mission"]
    assert 'value="77"' in html  # still in the form
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    period = Period.objects.get(pk=steering.period.pk)
    assert period.actual_value == Decimal("11") and period.actual_comment == "Du partenaire" and period.version == 2


def test_breakdown_fields_are_saved(steering, client):
    women = Disaggregation.objects.create(
        organisation=steering.world.org, indicator=steering.indicator, dimension="sexe", category="femmes"
    )
    client = as_role(client, steering, Role.OFFICER)
    data = values_data(steering.period, **{f"d{women.pk}_target": "8", f"d{women.pk}_actual": "6,5"})
    assert client.post(values_url(steering), data).status_code == 302
    html = ok_html(client.get(values_url(steering)))
    assert "sexe : femmes" in html and "6,5" in html


# -- evidence ---------------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post_evidence(client, s, upload=None, **data):
    payload = {"title": data.pop("title", "Justificatif"), "url": data.pop("url", "")}
    if upload is not None:
        payload["file"] = upload
    return client.post(url(s, "steering:period_evidence_create", s.project.pk, s.period.pk), payload)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("rapport.pdf", PDF, "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
        ("tableau.docx", _docx(), "application/octet-stream"),
    ],
)
def test_evidence_upload_accepted(steering, client, name, content, content_type):
    response = _post_evidence(
        as_role(client, steering, Role.PARTNER), steering, SimpleUploadedFile(name, content, content_type)
    )
    assert response.status_code == 302, response.content[:500]
    evidence = PeriodEvidence.objects.get(period=steering.period)
    assert (
        evidence.file.name.endswith(name.rsplit(".", 1)[1])
        and evidence.added_by == steering.world.members[Role.PARTNER]
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"), "limite est de 10"),
        (
            SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "application/pdf"),
            "un type accepté",
        ),
        (SimpleUploadedFile("image.pdf", b"\x89PNG\r\n\x1a\n0000", "application/pdf"), "ne correspond pas"),
        (SimpleUploadedFile("faux.docx", b"PK\x03\x04garbage", "application/octet-stream"), "un type accepté"),
        (SimpleUploadedFile("script.html", b"<script>alert(1)</script>", "text/html"), "un type accepté"),
    ],
)
def test_evidence_upload_refused(steering, client, upload, message):
    response = _post_evidence(as_role(client, steering, Role.OFFICER), steering, upload)
    assert message in ok_html(response, 422)
    assert not PeriodEvidence.objects.exists()


def test_evidence_name_is_sanitised(steering, client, settings):
    upload = SimpleUploadedFile("../../../etc/pass wd;<x>.pdf", PDF, "application/pdf")
    assert _post_evidence(as_role(client, steering, Role.OFFICER), steering, upload).status_code == 302
    evidence = PeriodEvidence.objects.get()
    assert ".." not in evidence.file.name and "<" not in evidence.file.name and " " not in evidence.file.name
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.file.path and evidence.original_name == "pass wd;<x>.pdf"


def test_evidence_is_downloaded_through_a_checked_view(steering, client):
    client = as_role(client, steering, Role.PARTNER)
    assert _post_evidence(client, steering, SimpleUploadedFile("r.pdf", PDF, "application/pdf")).status_code == 302
    evidence = PeriodEvidence.objects.get()
    target = url(steering, "steering:period_evidence_download", steering.project.pk, evidence.pk)
    assert target in ok_html(client.get(values_url(steering)))
    response = client.get(target)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    # No response.close(): consuming the stream already closed it, and a second close would fire request_finished,
    # whose handler closes the database connection in the middle of the test transaction (PostgreSQL).
    # not through another project, not for a partner of another territory
    other = ProjectFactory(organisation=steering.world.org, partner_territories=[steering.kayes])
    assert client.get(url(steering, "steering:period_evidence_download", other.pk, evidence.pk)).status_code == 404
    steering.world.org.memberships.filter(role=Role.PARTNER).update(partner_territory=steering.dakar)
    steering.world.members[Role.PARTNER].__dict__.pop("_membership_cache", None)
    assert client.get(target).status_code == 404


def test_evidence_link_and_bad_input(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    assert "Joignez un fichier" in ok_html(_post_evidence(client, steering), 422)
    assert "URL valide" in ok_html(_post_evidence(client, steering, url="pas un lien"), 422)
    assert "URL valide" in ok_html(_post_evidence(client, steering, url="javascript:alert(1)"), 422)
    assert "balises HTML" in ok_html(_post_evidence(client, steering, title=HOSTILE, url="https://a.org"), 422)
    assert "obligatoire" in ok_html(_post_evidence(client, steering, title="", url="https://a.org"), 422)
    assert not PeriodEvidence.objects.exists()
    assert _post_evidence(client, steering, url="https://example.org/compte-rendu").status_code == 302


# -- the performance table -------------------------------------------------------------------------------------------


def _grow(s, n: int) -> None:
    """n more projects, each with a result, two indicators (one per territory) and two periods each."""
    for i in range(n):
        project = ProjectFactory(organisation=s.world.org, programme=s.programme, partner_territories=[s.kayes])
        result = ResultFactory(project=project)
        for measured_on, territory in ((MeasuredOn.PARTNER, s.kayes), (MeasuredOn.HOME, s.home)):
            indicator = IndicatorFactory(result=result, measured_on=measured_on, territory=territory, cumulative=i % 2)
            for year in (2012, 2013):
                PeriodFactory(
                    indicator=indicator,
                    start=datetime.date(year, 1, 1),
                    end=datetime.date(year, 12, 31),
                    actual_value=Decimal(i),
                    status=PeriodStatus.APPROVED,
                )


def test_performance_page_has_two_sections_and_filters(steering, client):
    Period.objects.filter(pk=steering.period.pk).update(actual_value=Decimal("19"), status=PeriodStatus.APPROVED)
    client = as_role(client, steering, Role.VIEWER)
    html = ok_html(client.get(url(steering, "steering:performance")))
    assert "Territoire partenaire" in html and "Territoire de la collectivité" in html
    assert "95 %" in html and "En bonne voie" in html and "KAY-01" in html
    html = ok_html(client.get(url(steering, "steering:performance"), {"measured_on": "home", "year": "2012"}))
    assert steering.home_indicator.title in html and steering.indicator.title not in html
    html = ok_html(client.get(url(steering, "steering:performance"), {"year": "abc", "programme": "999999"}))
    assert "ont été ignorés" in html
    html = ok_html(client.get(url(steering, "steering:performance"), HTTP_HX_REQUEST="true"))
    assert "<html" not in html and 'id="performance-results"' in html


def test_partner_and_reviewer_have_no_performance_page(steering, client):
    for role in (Role.PARTNER, Role.REVIEWER):
        assert as_role(client, steering, role).get(url(steering, "steering:performance")).status_code == 403


def test_performance_export_follows_the_filters(steering, client):
    Indicator.objects.filter(pk=steering.indicator.pk).update(title='=HYPERLINK("http://x")')
    client = as_role(client, steering, Role.OFFICER)
    response = client.get(url(steering, "steering:performance_export"), {"format": "csv", "measured_on": "partner"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["project_code", "project", "result"]
    assert len(rows) == 2 and rows[1][0] == "KAY-01" and rows[1][3].startswith("'=")
    response = client.get(url(steering, "steering:performance_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert sheet.cell(row=2, column=11).value == 20  # the target, a number
    Period.objects.filter(pk=steering.period.pk).update(actual_value=Decimal("12.5"), status=PeriodStatus.APPROVED)
    response = client.get(url(steering, "steering:performance_export"), {"format": "csv", "sep": "semicolon"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][11] == "12,5" and rows[1][12] == "62,5" and rows[1][13] == "non"
    assert client.get(url(steering, "steering:performance_export"), {"format": "pdf"}).status_code == 404


def _count(client, target, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target, params or {})
    assert response.status_code == 200
    return len(queries)


def test_same_number_of_queries_at_two_sizes(steering, client):
    client = as_role(client, steering, Role.OFFICER)
    pages = [
        (url(steering, "steering:performance"), {}),
        (url(steering, "steering:performance"), {"year": "2013", "programme": steering.programme.pk}),
        (url(steering, "steering:performance_export"), {"format": "csv"}),
        (url(steering, "steering:project_results", steering.project.pk), {}),
    ]
    _count(client, *pages[0])  # warm the session
    _grow(steering, 2)
    small = [_count(client, *page) for page in pages]
    _grow(steering, 12)
    # a bigger framework on the measured project too
    for _ in range(5):
        indicator = IndicatorFactory(result=steering.result, territory=steering.kayes)
        PeriodFactory(indicator=indicator)
    large = [_count(client, *page) for page in pages]
    assert small == large
