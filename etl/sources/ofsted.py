"""Ofsted "State-funded schools inspections and outcomes: management information", the monthly
"latest inspections as at <date>" CSV (Windows-1252, `NULL` for empty, dates DD/MM/YYYY).

Two layouts, one spec:
  - to the 31 August 2025 edition (OEIF, the education inspection framework): `Inspection start
    date` of the latest graded inspection, `Overall effectiveness` (1-4, or `Not judged` for graded
    inspections from September 2024), `Quality of education`, `Behaviour and attitudes`,
    `Personal development`, `Effectiveness of leadership and management`, `Safeguarding is
    effective?`, then `Date of latest ungraded inspection`, `Ungraded inspection overall outcome`
    and `Category of concern`;
  - from the November 2025 edition (report cards): `Inspection start date` and `Publication date` of
    the latest full inspection, the evaluation areas (`Safeguarding standards`, `Inclusion`, ...,
    `Leadership and governance`) each followed by `<area> - date of grade`, then the latest OEIF
    graded inspection (`Inspection start date of latest OEIF graded inspection`, `Latest OEIF overall
    effectiveness`, `Latest OEIF quality of education`, ...), the ungraded inspection and `Most
    recent category of concern`.
Each school's OEIF judgements (with the date of the inspection they belong to), report-card grades
(each with its own date of grade), latest ungraded outcome and category of concern are kept side
by side, with the file's "as at" date. OEIF `Personal development` (1-4) is never read as the
report card's `Personal development and wellbeing`. A school never inspected loads with nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from domain.vocabularies import REPORT_CARD_GRADES
from etl.normalise import Invalid
from etl.sources.reader import (
    Column,
    FileProblem,
    Parsed,
    Spec,
    Table,
    as_date,
    as_text,
    as_urn,
    fold,
    one_of,
    reject_duplicates,
    run,
    suppressed,
    text,
)

SOURCE = "Ofsted state-funded schools inspections and outcomes (management information)"

REPORT_GRADES = REPORT_CARD_GRADES
_REPORT = {fold(g): g for g in REPORT_GRADES} | {"strong": "strong standard", "expected": "expected standard"}
_SAFEGUARDING = {"met": "met", "notmet": "not met", "standardsmet": "met", "standardsnotmet": "not met"}
_YES_NO = {"yes": "yes", "no": "no", "y": "yes", "n": "no"}
_OEIF_WORDS = {"1": 1, "2": 2, "3": 3, "4": 4, "outstanding": 1, "good": 2, "requiresimprovement": 3,
               "inadequate": 4, "seriousweaknesses": 4, "specialmeasures": 4}
_NOT_JUDGED = {"9", "notjudged", "notapplicable", "doesnotapply", "noformaldesignation"}
NOT_JUDGED = "Not judged"


def oeif_grade(v: object, label: str) -> int | None:
    """An OEIF judgement, 1 (outstanding) to 4 (inadequate); empty when not judged."""
    if suppressed(v) or fold(v) in _NOT_JUDGED:
        return None
    if fold(v) in _OEIF_WORDS:
        return _OEIF_WORDS[fold(v)]
    raise Invalid(f"{label} '{text(v)}' should be 1, 2, 3, 4 or Not judged")


def oeif_overall_as_published(v: object, label: str) -> str | None:
    """Overall effectiveness as published: '1'-'4', or 'Not judged' (graded inspections from
    September 2024 have no overall grade)."""
    if suppressed(v):
        return None
    if fold(v) in _NOT_JUDGED:
        return NOT_JUDGED
    return str(oeif_grade(v, label))


# Report-card evaluation areas: our column, the area as published, its date-of-grade column.
AREAS = (
    ("safeguarding", "Safeguarding standards", "Safeguarding standards - date of grade", _SAFEGUARDING),
    ("inclusion", "Inclusion", "Inclusion - date of grade", _REPORT),
    ("curriculum_teaching", "Curriculum and teaching", "Curriculum and teaching - date of grade", _REPORT),
    ("achievement", "Achievement", "Achievement - date of grade", _REPORT),
    ("attendance_behaviour", "Attendance and behaviour", "Attendance and behaviour - date of grade", _REPORT),
    ("personal_development", "Personal development and wellbeing",
     "Personal development and wellbeing - date of grade", _REPORT),
    ("early_years", "Early years (where applicable)", "Early years - date of grade", _REPORT),
    ("post_16", "Post-16 provision (where applicable)", "Post-16 provision - date of grade", _REPORT),
    ("leadership_governance", "Leadership and governance", "Leadership and governance - date of grade", _REPORT),
)
AREA_NAMES = tuple(a[0] for a in AREAS)

# OEIF judgements: our column, header in the report-card layout, header up to August 2025.
OEIF = (
    ("quality_of_education", "Latest OEIF quality of education", "Quality of education"),
    ("behaviour_attitudes", "Latest OEIF behaviour and attitudes", "Behaviour and attitudes"),
    ("oeif_personal_development", "Latest OEIF personal development", "Personal development"),
    ("leadership_management", "Latest OEIF effectiveness of leadership and management",
     "Effectiveness of leadership and management"),
    ("early_years_provision", "Latest OEIF early years provision (where applicable)",
     "Early years provision (where applicable)"),
    ("sixth_form_provision", "Latest OEIF sixth form provision (where applicable)",
     "Sixth form provision (where applicable)"),
)
OEIF_NAMES = ("overall_effectiveness", *(o[0] for o in OEIF))

SPEC = Spec("Ofsted inspection outcomes file (management information, latest inspections)", (
    Column("urn", ("URN",), as_urn, required=True),
    Column("school_name", ("School name",)),
    Column("inspection_date", ("Inspection start date",), as_date),
    Column("publication_date", ("Publication date",), as_date),
    *(c for name, area, dated, words in AREAS
      for c in (Column(name, (area,), one_of(words)), Column(f"{name}_date", (dated,), as_date))),
    Column("oeif_inspection_date", ("Inspection start date of latest OEIF graded inspection",), as_date),
    Column("oeif_publication_date", ("Publication date of latest OEIF graded inspection",), as_date),
    Column("overall_effectiveness", ("Latest OEIF overall effectiveness", "Overall effectiveness"),
           oeif_overall_as_published),
    *(Column(name, (latest, older), oeif_grade) for name, latest, older in OEIF),
    Column("safeguarding_effective", ("Latest OEIF  safeguarding is effective?", "Safeguarding is effective?"),
           one_of(_YES_NO)),
    Column("ungraded_inspection_date", ("Date of latest ungraded inspection",), as_date),
    Column("ungraded_outcome", ("Ungraded inspection overall outcome",), as_text),
    Column("category_of_concern", ("Most recent category of concern", "Category of concern"), as_text),
), one_of=("overall_effectiveness", "inclusion"))

# The header lines as published, for writing files in these layouts (the demo, test fixtures).
# Reading goes by SPEC, not by order. Both begin with the school's details.
DETAILS = ["URN", "LAESTAB", "School name", "Ofsted phase", "Type of education", "School open date",
           "Admissions policy", "Sixth form", "Designated religious character", "Religious ethos", "Faith grouping",
           "Ofsted region", "Region", "Local authority", "Parliamentary constituency", "Postcode",
           "Multi-academy trust UID", "Multi-academy trust name", "Academy sponsor UID", "Academy sponsor name",
           "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
           "Statutory lowest age", "Statutory highest age"]
# To the 31 August 2025 edition (OEIF): the latest graded inspection, the one before, the latest ungraded.
OEIF_LAYOUT_2025 = DETAILS + [
    "Inspection number of latest graded inspection", "Inspection type", "Inspection type grouping",
    "Event type grouping", "Inspection start date", "Publication date",
    "Does the latest graded inspection relate to the URN of the current school?",
    "URN at time of latest graded inspection", "LAESTAB at time of latest graded inspection",
    "School name at time of latest graded inspection", "School type at time of latest graded inspection",
    "Overall effectiveness", "Category of concern", "Quality of education", "Behaviour and attitudes",
    "Personal development", "Effectiveness of leadership and management", "Safeguarding is effective?",
    "Early years provision (where applicable)", "Sixth form provision (where applicable)",
    "Previous graded inspection number", "Previous inspection start date", "Previous publication date",
    "URN at time of previous graded inspection", "Previous graded inspection overall effectiveness",
    "Previous category of concern", "Previous quality of education", "Previous behaviour and attitudes",
    "Previous personal development", "Previous effectiveness of leadership and management",
    "Previous safeguarding is effective?", "Previous early years provision (where applicable)",
    "Previous sixth form provision (where applicable)",
    "Latest ungraded inspection number since last graded inspection", "Date of latest ungraded inspection",
    "Ungraded inspection publication date", "URN at time of the ungraded inspection",
    "Ungraded inspection overall outcome", "Number of ungraded inspections since the last graded inspection"]

# From the November 2025 edition: the latest full inspection with its report-card grades, each followed
# by its date of grade; then the latest OEIF graded inspection; then the latest ungraded inspection.
REPORT_CARD_LAYOUT_2026 = DETAILS + [
    "Inspection number of latest full inspection", "Inspection type", "Inspection type grouping", "Event type grouping",
    "Inspection start date", "Publication date",
    "Does the latest full inspection relate to the URN of the current school?",
    "URN at time of latest full inspection", "LAESTAB at time of latest full inspection",
    "School name at time of latest full inspection", "School type at time of latest full inspection",
    "Category of concern"] + [c for _, area, dated, _ in AREAS for c in (area, dated)] + [
    "Inspection number of latest OEIF graded inspection", "Inspection type of latest OEIF graded inspection",
    "Inspection type grouping of latest OEIF graded inspection", "Event type grouping of latest OEIF graded inspection",
    "Inspection start date of latest OEIF graded inspection", "Publication date of latest OEIF graded inspection",
    "Does the latest OEIF graded inspection relate to the URN of the current school?",
    "URN at time of latest OEIF graded inspection", "LAESTAB at time of latest OEIF graded inspection",
    "School name at time of latest OEIF graded inspection", "School type at time of latest OEIF graded inspection",
    "Latest OEIF category of concern", "Latest OEIF overall effectiveness", "Latest OEIF quality of education",
    "Latest OEIF behaviour and attitudes", "Latest OEIF personal development",
    "Latest OEIF effectiveness of leadership and management", "Latest OEIF  safeguarding is effective?",
    "Latest OEIF early years provision (where applicable)", "Latest OEIF sixth form provision (where applicable)",
    "Latest ungraded inspection number", "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Does the ungraded inspection relate to the URN of the current school?",
    "URN at time of the ungraded inspection", "LAESTAB at time of the ungraded inspection",
    "School name at time of the ungraded inspection", "School type at time of the ungraded inspection",
    "Ungraded inspection overall outcome", "Most recent category of concern"]


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}


def as_at_from_name(file_name: str) -> dt.date | None:
    """The "as at" date Ofsted puts in the file's name: ..._latest_inspections_as_at_31_Aug_2025.csv."""
    m = re.search(r"as[_ ]at[_ ](\d{1,2})[_ ]([A-Za-z]{3})[A-Za-z]*[_ ](\d{4})", Path(file_name).stem, re.IGNORECASE)
    if not m or m[2].lower() not in _MONTHS:
        return None
    try:
        return dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    except ValueError:
        return None


