"""Loads the demo organisations described in `data/caece.yaml`.

This is a bulk import: it writes with the models directly, not through the application's services, in
one transaction. It is idempotent: every row is found by its natural key, created when missing, and saved
only when one of its fields differs, so that a second run writes nothing (and the history tables do not
grow). `reset=True` first deletes the demo organisations and the demo accounts, then rebuilds them.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from passerelles.core.models import Directorate, Membership, Organisation, Territory, User
from passerelles.demo.actors_loader import (
    _set_password_if_new,
    load_actor_accounts,
    load_actors,
    load_census,
    load_networks,
    load_watch,
    read_actors_data,
)
from passerelles.demo.calls_loader import load_calls, read_calls_data
from passerelles.demo.steering_loader import load_steering, read_steering_data
from passerelles.strategy.enums import ActionStatus
from passerelles.strategy.models import (
    Action,
    ActorCategory,
    AlignmentCriterion,
    Ambition,
    Orientation,
    Priority,
    ProgressNote,
    StrategyDocument,
)

DATA_FILE = Path(__file__).parent / "data" / "caece.yaml"
ACTOR_ACCOUNT = "actor"  # the "role" of an actor's login in `demo_accounts()`: it is not a membership role
CHANGE_REASON = "Chargement des données de démonstration"
LOGO_SIZE = 256
LOGO_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

# The rows counted per organisation, in the order of the summary.
COUNTED: dict[str, type[models.Model]] = {
    "territories": Territory,
    "directorates": Directorate,
    "documents": StrategyDocument,
    "criteria": AlignmentCriterion,
    "ambitions": Ambition,
    "orientations": Orientation,
    "priorities": Priority,
    "actor_categories": ActorCategory,
    "actions": Action,
    "progress_notes": ProgressNote,
    "memberships": Membership,
}


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def demo_accounts(data: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The demo logins, in the order of the data file: organisation, email, role, display name, password."""
    data = data or read_data()
    members = [
        {
            "organisation": org.get("short_name") or org["name"],
            "organisation_slug": org["slug"],
            "email": account["email"],
            "role": account["role"],
            "display_name": account["display_name"],
            "password": data["demo_password"],
        }
        for org in data["organisations"]
        for account in org["accounts"]
    ]
    # Actors' logins (role "actor": no membership, only their own directory entries).
    actors = read_actors_data()
    names = {org["slug"]: org.get("short_name") or org["name"] for org in data["organisations"]}
    return members + [
        {
            "organisation": names.get(actors["organisation"], actors["organisation"]),
            "organisation_slug": actors["organisation"],
            "email": account["email"],
            "role": ACTOR_ACCOUNT,
            "display_name": account["display_name"],
            "password": data["demo_password"],
        }
        for account in actors.get("actor_accounts", [])
    ]


def load_demo(*, reset: bool = False, stdout=None) -> dict:
    """Create or update the demo organisations; return the row counts of what they hold.

    The result has one count per kind of row (totals over the demo organisations), `organisations`,
    `accounts`, `created` and `updated` (rows written by this run), and `per_organisation` (slug -> counts).
    """
    data = read_data()
    writer = _Writer()
    try:
        with transaction.atomic():
            if reset:
                _delete_demo(data, stdout)
            for org_data in data["organisations"]:
                created, updated = writer.created, writer.updated
                org = _load_organisation(writer, org_data, data["demo_password"])
                _say(
                    stdout,
                    _("« %(name)s » : %(created)d ligne(s) créée(s), %(updated)d mise(s) à jour.")
                    % {
                        "name": org.display_name,
                        "created": writer.created - created,
                        "updated": writer.updated - updated,
                    },
                )
    except BaseException:
        # The database rolled back: remove the logo files written meanwhile.
        for file_field in writer.written_files:
            file_field.storage.delete(file_field.name)
        raise
    return _counts(data, writer)


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")


