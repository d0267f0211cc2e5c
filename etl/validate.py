"""Validate one return row at a time, and a file's rows together (duplicates);
`validate_columns` does the same for a whole file column by column, much faster.

`validate_row` turns a row of raw cells (keyed by column name) into a clean record or a
list of reasons, each written for the school that sent the row.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.columns import COLUMNS, Column
from domain.vocabularies import LIST_SEPARATOR
from etl.normalise import (
    NULL_TOKENS,
    Invalid,
    Noted,
    is_blank,
    parse_academic_year,
    parse_count,
    parse_date,
    parse_enum,
    parse_hours,
    parse_list,
    parse_text,
    parse_urn,
    parse_yesno,
)

if TYPE_CHECKING:                 # numpy is imported where arrays are made, to keep row checks light
    import numpy as np


@dataclass
class RowResult:
    row_number: int                       # the row's number in the file as a person sees it
    raw: dict[str, object]                # the cells as received, keyed by the file's own headers
    record: dict[str, object] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def _parse(column: Column, raw: object, day_hours: float, today: dt.date) -> object:
    kind = column.kind
    if kind == "urn":
        return parse_urn(raw)
    if kind == "text":
        return parse_text(raw)
    if kind == "year":
        return parse_academic_year(raw, today)
    if kind == "enum":
        return parse_enum(raw, column)
    if kind == "count":
        return parse_count(raw, column.minimum or 0, column.maximum)
    if kind == "hours":
        return parse_hours(raw, day_hours, column.minimum or 0, column.maximum)
    if kind == "yesno":
        return parse_yesno(raw)
    if kind == "date":
        return parse_date(raw, today)
    if kind == "list":
        return LIST_SEPARATOR.join(parse_list(raw)) or None
    raise AssertionError(kind)


def _parse_cached(column: Column, value: object, day_hours: float, today: dt.date,
                  cache: dict | None) -> object:
    """Parse, remembering each distinct raw value (most columns repeat a few values)."""
    if cache is None:
        return _parse(column, value, day_hours, today)
    key = (column.name, type(value).__name__, value)
    hit = cache.get(key)
    if hit is None:
        try:
            hit = (True, _parse(column, value, day_hours, today))
        except Invalid as exc:
            hit = (False, exc)
        cache[key] = hit
    if not hit[0]:
        raise hit[1]
    return hit[1]


def validate_row(cells: dict[str, object], row_number: int, raw: dict[str, object],
                 day_hours: float, today: dt.date | None = None, cache: dict | None = None) -> RowResult:
    """Check one row. `cells` maps column names to raw cell values."""
    today = today or dt.date.today()
    result = RowResult(row_number=row_number, raw=raw)
    for column in COLUMNS:
        value = cells.get(column.name)
        if is_blank(value):
            if column.required:
                result.reasons.append(f"{column.label} is missing")
            result.record[column.name] = None
            continue
        try:
            parsed = _parse_cached(column, value, day_hours, today, cache)
        except Invalid as exc:
            result.reasons.append(f"{column.label}: {exc}")
            result.record[column.name] = None
            continue
        if isinstance(parsed, Noted):
            result.notes.append(f"{column.label}: {parsed.note}")
            parsed = parsed.value
        if column.kind == "text" and not parsed and column.required:
            result.reasons.append(f"{column.label} is missing")
        result.record[column.name] = parsed
    _cross_checks(result)
    return result


def _cross_checks(result: RowResult) -> None:
    r = result.record
    roll, sup, ehcp = r.get("number_on_roll"), r.get("sen_support_pupils"), r.get("ehcp_pupils")
    if roll is not None and sup is not None and ehcp is not None and sup + ehcp > roll:
        result.reasons.append(
            f"SEND pupils (SEN Support {sup} + EHC plans {ehcp} = {sup + ehcp}) are more than the "
            f"number on roll ({roll})")
    elif roll is not None and sup is not None and ehcp is None and sup > roll:
        result.reasons.append(f"pupils at SEN Support ({sup}) are more than the number on roll ({roll})")
    elif roll is not None and ehcp is not None and sup is None and ehcp > roll:
        result.reasons.append(f"pupils with an EHC plan ({ehcp}) are more than the number on roll ({roll})")
    hours, teaching = r.get("senco_hours_per_week"), r.get("senco_teaching_hours_per_week")
    if hours is not None and teaching is not None and hours + teaching > 65:
        result.reasons.append(
            f"SENCO time ({hours:g} h) plus teaching ({teaching:g} h) is more than 65 hours a week; "
            "check both are hours per week")


def flag_duplicates(results: list[RowResult]) -> None:
    """Reject every row of a file that repeats another row's URN and academic year."""
    seen: dict[tuple, list[RowResult]] = {}
    for res in results:
        urn, year = res.record.get("urn"), res.record.get("academic_year")
        if urn is not None and year is not None:
            seen.setdefault((urn, year), []).append(res)
    for (urn, year), rows in seen.items():
        if len(rows) > 1:
            numbers = ", ".join(str(r.row_number) for r in rows)
            for res in rows:
                res.reasons.append(
                    f"URN {urn} appears {len(rows)} times for {year} (rows {numbers}); "
                    "send one row per school per year")


