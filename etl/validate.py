"""Validate one return row at a time, and a file's rows together (duplicates).

`validate_row` turns a row of raw cells (keyed by column name) into a clean record or a
list of reasons, each written for the school that sent the row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from etl.columns import COLUMNS, Column
from etl.normalise import (Invalid, Noted, is_blank, parse_academic_year, parse_count,
                           parse_date, parse_enum, parse_hours, parse_list, parse_text, parse_urn,
                           parse_yesno)


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
        return parse_academic_year(raw)
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
        return "; ".join(parse_list(raw)) or None
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
