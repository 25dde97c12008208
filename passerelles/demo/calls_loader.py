"""The demo's call for projects (`data/caece_calls.yaml`): the call, six applications at different states, two
reviewers (one declaring a conflict), a committee decision and a grant with its interim report.

Rows are written with the loader's writer (idempotent upserts). The grant, its project and its instalments are
made by the grants services, once, so that they hold exactly what an officer's clicks would make.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.core.files.base import ContentFile
from django.utils import timezone

from passerelles.actors.models import Actor
from passerelles.calls import eligibility
from passerelles.calls.enums import ApplicationStatus as S
from passerelles.calls.enums import BudgetSide, CallStatus, ReportKind, ReportStatus, ResourceStatus
from passerelles.calls.models import (
    Answer,
    Application,
    ApplicationTransition,
    Attachment,
    BudgetLine,
    Call,
    CommitteeSession,
    Criterion,
    Grant,
    GrantReport,
    Question,
    ReportIndicator,
    RequiredDocument,
    ReviewAssignment,
    Score,
)
from passerelles.calls.services import grants as grant_services
from passerelles.calls.services.applications import snapshot
from passerelles.core.models import Organisation, User
from passerelles.strategy.models import AlignmentCriterion

DATA_FILE = Path(__file__).parent / "data" / "caece_calls.yaml"
PARIS = ZoneInfo("Europe/Paris")
# The smallest well-formed PDF: the demo's attachments (statutes, activity reports) are placeholders.
PLACEHOLDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def read_calls_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _at(today: datetime.date, days: int, time: str = "09:00") -> datetime.datetime:
    hour, minute = (int(part) for part in time.split(":"))
    day = today + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def load_calls(writer, org: Organisation, data: dict[str, Any]) -> None:
    today = timezone.localdate()
    call = _load_call(writer, org, data["call"], today)
    officer = User.objects.get(email="officer@caece.demo")
    questions = {q.label: q for q in call.questions.all()}
    keys = {item["key"]: questions[item["label"]] for item in data["call"]["questions"]}
    criteria = list(call.criteria.order_by("position", "pk"))
    held = today - datetime.timedelta(days=data["committee"]["held_days_ago"])
    session = writer.upsert(
        CommitteeSession,
        {"organisation": org, "call": call, "title": f"{data['committee']['title']} du {held:%d/%m/%Y}"},
        {"held_on": held, "notes": data["committee"]["notes"], "is_closed": True},
    )
    for number, item in enumerate(data["applications"], start=1):
        application = _load_application(writer, org, call, item, today, number, session, keys)
        _load_history(writer, application, item, today, officer)
        for review in item.get("reviews", []):
            _load_review(writer, application, review, criteria, today, officer)
        if "grant" in item:
            _load_grant(writer, application, item["grant"], today, officer)


def _load_call(writer, org: Organisation, item: dict[str, Any], today: datetime.date) -> Call:
    call = writer.upsert(
        Call,
        {"organisation": org, "title": item["title"]},
        {
            "summary": item["summary"],
            "description": item["description"],
            "orientations": item["orientations"],
            "themes": item["themes"],
            "eligible_kinds": item["eligible_kinds"],
            "requires_home_territory": item["requires_home_territory"],
            "min_age_years": item["min_age_years"],
            "min_amount": Decimal(item["min_amount"]),
            "max_amount": Decimal(item["max_amount"]),
            "max_share_percent": Decimal(item["max_share_percent"]),
            "modalities": item["modalities"],
            "support_details": item["support_details"],
            "envelope": Decimal(item["envelope"]),
            "opens_at": _at(today, item["opens_in_days"]),
            "closes_at": _at(today, item["closes_in_days"], item["closes_at_time"]),
            "interim_report_due": today + datetime.timedelta(days=item["interim_report_in_days"]),
            "final_report_due": today + datetime.timedelta(days=item["final_report_in_days"]),
            "report_content": item["report_content"],
            "status": CallStatus.PUBLISHED,
            "published_at": _at(today, item["opens_in_days"]),
        },
    )
    for position, document in enumerate(item["documents"]):
        writer.upsert(
            RequiredDocument,
            {"organisation": org, "call": call, "label": document["label"]},
            {"is_required": document["required"], "description": document.get("description", ""), "position": position},
        )
    by_key: dict[str, Question] = {}
    for position, question in enumerate(item["questions"]):
        condition = question.get("show_if")
        by_key[question["key"]] = writer.upsert(
            Question,
            {"organisation": org, "call": call, "label": question["label"]},
            {
                "kind": question["kind"],
                "help_text": question.get("help", ""),
                "is_required": question.get("required", False),
                "choices": question.get("choices", []),
                "position": position,
                "show_if_question": by_key[condition["question"]] if condition else None,
                "show_if_value": condition["value"] if condition else "",
            },
        )
    # The scoring grid: the adopted strategy's guiding principles first (always), then the call's own criteria.
    principles = AlignmentCriterion.objects.filter(document__organisation=org, document__status="adopted")
    position = 0
    for position, principle in enumerate(principles.order_by("position", "code")):
        writer.upsert(
            Criterion,
            {"organisation": org, "call": call, "alignment_criterion": principle},
            {"label": principle.title, "description": principle.description, "weight": 1, "position": position},
        )
    for offset, criterion in enumerate(item["criteria"], start=position + 1):
        writer.upsert(
            Criterion,
            {"organisation": org, "call": call, "label": criterion["label"], "alignment_criterion": None},
            {"weight": criterion["weight"], "position": offset},
        )
    for position, indicator in enumerate(item["indicators"]):
        writer.upsert(
            ReportIndicator,
            {"organisation": org, "call": call, "label": indicator["label"]},
            {"unit": indicator["unit"], "position": position},
        )
    return call


def _load_application(writer, org, call, item, today, number, session, keys) -> Application:
    actor = Actor.objects.get(organisation=org, name=item["actor"])
    status = item["status"]
    submitted_at = None if status == S.DRAFT else _at(today, -item["submitted_days_ago"], "10:30")
    decided = status in (S.ACCEPTED, S.REFUSED)
    amount = Decimal(item["amount"])
    application = writer.upsert(
        Application,
        {"organisation": org, "call": call, "actor": actor},
        {
            "applicant": actor.account,
            "reference": f"AAP-{call.opens_at.year}-{number:04d}",
            "status": status,
            "title": item["title"],
            "summary": f"Projet porté par {actor.name}.",
            "amount_requested": amount,
            "starts_on": today + datetime.timedelta(days=45),
            "ends_on": today + datetime.timedelta(days=320),
            "submitted_at": submitted_at,
            "completion_message": item.get("return_message", ""),
            "completion_due": (
                today + datetime.timedelta(days=item["completion_due_in_days"])
                if "completion_due_in_days" in item
                else None
            ),
            "session": session if decided else None,
            "decided_amount": Decimal(item["decided_amount"]) if status == S.ACCEPTED else None,
            "decision_motivation": item.get("decision", ""),
            "decided_at": _at(session.held_on, 0, "17:00") if decided else None,
        },
    )
    answers = {
        "partner": "Association partenaire à Kayes",
        "territory_results": "Des habitants du territoire engagés dans un échange avec leurs homologues partenaires.",
        "audience": "150",
        "ecm": "Oui",
        "ecm_places": ["Maisons de quartier", "Médiathèques"],
        "start": (today + datetime.timedelta(days=60)).isoformat(),
    }
    if status == S.DRAFT:  # the association completes it in the browser
        answers = {"partner": answers["partner"]}
    for key, value in answers.items():
        writer.upsert(
            Answer, {"organisation": org, "application": application, "question": keys[key]}, {"value": value}
        )
    own = amount  # the call's share is half of the budget, the rest is the actor's own funds and the commune's
    lines = [
        (BudgetSide.EXPENSE, "Actions sur le territoire", amount, "", ""),
        (BudgetSide.EXPENSE, "Échanges avec le partenaire", amount, "", ""),
        (BudgetSide.RESOURCE, "Agglomération — cet appel", amount, "Agglomération", ResourceStatus.REQUESTED),
        (BudgetSide.RESOURCE, "Fonds propres et bénévolat valorisé", own, actor.name, ResourceStatus.ACQUIRED),
    ]
    for position, (side, label, value, funder, resource_status) in enumerate(lines):
        writer.upsert(
            BudgetLine,
            {"organisation": org, "application": application, "label": label},
            {
                "side": side,
                "amount": value,
                "funder": funder[:255],
                "resource_status": resource_status,
                "is_this_call": label.endswith("cet appel"),
                "position": position,
            },
        )
    if status != S.DRAFT:
        for document in call.required_documents.filter(is_required=True):
            if not Attachment.objects.filter(application=application, document=document).exists():
                attachment = Attachment(
                    organisation=org,
                    application=application,
                    document=document,
                    original_name=f"{document.label}.pdf",
                    content_type="application/pdf",
                    size=len(PLACEHOLDER_PDF),
                    sha256=hashlib.sha256(PLACEHOLDER_PDF).hexdigest(),
                )
                attachment.file.save("demo.pdf", ContentFile(PLACEHOLDER_PDF), save=False)
                writer.written_files.append(attachment.file)
                writer._save(attachment)
                writer.created += 1
        if not application.submitted_version:
            application.refresh_from_db()
            check = eligibility.check(call, actor, application, now=submitted_at).as_dict()
            application.self_check = check
            application.submitted_version = snapshot(application, check)
            writer._save(application, update_fields=["self_check", "submitted_version"])
    return application


def _load_history(writer, application, item, today, officer) -> None:
    """The transitions the application went through, with who and when (the applicant submits; officers move)."""
    status = item["status"]
    if status == S.DRAFT:
        return
    submitted = application.submitted_at
    steps = [(S.DRAFT, S.SUBMITTED, application.applicant, submitted, "")]
    instructed = submitted + datetime.timedelta(days=2)
    if status == S.RETURNED:
        steps.append((S.SUBMITTED, S.RETURNED, officer, instructed, item["return_message"]))
    elif status in (S.IN_INSTRUCTION, S.ACCEPTED, S.REFUSED):
        steps.append((S.SUBMITTED, S.IN_INSTRUCTION, officer, instructed, ""))
    if status in (S.ACCEPTED, S.REFUSED):
        steps.append((S.IN_INSTRUCTION, status, officer, application.decided_at, item["decision"]))
    for source, target, by, at, message in steps:
        writer.upsert(
            ApplicationTransition,
            {"organisation": application.organisation, "application": application, "to_status": target},
            {"from_status": source, "by": by, "at": at, "message": message},
        )


def _load_review(writer, application, review, criteria, today, officer) -> None:
    reviewer = User.objects.get(email=review["reviewer"])
    declared = application.submitted_at + datetime.timedelta(days=3)
    conflict = review["conflict"]
    assignment = writer.upsert(
        ReviewAssignment,
        {"organisation": application.organisation, "application": application, "reviewer": reviewer},
        {
            "assigned_by": officer,
            "assigned_at": application.submitted_at + datetime.timedelta(days=2),
            "has_conflict": conflict,
            "conflict_reason": review.get("reason", ""),
            "declared_at": declared,
            "submitted_at": None if conflict else declared + datetime.timedelta(days=1),
            "general_comment": "" if conflict else "Avis du comité technique.",
        },
    )
    if conflict:
        return
    if len(review["scores"]) != len(criteria):
        raise ValueError(f"{application}: {len(review['scores'])} scores for {len(criteria)} criteria")
    for criterion, score in zip(criteria, review["scores"], strict=True):
        writer.upsert(
            Score,
            {"organisation": application.organisation, "assignment": assignment, "criterion": criterion},
            {
                "score": score,
                "comment": "Conforme aux attentes." if score >= 3 else "Insuffisant au regard du critère.",
            },
        )


def _load_grant(writer, application, item, today, officer) -> None:
    grant = Grant.objects.filter(application=application).first()
    if grant is None:
        grant = grant_services.grant_award(
            application=application, by=officer, modality=item["modality"], signed_on=application.decided_at.date()
        )
        for instalment in item["instalments"]:
            created = grant_services.instalment_create(
                grant=grant,
                by=officer,
                label=instalment["label"],
                due_on=today + datetime.timedelta(days=instalment["due_in_days"]),
                amount=Decimal(instalment["amount"]),
            )
            if instalment.get("paid"):
                grant_services.instalment_pay(
                    instalment=created, by=officer, paid_on=created.due_on, paid_amount=created.amount
                )
        writer.created += 1
    report_item = item["interim_report"]
    report = GrantReport.objects.get(grant=grant, kind=ReportKind.INTERIM)
    indicators = list(ReportIndicator.objects.filter(call_id=application.call_id).order_by("position", "pk"))
    writer.upsert(
        GrantReport,
        {"pk": report.pk},
        {
            "status": ReportStatus(report_item["status"]),
            "narrative": report_item["narrative"],
            "indicator_values": {
                str(indicator.pk): str(value)
                for indicator, value in zip(indicators, report_item["values"], strict=True)
            },
            "submitted_at": _at(today, -2, "18:00"),
        },
    )
