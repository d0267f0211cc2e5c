"""(Re)generate the corpus of bad return files in tests/corpus/files/ and expected.json.

Every file imitates something a school really sends: Excel's CSV in its various
encodings and locales, hand-made workbooks, the odd PNG named .csv. Each file's
expected outcome is written by hand next to the code that makes it (never computed
by running the ETL), so test_corpus.py checks the loader against what a person
decided the right answer is.

Usage (from the repository root):

    .venv/bin/python tests/corpus/make_corpus.py

writes every text file, every .xlsx (byte-for-byte repeatable: fixed document
properties and zip timestamps) and expected.json.

Two fixtures need tools the project does not depend on, so they are committed and
only rebuilt where the tool is importable:

* 19_legacy_excel_97.xls is written by `xlwt` (Excel 97-2003 BIFF8);
* 20_password_protected.xlsx is a workbook encrypted with `msoffcrypto-tool`
  (password "senco2025"; Agile encryption, as Excel 2010+ writes it).

They were made once with a throwaway virtualenv, never the project's:

    python3 -m venv /tmp/corpus-tools
    /tmp/corpus-tools/bin/pip install xlwt msoffcrypto-tool openpyxl
    /tmp/corpus-tools/bin/python tests/corpus/make_corpus.py --binary

Without `--binary` an existing .xls / encrypted file is left alone (encryption uses a
random salt, so a rebuild changes its bytes though not its meaning); a missing one is
made if the tool is there, and otherwise reported and skipped.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FILES = HERE / "files"
EXPECTED = HERE / "expected.json"
sys.path.insert(0, str(ROOT))

from domain.columns import COLUMNS  # noqa: E402  (only the column names and labels)

NAMES = [c.name for c in COLUMNS]
LABELS = [c.label for c in COLUMNS]
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
PASSWORD = "senco2025"


def _schools() -> list[tuple[str, str]]:
    """Open North Lincolnshire schools (URN, name), in the bundled open-data order."""
    path = ROOT / "data" / "open" / "school_names_la813_north_lincolnshire.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["urn"], r["name"]) for r in csv.DictReader(fh) if not r["close_date"]]


SCHOOLS = _schools()
URN = {name: urn for urn, name in SCHOOLS}


def school(i: int) -> tuple[str, str]:
    return SCHOOLS[i % len(SCHOOLS)]


def row(i: int, **over: object) -> dict[str, object]:
    """A plausible, valid return row for school i, as a school types it; override cells."""
    urn, name = school(i)
    roll = 90 + (i * 37) % 330
    sup = roll * (10 + i % 7) // 100
    base: dict[str, object] = {
        "urn": urn, "school_name": name, "academic_year": "2025/26",
        "phase": ("Primary", "primary", "Infant", "Junior", "Primary")[i % 5],
        "number_on_roll": str(roll), "sen_support_pupils": str(sup), "ehcp_pupils": str(1 + i % 6),
        "senco_hours_per_week": ("9.75", "6", "13", "7.5", "4", "19.5")[i % 6],
        "senco_teaching_hours_per_week": ("12", "20", "0", "15", "22.5")[i % 5],
        "senco_on_slt": ("Yes", "No", "yes", "Y", "no")[i % 5],
        "senco_qualified_teacher": "Yes",
        "senco_qualification": ("NASENCO held", "in progress", "NPQ for SENCOs held", "not started")[i % 4],
        "senco_appointed_date": ("01/09/2021", "04/01/2023", "01/09/2019", "02/09/2024")[i % 4],
        "senco_other_roles": ("DSL; class teacher", "class teacher", "", "deputy head; DSL", "EAL co-ordinator")[i % 5],
        "senco_shared_schools": "1",
        "deputy_senco": ("No", "Yes", "No")[i % 3],
        "admin_support_hours_per_week": ("0", "2", "5", "0")[i % 4],
        "sen_information_report_published": "Yes",
        "sen_governor": ("Yes", "Yes", "No")[i % 3],
        "ofsted_inspection_date": ("14/03/2023", "30/11/2022", "05/07/2024", "21/06/2019")[i % 4],
        "ofsted_send_progress": ("good or better", "Good", "not judged", "less than good")[i % 4],
    }
    unknown = set(over) - set(base)
    assert not unknown, unknown
    base.update(over)
    return base


# ----------------------------------------------------------------- writers

def csv_bytes(header: list[str], rows: list[list[object]], *, delimiter: str = ",",
              encoding: str = "utf-8", bom: bool = False, newline: str = "\r\n") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def table(rows: list[dict], columns: list[str] = NAMES) -> list[list[object]]:
    return [[r.get(c, "") for c in columns] for r in rows]


def fixed_xlsx(wb) -> bytes:
    """An openpyxl workbook as repeatable .xlsx bytes, zip entries ordered as Excel writes them."""

    wb.properties.creator = "SENCO, North Lincolnshire school"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        items = sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml",
                                                      i.filename != "_rels/.rels"))
        for item in items:
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def put(ws, r: int, c: int, value: object) -> None:
    """Write a cell; text beginning '=' stays text (openpyxl would make it a formula)."""
    cell = ws.cell(row=r, column=c, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "DD/MM/YYYY"


def typed(r: dict[str, object]) -> list[object]:
    """A row as Excel holds it when typed into cells: numbers, real dates, text."""
    out: list[object] = []
    for c in COLUMNS:
        v = r.get(c.name, "")
        if isinstance(v, str) and v and c.kind in ("urn", "count") and v.isdigit():
            v = int(v)
        elif isinstance(v, str) and v and c.kind == "hours":
            try:
                v = float(v) if "." in v else int(v)
            except ValueError:
                pass
        elif isinstance(v, str) and c.kind == "date" and len(v) == 10 and v[2] == "/":
            v = dt.date(int(v[6:]), int(v[3:5]), int(v[:2]))
        out.append(None if v == "" else v)
    return out


# ----------------------------------------------------------------- the corpus

CORPUS: dict[str, dict] = {}


def add(name: str, description: str, data: bytes | None, **expected: object) -> None:
    """Record one file: its bytes (None: a committed binary fixture) and its expected outcome."""
    assert name not in CORPUS, name
    exp = {"description": description, **expected}
    status = exp["status"]
    if status == "failed":
        assert exp.get("message"), name
        exp.setdefault("rows_read", 0)
        exp.setdefault("accepted", 0)
        exp.setdefault("rejected", 0)
    else:
        assert exp["rows_read"] == exp["accepted"] + exp["rejected"], name
        assert len(exp.get("rejects", [])) == exp["rejected"], name
    CORPUS[name] = {"data": data, "expected": exp}


def rej(row_number: int, reason: str) -> dict:
    return {"row": row_number, "reason": reason}


def build() -> None:  # noqa: C901  (one long list of files, read top to bottom)
    s = SCHOOLS

    # 01 ------------------------------------------------------------- a clean baseline
    rows = [row(0, senco_hours_per_week="1.5 days", academic_year="2025-26"),
            row(1, academic_year="2025/2026", senco_other_roles="DSL, EAL"),
            row(2, phase="Infant", senco_on_slt="Y"),
            row(3, senco_appointed_date="2021-09-01"),
            row(4), row(5)]
    add("01_clean_snake_case_utf8.csv",
        "UTF-8 CSV with the snake_case headers; every row fine once normalised",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=6, accepted=6, rejected=0,
        values=[{"row": 2, "urn": int(s[0][0]), "senco_hours_per_week": 9.75, "academic_year": "2025/26"},
                {"row": 3, "academic_year": "2025/26", "senco_other_roles": "DSL; EAL co-ordinator"},
                {"row": 4, "phase": "primary", "senco_on_slt": True},
                {"row": 5, "senco_appointed_date": "2021-09-01"}],
        notes=[{"row": 2, "contains": "converted '1.5 days' at 6.5 hours a day"}])

    # 02 ------------------------------------------------------------- template labels, BOM
    labels = [lab + (" *" if c.required else "") for lab, c in zip(LABELS, COLUMNS)]
    rows = [row(28, school_name="Barton St Peter’s CofE Primary School"), row(7), row(8),
            row(9, senco_qualification="NPQ"), row(10)]
    add("02_template_labels_utf8_bom.csv",
        "Excel 'CSV UTF-8': byte-order mark, the template's friendly labels with ' *' on required ones",
        csv_bytes(labels, table(rows), bom=True),
        status="loaded", rows_read=5, accepted=5, rejected=0,
        values=[{"row": 2, "urn": int(s[28][0]), "school_name": "Barton St Peter’s CofE Primary School"},
                {"row": 5, "senco_qualification": "NPQ for SENCOs held"}])

    # 03 ------------------------------------------------------------- Windows-1252
    rows = [row(61, school_name="St Bernadette’s Catholic Primary Voluntary Academy"),
            row(60, school_name="St Mary’s Catholic Primary Voluntary Academy – Café Nursery",
                academic_year="2025–26"),
            row(13, senco_other_roles="DSL; Protégé mentor"), row(14)]
    add("03_windows_1252.csv",
        "Plain Excel 'CSV (Comma delimited)' on Windows: cp1252 curly apostrophes, en dash, é",
        csv_bytes(NAMES, table(rows), encoding="cp1252"),
        status="loaded", rows_read=4, accepted=4, rejected=0,
        values=[{"row": 2, "school_name": "St Bernadette’s Catholic Primary Voluntary Academy"},
                {"row": 3, "school_name": "St Mary’s Catholic Primary Voluntary Academy – Café Nursery",
                 "academic_year": "2025/26"},
                {"row": 4, "senco_other_roles": "DSL; Protégé mentor"}])

    # 04 ------------------------------------------------------------- UTF-16 'Unicode text'
    rows = [row(78, school_name='The "Grange" Primary School', senco_hours_per_week="2 days"),
            row(64, school_name="Hibaldstow Academy – Ré-opened site"),
            row(17, senco_on_slt="TRUE", deputy_senco="FALSE"), row(18)]
    text = csv_bytes(LABELS, table(rows), delimiter="\t").decode("utf-8")
    add("04_excel_unicode_text.txt",
        "Excel 'Unicode Text (*.txt)': UTF-16LE with BOM, tab-delimited, CRLF, friendly labels",
        "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
        status="loaded", rows_read=4, accepted=4, rejected=0,
        values=[{"row": 2, "school_name": 'The "Grange" Primary School', "senco_hours_per_week": 13.0},
                {"row": 3, "school_name": "Hibaldstow Academy – Ré-opened site"},
                {"row": 4, "senco_on_slt": True, "deputy_senco": False}],
        notes=[{"row": 2, "contains": "converted '2 days'"}])

    # 05 ------------------------------------------------------------- European-locale Excel
    rows = [row(19, senco_hours_per_week="7,5", admin_support_hours_per_week="2,5",
                senco_appointed_date="01.09.2021"),
            row(20, senco_hours_per_week="1,5 days", ofsted_inspection_date="14.03.2023"),
            row(21, number_on_roll="1.020"),
            row(22), row(24, school_name="Crosby Primary School; Scunthorpe")]
    add("05_semicolon_european_excel.csv",
        "Excel in a European locale: ';' delimiter, decimal commas, dd.mm.yyyy dates, cp1252; "
        "a '1.020' roll (thousands dot) is not taken as 1020 or 1.02",
        csv_bytes(NAMES, table(rows), delimiter=";", encoding="cp1252"),
        status="loaded", rows_read=5, accepted=4, rejected=1,
        rejects=[rej(4, "Number on roll: '1.020' is not a whole number")],
        values=[{"row": 2, "senco_hours_per_week": 7.5, "admin_support_hours_per_week": 2.5,
                 "senco_appointed_date": "2021-09-01"},
                {"row": 3, "senco_hours_per_week": 9.75, "ofsted_inspection_date": "2023-03-14"},
                {"row": 6, "school_name": "Crosby Primary School; Scunthorpe"}])

    # 06 ------------------------------------------------------------- header on line 5
    body = csv_bytes(NAMES, table([row(24), row(25), row(26, urn=""), row(27)])).decode()
    pre = ("North Lincolnshire Council - SENCO return 2025/26" + "," * 20 + "\r\n"
           "Please complete one row per school and return to the SEND team by 31 October" + "," * 20 + "\r\n"
           "Completed by: Mrs J. Smith (SENCO)" + "," * 20 + "\r\n"
           + "," * 20 + "\r\n")
    add("06_header_on_line_5.csv",
        "Title, instructions and a blank row above the header (header on line 5); row numbers as in Excel",
        (pre + body).encode(),
        status="loaded", rows_read=4, accepted=3, rejected=1,
        rejects=[rej(8, "URN is missing")],
        values=[{"row": 6, "urn": int(s[24][0])}, {"row": 9, "urn": int(s[27][0])}])

    # 07 ------------------------------------------------------------- merged header cells
    wb = Workbook()
    ws = wb.active
    ws.title = "SENCO return 2025-26"
    put(ws, 1, 1, "SENCO return 2025/26 – North Lincolnshire maintained schools and academies")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=21)
    for text_, c1, c2 in (("School", 1, 4), ("Pupils", 5, 7), ("SENCO time", 8, 9),
                          ("The SENCO", 10, 15), ("Support", 16, 17), ("Statutory", 18, 19),
                          ("Inspection", 20, 21)):
        put(ws, 2, c1, text_)
        ws.merge_cells(start_row=2, start_column=c1, end_row=2, end_column=c2)
    for j, lab in enumerate(LABELS, start=1):
        put(ws, 3, j, lab)
    put(ws, 3, 22, "Notes")
    ws.merge_cells(start_row=3, start_column=22, end_row=3, end_column=23)
    xrows = [row(28), row(29, senco_hours_per_week="1.5 days"), row(30), row(31), row(32)]
    for i, r in enumerate(xrows, start=4):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    put(ws, 5, 22, "SENCO also covers the infant school")
    add("07_merged_header_cells.xlsx",
        "Hand-made workbook: merged title row, merged group headings above the labels, "
        "a merged 'Notes' header; numbers and real date cells",
        fixed_xlsx(wb),
        status="loaded", rows_read=5, accepted=5, rejected=0, ignored_headers=["Notes"],
        values=[{"row": 4, "urn": int(s[28][0]), "senco_appointed_date": "2021-09-01",
                 "number_on_roll": int(row(28)["number_on_roll"])},
                {"row": 5, "senco_hours_per_week": 9.75}])

    # 08 ------------------------------------------------------------- merged data cells
    wb = Workbook()
    ws = wb.active
    ws.title = "Returns"
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    for i, r in enumerate([row(33), row(34), row(35), row(36)], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    ws.merge_cells(start_row=2, start_column=3, end_row=5, end_column=3)   # one '2025/26' for all
    add("08_merged_year_cells.xlsx",
        "A multi-academy trust's workbook with the academic year typed once in a vertically "
        "merged cell: the merged value belongs to every row of the merge, as the school sees it",
        fixed_xlsx(wb),
        status="loaded", rows_read=4, accepted=4, rejected=0,
        values=[{"row": 2, "academic_year": "2025/26"}, {"row": 5, "academic_year": "2025/26"}])

    # 09 ------------------------------------------------------------- extra columns
    header = NAMES[:2] + ["headteacher", "senco_name"] + NAMES[2:] + ["senco_email", "Comments", "urn"]
    rows = []
    for i, (ht, sn) in zip(range(37, 41), [("Mr P Jones", "Mrs A Patel"), ("Mrs K Hall", "Miss L Wood"),
                                           ("Dr S Khan", "Mr T Green"), ("Ms R Bell", "Mrs J Smith")]):
        r = row(i)
        rows.append([r["urn"], r["school_name"], ht, sn] + [r[c] for c in NAMES[2:]]
                    + [sn.split()[-1].lower() + "@example.sch.uk", "", "999999"])
    add("09_extra_columns.csv",
        "Extra columns (head, SENCO name and email, comments, a second 'urn'): ignored and listed",
        csv_bytes(header, rows),
        status="loaded", rows_read=4, accepted=4, rejected=0,
        ignored_headers=["headteacher", "senco_name", "senco_email", "Comments", "urn"],
        values=[{"row": 2, "urn": int(s[37][0])}])

    # 10 ------------------------------------------------------------- only some columns
    header = ["urn", "School Name", "ACADEMIC YEAR", "Senco Hours Per Week", "senco on slt",
              "Number On Roll"]
    rows = [[school(i)[0], school(i)[1], "2025/26", h, slt, roll]
            for i, h, slt, roll in ((41, "6", "yes", "210"), (42, "6 hrs", "no", "96"),
                                    (43, "1 day", "Yes", "325"), (44, "10", "No", "1020"))]
    add("10_some_columns_any_case.csv",
        "Only the required columns and a few others, headers in any case and spacing",
        csv_bytes(header, rows),
        status="loaded", rows_read=4, accepted=4, rejected=0,
        values=[{"row": 3, "senco_hours_per_week": 6.0, "senco_on_slt": False, "phase": None,
                 "ehcp_pupils": None},
                {"row": 4, "senco_hours_per_week": 6.5}])

    # 11 ------------------------------------------------------------- missing required column
    cols = [c for c in NAMES if c != "academic_year"]
    add("11_missing_required_column.csv",
        "No academic year column at all: the whole file is refused, naming the column",
        csv_bytes(cols, table([row(45), row(46)], cols)),
        status="failed", message="required column(s) missing from the header on row 1: Academic year")

    # 12 ------------------------------------------------------------- blank rows, empty columns
    lines = [",".join(NAMES) + ",,,,"]
    for r in (row(47), row(48), None, row(49), row(50), None, None, row(51), None):
        if r is None:
            lines.append("," * 24)
        else:
            lines.append(",".join(f'"{v}"' if "," in str(v) else str(v) for v in table([r])[0]) + ",,,,")
    add("12_blank_rows_trailing_empty_columns.csv",
        "Blank rows between and after the data, four trailing empty columns on every line",
        ("\r\n".join(lines) + "\r\n\r\n").encode(),
        status="loaded", rows_read=5, accepted=5, rejected=0, ignored_headers=[],
        values=[{"row": 2, "urn": int(s[47][0])}, {"row": 9, "urn": int(s[51][0])}])

    # 13 ------------------------------------------------------------- duplicated schools
    rows = [row(52),                                   # 2: duplicate of 5 once the year is normalised
            row(53),                                   # 3
            row(53, academic_year="2024/25"),          # 4: same school, another year: fine
            row(52, academic_year="2025-26"),          # 5
            row(54), row(54),                          # 6, 7: pasted twice
            row(55, urn=" " + school(55)[0]),          # 8: duplicate of 9 once spaces go
            row(55)]                                   # 9
    dup = "appears 2 times for 2025/26"
    add("13_duplicated_schools.csv",
        "The same school twice for a year (exact copy, '2025-26' vs '2025/26', ' 117...' vs '117...'); "
        "the same school for two years is fine",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=8, accepted=2, rejected=6,
        rejects=[rej(2, dup), rej(5, dup), rej(6, dup), rej(7, dup), rej(8, dup), rej(9, dup)],
        values=[{"row": 3, "academic_year": "2025/26"}, {"row": 4, "academic_year": "2024/25"}])

    # 14 ------------------------------------------------------------- numbers with text
    rows = [row(56, senco_hours_per_week="approx 4"),                         # 2
            row(57, senco_hours_per_week="about 6 hrs", admin_support_hours_per_week="none"),  # 3
            row(58, number_on_roll="c. 200"),                                 # 4
            row(59, number_on_roll="210 pupils"),                             # 5
            row(60, number_on_roll="1,234", sen_support_pupils="150"),        # 6
            row(61, sen_support_pupils="12 (inc. 2 awaiting EHCP)"),          # 7
            row(62, senco_teaching_hours_per_week="22.5hrs",
                admin_support_hours_per_week="2 hours a week"),               # 8
            row(63, senco_hours_per_week="6-8"),                              # 9
            row(64, senco_hours_per_week="as needed"),                        # 10
            row(65, ehcp_pupils="three")]                                     # 11
    add("14_numbers_with_text.csv",
        "Numbers typed with words: 'approx 4', 'about 6 hrs', '1,234' are read; 'c. 200', "
        "'210 pupils', ranges and words are rejected with the cell quoted",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=10, accepted=4, rejected=6,
        rejects=[rej(4, "Number on roll: 'c. 200' is not a whole number"),
                 rej(5, "Number on roll: '210 pupils' is not a whole number"),
                 rej(7, "Pupils at SEN Support: '12 (inc. 2 awaiting EHCP)' is not a whole number"),
                 rej(9, "SENCO hours per week: '6-8' is not a number of hours a week"),
                 rej(10, "SENCO hours per week: 'as needed' is not a number of hours a week"),
                 rej(11, "Pupils with an EHC plan: 'three' is not a whole number")],
        values=[{"row": 2, "senco_hours_per_week": 4.0},
                {"row": 3, "senco_hours_per_week": 6.0, "admin_support_hours_per_week": 0.0},
                {"row": 6, "number_on_roll": 1234},
                {"row": 8, "senco_teaching_hours_per_week": 22.5, "admin_support_hours_per_week": 2.0}],
        notes=[{"row": 2, "contains": "approximate value 'approx 4' taken as 4"}])

    # 15 ------------------------------------------------------------- percentages for hours
    rows = [row(66, senco_hours_per_week="20%"),                 # 2
            row(67, senco_hours_per_week="0.2 FTE"),             # 3
            row(68, senco_hours_per_week="50 percent"),          # 4
            row(69, senco_hours_per_week="1.5 days"),            # 5
            row(70, senco_hours_per_week="half a day"),          # 6
            row(71, senco_hours_per_week="2 days per week"),     # 7
            row(72, senco_hours_per_week="10% of timetable"),    # 8
            row(73, senco_hours_per_week="1 day a week"),        # 9
            row(74, senco_hours_per_week="3 days a term")]       # 10
    share = "is a share of time, not hours a week"
    add("15_percentages_for_hours.csv",
        "Time given as a share (20%, 0.2 FTE) is rejected asking for hours; days are converted",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=9, accepted=4, rejected=5,
        rejects=[rej(2, share), rej(3, share), rej(4, share), rej(8, share),
                 rej(10, "'3 days a term' is not a number of hours a week")],
        values=[{"row": 5, "senco_hours_per_week": 9.75}, {"row": 6, "senco_hours_per_week": 3.25},
                {"row": 7, "senco_hours_per_week": 13.0}, {"row": 9, "senco_hours_per_week": 6.5}],
        notes=[{"row": 5, "contains": "converted '1.5 days'"}])

    # 16 ------------------------------------------------------------- dates
    forms = [("01/09/2021", "2021-09-01"), ("1/9/21", "2021-09-01"), ("2021-09-01", "2021-09-01"),
             ("1 September 2021", "2021-09-01"), ("1st Sept 2021", "2021-09-01"),
             ("01.09.2021", "2021-09-01"), ("01-09-2021", "2021-09-01"), ("44440", "2021-09-01"),
             ("2021-09-01 00:00:00", "2021-09-01"), ("01/09/2021 00:00", "2021-09-01"),
             ("01-Sep-21", "2021-09-01"), ("1-Sep-2021", "2021-09-01"), ("1 Sep 21", "2021-09-01"),
             ("Sept 2021", None), ("09/13/2021", None), ("31/02/2022", None), ("01/09/2099", None),
             ("1/9/1975", None), ("the start of term", None)]
    rows = [row(75 + k, senco_appointed_date=raw) for k, (raw, _) in enumerate(forms)]
    rows += [row(94, ofsted_inspection_date="14/03/23"),
             row(95, ofsted_inspection_date="2023-03-14T00:00:00"),
             row(96, ofsted_inspection_date="N/A"),
             row(97, ofsted_inspection_date="not inspected yet")]
    unreadable = "is not a date we can read (write DD/MM/YYYY"
    date_rejects = {"Sept 2021": unreadable, "09/13/2021": unreadable, "31/02/2022": unreadable,
                    "01/09/2099": "date 01/09/2099 is in the future",
                    "1/9/1975": "date 01/09/1975 is too early to be right",
                    "the start of term": unreadable}
    rejects = [rej(2 + k, "Date SENCO appointed: " + ("'" + raw + "' " if date_rejects[raw] == unreadable else "")
                   + date_rejects[raw]) for k, (raw, iso) in enumerate(forms) if iso is None]
    rejects.append(rej(2 + len(forms) + 3, "Latest Ofsted inspection date: 'not inspected yet' " + unreadable))
    values = [{"row": 2 + k, "senco_appointed_date": iso} for k, (raw, iso) in enumerate(forms) if iso]
    n = len(forms)
    values += [{"row": 2 + n, "ofsted_inspection_date": "2023-03-14"},
               {"row": 3 + n, "ofsted_inspection_date": "2023-03-14"},
               {"row": 4 + n, "ofsted_inspection_date": None}]
    add("16_dates_every_form.csv",
        "Dates as people and spreadsheets write them (UK day-first, ISO, words, Excel serials, "
        "Excel's dd-mmm-yy); month-first, impossible, future and too-old dates are rejected",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=len(rows), accepted=len(rows) - len(rejects), rejected=len(rejects),
        rejects=rejects, values=values)

    # 17 ------------------------------------------------------------- impossible values
    rows = [row(98, sen_support_pupils="-3"),                                             # 2
            row(99, number_on_roll="200", sen_support_pupils="180", ehcp_pupils="40"),    # 3
            row(100, senco_hours_per_week="80"),                                          # 4
            row(101, senco_teaching_hours_per_week="45"),                                 # 5
            row(102, senco_shared_schools="0"),                                           # 6
            row(103, academic_year="2025/27"),                                            # 7
            row(104, urn="11772"),                                                        # 8
            row(105, urn=""),                                                             # 9
            row(106, school_name=""),                                                     # 10
            row(107, senco_hours_per_week="30", senco_teaching_hours_per_week="38"),      # 11
            row(108, ofsted_inspection_date="01/01/1900"),                                # 12
            row(109, number_on_roll="210.5"),                                             # 13
            row(110, ehcp_pupils="-1", sen_support_pupils="n/a"),                         # 14
            row(111)]                                                                     # 15
    add("17_impossible_values.csv",
        "Values that cannot be right: negative counts, SEND above roll, 80 hours, a 5-digit URN, ...",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=14, accepted=1, rejected=13,
        rejects=[rej(2, "Pupils at SEN Support: -3 is below the minimum of 0"),
                 rej(3, "are more than the number on roll (200)"),
                 rej(4, "SENCO hours per week: 80 hours a week is more than 60"),
                 rej(5, "SENCO teaching hours per week: 45 hours a week is more than 40"),
                 rej(6, "Schools this SENCO covers: 0 is below the minimum of 1"),
                 rej(7, "should be two consecutive years, like 2025/26"),
                 rej(8, "URN '11772' is not a 6-digit DfE URN"),
                 rej(9, "URN is missing"),
                 rej(10, "School name is missing"),
                 rej(11, "is more than 65 hours a week"),
                 rej(12, "date 01/01/1900 is too early to be right"),
                 rej(13, "Number on roll: '210.5' is not a whole number"),
                 rej(14, "Pupils with an EHC plan: -1 is below the minimum of 0")],
        values=[{"row": 15, "urn": int(school(111)[0])}])

    # 18 ------------------------------------------------------------- formulas and HTML
    evil = [(3, '=HYPERLINK("http://example.com/x","Brigg Primary School")'),
            (29, "+SUM(1+1)*cmd|' /C calc'!A0"),
            (24, "@SUM(A1:A2) Crosby Primary School"),
            (20, "<script>alert('x')</script>Berkeley Primary School"),
            (23, "<b>Bowmandale</b> Primary School"),
            (25, "-2+3 Castledyke Primary School"),
            (50, "Oakfield Primary School &amp; Nursery")]
    rows = [row(i, school_name=name) for i, name in evil]
    rows[1]["senco_other_roles"] = "<img src=x onerror=alert(1)>; DSL"
    add("18_formula_and_html_in_names.csv",
        "Spreadsheet formulas and HTML typed into names: loaded, and stored as the literal text",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=7, accepted=7, rejected=0,
        values=[{"row": 2 + k, "school_name": name} for k, (_, name) in enumerate(evil)]
        + [{"row": 3, "senco_other_roles": "<img src=x onerror=alert(1)>; DSL"}])

    # 19 ------------------------------------------------------------- legacy .xls
    xls_rows = [row(119, senco_on_slt="Yes", senco_appointed_date="01/09/2021"), row(120, senco_hours_per_week="1.5 days"), row(121, ehcp_pupils="-2"), row(122)]
    add("19_legacy_excel_97.xls",
        "Excel 97-2003 workbook (BIFF8, made with xlwt): a title row, typed numbers, real dates, "
        "TRUE/FALSE cells; one row with a negative count",
        None, make=lambda: make_xls(xls_rows),
        status="loaded", rows_read=4, accepted=3, rejected=1,
        rejects=[rej(5, "Pupils with an EHC plan: -2 is below the minimum of 0")],
        values=[{"row": 3, "urn": int(school(119)[0]), "school_name": school(119)[1],
                 "senco_appointed_date": "2021-09-01", "senco_on_slt": True},
                {"row": 4, "senco_hours_per_week": 9.75}])

    # 20 ------------------------------------------------------------- password-protected
    add("20_password_protected.xlsx",
        f"A return workbook saved with a password ('{PASSWORD}', Agile encryption via msoffcrypto-tool)",
        None, make=lambda: make_encrypted([row(123), row(124)]),
        status="failed", message="password-protected")

    # 21 ------------------------------------------------------------- corrupt
    wb = Workbook()
    ws = wb.active
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    for i in range(2, 60):
        for j, v in enumerate(typed(row(i)), start=1):
            put(ws, i, j, v)
    good = fixed_xlsx(wb)
    add("21_corrupt_truncated.xlsx",
        "An .xlsx cut short (a half-downloaded attachment): the first half of a real workbook",
        good[: len(good) // 2],
        status="failed", message="the workbook could not be opened")

    # 22 ------------------------------------------------------------- zip, not xlsx
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        for fname, payload in (("senco_return.csv", csv_bytes(NAMES, table([row(125)]))),
                               ("covering_letter.txt", b"Please find our return attached.\r\n")):
            info = zipfile.ZipInfo(fname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, payload)
    add("22_zip_named_xlsx.xlsx",
        "A .zip of the CSV and a letter, renamed .xlsx",
        zbuf.getvalue(),
        status="failed", message="zip archive, not an Excel workbook")

    # 23, 24 ------------------------------------------------------- empty
    add("23_empty.csv", "A file of no bytes at all", b"",
        status="failed", message="the file is empty")
    add("24_blank_lines_only.csv", "Only blank lines and spaces", b"\r\n\r\n   \r\n\t\r\n",
        status="failed", message="the file is empty")
    add("25_only_commas.csv", "An empty sheet saved as CSV: commas and nothing else",
        ((","* 20 + "\r\n") * 12).encode(),
        status="failed", message="no header row with the return's columns was found")

    # 26 ------------------------------------------------------------- binary named .csv
    rnd = random.Random(813)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x02\x00\x00\x00"
           + bytes(rnd.randrange(256) for _ in range(3000)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    add("26_screenshot_png_named.csv",
        "A screenshot of the spreadsheet (PNG bytes) sent with a .csv name",
        png, status="failed", message="looks binary")

    # 27 ------------------------------------------------------------- header only
    add("27_header_only.csv", "The header row and nothing else (the blank template as CSV)",
        csv_bytes(NAMES, []) + b",,,,,,,,,,,,,,,,,,,,\r\n",
        status="failed", message="the file has a header row but no rows of data")

    # 28 ------------------------------------------------------------- not a return
    pupils = [["A123456789012", "Ava", "Smith", "Year 3", "K"],
              ["B123456789013", "Leo", "Brown", "Year 5", "E"]]
    add("28_not_a_return_pupil_list.csv",
        "The wrong file: a SEN pupil list (UPN, names, year group, SEN status)",
        csv_bytes(["UPN", "Forename", "Surname", "Year group", "SEN status"], pupils),
        status="failed", message="no header row with the return's columns was found")

    # 29 ------------------------------------------------------------- one-school form
    wb = Workbook()
    ws = wb.active
    ws.title = "Instructions"
    put(ws, 1, 1, "Fill in the 'SENCO return' sheet and email it to the SEND team.")
    ws = wb.create_sheet("SENCO return")
    put(ws, 1, 1, "SENCO return")
    put(ws, 2, 1, "Field")
    put(ws, 2, 2, "Your answer")
    put(ws, 2, 3, "Guidance")
    form = typed(row(126, senco_hours_per_week="2 days", senco_other_roles="DSL, Head"))
    order = [c for c in COLUMNS if c.kind in ("urn", "year")] + [c for c in COLUMNS if c.kind not in ("urn", "year")]
    for k, c in enumerate(order, start=3):
        put(ws, k, 1, c.label + (" *" if c.required else ""))
        put(ws, k, 2, form[COLUMNS.index(c)])
        put(ws, k, 3, c.description)
    add("29_one_school_form.xlsx",
        "The one-school form layout (label in column A, answer in B) on a 'SENCO return' sheet, "
        "after an instructions sheet",
        fixed_xlsx(wb),
        status="loaded", rows_read=1, accepted=1, rejected=0,
        values=[{"row": 3, "urn": int(school(126)[0]), "senco_hours_per_week": 13.0,
                 "senco_other_roles": "DSL; headteacher"}])

    # 30 ------------------------------------------------------------- table on a later sheet
    wb = Workbook()
    ws = wb.active
    ws.title = "Read me"
    put(ws, 1, 1, "One row per school. Use the school's 6-digit URN.")
    put(ws, 2, 1, "Contact: send.team@example.gov.uk")
    ws = wb.create_sheet("Lists")
    for k, p in enumerate(("Primary", "Secondary", "Special"), start=1):
        put(ws, k, 1, p)
    ws = wb.create_sheet("Trust return")
    for j, lab in enumerate(LABELS, start=1):
        put(ws, 1, j, lab)
    for i, r in enumerate([row(127), row(128), row(129, phase="Secondary")], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    add("30_table_on_third_sheet.xlsx",
        "A trust's workbook: a read-me sheet, a lists sheet, then the table",
        fixed_xlsx(wb),
        status="loaded", rows_read=3, accepted=3, rejected=0,
        values=[{"row": 4, "phase": "secondary"}])

    # 31 ------------------------------------------------------------- workbook without a return
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    for k, (a, b) in enumerate((("Item", "Cost"), ("Laptops", 3200), ("Training", 850)), start=1):
        put(ws, k, 1, a)
        put(ws, k, 2, b)
    wb.create_sheet("Sheet2")
    add("31_workbook_without_a_return.xlsx",
        "The wrong workbook: a budget sheet and an empty sheet",
        fixed_xlsx(wb),
        status="failed", message="no sheet holds a SENCO return")

    # 32 ------------------------------------------------------------- yes/no and choices
    rows = [row(130, senco_on_slt="TRUE", deputy_senco="x", sen_governor="1"),           # 2
            row(131, senco_on_slt="n", deputy_senco="FALSE", sen_governor="0"),          # 3
            row(132, senco_on_slt="✓", sen_information_report_published="yes."),        # 4
            row(133, senco_on_slt="Yes - 2 days"),                                       # 5
            row(134, senco_qualified_teacher="sometimes"),                               # 6
            row(135, senco_qualification="NPQ", ofsted_send_progress="Outstanding"),     # 7
            row(136, senco_qualification="working towards"),                             # 8
            row(137, phase="Secondary Academy"),                                         # 9
            row(138, phase="Infants", sen_governor="N/A", ofsted_send_progress="RI"),    # 10
            row(139, ofsted_send_progress="Requires Improvement")]                       # 11
    add("32_yes_no_and_choices.csv",
        "Yes/no typed every way (TRUE, x, 1, ✓, n, 0) and choices with synonyms; "
        "answers that are neither are rejected listing the allowed values",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=10, accepted=6, rejected=4,
        rejects=[rej(5, "SENCO on senior leadership team: 'Yes - 2 days' should be yes or no"),
                 rej(6, "SENCO is a qualified teacher: 'sometimes' should be yes or no"),
                 rej(8, "SENCO qualification: 'working towards' is not one of: NASENCO held"),
                 rej(9, "Phase: 'Secondary Academy' is not one of: nursery, primary")],
        values=[{"row": 2, "senco_on_slt": True, "deputy_senco": True, "sen_governor": True},
                {"row": 3, "senco_on_slt": False, "deputy_senco": False, "sen_governor": False},
                {"row": 4, "senco_on_slt": True, "sen_information_report_published": True},
                {"row": 7, "senco_qualification": "NPQ for SENCOs held", "ofsted_send_progress": "good or better"},
                {"row": 10, "phase": "primary", "sen_governor": None, "ofsted_send_progress": "less than good"},
                {"row": 11, "ofsted_send_progress": "less than good"}])

    # 33 ------------------------------------------------------------- line breaks in cells
    rows = [row(140, senco_other_roles="DSL\nclass teacher"),       # lines 2-3
            row(70, school_name="Winterton Community Academy\n(formerly Winterton Comprehensive)",
                senco_other_roles="EAL co-ordinator\nassistant head\nDSL"),   # lines 4-7
            row(142, urn="")]                                       # line 8
    add("33_line_breaks_in_cells.csv",
        "Alt+Enter line breaks inside quoted cells: a row's number is the line it starts on",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=3, accepted=2, rejected=1,
        rejects=[rej(8, "URN is missing")],
        values=[{"row": 2, "senco_other_roles": "DSL; class teacher"},
                {"row": 4, "school_name": "Winterton Community Academy (formerly Winterton Comprehensive)",
                 "senco_other_roles": "EAL co-ordinator; assistant head; DSL"}])

    # 34 ------------------------------------------------------------- classic Mac line endings
    add("34_mac_cr_line_endings.csv",
        "Excel 'CSV (Macintosh)': cp1252 (not Mac Roman in modern Excel) with bare CR line endings",
        csv_bytes(NAMES, table([row(143), row(144, urn="12345"), row(145)]), newline="\r", encoding="cp1252"),
        status="loaded", rows_read=3, accepted=2, rejected=1,
        rejects=[rej(3, "URN '12345' is not a 6-digit DfE URN")],
        values=[{"row": 4, "urn": int(school(145)[0])}])

    # 35 ------------------------------------------------------------- tab-delimited ANSI text
    add("35_excel_tab_delimited.txt",
        "Excel 'Text (Tab delimited)': cp1252, tabs, friendly labels",
        csv_bytes(LABELS, table([row(44, school_name="St Hugh’s Special School", phase="Special"),
                                 row(147)]), delimiter="\t", encoding="cp1252"),
        status="loaded", rows_read=2, accepted=2, rejected=0,
        values=[{"row": 2, "school_name": "St Hugh’s Special School", "phase": "special"}])

    # 36 ------------------------------------------------------------- unclosed quote
    good_rows = csv_bytes(NAMES, table([row(148), row(149)])).decode()
    bad = row(150)
    line = ",".join(str(v) for v in table([bad])[0]).replace(bad["school_name"], '"' + bad["school_name"], 1)
    rest = csv_bytes(NAMES, table([row(151), row(152)])).decode().split("\r\n", 1)[1]
    add("36_unclosed_quote.csv",
        "A quote opened in a cell and never closed: the rest of the file would be one cell, "
        "so rows after it would vanish; the file is refused naming the line",
        (good_rows + line + "\r\n" + rest).encode(),
        status="failed", message="opened on line 4 is never closed")

    # 37 ------------------------------------------------------------- URN and year forms
    rows = [row(153, urn=school(153)[0] + ".0"),                       # 2
            row(154, urn=" " + school(154)[0] + " "),                  # 3
            row(155, urn="URN " + school(155)[0]),                     # 4
            row(156, urn=school(156)[0][:3] + " " + school(156)[0][3:]),  # 5
            row(157, academic_year="2025 to 2026"),                    # 6
            row(158, academic_year="202526"),                          # 7
            row(159, academic_year="25/26"),                           # 8
            row(160, academic_year="2025"),                            # 9
            row(161, academic_year="Sept 2025 - July 2026")]           # 10
    add("37_urn_and_year_forms.csv",
        "URNs with '.0' or spaces around are read; 'URN 1...' and '117 725' are not; "
        "academic years in the forms people write",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=9, accepted=4, rejected=5,
        rejects=[rej(4, "is not a 6-digit DfE URN"), rej(5, "is not a 6-digit DfE URN"),
                 rej(8, "academic year '25/26' should look like 2025/26"),
                 rej(9, "academic year '2025' should look like 2025/26"),
                 rej(10, "should look like 2025/26")],
        values=[{"row": 2, "urn": int(school(153)[0])}, {"row": 3, "urn": int(school(154)[0])},
                {"row": 6, "academic_year": "2025/26"}, {"row": 7, "academic_year": "2025/26"}])

    # 38 ------------------------------------------------------------- pasted from Word / web
    rows = [row(162, number_on_roll="210\u00a0", academic_year="2025\u2013 26"),
            row(82, urn=school(82)[0] + "\u200b", school_name="\u201cBrumby\u201d Outwood Junior Academy"),
            row(65, senco_hours_per_week="\u00a06.5\u00a0hrs", school_name="  Scawby   Academy  ")]
    add("38_pasted_from_word_and_web.csv",
        "Cells pasted from Word and web pages: non-breaking spaces, en dash, smart quotes, "
        "a zero-width space after a URN, runs of spaces",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=3, accepted=3, rejected=0,
        values=[{"row": 2, "number_on_roll": 210, "academic_year": "2025/26"},
                {"row": 3, "urn": int(school(82)[0]), "school_name": "\u201cBrumby\u201d Outwood Junior Academy"},
                {"row": 4, "senco_hours_per_week": 6.5, "school_name": "Scawby Academy"}])

    # 39 ------------------------------------------------------------- UTF-8 BOM + semicolons
    add("39_csv_utf8_semicolon_bom.csv",
        "Excel 'CSV UTF-8' in a European locale: BOM and ';'",
        csv_bytes(NAMES, table([row(76, senco_hours_per_week="9,75", school_name="Ulceby St Nicholas – Église twin"),
                                row(166)]), delimiter=";", bom=True),
        status="loaded", rows_read=2, accepted=2, rejected=0,
        values=[{"row": 2, "urn": int(school(76)[0]), "senco_hours_per_week": 9.75,
                 "school_name": "Ulceby St Nicholas – Église twin"}])

    # 40 ------------------------------------------------------------- repeated header, totals
    lines_ = csv_bytes(NAMES, table([row(167), row(168)])).decode()
    lines_ += csv_bytes(NAMES, table([row(169)])).decode()          # a second block, header again
    roll = sum(int(row(i)["number_on_roll"]) for i in (167, 168, 169))
    lines_ += "Total,,,," + str(roll) + "," + ",".join([""] * 16) + "\r\n"
    add("40_repeated_header_and_totals_row.csv",
        "Two pasted blocks (the header repeated mid-file) and a 'Total' row at the bottom: "
        "each is rejected as a row, with its own reason",
        lines_.encode(),
        status="loaded", rows_read=5, accepted=3, rejected=2,
        rejects=[rej(4, "URN 'urn' is not a 6-digit DfE URN"), rej(6, "URN 'Total' is not a 6-digit DfE URN")],
        values=[{"row": 5, "urn": int(school(169)[0])}])

    hostile(s)


def replace_in_parts(xlsx: bytes, old: str, new: str) -> bytes:
    """The workbook with `old` replaced by `new` in every XML part (for escapes openpyxl refuses to write)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)
    return out.getvalue()


