"""Schools: one school's profile (returns over the years, submissions, census, register, Ofsted,
flags, and its key figures against the LA and similar schools), or up to eight side by side."""

import pandas as pd
import streamlit as st

from domain.columns import COLUMNS
from lake import analysis, measures, ofsted_view
from lake.api import Filters
from lake.measures import CHECK, GUIDANCE, STATUTORY
from ui import charts, profile, trend_charts
from ui.anonymise import IDENTIFYING, QUASI_IDENTIFIERS, SMALL
from ui.layout import empty_state, scope_line, update_share_link
from ui.page import start_page
from ui.school_picker import SchoolPicker, from_link
from ui.tables import prepare, table, unlisted
from ui.text import md_escape as md_text

TABS = ["School profile", "Compare schools"]
MAX_COMPARE = 8
FLAG_LABELS = {m.column: m.short_name for m in measures.flags(STATUTORY)}
CHECK_LABELS = {m.column: m.short_name for m in measures.flags(CHECK, GUIDANCE)}
YES_NO = ["has_return", "senco_on_slt", "senco_qualified_teacher", "deputy_senco", "admin_support", "shared_senco",
          "combined_role", "sen_information_report_published", "sen_governor", "below_recommended",
          "qualification_held", "senco_works_at_school", "senco_time_enough", *FLAG_LABELS, *CHECK_LABELS]
RETURN_FIELDS = {
    "academic_year": "Academic year", "school_name": "School", "urn": "URN", "phase": "Phase",
    "number_on_roll": "Number on roll", "sen_support_pupils": "SEN Support pupils", "ehcp_pupils": "EHCP pupils",
    "send_pupils": "SEND pupils", "send_pct": "SEND % of roll", "senco_hours_per_week": "SENCO hours a week",
    "hours_per_10_send": "SENCO hours per 10 SEND pupils", "senco_teaching_hours_per_week": "SENCO teaching hours",
    "senco_on_slt": "SENCO on SLT", "senco_qualified_teacher": "SENCO a qualified teacher",
    "senco_works_at_school": "SENCO works as a teacher here",
    "senco_qualification": "SENCO qualification", "senco_qualification_course": "Qualification course",
    "senco_qualification_course_started": "Course started", "senco_appointed_date": "SENCO appointed",
    "senco_first_senco_date": "First became a SENCO (any school)",
    "senco_other_roles": "SENCO's other roles", "senco_shared_schools": "Schools the SENCO covers",
    "deputy_senco": "Deputy SENCO", "admin_support_hours_per_week": "Admin support hours a week",
    "sen_information_report_published": "SEN information report published",
    "sen_information_report_updated": "SEN information report last updated", "sen_governor": "SEN governor",
    "ofsted_inspection_date": "Ofsted inspection (as reported)",
    "ofsted_send_progress": "SEND progress (school's own view)",
}
# Every other column of the return is shown too, by its template label, so a column added to the
# return (domain.columns) shows here without a change to this page.
RETURN_FIELDS |= {c.name: c.label for c in COLUMNS if c.name not in RETURN_FIELDS}
RETURN_FIELDS["conversion_notes"] = "Conversions made on loading"
YES_NO += [c.name for c in COLUMNS if c.kind == "yesno" and c.name not in YES_NO]
COMPARE_FIELDS = {
    "school_name": "School", "urn": "URN", "phase": "Phase", "school_type": "School type", "size_band": "Size band",
    "has_return": "Return received", **{k: lbl for k, lbl in RETURN_FIELDS.items()
                                        if k not in ("academic_year", "school_name", "urn", "phase",
                                                     "conversion_notes")},
    "time_band": "SENCO time band", "below_recommended": "Below the recommended time",
    "qualification_held": "SENCO qualification held", "role_profile": "SENCO-only or combined role",
    **FLAG_LABELS, "ofsted_shown": "Ofsted (shown)", "ofsted_shown_source": "Ofsted shown from",
}
REGISTER_FIELDS = {
    "school_name": "Name on the register", "urn": "URN", "la_name": "Local authority", "la_code": "LA code",
    "region": "Region", "phase": "Phase", "school_type": "School type", "type_group": "Type group",
    "status": "Status", "statutory_low_age": "Lowest age", "statutory_high_age": "Highest age",
    "number_on_roll": "Number on roll (register)", "town": "Town", "postcode": "Postcode", "open_date": "Opened",
    "close_date": "Closed", "source": "Source",
}
SHOWN_FIELDS = {"ofsted_shown": "Judgement shown", "ofsted_shown_source": "Shown from",
                "ofsted_shown_date": "Inspection date (shown)", "ofsted_send_progress": "SEND progress (self-reported)",
                "ofsted_inspection_date": "Inspection date (return)"}
