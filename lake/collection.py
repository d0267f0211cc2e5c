"""Is the latest year's SENCO collection still open, and what may its figures be compared with?

While a collection runs its figures are partial: 67 returns of 79 is not a fall in the return rate,
and the median of the first 67 schools to reply is not comparable with last year's 79. So an open
collection is marked, with its deadline, and compared with last year's collection *at the same
point* (the returns loaded by the same number of days before last year's deadline, from the
`loads` table's times) or not at all, never with last year's finished figures.

When is a collection open (what an LA officer expects):

* Only the latest academic year with returns can be open; an earlier year's figures are final.
* With a deadline set (SENCO_COLLECTION_DEADLINE), the deadline belongs to the collection of the
  academic year it falls in (a December 2026 deadline is the 2026/27 collection's). That collection
  is open until the end of its deadline day. A deadline for a later year than the latest returns
  (next year's collection, set early) leaves the latest year closed; one for an earlier year is
  stale and ignored.
* Without a usable deadline: open while its academic year is running (1 September to 31 August)
  and fewer returns are in than last year's final count (or, with no last year, than the schools in
  scope). Schools that never return would otherwise keep it open all year; last year's count is
  the best sign the lake has of "everyone who will send one has".

Same point last year: last year's deadline is taken as the same date a year earlier, and the
cut-off is as many days before it as today is before this year's (without a deadline: the same
date a year ago). The comparison is made only when the lake shows returns being loaded by then
(a load of returns on or before the cut-off): a lake whose earlier years were loaded in one go
afterwards cannot say what was in at that point, and says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from lake import api as api_module
from lake import config
from lake.measures import MEASURE_BY_ID, answered, compute

# Measures over every school in scope (the rest are over schools with a return): as lake.api does.
ALL_SCHOOLS = ("schools_in_scope", "returns_received", "return_rate")
# Filters field -> school_year column, as lake.api.LakeAPI.school_year applies them.
FILTER_COLUMNS = (("la", "la_code"), ("phase", "phase"), ("school_type", "school_type"),
                  ("size_band", "size_band"), ("time_band", "time_band"), ("slt", "slt_profile"),
                  ("role", "role_profile"))


@dataclass(frozen=True)
class Collection:
    year: str
    is_open: bool
    returned: int                 # returns in (every school in scope, whatever the filters)
    in_scope: int
    deadline: dt.date | None      # this collection's deadline, when one is set for it
    last_year_final: int | None   # returns in last year's finished collection
    cutoff: dt.date | None        # the same point in last year's collection, when it can be compared
    why_not_compared: str         # when cutoff is None (and the collection is open): why

    def banner(self) -> str:
        """What every page showing this year says, e.g. "Collection open: 67 of 79 returns in, closes
        18 December 2026"."""
        text = f"Collection open: {self.returned} of {self.in_scope} returns in, "
        text += f"closes {long_date(self.deadline)}." if self.deadline else "no deadline set."
        if self.cutoff is not None:
            text += (f" Its figures are partial: changes are against last year's collection at the same point "
                     f"({long_date(self.cutoff)}), not last year's final figures.")
        else:
            text += f" Its figures are partial and not compared with last year: {self.why_not_compared}."
        return text


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def year_of(day: dt.date) -> str:
    """The academic year (1 September to 31 August) a date falls in, e.g. 2026/27."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{str(start + 1)[2:]}"


def _year_before(year: str) -> str:
    start = int(year[:4]) - 1
    return f"{start}/{str(start + 1)[2:]}"


def _a_year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:              # 29 February
        return day.replace(year=day.year - 1, day=28)


def status(api, today: dt.date | None = None) -> Collection | None:
    """The latest year's collection, open or not; None for a lake without returns."""
    year = api.current_year()
    if not year:
        return None
    today = today or api_module.today()
    key = ("collection", year, today, config.collection_deadline())
    return api._cached(key, lambda: _status(api, year, today))