# ------------------------------------------------------- column by column
#
# The same checks as validate_row + flag_duplicates, done a column at a time for a whole
# file: each distinct raw value of a column is parsed once (with the same parsers and the
# same messages), values are mapped back to rows with numpy, the cross-field checks and
# duplicates are computed on arrays, and reasons are built only for the rows that have
# one. RowResult objects are made on demand (LazyResults), so a 100,000-row file that is
# nearly all good costs little more than its distinct values.
# tests/etl/test_validate_columns.py proves both give identical results.

@dataclass
class Factorised:
    """A column as codes into its distinct raw values (uniques[codes[i]] is row i's cell)."""
    codes: np.ndarray
    uniques: list

    @classmethod
    def of(cls, values: list) -> Factorised:
        """Factorise Python values, keeping 1, 1.0, True and '1' apart (as the row cache does)."""
        index: dict = {}
        uniques: list = []
        codes = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            try:
                key = (type(v).__name__, v)
                code = index.get(key)
            except TypeError:              # unhashable: never shared
                key, code = None, None
            if code is None:
                code = len(uniques)
                uniques.append(v)
                if key is not None:
                    index[key] = code
            codes[i] = code
        return cls(codes, uniques)

    def take(self, rows: np.ndarray) -> Factorised:
        return Factorised(self.codes[rows], self.uniques)


# Plain values whose result is plain to see, taken without the general parsers (which give
# the same result for them; see the comments): most of a national file's distinct URNs,
# names and counts.
_URN6 = re.compile(r"[1-9][0-9]{5}")          # _text leaves it; parse_urn -> int(raw) (100000-999999)
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")   # ASCII, single spaces: _text(raw) == raw
_DIGITS = re.compile(r"[0-9]{1,15}")          # parse_count -> int(float(raw)) == int(raw)


def _plain(column: Column, raw: object) -> tuple[bool, object]:
    """(True, value) when raw is a plain string the column's parser would return unchanged."""
    if type(raw) is not str:
        return False, None
    kind = column.kind
    if kind == "urn" and _URN6.fullmatch(raw):
        return True, int(raw)
    if kind == "text" and len(raw) <= 200 and _PLAIN_TEXT.fullmatch(raw) and raw.lower() not in NULL_TOKENS:
        return True, raw
    if kind == "count" and _DIGITS.fullmatch(raw):
        value = int(raw)
        if value >= (column.minimum or 0) and (column.maximum is None or value <= column.maximum):
            return True, value
    return False, None


def _plain_many(column: Column, uniques: list):
    """_plain for many distinct values at once, with Arrow: (values, indices still to parse),
    values holding each plain value's result; None when the values are not all strings."""
    if len(uniques) < 64 or not all(type(u) is str for u in uniques):
        return None
    try:
        arr = pa.array(uniques, pa.string())
    except (pa.ArrowException, UnicodeError):       # e.g. a lone surrogate: left to the parsers
        return None
    kind = column.kind
    # The same patterns as _URN6, _DIGITS and _PLAIN_TEXT; RE2's $ is the end of the text.
    if kind == "text":
        plain = pc.and_(pc.match_substring_regex(arr, "^[!-~]+(?: [!-~]+)*$"), pc.less_equal(pc.utf8_length(arr), 200))
        plain = pc.and_(plain, pc.invert(pc.is_in(pc.utf8_lower(arr), pa.array(sorted(NULL_TOKENS)))))
        values = pc.if_else(plain, arr, pa.scalar(None, pa.string()))
    else:
        plain = pc.match_substring_regex(arr, "^[1-9][0-9]{5}$" if kind == "urn" else "^[0-9]{1,15}$")
        ints = pc.cast(pc.if_else(plain, arr, "0"), pa.int64())
        if kind == "count":
            plain = pc.and_(plain, pc.greater_equal(ints, column.minimum or 0))
            if column.maximum is not None:
                plain = pc.and_(plain, pc.less_equal(ints, column.maximum))
        values = pc.if_else(plain, ints, pa.scalar(None, pa.int64()))
    return values.to_pylist(), np.flatnonzero(~plain.to_numpy(zero_copy_only=False)).tolist()


