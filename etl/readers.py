"""Read return files as schools send them: CSV in any common encoding and delimiter,
XLSX (and legacy XLS) tables, and the project's own one-school template workbook.

The reader only finds the rows and maps headers to the return's columns; it judges no
values (that is etl.validate). A file that is not a return raises `NotAReturn` with one
line a person can act on.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from etl.columns import COLUMN_BY_NAME, REQUIRED, match_header

MAX_HEADER_SCAN = 30
FORM_SHEET = "SENCO return"


class NotAReturn(ValueError):
    """The whole file cannot be read as a SENCO return."""


@dataclass
class SourceRow:
    row_number: int                       # as shown in Excel / a text editor (1-based)
    cells: dict[str, object]              # by return column name
    raw: dict[str, object]                # by the file's own header text


@dataclass
class ParsedFile:
    rows: list[SourceRow]
    layout: str                           # table | form
    ignored_headers: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)


def read_return_file(path: Path, data: bytes | None = None) -> ParsedFile:
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise NotAReturn("the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_workbook(data, "xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise NotAReturn("the workbook is password-protected; save a copy without a password and send that")
        return _read_workbook(data, "xls")
    return _read_text(data)


# ---------------------------------------------------------------- text files

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's 'Unicode text'), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if len(data) > 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        return data.decode("utf-16-le", errors="replace")
    if b"\x00" in data[:4096]:
        raise NotAReturn("this is not a text or spreadsheet file (it looks binary); export the return as CSV or XLSX")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:MAX_HEADER_SCAN])
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        score = max((sum(1 for c in row if match_header(c)) for row in rows), default=0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_text(data: bytes) -> ParsedFile:
    text = decode_text(data)
    if "\x00" in text:
        raise NotAReturn("this is not a text or spreadsheet file (it looks binary); export the return as CSV or XLSX")
    delim = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    numbered: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for row in reader:
            numbered.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise NotAReturn(f"the CSV is malformed near line {reader.line_num}: {exc}") from None
    if numbered and _unclosed_quote(text, delim, *numbered[-1]):
        raise NotAReturn(f"a quote (\") opened on line {numbered[-1][0]} is never closed, so the rest of the "
                         "file reads as one cell; remove or close the quote and resend")
    return _from_grid(numbered)


def _unclosed_quote(text: str, delim: str, start: int, row: list[object]) -> bool:
    """Did the last row end inside a quoted cell? The csv module then silently takes the
    rest of the file as that one cell, and the rows in it would vanish uncounted."""
    if not any("\n" in c or "\r" in c for c in row if isinstance(c, str)):
        return False
    tail = io.StringIO(text, newline="").readlines()[start - 1:]
    try:
        for _ in csv.reader(tail, delimiter=delim, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# ----------------------------------------------------------------- workbooks

def _read_workbook(data: bytes, kind: str) -> ParsedFile:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for damaged files
        if kind == "xlsx" and not any(m in data for m in (b"[Content_Types].xml", b"xl/", b"docProps/")):
            raise NotAReturn("the file is a zip archive, not an Excel workbook; send the return as XLSX or CSV") from None
        raise NotAReturn(f"the workbook could not be opened ({_short(exc)}); open it in Excel, save it again as .xlsx and resend") from None
    names = list(wb.sheet_names)
    names.sort(key=lambda n: n != FORM_SHEET)       # the template's own sheet first
    problems: list[str] = []
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            grid = _fill_merged(sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or [])
        except Exception as exc:
            problems.append(f"sheet '{name}': {_short(exc)}")
            continue
        numbered = [(i + 1, list(r)) for i, r in enumerate(grid)]
        try:
            return _from_grid(numbered)
        except NotAReturn as exc:
            problems.append(f"sheet '{name}': {exc}")
    if not names:
        raise NotAReturn("the workbook has no sheets")
    raise NotAReturn("no sheet holds a SENCO return (" + "; ".join(problems[:3]) + ")")


def _fill_merged(grid: list[list[object]], ranges: list) -> list[list[object]]:
    """A value typed once in merged cells belongs to every cell of the merge (as a person sees it)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
    return grid


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


# ------------------------------------------------------------ shared layout

def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _find_form(numbered: list[tuple[int, list[object]]]) -> ParsedFile | None:
    """The template layout: one field per row, label in one column, answer in the next."""
    hits: dict[int, int] = {}
    for _, row in numbered[:80]:
        for j, cell in enumerate(row[:4]):
            if isinstance(cell, str) and match_header(cell.rstrip(" *:")):
                hits[j] = hits.get(j, 0) + 1
    if not hits:
        return None
    col, count = max(hits.items(), key=lambda kv: kv[1])
    if count < 5:
        return None
    # A table's header row would put all its labels in one row, not one column.
    cells: dict[str, object] = {}
    raw: dict[str, object] = {}
    first_row = None
    for number, row in numbered:
        if len(row) <= col:
            continue
        name = match_header(str(row[col]).rstrip(" *:")) if isinstance(row[col], str) else None
        if name and name not in cells:
            value = row[col + 1] if len(row) > col + 1 else None
            cells[name] = value
            raw[str(row[col])] = value
            first_row = first_row or number
    if all(_blank(v) for v in cells.values()):
        raise NotAReturn("the template has no answers filled in")
    missing = [COLUMN_BY_NAME[n].label for n in REQUIRED if n not in cells]
    if missing:
        raise NotAReturn("the form has no field for: " + ", ".join(missing))
    return ParsedFile(rows=[SourceRow(first_row or 1, cells, raw)], layout="form",
                      absent_columns=[n for n in COLUMN_BY_NAME if n not in cells])


def _from_grid(numbered: list[tuple[int, list[object]]]) -> ParsedFile:
    # The header row is the first row (within the first few) naming most return columns.
    best_i, best_score = -1, 0
    for i, (_, row) in enumerate(numbered[:MAX_HEADER_SCAN]):
        score = len({match_header(c) for c in row if isinstance(c, str) and match_header(c)})
        if score > best_score:
            best_i, best_score = i, score
    form = _find_form(numbered) if best_score < 5 else None
    if form:
        return form
    if best_score < 2:
        raise NotAReturn(
            "no header row with the return's columns was found (expected headers such as "
            "urn, school_name, academic_year); use the blank template (Returns & data quality page, Template tab)")
    header_number, header = numbered[best_i]
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for j, h in enumerate(header):
        name = match_header(h) if isinstance(h, str) else None
        if name and name not in mapping.values():
            mapping[j] = name
        elif not _blank(h) and str(h).strip() not in ignored:
            ignored.append(str(h).strip())
    missing = [COLUMN_BY_NAME[n].label for n in REQUIRED if n not in mapping.values()]
    if missing:
        raise NotAReturn(f"required column(s) missing from the header on row {header_number}: " + ", ".join(missing))
    headers = [str(h).strip() if not _blank(h) else f"column {j + 1}" for j, h in enumerate(header)]
    rows: list[SourceRow] = []
    for number, row in numbered[best_i + 1:]:
        if all(_blank(c) for c in row):
            continue
        cells = {name: (row[j] if j < len(row) else None) for j, name in mapping.items()}
        raw = {headers[j] if j < len(headers) else f"column {j + 1}": v
               for j, v in enumerate(row) if not (_blank(v) and j >= len(headers))}
        rows.append(SourceRow(number, cells, raw))
    return ParsedFile(rows=rows, layout="table", ignored_headers=ignored,
                      absent_columns=[n for n in COLUMN_BY_NAME if n not in mapping.values()])
