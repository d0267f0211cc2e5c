"""Read return files as schools send them: CSV in any common encoding and delimiter,
XLSX (and legacy XLS) tables, and the project's own one-school template workbook.

The reader only finds the rows and maps headers to the return's columns; it judges no
values (that is etl.validate). A file that is not a return raises `NotAReturn` with one
line a person can act on.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from domain.columns import COLUMN_BY_NAME, REQUIRED, match_header
from etl import workbook_check as wc

MAX_HEADER_SCAN = 30
FORM_SHEET = "SENCO return"
# The longest cell (in characters) and widest row a return can hold. 131,072 is the csv
# module's own limit, far beyond any school name or note; 500 columns is the workbook
# limit too (etl.workbook_check): a header of 100,000 columns is not a return.
MAX_CELL_CHARS = 131_072
MAX_COLUMNS = 500
# C0 control characters (and DEL) other than tab, line feed and carriage return: never
# typed on purpose, they break XLSX downloads and terminals. Removed from every cell read.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    other_sheets: list[str] = field(default_factory=list)   # "'Notes': why it is not a return"


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
        return _utf16(data, "utf-16")
    if len(data) > 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        return _utf16(data, "utf-16-le")
    if b"\x00" in data[:4096]:
        raise NotAReturn("this is not a text or spreadsheet file (it looks binary); export the return as CSV or XLSX")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _utf16(data: bytes, codec: str) -> str:
    """Excel's 'Unicode text'; a damaged one (an odd byte count, half a surrogate pair) is refused
    rather than loaded with characters guessed."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        why = "has an odd number of bytes" if len(data) % 2 else f"is damaged at byte {exc.start:,}"
        raise NotAReturn(f"the file is UTF-16 ('Unicode text') but {why}; open it in Excel and save it "
                         "again as 'CSV UTF-8'") from None


def _return_header_score(row: list[str]) -> int:
    return sum(1 for c in row if match_header(c))


def sniff_delimiter(text: str, score: Callable[[list[str]], int] = _return_header_score,
                    lines: int = MAX_HEADER_SCAN) -> str:
    """The delimiter (comma, semicolon, tab or bar) under which some row of the first `lines` lines
    scores best: by default, names the most columns of the return. Official files pass their own score."""
    sample = "\n".join(text.splitlines()[:lines])
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:                  # e.g. a cell past the csv module's limit: the reader says so
            continue
        got = max((score(row) for row in rows), default=0)
        if got > best_score:
            best, best_score = delim, got
    return best


def _read_text(data: bytes) -> ParsedFile:
    text = decode_text(data)
    if "\x00" in text:
        raise NotAReturn("this is not a text or spreadsheet file (it looks binary); export the return as CSV or XLSX")
    text = CONTROL.sub("", text)
    return _from_grid(numbered_csv(text, sniff_delimiter(text)))


