"""Every measure the dashboard shows, defined once.

Labels beside charts, headline cards, table headers and the About page all come from
this table. A measure is computed by `compute()` from the per-school frame the read API
returns (`lake.api.LakeAPI.school_year`): an aggregate (`agg`) of one column over the
schools that answered it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from domain.vocabularies import REPORT_CARD_GRADES
from lake import rounding as rnd

RETURN = "SENCO returns (the LA's annual collection)"
CENSUS = "DfE school census (January), school level"
OFSTED = "Ofsted state-funded schools inspections and outcomes (management information)"


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    definition: str
    unit: str            # count | share | hours | hours per 10 pupils | pupils
    agg: str             # count | sum | share | median | mean
    column: str          # column of the school_year frame
    rounding: int        # decimals shown (shares are shown as percentages with this many decimals)
    polarity: str        # higher is better | lower is better | neutral
    source: str
    benchmark_id: str | None = None
    group: str = "Overview"

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
       "count", "count", "urn", 0, "neutral", "Register of schools (GIAS / census)"),
    _m("returns_received", "Returns received", "Schools in scope with an accepted SENCO return for the year.",
       "count", "sum", "has_return", 0, "higher is better", RETURN),
    _m("return_rate", "Return rate", "Share of schools in scope that have sent an accepted return.",
       "share", "share", "has_return", 0, "higher is better", RETURN),
    _m("send_pct", "SEND pupils, % of roll",
       "Pupils at SEN Support plus pupils with an EHC plan, as a share of pupils on roll, over all schools in scope.",
       "share", "ratio", "send_pupils/number_on_roll", 1, "neutral", RETURN, "send_pct"),
    _m("ehcp_pct", "EHC plans, % of roll", "Pupils with an EHC plan as a share of pupils on roll.",
       "share", "ratio", "ehcp_pupils/number_on_roll", 1, "neutral", RETURN, "ehcp_pct"),
    _m("median_senco_hours", "Median SENCO hours a week",
       "Median designated SENCO time per week across schools that returned it. Days are converted at the "
       "configured school-day length.", "hours", "median", "senco_hours_per_week", 1, "higher is better",
       RETURN, "recommended_senco_hours", "SENCO time"),
    _m("median_hours_per_10_send", "Median SENCO hours per 10 SEND pupils",
       "SENCO hours a week divided by SEND pupils (SEN Support + EHCP), times 10; median across schools with "
       "at least one SEND pupil.", "hours per 10 pupils", "median", "hours_per_10_send", 1,
       "higher is better", RETURN, None, "SENCO time"),
    _m("below_recommended", "Below the recommended SENCO time",
       "Share of schools whose SENCO has less designated time than the recommended minimum of 1.5 days a week "
       "(threshold configurable). No national figure counts the same thing: the surveys' 'not enough time' "
       "is SENCOs' own view, set beside 'SENCO says time is not enough'.", "share", "share", "below_recommended",
       0, "lower is better", RETURN, None, "SENCO time"),
    _m("time_not_enough", "SENCO says time is not enough",
       "Share of SENCOs who say, in the return, that their allocated time is not enough for the role: the same "
       "question the national SENCO workforce survey asked, so its figure is set beside this one.", "share",
       "share", "time_not_enough", 0, "lower is better", RETURN, "not_enough_time", "SENCO time"),
    _m("median_teaching_hours", "Median SENCO teaching hours a week",
       "Median hours a week the SENCO spends class teaching.", "hours", "median",
       "senco_teaching_hours_per_week", 1, "neutral", RETURN, None, "SENCO time"),
    _m("combined_role", "SENCO holds other roles",
       "Share of SENCOs who hold at least one other role (e.g. DSL, deputy head, class teacher).",
       "share", "share", "combined_role", 0, "neutral", RETURN, None, "SENCO time"),
    _m("slt_rate", "SENCO on the senior leadership team",
       "Share of schools whose SENCO is a member of the senior leadership team.", "share", "share",
       "senco_on_slt", 0, "higher is better", RETURN, "senco_on_slt", "Leadership & support"),
    _m("admin_support_rate", "SENCO has admin support",
       "Share of schools giving the SENCO dedicated administrative support (more than 0 hours a week).",
       "share", "share", "admin_support", 0, "higher is better", RETURN, "admin_support",
       "Leadership & support"),
    _m("median_admin_hours", "Median admin support hours (where given)",
       "Median weekly admin support hours among schools that give any.", "hours", "median",
       "admin_hours_if_any", 1, "higher is better", RETURN, None, "Leadership & support"),
    _m("deputy_rate", "Deputy or assistant SENCO in post", "Share of schools with a deputy or assistant SENCO.",
       "share", "share", "deputy_senco", 0, "higher is better", RETURN, None, "Leadership & support"),
    _m("qualification_held", "SENCO qualification held",
       "Share of SENCOs holding the NASENCO award or the NPQ for SENCOs.", "share", "share",
       "qualification_held", 0, "higher is better", RETURN, None, "Leadership & support"),
    _m("shared_senco", "SENCO shared with other schools",
       "Share of schools whose SENCO also covers other schools.", "share", "share", "shared_senco", 0,
       "neutral", RETURN, None, "Leadership & support"),
    _m("flag_not_qt", "Flag: SENCO not a qualified teacher",
       "Statutory (SEND Regulations 2014 reg. 49(2)): the SENCO must be a qualified teacher, unless the head "
       "teacher is the SENCO (reg. 49(3)). Share of mainstream and maintained nursery schools reporting a SENCO "
       "who is neither.", "share", "share", "flag_not_qualified_teacher", 0, "lower is better", RETURN, None,
       "Flags"),
    _m("flag_not_at_school", "Flag: SENCO does not work as a teacher at the school",
       "Statutory (reg. 49(2)(c)): the SENCO must work as a teacher at the school, unless the head teacher is "
       "the SENCO. Share of mainstream and maintained nursery schools reporting a SENCO who does not.",
       "share", "share", "flag_not_working_at_school", 0, "lower is better", RETURN, None, "Flags"),
    _m("flag_qual_overdue", "Flag: qualification overdue",
       "Statutory (reg. 49(4) and (7)): a SENCO who became SENCO after 1 September 2009 and had not been a SENCO "
       "for more than 12 months before must hold the SENCO qualification after the third anniversary of "
       "appointment: NASENCO if its course started before 1 September 2024, otherwise the NPQ for SENCOs. "
       "Share of mainstream and maintained nursery schools past that date without it; judged at the end of the "
       "academic year, or today while it runs.", "share", "share", "flag_qualification_overdue", 0,
       "lower is better", RETURN, None, "Flags"),
    _m("flag_no_report", "Flag: no SEN information report",
       "Statutory (Children and Families Act 2014 s.69; SEND Regulations 2014 reg. 51): maintained schools, "
       "maintained nursery schools and academies must publish a SEN information report. Share reporting none.",
       "share", "share", "flag_no_sen_report", 0, "lower is better", RETURN, None, "Flags"),
    _m("any_flag", "Schools with any statutory flag",
       "Share of returns (from schools a statutory duty covers) raising at least one statutory flag. Guidance "
       "checks are not counted.", "share", "share", "any_flag", 0, "lower is better", RETURN, None, "Flags"),
    _m("flag_course_will_not_count", "Check: qualification course will not count",
       "From reg. 49(7): the SENCO's NASENCO course started on or after 1 September 2024, or is still in "
       "progress after 31 August 2027, so it cannot meet the requirement (the NPQ for SENCOs must be taken). "
       "Not yet a breach: shown apart, not counted as a statutory flag.", "share", "share",
       "flag_course_will_not_count", 0, "lower is better", RETURN, None, "Guidance checks"),
    _m("flag_report_out_of_date", "Check: SEN information report not updated in the last year",
       "Code of Practice 6.79 (guidance): the SEN information report should be updated annually. Share of schools "
       "publishing one whose last update is more than a year before the end of the academic year (or today).",
       "share", "share", "flag_sen_report_out_of_date", 0, "lower is better", RETURN, None, "Guidance checks"),
    _m("flag_shared_head", "Check: shared SENCO who is also a headteacher",
       "Code of Practice guidance, not statute: a SENCO covering several schools who is also a headteacher "
       "(the SEND Code of Practice advises against). Shown apart, never counted as a statutory flag.",
       "share", "share", "flag_shared_head", 0, "lower is better", RETURN, None, "Guidance checks"),
    _m("ofsted_good", "SEND progress good or better (school's own view)",
       "Share of schools whose return judges the progress of their pupils with SEND good or better. Ofsted has "
       "made no separate judgement of SEND progress since September 2019: this is the school's view.", "share", "share", "ofsted_send_good", 0, "higher is better", RETURN,
       None, "Ofsted"),
    _m("ofsted_inclusion_expected", "Ofsted inclusion: expected standard or above (official)",
       "Share of schools with a report-card inclusion grade (inspections from November 2025) at expected "
       "standard, strong standard or exceptional. Ofsted's inclusion area covers more than SEND: it also covers "
       "disadvantaged pupils and others who face barriers.", "share", "share", "inclusion_expected_or_above", 0, "higher is better", OFSTED, None,
       "Ofsted"),
)

MEASURE_BY_ID = {m.id: m for m in MEASURES}
INCLUSION_GRADES = REPORT_CARD_GRADES


def compute(measure: Measure, frame: pd.DataFrame) -> float | None:
    """The measure's value over the rows of a school_year frame."""
    if frame is None or frame.empty:
        return 0.0 if measure.agg == "count" else None
    if measure.agg == "count":
        return float(frame[measure.column].nunique())
    if measure.agg == "ratio":
        num, den = measure.column.split("/")
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


