"""The one reader every official source runs through.

A source is a declarative `Spec`: for each of our columns, the header(s) it has been published
under over the years, a parser for its cells, and whether the file must have it. `read_table`
finds the header row of a CSV (any common encoding and delimiter) or workbook; `run` matches the
spec's columns to it, parses every row and accounts for each one: a row is accepted or kept as a
reject with its reasons, so rows_read = accepted + rejected always. Suppression markers in
official statistics ('NA', 'z', 'x', 'c', 'NULL', ...) mean "not available" and parse as empty.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.columns import header_key
from etl.normalise import EXCEL_EPOCH, Invalid, parse_urn
from etl.readers import NotAReturn, decode_text, numbered_csv, open_workbook, sheet_grid, sniff_delimiter
from etl.validate import RowResult

# Markers official statistics use for "not available / not applicable / suppressed".
SUPPRESSED = {"", "na", "n/a", "n.a.", "z", "x", "c", "u", ":", ".", "..", "-", "null", "none",
              "low", "supp", "suppressed", "not applicable", "not available"}


class FileProblem(ValueError):
    """The whole file cannot be loaded as the kind asked for."""


# ------------------------------------------------------------------ values

def empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def text(v: object) -> str:
    if empty(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", " ", str(v).replace("\u00a0", " ").replace("\ufeff", "")).strip()


def suppressed(v: object) -> bool:
    return text(v).lower() in SUPPRESSED


def fold(s: object) -> str:
    return re.sub(r"[^a-z0-9+]", "", text(s).lower())


# Parsers: (cell, label as published) -> value, or raise Invalid with a one-line reason.

def as_text(v: object, label: str = "") -> str | None:
    s = text(v)
    return None if s.lower() in SUPPRESSED else s


def as_urn(v: object, label: str = "URN") -> int:
    if empty(v):
        raise Invalid(f"{label} is missing")
    try:
        return parse_urn(v)
    except Invalid as exc:
        raise Invalid(str(exc).replace("URN '", f"{label} '", 1)) from None


def as_count(v: object, label: str) -> int | None:
    if suppressed(v):
        return None
    s = text(v).replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise Invalid(f"{label} '{text(v)}' is not a number") from None
    if not math.isfinite(value) or not value.is_integer():
        raise Invalid(f"{label} '{text(v)}' is not a whole number")
    if value < 0:
        raise Invalid(f"{label} '{text(v)}' is negative")
    return int(value)


def as_share(v: object, label: str = "") -> float | None:
    """A published percentage as a share (12.6 -> 0.126); None when not a number."""
    if suppressed(v):
        return None
    try:
        value = float(text(v).rstrip("%"))
    except ValueError:
        return None
    return round(value / 100, 6) if math.isfinite(value) else None


def as_la_code(v: object, label: str = "") -> int | None:
    s = text(v)
    return int(s) if re.fullmatch(r"\d{3}", s) else None


def as_date(v: object, label: str) -> dt.date | None:
    """Dates as DfE and Ofsted publish them: DD-MM-YYYY, DD/MM/YYYY, ISO, Excel serials.
    The register's placeholder 01-01-1900 (date not known) reads as empty."""
    if isinstance(v, dt.datetime):
        value = v.date()
    elif isinstance(v, dt.date):
        value = v
    elif suppressed(v):
        return None
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if not 1 <= v <= 80000:
            raise Invalid(f"{label} '{v}' is not a date")
        value = EXCEL_EPOCH + dt.timedelta(days=int(v))
    else:
        s = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", text(v))
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
                value = dt.date(int(m[1]), int(m[2]), int(m[3]))
            elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", s):
                year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
                if len(m[3]) == 2 and year > dt.date.today().year + 1:
                    year -= 100
                value = dt.date(year, int(m[2]), int(m[1]))
            else:
                raise ValueError
        except ValueError:
            raise Invalid(f"{label} '{text(v)}' is not a date (expected DD/MM/YYYY)") from None
    if value.year <= 1900:
        return None
    return value


