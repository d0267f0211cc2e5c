"""A school's profile, like for like: whom its key figures are compared with, and how they are said.

Streamlit-free. A special school, an AP setting or a nursery school is compared with schools of its
own phase in its LA, never the median of every phase (a special school's SEND share of 100% beside
an all-phase median of 16% says nothing). Every figure carries its unit; a comparison with nobody
says so in words; a figure equal to the median says "same as", with no arrow.
"""
from __future__ import annotations

import pandas as pd

from lake import rounding
from lake.analysis import KEY_FIGURE_DIGITS

PHASE_GROUPS = {
    "nursery": "nursery schools", "primary": "primary schools", "middle": "middle schools",
    "secondary": "secondary schools", "all-through": "all-through schools", "special": "special schools",
    "alternative provision": "alternative provision settings", "16 plus": "16 plus settings",
}
UNITS = {"SENCO hours a week": " h", "SENCO hours per 10 SEND pupils": " h", "SEND pupils, % of roll": "%",
         "Admin support hours a week": " h"}
NOT_SHOWN = "–"            # the dash every table and card uses for a blank (lake.rounding.DASH)
# Figures worked out from the school's pupil counts: anonymised mode hides the school's own (analysis.KEY_FIGURES).
FROM_PUPIL_COUNTS = ("SENCO hours per 10 SEND pupils", "SEND pupils, % of roll")


def phase_group(phase: object) -> str:
    """Schools of this phase, in words: "special schools"; "schools of an unknown phase" without one."""
    return PHASE_GROUPS.get(phase, f"{phase} schools") if isinstance(phase, str) and phase else \
        "schools of an unknown phase"


def same_phase(la_frame: pd.DataFrame, urn: int, phase: object) -> pd.DataFrame:
    """The LA's other schools with a return for the year and the same phase: the school's comparators."""
    if la_frame.empty or not isinstance(phase, str):
        return la_frame.iloc[0:0]
    keep = la_frame.has_return.astype(bool) & (la_frame.phase == phase) & (la_frame.urn != urn)
    return la_frame[keep]


def school_row(frame: pd.DataFrame, urn: int) -> pd.DataFrame:
    """The school's own row of a school-year frame (empty when the frame does not hold it)."""
    return frame[frame.urn == urn]


def la_count(frame: pd.DataFrame) -> int:
    """How many LAs the frame's schools come from."""
    return frame.la_code.dropna().nunique() if not frame.empty else 0


def digits(figure: str) -> int:
    """The decimals a key figure is shown to: its measure's (lake.analysis.KEY_FIGURE_DIGITS)."""
    return KEY_FIGURE_DIGITS.get(figure, 1)


def with_unit(figure: str, value: object, change: bool = False) -> str:
    """A key figure as shown, to its measure's decimals: "24 h", "12.5%", and for a change "+2.5 h"
    or "+3 pts"."""
    if value is None or pd.isna(value):
        return NOT_SHOWN
    unit = UNITS.get(figure, "")
    if change:
        text = rounding.signed(value, digits(figure))
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return text + (" pts" if unit == "%" else unit)
    return rounding.trimmed(value, digits(figure)) + unit


def delta_text(figure: str, diff: object, group: str) -> str | None:
    """The card's comparison with the LA median of the school's own phase, or None when there is none."""
    if diff is None or pd.isna(diff):
        return None
    if rounding.is_zero(diff, digits(figure)):
        return f"same as the LA median for {group}"
    return f"{with_unit(figure, diff, change=True)} vs the LA median for {group}"


def figures_shown(figures: pd.DataFrame, group: str, la_name: str, anonymised: bool) -> pd.DataFrame:
    """The key-figures table as people read it: units on every figure and words where there is no
    comparison (no other school of the phase in the LA, no similar school), never a blank "None"."""
    rows = []
    for r in figures.itertuples(index=False):
        figure, mine, la_med, diff, peer_med, n_la, n_peer = r
        if n_la == 0:
            la_text = f"no other {group} in {la_name}"
        elif la_med is None or pd.isna(la_med):
            la_text = "hidden: fewer than 5 schools" if anonymised else NOT_SHOWN
        else:
            la_text = with_unit(figure, la_med)
        if n_peer == 0:
            peer_text = "no similar school"
        elif peer_med is None or pd.isna(peer_med):
            peer_text = "hidden: fewer than 5 schools" if anonymised else NOT_SHOWN
        else:
            peer_text = with_unit(figure, peer_med)
        if mine is None or pd.isna(mine):
            mine_text = "hidden in anonymised mode" if anonymised and figure in FROM_PUPIL_COUNTS else "not given"
        else:
            mine_text = with_unit(figure, mine)
        if diff is None or pd.isna(diff):
            diff_text = NOT_SHOWN
        elif rounding.is_zero(diff, digits(figure)):
            diff_text = "same"
        else:
            diff_text = with_unit(figure, diff, change=True)
        rows.append({"Figure": figure, "This school": mine_text, f"LA median, {group}": la_text,
                     "Difference from that median": diff_text, "Similar schools median": peer_text,
                     f"Other {group} in the LA (n)": int(n_la), "Similar schools (n)": int(n_peer)})
    return pd.DataFrame(rows)


def no_peer_text(phase: object, year: str) -> str:
    """Why a school has no similar schools, plainly."""
    group = phase_group(phase)
    if not isinstance(phase, str):
        return ("This school's phase is not known (neither its return nor the register gives one), so it has no "
                "similar schools to compare with.")
    return (f"No other {group} in the lake have a return for {year}, so this school has no similar schools to "
            "compare with. Its figures stand on their own.")


def blank_text(frame: pd.DataFrame, blank: str = NOT_SHOWN) -> pd.DataFrame:
    """A table for the profile with empty text cells shown as a dash, never as "None" (a phase the return
    left blank). Only columns holding text alone: numbers and dates keep their blanks (they still sort, and
    a dash among dates is not a date)."""
    out = frame
    for c in frame.columns:
        col = frame[c]
        if not col.isna().any() or not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
            continue
        if all(isinstance(x, str) for x in col.dropna()):
            out = out if out is not frame else frame.copy()
            out[c] = col.astype(object).where(col.notna(), blank)
    return out
