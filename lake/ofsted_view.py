"""Ofsted's published grades for each school in scope, as the Ofsted page lists them: the latest
OEIF graded inspection's overall effectiveness with the date of that inspection, the report-card
inclusion grade with its own date of grade, the latest ungraded inspection and any category of
concern, from the management information file "as at" the date it gives. Streamlit-free."""
from __future__ import annotations

import datetime as dt

import pandas as pd

OVERALL_WORDS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
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