def one_of(choices: dict[str, object]) -> Callable[[object, str], object]:
    """A parser for a closed list: folded published word -> our value."""
    def parse(v: object, label: str) -> object:
        if suppressed(v):
            return None
        key = fold(v)
        if key in choices:
            return choices[key]
        shown = sorted({str(c) for c in choices.values() if c is not None})
        raise Invalid(f"{label} '{text(v)}' is not one of: {', '.join(shown)}")
    return parse


# ----------------------------------------------------------------- specs

@dataclass(frozen=True)
class Column:
    name: str                                   # our column
    headers: tuple[str, ...]                    # as published, newest first, then earlier years' spellings
    parse: Callable[[object, str], object] = as_text
    required: bool = False                      # the file is not this source without it

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(header_key(h) for h in self.headers)


@dataclass(frozen=True)
class Spec:
    what: str                                   # the source as a user would name it, for messages
    columns: tuple[Column, ...]
    one_of: tuple[str, ...] = ()                # at least one of these columns must be present

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass
class Table:
    """Rows of a file: each row's cells, and the file's own header."""
    headers: list[str]
    keys: set[str]
    rows: list[tuple[int, list[object]]]


@dataclass
class Parsed:
    """What reading one file gave: accepted records by table, rejects, and the count."""
    source: str
    rows_read: int = 0
    accepted: int = 0
    rejects: list[RowResult] = field(default_factory=list)
    schools: list[dict] = field(default_factory=list)
    school_mode: str = "replace"          # replace | fill | names
    census: list[dict] = field(default_factory=list)
    ofsted: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)
    source_file: str = ""
    note: str = ""                        # one line for the load report, e.g. the file's "as at" date


@dataclass
class Row:
    number: int
    cells: list[object]
    rec: dict


def match(spec: Spec, table: Table) -> dict[str, tuple[int, str]]:
    """Our column -> (index in the file, header as published there)."""
    keys = [header_key(h) for h in table.headers]
    out: dict[str, tuple[int, str]] = {}
    for c in spec.columns:
        for key in c.keys:
            if key in keys:
                j = keys.index(key)
                out[c.name] = (j, table.headers[j])
                break
    missing = [c.headers[0] for c in spec.columns if c.required and c.name not in out]
    need_one = spec.one_of and not any(n in out for n in spec.one_of)
    if missing or need_one:
        parts = []
        if missing:
            parts.append("required column(s) missing: " + ", ".join(missing))
        if need_one:
            parts.append("needs at least one of: " + ", ".join(spec.column(n).headers[0] for n in spec.one_of))
        article = "an" if spec.what[:1].lower() in "aeiou" else "a"
        raise FileProblem(f"not {article} {spec.what}: " + "; ".join(parts))
    return out


def run(spec: Spec, table: Table, parsed: Parsed,
        check: Callable[[dict], list[str]] | None = None, fixed: dict | None = None) -> list[Row]:
    """Parse every row by the spec. Rows with a reason go to parsed.rejects; the rest are returned."""
    cols = match(spec, table)
    good: list[Row] = []
    for number, cells in table.rows:
        parsed.rows_read += 1
        rec: dict[str, object] = dict(fixed or {})
        reasons: list[str] = []
        for c in spec.columns:
            if c.name not in cols:
                rec.setdefault(c.name, None)
                continue
            j, label = cols[c.name]
            try:
                rec[c.name] = c.parse(cells[j] if j < len(cells) else None, label)
            except Invalid as exc:
                rec[c.name] = None
                reasons.append(str(exc))
        if not reasons and check:
            reasons += check(rec)
        if reasons:
            reject(parsed, table, number, cells, reasons, rec)
            continue
        good.append(Row(number, cells, rec))
    return good


