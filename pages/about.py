"""About: what the dashboard is for, every measure's definition, the data dictionary, data
sources and their dates, how the demo data was made, and the accessibility statement."""
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.columns import dictionary_rows
from lake import config
from lake.measures import flags_table, measures_table
from ui import guide
from ui.accessibility import ACCESSIBILITY_EXCEPTIONS
from ui.help import contact_text, coverage
from ui.page import start_page
from ui.tables import table
from ui.text import md_escape

OPEN_DATA_SOURCES = Path(__file__).resolve().parent.parent / "data" / "open" / "SOURCES.md"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# The About page needs no filters, but drawing them keeps the URL-bound filters (and
# anonymised mode) in the link when people move on to another page.
v = start_page("about", "What this dashboard is for, how every figure is defined, where the data comes from and "
               "how fresh it is, and how the dashboard meets accessibility standards.")
info = v.api.info()

st.header("What this dashboard is for")
st.markdown(
    "Every mainstream school and maintained nursery school must have a SENCO (Special Educational Needs "
    "Co-ordinator; Children and Families Act 2014 s.67), and special schools usually have one too, but the time, "
    "status and support schools give the role vary widely. Each year the local authority collects a **SENCO return** from every "
    "school. This dashboard lets the inclusion team see, compare and act on those returns: which schools give "
    "their SENCO too little time for the size of their SEND cohort, which SENCOs sit on the senior leadership "
    "team, who has administrative support, who lacks the mandatory qualification, and how all of that lines up "
    "with Ofsted's published outcomes and schools' own view of the progress of pupils with SEND.\n\n"
    "Every page's filters are part of its link, so a link shared at a meeting reopens the same view. "
    "**Anonymised mode**, for showing comparisons to a room of schools, replaces school names with stable labels "
    "that only this lake's key produces, leaves out beside each label the public figures that would name a school "
    "(pupil counts and anything worked out from them, census figures, official Ofsted outcomes, dates), does not "
    "list a school whose phase, type and size band fewer than 5 schools in its LA share, and hides any figure "
    "resting on fewer than 5 schools. Every table can be downloaded as CSV or XLSX.")

st.header("Which schools are counted")
st.markdown(
    "A school is **in scope** for an academic year (1 September to 31 August) when the register of schools "
    "(GIAS) lists it as a **state-funded school** of the local authority that was **open at some point in that "
    "year**. These are the schools the local authority collects the SENCO return from and works with on SEND.\n\n"
    "- **In:** local-authority-maintained schools (community, foundation and voluntary schools, maintained "
    "nursery schools and pupil referral units), academies and free schools (including university technical "
    "colleges and studio schools), and state-funded special schools.\n"
    "- **Out:** independent schools, including independent special schools, and non-maintained special schools "
    "(run by their proprietors, not funded or maintained as state schools); further education colleges (not "
    "schools); Welsh establishments (under Welsh law and a Welsh authority); and schools still *proposed to "
    "open*.\n\n"
    "A school that converts to an academy closes under its old URN and opens under a new one. GIAS links the two "
    "(the new URN is the old one's *successor*), and the dashboard counts them as **one school, under its current "
    "URN**: a return sent under the old URN in the year of conversion counts for it, earlier returns stay in its "
    "history, and it appears on the chase list once. Load the GIAS links file (`links_edubasealldata*.csv`) "
    "beside the register for this to work.")

st.header("Measures")
st.caption(f"Every figure the dashboard shows is defined once, here. The recommended SENCO time is "
           f"{config.recommended_days():g} days a week ({config.recommended_hours():g} hours at "
           f"{config.school_day_hours():g} hours a day); days written in returns are converted at the same rate.")
guide.definitions(measures_table(), "Measure", "Measure definitions", "about-measures", v, group="Page")

st.header("Flags and the law behind them")
st.markdown(
    "A **statutory flag** means a return reports something the law requires and the school does not have. Each "
    "applies only to the schools its duty covers: the SENCO duties to mainstream and maintained nursery schools, "
    "never to special schools, pupil referral units, alternative provision or 16-19 institutions. "
    "**Checks** are shown apart and never counted in \"any statutory flag\": one warns early of a qualification "
    "course that cannot count, the others follow the SEND Code of Practice, which is guidance, not statute. "
    "Dated flags are judged at the end of the academic year the return describes, or today while it runs.")
guide.definitions(flags_table(), "Flag", "Flags, their legal source and the schools they apply to", "about-flags", v)

st.header("Data dictionary")
st.caption("The columns of the SENCO return. CSV files use the column names as headers; the template workbook "
           "uses the labels. Either is accepted, with case, spaces and punctuation ignored. The blank template is on "
           "the Returns & data quality page.")
