"""Tabular exports shared by every list: CSV (UTF-8 with BOM, `,` or `;`) and XLSX."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

# A spreadsheet runs a cell starting with one of these as a formula: neutralise it.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What a spreadsheet cell takes as it is; anything else (a lazy translation, an enum, a model) is written as text.
_CELL_TYPES = (str, int, float, Decimal, datetime.date, datetime.time)


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # openpyxl refuses aware datetimes: write the local (Paris) wall-clock time.
        value = timezone.make_naive(value)
    elif isinstance(value, Promise) or not isinstance(value, _CELL_TYPES):
        value = str(value)
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(stream, header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ",") -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_xlsx(stream, header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> None:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    workbook.save(stream)


def table_response(*, fmt: str, filename: str, header, rows, title: str, delimiter: str = ",") -> HttpResponse:
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, rows, title=title)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        extension = "xlsx"
    else:
        buffer = io.StringIO()
        write_csv(buffer, header, rows, delimiter=delimiter)
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CSV_CONTENT_TYPE)
        extension = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
