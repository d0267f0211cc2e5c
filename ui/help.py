"""Help where it is needed: what the figures are "as at", where they come from, whether this year's
collection is still open, and whom to ask.

`coverage(api)` is Streamlit-free (what each kind of data covers and when it was loaded, for About's
freshness table and the line under every page's title); `page_context(v)` draws that line, the
open-collection notice and the team's contact, once per page (from `ui.layout.page_header`).
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lake import api as api_module
from lake import collection, config
from lake.api import Filters
from ui.upload import md_escape

KIND_LABELS = {"returns": "SENCO returns", "gias": "Register of schools (GIAS)", "census": "School census counts",
               "ofsted": "Ofsted outcomes", "benchmarks": "National benchmarks", "demo": "Demo data"}
_FILE_DATE = re.compile(r"(20\d{2})(\d{2})(\d{2})")


def _when(value) -> str:
    """A load time as people read it: 30 November 2026, 20:10."""
    if value is None or pd.isna(value):
        return "not known"
    t = pd.Timestamp(value)
    return f"{t.day} {t:%B %Y}, {t:%H:%M}"


def census_period(census_year: str) -> str:
    """The period a census year's counts describe: 2018/19 → "January 2019 census (2018/19)"."""
    try:
        return f"January {int(census_year[:4]) + 1} census ({census_year})"
    except (TypeError, ValueError):
        return str(census_year)


def coverage(api) -> pd.DataFrame:
    """One row per kind of data in the lake: what it covers (the period), when it was last loaded and
    how many files. A census loaded today still describes January 2019; the period says so."""
    loads = api.loads()
    rows = []
    if loads.empty:
        return pd.DataFrame(columns=["Data", "Covers", "Last loaded", "Files loaded"])
    ok = loads[loads.status == "loaded"] if "status" in loads.columns else loads
    year = api.current_year()
    frame = api.school_year(Filters(year=year)) if year else pd.DataFrame()
    order = {k: i for i, k in enumerate(KIND_LABELS)}
    for kind, group in sorted(ok.groupby("kind"), key=lambda kg: order.get(kg[0], len(order))):
        latest = group.sort_values("loaded_at").iloc[-1]
        covers = "–"
        if kind == "returns":
            years = sorted(api.years())
            covers = (f"Academic years {years[0]} to {years[-1]}" if len(years) > 1 else
                      f"Academic year {years[0]}") if years else "No returns accepted"
            c = collection.status(api)
            if c is not None and c.is_open:
                covers += f" ({c.year} still being collected: {c.returned} of {c.in_scope} in)"
        elif kind == "census":
            years = api.census_years().census_year.dropna().tolist()
            covers = ", ".join(census_period(y) for y in years[-3:]) if years else "–"
        elif kind == "ofsted":
            as_at = frame.ofsted_as_at.dropna().max() if "ofsted_as_at" in frame.columns and len(frame) else None
            covers = (f"Inspections published as at {pd.Timestamp(as_at).day} {pd.Timestamp(as_at):%B %Y}"
                      if as_at is not None and not pd.isna(as_at) else "–")
        elif kind == "gias":
            dated = [m for m in (_FILE_DATE.search(str(n)) for n in group.file_name) if m]
            if dated:
                y, m, d = max(dated, key=lambda m: m.group(0)).groups()
                t = pd.Timestamp(int(y), int(m), int(d))
                covers = f"Register as at {t.day} {t:%B %Y}"
            else:
                covers = "Register as downloaded (the file name gives no date)"
        elif kind == "benchmarks":
            covers = "National figures, each with its own source and year (About lists them)"
        rows.append({"Data": KIND_LABELS.get(kind, kind), "Covers": covers, "Last loaded": _when(latest.loaded_at),
                     "Files loaded": int(len(group))})
    return pd.DataFrame(rows, columns=["Data", "Covers", "Last loaded", "Files loaded"])


def as_at_line(api) -> str:
    """One line for under a page's title: the data as at its last load, and the sources behind it.
    Drawn on every run of every page, so worked out once per lake version (and day)."""
    return api._cached(("as_at_line", api_module.today(), config.collection_deadline()), lambda: _as_at_line(api))


def _as_at_line(api) -> str:
    loads = api.loads()
    if loads.empty:
        return "No data loaded yet."
    table = coverage(api).set_index("Data")["Covers"]
    short = {"SENCO returns": "SENCO returns", "School census counts": "school census",
             "Register of schools (GIAS)": "register of schools (GIAS)", "Ofsted outcomes": "Ofsted"}
    parts = []
    for label, name in short.items():
        if label in table.index:
            covers = table[label].split(" (")[0]
            for long, brief in (("Academic years ", ""), ("Academic year ", ""), ("Register as at ", "as at "),
                                ("Inspections published as at ", "as at "), (" census", ""),
                                ("Register as downloaded", "")):
                covers = covers.replace(long, brief)
            parts.append(f"{name} {covers}".strip())
    return (f"Data as at {_when(loads.loaded_at.max())} (latest load). Sources: " + "; ".join(parts)
            + ". About says more.")


def contact_text() -> str | None:
    """The team's contact as plain text, or None (SENCO_TEAM_CONTACT)."""
    try:
        return config.team_contact()
    except config.SettingError:
        return None          # view() has already said so, once, in place of the page


def page_context(v) -> None:
    """Draw the page's "data as at" line, the open-collection notice for the year in view and the
    team's contact in the sidebar. Text from settings and files is escaped, never HTML."""

    st.caption(md_escape(as_at_line(v.api)))
    c = collection.open_for(v.api, v.filters.year)
    if c is not None:
        st.info(md_escape(c.banner()), icon=":material/hourglass_top:")
    contact = contact_text()
    if contact:
        st.sidebar.caption("Questions about this dashboard: " + md_escape(contact))
