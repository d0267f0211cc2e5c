"""The filters every page shares, defined once.

Each entry of FILTERS is one filter: the `Filters` field it fills, the URL query parameter
(also the sidebar widget's key), the sidebar label, the column of the school-year frame it
narrows (its SQL, parameterised) and where its choices come from. From this list come the
`Filters` type, its WHERE clause (`where_sql`), the sidebar widgets (ui/filters.py), the share
link's query (`to_query`) and the reading of a link (`from_query`). Adding a filter is one
entry here, plus the column it narrows in the frame.

A link may also pin the figures to the data as it stood at a date (`as_at`): ?as_at=2026-10-01
means the end of that day, ?as_at=2026-11-30T14:05:00 that moment (the link box pins to the
moment it is drawn). Not a sidebar filter, but part of the view, so a field of `Filters` and of
the link.

This module imports nothing of the project: etl, lake, ui and pages all read it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from domain.vocabularies import ROLE_PROFILES, SIZE_BANDS, SLT_PROFILES, TIME_BANDS  # noqa: F401 (re-exported)

# The bands and profiles the frame's derived columns fall into (their SQL is in lake/api.py).

# Where a filter's choices come from when they are not fixed: a question for the lake's read API.
YEARS, LAS, PHASES, SCHOOL_TYPES = "years", "las", "phase", "school_type"

ANON = "anon"            # anonymised mode's URL parameter (a view setting, not a filter of schools)
AS_AT = "as_at"          # the date a pinned link's figures are taken at


@dataclass(frozen=True)
class FilterSpec:
    field: str                          # the Filters attribute
    param: str                          # URL query parameter and sidebar widget key
    label: str                          # sidebar label
    choices: tuple[str, ...] | str      # fixed values, or YEARS / LAS / PHASES / SCHOOL_TYPES
    column: str | None = None           # school-year column it narrows; None: the year, a query parameter
    multi: bool = True                  # several values (tuple) or one (str | None)
    section: str = ""                   # sidebar group: "" at the top, else an expander's title
    placeholder: str = "All"
    help: str = ""
    integer: bool = False               # values are whole numbers (LA codes) in Filters, text in the URL


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("year", "year", "Academic year", YEARS, multi=False, help="The year of the SENCO returns shown."),
    FilterSpec("la", "la", "Local authority", LAS, "la_code", integer=True,
               help="Compare one or more LAs; with none chosen, every LA in the lake is shown."),
    FilterSpec("phase", "phase", "Phase", PHASES, "phase", placeholder="All phases"),
    FilterSpec("school_type", "type", "School type", SCHOOL_TYPES, "school_type", placeholder="All types"),
    FilterSpec("size_band", "size", "Size (pupils on roll)", SIZE_BANDS, "size_band", placeholder="All sizes"),
    FilterSpec("time_band", "time", "SENCO time", TIME_BANDS, "time_band", section="SENCO profile",
               placeholder="Any"),
    FilterSpec("slt", "slt", "Leadership", SLT_PROFILES, "slt_profile", section="SENCO profile", placeholder="Any"),
    FilterSpec("role", "role", "Role", ROLE_PROFILES, "role_profile", section="SENCO profile", placeholder="Any"),
)
BY_PARAM = {f.param: f for f in FILTERS}
PARAMS = tuple(f.param for f in FILTERS)


def _previous_year(self):
    """The same filters a year earlier (None without a year)."""
    if not self.year:
        return None
    start = int(self.year[:4]) - 1
    return dataclasses.replace(self, year=f"{start}/{str(start + 1)[2:]}")


Filters = dataclasses.make_dataclass(
    "Filters",
    [(f.field, tuple if f.multi else str | None, dataclasses.field(default=() if f.multi else None))
     for f in FILTERS] + [(AS_AT, dt.date | None, dataclasses.field(default=None))],
    frozen=True,
    namespace={"previous_year": _previous_year,
               "__doc__": "What the user has chosen: one field per entry of FILTERS, and the as-at date a link "
                          "may pin its figures to."})
Filters.__module__ = __name__          # pickles and reprs as domain.filters.Filters


def where_sql(filters) -> tuple[list[str], dict[str, list]]:
    """The WHERE conditions (over the school-year frame's columns) and their parameters for the
    chosen filters; the year and as-at date are parameters of the frame's own query."""
    where: list[str] = []
    params: dict[str, list] = {}
    for f in FILTERS:
        values = getattr(filters, f.field)
        if f.column and values:
            where.append(f"{f.column} IN (SELECT unnest(${f.field}))")
            params[f.field] = list(values)
    return where, params


def to_query(filters, anonymised: bool = False) -> dict[str, str | list[str]]:
    """The link's query for a view: every filter spelled out (the year too, so a link or bookmark
    keeps its year when a newer one arrives), anonymised mode when on, the as-at date when pinned."""
    query: dict[str, str | list[str]] = {}
    for f in FILTERS:
        value = getattr(filters, f.field)
        if f.multi and value:
            query[f.param] = [str(x) for x in value]
        elif not f.multi and value:
            query[f.param] = str(value)
    if anonymised:
        query[ANON] = "true"
    if getattr(filters, AS_AT):
        query[AS_AT] = getattr(filters, AS_AT).isoformat()
    return query


def parse_as_at(text: str | None, now: dt.datetime) -> dt.date | dt.datetime | None:
    """The date of ?as_at=YYYY-MM-DD (or the moment of YYYY-MM-DDTHH:MM:SS), or None for anything
    else, a time still to come included."""
    text = (text or "").strip()
    try:
        when: dt.date = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if isinstance(when, dt.datetime):
        if when.tzinfo is not None:         # the lake's load times are the server's local time
            when = when.astimezone().replace(tzinfo=None)
        return when if when <= now else None
    return when if when <= now.date() else None


def as_at_end(as_at: dt.date) -> dt.datetime:
    """The first moment after the data a pinned view shows: loads before it count."""
    if isinstance(as_at, dt.datetime):
        return as_at + dt.timedelta(seconds=1)
    return dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time())


def from_query(query: Mapping[str, list[str]], choices: Mapping[str, list[str]],
               aliases: Mapping[str, Mapping[str, str]] | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """The known values a link's query gives each filter (by URL parameter) and a note for each
    filter whose values this lake does not know (the values are left out). `aliases` maps other
    spellings a link may use to a choice, e.g. an LA's label to its code."""
    chosen: dict[str, list[str]] = {}
    notes: list[str] = []
    for f in FILTERS:
        given = list(query.get(f.param) or [])
        allowed = set(choices.get(f.param, []))
        alias = (aliases or {}).get(f.param, {})
        known, bad = [], []
        for value in given:
            value = value if value in allowed else alias.get(value, value)
            if value in allowed:
                if value not in known:
                    known.append(value)
            else:
                bad.append(value)
        if not f.multi:
            known = known[:1]
        chosen[f.param] = known
        if bad:
            notes.append(f"'{f.param}': {', '.join(repr(b[:40]) for b in bad[:3])} not recognised")
    return chosen, notes


def make(chosen: Mapping[str, list[str]], as_at: dt.date | None = None):
    """Filters from the values chosen for each URL parameter (as from_query or the sidebar gives them)."""
    kwargs: dict = {}
    for f in FILTERS:
        values = list(chosen.get(f.param) or [])
        if f.integer:
            values = [int(v) for v in values]
        kwargs[f.field] = tuple(values) if f.multi else (values[0] if values else None)
    return Filters(**kwargs, **{AS_AT: as_at})
