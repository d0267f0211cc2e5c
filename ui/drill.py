"""Drill-through: a click on a school's point in a chart, or on a school's row in a ranked list,
opens that school's profile on the Schools page with the same filters.

Which school a point is stays on the server: a chart builder records each trace's URNs beside the
figure (`attach`), and the click's trace and point number find it. So no URN reaches the browser
in a chart, in either mode. In named mode the profile opens by URN; in anonymised mode by the
school's label, which the Schools page accepts in that mode, and never for a school anonymised
views leave out (its phase, type and size band would name it). A meeting link cannot open the
Schools page at all, so its charts take no clicks.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import links
from ui.anonymise import label_for
from ui.navigation import ADDRESSES

SCHOOLS_PAGE = "pages/schools.py"
SELECT = {"on_select": "rerun", "selection_mode": "points"}


def attach(fig: go.Figure, schools: list[list | None]) -> go.Figure:
    """Record, per trace, the school of each point (None for a trace of no schools)."""
    if any(s for s in schools):
        fig._senco_schools = schools      # a private attribute: never serialised to the browser
    return fig


def schools_of(fig: go.Figure) -> list[list | None] | None:
    return getattr(fig, "_senco_schools", None)


def in_meeting() -> bool:
    return st.session_state.get("_meeting") is not None


def selectable(fig: go.Figure) -> dict:
    """The st.plotly_chart arguments that make a chart's school points clickable, or none."""
    return dict(SELECT) if schools_of(fig) and not in_meeting() else {}


def _same(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def clicked_school(fig: go.Figure, event) -> object | None:
    """The school a chart click picked: the first selected point that is a school's own point
    (its value checked against the one drawn, so a click on a box's median picks no one)."""
    schools = schools_of(fig) or []
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points or []:
        curve, index = p.get("curve_number"), p.get("point_index", p.get("point_number"))
        if not isinstance(curve, int) or not isinstance(index, int) or not 0 <= curve < len(schools):
            continue
        ids = schools[curve]
        if not ids or not 0 <= index < len(ids):
            continue
        trace, y = fig.data[curve], p.get("y")
        if trace.type == "box" and y is None:
            continue
        if y is not None and (index >= len(trace.y) or not _same(trace.y[index], y)):
            continue
        return ids[index]
    return None


def open_school(v, urn) -> None:
    """Open the school's profile with this view's filters (stops this page's run)."""
    if urn is None or in_meeting():
        return
    if v.anonymised:
        from ui.tables import unlisted  # noqa: PLC0415 (ui.tables imports this module)
        if not v.anon_key or int(urn) in unlisted(v):
            st.caption("That school is not listed in anonymised mode: its phase, type and size band would name it.")
            return
        school = label_for(urn, v.anon_key)
    else:
        school = str(int(urn))
    # The filters and anonymised mode are widgets bound to the address: they carry over to the
    # Schools page by themselves, and only the school is added.
    st.switch_page(SCHOOLS_PAGE, query_params={"school": school})


def profile_links(frame: pd.DataFrame, v) -> list[str | None] | None:
    """Each row's link to its school's profile with this view's filters, relative to the page's own
    address (named mode only, never from a meeting link: as `open_school`), or None."""
    if v.anonymised or in_meeting() or "urn" not in frame.columns:
        return None
    params = st.session_state.get("_view_params", {})
    return [None if pd.isna(u) else links.link(ADDRESSES["schools"].lstrip("/"), {**params, "school": str(int(u))})
            for u in frame["urn"]]


def follow_chart(fig: go.Figure, event, v) -> None:
    open_school(v, clicked_school(fig, event))


def follow_row(event, urns: list, v) -> None:
    """Open the school of the selected row of a table (st.dataframe single-row selection)."""
    try:
        rows = event["selection"]["rows"]
    except (KeyError, TypeError):
        return
    if rows and 0 <= rows[0] < len(urns):
        open_school(v, urns[rows[0]])


def row_schools(frame: pd.DataFrame, shown: pd.DataFrame, v) -> list | None:
    """The URN of each row of a table as shown (anonymised tables are sorted by label and leave
    schools out), or None when its rows are not schools or a click could not open them."""
    if "urn" not in frame.columns or in_meeting() or len(frame) == 0:
        return None
    urns = pd.to_numeric(frame["urn"], errors="coerce")
    if not v.anonymised:
        return urns.tolist() if len(shown) == len(frame) else None
    if not v.anon_key or "School" not in shown.columns:
        return None
    by_label = {label_for(u, v.anon_key): u for u in urns.dropna()}
    return [by_label.get(lbl) for lbl in shown["School"]]
