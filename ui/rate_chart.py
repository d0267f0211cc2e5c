"""The share-of-schools bar chart the Leadership page draws for each yes/no measure, cut by phase
or size band, with the national figure marked: one line, or each phase's own figure on its bar."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lake import analysis
from lake.measures import MEASURE_BY_ID
from ui import charts
from ui.anonymise import SMALL
from ui.context import View


def sheet_safe(title: str) -> str:
    """Table titles also name the XLSX sheet, which cannot hold ':'."""
    return title.replace(": ", " – ")


def reference(v: View, measure_id: str, group: str, groups: list[str]) -> tuple[dict | None, dict]:
    """The national figure for the current filter, and per phase when cutting by phase."""
    m = MEASURE_BY_ID[measure_id]
    overall = v.api.benchmark(m, v.filters.phase, v.filters.year)
    per_group: dict = {}
    if group == "phase":
        for g in groups:
            bm = v.api.benchmark(m, (g,), v.filters.year)
            if bm and bm["value"] is not None:
                per_group[g] = bm["value"]
    elif overall and overall["value"] is not None:
        per_group = {g: overall["value"] for g in groups}
    return overall, per_group


def rate_chart(v: View, measure_id: str, key: str, group: str, order: list[str], cut: str) -> None:
    """Share of schools where the measure's column is true, per group, with the national figure marked.
    A group of fewer than SMALL schools is not drawn as a bar (one school's yes would fill it)."""
    m = MEASURE_BY_ID[measure_id]
    cut_table = v.api.derived(analysis.share_by, v.filters, group, m.column, order, returned=True)
    if v.anonymised:
        cut_table = analysis.hide_small_groups(cut_table, "Schools (n)", ["Share", "Yes (count)"], SMALL)
    if cut_table.empty:
        st.caption(f"{m.name}: no school in scope answered this.")
        return
    overall, per_group = reference(v, measure_id, group, cut_table[group].tolist())
    cut_table = analysis.with_reference(cut_table, group, per_group)
    text = cut_table.apply(lambda r: charts.HIDDEN if pd.isna(r["Share"]) else
                           f"{m.format(r['Share'])} ({int(r['Yes (count)'])} of {r['Schools (n)']})", axis=1)
    single = overall["value"] if overall and overall["value"] is not None else None
    marks = cut_table.loc[cut_table["England figure"].notna(), [group, "England figure"]]
    # No one national figure for the whole filter: mark each phase's own figure on its bar.
    fig = charts.bars(cut_table, group, "Share", f"{m.name}, by {cut.lower()}", "Share of schools", percent=True,
                      benchmark=single, benchmark_label=overall["label"] if single is not None else "", text=text,
                      name="Schools in scope", marks=marks if single is None else None, marks_name="England figure",
                      n_column="Schools (n)")
    summary = m.definition
    if v.anonymised and cut_table["Share"].isna().any():
        summary += f" Groups of fewer than {SMALL} schools are hidden in anonymised mode."
    elif (pd.to_numeric(cut_table["Schools (n)"], errors="coerce") < SMALL).any():
        summary += f" Groups of fewer than {SMALL} schools are not drawn as bars; the table gives their figures."
    if overall:
        summary += f" National figure: {overall['label']} ({overall['source']}, {overall['year']})."
    else:
        summary += " No national figure is held for this measure."
    charts.show(fig, key, v, analysis.as_percent(cut_table, ["Share", "England figure"]),
                f"{sheet_safe(m.name)} by {cut.lower()}",
                {group: cut, "Share (%)": "Share (%)", "Yes (count)": "Schools (yes)",
                 "Schools (n)": "Schools answering (n)", "England figure (%)": "England figure (%)"}, summary=summary)
