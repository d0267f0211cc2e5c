"""Look inside an .xlsx before any spreadsheet library parses it, and refuse what no
school's return can be.

calamine (like most readers) trusts the workbook: a sheet whose one cell sits at XFD1048576
makes it allocate the whole A1:XFD1048576 grid (17 billion cells), and a zip entry of a
few MB can inflate to gigabytes. So the .xlsx is first opened as the zip it is, and each
part is inflated in bounded chunks (the sizes a zip declares can lie), counting rows and
cells and finding the furthest cell, without keeping the text. Only a workbook inside
the limits below is handed to calamine.

The same pass reads each cell's style, because calamine drops number formats: a cell
holding 0.2 formatted as a percentage shows "20%" to the school that typed it, and must
not load as 0.2 hours. Cells formatted as percent, currency or date are reported by
position, so the reader can show them as the school saw them.

The limits. A SENCO return is one row per school: a whole LA sends a few hundred to a
few thousand rows, a trust or national extract perhaps 25,000 (every state school in
England), each of about 21 columns (the template) to ~100 (an LA's own workbook with
notes and formulas). With headroom of four times a national extract and five times the
widest LA workbook:

* MAX_ROWS 100,000 rows and MAX_COLUMNS 500 columns per sheet;
* MAX_CELLS 2,000,000 cells in the rectangle the reader builds for a sheet (rows x the
  furthest column): calamine's grid as Python objects costs ~100 bytes a cell, so the
  worst sheet needs ~200 MB, well inside the loader's memory;
* MAX_PART_BYTES 256 MB inflated per part and MAX_TOTAL_BYTES 512 MB for the workbook: a
  2,000,000-cell sheet is ~100 MB of XML; Excel's own shared strings for such a sheet
  are smaller;
* MAX_SHEETS 100 sheets (a trust workbook with one sheet per school has tens).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree import ElementTree

MAX_ROWS = 100_000
MAX_COLUMNS = 500
MAX_CELLS = 2_000_000
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_SHEETS = 100
MAX_XLS_BYTES = 20 * 1024 * 1024     # legacy .xls: the upload limit; calamine reads BIFF in memory
CHUNK = 1 << 20

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>|<(?:\w+:)?c\b([^>]*)/>")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_REF = re.compile(rb'\br\s*=\s*"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})"')
_STYLE = re.compile(rb'\bs\s*=\s*"([0-9]{1,6})"')
_ROW_NUMBER = re.compile(rb'\br\s*=\s*"([0-9]{1,9})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*"([^"]*)"')
_AREA_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})")


class TooBig(ValueError):
    """The workbook is past the limits; the message says which and what to do."""


@dataclass
class SheetFacts:
    rows: int = 0
    cells: int = 0
    max_row: int = 0
    max_col: int = 0
    formatted: dict[tuple[int, int], str] = field(default_factory=dict)   # (row0, col0) -> percent|currency|date


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str):
    """Yield the part's bytes in chunks, refusing it once more than `limit` bytes came out."""
    if info.file_size > limit:
        raise TooBig(f"{what} would inflate to {info.file_size / 1e6:,.0f} MB, over the "
                     f"{limit / 1e6:,.0f} MB limit for a return; send the return as CSV")
    out = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                return
            out += len(chunk)
            if out > limit:
                raise TooBig(f"{what} inflates to more than {limit / 1e6:,.0f} MB (its zip header "
                             "says less), over the limit for a return; send the return as CSV")
            yield chunk


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    return b"".join(_inflate(zf, info, limit, f"the part {name}"))


# Excel's built-in number formats that are not plain numbers.
_BUILTIN = {9: "percent", 10: "percent", 5: "currency", 6: "currency", 7: "currency", 8: "currency",
            **{i: "date" for i in (14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47)}}


def format_kind(code: str) -> str | None:
    """percent / currency / date for an Excel number-format code, else None."""
    if re.search(r"\[\$[^\]-]|[£$€¥]", code):           # a currency sign, quoted or not
        return "currency"
    bare = re.sub(r'"[^"]*"|\\.', "", code)              # quoted text and escaped characters
    if "%" in bare:
        return "percent"
    bare = re.sub(r"\[[^\]]*\]", "", bare)                # colours, conditions, locales
    if re.search(r"[dmyhs]", bare, flags=re.I) and not re.fullmatch(r"(?i)general", bare.strip()):
        return "date"
    return None


