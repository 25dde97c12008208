"""Reads of "who works on what, where" and of likely duplicates: a constant number of queries."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from passerelles.actors.enums import ModerationStatus, Theme
from passerelles.actors.models import Actor
from passerelles.actors.selectors.directory import partner_territories
from passerelles.core.tenancy import for_org

NAMES_PER_THEME = 50
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


# -- who works on what, where --------------------------------------------------------------------


@dataclass
class MatrixRow:
    theme: str
    label: str
    cells: list  # one [territory, count] per partner territory
    elsewhere: int = 0
    total: int = 0
    names: list = field(default_factory=list)  # (pk, name), capped at NAMES_PER_THEME


def theme_matrix(*, organisation, kind=None) -> dict:
    """Approved actors x the six themes x the partner territories (+ "other countries"): three queries."""
    territories = list(partner_territories(organisation=organisation).only("pk", "name"))
    actors = for_org(Actor, organisation).filter(moderation_status=ModerationStatus.APPROVED)
    if kind:
        actors = actors.filter(kind=kind)
    rows_of_actors = list(actors.order_by("name", "pk").values_list("pk", "name", "themes"))
    links: dict[int, set[int]] = {}
    through = Actor.partner_territories.through.objects.filter(actor__in=actors.values("pk"))
    for actor_id, territory_id in through.values_list("actor_id", "territory_id"):
        links.setdefault(actor_id, set()).add(territory_id)
    rows = []
    for theme, label in Theme.choices:
        row = MatrixRow(theme=theme, label=str(label), cells=[[t, 0] for t in territories])
        for pk, name, themes in rows_of_actors:
            if theme not in (themes or []):
                continue
            row.total += 1
            if len(row.names) < NAMES_PER_THEME:
                row.names.append((pk, name))
            mine = links.get(pk, set())
            if not mine:
                row.elsewhere += 1
            for index, territory in enumerate(territories):
                if territory.pk in mine:
                    row.cells[index][1] += 1
        rows.append(row)
    return {"territories": territories, "rows": rows, "actor_count": len(rows_of_actors)}


def matrix_header(matrix) -> list[str]:
    return [_("Thématique"), *[t.name for t in matrix["territories"]], _("Autres pays"), _("Total")]


def matrix_rows(matrix):
    for row in matrix["rows"]:
        yield [row.label, *[count for _territory, count in row.cells], row.elsewhere, row.total]


# -- likely duplicates -----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case, accents, punctuation and spaces ignored: "Comité  d'Évry" == "comite devry"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", stripped.casefold())


@dataclass
class DuplicatePair:
    first: Actor
    second: Actor
    reasons: list = field(default_factory=list)

    @property
    def reason_labels(self) -> str:
        labels = {"siret": _("même SIRET"), "name": _("même nom dans la même commune")}
        return ", ".join(labels[r] for r in self.reasons)


def duplicate_pairs(*, organisation, reason=None, text="") -> list[DuplicatePair]:
    """Pairs of the organisation's actors with the same SIRET, or the same normalised name in the same place.

    One query; the grouping is done in Python on a few columns.
    """
    actors = list(
        for_org(Actor, organisation)
        .only("pk", "name", "commune", "siret", "partner_territory_of_id", "kind", "moderation_status")
        .order_by("name", "pk")
    )
    groups: dict[tuple, list[Actor]] = {}
    for actor in actors:
        if actor.siret:
            groups.setdefault(("siret", actor.siret), []).append(actor)
        name = normalise(actor.name)
        if name:
            place = (normalise(actor.commune), actor.partner_territory_of_id)
            groups.setdefault(("name", name, place), []).append(actor)
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    for key, members in groups.items():
        if reason and key[0] != reason:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = pairs.setdefault((first.pk, second.pk), DuplicatePair(first, second))
                if key[0] not in pair.reasons:
                    pair.reasons.append(key[0])
    result = sorted(pairs.values(), key=lambda p: (p.first.name.casefold(), p.first.pk, p.second.pk))
    needle = normalise(text)
    if needle:
        result = [p for p in result if needle in normalise(p.first.name) or needle in normalise(p.second.name)]
    return result


def duplicates_header() -> list[str]:
    return [_("Fiche A"), _("Commune A"), _("SIRET A"), _("Fiche B"), _("Commune B"), _("SIRET B"), _("Motif")]


def duplicates_rows(pairs):
    for pair in pairs:
        yield [
            pair.first.name,
            pair.first.commune,
            pair.first.siret,
            pair.second.name,
            pair.second.commune,
            pair.second.siret,
            pair.reason_labels,
        ]
