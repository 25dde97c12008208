"""Every export of the platform, in every format it offers, downloaded on a populated organisation.

`EXPORTS` is the registry: URL name -> (who downloads, URL args, formats). `test_registry_is_complete` walks the URL
conf and reads each view's source (and the module helpers it calls): a view that reads `?format=`, writes a table
or answers a file must be registered here, so a new export cannot ship untested.

The steering world, with one row in every exported list, is built once for the module inside a transaction that is
rolled back at the end; each test runs in a savepoint inside it. (The CAECE demo was tried: loading it takes about a
minute, and it leaves several lists empty.)
"""

import csv
import inspect
import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from passerelles.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

OFFICER = "officer"
ADMIN = "admin"
ANONYMOUS = None
APPLICANT = "applicant"  # the account of the actor whose application was submitted and granted

TABLE = ("csv", "csv;", "xlsx")


# name: (who downloads, args builder (steering world -> args after the slug), formats, slug in the URL)
EXPORTS = {
    "strategy:plan_export": (OFFICER, None, TABLE, True),
    "steering:programmes_export": (OFFICER, None, TABLE, True),
    "steering:annual_plans_export": (OFFICER, None, TABLE, True),
    "steering:annual_plan_export": (OFFICER, lambda s: [s.plan.pk], TABLE, True),
    "steering:projects_export": (OFFICER, None, TABLE, True),
    "steering:performance_export": (OFFICER, None, TABLE, True),
    "steering:funders": (OFFICER, None, TABLE, True),
    "steering:exchange_rates": (OFFICER, None, TABLE, True),
    "steering:project_budget": (OFFICER, lambda s: [s.project.pk], TABLE, True),
    "steering:envelopes": (OFFICER, None, TABLE, True),
    "steering:budget_export": (OFFICER, None, TABLE, True),
    "steering:alignment_export": (OFFICER, None, TABLE, True),
    "steering:missions_export": (OFFICER, None, TABLE, True),
    "steering:evaluations_export": (OFFICER, None, TABLE, True),
    "steering:evaluation_report": (OFFICER, lambda s: [s.evaluation.pk], ("pdf",), True),
    "steering:lessons_export": (OFFICER, None, TABLE, True),
    "actors:directory_export": (OFFICER, None, (*TABLE, "geojson"), True),
    "actors:import_report_export": (ADMIN, None, TABLE, True),
    "actors:matrix_export": (OFFICER, None, TABLE, True),
    "actors:duplicates_export": (OFFICER, None, TABLE, True),
    "actors:data_requests_export": (ADMIN, None, TABLE, True),
    "actors:census_campaigns_export": (OFFICER, None, TABLE, True),
    "actors:census_findings_export": (OFFICER, lambda s: [s.finding.meeting.campaign_id], TABLE, True),
    "actors:networks_export": (OFFICER, None, TABLE, True),
    "actors:network_criteria_export": (OFFICER, None, TABLE, True),
    "actors:watch_export": (OFFICER, None, TABLE, True),
    "actors:watch_subscriptions_export": (OFFICER, None, TABLE, True),
    "calls:calls_export": (OFFICER, None, TABLE, True),
    "calls:applications_export": (OFFICER, None, TABLE, True),
    "calls:grants_export": (OFFICER, None, TABLE, True),
    "calls:grant_agreement": (OFFICER, lambda s: [s.grant.pk], ("pdf",), True),
    "public_actors:export": (ANONYMOUS, None, TABLE, True),
    "public_actors:geojson": (ANONYMOUS, None, ("geojson",), True),
    "public_calls:grants_export": (ANONYMOUS, None, ("csv", "json"), True),
    "applicant:receipt": (APPLICANT, lambda s: [s.grant.application_id], ("pdf",), False),
    "applicant:grant_agreement": (APPLICANT, lambda s: [s.grant.application_id], ("pdf",), False),
    "actor_space:data_export": (APPLICANT, None, ("json",), False),
}