guide.definitions(pd.DataFrame(dictionary_rows()), None, "Data dictionary", "about-dictionary", v)

st.header("Why a row is rejected")
st.markdown(guide.REJECT_REASONS)

st.header("Data sources")
st.subheader("Official open data")
if OPEN_DATA_SOURCES.exists():
    text = OPEN_DATA_SOURCES.read_text(encoding="utf-8")
    text = re.sub(r"^#[^\n]*\n", "", text.lstrip(), count=1)          # the file's own title
    st.markdown(text.strip())
else:
    st.caption("The list of bundled open data files (data/open/SOURCES.md) is missing from this installation.")
st.markdown("Official Ofsted outcomes, including the 2025 report-card **inclusion** grade, come from Ofsted's "
            "published management information, joined by URN. Where a school's return and the official data both "
            "give an Ofsted view, the dashboard shows the official one and says so.")

st.subheader("National benchmarks")
st.caption("Figures set beside the measures, each with its source, year and what was counted. They are stored as "
           "data, not written into the code. Survey figures are shares of the SENCOs who answered, not of schools; "
           "the England SEND and EHC plan shares are computed from the school census counts loaded, for the year "
           "in view or the nearest earlier year loaded (the figure says which). Figures are rounded half up, as "
           "DfE rounds them.")
table(v.api.benchmarks(), "National benchmarks", "about-benchmarks", v,
      {"benchmark_id": "Benchmark", "phase": "Phase", "value": "Value", "unit": "Unit", "source": "Source",
       "year": "Year", "note": "Note"})

st.subheader("Freshness")
table(coverage(v.api), "Freshness of the data in the lake", "about-freshness", v,
      caption="What each kind of data covers (a census loaded today still describes its January), and when it was "
              "last loaded. The Returns & data quality page lists every file loaded.")

st.header("Contact")
contact = contact_text()
if contact:
    st.markdown("Questions about the dashboard, its figures or a school's return: " + md_escape(contact) + ".")
else:
    st.markdown("No contact has been set for the team that runs this dashboard. An administrator can set one with "
                "the `SENCO_TEAM_CONTACT` setting (plain text: a team name, email address or telephone number); it "
                "is then shown here and in the sidebar of every page.")

guide.officers_guide()

if info.get("demo") == "true":
    st.header("About the demo data")
    description = info.get("demo_description")
    if description:
        st.markdown(md_escape(description))
    st.markdown(
        "No public file records SENCO time, SLT membership, administrative support or SENCO qualification for "
        "each school, so the SENCO returns in this demo are **synthetic**: generated by a seeded program, the "
        "same every time, and labelled as demo data on every page. The Ofsted outcomes in the demo are "
        "synthetic too. The schools, their types and their census pupil counts are real open data. Do not read "
        "anything about a real school into the demo's SENCO figures.")

st.header("Licence")
st.markdown(f"{OGL} See the [Open Government Licence v3.0]({OGL_URL}).")

st.header("Accessibility statement")
st.markdown(
    "This dashboard aims to meet the **Web Content Accessibility Guidelines (WCAG) 2.2 at level AA**.\n\n"
    "**How it is tested.** On every change, automated tests open every page in a real (headless Chromium) "
    "browser, in its default, filtered, anonymised and empty states and with folded content expanded, and run "
    "the axe-core WCAG 2.2 AA checks on each. They also follow a keyboard-only journey (moving between pages, "
    "changing filters and reading a table without a mouse) and check that pages reflow without sideways "
    "scrolling at a width of 320 CSS pixels (WCAG 1.4.10). Charts use colour together with shapes, patterns "
    "and labels, and every chart has a text summary and a table alternative with the same numbers.")
st.subheader("Known exceptions")
if ACCESSIBILITY_EXCEPTIONS:
    st.caption("The automated checks allow exactly these exceptions, and no others.")
    exceptions = pd.DataFrame(ACCESSIBILITY_EXCEPTIONS).reindex(columns=["rule", "where", "reason", "status"])
    table(exceptions, "Known accessibility exceptions", "about-a11y", v,
          {"rule": "Rule (axe-core)", "where": "Where", "reason": "Why", "status": "Status"})
else:
    st.markdown("None known: the automated checks currently allow no exceptions.")
st.subheader("Reporting a problem")
st.markdown(
    "If something in this dashboard is hard to use with your browser, screen reader, magnifier, keyboard or other "
    "assistive technology, tell the local authority inclusion team that runs it. Say which page (copy the link "
    "from 'Link to this view'), what you were trying to do, and what you use to browse. If you need the "
    "information in a different format, the team can send any table as a spreadsheet.")