# What the anonymised profile shows of the register, as the year's list holds it: what the school shares with at
# least SMALL others.
ANON_REGISTER = ("la_name", "region", "phase", "school_type")


def shown_fields(fields: dict[str, str]) -> dict[str, str]:
    """Field labels to show: in anonymised mode, without names, URNs, towns, postcodes, public counts and dates."""
    return {k: lbl for k, lbl in fields.items()
            if not (v.anonymised and (k in IDENTIFYING or k in QUASI_IDENTIFIERS))}


v = start_page("schools", "One school's SENCO returns over the years against the LA and similar schools, or up to "
               "eight schools side by side.")


def header(tab: str | None = None, school: str | None = None, compare: list | None = None) -> None:
    """Redraw the share link last, with the widgets' real values.

    The link names schools as the widgets write them to the URL ("Name (URN)", or the label in
    anonymised mode), so it opens without translation; a renamed school is still found by its URN."""
    update_share_link({"tab": tab if tab and tab != TABS[0] else None, "school": fmt(school) if school else None,
                       "compare": [fmt(u) for u in compare or []]})


frame = v.api.school_year(v.filters)
if frame.empty:
    empty_state()
    st.stop()

picker = SchoolPicker(frame, v.anonymised, v.anon_key, unlisted(v) if v.anonymised else set())
names, options, fmt = picker.names, picker.options, picker.fmt


try:
    bad_tab = [t for t in st.query_params.get_all("tab") if t not in TABS]
except Exception:
    bad_tab = []
if bad_tab:
    st.session_state.setdefault("_link_notices", []).append(f"'tab': {md_text(repr(bad_tab[0][:40]))} not recognised")
from_link(picker, "school", multi=False, limit=1)
from_link(picker, "compare", multi=True, limit=MAX_COMPARE)

scope_line(v, frame)
profile_tab, compare_tab = st.tabs(TABS, key="tab", bind="query-params")


# ------------------------------------------------------------------ one school
def compare_with(urns: list[str]) -> None:
    """"Compare with these": the school and its similar schools side by side, on the Compare tab."""
    st.session_state["compare"] = urns[:MAX_COMPARE]
    st.session_state["tab"] = TABS[1]