def numbered_csv(text: str, delim: str) -> list[tuple[int, list[object]]]:
    """Each CSV record with the line it starts on (as a text editor numbers it). NotAReturn, with
    one line, for a malformed file, a cell past the length limit, or a quote never closed (which
    would make the rest of the file one cell, its rows vanishing uncounted). The official-data
    reader uses it too."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    numbered: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for row in reader:
            numbered.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise NotAReturn(f"a cell near line {reader.line_num} is longer than {MAX_CELL_CHARS:,} characters; "
                             "check the file is the one meant and resend") from None
        raise NotAReturn(f"the CSV is malformed near line {reader.line_num}: {_short(exc)}") from None
    if numbered and _unclosed_quote(text, delim, *numbered[-1]):
        raise NotAReturn(f"a quote (\") opened on line {numbered[-1][0]} is never closed, so the rest of the "
                         "file reads as one cell; remove or close the quote and resend")
    return numbered


def _unclosed_quote(text: str, delim: str, start: int, row: list[object]) -> bool:
    """Did the last row end inside a quoted cell? The csv module then silently takes the
    rest of the file as that one cell, and the rows in it would vanish uncounted."""
    if not any("\n" in c or "\r" in c for c in row if isinstance(c, str)):
        return False
    tail = io.StringIO(text, newline="").readlines()[start - 1:]
    try:
        for _ in csv.reader(tail, delimiter=delim, strict=True):
            pass
    except csv.Error as exc:          # (a cell past the limit was refused by the first read)
        return "unexpected end of data" in str(exc)
    return False


# ----------------------------------------------------------------- workbooks

def open_workbook(data: bytes, kind: str, what: str = "a return"):
    """(calamine workbook, facts per sheet) once the workbook has been checked inside its zip
    (etl.workbook_check): calamine trusts the sizes a workbook declares, and a 5 KB file can ask
    it for the whole sheet grid. NotAReturn, with one line, for anything too big or unreadable.
    The official-data reader opens workbooks through this too."""


    facts: dict[str, wc.SheetFacts] = {}
    if kind == "xlsx":
        try:
            facts = wc.check_xlsx(data)          # before calamine: it trusts the sizes a workbook gives
        except wc.TooBig as exc:
            raise NotAReturn(f"the workbook is too big to be {what}: {exc}") from None
        except Exception as exc:                 # not a zip Python can read: calamine is not given it
            raise NotAReturn(f"the workbook could not be opened ({_short(exc)}); open it in Excel, save it "
                             "again as .xlsx and resend") from None
    elif len(data) > wc.MAX_XLS_BYTES:
        raise NotAReturn(f"the .xls file is over {wc.MAX_XLS_BYTES // 2**20} MB; save it as .xlsx or CSV and resend")
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except _NOT_FATAL as exc:  # calamine raises several types for damaged files (and panics)
        _reraise_fatal(exc)
        if kind == "xlsx" and not any(m in data for m in (b"[Content_Types].xml", b"xl/", b"docProps/")):
            raise NotAReturn("the file is a zip archive, not an Excel workbook; send it as XLSX or CSV") from None
        raise NotAReturn(f"the workbook could not be opened ({_short(exc)}); open it in Excel, save it again "
                         "as .xlsx and resend") from None
    names = list(wb.sheet_names)
    if not names:
        raise NotAReturn("the workbook has no sheets")
    if len(names) > wc.MAX_SHEETS:
        raise NotAReturn(f"the workbook has {len(names)} sheets, more than the {wc.MAX_SHEETS} {what} can have")
    return wb, facts


def sheet_grid(wb, name: str, kind: str) -> list[list[object]]:
    """One sheet's cells; a legacy .xls sheet over the cell limit is refused before conversion."""
    sheet = wb.get_sheet_by_name(name)
    if kind == "xls" and sheet.total_height * max(sheet.total_width, 1) > wc.MAX_CELLS:
        raise NotAReturn(f"it spans more than {wc.MAX_CELLS:,} cells")
    return sheet.to_python(skip_empty_area=False), sheet


def _read_workbook(data: bytes, kind: str) -> ParsedFile:
    wb, facts = open_workbook(data, kind)
    names = list(wb.sheet_names)
    names.sort(key=lambda n: n != FORM_SHEET)       # the template's own sheet first
    # Every sheet is read: each that holds a return loads (a trust's workbook may keep one
    # sheet per phase), each that does not is named with the reason.
    found: list[tuple[str, ParsedFile]] = []
    problems: list[str] = []
    for name in names:
        try:
            grid, sheet = sheet_grid(wb, name, kind)
            grid = _fill_merged(grid, sheet.merged_cell_ranges or [])
            grid = _as_shown(grid, facts[name].formatted if name in facts else {})
        except NotAReturn as exc:
            problems.append(f"'{_printable(name)}': {exc}")
            continue
        except _NOT_FATAL as exc:            # (calamine panics on some values, e.g. a huge time)
            _reraise_fatal(exc)
            problems.append(f"'{_printable(name)}': could not be read ({_short(exc)})")
            continue
        numbered = [(i + 1, list(r)) for i, r in enumerate(grid)]
        try:
            found.append((name, _from_grid(numbered)))
        except NotAReturn as exc:
            problems.append(f"'{_printable(name)}': {exc}")
    if not found:
        raise NotAReturn("no sheet holds a SENCO return (" + "; ".join(problems[:3]) + ")")
    if len(found) == 1:
        parsed = found[0][1]
        parsed.other_sheets = problems
        return parsed
    # Several sheets of returns: one file's rows, each row's sheet kept with its raw values
    # (row numbers are the sheet's own, as Excel shows them).
    rows: list[SourceRow] = []
    ignored: list[str] = []
    for name, parsed in found:
        for r in parsed.rows:
            r.raw = {"sheet": name, **r.raw}
            rows.append(r)
        ignored += [h for h in parsed.ignored_headers if h not in ignored]
    absent = [c for c in COLUMN_BY_NAME if all(c in p.absent_columns for _, p in found)]
    layout = "form" if all(p.layout == "form" for _, p in found) else "table"
    return ParsedFile(rows=rows, layout=layout, ignored_headers=ignored, absent_columns=absent,
                      other_sheets=problems)