def answered(measure: Measure, frame: pd.DataFrame) -> int:
    """How many schools the value rests on (its n)."""
    if frame is None or frame.empty:
        return 0
    if measure.agg in ("count", "ratio"):
        return int(frame["urn"].nunique()) if measure.agg == "count" else int(
            frame[measure.column.split("/")[1]].notna().sum())
    return int(frame[measure.column].notna().sum())


def measures_table() -> pd.DataFrame:
    """The About page's definitions table."""
    return pd.DataFrame([{
        "Measure": m.name, "Definition": m.definition, "Unit": m.unit,
        "Rounding": f"{m.rounding} decimal place(s), half up" + (" (as a percentage)" if m.unit == "share" else ""),
        "Polarity": m.polarity, "Benchmark": m.benchmark_id or "–", "Source": m.source, "Page": m.group,
    } for m in MEASURES])


SENCO_DUTY = ("Mainstream schools (maintained, academies and free schools) and maintained nursery schools: not "
              "special schools, pupil referral units, alternative provision or 16-19 institutions "
              "(Children and Families Act 2014 s.67).")
REPORT_DUTY = ("Maintained schools (including special schools), maintained nursery schools and academies: not "
               "pupil referral units, alternative provision or 16-19 academies (Children and Families Act 2014 s.69).")
