"""SENCO time: how much designated time SENCOs have, and whether it tracks the SEND cohort."""
import streamlit as st

from domain.vocabularies import SIZE_BANDS
from lake import analysis, config, measures
from lake.measures import MEASURE_BY_ID
from ui import charts
from ui.anonymise import SMALL
from ui.details import details
from ui.layout import empty_state, measure_cards, scope_line, too_few_when_anonymised, update_share_link
from ui.page import start_page
from ui.tables import plain, table

v = start_page("senco_time", "Designated SENCO time against the size of the SEND cohort, by phase and size, "
               f"with the recommended {config.recommended_days():g} days a week "
               f"({config.recommended_hours():g} hours) marked.", known={"x": ["SEND pupils", "EHCP pupils"]})
frame = v.api.school_year(v.filters)
if frame.empty or not frame.has_return.any() or frame.senco_hours_per_week.notna().sum() == 0:
    empty_state()
    st.stop()
scope_line(v, frame)
if too_few_when_anonymised(v, frame):
    st.stop()
measure_cards(v, measures.section("senco_time.headline"))

RANKED_FIRST = 10          # the ranked schools shown first, as a plain table; the rest on request
rec = config.recommended_hours()
rec_label = f"Recommended {config.recommended_days():g} days ({rec:g} h)"

st.header("Time against the SEND cohort")
x_choice = st.radio("Compare SENCO hours with", ["SEND pupils", "EHCP pupils"], key="x", bind="query-params",
                    horizontal=True)
x_col = "send_pupils" if x_choice == "SEND pupils" else "ehcp_pupils"
# Cuts and tables come from the read API's cache: a warm page does no work over the whole frame.
plot, rho, n, trend, hidden = v.api.derived(analysis.cohort_scatter, v.filters, x_col, "senco_hours_per_week",
                                            0, returned=True)
if v.anonymised and n < SMALL:
    rho = None
summary = (f"Rank correlation between {x_choice} and SENCO hours: {analysis.describe_rho(rho, n)}. "
           + ("Rho runs from -1 to 1: near 0, the size of the cohort barely tracks the time schools give; the "
              "interval is the range the true value plausibly lies in. "
              if rho is not None and n >= analysis.MIN_CORRELATION_N else ""))
if v.anonymised:
    # Each point of the scatter would give one school's exact SEND (or EHCP) count, which the census names
    # it by: anonymised mode shows the median hours per band of cohort size instead.
    bands = analysis.SEND_BANDS if x_col == "send_pupils" else analysis.EHCP_BANDS
    by_band = analysis.hide_small_groups(
        v.api.derived(analysis.cohort_band_summary, v.filters, x_col, "senco_hours_per_week", bands, returned=True),
        "Schools (n)", ["Median", "Lower quartile", "Upper quartile"], SMALL)
    fig = charts.bars(by_band, "Cohort", "Median", f"Median SENCO hours a week, by {x_choice}", "SENCO hours a week",
                      benchmark=rec, benchmark_label=rec_label, n_column="Schools (n)")
    charts.show(fig, "time-scatter", v, by_band, f"SENCO hours by {x_choice}",
                {"Cohort": x_choice, "Schools (n)": "Schools (n)", "Median": "Median SENCO hours",
                 "Lower quartile": "Lower quartile", "Upper quartile": "Upper quartile"},
                summary=summary + "Anonymised mode shows bands of cohort size, not each school.")
else:
    plot = plot.assign(label=plot.school_name)
    fig = charts.scatter(plot, x_col, "senco_hours_per_week", "phase", "label",
                         f"SENCO hours a week against {x_choice}", x_choice, "SENCO hours a week",
                         hline=rec, hline_label=rec_label, trend=trend, ids="urn")
    charts.show(fig, "time-scatter", v, plot.drop(columns=["label"]), "SENCO hours and SEND pupils by school",
                {"school_name": "School", "phase": "Phase", x_col: x_choice,
                 "senco_hours_per_week": "SENCO hours a week", "hours_per_10_send": "Hours per 10 SEND pupils"},
                summary=summary + (charts.density_note(len(plot)) or ""))