class _Writer:
    """Upserts keyed by natural keys that save a row only when it is new or differs."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.written_files: list = []
        self._new: set[tuple[type[models.Model], Any]] = set()

    def upsert(self, model: type[models.Model], lookup: dict, values: dict, *, prepare=None):
        """Find by `lookup`; create, or save the differing `values`.

        `prepare(obj)`, if given, may change `obj` before it is saved; it returns the changed field names.
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if prepare is not None:
                prepare(obj)
            self._save(obj)
            self.created += 1
            self._new.add((model, obj.pk))
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        if prepare is not None:
            changed += prepare(obj)
        if changed:
            self._save(obj, update_fields=changed)
            self.updated += 1
        return obj

    def set_m2m(self, obj: models.Model, field: str, wanted: list[models.Model]) -> None:
        """Add and remove only the difference: an unchanged relation sends no signal, hence no history."""
        manager = getattr(obj, field)
        current = set(manager.values_list("pk", flat=True))
        wanted_pks = {item.pk for item in wanted}
        obj._change_reason = CHANGE_REASON
        if current - wanted_pks:
            manager.remove(*(current - wanted_pks))
        if wanted_pks - current:
            manager.add(*(wanted_pks - current))
        if current != wanted_pks and (type(obj), obj.pk) not in self._new:
            self.updated += 1

    def _save(self, obj: models.Model, update_fields: list[str] | None = None) -> None:
        obj._change_reason = CHANGE_REASON
        obj.full_clean()
        obj.save(update_fields=update_fields)


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    current = getattr(obj, name)
    if isinstance(field, models.DecimalField) and value is not None:
        return current is None or Decimal(str(value)) != current
    return current != value


def _lines(items: list) -> str:
    """One item per line. An unquoted "text: more text" in YAML is a mapping: refuse it loudly."""
    wrong = [item for item in items if not isinstance(item, str)]
    if wrong:
        raise ValueError(f"Expected text items, got {wrong!r}: quote them in the data file")
    return "\n".join(items)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _load_organisation(writer: _Writer, data: dict[str, Any], password: str) -> Organisation:
    org = writer.upsert(
        Organisation,
        {"slug": data["slug"]},
        {
            "name": data["name"],
            "short_name": data.get("short_name", ""),
            "kind": data["kind"],
            "country": data.get("country", "FR"),
        },
        prepare=lambda obj: _ensure_logo(writer, obj, data.get("logo_colour", "#1d5b8f")),
    )
    _load_territories(writer, org, data)
    directorates = {
        item["name"]: writer.upsert(
            Directorate,
            {"organisation": org, "name": item["name"]},
            {
                "short_name": item.get("short_name", ""),
                "is_international": item.get("is_international", False),
            },
        )
        for item in data["directorates"]
    }
    document = _load_strategy(writer, org, data["strategy"], data.get("follow_up", {}), directorates)
    users = _load_accounts(writer, org, data["accounts"], password, directorates)
    for note in data.get("follow_up", {}).get("progress_notes", []):
        action = Action.objects.get(document=document, code=note["action"])
        writer.upsert(
            ProgressNote,
            {"organisation": org, "action": action, "text": note["text"]},
            {"author": users[note["author"]], "noted_on": note["noted_on"]},
        )
    steering = read_steering_data()
    if steering["organisation"] == org.slug:
        load_steering(writer, org, steering)
    actors = read_actors_data()
    if actors["organisation"] == org.slug:
        load_actors(writer, org, actors, load_actor_accounts(writer, org, actors, password))
        load_networks(writer, org, actors)
        load_census(writer, org, actors)
        load_watch(writer, org, actors)
    calls = read_calls_data()
    if calls["organisation"] == org.slug:
        load_calls(writer, org, calls)
    return org


