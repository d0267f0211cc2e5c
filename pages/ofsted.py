"""Ofsted & outcomes: what schools report about Ofsted's view of SEND, what Ofsted published,
and how both line up with the SENCO's profile (time, leadership, role, admin support)."""
import pandas as pd
import streamlit as st

from domain.vocabularies import OFSTED_SEND_PROGRESS, ROLE_PROFILES, SLT_PROFILES, TIME_BANDS
from lake import analysis, measures, ofsted_view
from lake.measures import INCLUSION_GRADES, MEASURE_BY_ID
from ui import charts
from ui.anonymise import SMALL
from ui.layout import empty_state, measure_cards, scope_line, too_few_when_anonymised, update_share_link
from ui.page import NO_RETURNS, start_page
from ui.tables import table
from ui.text import plural

# SENCO profile the outcomes are cut by: label -> (column of the frame, order of its groups, words for titles).
PROFILES = {
    "SENCO time": ("time_band", list(TIME_BANDS), "SENCO time"),
    "SLT membership": ("slt_profile", list(SLT_PROFILES), "SLT membership"),
    "SENCO-only or combined role": ("role_profile", list(ROLE_PROFILES), "SENCO-only or combined role"),
    "Admin support": ("admin_profile", list(analysis.ADMIN_PROFILES), "admin support"),
}
OVERALL_ORDER = list(analysis.OVERALL_EFFECTIVENESS.values())
SHOWN_ORDER = [*INCLUSION_GRADES, *OVERALL_ORDER, *OFSTED_SEND_PROGRESS]
OFFICIAL_NOTE = ("Where a school's return and Ofsted's published outcome both exist, this page shows the official "
                 "outcome and labels it \"Official\"; the school's own answer is shown only where Ofsted has "
                 "published nothing for it.")
CAUTION = ("Treat these cuts with caution: many groups hold only a handful of schools, the SEND progress judgement is "
           "self-reported by schools and dates from different inspections, and few schools have a 2025 report-card "
           "inclusion grade yet. A difference between groups is a question to ask, not evidence that the SENCO "
           "profile causes it.")


v = start_page("ofsted", "Ofsted's view of SEND progress as schools report it, the grades Ofsted has published "
               "(overall effectiveness from the latest OEIF graded inspection, and the report-card inclusion grade "
               "from November 2025, each with its own date), and how both vary with the SENCO's time, leadership, "
               "role and admin support.", known={"profile": list(PROFILES)})


def official_grades(frame) -> None:
    """Each school's published grades side by side, with their dates and the file's "as at" date."""
    st.header("Grades Ofsted has published")
    if v.anonymised:
        st.caption("Ofsted publishes each school's grades and dates by name, so beside a label they would name it: "
                   "anonymised mode shows them only as the shares above.")
        return
    table(ofsted_view.grades(frame), "Ofsted grades by school", "ofsted-grades", v, ofsted_view.COLUMNS,
          height=400, caption=ofsted_view.as_at_line(frame))


frame = v.api.school_year(v.filters)
if frame.empty:
    empty_state()
    st.stop()
if not frame.has_return.any():
    scope_line(v, frame)
    empty_state(NO_RETURNS)
    official_grades(frame)
    st.stop()
scope_line(v, frame)
if too_few_when_anonymised(v, frame):
    st.stop()
outcomes = v.api.derived(analysis.ofsted_outcomes, v.filters)
OUTCOMES = analysis.ofsted_outcomes     # cuts below are computed over these rows, and cached with the lake

measure_cards(v, measures.section("ofsted.headline"), per_row=2)
st.info(OFFICIAL_NOTE, icon=":material/verified:")

st.header("Ofsted judgement shown for each school")
shown = v.api.derived(analysis.distribution, v.filters, "ofsted_shown_source", "ofsted_shown", SHOWN_ORDER,
                      via=OUTCOMES)
shown_table = shown
if v.anonymised:
    shown_table = analysis.hide_small_groups(shown, "Schools", ["Schools", "Share"], SMALL, group="ofsted_shown_source")
    shown = shown[shown_table["Share"].notna()] if not shown.empty else shown
if shown.empty:
    st.caption("No school in scope has an Ofsted outcome, reported or published.")
else:
    def by_source(s):
        return s.map({x: i for i, x in enumerate(analysis.SHOWN_SOURCES)})
    shown = shown.sort_values("ofsted_shown_source", kind="stable", key=by_source)
    shown_table = shown_table.sort_values("ofsted_shown_source", kind="stable", key=by_source)
    counts = outcomes.ofsted_shown_source.value_counts()
    both = int(outcomes.ofsted_both.sum())
    fig = charts.stacked(shown, "ofsted_shown_source", "ofsted_shown", "Share",
                         "Ofsted judgement shown, by where it comes from", "Share of schools", SHOWN_ORDER)
    charts.show(fig, "ofsted-shown", v, analysis.as_percent(shown_table, ["Share"]), "Ofsted judgement shown by source",
                {"ofsted_shown_source": "Source", "ofsted_shown": "Judgement", "Schools": "Schools",
                 "Share (%)": "Share (%)"},
                summary=f"{plural(counts.get(analysis.SOURCE_INCLUSION, 0))} with an official 2025 inclusion grade, "
                f"{plural(counts.get(analysis.SOURCE_OVERALL, 0))} with an official OEIF overall effectiveness "
                f"grade only, {plural(counts.get(analysis.SOURCE_SELF, 0))} with only their own report. For "
                f"{plural(both)} the return and an official outcome both exist, and the official one is shown. "
                "Overall effectiveness (1–4) is shown in words: " + ", ".join(
                    f"{k} = {w}" for k, w in analysis.OVERALL_EFFECTIVENESS.items()) + ".")