def _style_kinds(zf: zipfile.ZipFile) -> dict[int, str]:
    """Cell style index (the s= of a cell) -> percent | currency | date, for the styles that are."""
    data = _read_small(zf, "xl/styles.xml")
    if not data:
        return {}
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return {}
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    custom = {}
    for nf in root.iter(f"{ns}numFmt"):
        try:
            custom[int(nf.get("numFmtId", "-1"))] = nf.get("formatCode", "")
        except ValueError:
            continue
    kinds: dict[int, str] = {}
    xfs = root.find(f"{ns}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        try:
            fid = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        kind = format_kind(custom[fid]) if fid in custom else _BUILTIN.get(fid)
        if kind:
            kinds[i] = kind
    return kinds


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part's path in the zip, from the workbook and its relationships."""
    wb = _read_small(zf, "xl/workbook.xml")
    rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
    if not wb or not rels:
        return {}
    try:
        wroot, rroot = ElementTree.fromstring(wb), ElementTree.fromstring(rels)
    except ElementTree.ParseError:
        return {}
    targets = {}
    for rel in rroot.iter():
        if rel.tag.endswith("Relationship") and rel.get("Id"):
            t = rel.get("Target", "")
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            targets[rel.get("Id")] = t
    out = {}
    for sheet in wroot.iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            if rid in targets and sheet.get("name") is not None:
                out[sheet.get("name")] = targets[rid]
    return out


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, kinds: dict[int, str]) -> SheetFacts:
    facts = SheetFacts()
    label = f"sheet '{name}'"
    carry = b""
    row = 0
    col = 0
    first = True
    styled = None
    if kinds:       # cells whose style is one of the formatted ones: few, so found by one regex
        ids = b"|".join(str(i).encode() for i in sorted(kinds))
        styled = (re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,9})"[^>]*? s="(' + ids + rb')"'), kinds)
    for chunk in _inflate(zf, info, MAX_PART_BYTES, label):
        buf = carry + chunk
        cut = buf.rfind(b">") + 1                     # only whole tags: the rest waits for the next chunk
        if cut == 0 and len(buf) > 64 * 1024:
            raise TooBig(f"{label} has a tag longer than 64 KB; it is not a sheet Excel writes")
        text, carry = buf[:cut], buf[cut:]
        if first:
            m = _DIMENSION.search(text)
            if m:
                _check_dimension(m.group(1).decode("ascii", "replace"), label)
            first = False
        if _scan_fast(text, facts, label, styled):
            continue
        # rows and cells in document order, so a cell without r= takes the next column
        for m in re.finditer(rb"<(?:\w+:)?(row|c)\b([^>]*?)/?>", text):
            attrs = m.group(2)
            if m.group(1) == b"row":
                facts.rows += 1
                r = _ROW_NUMBER.search(attrs)
                row = int(r.group(1)) if r else row + 1
                col = 0
                if facts.rows > MAX_ROWS or row > MAX_ROWS:
                    raise TooBig(f"{label} has rows past row {MAX_ROWS:,}; a return has a row per school: "
                                 "delete the empty rows below the table (or send it as CSV)")
                facts.max_row = max(facts.max_row, row)
                continue
            facts.cells += 1
            ref = _REF.search(attrs)
            if ref:
                col = column_number(ref.group(1).decode())
                row = int(ref.group(2))
                facts.max_row = max(facts.max_row, row)
            else:
                col += 1
            if col > MAX_COLUMNS:
                raise TooBig(f"{label} has a cell in column {col:,}, past the {MAX_COLUMNS} columns a return "
                             "can have; delete the columns to the right of the table and send it again")
            if row > MAX_ROWS:
                raise TooBig(f"{label} has a cell on row {row:,}, past the {MAX_ROWS:,} rows a return can "
                             "have; delete the rows below the table and send it again")
            facts.max_col = max(facts.max_col, col)
            if facts.cells > MAX_CELLS or facts.max_row * facts.max_col > MAX_CELLS:
                raise TooBig(f"{label} spans more than {MAX_CELLS:,} cells ({facts.max_row:,} rows x "
                             f"{facts.max_col:,} columns); delete what lies outside the table and send it again")
            s = _STYLE.search(attrs)
            if s and kinds:
                kind = kinds.get(int(s.group(1)))
                if kind and len(facts.formatted) < MAX_CELLS:
                    facts.formatted[(row - 1, col - 1)] = kind
    return facts