def _status(api, year: str, today: dt.date) -> Collection:
    frame = api.school_year(api_module.Filters(year=year))
    in_scope = int(frame.on_register.astype(bool).sum()) if not frame.empty else 0
    returned = int((frame.has_return.astype(bool) & frame.on_register.astype(bool)).sum()) if in_scope else 0
    before = _year_before(year)
    last_final = None
    if before in api.years():
        last = api.school_year(api_module.Filters(year=before))
        last_final = int((last.has_return.astype(bool) & last.on_register.astype(bool)).sum())
    deadline = config.collection_deadline()
    if deadline is not None and year_of(deadline) != year:
        if year_of(deadline) > year:          # next year's deadline, set early: this year's figures are final
            return Collection(year, False, returned, in_scope, None, last_final, None, "")
        deadline = None                       # an earlier year's deadline, left set: not this collection's
    start = dt.date(int(year[:4]), 9, 1)
    end = dt.date(int(year[:4]) + 1, 8, 31)
    if deadline is not None:
        is_open = today <= deadline
    else:
        target = last_final if last_final else in_scope
        is_open = start <= today <= end and returned < target
    if not is_open:
        return Collection(year, False, returned, in_scope, deadline, last_final, None, "")
    if last_final is None:
        return Collection(year, True, returned, in_scope, deadline, None, None, "the lake has no returns for "
                          f"{before}")
    cutoff = (_a_year_earlier(deadline) - (deadline - today)) if deadline else _a_year_earlier(today)
    loads = api.loads()
    kept = loads[(loads.kind == "returns") & (loads.status == "loaded")] if not loads.empty else loads
    if kept.empty or pd.Timestamp(kept.loaded_at.min()).date() > cutoff:
        why = (f"the lake holds no returns loaded by {long_date(cutoff)}, so it cannot say how many of {before}'s "
               "were in at this point")
        return Collection(year, True, returned, in_scope, deadline, last_final, None, why)
    return Collection(year, True, returned, in_scope, deadline, last_final, cutoff, "")


def open_for(api, year: str | None, today: dt.date | None = None) -> Collection | None:
    """The collection when `year` is the latest one and still open, else None."""
    c = status(api, today)
    return c if c is not None and c.is_open and (year or c.year) == c.year else None


def filtered(frame: pd.DataFrame, filters) -> pd.DataFrame:
    """A whole-year school_year frame cut by the filters' other fields, as school_year cuts it."""
    if frame.empty:
        return frame
    mask = pd.Series(True, index=frame.index)
    for field_name, column in FILTER_COLUMNS:
        values = getattr(filters, field_name)
        if values:
            mask &= frame[column].isin(list(values))
    return frame[mask]


def previous_at_same_point(api, measure_id: str, filters, c: Collection) -> tuple[float | None, int]:
    """(value, n) of a measure over last year's collection as it stood at `c.cutoff`, under the filters."""
    if c.cutoff is None:
        return None, 0
    before = _year_before(c.year)
    since = c.cutoff + dt.timedelta(days=1)           # loaded on or before the cut-off day
    frame = filtered(api.school_year_as_of(before, since), replace(filters, year=before))
    frame = frame[frame.on_register.astype(bool)] if not frame.empty else frame
    measure = MEASURE_BY_ID[measure_id]
    scope = frame if measure.id in ALL_SCHOOLS or frame.empty else frame[frame.has_return.astype(bool)]
    return compute(measure, scope), answered(measure, scope)


def card_previous(api, measure_id: str, filters, previous: float | None,
                  today: dt.date | None = None) -> tuple[float | None, str, str]:
    """What a headline card compares this year's figure with: (previous value, what the change is
    "since", a note for the card's help). Last year's final figure for a closed year; for an open
    collection, last year's at the same point, or nothing."""
    c = open_for(api, filters.year, today)
    if c is None:
        return previous, "since last year", ""
    if c.cutoff is None:
        return None, "since last year", (f" The {c.year} collection is still open, so this figure is partial and "
                                         f"not compared with last year: {c.why_not_compared}.")
    value, _ = previous_at_same_point(api, measure_id, filters, c)
    return value, "since this point last year", (
        f" The {c.year} collection is still open: the change is against last year's collection as it stood on "
        f"{long_date(c.cutoff)}, the same point, not its final figures.")
