"""Territory actors of the demo (`data/caece_actors.yaml`), loaded by `loader.load_demo` with the same writer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from passerelles.actors.enums import Location, MeetingScope, ModerationStatus
from passerelles.actors.models import (
    Actor,
    CensusCampaign,
    CensusFinding,
    CensusMeeting,
    Network,
    NetworkCriterion,
    NetworkScore,
    WatchItem,
    WatchSubscription,
)
from passerelles.core.models import Directorate, Organisation, Territory, User
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.models import Action

DATA_FILE = Path(__file__).parent / "data" / "caece_actors.yaml"


def read_actors_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_actors(writer, org: Organisation, data: dict[str, Any], accounts: dict[str, User] | None = None) -> None:
    accounts = accounts or {}
    partners = {t.name: t for t in Territory.objects.filter(organisation=org, kind="partner")}
    communes = data["communes"]
    for item in data["territory_actors"]:
        place = communes.get(item.get("commune"), {})
        actor = writer.upsert(
            Actor,
            {"organisation": org, "name": item["name"]},
            {
                "kind": item["kind"],
                "location": Location.HOME,
                "commune": item.get("commune", ""),
                "insee_code": place.get("insee_code", ""),
                "latitude": _decimal(place.get("latitude")),
                "longitude": _decimal(place.get("longitude")),
                "themes": item.get("themes", []),
                "countries": sorted(set(item.get("countries", [])) | ({"ML"} if item.get("partners") else set())),
                "description": item.get("description", ""),
                "moderation_status": ModerationStatus.APPROVED,
                "is_public": True,
                **({"account": accounts[item["name"]]} if item["name"] in accounts else {}),
            },
        )
        writer.set_m2m(actor, "partner_territories", [partners[name] for name in item.get("partners", [])])
    for item in data["partner_territory_actors"]:
        territory = partners[item["territory"]]
        actor = writer.upsert(
            Actor,
            {"organisation": org, "name": item["name"]},
            {
                "kind": item["kind"],
                "location": Location.PARTNER,
                "partner_territory_of": territory,
                "commune": territory.name,
                "latitude": territory.latitude,
                "longitude": territory.longitude,
                "themes": item.get("themes", []),
                "countries": [territory.country],
                "moderation_status": ModerationStatus.APPROVED,
                "is_public": True,
            },
        )
        writer.set_m2m(actor, "partner_territories", [territory])


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_actor_accounts(writer, org: Organisation, data: dict[str, Any], password: str) -> dict[str, User]:
    """Logins of actors: users with no membership, by the name of the entry they keep. Loaded before the actors."""
    return {
        item["actor"]: writer.upsert(
            User,
            {"email": item["email"]},
            {"display_name": item["display_name"], "is_active": True},
            prepare=lambda obj: _set_password_if_new(obj, password),
        )
        for item in data.get("actor_accounts", [])
    }


def _set_password_if_new(user: User, password: str) -> list[str]:
    if user._state.adding:
        user.set_password(password)
    return []


def load_networks(writer, org: Organisation, data: dict[str, Any]) -> None:
    directorates = {d.name: d for d in Directorate.objects.filter(organisation=org)}
    criteria = {}
    for position, item in enumerate(data.get("network_criteria", []), start=1):
        criteria[item["key"]] = writer.upsert(
            NetworkCriterion,
            {"organisation": org, "label": item["label"]},
            {"weight": item["weight"], "position": position, "description": item.get("description", "")},
        )
    for item in data.get("networks", []):
        lead = item.get("lead_directorate")
        network = writer.upsert(
            Network,
            {"organisation": org, "name": item["name"]},
            {
                "acronym": item.get("acronym", ""),
                "scope": item["scope"],
                "website": item.get("website", ""),
                "description": item.get("description", ""),
                "membership_status": item["membership_status"],
                "member_since": item.get("member_since"),
                "annual_fee": _decimal(item.get("annual_fee")),
                "working_groups": item.get("working_groups", []),
                "lead_directorate": directorates[lead] if lead else None,
            },
        )
        for key, score in item.get("scores", {}).items():
            writer.upsert(
                NetworkScore,
                {"organisation": org, "network": network, "criterion": criteria[key]},
                {"score": score},
            )


def load_census(writer, org: Organisation, data: dict[str, Any]) -> None:
    communes = {t.name: t for t in Territory.objects.filter(organisation=org, kind="home")}
    directorates = {d.name: d for d in Directorate.objects.filter(organisation=org)}
    actors = {a.name: a for a in Actor.objects.filter(organisation=org)}
    for item in data.get("census", []):
        action = Action.objects.filter(
            organisation=org, code=item["action"], document__status=DocumentStatus.ADOPTED
        ).first()
        campaign = writer.upsert(
            CensusCampaign,
            {"organisation": org, "title": item["title"]},
            {
                "description": item.get("description", ""),
                "starts_on": item["starts_on"],
                "ends_on": item.get("ends_on"),
                "action": action,
            },
        )
        for meeting_item in item["meetings"]:
            if "commune" in meeting_item:
                commune = communes[meeting_item["commune"]]
                lookup = {"organisation": org, "campaign": campaign, "commune": commune.name}
                values = {"scope": MeetingScope.COMMUNE, "insee_code": commune.insee_code, "directorate": None}
            else:
                lookup = {
                    "organisation": org,
                    "campaign": campaign,
                    "directorate": directorates[meeting_item["directorate"]],
                }
                values = {"scope": MeetingScope.DIRECTORATE, "commune": "", "insee_code": ""}
            meeting = writer.upsert(
                CensusMeeting,
                lookup,
                {
                    **values,
                    "counterpart": meeting_item.get("counterpart", ""),
                    "planned_on": meeting_item.get("planned_on"),
                    "held_on": meeting_item.get("held_on"),
                    "notes": meeting_item.get("notes", ""),
                },
            )
            for finding in meeting_item.get("findings", []):
                writer.upsert(
                    CensusFinding,
                    {"organisation": org, "meeting": meeting, "actor": actors[finding["actor"]]},
                    {"is_new": finding["is_new"], "note": finding.get("note", "")},
                )


def load_watch(writer, org: Organisation, data: dict[str, Any]) -> None:
    networks = {n.acronym or n.name: n for n in Network.objects.filter(organisation=org)}
    territories = {t.name: t for t in Territory.objects.filter(organisation=org)}
    directorates = {d.name: d for d in Directorate.objects.filter(organisation=org)}
    for item in data.get("watch_items", []):
        watch_item = writer.upsert(
            WatchItem,
            {"organisation": org, "title": item["title"]},
            {
                "network": networks[item["network"]] if item.get("network") else None,
                "url": item.get("url", ""),
                "summary": item.get("summary", ""),
                "published_on": item["published_on"],
                "orientations": item.get("orientations", []),
                "themes": item.get("themes", []),
            },
        )
        writer.set_m2m(watch_item, "territories", [territories[name] for name in item.get("territories", [])])
    for item in data.get("watch_subscriptions", []):
        directorate = item.get("directorate")
        subscription = writer.upsert(
            WatchSubscription,
            {"organisation": org, "email": item["email"]},
            {
                "kind": item["kind"],
                "label": item["label"],
                "directorate": directorates[directorate] if directorate else None,
                "orientations": item.get("orientations", []),
                "themes": item.get("themes", []),
            },
        )
        writer.set_m2m(subscription, "territories", [territories[name] for name in item.get("territories", [])])
