"""Every measure the dashboard shows, each defined once, in one entry of `MEASURES`.

An entry holds everything about its measure: the label, definition, unit, rounding, polarity,
benchmark and source shown beside it; what it computes (the SQL expression of its per-school
column, which `lake.api` generates into the school-year frame, and the aggregate over the
schools it counts); its scope (which schools it counts); whether it is a flag, and of what kind
(statutory, an early-warning check, or guidance), with the law behind it; and where it is shown:
the page group it belongs to (About, Trends) and the page sections that show it (a row of
headline cards), which pages ask for with `section("overview.flags")`.

`tests/lake/test_measures.py` computes every entry on the hand-checkable small lake against a
value worked by hand, so a new measure fails until someone has worked its value out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from domain.vocabularies import REPORT_CARD_GRADES
from lake import config
from lake import rounding as rnd

RETURN = "SENCO returns (the LA's annual collection)"
CENSUS = "DfE school census (January), school level"
OFSTED = "Ofsted state-funded schools inspections and outcomes (management information)"


@dataclass(frozen=True)
class Scope:
    """Which schools a measure counts. `all_schools`: every school in scope for the year, with or
    without a return; otherwise only schools with a return. `sql`: a condition on the school-year
    row outside which the measure's per-school column is NULL (e.g. the schools a duty covers)."""
    id: str
    words: str
    all_schools: bool = False
    sql: str | None = None


# School types the duties do not cover (lower-cased GIAS "Type of establishment" names).
_POST16 = "16.?(to|-).?19|further education|sixth form|post.?16"
NOT_SENCO_DUTY = "special|pupil referral|alternative provision|" + _POST16
NOT_REPORT_DUTY = "non-maintained|pupil referral|alternative provision|" + _POST16
SENCO_DUTY = ("Mainstream schools (maintained, academies and free schools) and maintained nursery schools: not "
              "special schools, pupil referral units, alternative provision or 16-19 institutions "
              "(Children and Families Act 2014 s.67).")
REPORT_DUTY = ("Maintained schools (including special schools), maintained nursery schools and academies: not "
               "pupil referral units, alternative provision or 16-19 academies (Children and Families Act 2014 s.69).")

ALL_SCHOOLS = Scope("all", "Every school in scope for the year, with or without a return.", all_schools=True)
RETURNED = Scope("returned", "Schools in scope with a return that answers it.")
SENCO_DUTY_SCOPE = Scope("senco_duty", SENCO_DUTY, sql="senco_duty")
REPORT_DUTY_SCOPE = Scope("report_duty", REPORT_DUTY, sql="sen_report_duty")
ANY_DUTY_SCOPE = Scope("any_duty", "Schools with a return that the SENCO duty (s.67) or the SEN information report "
                       "duty (s.69) covers.", sql="coalesce(senco_duty, false) OR coalesce(sen_report_duty, false)")

# Per-school columns the measures' SQL reads, worked out first (in this order) for every row of the
# school-year frame. `senco_duty` and `sen_report_duty` are NULL for a school without a return.
HELPERS: tuple[tuple[str, str], ...] = (
    # Which duties cover the school: the SENCO duty (Children and Families Act 2014 s.67) covers
    # mainstream and maintained nursery schools only; the SEN information report (s.69) also covers
    # special schools, but not PRUs, AP or 16-19 academies.
    ("senco_duty", "CASE WHEN has_return THEN NOT (coalesce(phase IN ('special', 'alternative provision', "
     f"'16 plus'), false) OR regexp_matches(lower(coalesce(school_type, '')), '{NOT_SENCO_DUTY}')) END"),
    ("sen_report_duty", "CASE WHEN has_return THEN NOT (coalesce(phase IN ('alternative provision', '16 plus'), "
     f"false) OR regexp_matches(lower(coalesce(school_type, '')), '{NOT_REPORT_DUTY}')) END"),
    # reg. 49(3): a head teacher may be the SENCO.
    ("senco_is_head", "list_contains(string_split(coalesce(senco_other_roles, ''), '; '), 'headteacher')"),
    # reg. 49(7): NASENCO counts only where its course started before 1 September 2024.
    ("qualification_counts", "CASE WHEN senco_qualification = 'NPQ for SENCOs held' THEN true "
     "WHEN senco_qualification = 'NASENCO held' THEN coalesce(senco_qualification_course_started "
     "< DATE '2024-09-01', true) WHEN senco_qualification IN ('in progress', 'not started') THEN false END"),
    # reg. 49(4): the 3-year rule binds SENCOs who became SENCO after 1 September 2009 and had not been a
    # SENCO for more than 12 months before; unknown when the return does not say when they first were one.
    ("qualification_required", "CASE WHEN senco_appointed_date IS NULL THEN NULL "
     "WHEN senco_appointed_date <= DATE '2009-09-01' THEN false WHEN senco_first_senco_date IS NULL THEN NULL "
     "ELSE senco_first_senco_date + INTERVAL 12 MONTH >= senco_appointed_date END"),
    ("send_pupils", "sen_support_pupils + ehcp_pupils"),
)

