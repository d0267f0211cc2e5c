"""Trends: each measure over every year of returns in the lake, beside region and England where
the lake holds them, and the national benchmark where its year is one of those shown."""
from dataclasses import replace

import streamlit as st

from lake import trends
from lake.measures import MEASURES
from ui import trend_charts
from ui.anonymise import SMALL
from ui.layout import empty_state, update_share_link
from ui.page import start_page
from ui.tables import table

GROUPS = list(dict.fromkeys(m.group for m in MEASURES))

v = start_page("trends", "Each measure for every year of SENCO returns in the lake, for the schools in the filter, "
               "with the LA's region and England where the lake holds them.", known={"group": GROUPS})
years = trends.academic_years(v.api.years())
small = SMALL if v.anonymised else 0
if not years:
    empty_state("No SENCO returns in the lake yet, so there is nothing to show over the years.")
    st.stop()
if not any(v.api.measure_value("schools_in_scope", replace(v.filters, year=y))[0] for y in years):
    empty_state()
    st.stop()

span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
st.markdown(f"**{span}** · {len(years)} years of returns · every filter applies except the year")
if len(v.api.las()) > 1 and not v.filters.la:
    st.info("Choose one or more LAs in the sidebar to set them beside their region and England; until then "
            "each line is every school in the lake.", icon=":material/compare_arrows:")

group = st.radio("Measures", GROUPS, key="group", bind="query-params", horizontal=True,
                 help="Which measures to draw year by year; the table at the end holds every measure.")
update_share_link({"group": None if group == GROUPS[0] else group})

st.header(group)
chosen = [m for m in MEASURES if m.group == group]
for i in range(0, len(chosen), 2):             # two charts a row: a group fits a projector in fewer screens
    for col, m in zip(st.columns(2), chosen[i:i + 2]):
        with col:
            st.subheader(m.name)
            trend_charts.trend_chart(v, m, trends.suppress(v.api.trend(m.id, v.filters), m, small), years,
                                     key=f"trend-{m.id}")

st.header("Every measure by year")
table(trends.all_measures_by_year(v.api, v.filters, small), "Every measure by year", "trends-all", v,
      caption="For the schools in the filter (every LA in the lake when none is chosen). "
              + (f"Figures from fewer than {SMALL} schools are withheld in anonymised mode." if v.anonymised else
                 "Each figure is the one the other pages show for that year."))
