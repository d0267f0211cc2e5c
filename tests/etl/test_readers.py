"""Reading return files as schools send them (etl/readers.py)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from domain.columns import COLUMNS
from etl.load import check_returns
from etl.readers import NotAReturn, read_return_file
from etl.template import template_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "returns"

HEADER = "urn,school_name,academic_year,senco_hours_per_week,senco_on_slt"
ROWS = ["117725,Alkborough Primary School,2025/26,6,yes", "117726,Brigg Primary School,2025/26,1.5 days,no"]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(tmp_path: Path, name: str, data: bytes):
    return read_return_file(write(tmp_path, name, data))


def csv_text(*lines: str, newline: str = "\r\n") -> str:
    return newline.join(lines) + newline


# ------------------------------------------------------------------ encodings

def test_utf8_csv(tmp_path):
    parsed = read(tmp_path, "r.csv", csv_text(HEADER, *ROWS).encode("utf-8"))
    assert parsed.layout == "table"
    assert [r.row_number for r in parsed.rows] == [2, 3]
    assert parsed.rows[0].cells["urn"] == "117725"
    assert parsed.rows[1].cells["senco_hours_per_week"] == "1.5 days"
    assert parsed.rows[0].cells["school_name"] == "Alkborough Primary School"
    assert parsed.ignored_headers == []


def test_utf8_with_bom_does_not_spoil_the_first_header(tmp_path):
    parsed = read(tmp_path, "r.csv", b"\xef\xbb\xbf" + csv_text(HEADER, "117725,Ecole Saint-Éloi,2025/26,6,yes")
                  .encode("utf-8"))
    assert parsed.rows[0].cells["urn"] == "117725"
    assert parsed.rows[0].cells["school_name"] == "Ecole Saint-Éloi"
    assert "urn" in parsed.rows[0].raw            # the raw header is clean too


def test_windows_1252_names_are_decoded(tmp_path):
    text = csv_text(HEADER, "117725,St Mary’s Café School,2025/26,6,yes")
    parsed = read(tmp_path, "r.csv", text.encode("cp1252"))
    assert parsed.rows[0].cells["school_name"] == "St Mary’s Café School"


def test_excel_unicode_text_utf16_tab_delimited(tmp_path):
    lines = [HEADER.replace(",", "\t"), "117725\tSt Mary’s Café School\t2025/26\t6\tyes",
             "117726\tBrigg Primary School\t2025/26\t1.5 days\tno"]
    data = "\ufeff".encode("utf-16-le") + csv_text(*lines).encode("utf-16-le")
    parsed = read(tmp_path, "r.txt", data)
    assert [r.cells["school_name"] for r in parsed.rows] == ["St Mary’s Café School", "Brigg Primary School"]
    assert parsed.rows[1].cells["senco_hours_per_week"] == "1.5 days"


def test_utf16_without_bom(tmp_path):
    parsed = read(tmp_path, "r.txt", csv_text(HEADER.replace(",", "\t"), ROWS[0].replace(",", "\t"))
                  .encode("utf-16-le"))
    assert parsed.rows[0].cells["urn"] == "117725"


# ------------------------------------------------------------------ delimiters and layout

def test_semicolon_delimited_csv_keeps_decimal_commas_in_a_cell(tmp_path):
    text = csv_text("urn;school_name;academic_year;senco_hours_per_week",
                    "117725;Alkborough Primary School;2025/26;1,5 days")
    parsed = read(tmp_path, "r.csv", text.encode())
    assert parsed.rows[0].cells == {"urn": "117725", "school_name": "Alkborough Primary School",
                                    "academic_year": "2025/26", "senco_hours_per_week": "1,5 days"}


def test_header_under_title_rows_and_row_numbers_as_in_the_spreadsheet(tmp_path):
    text = csv_text("SENCO returns 2025/26,,,,", "Exported from the MIS on 01/10/2025,,,,", ",,,,",
                    HEADER, ROWS[0], ",,,,", ROWS[1])
    parsed = read(tmp_path, "r.csv", text.encode())
    assert [r.row_number for r in parsed.rows] == [5, 7]
    assert [r.cells["urn"] for r in parsed.rows] == ["117725", "117726"]


def test_row_numbers_count_lines_inside_quoted_cells(tmp_path):
    text = csv_text(HEADER, '117725,"Alkborough\nPrimary School",2025/26,6,yes', ROWS[1])
    parsed = read(tmp_path, "r.csv", text.encode())
    assert [r.row_number for r in parsed.rows] == [2, 4]


def test_friendly_template_labels_work_as_headers(tmp_path):
    text = csv_text("URN,School name,Academic year,SENCO hours per week,SENCO on senior leadership team",
                    ROWS[0])
    parsed = read(tmp_path, "r.csv", text.encode())
    assert parsed.rows[0].cells["school_name"] == "Alkborough Primary School"
    assert parsed.rows[0].cells["senco_hours_per_week"] == "6"
    assert parsed.rows[0].cells["senco_on_slt"] == "yes"


def test_headers_with_odd_case_spaces_and_punctuation(tmp_path):
    text = csv_text("  U.R.N ,School_Name,Academic Year,SENCO Hours (per week),senco-on-slt", ROWS[0])
    parsed = read(tmp_path, "r.csv", text.encode())
    assert parsed.rows[0].cells == {"urn": "117725", "school_name": "Alkborough Primary School",
                                    "academic_year": "2025/26", "senco_hours_per_week": "6", "senco_on_slt": "yes"}


def test_unknown_columns_are_reported_and_kept_in_the_raw_row(tmp_path):
    text = csv_text("urn,Notes,school_name,academic_year,Headteacher", "117725,late,Alkborough,2025/26,Mrs Smith")
    parsed = read(tmp_path, "r.csv", text.encode())
    assert parsed.ignored_headers == ["Notes", "Headteacher"]
    assert "Notes" not in parsed.rows[0].cells
    assert parsed.rows[0].raw["Notes"] == "late"
    assert parsed.rows[0].raw["Headteacher"] == "Mrs Smith"


def test_blank_rows_are_skipped(tmp_path):
    text = csv_text(HEADER, "", ROWS[0], ",,,,", "  ,  ,,,", ROWS[1], "", "")
    parsed = read(tmp_path, "r.csv", text.encode())
    assert [r.row_number for r in parsed.rows] == [3, 6]


def test_trailing_empty_columns_are_harmless(tmp_path):
    text = csv_text(HEADER + ",,,", ROWS[0] + ",,,", ROWS[1])
    parsed = read(tmp_path, "r.csv", text.encode())
    assert parsed.ignored_headers == []
    assert len(parsed.rows) == 2
    assert parsed.rows[1].cells["senco_on_slt"] == "no"


def test_short_rows_leave_the_missing_cells_empty(tmp_path):
    parsed = read(tmp_path, "r.csv", csv_text(HEADER, "117725,Alkborough,2025/26").encode())
    assert parsed.rows[0].cells["senco_on_slt"] is None
    assert "senco_hours_per_week" in parsed.rows[0].cells


def test_absent_optional_columns_are_listed(tmp_path):
    parsed = read(tmp_path, "r.csv", csv_text(HEADER, ROWS[0]).encode())
    assert "phase" in parsed.absent_columns and "urn" not in parsed.absent_columns


def test_bundled_fixture_reads_every_row():
    parsed = read_return_file(FIXTURES / "good.csv")
    assert [r.cells["urn"] for r in parsed.rows] == ["117725", "117726", "117727"]
    header = (FIXTURES / "good.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    # The return's columns the file has no header for are named (none, until a column is added).
    assert parsed.absent_columns == [c.name for c in COLUMNS if c.name not in header]


# ------------------------------------------------------------------ not a return

def test_missing_required_column_is_named(tmp_path):
    text = csv_text("urn,academic_year,senco_hours_per_week", "117725,2025/26,6")
    with pytest.raises(NotAReturn, match="School name"):
        read(tmp_path, "r.csv", text.encode())


def test_empty_file(tmp_path):
    with pytest.raises(NotAReturn, match="empty"):
        read(tmp_path, "r.csv", b"")
    with pytest.raises(NotAReturn, match="empty"):
        read(tmp_path, "r.csv", b"  \r\n\r\n")


def test_binary_junk_named_csv(tmp_path):
    with pytest.raises(NotAReturn, match="binary"):
        read(tmp_path, "r.csv", bytes(range(256)) * 8)


def test_png_named_csv(tmp_path):
    with pytest.raises(NotAReturn):
        read(tmp_path, "r.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def test_text_that_is_not_a_return(tmp_path):
    with pytest.raises(NotAReturn, match="no header row"):
        read(tmp_path, "r.csv", b"Dear LA,\nplease find our return attached.\nRegards\n")


def test_a_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("return.csv", csv_text(HEADER, ROWS[0]))
    with pytest.raises(NotAReturn, match="zip"):
        read(tmp_path, "r.xlsx", buf.getvalue())


def test_a_truncated_workbook(tmp_path):
    data = xlsx_bytes([HEADER.split(","), ROWS[0].split(",")])
    with pytest.raises(NotAReturn, match="(?i)xlsx"):
        read(tmp_path, "r.xlsx", data[: len(data) // 2])


def test_a_truncated_template_is_called_a_damaged_workbook(tmp_path):
    data = template_bytes()
    with pytest.raises(NotAReturn, match="could not be opened"):
        read(tmp_path, "r.xlsx", data[: len(data) // 2])


def test_a_truncated_openpyxl_workbook_is_called_a_damaged_workbook_not_a_zip(tmp_path):
    data = xlsx_bytes([HEADER.split(","), ROWS[0].split(",")])
    with pytest.raises(NotAReturn, match="could not be opened"):
        read(tmp_path, "r.xlsx", data[: len(data) // 2])


def test_a_workbook_with_corrupt_sheet_xml(tmp_path):
    src = io.BytesIO(xlsx_bytes([HEADER.split(","), ROWS[0].split(",")]))
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    with pytest.raises(NotAReturn):
        read(tmp_path, "r.xlsx", out.getvalue())


def test_ole_file_that_is_not_a_workbook(tmp_path):
    with pytest.raises(NotAReturn):
        read(tmp_path, "r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


# ------------------------------------------------------------------ workbooks

def xlsx_bytes(rows, sheets_before: int = 0, title: str = "Returns") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes" if sheets_before else title
    if sheets_before:
        ws["A1"] = "Please read: one row per school."
        ws["A2"] = "Completed by the school business manager."
        ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_table_with_date_cells_and_numeric_urns(tmp_path):
    rows = [
        ["urn", "school_name", "academic_year", "senco_appointed_date", "number_on_roll", "senco_hours_per_week"],
        [117725, "Alkborough Primary School", "2025-26", dt.datetime(2021, 9, 1), 210, 9.75],
        [117726.0, "Brigg Primary School", "2025/26", dt.date(2019, 1, 7), 315, "1.5 days"],
    ]
    parsed = read(tmp_path, "r.xlsx", xlsx_bytes(rows))
    assert parsed.layout == "table"
    first, second = parsed.rows
    assert (first.row_number, second.row_number) == (2, 3)
    assert int(first.cells["urn"]) == 117725 and int(second.cells["urn"]) == 117726
    assert first.cells["senco_appointed_date"] in (dt.date(2021, 9, 1), dt.datetime(2021, 9, 1))
    assert second.cells["senco_appointed_date"] in (dt.date(2019, 1, 7), dt.datetime(2019, 1, 7))
    assert first.cells["senco_hours_per_week"] == 9.75
    assert second.cells["senco_hours_per_week"] == "1.5 days"


def test_xlsx_with_title_rows_reports_spreadsheet_row_numbers(tmp_path):
    rows = [["SENCO returns"], [], HEADER.split(","), ROWS[0].split(","), [], ROWS[1].split(",")]
    parsed = read(tmp_path, "r.xlsx", xlsx_bytes(rows))
    assert [r.row_number for r in parsed.rows] == [4, 6]


def test_xlsx_with_the_table_on_the_second_sheet(tmp_path):
    rows = [HEADER.split(","), ROWS[0].split(","), ROWS[1].split(",")]
    parsed = read(tmp_path, "r.xlsx", xlsx_bytes(rows, sheets_before=1))
    assert [r.cells["urn"] for r in parsed.rows] == ["117725", "117726"]


def test_xlsx_with_no_return_on_any_sheet_says_so(tmp_path):
    with pytest.raises(NotAReturn, match="no sheet holds a SENCO return"):
        read(tmp_path, "r.xlsx", xlsx_bytes([["hello"], ["world"]]))


def test_xlsx_named_csv_is_still_read_as_a_workbook(tmp_path):
    parsed = read(tmp_path, "r.csv", xlsx_bytes([HEADER.split(","), ROWS[0].split(",")]))
    assert parsed.rows[0].cells["school_name"] == "Alkborough Primary School"


def test_one_school_form_layout(tmp_path):
    rows = [["Field", "Your answer"], ["URN *", 117725], ["School name:", "Alkborough"],
            ["Academic year", "2025-26"], ["Phase", "primary"], ["SENCO hours per week", "1.5 days"],
            ["SENCO on senior leadership team", "Yes"]]
    parsed = read(tmp_path, "r.xlsx", xlsx_bytes(rows))
    assert parsed.layout == "form"
    [row] = parsed.rows
    assert int(row.cells["urn"]) == 117725
    assert row.cells["school_name"] == "Alkborough"
    assert row.cells["senco_hours_per_week"] == "1.5 days"


def test_a_year_typed_once_in_merged_cells_applies_to_each_merged_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["urn", "school_name", "academic_year", "senco_hours_per_week"])
    ws.append([117725, "Alkborough Primary School", "2025/26", "1 day"])
    ws.append([117726, "Althorpe and Keadby Primary School", None, "6 hrs"])
    ws.merge_cells("C2:C3")
    buf = io.BytesIO()
    wb.save(buf)
    outcome = check_returns(buf.getvalue(), "merged.xlsx")
    assert (outcome.accepted, outcome.rejected) == (2, 0)
    assert [r.record["academic_year"] for r in outcome.results] == ["2025/26", "2025/26"]