st.header("By SENCO profile")
profile = st.selectbox("SENCO profile to cut by", list(PROFILES), key="profile", bind="query-params",
                       help="Split schools by one part of the SENCO's profile from the return.")
group, order, words = PROFILES[profile]
st.caption(CAUTION)
by_profile = v.api.derived(analysis.ofsted_by_profile, v.filters, group, order, via=OUTCOMES)
if v.anonymised:
    by_profile = analysis.hide_small_groups(by_profile, "Judged (self-reported, n)",
                                            ["Good or better (self-reported)", "Good or better (count)"], SMALL)
    by_profile = analysis.hide_small_groups(by_profile, "Inclusion graded (official, n)",
                                            ["Expected or above (official inclusion)", "Expected or above (count)"],
                                            SMALL)
if by_profile.empty:
    st.caption(f"No school in scope has a {words} answer in its return.")
else:
    for column, count, n, measure_id, key in (
            ("Good or better (self-reported)", "Good or better (count)", "Judged (self-reported, n)", "ofsted_good",
             "ofsted-good"),
            ("Expected or above (official inclusion)", "Expected or above (count)", "Inclusion graded (official, n)",
             "ofsted_inclusion_expected", "ofsted-inclusion")):
        m = MEASURE_BY_ID[measure_id]
        rows = by_profile[by_profile[n] > 0]
        if rows.empty:
            st.caption(f"{m.name}: no school in scope has one yet.")
            continue
        text = rows.apply(lambda r, column=column, count=count, n=n, m=m: charts.HIDDEN if pd.isna(r[column]) else
                          f"{m.format(r[column])} ({int(r[count])} of {r[n]})", axis=1)   # half up
        fig = charts.bars(rows, group, column, f"{column}, by {words}", "Share of schools", percent=True,
                          text=text, n_column=n)
        charts.show(fig, key, v, analysis.as_percent(rows[[group, column, count, n]], [column]),
                    f"{column} by {words}", {group: profile, f"{column} (%)": f"{column} (%)", count: count, n: n},
                    summary=m.definition + " Each bar shows the share and how many schools it rests on (n).")
    percent = analysis.as_percent(by_profile, ["Good or better (self-reported)",
                                               "Expected or above (official inclusion)"])
    table(percent, f"Ofsted outcomes by {words}", "ofsted-profile-table", v,
          {group: profile, **{c: c for c in percent.columns if c != group}},
          caption="Schools (n) counts every return in the group; each share rests on the schools with that "
                  "judgement, shown beside it.")

    st.subheader("Full distributions")
    for column, order_, title, key in (
            ("ofsted_send_progress", list(OFSTED_SEND_PROGRESS), "Self-reported Ofsted view of SEND progress",
             "ofsted-dist-own"),
            ("ofsted_inclusion", list(INCLUSION_GRADES), "Official 2025 inclusion grade", "ofsted-dist-incl"),
            ("official_overall", OVERALL_ORDER, "Official overall effectiveness (latest OEIF graded inspection)",
             "ofsted-dist-oe")):
        dist = v.api.derived(analysis.distribution, v.filters, group, column, order_, via=OUTCOMES)
        dist_table = dist
        if v.anonymised:
            dist_table = analysis.hide_small_groups(dist, "Schools", ["Schools", "Share"], SMALL, group=group)
            dist = dist[dist_table["Share"].notna()] if not dist.empty else dist
        if dist.empty:
            st.caption(f"{title}: none for these schools.")
            continue
        def in_order(s):
            return s.map({g: i for i, g in enumerate(order)})
        dist = dist.sort_values(group, kind="stable", key=in_order)
        dist_table = dist_table.sort_values(group, kind="stable", key=in_order)
        fig = charts.stacked(dist, group, column, "Share", f"{title}, by {words}", "Share of schools",
                             order_)
        charts.show(fig, key, v, analysis.as_percent(dist_table, ["Share"]), f"{title} by {words}",
                    {group: profile, column: "Judgement", "Schools": "Schools", "Share (%)": "Share (%)"},
                    summary=f"{plural(dist.Schools.sum())}."
                    + (f" Groups of fewer than {SMALL} schools are hidden in anonymised mode." if v.anonymised else ""))

st.header("Each school's Ofsted outcomes")
table(outcomes, "Ofsted outcomes by school", "ofsted-schools", v,
      {"school_name": "School", "urn": "URN", "phase": "Phase", group: profile,
       "ofsted_shown": "Shown", "ofsted_shown_source": "Shown from", "ofsted_shown_date": "Inspection date (shown)",
       "ofsted_send_progress": "SEND progress (self-reported)", "ofsted_inspection_date": "Inspection date (return)",
       "official_overall": "Overall effectiveness (official, latest OEIF graded inspection)",
       "ofsted_inclusion": "Inclusion grade (official, 2025)", "ofsted_official_date": "Inspection date (official)"},
      height=400, caption=OFFICIAL_NOTE)

official_grades(frame)

update_share_link({"profile": profile if profile != next(iter(PROFILES)) else None})
