"""Territory actors of the demo (`data/caece_actors.yaml`), loaded by `loader.load_demo` with the same writer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from passerelles.actors.enums import Location, ModerationStatus
from passerelles.actors.models import Actor
from passerelles.core.models import Organisation, Territory

DATA_FILE = Path(__file__).parent / "data" / "caece_actors.yaml"


def read_actors_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_actors(writer, org: Organisation, data: dict[str, Any]) -> None:
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
