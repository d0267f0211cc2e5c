"""Overview: headline figures for the current filter, against benchmarks and last year."""
import streamlit as st

from lake import analysis, measures
from lake.measures import INCLUSION_GRADES, MEASURE_BY_ID
from ui import charts
from ui.anonymise import SMALL
from ui.layout import empty_state, measure_cards
from ui.page import NO_RETURNS, page_frame, start_page
from ui.tables import table

# Measures set beside the LA's region and England when the lake holds several LAs.
COMPARED = measures.section("overview.compared")

v = start_page("overview", "Headline figures from the SENCO returns for the schools in the current filter, "
               "each with its national benchmark and the change since last year.")
frame = page_frame(v)

st.header("Returns")
measure_cards(v, measures.section("overview.returns"))
if not frame.has_return.any():
    empty_state(NO_RETURNS)
    st.stop()
st.header("SENCO time")
measure_cards(v, measures.section("overview.senco_time"))
st.header("Leadership and support")
measure_cards(v, measures.section("overview.leadership"))
st.header("Statutory flags")
measure_cards(v, measures.section("overview.flags"))

las = v.api.las()
if len(las) > 1:
    st.header("Compared with region and England")
    if not v.filters.la:
        st.info("Choose one or more LAs in the sidebar to set them beside their region and England.",
                icon=":material/compare_arrows:")
    else:
        def by_area(m: str):
            cmp = v.api.comparison_by_area(m, v.filters)
            if v.anonymised:       # an LA or region figure resting on fewer than SMALL schools is left out
                small = cmp.n < SMALL
                cmp = cmp.assign(value=cmp.value.astype(object).where(~small, None),
                                 formatted=cmp.formatted.where(~small, f"hidden (fewer than {SMALL} schools)"))
            return cmp
        compared = analysis.area_table([(MEASURE_BY_ID[m].name, by_area(m)) for m in COMPARED])
        table(compared, "LA, region and England", "overview-areas", v,
              caption="Like for like: every filter but the LA applies at each level, so a primary-only view "
              "compares primary schools throughout. n is the number of schools each figure rests on.")

st.header("Ofsted")
measure_cards(v, measures.section("overview.ofsted"), per_row=2)
incl = v.api.derived(analysis.overall_distribution, v.filters, "Schools in scope", "ofsted_inclusion",
                     list(INCLUSION_GRADES), returned=True)
if v.anonymised and not incl.empty and incl.Schools.sum() < SMALL:
    st.caption(f"Fewer than {SMALL} schools in scope have an official inclusion grade, so anonymised mode does not "
               "show them.")
elif incl.empty:
    st.caption("No official 2025 report-card inclusion grades yet for these schools.")
else:
    fig = charts.stacked(incl, "all_schools", "ofsted_inclusion", "Share",
                         "Official Ofsted inclusion grade (2025 report cards)", "Share of inspected schools",
                         list(INCLUSION_GRADES))
    charts.show(fig, "overview-inclusion", v, incl, "Inclusion grades",
                {"ofsted_inclusion": "Inclusion grade", "Schools": "Schools", "Share": "Share"},
                summary=f"{int(incl.Schools.sum())} schools in scope have an official inclusion grade.")