def _load_territories(writer: _Writer, org: Organisation, data: dict[str, Any]) -> None:
    for item in data.get("home_territories", []):
        writer.upsert(
            Territory,
            {"organisation": org, "kind": "home", "name": item["name"]},
            {
                "insee_code": item["insee_code"],
                "country": item.get("country", "FR"),
                "local_kind": item.get("local_kind", "commune"),
                "latitude": _decimal(item.get("latitude")),
                "longitude": _decimal(item.get("longitude")),
                "partner_since": None,
                "description": item.get("description", ""),
            },
        )
    for item in data.get("partner_territories", []):
        writer.upsert(
            Territory,
            {"organisation": org, "kind": "partner", "name": item["name"]},
            {
                "insee_code": "",
                "country": item["country"],
                "local_kind": item.get("local_kind", ""),
                "latitude": _decimal(item.get("latitude")),
                "longitude": _decimal(item.get("longitude")),
                "partner_since": item.get("partner_since"),
                "description": item.get("description", ""),
            },
        )


def _load_strategy(
    writer: _Writer,
    org: Organisation,
    data: dict[str, Any],
    follow_up: dict[str, Any],
    directorates: dict[str, Directorate],
) -> StrategyDocument:
    document = writer.upsert(
        StrategyDocument,
        {"organisation": org, "version": data["version"]},
        {
            "title": data["title"],
            "status": data["status"],
            "adopted_on": data.get("adopted_on"),
            "horizon_year": data.get("horizon_year"),
            "red_thread": data.get("red_thread", ""),
            "summary": data.get("summary", ""),
        },
    )
    owned = {"organisation": org, "document": document}
    for position, item in enumerate(data.get("criteria", []), start=1):
        writer.upsert(
            AlignmentCriterion,
            {**owned, "code": item["code"]},
            {"position": position, "title": item["title"], "description": item.get("description", "")},
        )
    orientations = {
        item["number"]: writer.upsert(
            Orientation,
            {**owned, "number": item["number"]},
            {
                "position": position,
                "title": item["title"],
                "is_foundation": item.get("is_foundation", False),
                "expected_results": item.get("expected_results", ""),
                "levers": _lines(item.get("levers", [])),
                "vigilance": _lines(item.get("vigilance", [])),
            },
        )
        for position, item in enumerate(data["orientations"], start=1)
    }

    def pick_orientations(numbers) -> list[Orientation]:
        return list(orientations.values()) if numbers == "all" else [orientations[n] for n in numbers]

    for position, item in enumerate(data["ambitions"], start=1):
        ambition = writer.upsert(
            Ambition, {**owned, "code": item["code"]}, {"position": position, "title": item["title"]}
        )
        writer.set_m2m(ambition, "orientations", pick_orientations(item["orientations"]))
    priorities = {
        item["code"]: writer.upsert(
            Priority, {**owned, "code": item["code"]}, {"position": position, "title": item["title"]}
        )
        for position, item in enumerate(data["priorities"], start=1)
    }
    categories = {
        item["key"]: writer.upsert(
            ActorCategory, {**owned, "key": item["key"]}, {"position": position, "label": item["label"]}
        )
        for position, item in enumerate(data["actor_categories"], start=1)
    }
    progress = follow_up.get("actions", {})
    unknown = set(progress) - {item["code"] for item in data["actions"]}
    if unknown:
        raise ValueError(f"follow_up names unknown actions: {sorted(unknown)}")
    for position, item in enumerate(data["actions"], start=1):
        state = progress.get(item["code"], {})
        lead = state.get("lead_directorate")
        action = writer.upsert(
            Action,
            {**owned, "code": item["code"]},
            {
                "position": position,
                "title": item["title"],
                "priority": priorities[item["priority"]] if item["priority"] else None,
                "actor_category": categories[item["involves"]] if item["involves"] else None,
                "lead_directorate": directorates[lead] if lead else None,
                "status": state.get("status", ActionStatus.NOT_STARTED),
                "start_date": state.get("start_date"),
                "due_date": state.get("due_date"),
            },
        )
        writer.set_m2m(action, "orientations", pick_orientations(item["orientations"]))
    return document


