"""Downloads must not run formulas when a school-entered value is opened in a spreadsheet."""
import csv
import datetime as dt
import io

import pandas as pd
from openpyxl import load_workbook

from lake.api import Filters
from ui.export import (
    NOTES_SHEET,
    SOURCE_CENSUS,
    SOURCE_REGISTER,
    SOURCE_RETURN,
    column_source,
    csv_bytes,
    file_stem,
    neutralise_cell,
    notes_rows,
    xlsx_bytes,
)

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "=cmd|' /C calc'!A0"]


def test_formula_leading_text_is_prefixed():
    for value in HOSTILE:
        assert neutralise_cell(value).startswith("'")
    assert neutralise_cell("St Mary's") == "St Mary's"
    assert neutralise_cell(-3) == -3          # numbers stay numbers


def test_csv_download_cannot_run_formulas_and_keeps_plain_values():
    frame = pd.DataFrame({"school_name": HOSTILE + ["Ashby Hill Primary"], "hours": range(7)})
    rows = list(csv.DictReader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert len(rows) == 7
    assert all(not r["school_name"].startswith(("=", "+", "-", "@", "\t")) for r in rows)
    assert rows[-1]["school_name"] == "Ashby Hill Primary"
    assert rows[2]["hours"] == "2"


def test_xlsx_download_stores_text_not_formulas():
    frame = pd.DataFrame({"school_name": HOSTILE, "send_pupils": [1, 2, 3, 4, 5, 6]})
    wb = load_workbook(io.BytesIO(xlsx_bytes(frame, "Schools", note="=evil note")))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(not t.startswith(("=", "+", "-", "@", "\t")) for t in texts)
    assert [c.value for c in ws["B"] if isinstance(c.value, int)] == [1, 2, 3, 4, 5, 6]


# ------------------------------------------------------------------ context: names, notes, Yes/No
def test_yes_no_not_true_false_in_csv_and_xlsx():
    frame = pd.DataFrame({"School": ["A", "B", "C"], "On SLT": [True, False, None],
                          "Flag": pd.array([True, None, False], dtype="boolean"), "Hours": [1.5, 2.0, 3.0]})
    rows = list(csv.DictReader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert [r["On SLT"] for r in rows] == ["Yes", "No", ""]
    assert [r["Flag"] for r in rows] == ["Yes", "", "No"]
    assert [r["Hours"] for r in rows] == ["1.5", "2.0", "3.0"]
    ws = load_workbook(io.BytesIO(xlsx_bytes(frame, "Schools"))).active
    assert [c.value for c in ws["B"]] == ["On SLT", "Yes", "No", None]
    assert [c.value for c in ws["C"]] == ["Flag", "Yes", None, "No"]


def test_xlsx_table_starts_on_row_1_and_the_notes_have_their_own_sheet():
    frame = pd.DataFrame({"URN": [100001, 100002], "School": ["Ash Primary", "Beech Primary"]})
    wb = load_workbook(io.BytesIO(xlsx_bytes(frame, "Schools", notes=[("Filter: Phase", "primary")])))
    assert wb.sheetnames == ["Schools", NOTES_SHEET]
    table = list(wb["Schools"].iter_rows(values_only=True))
    assert table == [("URN", "School"), (100001, "Ash Primary"), (100002, "Beech Primary")]
    assert list(wb[NOTES_SHEET].iter_rows(values_only=True)) == [("Item", "Detail"), ("Filter: Phase", "primary")]
    # No notes, no notes sheet; a table titled "Notes" does not collide with it.
    assert load_workbook(io.BytesIO(xlsx_bytes(frame, "Schools"))).sheetnames == ["Schools"]
    assert load_workbook(io.BytesIO(xlsx_bytes(frame, "Notes", notes=[("a", "b")]))).sheetnames == ["data", "Notes"]


def test_file_names_carry_the_filters_view_and_data_date():

    year = "2025/26"
    everything = file_stem("Schools ranked", year, Filters(year=year), as_at=dt.date(2026, 1, 10))
    primary = file_stem("Schools ranked", year, Filters(year=year, phase=("primary",)), as_at=dt.date(2026, 1, 10))
    assert everything == "schools-ranked-2025-26-as-at-2026-01-10"
    assert primary == "schools-ranked-2025-26-phase-primary-as-at-2026-01-10"
    named = file_stem("Schools", year, Filters(year=year, la=(813,), size_band=("Under 100",)), anonymised=True,
                      la_names={813: "North Lincolnshire"})
    assert named == "schools-2025-26-local-authority-north-lincolnshire-size-band-under-100-anonymised"
    many = file_stem("Schools", year, Filters(year=year, school_type=("a", "b", "c", "d")))
    assert many == "schools-2025-26-school-type-4-chosen"


def test_notes_say_filters_view_data_date_and_each_columns_source():

    fresh = {"returns": {"last_loaded": dt.datetime(2026, 1, 10, 9, 30), "files": 3},
             "gias": {"last_loaded": dt.datetime(2026, 1, 2, 8, 0), "files": 1}}
    sources = {"School": column_source("school_name"), "SENCO hours": column_source("senco_hours_per_week"),
               "Town": column_source("town"), "Census roll": column_source("census_roll")}
    notes = dict(notes_rows("Schools ranked", "2025/26", Filters(year="2025/26", phase=("primary", "secondary")),
                            False, fresh, sources))
    assert notes["Filter: Phase"] == "primary; secondary"
    assert notes["Filter: School type"] == "All (not filtered)"
    assert notes["Data as at"].startswith("2026-01-10 09:30")
    assert notes["Last loaded: Register of schools (GIAS)"] == "2026-01-02 08:00"
    assert notes["Schools named or anonymised"].startswith("Named")
    assert notes["Source of column: SENCO hours"] == SOURCE_RETURN
    assert notes["Source of column: Town"] == SOURCE_REGISTER
    assert notes["Source of column: Census roll"] == SOURCE_CENSUS
    anon = dict(notes_rows("Schools", "2025/26", Filters(year="2025/26"), True, {},
                           {"School": column_source("School", anonymised=True)}))
    assert anon["Schools named or anonymised"].startswith("Anonymised")
    assert "label" in anon["Source of column: School"]
    assert "label" not in column_source("School") and column_source("Town") == SOURCE_REGISTER