def key_figures(urn: int, row: pd.DataFrame) -> None:
    """The school's figures beside the LA median for its own phase and the median of its similar schools."""
    me_row = row.iloc[0]
    la_code = me_row.la_code
    la_filters = Filters(year=v.year, la=(int(la_code),)) if pd.notna(la_code) else Filters(year=v.year)
    me = v.api.derived(profile.school_row, la_filters, urn)
    if me.empty:
        me = row
    phase = me.phase.iloc[0]
    group = profile.phase_group(phase)
    everyone = Filters(year=v.year)                             # peers from every LA in the lake
    peers = v.api.similar_schools(everyone, urn)
    figures = analysis.school_key_figures(me, v.api.derived(profile.same_phase, la_filters, urn, phase), peers,
                                          small=SMALL if v.anonymised else None)
    la_name = me_row.la_name if isinstance(me_row.la_name, str) else "the LA"
    shown = profile.figures_shown(figures, group, md_text(la_name), v.anonymised)
    cols = st.columns(len(figures))
    for col, r, text in zip(cols, figures.itertuples(index=False), shown.itertuples(index=False)):
        delta = profile.delta_text(r[0], r[3], group)
        same = delta is not None and delta.startswith("same as")
        col.metric(r[0], text[1], delta=delta, delta_color="off", delta_arrow="off" if same else "auto",
                   border=True, help=f"LA median for {group}: {text[2]} ({r[5]} other schools). Similar schools "
                                     f"median: {text[4]} ({r[6]} schools).")
    n_las = v.api.derived(profile.la_count, everyone)
    table(shown, "Key figures against the LA and similar schools", "schools-figures", v,
          caption=f"LA median: the other {group} in {md_text(la_name)} with a return for {v.year}, whatever the "
                  "sidebar filters; a school is compared only with schools of its own phase. Similar schools: up "
                  f"to 10 {group} nearest in roll, SEND and EHC plan shares, age range and resourced provision"
                  + (f", from all {n_las} LAs in the lake" if n_las > 1 else "") + "."
                  + (" Anonymised mode hides this school's figures drawn from its pupil counts (with its SENCO hours "
                     f"they would give its SEND count) and any median over fewer than {SMALL} schools."
                     if v.anonymised else ""))
    st.markdown("#### Similar schools")
    if peers.empty:
        st.info(profile.no_peer_text(phase, v.year), icon=":material/group_off:")
        return
    peer_rows = analysis.yes_no(peers, ["senco_on_slt", "admin_support", "resourced_provision"])
    fields = {"school_name": "School", "urn": "URN", "la_name": "Local authority", "phase": "Phase",
              "distance": "Distance (0 = alike)", "similar_because": "How it compares",
              "number_on_roll": "Number on roll", "send_pupils": "SEND pupils", "send_pct": "SEND % of roll",
              "ehcp_pct": "EHCP % of roll", "resourced_provision": "Resourced provision or SEN unit",
              "senco_hours_per_week": "SENCO hours a week", "hours_per_10_send": "SENCO hours per 10 SEND pupils",
              "admin_support_hours_per_week": "Admin support hours", "senco_on_slt": "SENCO on SLT"}
    if n_las <= 1:
        fields.pop("la_name")
    if v.anonymised:    # worked out from public counts (census rolls, units): with them a reader could find the school
        for hidden in ("similar_because", "distance", "resourced_provision"):
            fields.pop(hidden)
    table(profile.blank_text(peer_rows), "Similar schools", "schools-peers", v, fields,
          caption=f"{len(peers)} {group} nearest to this one, nearest first. Distance adds up the differences: "
                  "1 point for a roll twice or half the size, 10 percentage points of SEND share, 2 points of EHC "
                  "plan share, a different age range (infant or junior beside full primary) or resourced provision "
                  "on one side only; half a point for a different school type.")
    offered = [str(u) for u in peers.urn.astype(int) if str(u) in options]
    if str(urn) in options and offered:
        st.button(f"Compare with these ({min(len(offered), MAX_COMPARE - 1)} similar schools)", key="compare_peers",
                  icon=":material/compare_arrows:", on_click=compare_with,
                  args=([str(urn)] + offered,),
                  help="Opens the Compare schools tab with this school and its nearest similar schools.")
        if len(offered) < len(peers):
            st.caption(f"{len(peers) - len(offered)} of the similar schools are outside the sidebar's filters"
                       + (" or not listed in anonymised mode" if v.anonymised else "")
                       + ", so the comparison leaves them out.")