def _load_accounts(
    writer: _Writer,
    org: Organisation,
    accounts: list[dict[str, Any]],
    password: str,
    directorates: dict[str, Directorate],
) -> dict[str, User]:
    """Demo users get the demo password when they are created, never afterwards."""
    users: dict[str, User] = {}
    for account in accounts:
        user = writer.upsert(
            User,
            {"email": account["email"]},
            {"display_name": account["display_name"], "is_active": True},
            prepare=lambda obj: _set_password_if_new(obj, password),
        )
        directorate = account.get("directorate")
        territory = account.get("partner_territory")
        writer.upsert(
            Membership,
            {"organisation": org, "user": user},
            {
                "role": account["role"],
                "directorate": directorates[directorate] if directorate else None,
                "partner_territory": (
                    Territory.objects.get(organisation=org, kind="partner", name=territory) if territory else None
                ),
                "is_active": True,
            },
        )
        users[account["role"]] = user
    return users


def _delete_demo(data: dict[str, Any], stdout) -> None:
    """Delete the demo organisations, everything they own (one cascade: the restricting foreign keys between
    their rows allow it), and the demo accounts."""
    slugs = [org["slug"] for org in data["organisations"]]
    for org in Organisation.objects.filter(slug__in=slugs):
        if org.logo:
            # Deleted now (logos get a new random name each time); after a rollback, the next run
            # regenerates a logo whose file is missing.
            org.logo.storage.delete(org.logo.name)
        org.delete()
    User.objects.filter(email__in=[account["email"] for account in demo_accounts(data)]).delete()
    _say(stdout, _("Organisations de démonstration supprimées : %(slugs)s.") % {"slugs": ", ".join(slugs)})


def _ensure_logo(writer: _Writer, org: Organisation, colour: str) -> list[str]:
    """Give the organisation a generated logo when it has none (or its file is gone)."""
    if org.logo and org.logo.storage.exists(org.logo.name):
        return []
    png = _logo_png(org.short_name or org.name, colour)
    org.logo.save(f"{org.slug}.png", ContentFile(png), save=False)
    writer.written_files.append(org.logo)
    return ["logo"]


def _font(size: int):
    if LOGO_FONT.exists():
        return ImageFont.truetype(str(LOGO_FONT), size)
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):
        return ImageFont.load_default()


def _logo_png(text: str, colour: str) -> bytes:
    """A coloured square with the short name in white, centred and shrunk to fit."""
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), colour)
    draw = ImageDraw.Draw(image)
    margin = LOGO_SIZE // 8
    candidates = [text, "\n".join(text.split())]
    for size in range(LOGO_SIZE // 3, 11, -4):
        font = _font(size)
        for candidate in candidates:
            left, top, right, bottom = draw.multiline_textbbox((0, 0), candidate, font=font, align="center")
            if right - left <= LOGO_SIZE - 2 * margin and bottom - top <= LOGO_SIZE - 2 * margin:
                break
        else:
            continue
        break
    position = ((LOGO_SIZE - (right - left)) / 2 - left, (LOGO_SIZE - (bottom - top)) / 2 - top)
    draw.multiline_text(position, candidate, fill="white", font=font, align="center")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _counts(data: dict[str, Any], writer: _Writer) -> dict:
    slugs = [org["slug"] for org in data["organisations"]]
    organisations = list(Organisation.objects.filter(slug__in=slugs))
    per_organisation = {
        org.slug: {key: model.objects.filter(organisation=org).count() for key, model in COUNTED.items()}
        for org in organisations
    }
    totals = {key: sum(counts[key] for counts in per_organisation.values()) for key in COUNTED}
    return {
        "organisations": len(organisations),
        **totals,
        "accounts": User.objects.filter(email__in=[a["email"] for a in demo_accounts(data)]).count(),
        "created": writer.created,
        "updated": writer.updated,
        "per_organisation": per_organisation,
    }