def _check_distinct(column: Column, uniques: list, day_hours: float, today: dt.date):
    """(values, reasons, notes) for each distinct raw value, exactly as validate_row decides."""
    n = len(uniques)
    values, reasons, notes = [None] * n, [None] * n, [None] * n
    todo: list[int] | range = range(n)
    if column.kind in ("urn", "text", "count"):
        many = _plain_many(column, uniques)
        if many is not None:
            values, todo = many
        else:
            todo = []
            for k, raw in enumerate(uniques):
                done, value = _plain(column, raw)
                if done:
                    values[k] = value
                else:
                    todo.append(k)
    for k in todo:
        raw = uniques[k]
        value = reason = note = None
        if is_blank(raw):
            if column.required:
                reason = f"{column.label} is missing"
        else:
            try:
                value = _parse(column, raw, day_hours, today)
            except Invalid as exc:
                reason = f"{column.label}: {exc}"
            else:
                if isinstance(value, Noted):
                    note = f"{column.label}: {value.note}"
                    value = value.value
                if column.kind == "text" and not value and column.required:
                    reason = f"{column.label} is missing"
        values[k], reasons[k], notes[k] = value, reason, note
    return values, reasons, notes


@dataclass
class CheckedColumn:
    """One return column of a file after checking: per distinct raw value its clean value,
    reason (None when fine) and note; codes map rows to them."""
    codes: np.ndarray
    values: list
    reasons: list
    notes: list

    def value(self, i: int) -> object:
        return self.values[self.codes[i]]

    def rows(self, per_unique: list) -> np.ndarray:
        return _objects(per_unique)[self.codes]


class Validated:
    """A file's rows checked column by column."""

    def __init__(self, n: int, row_numbers, raw_of):
        self.n = n
        self.row_numbers = np.asarray(row_numbers, dtype=np.int64)
        self.raw_of = raw_of                            # row index -> raw dict as received
        self.columns: dict[str, CheckedColumn] = {}
        self.extra_reasons: dict[int, list[str]] = {}   # cross-field checks, then duplicates
        self.ok = np.ones(n, dtype=bool)

    def value(self, name: str, i: int) -> object:
        return self.columns[name].value(i)

    def _per_column(self, what: str, i: int) -> list[str]:
        """Row i's reason or note ("reasons" / "notes") from each column that has one."""
        found = (getattr(col, what)[col.codes[i]] for col in self.columns.values())
        return [x for x in found if x is not None]

    def reasons(self, i: int) -> list[str]:
        return self._per_column("reasons", i) + list(self.extra_reasons.get(i, ()))

    def notes(self, i: int) -> list[str]:
        return self._per_column("notes", i)

    def result(self, i: int) -> RowResult:
        return RowResult(row_number=int(self.row_numbers[i]), raw=self.raw_of(i),
                         record={c.name: self.value(c.name, i) for c in COLUMNS},
                         reasons=self.reasons(i), notes=self.notes(i))

    def conversion_notes(self, rows: np.ndarray) -> np.ndarray:
        """The given rows' notes joined with '; ' (None when none), as the loader stores them."""
        out = np.full(len(rows), None, dtype=object)
        filled = np.zeros(len(rows), dtype=bool)
        for col in self.columns.values():
            noted = np.array([n is not None for n in col.notes], dtype=bool)
            if not noted.any():
                continue
            codes = col.codes[rows]
            at = np.flatnonzero(noted[codes])                      # the rows with a note here
            notes = _objects(col.notes)[codes[at]]
            first = ~filled[at]
            out[at[first]] = notes[first]
            more = at[~first]
            out[more] = out[more] + "; " + notes[~first]
            filled[at] = True
        return out


