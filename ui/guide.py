"""About's long text, readable in full: definitions one per fold (not cut off in grid cells), why a
row is rejected, and a short guide for the officers who use the dashboard."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.anonymise import SMALL
from ui.tables import downloads
from ui.upload import md_escape

REJECT_REASONS = """\
A school's row is **rejected**, kept with its raw values and the reason, and never half-loaded, when it
cannot be trusted. The reason is written so the school can put it right; the Returns & data quality page
lists every rejected row with its file and row number. A row is rejected when:

- it has **no URN**, or a URN that is not 6 or 7 digits, or **no school name** or **academic year**;
- a count is **not a whole number**, or is **negative** (pupils on roll, SEN Support, EHC plans, schools the
  SENCO covers);
- **SEND pupils are more than the number on roll** (SEN Support plus EHC plans above the roll);
- **hours are not a number of hours** a week (a percentage, a sum of money, a date), or SENCO time plus teaching
  comes to more than 65 hours a week;
- a yes/no, date or choice column holds something that is not one of its values (the About data dictionary
  lists each column's values);
- the **same URN appears more than once for the same year in one file** (every copy is rejected: which one is
  right is for the school to say).

Values that are unambiguous are put right instead, and the conversion is recorded: "1.5 days" becomes hours at
the configured school-day length, "Y" becomes yes, 01/09/2021 is read day-first. A later return from the same
school for the same year replaces the earlier one, which stays in the school's history.
"""


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return md_escape(value)


def definitions(frame: pd.DataFrame, key: str | None, title: str, download_key: str, v,
                group: str | None = None) -> None:
    """Each row of a definitions table in its own fold, every field in full; the table stays
    downloadable as CSV and XLSX. `key` names the row's title column (default: the first)."""

    key = key or frame.columns[0]
    st.markdown(f"**{title}**")
    groups = frame.groupby(group, sort=False) if group else [(None, frame)]
    for name, rows in groups:
        if name is not None:
            st.markdown(f"*{md_escape(name)}*")
        for _, row in rows.iterrows():
            label = str(row[key])
            if "Template label" in frame.columns and key != "Template label":
                label += f" — {row['Template label']}"
            with st.expander(label):
                st.markdown("\n".join(f"- **{md_escape(c)}:** {_cell(row[c])}" for c in frame.columns
                                      if c not in (key, group)))
    downloads(frame, title, download_key, v)


def officers_guide() -> None:
    """A short guide for officers: sharing, anonymised mode, chasing, open collections."""
    st.header("A guide for officers")
    with st.expander("Sharing a view", icon=":material/link:", expanded=True):
        st.markdown(
            "Every page's filters and selections are part of its address. Open **Link to this view** under a "
            "page's title and copy the **team link**: a colleague who can sign in opens the same page, year, "
            "filters and school. A link fixes the view, not the figures: after more returns load, the same link "
            "shows the newer figures (the line under each title says what the data is as at). A link that only "
            "works on this computer (the address starts with localhost or 127.0.0.1) works for nobody else. For a "
            "room of schools, use the **meeting link**: anonymised, read-only and expiring, for anyone who holds "
            "it; it opens the summary pages only.")
    with st.expander("What anonymised mode hides, and what it does not", icon=":material/visibility_off:"):
        st.markdown(
            "It **hides**: school names and URNs (each school gets a stable label), pupil counts and anything "
            "worked out from them (SEND share, hours per 10 SEND pupils), census figures, official Ofsted "
            "outcomes and every date, schools whose phase, type and size band fewer than "
            f"{SMALL} schools in the LA share, and any figure resting on fewer than {SMALL} schools.\n\n"
            "It **does not hide**: the SENCO's hours, SLT membership, admin support and qualification beside each "
            "label, or the phase, type and size band of each listed school. Someone in the room who knows a "
            "school's SENCO arrangements well may still recognise it: show comparisons, not a single school's "
            "profile, and say so to the room. Whoever holds a team link can turn anonymised mode off; a meeting "
            "link cannot be.")
    with st.expander("Chasing returns", icon=":material/outgoing_mail:"):
        st.markdown(
            "**Returns & data quality** lists the schools in scope with no accepted return for the year (the chase "
            "list, downloadable for a mail merge) and every rejected row with its reason, file and row number. A "
            "school whose file arrived but was rejected still needs chasing: send it the reason, which is written "
            "for the school to act on. A resubmission replaces the school's earlier return for that year. Loading "
            "works while the dashboard is open; the page shows the new data on its next interaction.")
    with st.expander("Reading an open collection", icon=":material/hourglass_top:"):
        st.markdown(
            "While this year's returns are still coming in, every page showing the year says **Collection open**, "
            "with how many returns are in and the deadline (the `SENCO_COLLECTION_DEADLINE` setting). Its figures "
            "are partial: the first schools to reply are not the whole LA. So the headline cards compare them with "
            "**last year's collection at the same point** (the returns loaded by the same number of days before "
            "last year's deadline), or, when the lake cannot say what was in by then, with nothing at all; never "
            "with last year's finished figures. Without a deadline, the collection counts as open while its "
            "academic year runs and fewer schools have returned than last year. Once the deadline passes the "
            "figures are compared with last year's final ones as usual.")