def reject(parsed: Parsed, table: Table, number: int, cells: list[object], reasons: list[str],
           rec: dict) -> None:
    urn = rec.get("urn")
    if urn is None:
        j = next((i for i, h in enumerate(table.headers) if header_key(h) in ("urn", "schoolurn")), None)
        urn = text(cells[j]) if j is not None and j < len(cells) else None
    parsed.rejects.append(RowResult(row_number=number, raw=raw(table, cells),
                                    record={"urn": str(urn) if urn not in (None, "") else None,
                                            "school_name": rec.get("school_name"),
                                            "academic_year": rec.get("census_year")},
                                    reasons=reasons))


def reject_duplicates(parsed: Parsed, table: Table, good: list[Row], key: Callable[[dict], object],
                      what: str) -> list[Row]:
    """Reject every row whose key repeats another row's: which one is right is unknowable."""
    groups: dict[object, list[int]] = {}
    for r in good:
        groups.setdefault(key(r.rec), []).append(r.number)
    kept = []
    for r in good:
        numbers = groups[key(r.rec)]
        if len(numbers) > 1:
            reject(parsed, table, r.number, r.cells,
                   [f"URN {r.rec['urn']} appears {len(numbers)} times{what} (rows "
                    f"{', '.join(map(str, numbers))}); the file should have one row per school"], r.rec)
        else:
            kept.append(r)
    return kept


def raw(table: Table, cells: list[object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for j, v in enumerate(cells):
        h = table.headers[j] if j < len(table.headers) and table.headers[j] else f"column {j + 1}"
        if not (empty(v) and j >= len(table.headers)):
            out[h] = v
    return out


# --------------------------------------------------------------- reading

HEADER_KEYS = {"urn", "schoolurn"}


def read_table(data: bytes) -> Table:
    """The first table in a CSV (any common encoding and delimiter) or workbook whose
    header row names a URN column."""
    if not data.strip():
        raise FileProblem("the file is empty")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_workbook(data)
    try:
        decoded = decode_text(data)
    except NotAReturn:
        raise FileProblem("the file is not a CSV text file or a spreadsheet (it looks binary)") from None
    # The return reader's sniffing, scored by the widest row that names a URN column.
    delim = sniff_delimiter(decoded, lambda r: len(r) if any(header_key(c) in HEADER_KEYS for c in r) else 0, 30)
    try:
        numbered = numbered_csv(decoded, delim)       # the return reader's own: the same limits
    except NotAReturn as exc:
        raise FileProblem(str(exc)) from None
    return _table_from_grid(numbered)


def _read_workbook(data: bytes) -> Table:
    kind = "xlsx" if data[:4] == b"PK\x03\x04" else "xls"
    try:   # checked inside the zip before calamine, like a return: a small file can ask for a huge grid
        wb, _ = open_workbook(data, kind, what="an official data file")
    except NotAReturn as exc:
        raise FileProblem(str(exc)) from None
    for name in wb.sheet_names:
        try:
            grid, _ = sheet_grid(wb, name, kind)
        except BaseException as exc:     # calamine raises several kinds, and panics: the sheet is passed over
            if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
                raise
            continue
        try:
            return _table_from_grid([(i + 1, list(r)) for i, r in enumerate(grid)])
        except FileProblem:
            continue
    raise FileProblem("no sheet in the workbook has a header row with a URN column")


def _table_from_grid(numbered: list[tuple[int, list[object]]]) -> Table:
    for i, (_, row) in enumerate(numbered[:30]):
        keys = {header_key(c) for c in row if isinstance(c, str)}
        if keys & HEADER_KEYS:
            headers = [str(c).strip() if c is not None else "" for c in row]
            body = [(n, r) for n, r in numbered[i + 1:] if any(not empty(c) for c in r)]
            return Table(headers=headers, keys={header_key(h) for h in headers}, rows=body)
    raise FileProblem("no header row with a URN column was found in the first 30 rows")