st.header("Distribution")
by = st.radio("Group by", ["Phase", "Size band"], key="by", bind="query-params", horizontal=True)
update_share_link({"x": None if x_choice == "SEND pupils" else x_choice, "by": None if by == "Phase" else by})
group = "phase" if by == "Phase" else "size_band"
# The boxes' figures are worked out on the server (the table's own quartiles): only the schools beyond
# the whiskers reach the browser as dots, named in named mode only.
dist, dist_points = v.api.derived(analysis.box_stats, v.filters, group, "senco_hours_per_week",
                                  SIZE_BANDS if group == "size_band" else None, ("urn", "school_name"), SMALL,
                                  returned=True)
dist_table = v.api.derived(analysis.summary_by, v.filters, group, "senco_hours_per_week", returned=True)
if v.anonymised:
    dist = dist[dist["Schools (n)"] >= SMALL]                   # a group too small for a box is not drawn
    dist_points = dist_points[dist_points[group].isin(dist[group])]
    dist_table = analysis.hide_small_groups(dist_table, "Schools (n)",
                                            ["Median", "Lower quartile", "Upper quartile", "Min", "Max"], SMALL)
fig = charts.boxes(dist, dist_points, group, "senco_hours_per_week", f"SENCO hours a week by {by.lower()}",
                   "SENCO hours a week", hline=rec, hline_label=rec_label,
                   hover=None if v.anonymised else "school_name", ids="urn")
charts.show(fig, "time-dist", v, dist_table, f"SENCO hours by {by.lower()}",
            summary=f"Groups of fewer than {SMALL} schools are not drawn in anonymised mode." if v.anonymised else None)
below = v.api.derived(analysis.share_by, v.filters, group, "below_recommended",
                      list(SIZE_BANDS) if group == "size_band" else None, returned=True)
if v.anonymised:
    below = analysis.hide_small_groups(below, "Schools (n)", ["Share", "Yes (count)"], SMALL)
fig = charts.bars(below, group, "Share", f"Schools below the recommended time, by {by.lower()}", "Share of schools",
                  percent=True, n_column="Schools (n)")
charts.show(fig, "time-below", v, analysis.as_percent(below, ["Share"]), "Share below the recommended time")

m = MEASURE_BY_ID["median_hours_per_10_send"]
if v.anonymised:
    # Each school's figure, beside its SENCO hours, would give its SEND count (the census names a school by
    # it), so anonymised mode shows the spread by group instead of a ranked list.
    st.header(f"Hours per 10 SEND pupils, by {by.lower()}")
    st.caption(m.definition + " Anonymised mode shows the spread in each group, not each school's figure.")
    spread = analysis.hide_small_groups(
        v.api.derived(analysis.summary_by, v.filters, group, "hours_per_10_send", returned=True), "Schools (n)",
        ["Median", "Lower quartile", "Upper quartile", "Min", "Max"], SMALL)
    quartiles = ("Median", "Lower quartile", "Upper quartile")
    plain(spread.drop(columns=["Min", "Max"]), f"Hours per 10 SEND pupils by {by.lower()}", "time-ranked", v,
          {group: by, "Schools (n)": "Schools (n)", **{c: c for c in quartiles}},
          digits=dict.fromkeys(quartiles, m.rounding))