def hostile(s) -> None:  # noqa: C901
    """Files from an adversarial pass over the readers (issue: no file can take the server down,
    and no row vanishes). Files too big to commit (a zip bomb, a 131,072-character cell, a
    100,000-column header, a 251-byte name, an unreadable file) are made by test_hostile.py."""

    # 41 ------------------------------------------------------------- one cell at XFD1048576
    wb = Workbook()
    ws = wb.active
    ws.title = "Returns"
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    for i, r in enumerate([row(170), row(171)], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    ws["XFD1048576"] = "end"
    add("41_one_cell_at_xfd1048576.xlsx",
        "A 5 KB workbook whose one stray cell sits at XFD1048576 (the last cell of a sheet): a reader "
        "that builds the whole grid needs 17 billion cells and aborts; refused before it is parsed",
        fixed_xlsx(wb),
        status="failed", message="the workbook is too big to be a return")

    # 42 ------------------------------------------------------------- a sheet per phase
    wb = Workbook()
    ws = wb.active
    ws.title = "Primary"
    for j, lab in enumerate(LABELS, start=1):
        put(ws, 1, j, lab)
    for i, r in enumerate([row(172), row(173), row(174)], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    ws = wb.create_sheet("Secondary")
    put(ws, 1, 1, "Secondary academies in the trust")
    for j, lab in enumerate(LABELS, start=1):
        put(ws, 4, j, lab)
    for i, r in enumerate([row(175, phase="Secondary"), row(176, phase="Secondary", ehcp_pupils="lots")], start=5):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    ws = wb.create_sheet("Notes")
    put(ws, 1, 1, "Figures as at the October census. Queries to the trust's SEND lead.")
    add("42_trust_sheet_per_phase.xlsx",
        "A trust's workbook with one sheet per phase and a notes sheet: both phase sheets load "
        "(the secondary schools are not lost), the notes sheet is named as not a return",
        fixed_xlsx(wb),
        status="loaded", rows_read=5, accepted=4, rejected=1,
        rejects=[rej(6, "Pupils with an EHC plan: 'lots' is not a whole number")],
        values=[{"row": 2, "urn": int(school(172)[0])}, {"row": 5, "urn": int(school(175)[0]), "phase": "secondary"}])

    # 43 ------------------------------------------------------------- sorted with its header
    rows = [row(177), row(178), row(179), row(180, urn="")]
    body = csv_bytes(NAMES, table(rows)).decode().split("\r\n")
    sorted_lines = body[1:4] + [body[0], body[4]]          # Excel sorts text after numbers, blanks last
    add("43_sorted_with_its_header.csv",
        "A sheet sorted by URN with its header row in the sort: the header lands below the data, "
        "and the rows above it are read, not dropped",
        ("\r\n".join(sorted_lines) + "\r\n").encode(),
        status="loaded", rows_read=4, accepted=3, rejected=1,
        rejects=[rej(5, "URN is missing")],
        values=[{"row": 1, "urn": int(school(177)[0])}, {"row": 3, "urn": int(school(179)[0])}])

    # 44 ------------------------------------------------------------- header far down
    rows = [row(181 + k) for k in range(40)]
    body = csv_bytes(NAMES, table(rows)).decode().split("\r\n")
    add("44_sorted_header_on_line_41.csv",
        "Forty sorted rows, then the header on line 41 (past the first 30 lines where a header is "
        "usually looked for): every row is read",
        ("\r\n".join(body[1:41] + [body[0]]) + "\r\n").encode(),
        status="loaded", rows_read=40, accepted=40, rejected=0,
        values=[{"row": 1, "urn": int(school(181)[0])}, {"row": 40, "urn": int(school(220)[0])}])

    # 45, 46 --------------------------------------------------------- damaged UTF-16
    text = csv_bytes(LABELS, table([row(221), row(222)]), delimiter="\t").decode("utf-8")
    utf16 = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    add("45_utf16_odd_byte_count.txt",
        "Excel 'Unicode text' cut one byte short (an odd byte count): refused with a reason, the "
        "rest of the batch loads",
        utf16[:-1],
        status="failed", message="has an odd number of bytes")
    half = len(utf16) // 2 & ~1
    add("46_utf16_lone_surrogate.txt",
        "Excel 'Unicode text' with half a surrogate pair in a school name: refused with a reason",
        utf16[:half] + b"\x00\xd8" + utf16[half:],
        status="failed", message="is damaged at byte")

    # 47 ------------------------------------------------------------- a year far ahead
    rows = [row(223), row(224, academic_year="2062/63"), row(225, academic_year="2062-63")]
    add("47_year_far_in_the_future.csv",
        "Academic year 2062/63 typed for 2026/27: more than a year ahead of the current year, so "
        "rejected rather than becoming every user's default year",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=3, accepted=1, rejected=2,
        rejects=[rej(3, "is more than a year ahead of the current one"),
                 rej(4, "academic year 2062/63 is more than a year ahead")])

    # 48 ------------------------------------------------------------- formats where hours are due
    wb = Workbook()
    ws = wb.active
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    hours_col = NAMES.index("senco_hours_per_week") + 1
    for i, r in enumerate([row(226), row(227), row(228), row(229)], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    ws.cell(row=3, column=hours_col, value=0.2).number_format = "0%"
    ws.cell(row=4, column=hours_col, value=6).number_format = '"£"#,##0.00'
    ws.cell(row=5, column=hours_col, value=7.5).number_format = "DD/MM/YYYY"
    add("48_percent_money_date_for_hours.xlsx",
        "Hours typed as '20%' (0.2 with a percent format), as £6.00 (currency format) and in a "
        "date-formatted cell: the number formats calamine drops are read from the sheet, so none "
        "loads as hours",
        fixed_xlsx(wb),
        status="loaded", rows_read=4, accepted=1, rejected=3,
        rejects=[rej(3, "SENCO hours per week: '20%' is a share of time, not hours a week"),
                 rej(4, "SENCO hours per week: '£6' is not a number of hours a week"),
                 rej(5, "SENCO hours per week: ")],
        values=[{"row": 2, "senco_hours_per_week": float(row(226)["senco_hours_per_week"])}])

    # 49 ------------------------------------------------------------- URNs out of range
    rows = [row(230), row(231, urn="000000"), row(232, urn="012345"), row(233, urn="1234567")]
    add("49_urns_out_of_range.csv",
        "URNs 000000 and 012345 (six digits, but below 100000, where DfE URNs start) and a 7-digit one",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=4, accepted=1, rejected=3,
        rejects=[rej(3, "URN '000000' is not a DfE URN"), rej(4, "URN '012345' is not a DfE URN"),
                 rej(5, "URN '1234567' is not a 6-digit DfE URN")])

    # 50 ------------------------------------------------------------- control characters, CSV
    rows = [row(234, school_name=f"\x1b[31m{school(234)[1]}\x07"),
            row(235, senco_other_roles="DSL\x0b class teacher\x1f"),
            row(236, urn=f"\x1b]0;{school(236)[0]}\x07", ehcp_pupils="\x1b[2J")]
    add("50_control_characters.csv",
        "Escape sequences and other control characters pasted into cells: removed from what is "
        "stored and from every message (a terminal would act on them)",
        csv_bytes(NAMES, table(rows)),
        status="loaded", rows_read=3, accepted=2, rejected=1,
        rejects=[rej(4, "URN ']0;")],
        values=[{"row": 2, "school_name": "[31m" + school(234)[1]},
                {"row": 3, "senco_other_roles": "DSL class teacher"}])

    # 51 ------------------------------------------------------------- control characters, XLSX
    wb = Workbook()
    ws = wb.active
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    for i, r in enumerate([row(237, school_name="ESCAPEHERE" + school(237)[1] + "NULHERE"), row(238)], start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    data = replace_in_parts(replace_in_parts(fixed_xlsx(wb), "ESCAPEHERE", "_x001B_[1m"), "NULHERE", "_x0000_")
    add("51_xlsx_escaped_control_characters.xlsx",
        "A workbook whose text holds Excel's _x001B_ and _x0000_ escapes (ESC, NUL): the characters "
        "are removed, so 'Download XLSX' of any LA-wide table keeps working",
        data,
        status="loaded", rows_read=2, accepted=2, rejected=0,
        values=[{"row": 2, "school_name": "[1m" + school(237)[1]}])

    # 52 ------------------------------------------------------------- a value the reader panics on
    wb = Workbook()
    ws = wb.active
    for j, name in enumerate(NAMES, start=1):
        put(ws, 1, j, name)
    for j, v in enumerate(typed(row(239)), start=1):
        put(ws, 2, j, v)
    ws.cell(row=2, column=NAMES.index("senco_hours_per_week") + 1, value=-1e15).number_format = "h:mm"
    add("52_time_cell_out_of_range.xlsx",
        "An hours cell formatted as a time holding -1e15 (found by fuzzing): the spreadsheet library "
        "panics converting it; the file is refused with the reason and the batch goes on",
        fixed_xlsx(wb),
        status="failed", message="could not be read (TimeDelta")


# ----------------------------------------------------------------- binary fixtures

def make_xls(rows: list[dict]) -> bytes | None:
    try:
        import xlwt  # noqa: PLC0415 (optional: only to regenerate the .xls fixture)
    except ImportError:
        return None
    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("SENCO return 2025-26")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sh.write(0, 0, "SENCO return - North Lincolnshire")
    for j, lab in enumerate(LABELS):
        sh.write(1, j, lab)
    for i, r in enumerate(rows, start=2):
        for j, (c, v) in enumerate(zip(COLUMNS, typed(r))):
            if v is None:
                continue
            if c.kind == "urn":
                v = float(v)                      # Excel stores every number as a double
            if c.kind == "yesno" and isinstance(v, str):
                v = v.lower().startswith("y")     # TRUE / FALSE cells
            if isinstance(v, dt.date):
                sh.write(i, j, v, date_style)
            else:
                sh.write(i, j, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def make_encrypted(rows: list[dict]) -> bytes | None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415 (optional: only to regenerate)
    except ImportError:
        return None
    wb = Workbook()
    ws = wb.active
    for j, lab in enumerate(LABELS, start=1):
        put(ws, 1, j, lab)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(typed(r), start=1):
            put(ws, i, j, v)
    plain = io.BytesIO(fixed_xlsx(wb))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt(PASSWORD, out)
    return out.getvalue()


# ----------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", action="store_true",
                    help="also rebuild the .xls / encrypted fixtures that already exist (needs xlwt, msoffcrypto-tool)")
    args = ap.parse_args(argv)
    FILES.mkdir(parents=True, exist_ok=True)
    build()
    keep = set()
    expected: dict[str, dict] = {}
    for name, item in CORPUS.items():
        keep.add(name)
        exp = item["expected"]
        make = exp.pop("make", None)
        expected[name] = exp
        target = FILES / name
        data = item["data"]
        if data is None:
            if target.exists() and not args.binary:
                continue
            data = make()
            if data is None:
                print(f"skipped {name}: the tool that makes it is not installed (see the docstring)")
                continue
        target.write_bytes(data)
    for stray in FILES.iterdir():
        if stray.name not in keep:
            print(f"removing {stray.name}: not in the corpus any more")
            stray.unlink()
    EXPECTED.write_text(json.dumps({"files": expected}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in FILES.iterdir())
    print(f"{len(expected)} files in {FILES.relative_to(ROOT)} ({total / 1024:.0f} KiB), expected outcomes in "
          f"{EXPECTED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
