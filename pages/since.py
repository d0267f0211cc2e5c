"""What changed since a date: returns received or resubmitted, schools crossing the recommended
time or a statutory flag (both ways), and new official Ofsted outcomes, with links to the schools.
A meeting opens it as a saved link, e.g. ?since=2026-10-01."""
import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

import lake.api
from lake import since as changes
from ui.anonymise import SMALL
from ui.layout import empty_state, page_header, update_share_link
from ui.page import start_page
from ui.tables import GRID_ROWS, downloads, first_rows_note, prepare, table
from ui.text import md_escape

LISTED = 50          # schools listed as links under the crossings table

v = start_page("since", header=False)      # the header follows the note on a since date it does not know
today = lake.api.today()
try:
    given = st.query_params.get_all("since")
except Exception:     # noqa: BLE001 (a bound parameter may refuse direct access)
    given = []
if given and changes.parse_since(given[0], today) is None:
    st.session_state.setdefault("_link_notices", []).append(
        md_escape(f"'since': {given[0][:40]!r} not recognised (a date such as 2026-10-01, no later than today)"))
page_header("What changed since", "Returns received or resubmitted, schools that crossed the recommended SENCO time "
            "or a statutory flag (either way) and new official Ofsted outcomes, since the date you choose: keep "
            "the link to open \"since the last meeting\".", v, "since")
default = changes.default_since(today)
# The date field's day, month and year parts are each about 18 px wide in Streamlit's component: give each
# the 24 px a pointer target needs (WCAG 2.2, 2.5.8).
st.html("<style>.st-key-since [role='spinbutton'] {min-width: 24px; min-height: 24px; display: inline-flex; "
        "align-items: center; justify-content: center;}</style>")
chosen = st.date_input("Changes since", value=default, min_value=dt.date(2000, 1, 1), max_value=today, key="since",
                       bind="query-params", format="DD/MM/YYYY",
                       help="Changes on or after this date are shown (for example, the date of the last meeting).")
chosen = chosen if isinstance(chosen, dt.date) else default
update_share_link({"since": chosen.isoformat()})

if not v.api.years():
    empty_state("No SENCO returns in the lake yet, so nothing has changed.")
    st.stop()
if v.api.school_year(v.filters).empty:
    empty_state()
    st.stop()
found = v.api.changes_since(v.filters, chosen)
received, crossed, ofsted = found["received"], found["crossings"], found["ofsted"]
when = f"{chosen:%-d %B %Y}"
st.markdown(f"Changes on or after **{when}**, for the schools in the current filter (returns for every "
            "academic year).")
if v.anonymised:
    st.info(f"Anonymised mode: this view does not list schools by name, only how many; counts under {SMALL} are "
            "withheld. Turn anonymised mode off to see which schools, with links to their profiles.",
            icon=":material/visibility_off:")


def count(n: int) -> str:
    """A count as shown: withheld when 1 to 4 in anonymised mode (a card's text, so it can say so)."""
    return f"<{SMALL}" if v.anonymised and 0 < n < SMALL else f"{n:,}"


def profile_link(urn, year) -> str:
    return "schools?" + urlencode({"school": int(urn), "year": year})


def linked_table(frame: pd.DataFrame, title: str, key: str, columns: dict[str, str], caption: str) -> None:
    """A table of schools with a link to each school's profile, and its downloads (every row)."""
    st.markdown(f"**{title}**")
    if first_rows_note(len(frame)):        # a national collection's first week: every school at once
        caption += " " + first_rows_note(len(frame))
    st.caption(caption)
    if frame.empty:
        st.info("None in this period.", icon=":material/event_available:")
        return
    shown = prepare(frame, v, columns)
    st.dataframe(shown.head(GRID_ROWS), hide_index=True, width="stretch",
                 column_config={"Profile": st.column_config.LinkColumn("Profile", display_text="Open profile")})
    downloads(shown.drop(columns=["Profile"]), title, key, v)


new = received[received.kind == "New return"] if not received.empty else received
resent = received[received.kind == "Resubmission"] if not received.empty else received
crossed_schools = crossed.urn.nunique() if not crossed.empty else 0
c1, c2, c3, c4 = st.columns(4)
c1.metric("New returns", count(len(new)), border=True, help="Schools' first accepted return for a year, loaded since.")
c2.metric("Resubmissions", count(len(resent)), border=True,
          help="Returns that replaced an earlier accepted return for the same school and year.")
c3.metric("Crossed a threshold or flag", count(crossed_schools), border=True,
          help="Schools whose newest return moved across the recommended SENCO time or raised or cleared a flag.")