def show_profile(urn: int) -> None:
    row = frame[frame.urn == urn]
    st.subheader(md_text(fmt(str(urn))))
    has_return = bool(row.has_return.iloc[0])

    st.markdown(f"#### Key figures, {v.year}")
    if has_return:
        key_figures(urn, row)
    else:
        st.info(f"No return from this school for {v.year} yet; its earlier returns are below.",
                icon=":material/pending:")

    st.markdown("#### Statutory flags")
    if has_return:
        flags = analysis.yes_no(row, [*FLAG_LABELS, *CHECK_LABELS]).iloc[0].to_dict()
        table(analysis.field_values(flags, FLAG_LABELS).rename(columns={"Field": "Flag", "Value": "Raised"}),
              "Statutory flags", "schools-flags", v,
              caption="Yes = the return raises the flag; Not known = the return left the answer blank, or the duty "
                      "does not cover this school (the SENCO duties cover mainstream and maintained nursery "
                      "schools only). The About page gives each flag's legal source.")
        table(analysis.field_values(flags, CHECK_LABELS).rename(columns={"Field": "Check", "Value": "Raised"}),
              "Checks (not statutory flags)", "schools-checks", v,
              caption="An early warning and Code of Practice guidance, never counted as statutory flags.")
    else:
        st.caption("No return for this year, so no flags.")

    st.markdown("#### Returns over the years")
    history = analysis.with_send_figures(v.api.school_history(urn))
    if v.anonymised:
        # Rows sent under the URN the school had before converting are its own: under the old URN's label they
        # would say "these two labels are one school that converted that year", and conversion dates are public.
        history = history.assign(urn=urn)
    if history.empty:
        st.caption("No returns from this school in the lake.")
    else:
        plot = history[history.senco_hours_per_week.notna()]
        if not plot.empty:
            fig = charts.bars(plot, "academic_year", "senco_hours_per_week", "SENCO hours a week, by year",
                              "SENCO hours a week")
            charts.show(fig, "schools-history-chart", v, plot, "SENCO hours by year",
                        {"academic_year": "Academic year", "senco_hours_per_week": "SENCO hours a week",
                         "send_pupils": "SEND pupils", "hours_per_10_send": "SENCO hours per 10 SEND pupils"},
                        summary=f"{len(plot)} years with SENCO hours.")
        table(profile.blank_text(analysis.yes_no(history, YES_NO)), "Returns over the years", "schools-history", v,
              shown_fields(RETURN_FIELDS),
              caption="The current return for each year. Text the school typed is shown exactly as entered.")

    trend_charts.school_lines(v, urn, row.la_code.iloc[0], row.la_name.iloc[0])   # year by year, beside the LA
    st.markdown("#### Submissions received")
    subs = analysis.submissions_status(v.api.school_submissions(urn))
    if subs.empty:
        st.caption("No accepted submission from this school in the lake (a file that was rejected is listed on "
                   "the Returns & data quality page).")
    else:
        table(profile.blank_text(subs), "Submissions received, including superseded ones", "schools-submissions", v,
              {"academic_year": "Academic year", "load_id": "Load", "loaded_at": "Loaded at", "source_file": "File",
               "source_row": "Row", "status": "Status", "number_on_roll": "Number on roll",
               "sen_support_pupils": "SEN Support pupils", "ehcp_pupils": "EHCP pupils",
               "senco_hours_per_week": "SENCO hours a week", "conversion_notes": "Conversions made on loading"},
              caption="Every accepted submission; a resubmission for the same year replaces the earlier one, which "
                      "is kept here marked as superseded.")

    st.markdown("#### School census")
    if v.anonymised:
        st.caption("Census counts are published for every school and would name this one, so anonymised mode "
                   "hides them; the register shows only what the school shares with others.")
        # From the year's list, not the register's own row: the listing rule (ui.anonymise.unlisted_urns) checked
        # these values, and a school outside the year's scope (a non-maintained special school that sent a return)
        # is listed with no LA or type while its register row names an LA and type it may share with no one.
        table(analysis.field_values(row.iloc[0].to_dict(), {k: REGISTER_FIELDS[k] for k in ANON_REGISTER}),
              "Register details", "schools-register", v)
        if not bool(row.on_register.iloc[0]):
            st.caption(f"This school is not one of the state-funded schools on the register for {v.year} (it may be "
                       "independent, non-maintained or closed), so no LA or school type is shown for it.")
        own = analysis.field_values(row.iloc[0].to_dict(), {"ofsted_send_progress": "SEND progress (self-reported)"})
        st.markdown("#### Ofsted")
        st.caption("Ofsted's published outcomes and every inspection date would name the school, so anonymised "
                   "mode shows only the school's own answer.")
        table(own, "Ofsted (self-reported)", "schools-ofsted-shown", v)
        return
    census = v.api.school_census(urn)
    if census.empty:
        st.caption("No school census counts for this school in the lake.")
    else:
        table(census, "School census counts", "schools-census", v,
              {"census_year": "Census year", "number_on_roll": "Number on roll", "sen_support": "SEN Support",
               "ehcp": "EHC plans", "source": "Source"},
              caption="Official school-level counts from the January census (DfE).")

    st.markdown("#### Register")
    register = v.api.school_register(urn)
    if register:
        table(analysis.field_values(register, shown_fields(REGISTER_FIELDS)), "Register details",
              "schools-register", v)
    else:
        st.caption("This school is not on the register held in the lake.")
    st.markdown("#### Ofsted")
    official = ofsted_view.school_record(v.api.school_ofsted(urn))
    outcome = analysis.ofsted_outcomes(row, returned_only=False)
    if not outcome.empty and outcome.ofsted_shown.notna().any():
        table(analysis.field_values(outcome.iloc[0].to_dict(), SHOWN_FIELDS), "Ofsted judgement shown",
              "schools-ofsted-shown", v,
              caption="Where the school's return and Ofsted's published outcome both exist, the official "
                      "outcome is shown.")
    if official:
        table(analysis.field_values(official, {k: k for k in official}), "Official Ofsted outcome", "schools-ofsted",
              v, caption="From Ofsted's published management information: each grade beside the date of the "
                         "inspection it comes from, so two grades can have different dates. Since September 2024 "
                         "graded inspections give no overall effectiveness ('Not judged').")
    else:
        st.caption("No official Ofsted outcome for this school in the lake.")