def parse(table: Table, file_name: str, as_at: dt.date | None = None) -> Parsed:
    as_at = as_at or as_at_from_name(file_name)
    report_card = "latestoeifoveralleffectiveness" in table.keys
    parsed = Parsed(source=SOURCE)
    good = run(SPEC, table, parsed)
    good = reject_duplicates(parsed, table, good, lambda r: r["urn"], " in the inspections file")
    for r in good:
        rec = r.rec
        if not report_card:
            # Up to August 2025 the latest full inspection was the latest graded (OEIF) inspection.
            rec["oeif_inspection_date"] = rec["inspection_date"]
            rec["oeif_publication_date"] = rec["publication_date"]
        published = rec.pop("overall_effectiveness")
        rec["overall_effectiveness_published"] = published
        rec["overall_effectiveness"] = int(published) if published and published.isdigit() else None
        for name in AREA_NAMES:       # a grade without its own date is the full inspection's
            if rec[name] is not None and rec[f"{name}_date"] is None:
                rec[f"{name}_date"] = rec["inspection_date"]
        rec["as_at"] = as_at
        rec["source"] = SOURCE
        parsed.ofsted.append(rec)
    parsed.accepted = len(good)
    layout = "report cards (from November 2025)" if report_card else "OEIF (to August 2025)"
    parsed.note = (f"layout: {layout}; as at {as_at:%d %B %Y}" if as_at else
                   f"layout: {layout}; the file's 'as at' date is not in its name, so it is not recorded")
    return parsed


__all__ = [
    "AREAS",
    "AREA_NAMES",
    "NOT_JUDGED",
    "OEIF",
    "OEIF_NAMES",
    "REPORT_GRADES",
    "SOURCE",
    "SPEC",
    "FileProblem",
    "as_at_from_name",
    "parse",
]