else:
    st.header("Schools ranked by hours per 10 SEND pupils")
    ranked = v.api.derived(analysis.ranked, v.filters, "hours_per_10_send", returned=True)
    st.caption(m.definition + " Lowest first: these SENCOs have the least time for the size of their cohort.")
    ranked_columns = {"Rank": "Rank", "school_name": "School", "urn": "URN", "phase": "Phase",
                      "senco_hours_per_week": "SENCO hours", "send_pupils": "SEND pupils",
                      "hours_per_10_send": "Hours per 10 SEND pupils", "below_recommended": "Below recommended"}
    first = min(len(ranked), RANKED_FIRST)
    plain(ranked, "Schools ranked by SENCO hours per 10 SEND pupils", "time-ranked", v, ranked_columns,
          caption=(f"The {first} of {len(ranked):,} schools with the least time for their cohort. Each name opens "
                   "the school's profile; the downloads hold every school." if len(ranked) > first else
                   "Each name opens the school's profile."),
          rows=RANKED_FIRST, open_school=True, digits={"Hours per 10 SEND pupils": m.rounding})
    if len(ranked) > first:
        # The whole list is in the sortable grid, drawn only when opened: the grid's code held up
        # a shared link's first chart (ui/plain_table.py).
        with details(f"All {len(ranked):,} schools, ranked: sort, search or select a row to open its profile",
                     "time-ranked-all", icon=":material/table:") as is_open:
            if is_open:
                table(ranked, "All schools ranked by SENCO hours per 10 SEND pupils", "time-ranked-all", v,
                      ranked_columns, height=400, open_school=True, with_downloads=False)

st.header("SENCOs' own view of their time")
m = MEASURE_BY_ID["time_not_enough"]
measure_cards(v, measures.section("senco_time.own_view"), per_row=2)
view_cut = v.api.derived(analysis.share_by, v.filters, "phase", "time_not_enough", None, returned=True)
if view_cut.empty:
    st.caption("No return in scope gives the SENCO's own view of their time yet.")
else:
    england = {}
    for phase in view_cut["phase"]:
        bm = v.api.benchmark(m, (phase,), v.filters.year)
        if bm and bm["value"] is not None:
            england[phase] = bm["value"]
    view_cut = analysis.with_reference(view_cut, "phase", england)
    marks = view_cut.loc[view_cut["England figure"].notna(), ["phase", "England figure"]]
    text = view_cut.apply(lambda r: f"{m.format(r['Share'])} ({r['Yes (count)']} of {r['Schools (n)']})", axis=1)
    fig = charts.bars(view_cut, "phase", "Share", "SENCOs who say their time is not enough, by phase",
                      "Share of SENCOs", percent=True, text=text, name="SENCOs in scope", marks=marks,
                      marks_name="National survey", n_column="Schools (n)")
    bm = v.api.benchmark(m, (), v.filters.year)
    charts.show(fig, "time-view", v, analysis.as_percent(view_cut, ["Share", "England figure"]),
                "SENCOs who say their time is not enough",
                {"phase": "Phase", "Share (%)": "Share (%)", "Yes (count)": "SENCOs saying not enough",
                 "Schools (n)": "SENCOs answering (n)", "England figure (%)": "National survey (%)"},
                summary=m.definition + (f" National survey: {bm['label']} ({bm['source']}, {bm['year']})."
                                        if bm else ""))

st.header("Other roles and teaching load")
roles = v.api.derived(analysis.role_counts, v.filters)
if v.anonymised and int(frame.has_return.sum()) < SMALL:
    roles = roles.assign(SENCOs=float("nan"), Share=float("nan"))
fig = charts.bars(roles, "Other role", "Share", "Other roles SENCOs carry", "Share of SENCOs", percent=True)
charts.show(fig, "time-roles", v, analysis.as_percent(roles, ["Share"]), "Other roles SENCOs carry")
teach = v.api.derived(analysis.summary_by, v.filters, "phase", "senco_teaching_hours_per_week", returned=True)
if v.anonymised:
    teach = analysis.hide_small_groups(teach, "Schools (n)",
                                       ["Median", "Lower quartile", "Upper quartile", "Min", "Max"], SMALL)
plain(teach, "SENCO class-teaching hours a week, by phase", "time-teaching", v,
      {"phase": "Phase", **{c: c for c in teach.columns if c != "phase"}})