FLAGS: tuple[dict[str, str], ...] = (
    {"Flag": "SENCO not a qualified teacher", "Kind": "Statutory",
     "Legal source": "SEND Regulations 2014 reg. 49(1)-(3)", "Applies to": SENCO_DUTY,
     "Raised when": "The return says the SENCO is not a qualified teacher and the SENCO is not the head teacher "
                    "(a head teacher may be the SENCO)."},
    {"Flag": "SENCO does not work as a teacher at the school", "Kind": "Statutory",
     "Legal source": "SEND Regulations 2014 reg. 49(2)(c)", "Applies to": SENCO_DUTY,
     "Raised when": "The return says the SENCO does not work as a teacher at this school and is not its head "
                    "teacher."},
    {"Flag": "Qualification overdue", "Kind": "Statutory",
     "Legal source": "SEND Regulations 2014 reg. 49(4) and (7), as amended in 2024", "Applies to": SENCO_DUTY,
     "Raised when": "The SENCO became SENCO here after 1 September 2009, had not been a SENCO (at any school) for "
                    "more than 12 months before, the third anniversary of appointment has passed, and they do not "
                    "hold a qualification that counts: NASENCO from a course started before 1 September 2024 "
                    "(and completed by 31 August 2027), or the NPQ for SENCOs. Not known when the return does not "
                    "give the date the SENCO first became a SENCO."},
    {"Flag": "No SEN information report", "Kind": "Statutory",
     "Legal source": "Children and Families Act 2014 s.69; SEND Regulations 2014 reg. 51 and Schedule 1",
     "Applies to": REPORT_DUTY, "Raised when": "The return says no SEN information report is published."},
    {"Flag": "Qualification course will not count", "Kind": "Check (not counted)",
     "Legal source": "SEND Regulations 2014 reg. 49(7)", "Applies to": SENCO_DUTY,
     "Raised when": "A NASENCO course started on or after 1 September 2024, or still in progress after 31 August "
                    "2027: it cannot meet the requirement, though the deadline may not have passed yet."},
    {"Flag": "SEN information report not updated in the last year", "Kind": "Check (guidance, not counted)",
     "Legal source": "SEND Code of Practice 2015, paragraph 6.79 (statutory guidance)", "Applies to": REPORT_DUTY,
     "Raised when": "The report was last updated more than a year before the end of the academic year (or "
                    "today, while the year runs)."},
    {"Flag": "Shared SENCO who is also a headteacher", "Kind": "Check (guidance, not counted)",
     "Legal source": "SEND Code of Practice 2015 (guidance, not statute)", "Applies to": SENCO_DUTY,
     "Raised when": "The SENCO covers more than one school and is also a headteacher."},
)


def flags_table() -> pd.DataFrame:
    """The About page's flags: each with its legal source, the schools it applies to and when it is raised."""
    return pd.DataFrame(list(FLAGS), columns=["Flag", "Kind", "Legal source", "Applies to", "Raised when"])