# calamine (Rust, through pyo3) reports a panic as PanicException, a BaseException: one
# file's panic is that file's problem, like any other error reading it.
_NOT_FATAL = BaseException


def _reraise_fatal(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _as_shown(grid: list[list[object]], formatted: dict[tuple[int, int], str]) -> list[list[object]]:
    """Numbers Excel shows as a percentage or money, as the school saw them ('20%', '£6'): calamine
    gives the bare number (0.2), which would otherwise load as hours. Date-formatted numbers
    calamine already gives as dates. Text cells lose their control characters."""
    for (r, c), kind in formatted.items():
        if r < len(grid) and c < len(grid[r]):
            v = grid[r][c]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if kind == "percent":
                    grid[r][c] = f"{v * 100:g}%"
                elif kind == "currency":
                    grid[r][c] = f"£{v:g}"
                elif kind == "date":
                    grid[r][c] = f"{v:g} (a date or time in Excel)"
    for row in grid:
        for j, v in enumerate(row):
            if type(v) is str and CONTROL.search(v):
                row[j] = CONTROL.sub("", v)
    return grid


def _printable(text: object) -> str:
    return CONTROL.sub("", str(text))


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


def _header_score(row: list[object]) -> int:
    return len({match_header(c) for c in row if isinstance(c, str) and len(c) < 200 and match_header(c)})


def _from_grid(numbered: list[tuple[int, list[object]]]) -> ParsedFile:
    for number, row in numbered:
        if len(row) > MAX_COLUMNS and sum(1 for c in row if not _blank(c)) > MAX_COLUMNS:
            raise NotAReturn(f"row {number} has more than {MAX_COLUMNS} filled columns; a return has about 21: "
                             "check the file is the return and resend")
    # The header row is the first row (within the first few) naming most return columns.
    best_i, best_score = -1, 0
    for i, (_, row) in enumerate(numbered[:MAX_HEADER_SCAN]):
        score = _header_score(row)
        if score > best_score:
            best_i, best_score = i, score
    form = _find_form(numbered) if best_score < 5 else None
    if form:
        return form
    if best_score < 5:
        # A sheet sorted with its header in it puts the header anywhere: look further down.
        for i, (_, row) in enumerate(numbered[MAX_HEADER_SCAN:], start=MAX_HEADER_SCAN):
            score = _header_score(row)
            if score >= 5 and score > best_score:
                best_i, best_score = i, score
                break
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
    required_at = [j for j, n in mapping.items() if n in REQUIRED]

    def looks_like_data(row: list[object]) -> bool:
        """A row above the header holding a school's values (a sheet sorted with its header),
        not a title or group heading: two or more of the required columns filled, and different
        (a merged title or heading repeats one text across them)."""
        values = [row[j] for j in required_at if j < len(row) and not _blank(row[j])]
        return len(values) >= 2 and len({str(v).strip() for v in values}) == len(values)

    rows: list[SourceRow] = []
    for k, (number, row) in enumerate(numbered):
        if k == best_i:
            continue
        if all(_blank(c) for c in row):
            continue
        if k < best_i and not looks_like_data(row):
            continue
        cells = {name: (row[j] if j < len(row) else None) for j, name in mapping.items()}
        raw = {headers[j] if j < len(headers) else f"column {j + 1}": v
               for j, v in enumerate(row) if not (_blank(v) and j >= len(headers))}
        rows.append(SourceRow(number, cells, raw))
    return ParsedFile(rows=rows, layout="table", ignored_headers=ignored,
                      absent_columns=[n for n in COLUMN_BY_NAME if n not in mapping.values()])
