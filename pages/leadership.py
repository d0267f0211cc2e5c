"""Leadership & support: SLT membership, admin support, deputies, qualification and shared SENCOs,
cut by phase or size band against national figures, and the schools raising a statutory flag."""
import streamlit as st

from domain.vocabularies import PHASES, QUALIFICATIONS, SIZE_BANDS
from lake import analysis, measures
from lake.measures import CHECK, GUIDANCE, MEASURE_BY_ID, STATUTORY
from ui import charts
from ui.anonymise import SMALL
from ui.layout import (
    measure_cards,
    update_share_link,
)
from ui.page import page_frame, start_page
from ui.rate_chart import rate_chart as ui_rate_chart
from ui.tables import table

CUTS = {"Phase": "phase", "Size band": "size_band"}
FLAG_LABELS = {m.column: m.short_name for m in measures.flags(STATUTORY)}
CHECK_LABELS = {m.column: m.short_name for m in measures.flags(CHECK, GUIDANCE)}


v = start_page("leadership", "Whether SENCOs sit on the senior leadership team, have admin support and a deputy, "
               "hold the mandatory qualification and are shared with other schools, by phase or size, against "
               "national figures.", known={"cut": list(CUTS)})
frame = page_frame(v, need_returns=True)

cut = st.radio("Cut by", list(CUTS), key="cut", bind="query-params", horizontal=True,
               help="Every chart on this page splits schools by this.")
group = CUTS[cut]
order = list(SIZE_BANDS) if group == "size_band" else list(PHASES)


def rate_chart(measure_id: str, key: str) -> None:
    ui_rate_chart(v, measure_id, key, group, order, cut)


st.header("Senior leadership, admin support and deputies")
measure_cards(v, measures.section("leadership.support"))
rate_chart("slt_rate", "lead-slt")
rate_chart("admin_support_rate", "lead-admin")
admin, admin_points = v.api.derived(analysis.box_stats, v.filters, group, "admin_hours_if_any", order,
                                    ("urn", "school_name"), SMALL, returned=True)   # boxes in phase / size order
admin_table = v.api.derived(analysis.summary_by, v.filters, group, "admin_hours_if_any", returned=True)
if v.anonymised:                                          # a group too small for a box is not drawn
    admin = admin[admin["Schools (n)"] >= SMALL]
    admin_points = admin_points[admin_points[group].isin(admin[group])]
    admin_table = analysis.hide_small_groups(admin_table, "Schools (n)",
                                             ["Median", "Lower quartile", "Upper quartile", "Min", "Max"], SMALL)
if admin.empty:
    st.caption("No school in scope reports any admin support hours.")
else:
    m = MEASURE_BY_ID["median_admin_hours"]
    fig = charts.boxes(admin, admin_points, group, "admin_hours_if_any",
                       f"Admin support hours a week (where given), by {cut.lower()}", "Admin support hours a week",
                       hover=None if v.anonymised else "school_name", ids="urn")
    charts.show(fig, "lead-admin-hours", v, admin_table,
                f"Admin support hours by {cut.lower()}",
                {group: cut, **{c: c for c in ("Schools (n)", "Median", "Lower quartile", "Upper quartile", "Min",
                                               "Max")}},
                summary=m.definition + (f" Groups of fewer than {SMALL} schools are hidden in anonymised mode."
                                        if v.anonymised else ""))
rate_chart("deputy_rate", "lead-deputy")

st.header("Qualification")
measure_cards(v, measures.section("leadership.qualification"))
quals = v.api.derived(analysis.distribution, v.filters, group, "senco_qualification", list(QUALIFICATIONS),
                      returned=True)
quals_shown = quals
if v.anonymised:
    quals_shown = analysis.hide_small_groups(quals, "Schools", ["Schools", "Share"], SMALL, group=group)
    quals = quals[quals_shown["Share"].notna()] if not quals.empty else quals
if quals.empty:
    st.caption("No school in scope gave its SENCO's qualification status.")
else:
    def in_order(s):
        return s.map({b: i for i, b in enumerate(order)}).fillna(len(order))
    quals = quals.sort_values(group, key=in_order, kind="stable")
    quals_shown = quals_shown.sort_values(group, key=in_order, kind="stable")
    fig = charts.stacked(quals, group, "senco_qualification", "Share", f"SENCO qualification status, by {cut.lower()}",
                         "Share of SENCOs", list(QUALIFICATIONS))
    charts.show(fig, "lead-quals", v, analysis.as_percent(quals_shown, ["Share"]),
                f"SENCO qualification status by {cut.lower()}",
                {group: cut, "senco_qualification": "Qualification", "Schools": "Schools", "Share (%)": "Share (%)"},
                summary=MEASURE_BY_ID["qualification_held"].definition + " NASENCO counts where its course started "
                "before 1 September 2024 and is completed by 31 August 2027; a course started from 1 September 2024 "
                "must be the NPQ for SENCOs (SEND Regulations 2014 reg. 49(7)). The course start decides, not the "
                "appointment. A SENCO new to the role must hold one after the third anniversary of appointment.")
rate_chart("flag_qual_overdue", "lead-overdue")
rate_chart("flag_not_qt", "lead-not-qt")
rate_chart("flag_not_at_school", "lead-not-at-school")
rate_chart("flag_course_will_not_count", "lead-course")

st.header("Shared SENCOs")
st.caption("A head teacher may be the SENCO. The SEND Code of Practice advises against a shared SENCO who is also a "
           "headteacher: that is guidance, not statute, so it is shown here and never counted as a statutory flag.")
measure_cards(v, measures.section("leadership.shared"), per_row=2)
rate_chart("shared_senco", "lead-shared")
rate_chart("flag_shared_head", "lead-shared-head")

st.header("Schools with a statutory flag")
st.caption("Statutory flags apply only to the schools each duty covers: the SENCO duties to mainstream and "
           "maintained nursery schools, not special schools, pupil referral units or 16-19 institutions. The About "
           "page gives each flag's legal source.")
measure_cards(v, measures.section("leadership.flags"), per_row=2)
flagged = v.api.derived(analysis.flagged_schools, v.filters, list(FLAG_LABELS), returned=True)
table(flagged, "Schools raising a statutory flag", "lead-flagged", v,
      {"school_name": "School", "urn": "URN", "phase": "Phase", "size_band": "Size band",
       "flags_raised": "Flags raised", **FLAG_LABELS},
      height=400, open_school=True,
      caption="Returns raising at least one statutory flag, most flags first (select a row to open the school). "
      "Yes = the return raises "
      "the flag; No = it does not; Not known = the return left an answer blank or the duty does not cover the "
      "school. Each flag is defined beside its chart above and in the help of its headline figure.")

st.header("Checks shown apart from the statutory flags")
st.caption("Early warnings and Code of Practice guidance: worth a conversation, never counted in 'any statutory "
           "flag'.")
measure_cards(v, measures.section("leadership.checks"), per_row=2)
checked = v.api.derived(analysis.flagged_schools, v.filters, list(CHECK_LABELS), returned=True)
table(checked, "Schools raising a check (not statutory flags)", "lead-checks", v,
      {"school_name": "School", "urn": "URN", "phase": "Phase", "size_band": "Size band",
       "flags_raised": "Checks raised", **CHECK_LABELS},
      height=300, caption="Returns raising at least one check, most first. Yes = raised; Not known = the return "
      "left an answer blank or the guidance does not cover the school.")

update_share_link({"cut": cut if cut != "Phase" else None})   # with the page's own choice
