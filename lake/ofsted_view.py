"""Ofsted's published grades for each school in scope, as the Ofsted page lists them: the latest
OEIF graded inspection's overall effectiveness with the date of that inspection, the report-card
inclusion grade with its own date of grade, the latest ungraded inspection and any category of
concern, from the management information file "as at" the date it gives. Streamlit-free."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from lake.analysis import OVERALL_EFFECTIVENESS

OVERALL_WORDS = OVERALL_EFFECTIVENESS
NOT_JUDGED = "Not judged"
COLUMNS = {
    "school_name": "School", "urn": "URN", "phase": "Phase",
    "oeif_overall": "Overall effectiveness (latest OEIF graded inspection)",
    "ofsted_oeif_date": "OEIF inspection date",
    "inclusion": "Inclusion (report card)", "ofsted_inclusion_date": "Inclusion date of grade",
    "ofsted_ungraded_outcome": "Latest ungraded inspection outcome", "ofsted_ungraded_date": "Ungraded inspection date",
    "ofsted_category_of_concern": "Category of concern",
}


def _overall(published: object, grade: object) -> str | None:
    if isinstance(published, str) and published.strip().lower() == NOT_JUDGED.lower():
        return NOT_JUDGED
    if grade is not None and not pd.isna(grade):
        return OVERALL_WORDS.get(int(grade))
    return None


def grades(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per school in scope with its published grades and their dates (empty cells where
    Ofsted has published nothing: a school not yet inspected, or with no report card yet)."""
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    out = frame.copy()
    out["oeif_overall"] = [_overall(p, g) for p, g in zip(out["ofsted_oeif_overall"], out["overall_effectiveness"])]
    out["inclusion"] = out["ofsted_inclusion"].map(lambda g: g.capitalize() if isinstance(g, str) else None)
    for col in ("ofsted_oeif_date", "ofsted_inclusion_date", "ofsted_ungraded_date"):
        out[col] = pd.to_datetime(out[col], errors="coerce").dt.date
    return out[list(COLUMNS)].reset_index(drop=True)


def as_at(frame: pd.DataFrame) -> dt.date | None:
    """The "as at" date of the Ofsted file the grades come from (the newest, if schools differ)."""
    if frame.empty or "ofsted_as_at" not in frame:
        return None
    dates = pd.to_datetime(frame["ofsted_as_at"], errors="coerce").dropna()
    return None if dates.empty else dates.max().date()


def as_at_line(frame: pd.DataFrame) -> str:
    when = as_at(frame)
    if when is None:
        return ("No Ofsted management information file with an \"as at\" date has been loaded, so these grades "
                "may not be Ofsted's latest.")
    return (f"Ofsted management information as at {when.day} {when:%B %Y}: grades published after that date "
            "are not shown. A date is the inspection each grade comes from, so two grades of one school can "
            "have different dates.")


# ------------------------------------------------------------- one school
def _words(grade: object) -> str | None:
    return None if grade is None or pd.isna(grade) else OVERALL_WORDS.get(int(grade))


def _grade(grade: object) -> str | None:
    return grade.capitalize() if isinstance(grade, str) and grade.strip() else None


def school_record(official: dict | None) -> dict[str, object]:
    """One school's published Ofsted outcome for its profile, field by field, each grade beside the
    date it belongs to: the latest OEIF graded inspection (overall effectiveness and its judgements,
    'Not judged' as published), the report-card grades (each with its own date of grade), the latest
    ungraded inspection, any category of concern, and the file's "as at" date. Empty when Ofsted
    has published nothing for the school (a new school is listed with no inspection)."""
    if not official:
        return {}
    o = official
    record: dict[str, object] = {
        "OEIF inspection date": o.get("oeif_inspection_date"),
        "Overall effectiveness (latest OEIF graded inspection)": _overall(o.get("overall_effectiveness_published"),
                                                                           o.get("overall_effectiveness")),
        "Quality of education (OEIF)": _words(o.get("quality_of_education")),
        "Behaviour and attitudes (OEIF)": _words(o.get("behaviour_attitudes")),
        "Personal development (OEIF)": _words(o.get("oeif_personal_development")),
        "Leadership and management (OEIF)": _words(o.get("leadership_management")),
    }
    for area, label in (("inclusion", "Inclusion"), ("achievement", "Achievement"),
                        ("attendance_behaviour", "Attendance and behaviour"),
                        ("personal_development", "Personal development and wellbeing"),
                        ("leadership_governance", "Leadership and governance"),
                        ("curriculum_teaching", "Curriculum and teaching"),
                        ("safeguarding", "Safeguarding standards"), ("early_years", "Early years"),
                        ("post_16", "Post-16 provision")):
        if _grade(o.get(area)):
            record[f"{label} (report card)"] = _grade(o.get(area))
            record[f"{label}: date of grade"] = o.get(f"{area}_date")
    record.update({
        "Latest ungraded inspection": o.get("ungraded_outcome"),
        "Ungraded inspection date": o.get("ungraded_inspection_date"),
        "Category of concern": o.get("category_of_concern"),
        "Management information as at": o.get("as_at"),
        "Source": o.get("source"),
    })
    record = {k: v for k, v in record.items() if v is not None and not (pd.api.types.is_scalar(v) and pd.isna(v))}
    if not set(record) - {"Management information as at", "Source"}:
        return {}                        # listed by Ofsted, never inspected: nothing published
    return record