STATUTORY, CHECK, GUIDANCE = "statutory", "check", "guidance"
FLAG_KINDS = {STATUTORY: "Statutory", CHECK: "Check (not counted)", GUIDANCE: "Check (guidance, not counted)"}


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    definition: str
    unit: str            # count | share | hours | hours per 10 pupils | pupils
    agg: str             # count | sum | share | median | mean | ratio (sum of column / sum of denominator)
    column: str          # column of the school_year frame it aggregates (the numerator of a ratio)
    rounding: int        # decimals shown (shares are shown as percentages with this many decimals)
    polarity: str        # higher is better | lower is better | neutral
    source: str
    benchmark_id: str | None = None
    group: str = "Overview"      # the page group it is listed under (About, Trends)
    # What it computes: the SQL expression of `column` for one school's row of the school-year frame
    # (None: the frame already has the column, e.g. a return column). It may read the row's return,
    # register, census and Ofsted columns, HELPERS, the columns of entries above it, the parameter
    # $asof (the date dated flags are judged at), {recommended_hours} (the configured threshold) and
    # {any_statutory_flag} (true when any statutory flag above is raised). Outside `scope` it is NULL.
    sql: str | None = None
    denominator: str | None = None       # for agg "ratio"
    scope: Scope = RETURNED              # which schools it counts
    flag: str | None = None              # STATUTORY | CHECK | GUIDANCE for a flag, else None
    legal_source: str | None = None      # for a flag: the law or guidance behind it (About)
    raised_when: str | None = None       # for a flag: when a return raises it, in words (About)
    # The page sections it is shown in (a row of headline cards, or the Overview's table set beside region
    # and England), each with its place there: (("overview.flags", 2),). Pages ask `section(name)`.
    sections: tuple[tuple[str, int], ...] = ()

    @property
    def short_name(self) -> str:
        """The name without its "Flag: " / "Check: " prefix, capitalised: a flag's column heading."""
        name = self.name.removeprefix("Flag: ").removeprefix("Check: ")
        return name[:1].upper() + name[1:]

    def format(self, value: float | None) -> str:
        """The value as every page shows it, rounded half up (lake.rounding)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if self.unit == "share":
            return rnd.percent(value, self.rounding)
        if self.unit in ("count", "pupils"):
            return rnd.number(value, 0)
        suffix = {"hours": " h", "hours per 10 pupils": " h"}.get(self.unit, "")
        return rnd.number(value, self.rounding, suffix)

    def round(self, value: float | None) -> float | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return rnd.round_half_up(value, self.rounding + (2 if self.unit == "share" else 0))

    def format_change(self, change: float | None) -> str | None:
        """The change since last year as shown, e.g. "+3 pts", "-0.5", or NO_CHANGE when it rounds to
        nothing (a "+0 pts" with an up arrow reads as a rise). Rounded half up: +2.5 pts shows "+3 pts"."""
        if change is None or (isinstance(change, float) and math.isnan(change)):
            return None
        if self.unit == "share":
            # The change in percentage points, from the shares as written (no binary 0.1 + 0.2 drift).
            value, digits, suffix = rnd.percent_value(change, 6), self.rounding, " pts"
        elif self.unit in ("count", "pupils"):
            value, digits, suffix = change, 0, ""
        else:
            value, digits, suffix = change, self.rounding, ""
        if rnd.is_zero(value, digits):
            return NO_CHANGE
        return rnd.signed(value, digits, suffix)


NO_CHANGE = "no change"


def _m(*args, **kw) -> Measure:
    return Measure(*args, **kw)


MEASURES: tuple[Measure, ...] = (
    _m("schools_in_scope", "Schools in scope", "State-funded schools on the register in the current filter.",
       "count", "count", "urn", 0, "neutral", "Register of schools (GIAS / census)", scope=ALL_SCHOOLS,
       sections=(("overview.returns", 1),)),
    _m("returns_received", "Returns received", "Schools in scope with an accepted SENCO return for the year.",
       "count", "sum", "has_return", 0, "higher is better", RETURN, scope=ALL_SCHOOLS,
       sections=(("overview.returns", 2),)),
    _m("return_rate", "Return rate", "Share of schools in scope that have sent an accepted return.",
       "share", "share", "has_return", 0, "higher is better", RETURN, scope=ALL_SCHOOLS,
       sections=(("overview.returns", 3), ("overview.compared", 1))),
    _m("send_pct", "SEND pupils, % of roll",
       "Pupils at SEN Support plus pupils with an EHC plan, as a share of pupils on roll, over all schools in scope.",
       "share", "ratio", "send_pupils", 1, "neutral", RETURN, "send_pct", denominator="number_on_roll",
       sections=(("overview.returns", 4),)),
    _m("ehcp_pct", "EHC plans, % of roll", "Pupils with an EHC plan as a share of pupils on roll.",
       "share", "ratio", "ehcp_pupils", 1, "neutral", RETURN, "ehcp_pct", denominator="number_on_roll"),
    _m("median_senco_hours", "Median SENCO hours a week",
       "Median designated SENCO time per week across schools that returned it. Days are converted at the "
       "configured school-day length.", "hours", "median", "senco_hours_per_week", 1, "higher is better",
       RETURN, "recommended_senco_hours", "SENCO time",
       sections=(("overview.senco_time", 1), ("overview.compared", 2), ("senco_time.headline", 1))),
    _m("median_hours_per_10_send", "Median SENCO hours per 10 SEND pupils",
       "SENCO hours a week divided by SEND pupils (SEN Support + EHCP), times 10; median across schools with "
       "at least one SEND pupil.", "hours per 10 pupils", "median", "hours_per_10_send", 1,
       "higher is better", RETURN, None, "SENCO time",
       sql="CASE WHEN sen_support_pupils + ehcp_pupils > 0 "
           "THEN round(senco_hours_per_week / (sen_support_pupils + ehcp_pupils) * 10, 3) END",
       sections=(("overview.senco_time", 2), ("overview.compared", 3), ("senco_time.headline", 2))),
    _m("below_recommended", "Below the recommended SENCO time",
       "Share of schools whose SENCO has less designated time than the recommended minimum of 1.5 days a week "
       "(threshold configurable). No national figure counts the same thing: the surveys' 'not enough time' "
       "is SENCOs' own view, set beside 'SENCO says time is not enough'.", "share", "share", "below_recommended",
       0, "lower is better", RETURN, None, "SENCO time", sql="senco_hours_per_week < {recommended_hours}",
       sections=(("overview.senco_time", 3), ("overview.compared", 4), ("senco_time.headline", 3))),
    _m("time_not_enough", "SENCO says time is not enough",
       "Share of SENCOs who say, in the return, that their allocated time is not enough for the role: the same "
       "question the national SENCO workforce survey asked, so its figure is set beside this one.", "share",
       "share", "time_not_enough", 0, "lower is better", RETURN, "not_enough_time", "SENCO time",
       sql="NOT senco_time_enough", sections=(("senco_time.own_view", 1),)),
    _m("median_teaching_hours", "Median SENCO teaching hours a week",
       "Median hours a week the SENCO spends class teaching.", "hours", "median",
       "senco_teaching_hours_per_week", 1, "neutral", RETURN, None, "SENCO time",
       sections=(("senco_time.headline", 4),)),
    _m("combined_role", "SENCO holds other roles",
       "Share of SENCOs who hold at least one other role (e.g. DSL, deputy head, class teacher).",
       "share", "share", "combined_role", 0, "neutral", RETURN, None, "SENCO time",
       sql="CASE WHEN has_return THEN coalesce(senco_other_roles, '') <> '' END",
       sections=(("overview.senco_time", 4),)),
    _m("slt_rate", "SENCO on the senior leadership team",
       "Share of schools whose SENCO is a member of the senior leadership team.", "share", "share",
       "senco_on_slt", 0, "higher is better", RETURN, "senco_on_slt", "Leadership & support",
       sections=(("overview.leadership", 1), ("overview.compared", 5), ("leadership.support", 1))),
    _m("admin_support_rate", "SENCO has admin support",
       "Share of schools giving the SENCO dedicated administrative support (more than 0 hours a week).",
       "share", "share", "admin_support", 0, "higher is better", RETURN, "admin_support",
       "Leadership & support", sql="admin_support_hours_per_week > 0",
       sections=(("overview.leadership", 2), ("overview.compared", 6), ("leadership.support", 2))),
    _m("median_admin_hours", "Median admin support hours (where given)",
       "Median weekly admin support hours among schools that give any.", "hours", "median",
       "admin_hours_if_any", 1, "higher is better", RETURN, None, "Leadership & support",
       sql="CASE WHEN admin_support_hours_per_week > 0 THEN admin_support_hours_per_week END",
       sections=(("leadership.support", 3),)),
    _m("deputy_rate", "Deputy or assistant SENCO in post", "Share of schools with a deputy or assistant SENCO.",
       "share", "share", "deputy_senco", 0, "higher is better", RETURN, None, "Leadership & support",
       sections=(("overview.leadership", 3), ("leadership.support", 4))),
    _m("qualification_held", "SENCO qualification held",
       "Share of SENCOs holding the NASENCO award or the NPQ for SENCOs.", "share", "share",
       "qualification_held", 0, "higher is better", RETURN, None, "Leadership & support",
       sql="senco_qualification IN ('NASENCO held', 'NPQ for SENCOs held')",
       sections=(("overview.leadership", 4), ("overview.compared", 7), ("leadership.qualification", 1))),
    _m("shared_senco", "SENCO shared with other schools",
       "Share of schools whose SENCO also covers other schools.", "share", "share", "shared_senco", 0,
       "neutral", RETURN, None, "Leadership & support", sql="senco_shared_schools > 1",
       sections=(("leadership.shared", 1),)),
    _m("flag_not_qt", "Flag: SENCO not a qualified teacher",
       "Statutory (SEND Regulations 2014 reg. 49(2)): the SENCO must be a qualified teacher, unless the head "
       "teacher is the SENCO (reg. 49(3)). Share of mainstream and maintained nursery schools reporting a SENCO "
       "who is neither.", "share", "share", "flag_not_qualified_teacher", 0, "lower is better", RETURN, None,
       "Flags", sql="CASE WHEN senco_is_head THEN false ELSE NOT senco_qualified_teacher END",
       scope=SENCO_DUTY_SCOPE, flag=STATUTORY, legal_source="SEND Regulations 2014 reg. 49(1)-(3)",
       raised_when="The return says the SENCO is not a qualified teacher and the SENCO is not the head teacher "
                   "(a head teacher may be the SENCO).",
       sections=(("overview.flags", 2), ("leadership.qualification", 3))),
    _m("flag_not_at_school", "Flag: SENCO does not work as a teacher at the school",
       "Statutory (reg. 49(2)(c)): the SENCO must work as a teacher at the school, unless the head teacher is "
       "the SENCO. Share of mainstream and maintained nursery schools reporting a SENCO who does not.",
       "share", "share", "flag_not_working_at_school", 0, "lower is better", RETURN, None, "Flags",
       sql="CASE WHEN senco_is_head THEN false ELSE NOT senco_works_at_school END",
       scope=SENCO_DUTY_SCOPE, flag=STATUTORY, legal_source="SEND Regulations 2014 reg. 49(2)(c)",
       raised_when="The return says the SENCO does not work as a teacher at this school and is not its head "
                   "teacher.",
       sections=(("leadership.qualification", 4),)),
    _m("flag_qual_overdue", "Flag: qualification overdue",
       "Statutory (reg. 49(4) and (7)): a SENCO who became SENCO after 1 September 2009 and had not been a SENCO "
       "for more than 12 months before must hold the SENCO qualification after the third anniversary of "
       "appointment: NASENCO if its course started before 1 September 2024, otherwise the NPQ for SENCOs. "
       "Share of mainstream and maintained nursery schools past that date without it; judged at the end of the "
       "academic year, or today while it runs.", "share", "share", "flag_qualification_overdue", 0,
       "lower is better", RETURN, None, "Flags",
       sql="CASE WHEN senco_appointed_date IS NULL THEN NULL "
           "WHEN $asof <= senco_appointed_date + INTERVAL 3 YEAR THEN false "
           "WHEN qualification_required IS NULL THEN NULL WHEN NOT qualification_required THEN false "
           "ELSE NOT qualification_counts END",
       scope=SENCO_DUTY_SCOPE, flag=STATUTORY,
       legal_source="SEND Regulations 2014 reg. 49(4) and (7), as amended in 2024",
       raised_when="The SENCO became SENCO here after 1 September 2009, had not been a SENCO (at any school) for "
                   "more than 12 months before, the third anniversary of appointment has passed, and they do not "
                   "hold a qualification that counts: NASENCO from a course started before 1 September 2024 "
                   "(and completed by 31 August 2027), or the NPQ for SENCOs. Not known when the return does not "
                   "give the date the SENCO first became a SENCO.",
       sections=(("overview.flags", 3), ("leadership.qualification", 2))),
    _m("flag_no_report", "Flag: no SEN information report",
       "Statutory (Children and Families Act 2014 s.69; SEND Regulations 2014 reg. 51): maintained schools, "
       "maintained nursery schools and academies must publish a SEN information report. Share reporting none.",
       "share", "share", "flag_no_sen_report", 0, "lower is better", RETURN, None, "Flags",
       sql="NOT sen_information_report_published", scope=REPORT_DUTY_SCOPE, flag=STATUTORY,
       legal_source="Children and Families Act 2014 s.69; SEND Regulations 2014 reg. 51 and Schedule 1",
       raised_when="The return says no SEN information report is published.",
       sections=(("overview.flags", 4), ("leadership.flags", 2))),
    _m("any_flag", "Schools with any statutory flag",
       "Share of returns (from schools a statutory duty covers) raising at least one statutory flag. Guidance "
       "checks are not counted.", "share", "share", "any_flag", 0, "lower is better", RETURN, None, "Flags",
       sql="{any_statutory_flag}", scope=ANY_DUTY_SCOPE,
       sections=(("overview.flags", 1), ("overview.compared", 8), ("leadership.flags", 1))),
    _m("flag_course_will_not_count", "Check: qualification course will not count",
       "From reg. 49(7): the SENCO's NASENCO course started on or after 1 September 2024, or is still in "
       "progress after 31 August 2027, so it cannot meet the requirement (the NPQ for SENCOs must be taken). "
       "Not yet a breach: shown apart, not counted as a statutory flag.", "share", "share",
       "flag_course_will_not_count", 0, "lower is better", RETURN, None, "Guidance checks",
       sql="CASE WHEN qualification_required = false THEN false "
           "WHEN senco_qualification NOT IN ('in progress', 'NASENCO held') THEN false "
           "WHEN coalesce(senco_qualification_course, CASE WHEN senco_qualification = 'NASENCO held' "
           "THEN 'NASENCO' END) IS DISTINCT FROM 'NASENCO' THEN false "
           "WHEN senco_qualification_course_started >= DATE '2024-09-01' THEN true "
           "WHEN senco_qualification = 'in progress' AND $asof > DATE '2027-08-31' THEN true ELSE false END",
       scope=SENCO_DUTY_SCOPE, flag=CHECK, legal_source="SEND Regulations 2014 reg. 49(7)",
       raised_when="A NASENCO course started on or after 1 September 2024, or still in progress after 31 August "
                   "2027: it cannot meet the requirement, though the deadline may not have passed yet.",
       sections=(("leadership.checks", 1),)),
    _m("flag_report_out_of_date", "Check: SEN information report not updated in the last year",
       "Code of Practice 6.79 (guidance): the SEN information report should be updated annually. Share of schools "
       "publishing one whose last update is more than a year before the end of the academic year (or today).",
       "share", "share", "flag_sen_report_out_of_date", 0, "lower is better", RETURN, None, "Guidance checks",
       sql="CASE WHEN NOT sen_information_report_published THEN NULL "
           "ELSE sen_information_report_updated + INTERVAL 1 YEAR < $asof END",
       scope=REPORT_DUTY_SCOPE, flag=GUIDANCE,
       legal_source="SEND Code of Practice 2015, paragraph 6.79 (statutory guidance)",
       raised_when="The report was last updated more than a year before the end of the academic year (or "
                   "today, while the year runs).",
       sections=(("leadership.checks", 2),)),
    _m("flag_shared_head", "Check: shared SENCO who is also a headteacher",
       "Code of Practice guidance, not statute: a SENCO covering several schools who is also a headteacher "
       "(the SEND Code of Practice advises against). Shown apart, never counted as a statutory flag.",
       "share", "share", "flag_shared_head", 0, "lower is better", RETURN, None, "Guidance checks",
       sql="CASE WHEN senco_shared_schools IS NOT NULL THEN senco_shared_schools > 1 AND senco_is_head END",
       scope=SENCO_DUTY_SCOPE, flag=GUIDANCE, legal_source="SEND Code of Practice 2015 (guidance, not statute)",
       raised_when="The SENCO covers more than one school and is also a headteacher.",
       sections=(("leadership.shared", 2),)),
    _m("ofsted_good", "SEND progress good or better (school's own view)",
       "Share of schools whose return judges the progress of their pupils with SEND good or better. Ofsted has "
       "made no separate judgement of SEND progress since September 2019: this is the school's view.", "share",
       "share", "ofsted_send_good", 0, "higher is better", RETURN, None, "Ofsted",
       sql="CASE WHEN ofsted_send_progress IN ('good or better', 'less than good') "
           "THEN ofsted_send_progress = 'good or better' END",
       sections=(("overview.ofsted", 1), ("ofsted.headline", 1))),
    _m("ofsted_inclusion_expected", "Ofsted inclusion: expected standard or above (official)",
       "Share of schools with a report-card inclusion grade (inspections from November 2025) at expected "
       "standard, strong standard or exceptional. Ofsted's inclusion area covers more than SEND: it also covers "
       "disadvantaged pupils and others who face barriers.", "share", "share", "inclusion_expected_or_above", 0,
       "higher is better", OFSTED, None, "Ofsted",
       sql="CASE WHEN ofsted_inclusion IS NOT NULL "
           "THEN ofsted_inclusion IN ('exceptional', 'strong standard', 'expected standard') END",
       sections=(("overview.ofsted", 2), ("ofsted.headline", 2))),
)

MEASURE_BY_ID = {m.id: m for m in MEASURES}
INCLUSION_GRADES = REPORT_CARD_GRADES


def flags(*kinds: str) -> tuple[Measure, ...]:
    """The flag measures of the given kinds (STATUTORY, CHECK, GUIDANCE), or every flag, in list order."""
    return tuple(m for m in MEASURES if m.flag and (not kinds or m.flag in kinds))


def section(name: str) -> list[str]:
    """The ids of the measures a page section shows, in their places: `measure_cards(v, section(...))`."""
    placed = sorted((place, m.id) for m in MEASURES for where, place in m.sections if where == name)
    if not placed:
        raise KeyError(f"no measure is shown in section {name!r}")
    return [mid for _, mid in placed]


def all_school_measures() -> tuple[str, ...]:
    """Ids of the measures computed over every school in scope, not only those with a return."""
    return tuple(m.id for m in MEASURES if m.scope.all_schools)


def _rendered(sql: str) -> str:
    """An entry's SQL with its named pieces filled in: the configured threshold and the lists that
    follow from the entries themselves."""
    statutory = [m.column for m in flags(STATUTORY)]
    return (sql.replace("{recommended_hours}", repr(float(config.recommended_hours())))
               .replace("{any_statutory_flag}", " OR ".join(f"coalesce({c}, false)" for c in statutory))
               .replace("{statutory_flag_count}", " + ".join(f"coalesce({c}, false)::INTEGER" for c in statutory)))


def column_sql(measure: Measure) -> str | None:
    """The SQL expression of the measure's per-school column, NULL outside its scope; None when the
    school-year frame already has the column."""
    if measure.sql is None:
        return None
    expr = _rendered(measure.sql)
    return f"CASE WHEN {measure.scope.sql} THEN ({expr}) END" if measure.scope.sql else f"({expr})"


def helper_select() -> str:
    """`<sql> AS <name>` for each helper column, for the school-year frame's SQL."""
    return ",\n  ".join(f"{sql} AS {name}" for name, sql in HELPERS)