# Views that answer a file without being an export of the organisation's data: uploads served back as they were.
NOT_EXPORTS = {
    "actors:import_template",  # the empty CSV template of the import: a header and no row
    "applicant:attachment",
    "calls:application_attachment",
    "public_logo",  # a public logo file, not a list (core/tests/test_private_files.py)
    "steering:period_evidence_download",
    "steering:exchange_rate_create",  # POST only: it re-renders the rates page (with its export helper) on error
}

# What marks a view as an export when read in its source (or in a module helper it calls).
EXPORT_MARKERS = re.compile(
    r"_export_format\(|GET\.get\(\"format\"|table_response\(|_export\(|JsonResponse\(|application/json"
    r"|application/pdf|text/csv|text/calendar|FileResponse\("
)


def _views(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, inspect.unwrap(entry.callback)


def _source_with_helpers(view) -> str:
    """The view's source and that of the functions of its module it calls (one level: `_export`, `_rates_page`…)."""
    source = inspect.getsource(view)
    module = inspect.getmodule(view)
    for name in view.__code__.co_names:
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__ and helper is not view:
            source += inspect.getsource(helper)
    return source


def test_registry_is_complete():
    found = {name for name, view in _views() if EXPORT_MARKERS.search(_source_with_helpers(view))}
    assert found - set(EXPORTS) - NOT_EXPORTS == set(), "an export view is missing from EXPORTS"
    assert set(EXPORTS) - found == set(), "EXPORTS names a view that is not an export"


@pytest.fixture(scope="module")
def populated(django_db_setup, django_db_blocker):
    """The steering world with one row in every exported list, built once for the module and rolled back after."""
    from conftest import SteeringWorld, World

    with django_db_blocker.unblock(), transaction.atomic():
        s = SteeringWorld(World())
        _populate(s)
        yield s
        transaction.set_rollback(True)


def _populate(s):
    import datetime
    from decimal import Decimal

    from passerelles.actors.enums import DataRequestKind
    from passerelles.actors.models import PersonalDataRequest
    from passerelles.actors.tests.factories import (
        ActorFactory,
        CensusFindingFactory,
        NetworkScoreFactory,
        WatchItemFactory,
        WatchSubscriptionFactory,
    )
    from passerelles.calls.services.applications import snapshot
    from passerelles.calls.tests.factories import GrantFactory
    from passerelles.steering.enums import BudgetLineStatus, Currency, EvaluationKind, TransactionKind
    from passerelles.steering.models import (
        AlignmentReview,
        AnnualPlan,
        AnnualPlanItem,
        BudgetEnvelope,
        Evaluation,
        ExchangeRate,
        LessonLearned,
        MonitoringMission,
        Transaction,
    )
    from passerelles.steering.tests.factories import BudgetLineFactory

    org, year = s.world.org, 2012
    s.plan = AnnualPlan.objects.create(organisation=org, year=year, programme=s.programme)
    AnnualPlanItem.objects.get_or_create(organisation=org, plan=s.plan, project=s.project)
    BudgetLineFactory(project=s.project, funder=s.state, year=year, status=BudgetLineStatus.GRANTED)
    ExchangeRate.objects.create(
        organisation=org, currency=Currency.XOF, valid_from=datetime.date(2012, 1, 1), units_per_eur=Decimal("655.957")
    )
    Transaction.objects.create(
        organisation=org,
        project=s.project,
        kind=TransactionKind.DISBURSEMENT,
        date=datetime.date(year, 3, 1),
        amount=Decimal("1000"),
        amount_eur=Decimal("1000"),
    )
    BudgetEnvelope.objects.create(organisation=org, year=year, project_kind=s.project.kind, amount=Decimal("9000"))
    AlignmentReview.objects.create(
        organisation=org, project=s.project, document=s.world.document, reviewer=s.world.members[OFFICER]
    )
    MonitoringMission.objects.create(
        organisation=org, territory=s.kayes, start=datetime.date(year, 3, 1), end=datetime.date(year, 3, 9)
    )
    s.evaluation = Evaluation.objects.create(
        organisation=org, kind=EvaluationKind.EXTERNAL, title="Évaluation", programme=s.programme, evaluator="F3E"
    )
    LessonLearned.objects.create(organisation=org, title="Associer les partenaires", text="Tôt.")
    ActorFactory(
        organisation=org, name="Comité de jumelage", latitude=Decimal("48.62"), longitude=Decimal("2.44")
    )
    ActorFactory(organisation=org, name="Comite de Jumelage")
    PersonalDataRequest.objects.create(organisation=org, kind=DataRequestKind.values[0], actor_name="Association")
    s.finding = CensusFindingFactory(meeting__campaign__organisation=org)
    NetworkScoreFactory(network__organisation=org)
    WatchItemFactory(organisation=org)
    WatchSubscriptionFactory(organisation=org)
    s.grant = GrantFactory(application__call__organisation=org)
    s.applicant = s.grant.application.applicant
    application = s.grant.application
    application.submitted_version = snapshot(application, {})
    application.save(update_fields=["submitted_version"])


def _user(who, s):
    if who == APPLICANT:
        return s.applicant
    return s.world.members[who]


def _start_import(client, org):
    """An import waiting for confirmation, as the admin leaves it after uploading a CSV of actors."""
    from passerelles.actors.services.imports import COLUMNS

    buffer = io.StringIO()
    csv.writer(buffer).writerows([COLUMNS, ["Association Test Export"] + [""] * (len(COLUMNS) - 1)])
    upload = io.BytesIO(buffer.getvalue().encode("utf-8"))
    upload.name = "acteurs.csv"
    response = client.post(reverse("actors:import", args=[org.slug]), {"file": upload})
    assert response.status_code in (200, 302), response.status_code


def _parse(fmt, response, body):
    if fmt in ("csv", "csv;"):
        assert response["Content-Type"] == CSV_CONTENT_TYPE
        text = body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv;" else ","))
        assert len(rows[0]) > 1 or fmt == "csv", rows[0]  # the header is split on the chosen separator
        return rows[1:]
    if fmt == "xlsx":
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return list(sheet.iter_rows(min_row=2, values_only=True))
    if fmt in ("json", "geojson"):
        assert response["Content-Type"].split(";")[0] in ("application/json", "application/geo+json")
        data = json.loads(body)
        if fmt == "geojson":
            return data["features"]
        if isinstance(data, dict):
            return [value for value in data.values() if value]
        return data
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf"
        assert body.startswith(b"%PDF"), body[:20]
        return [body]
    raise AssertionError(fmt)


CASES = [(name, fmt) for name, (_user_key, _args, formats, _scope) in EXPORTS.items() for fmt in formats]


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{name}-{fmt}" for name, fmt in CASES])
def test_export_downloads_and_parses(populated, db, client, name, fmt):
    org = populated.world.org
    who, build_args, _formats, with_slug = EXPORTS[name]
    if who is not ANONYMOUS:
        client.force_login(_user(who, populated))
    if name == "actors:import_report_export":
        _start_import(client, org)
    if name == "steering:evaluation_report":  # each test has its own MEDIA_ROOT (root conftest.py)
        populated.evaluation.document.save("rapport.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    args = [org.slug] if with_slug else []
    args += build_args(populated) if build_args else []
    query = {}
    if fmt in ("csv", "csv;", "xlsx", "json", "geojson") and name not in ("public_actors:geojson",):
        query["format"] = "csv" if fmt == "csv;" else fmt
    if fmt == "csv;":
        query["sep"] = "semicolon"
    if name == "actor_space:data_export":
        response = client.post(reverse(name, args=args))
    else:
        response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = _parse(fmt, response, body)
    assert rows, f"{name} ({fmt}) has no row on the demo"


def test_a_table_takes_lazy_labels_aware_datetimes_and_objects():
    """The enveloppes XLSX answered 500: its rows held lazy translations, which openpyxl refuses."""
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from passerelles.core.exports import table_response

    moment = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 30))
    rows = [[gettext_lazy("Projet"), moment, object.__new__(type("Thing", (), {"__str__": lambda self: "=chose"}))]]
    response = table_response(fmt="xlsx", filename="t", header=["a", "b", "c"], rows=rows, title="T")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == ["Projet", datetime.datetime(2026, 3, 1, 9, 30), "'=chose"]