# Excel, LibreOffice and openpyxl write each cell as <c r="B7" ...> and each row as <row r="7" ...>:
# literal-prefixed patterns find those fast. A chunk written otherwise (no r=, r not first, a
# namespace prefix) takes the cell-by-cell scan.
_C_REF_FIRST = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,9})"')
_ROW_REF_FIRST = re.compile(rb'<row r="([0-9]{1,9})"')


def _scan_fast(text: bytes, facts: SheetFacts, label: str, styled) -> bool:
    """The same checks as the cell-by-cell scan, done by regular expressions over a whole chunk,
    when every cell and row in it carries its reference first (as Excel and most writers do);
    False (nothing counted) otherwise, and the chunk is then scanned cell by cell."""
    if b":c " in text or b":c>" in text or b":row" in text:
        return False
    cells = text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/")
    rows = text.count(b"<row ") + text.count(b"<row>") + text.count(b"<row/")
    refs = _C_REF_FIRST.findall(text)
    row_refs = _ROW_REF_FIRST.findall(text)
    if len(refs) != cells or len(row_refs) != rows:
        return False
    facts.cells += cells
    facts.rows += rows
    numbers = {r for _, r in refs}
    numbers.update(row_refs)
    if numbers:
        facts.max_row = max(facts.max_row, max(map(int, numbers)))
    letters = {c for c, _ in refs}
    if letters:
        facts.max_col = max(facts.max_col, max(column_number(c.decode()) for c in letters))
    if facts.rows > MAX_ROWS or facts.max_row > MAX_ROWS:
        raise TooBig(f"{label} has rows past row {MAX_ROWS:,}; a return has a row per school: "
                     "delete the empty rows below the table (or send it as CSV)")
    if facts.max_col > MAX_COLUMNS:
        raise TooBig(f"{label} has a cell in column {facts.max_col:,}, past the {MAX_COLUMNS} columns a return "
                     "can have; delete the columns to the right of the table and send it again")
    if facts.cells > MAX_CELLS or facts.max_row * facts.max_col > MAX_CELLS:
        raise TooBig(f"{label} spans more than {MAX_CELLS:,} cells ({facts.max_row:,} rows x "
                     f"{facts.max_col:,} columns); delete what lies outside the table and send it again")
    if styled is not None:
        pattern, kinds = styled
        for m in pattern.finditer(text):
            if len(facts.formatted) < MAX_CELLS:
                key = (int(m.group(2)) - 1, column_number(m.group(1).decode()) - 1)
                facts.formatted[key] = kinds[int(m.group(3))]
    return True


def _check_dimension(ref: str, label: str) -> None:
    refs = _AREA_REF.findall(ref)
    if not refs:
        return
    cols = max(column_number(c) for c, _ in refs)
    rows = max(int(r) for _, r in refs)
    if rows > MAX_ROWS or cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise TooBig(f"{label} says it spans {ref} ({rows:,} rows x {cols:,} columns), past the "
                     f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns a return can have; delete the empty rows "
                     "and columns around the table, save, and send it again")


def check_xlsx(data: bytes) -> dict[str, SheetFacts]:
    """Every sheet's facts (by sheet name), or TooBig / zipfile.BadZipFile."""
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as exc:
        raise zipfile.BadZipFile(str(exc)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise TooBig(f"the workbook holds {len(infos):,} parts; an Excel return has a few dozen")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise TooBig(f"the workbook would inflate to {total / 1e6:,.0f} MB, over the "
                         f"{MAX_TOTAL_BYTES / 1e6:,.0f} MB limit for a return; send the return as CSV")
        parts = _sheet_parts(zf)
        if len(parts) > MAX_SHEETS:
            raise TooBig(f"the workbook has {len(parts)} sheets, more than the {MAX_SHEETS} a return can have")
        # every part calamine may inflate: sheets, shared strings, styles, the workbook itself
        for info in infos:
            if info.filename not in parts.values():
                for _ in _inflate(zf, info, MAX_PART_BYTES, f"the part {info.filename}"):
                    pass
        kinds = _style_kinds(zf)
        facts: dict[str, SheetFacts] = {}
        for name, part in parts.items():
            try:
                info = zf.getinfo(part)
            except KeyError:
                continue
            facts[name] = _scan_sheet(zf, info, name, kinds)
        # sheets not named by the workbook (calamine may still find them): bound them too
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml") \
                    and info.filename not in parts.values():
                _scan_sheet(zf, info, info.filename, {})
        return facts
