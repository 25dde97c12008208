"""Bulk import of actors from a CSV or XLSX file: parse, dry run (a report, nothing written), then import.

The parsed rows are plain dicts of strings (JSON-serialisable) so that they can wait in the session between the dry
run and the confirmation. Every confirmation re-validates them: the report is never trusted.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.actors.enums import Location, ModerationStatus
from passerelles.actors.models import Actor
from passerelles.actors.validators import normalise_siret
from passerelles.core import permissions, uploads

COLUMNS = ("name", "kind", "commune", "insee_code", "themes", "countries", "description", "website", "siret", "rna")
REQUIRED_COLUMNS = ("name", "kind")
LIST_COLUMNS = ("themes", "countries")
MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000

CREATE = "create"
UPDATE = "update"
REJECT = "reject"


# -- parsing --------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_table(table) -> list[dict]:
    """`table` yields lists of cells, the header first. Returns one dict per non-empty line, with its line number."""
    iterator = iter(table)
    header_cells = next(iterator, None)
    if not header_cells:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    header = [_cell(h).lower().lstrip("\ufeff") for h in header_cells]
    while header and not header[-1]:
        header.pop()
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValidationError(
            _("Colonnes inconnues : %(columns)s. Colonnes attendues : %(expected)s.")
            % {"columns": ", ".join(unknown)[:300], "expected": ", ".join(COLUMNS)},
            code="header",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            _("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)}, code="header"
        )
    if len(set(header)) != len(header):
        raise ValidationError(_("Une colonne apparaît deux fois dans l'en-tête."), code="header")
    rows = []
    for number, cells in enumerate(iterator, start=2):
        values = [_cell(c) for c in cells]
        if not any(values):
            continue
        if len(rows) >= MAX_LINES:
            raise ValidationError(
                _("Le fichier dépasse %(max)s lignes : découpez-le.") % {"max": MAX_LINES}, code="too_many_lines"
            )
        row = {column: (values[i] if i < len(values) else "") for i, column in enumerate(header)}
        row = {column: row.get(column, "") for column in COLUMNS}
        row["line"] = number
        rows.append(row)
    if not rows:
        raise ValidationError(_("Le fichier ne contient aucune ligne à importer."), code="empty")
    return rows


def _parse_csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("Le fichier CSV doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »)."), code="encoding"
        ) from error
    if "\x00" in text:
        raise ValidationError(_("Ce fichier n'est pas un CSV lisible."), code="binary")
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return _rows_from_table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ValidationError(_("Ce fichier CSV est mal formé."), code="csv") from error


def _parse_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(_("Ce fichier XLSX est illisible."), code="xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        return _rows_from_table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _check_xlsx(data: bytes) -> None:
    """An XLSX by content, whose archive does not expand beyond the limits: checked before openpyxl sees it."""
    unreadable = ValidationError(_("Ce fichier XLSX est illisible."), code="xlsx")
    if not data.startswith(uploads.ZIP_MAGIC):
        raise unreadable
    buffer = io.BytesIO(data)
    try:
        uploads.check_archive(buffer)
    except ValidationError as error:
        if error.code == "archive_unreadable":
            raise unreadable from error
        raise
    if uploads.sniff(buffer) != uploads.XLSX:
        raise unreadable


def parse_file(uploaded) -> list[dict]:
    """Reads an uploaded file; raises ValidationError with a message for the user on anything unexpected."""
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("Le fichier dépasse 2 Mo."), code="too_big")
    name = (uploaded.name or "").lower()
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Le fichier dépasse 2 Mo."), code="too_big")
    if name.endswith(".xlsx"):
        _check_xlsx(data)
        return _parse_xlsx(data)
    if name.endswith(".csv"):
        return _parse_csv(data)
    raise ValidationError(_("Format refusé : envoyez un fichier .csv ou .xlsx."), code="type")


# -- dry run --------------------------------------------------------------------------------------


def _key(value: str) -> str:
    """Case, accents and spaces insensitive."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


def _split(value: str, *, upper: bool = False) -> list[str]:
    parts = [p.strip() for p in (value or "").split("|")]
    return [p.upper() if upper else p for p in parts if p]


def _actor_fields(row: dict) -> dict:
    siret = normalise_siret(row.get("siret", ""))
    return {
        "name": row.get("name", ""),
        "kind": row.get("kind", ""),
        "commune": row.get("commune", ""),
        "insee_code": row.get("insee_code", ""),
        "themes": _split(row.get("themes", "")),
        "countries": _split(row.get("countries", ""), upper=True),
        "description": row.get("description", ""),
        "website": row.get("website", ""),
        "siret": siret,
        "rna": (row.get("rna", "") or "").upper(),
    }


