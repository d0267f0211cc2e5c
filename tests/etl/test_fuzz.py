"""Property-based tests (Hypothesis) over the readers and normalisers, CSV and XLSX.

For every generated file, whatever it holds: no exception escapes `check_returns`, every
row read is accepted or rejected (rows read = accepted + rejected), a file that fails
says why in one line, and nothing printed carries a control character. The generated
files start from the return's real headers (snake_case names and the template's labels)
and the values schools really type, then mix in what careless or hostile input adds:
control characters, odd encodings, stray quotes, huge numbers, truncation, flipped bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from domain.columns import COLUMNS
from etl import workbook_check as wc
from etl.load import check_returns
from etl.normalise import (
    Invalid,
    parse_academic_year,
    parse_count,
    parse_date,
    parse_hours,
    parse_list,
    parse_text,
    parse_urn,
    parse_yesno,
)

TODAY = dt.date(2026, 11, 30)
NAMES = [c.name for c in COLUMNS]
LABELS = [c.label for c in COLUMNS]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_XLSX = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TYPED = st.sampled_from([
    "117725", "118006", "000000", "012345", "1234567", "2025/26", "2025-26", "2062/63", "2025/2026",
    "1.5 days", "9.75", "20%", "0.5 FTE", "7,5", "£6.00", "yes", "No", "Y", "TRUE", "n/a", "", " ",
    "01/09/2021", "2021-09-01", "31/02/2022", "primary", "Secondary", "NASENCO held", "DSL; class teacher",
    "=HYPERLINK(\"x\")", "<b>bold</b>", "1e308", "-4", "lots", "1.020", "\u00a0", "\ufeff", "😀",
])
NASTY = st.lists(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    list("\x00\x01\x07\x0b\x0c\x1b\x7f\r\n\t\";,|\u2028") + ["\x1b[31m", "\r\n", "\"\""]),
    max_size=20).map("".join)
CELL = st.one_of(TYPED, NASTY, st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True).map(str))
HEADER = st.lists(st.sampled_from(NAMES + LABELS + ["Notes", "", "urn", "URN ", "School", "Total"]),
                  min_size=1, max_size=25)


def _assert_accounted(outcome) -> None:
    assert outcome.rows_read == outcome.accepted + outcome.rejected
    assert outcome.rows_read == len(outcome.results)
    assert len(outcome.rejects) == outcome.rejected
    if outcome.status == "failed":
        assert outcome.rows_read == 0 and outcome.message and "\n" not in outcome.message
    for line in outcome.report_lines():
        assert not CONTROL.search(line), repr(line)


def _csv(header, rows, delimiter) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@st.composite
def csv_files(draw) -> bytes:
    header = draw(HEADER)
    width = len(header)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 2), max_size=12))
    above = draw(st.lists(st.lists(CELL, max_size=4), max_size=3))        # titles, or rows sorted above
    text = _csv(header, rows, draw(st.sampled_from([",", ";", "\t", "|"])))
    if above:
        text = _csv(above[0], above[1:], ",") + text
    if draw(st.booleans()):
        text = text.replace("\r\n", draw(st.sampled_from(["\n", "\r"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):                      # damage: truncate, or flip some bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] if draw(st.booleans()) else data
        for at in draw(st.lists(st.integers(0, max(len(data) - 1, 0)), max_size=3)):
            if data:
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


@FUZZ
@given(csv_files())
def test_any_csv_is_read_or_refused_with_every_row_accounted_for(data):
    _assert_accounted(check_returns(data, "fuzz.csv", today=TODAY))


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                                                   b"\xff\xfe", b"\xef\xbb\xbf"]))
def test_any_bytes_are_read_or_refused(data, prefix):
    _assert_accounted(check_returns(prefix + data, "fuzz.bin", today=TODAY))


_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")     # openpyxl will not write these as text
XLSX_VALUE = st.one_of(
    TYPED, NASTY.map(lambda s: _ILLEGAL.sub("", s)),
    st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)), st.booleans(), st.none())
FORMATS = st.sampled_from(["General", "0%", "0.00%", '"£"#,##0.00', "[$€-x-euro2] #,##0.00", "DD/MM/YYYY",
                           "h:mm", "0.0", "@", '0.0" hrs"'])


@st.composite
def xlsx_files(draw) -> bytes:
    wb = Workbook()
    for k in range(draw(st.integers(1, 3))):
        ws = wb.active if k == 0 else wb.create_sheet(f"Sheet {k} ")
        start = draw(st.integers(1, 4))
        header = draw(HEADER)
        for j, h in enumerate(header, start=1):
            ws.cell(row=start, column=j, value=h if not str(h).startswith("=") else "x" + h)
        for i in range(draw(st.integers(0, 8))):
            for j in range(1, len(header) + 2):
                v = draw(XLSX_VALUE)
                if isinstance(v, str) and v.startswith("="):
                    v = "'" + v
                cell = ws.cell(row=start + 1 + i, column=j, value=v)
                if draw(st.integers(0, 4)) == 0:
                    cell.number_format = draw(FORMATS)
        if draw(st.booleans()) and ws.max_row >= 2:
            r = draw(st.integers(1, ws.max_row))
            ws.merge_cells(start_row=r, start_column=1, end_row=min(r + draw(st.integers(0, 3)), ws.max_row),
                           end_column=draw(st.integers(1, 4)))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if draw(st.integers(0, 5)) == 0:             # a damaged download
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


@FUZZ_XLSX
@given(xlsx_files())
def test_any_workbook_is_read_or_refused_with_every_row_accounted_for(data):
    _assert_accounted(check_returns(data, "fuzz.xlsx", today=TODAY))


ANY_VALUE = st.one_of(CELL, NASTY, st.integers(), st.floats(), st.booleans(), st.none(),
                      st.dates(), st.datetimes(), st.times())


@FUZZ
@given(ANY_VALUE)
def test_normalisers_only_ever_refuse_with_invalid(raw):
    for parse in (parse_urn, parse_text, lambda v: parse_academic_year(v, TODAY), parse_count,
                  lambda v: parse_hours(v, 6.5, 0, 60), parse_yesno, lambda v: parse_date(v, TODAY), parse_list):
        try:
            value = parse(raw)
        except Invalid as exc:
            assert str(exc) and "\n" not in str(exc).strip("\n")
            continue
        if isinstance(value, str):
            assert not CONTROL.search(value.replace("\n", "")), repr(value)
        if parse is parse_urn:
            assert 100_000 <= value <= 999_999


@FUZZ_XLSX
@given(xlsx_files())
def test_the_workbook_check_reads_the_same_fast_or_cell_by_cell(data):
    """The chunk-at-a-time scan (etl.workbook_check._scan_fast) finds what the cell-by-cell scan finds."""


    def facts():
        try:
            return {k: (f.rows, f.cells, f.max_row, f.max_col, f.formatted) for k, f in wc.check_xlsx(data).items()}
        except Exception as exc:       # noqa: BLE001  (the same refusal either way)
            return type(exc).__name__
    fast = facts()
    with mock.patch.object(wc, "_scan_fast", lambda *a: False):
        slow = facts()
    assert fast == slow