with profile_tab:
    school = st.selectbox("School", options, index=None, key="school", bind="query-params", format_func=fmt,
                          placeholder="Choose a school", help="Schools in the current filter.")
    if profile_tab.open:
        if school is None:
            st.info("Choose a school to see its profile.", icon=":material/domain:")
        else:
            show_profile(int(school))


# ------------------------------------------------------------------ side by side
with compare_tab:
    compare = st.multiselect(f"Schools to compare (up to {MAX_COMPARE})", options, key="compare",
                             bind="query-params", format_func=fmt, max_selections=MAX_COMPARE,
                             placeholder="Choose schools", help="Schools in the current filter.")
    if compare_tab.open:
        if len(compare) < 2:
            st.info("Choose two or more schools to see them side by side.", icon=":material/compare_arrows:")
        if compare:
            rows = v.api.derived(analysis.compare_rows, v.filters, [int(u) for u in compare])
            shown = prepare(analysis.yes_no(rows, YES_NO), v, COMPARE_FIELDS)
            wide = analysis.side_by_side(shown, "School", None if v.anonymised else "URN")
            table(wide, "Schools side by side", "schools-compare", v,
                  caption="One column per school; values from this year's return, the register and Ofsted. "
                          "Text the school typed is shown exactly as entered.")
            plot = rows.assign(label=[fmt(str(u)) for u in rows.urn])
            measures = {"senco_hours_per_week": "SENCO hours a week"}
            if not v.anonymised:          # exact hours per 10 SEND pupils beside exact hours give the SEND count
                measures["hours_per_10_send"] = "SENCO hours per 10 SEND pupils"
            long = analysis.per_school_long(plot, "label", measures)
            if long.empty:
                st.caption("None of these schools has SENCO hours for this year.")
            else:
                fig = charts.grouped(long, "label", "Measure", "Value", "SENCO hours a week and per 10 SEND pupils",
                                     "Hours", units={"SENCO hours a week": "Hours a week",
                                                    "SENCO hours per 10 SEND pupils": "Hours per 10 SEND pupils"})
                charts.show(fig, "schools-compare-chart", v, long.rename(columns={"label": "School"}),
                            "SENCO hours by school",
                            summary="Hours per 10 SEND pupils = SENCO hours a week ÷ SEND pupils × 10."
                            + (" Anonymised mode shows it as a band in the table, not in the chart."
                               if v.anonymised else ""))

header(st.session_state.get("tab"), school, compare)