c4.metric("New Ofsted outcomes", count(len(ofsted)), border=True,
          help="Official outcomes in the lake for inspections on or after the date.")

st.header("Returns received")
if v.anonymised:
    by_year = (received.groupby(["academic_year", "kind"]).size().reset_index(name="n")
               if not received.empty else pd.DataFrame(columns=["academic_year", "kind", "n"]))
    table(by_year.assign(Returns=by_year.n.map(count)).drop(columns=["n"]), "Returns received, by year",
          "since-received-counts", v, {"academic_year": "Academic year", "kind": "Kind", "Returns": "Returns"})
else:
    linked_table(received.assign(Profile=[profile_link(u, y) for u, y in zip(received.urn, received.academic_year)]),
                 "Returns received or resubmitted", "since-received",
                 {"school_name": "School", "urn": "URN", "Profile": "Profile", "academic_year": "Academic year",
                  "kind": "Kind", "status": "Status", "loaded_at": "Loaded at", "file_name": "File"},
                 f"Every accepted return loaded on or after {when}, newest first. A resubmission replaces the school's "
                 "earlier return for that year; the earlier one stays in the school's profile.")

st.header("Crossed the recommended time or a flag")
st.caption("Each school's newest return against the one the lake held for it on that date, or, for a school with "
           "no return then, its previous return. A blank answer on either side is not counted as a crossing.")
counts = changes.crossing_counts(crossed)
table(counts.assign(**{k: counts[k].map(count) for k in (changes.RAISED, changes.CLEARED)}),
      "Schools crossing each threshold or flag", "since-crossing-counts", v,
      {"measure": "Threshold or flag", changes.RAISED: "Raised (now below or flagged)",
       changes.CLEARED: "Cleared (now at or above, or no longer flagged)"})
if not v.anonymised:
    linked_table(crossed.assign(Profile=[profile_link(u, y) for u, y in zip(crossed.urn, crossed.after_year)]),
                 "Schools that crossed", "since-crossings",
                 {"school_name": "School", "urn": "URN", "Profile": "Profile", "measure": "Threshold or flag", "change": "Change",
                  "before_year": "Compared with (year)", "before_basis": "Compared with", "after_year": "Now (year)",
                  "before_hours": "SENCO hours before", "after_hours": "SENCO hours now"},
                 "One row per school and threshold or flag crossed.")
    if not crossed.empty:
        st.markdown("**Each school's profile, and what it crossed**")
    for urn, rows in list(crossed.groupby("urn", sort=False))[:LISTED]:
        what = "; ".join(f"{r.measure}: {r.change.lower()} ({r.before_year} → {r.after_year})"
                         for r in rows.itertuples())
        st.markdown(f"- [{md_escape(rows.school_name.iloc[0])} ({int(urn)})]"
                    f"({profile_link(urn, rows.after_year.iloc[0])}) · {md_escape(what)}")
    if crossed.urn.nunique() > LISTED:
        st.caption(f"The first {LISTED} schools are listed; the table above holds them all.")

st.header("New official Ofsted outcomes")
ofsted_loads = found["ofsted_loads"]
st.caption(f"Outcomes of inspections on or after {when}, from Ofsted's published management information. Ofsted "
           "publishes an outcome some weeks after the inspection. "
           + (f"Ofsted data last loaded {pd.Timestamp(ofsted_loads.loaded_at.max()):%-d %B %Y}."
              if not ofsted_loads.empty else "No Ofsted data has been loaded since that date."))
if v.anonymised:
    grades = ofsted.assign(grade=ofsted.inclusion.fillna("No inclusion grade (earlier framework)")) \
        .groupby("grade").size().reset_index(name="n") if not ofsted.empty else pd.DataFrame(columns=["grade", "n"])
    table(grades.assign(Schools=grades.n.map(count)).drop(columns=["n"]), "New Ofsted outcomes, by inclusion grade",
          "since-ofsted-counts", v, {"grade": "Inclusion grade", "Schools": "Schools"})
else:
    linked_table(ofsted.assign(Profile=[profile_link(u, v.year) for u in ofsted.urn]),
                 "New official Ofsted outcomes", "since-ofsted",
                 {"school_name": "School", "urn": "URN", "Profile": "Profile", "inspection_date": "Inspection date",
                  "inclusion": "Inclusion (2025 report card)",
                  "overall_effectiveness": "Overall effectiveness (pre-2025)"},
                 "Newest first.")