def derived_select() -> str:
    """`<sql> AS <column>` for every measure's per-school column (in list order, so an entry may read the
    columns of the entries above it), then the number of statutory flags each return raises."""
    parts = [f"{column_sql(m)} AS {m.column}" for m in MEASURES if m.sql is not None]
    parts.append(f"{_rendered('{statutory_flag_count}')} AS flag_count")
    return ",\n  ".join(parts)


def per_school(frame: pd.DataFrame, columns: list[str], params: dict | None = None) -> pd.DataFrame:
    """The named helper or measure columns worked out for the rows of any frame (e.g. a school's returns
    over the years), by the very SQL the school-year frame uses: one definition. Returns a frame of
    just those columns, on `frame`'s index. The expressions must read only columns `frame` has."""
    sql_of = dict(HELPERS) | {m.column: column_sql(m) for m in MEASURES if m.sql is not None}
    select = ", ".join(f"{sql_of[c]} AS {c}" for c in columns)
    con = duckdb.connect()            # in memory: no lake is opened here
    try:
        con.register("rows_in", frame.reset_index(drop=True))
        out = con.execute(f"SELECT {select} FROM rows_in", params or {}).df()
    finally:
        con.close()
    out.index = frame.index
    return out


def compute(measure: Measure, frame: pd.DataFrame) -> float | None:
    """The measure's value over the rows of a school_year frame (already cut to its scope's rows)."""
    if frame is None or frame.empty:
        return 0.0 if measure.agg == "count" else None
    if measure.agg == "count":
        return float(frame[measure.column].nunique())
    if measure.agg == "ratio":
        num, den = measure.column, measure.denominator
        rows = frame[frame[num].notna() & frame[den].notna()]
        total = rows[den].sum()
        return float(rows[num].sum() / total) if total else None
    values = frame[measure.column].dropna()
    if values.empty:
        return None
    if measure.agg == "sum":
        return float(values.astype(float).sum())
    if measure.agg == "share":
        return float(values.astype(float).mean())
    if measure.agg == "median":
        return float(values.astype(float).median())
    if measure.agg == "mean":
        return float(values.astype(float).mean())
    raise AssertionError(measure.agg)


