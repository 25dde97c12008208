import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from passerelles.demo.loader import load_demo


@pytest.fixture
def demo(db):
    load_demo()


def _read_csv(text: str, delimiter=","):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def test_export_plan_csv_to_file(demo, tmp_path):
    target = tmp_path / "plan.csv"
    call_command("export", "plan", "--org", "caece", "--format", "csv", "--output", str(target))
    rows = _read_csv(target.read_text(encoding="utf-8"))
    assert len(rows) == 50
    by_code = {row["code"]: row for row in rows}
    assert by_code["T1"]["orientations"] == "1,2,3,4,5,6,7"
    assert by_code["P1.4"]["orientations"] == "1,2,3"
    assert by_code["P2.13"]["orientations"] == "1,6,7"
    assert by_code["P1.1"]["priority"] == "P1"
    assert list(rows[0]) == [
        "code",
        "title",
        "priority",
        "actor_category",
        "orientations",
        "lead_directorate",
        "status",
        "start_date",
        "due_date",
    ]


def test_export_plan_csv_to_stdout_with_semicolons(demo, capsys):
    call_command("export", "plan", "--org", "caece", "--separator", "semicolon")
    rows = _read_csv(capsys.readouterr().out, delimiter=";")
    assert len(rows) == 50 and rows[0]["code"] == "T1"


def test_export_plan_xlsx(demo, tmp_path):
    target = tmp_path / "plan.xlsx"
    call_command("export", "plan", "--org", "caece", "--format", "xlsx", "--output", str(target))
    rows = list(load_workbook(target).active.values)
    assert rows[0][0] == "code" and len(rows) == 51
    assert {r[0]: r[4] for r in rows[1:]}["P5.4"] == "6"


def test_export_unknown_organisation(demo):
    with pytest.raises(CommandError, match="inconnue"):
        call_command("export", "plan", "--org", "nowhere")


def test_export_xlsx_needs_a_file(demo):
    with pytest.raises(CommandError):
        call_command("export", "plan", "--org", "caece", "--format", "xlsx")
