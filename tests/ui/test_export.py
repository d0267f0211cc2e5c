"""Downloads must not run formulas when a school-entered value is opened in a spreadsheet."""
import csv
import io

import pandas as pd
from openpyxl import load_workbook

from ui.export import csv_bytes, neutralise_cell, xlsx_bytes

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
