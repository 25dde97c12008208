"""Steering part of the demo (`data/caece_steering.yaml`), loaded by `loader.load_demo` with the same writer.

Idempotent like the rest: rows are found by natural keys and saved only when they differ.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from passerelles.core.models import Directorate, Organisation, Territory
from passerelles.steering.enums import MeasuredOn, OrganisationRole, PeriodStatus, TransversalityStage
from passerelles.steering.models import (
    BudgetLine,
    Funder,
    Indicator,
    ParticipatingOrganisation,
    Period,
    Programme,
    Project,
    ProjectDirectorate,
    ProjectSector,
    Result,
)
from passerelles.strategy.models import Orientation, StrategyDocument

DATA_FILE = Path(__file__).parent / "data" / "caece_steering.yaml"
CENT = Decimal("0.01")


def read_steering_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_steering(writer, org: Organisation, data: dict[str, Any]) -> None:
    document = StrategyDocument.objects.filter(organisation=org, status="adopted").first()
    programmes = {}
    for item in data["programmes"]:
        programmes[item["start_year"]] = writer.upsert(
            Programme,
            {"organisation": org, "start_year": item["start_year"]},
            {
                "end_year": item["end_year"],
                "title": item["title"],
                "strategy": document if item.get("strategy_version") else None,
            },
        )
    funders = {}
    for item in data["funders"]:
        funder = writer.upsert(
            Funder,
            {"organisation": org, "name": item["name"]},
            {"short_name": item.get("short_name", ""), "kind": item["kind"]},
        )
        funders[item.get("short_name") or item["name"]] = funder
    _load_budget_history(writer, org, data["budget_history"], funders)
    territories = {t.name: t for t in Territory.objects.filter(organisation=org)}
    orientations = {o.number: o for o in Orientation.objects.filter(document=document)} if document else {}
    for item in data["projects"]:
        _load_project(writer, org, item, programmes, territories, orientations, funders)
    for code, results in data.get("results", {}).items():
        project = Project.objects.get(organisation=org, code=code)
        for position, result_data in enumerate(results, start=1):
            _load_result(writer, org, project, position, result_data, territories)


def _load_budget_history(writer, org, history, funders) -> None:
    shares = {name: Decimal(share) for name, share in history["shares"].items()}
    for period in history["periods"]:
        first, last = period["years"]
        years = list(range(first, last + 1))
        if "cumulative" in period:
            total = Decimal(period["cumulative"])
            per_year = (total / len(years)).quantize(CENT, rounding=ROUND_HALF_UP)
            amounts = {year: per_year for year in years}
            amounts[last] = total - per_year * (len(years) - 1)  # the rounding goes to the last year
        else:
            amounts = {year: Decimal(period["annual"]) for year in years}
        for year, amount in amounts.items():
            lines = {name: (amount * share).quantize(CENT, rounding=ROUND_HALF_UP) for name, share in shares.items()}
            largest = max(lines, key=lines.get)
            lines[largest] += amount - sum(lines.values())  # shares add up to the year's amount exactly
            for name, value in lines.items():
                writer.upsert(
                    BudgetLine,
                    {"organisation": org, "project": None, "year": year, "funder": funders[name], "is_aggregate": True},
                    {"amount": value, "status": "granted", "note": period["note"]},
                )


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _load_project(writer, org, item, programmes, territories, orientations, funders) -> None:
    end = _date(item.get("end"))
    project = writer.upsert(
        Project,
        {"organisation": org, "code": item["code"]},
        {
            "title": item["title"],
            "kind": item["kind"],
            "status": item["status"],
            "programme": programmes.get(item.get("programme")),
            "period_label": item.get("period", ""),
            "actual_start": _date(item.get("start")),
            "actual_end": end,
            "components": "\n".join(item.get("components", [])),
            "description": item.get("funding_call", ""),
        },
    )
    writer.set_m2m(project, "partner_territories", [territories[item["territory"]]])
    writer.set_m2m(
        project, "orientations", [orientations[n] for n in item.get("orientations", []) if n in orientations]
    )
    participants = [("Communauté d'Agglomération Evry Centre Essonne", OrganisationRole.ACCOUNTABLE)]
    participants.append((item.get("operator") or f"Commune de {item['territory']}", OrganisationRole.IMPLEMENTING))
    if item.get("funding_call"):
        participants.append(("Ministère des Affaires étrangères (MAE / DAECT)", OrganisationRole.FUNDING))
    for name, role in participants:
        writer.upsert(
            ParticipatingOrganisation, {"organisation": org, "project": project, "name": name, "role": role}, {}
        )
    for code, percentage in item.get("sectors", {}).items():
        writer.upsert(
            ProjectSector, {"organisation": org, "project": project, "code": code}, {"percentage": Decimal(percentage)}
        )
    if item.get("home_directorate"):
        directorate = Directorate.objects.get(organisation=org, name=item["home_directorate"])
        writer.upsert(
            ProjectDirectorate,
            {"organisation": org, "project": project, "directorate": directorate, "year": end.year if end else None},
            {"stage": TransversalityStage.AGENTS},
        )


def _load_result(writer, org, project, position, data, territories) -> None:
    result = writer.upsert(
        Result,
        {"organisation": org, "project": project, "title": data["title"]},
        {"kind": data["kind"], "position": position},
    )
    year = project.actual_start.year if project.actual_start else 2012
    for n, item in enumerate(data["indicators"], start=1):
        indicator = writer.upsert(
            Indicator,
            {"organisation": org, "result": result, "title": item["title"]},
            {
                "measured_on": MeasuredOn(item["measured_on"]),
                "territory": territories[item["territory"]],
                "unit": item["unit"],
                "baseline_value": Decimal(str(item["baseline"])),
                "baseline_date": datetime.date(year, 1, 1),
                "is_example": True,
                "position": n,
            },
        )
        writer.upsert(
            Period,
            {
                "organisation": org,
                "indicator": indicator,
                "start": datetime.date(year, 1, 1),
                "end": datetime.date(year, 12, 31),
            },
            {
                "target_value": Decimal(str(item["target"])),
                "actual_value": Decimal(str(item["actual"])),
                "status": PeriodStatus(item["status"]),
                "actual_comment": "Valeur d'exemple : la source ne donne pas de chiffre.",
            },
        )
