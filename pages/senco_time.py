"""SENCO time: how much designated time SENCOs have, and whether it tracks the SEND cohort."""
import pandas as pd
import streamlit as st

from lake import analysis, config
from lake.api import SIZE_BANDS
from lake.measures import MEASURE_BY_ID
from ui import charts
from ui.anonymise import SMALL, label_for
from ui.context import view
from ui.layout import empty_state, measure_cards, page_header, scope_line, update_share_link
from ui.tables import table

v = view()
page_header("SENCO time", "Designated SENCO time against the size of the SEND cohort, by phase and size, "
            f"with the recommended {config.recommended_days():g} days a week "
            f"({config.recommended_hours():g} hours) marked.", v, "senco_time")
frame = v.api.school_year(v.filters)
ret = analysis.returned(frame)
if ret.empty or ret.senco_hours_per_week.notna().sum() == 0:
    empty_state()
    st.stop()
scope_line(v, frame)
measure_cards(v, ["median_senco_hours", "median_hours_per_10_send", "below_recommended", "median_teaching_hours"])

rec = config.recommended_hours()
rec_label = f"Recommended {config.recommended_days():g} days ({rec:g} h)"

st.header("Time against the SEND cohort")
x_choice = st.radio("Compare SENCO hours with", ["SEND pupils", "EHCP pupils"], key="x", bind="query-params",
                    horizontal=True)
x_col = "send_pupils" if x_choice == "SEND pupils" else "ehcp_pupils"
plot = ret[ret[x_col].notna() & ret.senco_hours_per_week.notna()]
hidden = 0
if v.anonymised:
    hidden = int((plot[x_col] < SMALL).sum())
    plot = plot[plot[x_col] >= SMALL]
    plot = plot.assign(label=plot.urn.map(lambda u: label_for(u, v.anon_key)))
else:
    plot = plot.assign(label=plot.school_name)
rho, n = analysis.spearman(plot, x_col, "senco_hours_per_week")
trend = analysis.linear_trend(plot, x_col, "senco_hours_per_week")
fig = charts.scatter(plot, x_col, "senco_hours_per_week", "phase", "label",
                     f"SENCO hours a week against {x_choice}", x_choice, "SENCO hours a week",
                     hline=rec, hline_label=rec_label, trend=trend)
summary = (f"Rank correlation (Spearman) between {x_choice} and SENCO hours: "
           f"{'–' if rho is None else f'{rho:.2f}'} ({analysis.describe_rho(rho)}), n = {n} schools. "
           + ("A value near 0 means cohort size barely drives the time schools give. " if rho is not None else "")
           + (f"{hidden} schools with fewer than {SMALL} pupils are not plotted in anonymised mode." if hidden else ""))
charts.show(fig, "time-scatter", v, plot.drop(columns=["label"]), "SENCO hours and SEND pupils by school",
            {"school_name": "School", "phase": "Phase", x_col: x_choice, "senco_hours_per_week": "SENCO hours a week",
             "hours_per_10_send": "Hours per 10 SEND pupils"}, summary=summary)

st.header("Distribution")
by = st.radio("Group by", ["Phase", "Size band"], key="by", bind="query-params", horizontal=True)
update_share_link({"x": None if x_choice == "SEND pupils" else x_choice, "by": None if by == "Phase" else by})
group = "phase" if by == "Phase" else "size_band"
dist = ret[ret[group].notna()]
if group == "size_band":
    dist = dist.assign(size_band=pd.Categorical(dist.size_band, categories=list(SIZE_BANDS), ordered=True))
fig = charts.boxes(dist, group, "senco_hours_per_week", f"SENCO hours a week by {by.lower()}", "SENCO hours a week",
                   hline=rec, hline_label=rec_label)
charts.show(fig, "time-dist", v, analysis.summary_by(dist, group, "senco_hours_per_week"),
            f"SENCO hours by {by.lower()}")
below = analysis.share_by(ret, group, "below_recommended", list(SIZE_BANDS) if group == "size_band" else None)
fig = charts.bars(below, group, "Share", f"Schools below the recommended time, by {by.lower()}", "Share of schools",
                  percent=True)
charts.show(fig, "time-below", v, below, "Share below the recommended time")

st.header("Schools ranked by hours per 10 SEND pupils")
m = MEASURE_BY_ID["median_hours_per_10_send"]
st.caption(m.definition + " Lowest first: these SENCOs have the least time for the size of their cohort.")
ranked = analysis.ranked(ret, "hours_per_10_send")
table(ranked, "Schools ranked by SENCO hours per 10 SEND pupils", "time-ranked", v,
      {"Rank": "Rank", "school_name": "School", "urn": "URN", "phase": "Phase", "senco_hours_per_week": "SENCO hours",
       "send_pupils": "SEND pupils", "hours_per_10_send": "Hours per 10 SEND pupils",
       "below_recommended": "Below recommended"}, height=400)

st.header("Other roles and teaching load")
roles = analysis.role_counts(frame)
fig = charts.bars(roles, "Other role", "Share", "Other roles SENCOs carry", "Share of SENCOs", percent=True)
charts.show(fig, "time-roles", v, roles, "Other roles SENCOs carry")
teach = analysis.summary_by(ret, "phase", "senco_teaching_hours_per_week")
table(teach, "SENCO class-teaching hours a week, by phase", "time-teaching", v)