def scoped(measure: Measure, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a school_year frame the measure counts: every school, or those with a return."""
    if measure.scope.all_schools or frame is None or frame.empty:
        return frame
    return frame[frame["has_return"].astype(bool)]


def answered(measure: Measure, frame: pd.DataFrame) -> int:
    """How many schools the value rests on (its n)."""
    if frame is None or frame.empty:
        return 0
    if measure.agg == "count":
        return int(frame["urn"].nunique())
    if measure.agg == "ratio":
        return int(frame[measure.denominator].notna().sum())
    return int(frame[measure.column].notna().sum())


def measures_table() -> pd.DataFrame:
    """The About page's definitions table."""
    return pd.DataFrame([{
        "Measure": m.name, "Definition": m.definition, "Unit": m.unit,
        "Rounding": f"{m.rounding} decimal place(s), half up" + (" (as a percentage)" if m.unit == "share" else ""),
        "Polarity": m.polarity, "Benchmark": m.benchmark_id or "–", "Source": m.source, "Page": m.group,
    } for m in MEASURES])


def flags_table() -> pd.DataFrame:
    """The About page's flags: each with its legal source, the schools it applies to and when it is raised."""
    return pd.DataFrame([{"Flag": m.short_name, "Kind": FLAG_KINDS[m.flag], "Legal source": m.legal_source,
                          "Applies to": m.scope.words, "Raised when": m.raised_when} for m in flags()],
                        columns=["Flag", "Kind", "Legal source", "Applies to", "Raised when"])
