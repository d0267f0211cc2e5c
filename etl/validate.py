"""Validate one return row at a time, and a file's rows together (duplicates);
`validate_columns` does the same for a whole file column by column, much faster.

`validate_row` turns a row of raw cells (keyed by column name) into a clean record or a
list of problems (`domain.problems.Problem`: a stable code, the column, and a message written
for the school that sent the row). Checks across fields are declared once, in CROSS_RULES,
and both paths run every rule in that list.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.columns import COLUMNS, Column
from domain.problems import Problem, problem_for_message
from domain.vocabularies import LIST_SEPARATOR
from etl.normalise import (
    NULL_TOKENS,
    Invalid,
    Noted,
    conversion,
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


class RowResult:
    """One row checked: its clean record, and its problems (none when it loads).

    `reasons` are the problems' messages, as printed and stored. Code that only has a message
    (an official-data reader, a form's superseded response) may pass `reasons=`: each is given
    the code its message is recognised by (domain.problems)."""

    def __init__(self, row_number: int, raw: dict[str, object], record: dict[str, object] | None = None,
                 problems: list | None = None, notes: list[str] | None = None, *, reasons: list | None = None):
        self.row_number = row_number          # the row's number in the file as a person sees it
        self.raw = raw                        # the cells as received, keyed by the file's own headers
        self.record = {} if record is None else record
        self.problems: list[Problem] = [p if isinstance(p, Problem) else problem_for_message(p)
                                        for p in [*(problems or ()), *(reasons or ())]]
        self.notes = [] if notes is None else notes

    @property
    def reasons(self) -> list[str]:
        return [p.message for p in self.problems]

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __eq__(self, other) -> bool:
        if not isinstance(other, RowResult):
            return NotImplemented
        return (self.row_number, self.raw, self.record, self.problems, self.notes) == \
            (other.row_number, other.raw, other.record, other.problems, other.notes)

    def __repr__(self) -> str:
        return f"RowResult(row {self.row_number}, {self.codes or 'ok'})"


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
                result.problems.append(_missing(column))
            result.record[column.name] = None
            continue
        try:
            parsed = _parse_cached(column, value, day_hours, today, cache)
        except Invalid as exc:
            result.problems.append(_invalid(column, exc))
            result.record[column.name] = None
            continue
        if isinstance(parsed, Noted):
            result.notes.append(f"{column.label}: {parsed.note}")
            parsed = parsed.value
        if column.kind == "text" and not parsed and column.required:
            result.problems.append(_missing(column))
        result.record[column.name] = parsed
    for rule in CROSS_RULES:
        message = rule.check(*(result.record.get(name) for name in rule.reads))
        if message:
            result.problems.append(Problem(rule.code, rule.column, message))
    return result


def _missing(column: Column) -> Problem:
    return Problem("required-missing", column.name, f"{column.label} is missing")


def _invalid(column: Column, exc: Invalid) -> Problem:
    return Problem(exc.code, column.name, f"{column.label}: {exc}")


# ------------------------------------------------------- checks across fields
#
# Declared once: validate_row runs `check` on a row's clean values; validate_columns runs the
# same `check` on each distinct combination of the values a rule reads (only on the rows its
# optional `may_fail` picks out of whole columns). tests/etl/test_validate.py proves every
# rule here fires on both paths, from its own `example`.

@dataclass(frozen=True)
class CrossRule:
    code: str                                      # a key of domain.problems.CODES
    column: str                                    # the column the problem is reported against
    reads: tuple[str, ...]                         # the clean values `check` is given, in order
    check: Callable[..., str | None]               # those values (None when blank) -> message, or None
    example: dict[str, str]                        # cells that break the rule
    # On the columns as float arrays (NaN when blank): True for every row where `check` might
    # fail (more is fine, fewer is a bug); None: every row is checked.
    may_fail: Callable[..., np.ndarray] | None = None


_EXACT = 2.0 ** 52        # beyond this a float sum may round; such rows are checked in Python


def _send_above_roll(roll, sup, ehcp) -> str | None:
    if roll is not None and sup is not None and ehcp is not None and sup + ehcp > roll:
        return (f"SEND pupils (SEN Support {sup} + EHC plans {ehcp} = {sup + ehcp}) are more than the "
                f"number on roll ({roll})")
    if roll is not None and sup is not None and ehcp is None and sup > roll:
        return f"pupils at SEN Support ({sup}) are more than the number on roll ({roll})"
    if roll is not None and ehcp is not None and sup is None and ehcp > roll:
        return f"pupils with an EHC plan ({ehcp}) are more than the number on roll ({roll})"
    return None


def _send_may_fail(roll, sup, ehcp):
    with np.errstate(invalid="ignore"):
        return (sup + ehcp > roll) | (sup > roll) | (ehcp > roll) | (np.fmax(np.fmax(roll, sup), ehcp) >= _EXACT)


def _time_over_week(hours, teaching) -> str | None:
    if hours is not None and teaching is not None and hours + teaching > 65:
        return (f"SENCO time ({hours:g} h) plus teaching ({teaching:g} h) is more than 65 hours a week; "
                "check both are hours per week")
    return None


def _time_may_fail(hours, teaching):
    with np.errstate(invalid="ignore"):
        return hours + teaching > 65


CROSS_RULES: tuple[CrossRule, ...] = (
    CrossRule("send-above-roll", "number_on_roll", ("number_on_roll", "sen_support_pupils", "ehcp_pupils"),
              _send_above_roll, {"number_on_roll": "50", "sen_support_pupils": "48", "ehcp_pupils": "7"},
              _send_may_fail),
    CrossRule("time-plus-teaching-over-65", "senco_hours_per_week",
              ("senco_hours_per_week", "senco_teaching_hours_per_week"), _time_over_week,
              {"senco_hours_per_week": "40", "senco_teaching_hours_per_week": "30"}, _time_may_fail),
)


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
                res.problems.append(_duplicate(urn, year, len(rows), numbers))


def _duplicate(urn, year, times: int, numbers: str) -> Problem:
    return Problem("duplicate-in-file", "urn",
                   f"URN {urn} appears {times} times for {year} (rows {numbers}); send one row per school per year")


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
    """(values, problems, notes, conversions) for each distinct raw value, exactly as validate_row
    decides; a conversion is the clean value as shown when it differs from what was typed."""
    n = len(uniques)
    values, problems, notes, conversions = [None] * n, [None] * n, [None] * n, [None] * n
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
        value = problem = note = None
        if is_blank(raw):
            if column.required:
                problem = _missing(column)
        else:
            try:
                value = _parse(column, raw, day_hours, today)
            except Invalid as exc:
                problem = _invalid(column, exc)
            else:
                if isinstance(value, Noted):
                    note = f"{column.label}: {value.note}"
                    value = value.value
                if column.kind == "text" and not value and column.required:
                    problem = _missing(column)
                else:
                    conversions[k] = conversion(column, raw, value)
        values[k], problems[k], notes[k] = value, problem, note
    return values, problems, notes, conversions


@dataclass
class CheckedColumn:
    """One return column of a file after checking: per distinct raw value its clean value,
    problem (None when fine), note and conversion (the clean value as shown, when it differs
    from what was typed); codes map rows to them."""
    codes: np.ndarray
    values: list
    problems: list
    notes: list
    conversions: list
    uniques: list                      # the distinct raw values, as received

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
        self.extra_problems: dict[int, list[Problem]] = {}   # cross-field checks, then duplicates
        self.ok = np.ones(n, dtype=bool)

    def value(self, name: str, i: int) -> object:
        return self.columns[name].value(i)

    def _per_column(self, what: str, i: int) -> list:
        """Row i's problem or note ("problems" / "notes") from each column that has one."""
        found = (getattr(col, what)[col.codes[i]] for col in self.columns.values())
        return [x for x in found if x is not None]

    def problems(self, i: int) -> list[Problem]:
        return self._per_column("problems", i) + list(self.extra_problems.get(i, ()))

    def notes(self, i: int) -> list[str]:
        return self._per_column("notes", i)

    def result(self, i: int) -> RowResult:
        return RowResult(row_number=int(self.row_numbers[i]), raw=self.raw_of(i),
                         record={c.name: self.value(c.name, i) for c in COLUMNS},
                         problems=self.problems(i), notes=self.notes(i))

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
        values, problems, notes, conversions = _check_distinct(column, col.uniques, day_hours, today)
        checked = out.columns[column.name] = CheckedColumn(col.codes, values, problems, notes, conversions,
                                                                   col.uniques)
        bad = np.array([r is not None for r in problems], dtype=bool)
        if bad.any():
            out.ok &= ~bad[checked.codes]
    _cross_rules_columns(out)
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


def _add_problem(out: Validated, i: int, problem: Problem) -> None:
    out.extra_problems.setdefault(i, []).append(problem)
    out.ok[i] = False


def _cross_rules_columns(out: Validated) -> None:
    """Every CROSS_RULES check on whole columns: the rows a rule's `may_fail` picks (every row
    when it has none), its `check` run once per distinct combination of the values it reads."""
    if not out.n:
        return
    for rule in CROSS_RULES:
        cols = [out.columns[name] for name in rule.reads]
        if rule.may_fail is not None:
            rows = np.flatnonzero(rule.may_fail(*(_numbers(c) for c in cols)))
        else:
            rows = np.arange(out.n)
        if not len(rows):
            continue
        combos, inverse = np.unique(np.stack([c.codes[rows] for c in cols], axis=1), axis=0, return_inverse=True)
        messages = [rule.check(*(c.values[k] for c, k in zip(cols, combo))) for combo in combos.tolist()]
        for i, j in zip(rows.tolist(), inverse.ravel().tolist()):
            if messages[j]:
                _add_problem(out, i, Problem(rule.code, rule.column, messages[j]))


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
            _add_problem(out, i, _duplicate(urn_value, year_value, len(rows), numbers))