def _errors_text(error: ValidationError) -> list[str]:
    labels = {f.name: str(f.verbose_name) for f in Actor._meta.fields}
    if hasattr(error, "error_dict"):
        out = []
        for name, errors in error.error_dict.items():
            for message in errors:
                text = " ".join(message.messages) if isinstance(message, ValidationError) else str(message)
                out.append(f"{labels.get(name, name)} : {text}")
        return out
    return list(error.messages)


@dataclass
class LineReport:
    line: int
    name: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    target_pk: int | None = None

    @property
    def outcome_label(self) -> str:
        return {CREATE: _("création"), UPDATE: _("mise à jour"), REJECT: _("rejet")}[self.outcome]


def plan_import(*, organisation, rows: list[dict]) -> list[LineReport]:
    """The dry run: what each line would do and why. One query, nothing written."""
    existing = list(Actor.objects.filter(organisation=organisation).only(*COLUMNS, "id", "organisation_id"))
    by_siret = {a.siret: a for a in existing if a.siret}
    by_name = {(_key(a.name), _key(a.commune)): a for a in existing}
    seen_siret: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    updated: dict[int, int] = {}
    report = []
    for row in rows:
        line = int(row.get("line", 0))
        values = _actor_fields(row)
        entry = LineReport(line=line, name=values["name"][:255], outcome=REJECT, fields=values)
        report.append(entry)
        candidate = Actor(
            organisation=organisation,
            location=Location.HOME,
            moderation_status=ModerationStatus.APPROVED,
            is_public=True,
            **values,
        )
        try:
            # The organisation's existence and the check constraints cost one query per line: they are checked
            # again at the import, line by line.
            candidate.full_clean(exclude=["organisation"], validate_constraints=False)
        except ValidationError as error:
            entry.reasons = _errors_text(error)
            continue
        name_key = (_key(values["name"]), _key(values["commune"]))
        earlier = (seen_siret.get(values["siret"]) if values["siret"] else None) or seen_name.get(name_key)
        if earlier:
            entry.reasons = [_("Doublon de la ligne %(line)s du fichier.") % {"line": earlier}]
            continue
        if values["siret"]:
            seen_siret[values["siret"]] = line
        seen_name[name_key] = line
        match = (by_siret.get(values["siret"]) if values["siret"] else None) or by_name.get(name_key)
        if match is None:
            entry.outcome = CREATE
            entry.reasons = [_("Nouvel acteur, publié dans l'annuaire.")]
            continue
        if match.pk in updated:
            entry.reasons = [
                _("L'acteur existant « %(name)s » est déjà complété par la ligne %(line)s.")
                % {"name": match.name, "line": updated[match.pk]}
            ]
            continue
        updated[match.pk] = line
        entry.outcome = UPDATE
        entry.target_pk = match.pk
        filled = {name: value for name, value in values.items() if value and not getattr(match, name)}
        entry.fields = filled
        labels = {f.name: str(f.verbose_name) for f in Actor._meta.fields}
        reason = (
            _("Même SIRET que l'acteur existant « %(name)s ».")
            if values["siret"] and match.siret == values["siret"]
            else _("Même nom et même commune que l'acteur existant « %(name)s ».")
        ) % {"name": match.name}
        if filled:
            reason += " " + _("Champs vides complétés : %(fields)s.") % {"fields": ", ".join(labels[n] for n in filled)}
        else:
            reason += " " + _("Aucun champ vide à compléter.")
        entry.reasons = [reason]
    return report


def summary(report: list[LineReport]) -> dict:
    counts = {CREATE: 0, UPDATE: 0, REJECT: 0}
    for entry in report:
        counts[entry.outcome] += 1
    return counts


# -- import ---------------------------------------------------------------------------------------


@transaction.atomic
def import_actors(*, organisation, user, rows: list[dict], only_valid: bool) -> dict:
    """Re-validates the rows and writes them in one transaction; all or nothing."""
    if not permissions.can_edit_actors(user, organisation):
        raise PermissionDenied
    report = plan_import(organisation=organisation, rows=rows)
    counts = summary(report)
    if counts[REJECT] and not only_valid:
        raise ValidationError(
            _("%(count)s ligne(s) rejetée(s) : le fichier entier ne peut pas être importé.")
            % {"count": counts[REJECT]},
            code="rejected_lines",
        )
    targets = Actor.objects.select_for_update().in_bulk(
        [e.target_pk for e in report if e.outcome == UPDATE and e.fields]
    )
    for entry in report:
        if entry.outcome == CREATE:
            actor = Actor(
                organisation=organisation,
                location=Location.HOME,
                moderation_status=ModerationStatus.APPROVED,
                is_public=True,
                **entry.fields,
            )
        elif entry.outcome == UPDATE and entry.fields:
            actor = targets[entry.target_pk]
            for name, value in entry.fields.items():
                if not getattr(actor, name):
                    setattr(actor, name, value)
        else:
            continue
        actor.full_clean()
        actor.save()
    return counts
