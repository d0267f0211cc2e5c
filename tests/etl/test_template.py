"""The blank return workbook (etl/template.py): what a school sees, and that it loads back."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from domain.columns import COLUMNS, Column
from etl.load import check_returns
from etl.normalise import parse_yesno
from etl.readers import FORM_SHEET
from etl.template import write_template

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 11, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template") / "senco-return.xlsx"
    write_template(out)
    return out


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(template)


def answer_rows(ws) -> dict[str, int]:
    """The sheet row of each column's field, found by its label in column A."""
    by_label = {c.label: c.name for c in COLUMNS}
    rows = {}
    for row in ws.iter_rows(min_row=2, max_col=1):
        cell = row[0]
        if cell.value in by_label:
            rows[by_label[cell.value]] = cell.row
    return rows


def validation_for(ws, ref: str):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) <= 1, f"{ref} has {len(found)} validations"
    return found[0] if found else None


def list_choices(wb, formula: str) -> list[str]:
    """The values a list validation offers: inline '"a,b"' or a range on another sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in row]


def expected_choices(column: Column) -> list[str]:
    return list(column.choices) if column.kind == "enum" else ["Yes", "No"]


@pytest.fixture(autouse=True)
def _default_school_day(monkeypatch):
    """The expected values use the documented 6.5-hour school day, whatever the shell sets."""
    monkeypatch.delenv("SENCO_SCHOOL_DAY_HOURS", raising=False)


# ------------------------------------------------------------------ layout

def test_form_sheet_first_with_headers_then_instructions(wb):
    assert wb.sheetnames[0] == FORM_SHEET
    assert wb.sheetnames[1] == "Instructions"
    assert set(wb.sheetnames) <= {FORM_SHEET, "Instructions", "Lists"}
    ws = wb[FORM_SHEET]
    assert [ws.cell(1, j).value for j in (1, 2, 3)] == ["Field", "Your answer", "Guidance"]
    if "Lists" in wb.sheetnames:
        assert wb["Lists"].sheet_state == "hidden"


def test_one_row_per_column_with_the_exact_label(wb):
    ws = wb[FORM_SHEET]
    labels = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert sorted(labels) == sorted(c.label for c in COLUMNS)
    assert ws.max_row == len(COLUMNS) + 1


def test_urn_and_academic_year_come_first_and_stand_out(wb):
    ws = wb[FORM_SHEET]
    assert ws["A2"].value == "URN"
    assert ws["A3"].value == "Academic year"
    for ref in ("A2", "A3", "B2", "B3"):
        assert ws[ref].font.b
    assert ws["A2"].fill.fgColor.rgb != ws["A5"].fill.fgColor.rgb


def test_required_fields_are_marked(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    for c in COLUMNS:
        label, guidance = ws.cell(rows[c.name], 1), ws.cell(rows[c.name], 3).value
        assert bool(label.font.b) == c.required, c.name
        assert guidance.startswith("Required") == c.required, c.name


def test_guidance_has_description_format_and_example(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    for c in COLUMNS:
        guidance = ws.cell(rows[c.name], 3).value
        assert c.description in guidance
        assert c.type_label in guidance
        if c.example:
            assert c.example in guidance


def test_answer_cells_are_empty_yellow_and_unlocked_on_a_protected_sheet(wb):
    ws = wb[FORM_SHEET]
    assert ws.protection.sheet
    for row in answer_rows(ws).values():
        cell = ws.cell(row, 2)
        assert cell.value is None
        assert cell.protection.locked is False
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.upper().endswith(("FFF2CC", "FFE699"))
    assert ws["A5"].protection.locked is not False


def test_widths_and_frozen_header(wb):
    ws = wb[FORM_SHEET]
    assert ws.freeze_panes in ("A2", "B2")
    assert ws.column_dimensions["A"].width >= 30
    assert ws.column_dimensions["C"].width >= 60


def test_dropdowns_offer_exactly_each_columns_choices(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    checked = 0
    for c in COLUMNS:
        if c.kind not in ("enum", "yesno"):
            continue
        dv = validation_for(ws, f"B{rows[c.name]}")
        assert dv is not None and dv.type == "list", c.name
        assert list_choices(wb, dv.formula1) == expected_choices(c), c.name
        assert dv.showErrorMessage
        checked += 1
    assert checked == sum(c.kind in ("enum", "yesno") for c in COLUMNS) >= 8


def test_yes_no_dropdown_values_are_understood_by_the_loader(wb):
    ws = wb[FORM_SHEET]
    c = next(c for c in COLUMNS if c.kind == "yesno")
    dv = validation_for(ws, f"B{answer_rows(ws)[c.name]}")
    assert [parse_yesno(v) for v in list_choices(wb, dv.formula1)] == [True, False]


def test_counts_must_be_whole_numbers_at_least_the_minimum(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    for c in COLUMNS:
        if c.kind != "count":
            continue
        dv = validation_for(ws, f"B{rows[c.name]}")
        assert dv.type == "whole", c.name
        assert dv.formula1 == str(int(c.minimum or 0)), c.name
        if c.maximum is None:
            assert dv.operator == "greaterThanOrEqual"
        else:
            assert dv.operator == "between" and dv.formula2 == str(int(c.maximum))


def test_hours_are_free_text_so_days_can_be_typed(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    for c in COLUMNS:
        if c.kind == "hours":
            dv = validation_for(ws, f"B{rows[c.name]}")
            assert dv.type in (None, "any") and not dv.showErrorMessage
            assert "1.5 days" in dv.prompt


def test_every_answer_cell_has_an_input_message(wb):
    ws = wb[FORM_SHEET]
    for name, row in answer_rows(ws).items():
        dv = validation_for(ws, f"B{row}")
        assert dv is not None and dv.showInputMessage, name
        assert dv.prompt and len(dv.prompt) <= 255, name
        assert dv.promptTitle and len(dv.promptTitle) <= 32, name


def test_date_fields_ask_for_dd_mm_yyyy(wb):
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    dates = [c for c in COLUMNS if c.kind == "date"]
    assert dates
    for c in dates:
        cell = ws.cell(rows[c.name], 2)
        assert "DD/MM/YYYY" in validation_for(ws, cell.coordinate).prompt
        assert cell.number_format.upper() == "DD/MM/YYYY"


def test_instructions_say_one_workbook_is_one_schools_return(wb):
    text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "one school's return" in text.lower()
    assert FORM_SHEET in text
    for c in COLUMNS:
        if c.required:
            assert c.label in text


def test_document_dates_are_fixed(wb):
    assert wb.properties.created == wb.properties.modified == dt.datetime(2025, 1, 1)


# ------------------------------------------------------------------ round trip

def fill(template: Path, answers: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(template)
    ws = wb[FORM_SHEET]
    rows = answer_rows(ws)
    for name, value in answers.items():
        ws.cell(rows[name], 2, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_filled_template_loads_as_one_clean_row(template):
    data = fill(template, {
        "urn": 117725, "academic_year": "2025-26", "school_name": "Alkborough Primary School",
        "phase": "primary", "number_on_roll": 210, "sen_support_pupils": 28, "ehcp_pupils": 4,
        "senco_hours_per_week": "1.5 days", "senco_on_slt": "Yes", "senco_qualified_teacher": "No",
        "senco_qualification": "NPQ for SENCOs held", "senco_appointed_date": dt.date(2021, 9, 1),
        "senco_other_roles": "DSL; class teacher", "ofsted_inspection_date": dt.datetime(2023, 3, 14),
        "ofsted_send_progress": "not judged",
    })
    outcome = check_returns(data, "alkborough.xlsx", day_hours=6.5, today=TODAY)
    assert outcome.status == "loaded", outcome.message
    assert (outcome.rows_read, outcome.accepted, outcome.rejected) == (1, 1, 0)
    record = outcome.results[0].record
    assert record["urn"] == 117725
    assert record["academic_year"] == "2025/26"
    assert record["senco_hours_per_week"] == 9.75
    assert record["senco_on_slt"] is True and record["senco_qualified_teacher"] is False
    assert record["senco_appointed_date"] == dt.date(2021, 9, 1)
    assert record["ofsted_inspection_date"] == dt.date(2023, 3, 14)
    assert record["number_on_roll"] == 210
    assert record["senco_other_roles"] == "DSL; class teacher"
    assert record["deputy_senco"] is None
    assert any("1.5 days" in n for n in outcome.results[0].notes)
    assert outcome.ignored_headers == []


def test_a_template_with_required_answers_missing_is_rejected_naming_them(template):
    outcome = check_returns(fill(template, {"urn": 117725, "senco_on_slt": "Yes"}), "t.xlsx", 6.5, TODAY)
    assert outcome.status == "loaded" and outcome.rejected == 1
    assert [(p.code, p.column) for p in outcome.results[0].problems] == [
        ("required-missing", "school_name"), ("required-missing", "academic_year")]


def test_an_unfilled_template_fails_with_a_clear_message(template):
    outcome = check_returns(template.read_bytes(), "blank.xlsx", 6.5, TODAY)
    assert outcome.status == "failed"
    assert "no answers filled in" in outcome.message
    assert outcome.rows_read == 0


# ------------------------------------------------------------------ determinism

def test_two_writes_give_identical_bytes(tmp_path, monkeypatch):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(first)
    # Zip entries are stamped with the clock; a later write must still be byte-identical.
    later = time.localtime(time.time() + 3 * 86400)
    monkeypatch.setattr(time, "localtime", lambda *args: later)
    write_template(second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 1, 1, 0, 0, 0)}
        assert b"2025-01-01T00:00:00" in z.read("docProps/core.xml")


def test_cli_writes_the_template(tmp_path):
    out = tmp_path / "sub" / "return.xlsx"
    proc = subprocess.run([sys.executable, "-m", "etl", "template", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "SENCO_LAKE": str(tmp_path / "l.duckdb")})
    assert proc.returncode == 0, proc.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == FORM_SHEET
    assert not list(out.parent.glob("*.part"))