class LazyResults(Sequence):
    """The RowResult list of a file, each made when first asked for (then kept)."""

    def __init__(self, validated: Validated):
        self.validated = validated
        self._made: dict[int, RowResult] = {}

    def __len__(self) -> int:
        return self.validated.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        hit = self._made.get(i)
        if hit is None:
            hit = self._made[i] = self.validated.result(i)
        return hit

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __eq__(self, other) -> bool:
        if isinstance(other, (list, tuple, LazyResults)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"LazyResults({len(self)} rows, {int((~self.validated.ok).sum())} rejected)"

    def bad(self) -> list[RowResult]:
        """The rejected rows only, without making the good ones."""
        return [self[int(i)] for i in np.flatnonzero(~self.validated.ok)]


def validate_columns(columns: dict[str, Factorised], n: int, row_numbers, raw_of,
                     day_hours: float, today: dt.date | None = None) -> Validated:
    """validate_row for every row, then flag_duplicates, on a whole file's columns.

    `columns` maps return column names to the file's cells (absent columns are blank);
    `raw_of(i)` gives row i's raw values as received."""
    today = today or dt.date.today()
    out = Validated(n, row_numbers, raw_of)
    for column in COLUMNS:
        col = columns.get(column.name)
        if col is None:
            col = Factorised(np.zeros(n, dtype=np.int64), [None])
        values, reasons, notes = _check_distinct(column, col.uniques, day_hours, today)
        checked = out.columns[column.name] = CheckedColumn(col.codes, values, reasons, notes)
        bad = np.array([r is not None for r in reasons], dtype=bool)
        if bad.any():
            out.ok &= ~bad[checked.codes]
    _cross_checks_columns(out)
    _duplicates_columns(out)
    return out


def _objects(values: list) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def _numbers(col: CheckedColumn) -> np.ndarray:
    """The column's values per row as floats (NaN for blank)."""
    per_unique = np.array([np.nan if v is None else float(v) for v in col.values], dtype=float)
    return per_unique[col.codes]


def _add_reason(out: Validated, i: int, reason: str) -> None:
    out.extra_reasons.setdefault(i, []).append(reason)
    out.ok[i] = False


_EXACT = 2.0 ** 52        # beyond this a float sum may round; such rows are checked in Python


def _cross_checks_columns(out: Validated) -> None:
    """_cross_checks on arrays: the sums are tested with numpy, messages made per bad row."""
    c = out.columns
    roll, sup, ehcp = (_numbers(c[n]) for n in ("number_on_roll", "sen_support_pupils", "ehcp_pupils"))
    hours, teaching = _numbers(c["senco_hours_per_week"]), _numbers(c["senco_teaching_hours_per_week"])
    with np.errstate(invalid="ignore"):
        candidates = ((sup + ehcp > roll) | (sup > roll) | (ehcp > roll) | (hours + teaching > 65)
                      | (np.fmax(np.fmax(roll, sup), ehcp) >= _EXACT))
    for i in np.flatnonzero(candidates).tolist():
        result = RowResult(row_number=0, raw={}, record={n: out.value(n, i) for n in (
            "number_on_roll", "sen_support_pupils", "ehcp_pupils", "senco_hours_per_week",
            "senco_teaching_hours_per_week")})
        _cross_checks(result)                      # the row check itself, on this row's values
        for reason in result.reasons:
            _add_reason(out, i, reason)


def _duplicates_columns(out: Validated) -> None:
    """flag_duplicates on arrays: every row repeating another row's URN and academic year."""
    urn, year = out.columns["urn"], out.columns["academic_year"]
    # Different raw years ('2025-26', '2025/26') are the same year: group by the clean value.
    year_ids = pd.factorize(_objects(year.values), use_na_sentinel=True)[0]
    urn_ids = pd.factorize(_objects(urn.values), use_na_sentinel=True)[0]
    u, y = urn_ids[urn.codes], year_ids[year.codes]
    keyed = np.flatnonzero((u >= 0) & (y >= 0))
    if len(keyed) < 2:
        return
    keys = u[keyed].astype(np.int64) * (int(y.max()) + 1) + y[keyed]
    repeated = pd.Series(keys).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    groups: dict[tuple, list[int]] = {}
    for i in keyed[repeated].tolist():
        groups.setdefault((urn.value(i), year.value(i)), []).append(i)
    for (urn_value, year_value), rows in groups.items():
        numbers = ", ".join(str(int(out.row_numbers[i])) for i in rows)
        for i in rows:
            _add_reason(out, i, f"URN {urn_value} appears {len(rows)} times for {year_value} (rows {numbers}); "
                                "send one row per school per year")
