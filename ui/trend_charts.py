"""Year-by-year line charts: a measure's trend on the Trends page, and one school's lines on its
profile. Each line has its own marker shape and dash as well as its colour, every point is
labelled with its figure, and each chart has a table alternative and a caption in words."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lake import analysis, config, trends
from lake.api import Filters
from lake.measures import MEASURE_BY_ID, Measure
from ui import charts
from ui.anonymise import SMALL
from ui.context import View

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
BENCHMARK_SYMBOL = "star"


def line_figure(table: pd.DataFrame, measure: Measure, title: str, years: list[str],
                benchmark: dict | None = None, reference: tuple[float, str] | None = None,
                y_title: str | None = None) -> go.Figure:
    """One line per area over the years (gaps where a figure is withheld or missing), an
    optional benchmark point at its own year, and an optional reference line."""
    data = []
    for i, (area, rows) in enumerate(table.groupby("area", sort=False)):
        rows = rows.set_index("year").reindex(years)
        values = [None if v is None or pd.isna(v) else float(v) for v in rows["value"]]
        labels = [t if isinstance(t, str) and v is not None else "" for t, v in zip(rows["formatted"], values)]
        data.append({
            "type": "scatter", "x": years, "y": values, "mode": "lines+markers+text", "name": str(area),
            # Labels above the first line, below the second, ...: close lines keep their figures apart.
            "text": labels, "textposition": "top center" if i % 2 == 0 else "bottom center", "textfont": {"color": charts.TEXT},
            "line": {"color": charts.PALETTE[i % len(charts.PALETTE)], "dash": DASHES[i % len(DASHES)], "width": 3},
            "marker": {"color": charts.PALETTE[i % len(charts.PALETTE)], "size": 10,
                       "symbol": charts.SYMBOLS[i % len(charts.SYMBOLS)]},
            "connectgaps": False, "hovertemplate": "%{x} · " + str(area) + ": %{text}<extra></extra>"})
    if benchmark is not None:
        data.append({"type": "scatter", "x": [benchmark["year"]], "y": [benchmark["value"]], "mode": "markers",
                     "name": benchmark["name"], "text": [benchmark["label"]],
                     "marker": {"symbol": BENCHMARK_SYMBOL, "size": 16, "color": charts.REFERENCE},
                     "hovertemplate": "%{x} · %{text}<extra></extra>"})
    share = measure.unit == "share"
    yaxis = {"tickformat": ".0%", "rangemode": "tozero"} if share else {"rangemode": "tozero"}
    lines = [charts.hline_shape(*reference)] if reference else []
    return charts.figure(data, charts.layout(
        title, "Academic year", y_title or measure.name, xaxis={"type": "category", "categoryorder": "array",
                                                      "categoryarray": years},
        yaxis=yaxis, lines=lines, showlegend=True))


def _benchmark(v: View, measure: Measure, years: list[str]) -> tuple[dict | None, str | None]:
    """(the point to plot, or None; the caption that names the benchmark and says why it is or is
    not plotted). The recommended SENCO time is a standing recommendation, drawn as a line instead."""
    bm = v.api.benchmark(measure, v.filters.phase)
    if not bm or measure.benchmark_id == "recommended_senco_hours":
        return None, None
    point = trends.benchmark_point(bm, years)
    named = f"Benchmark: {bm['label']} ({bm['source']}, {bm['year']})"
    if point is None:
        why = ("it is given by phase: choose one phase to compare" if bm.get("value") is None else
               f"its year, {bm['year']}, is not one of the years shown, and figures are compared only with like")
        return None, f"{named}. Not plotted: {why}."
    point.update(name=f"England benchmark ({bm['year']})", label=f"{bm['label']} ({bm['source']})")
    return point, f"{named}, plotted as a star at {bm['year']}."


def trend_chart(v: View, measure: Measure, table: pd.DataFrame, years: list[str], key: str) -> None:
    """A measure's trend with its words, benchmark and table alternative. `table` is already
    suppressed for anonymised mode (lake.trends.suppress)."""
    point, bm_caption = _benchmark(v, measure, years)
    reference = None
    if measure.benchmark_id == "recommended_senco_hours":
        reference = (config.recommended_hours(),
                     f"Recommended {config.recommended_days():g} days ({config.recommended_hours():g} h)")
    fig = line_figure(table, measure, measure.name, years, point, reference)
    words = trends.change_words(table, measure)
    summary = " ".join(words) + (f" {bm_caption}" if bm_caption else "")
    if v.anonymised and (table.formatted == trends.FEW.format(small=SMALL)).any():
        summary += f" Figures from fewer than {SMALL} schools are withheld in anonymised mode."
    charts.show(fig, key, v, trends.wide(table), f"{measure.name} by year", summary=summary)
    st.caption(measure.definition)


# ------------------------------------------------------------- school profile
PROFILE_LINES = (("senco_hours_per_week", "median_senco_hours", "SENCO hours a week"),
                 ("hours_per_10_send", "median_hours_per_10_send", "SENCO hours per 10 SEND pupils"))


def school_lines(v: View, urn: int, la_code, la_name: str | None) -> None:
    """One school's year-by-year lines beside its LA's median, for the school profile."""
    st.markdown("#### Year by year, beside the LA")
    history = analysis.with_send_figures(v.api.school_history(int(urn)))
    hidden = 0
    if v.anonymised:
        history, hidden = analysis.drop_small(history, SMALL)
    years = trends.academic_years(v.api.years())
    if history.empty or history.senco_hours_per_week.notna().sum() == 0:
        st.caption("No SENCO hours from this school in the lake to draw year by year."
                   + (f" Years with a pupil count under {SMALL} are not shown in anonymised mode." if hidden else ""))
        return
    la_label = f"LA median ({la_name})" if isinstance(la_name, str) and la_name else "LA median"
    # Anonymised: no hours per 10 SEND pupils beside a label; with the exact hours shown it gives
    # away the school's SEND count, which the public census names it by.
    lines = PROFILE_LINES[:1] if v.anonymised else PROFILE_LINES
    cols = st.columns(len(lines))
    for col, (column, measure_id, title) in zip(cols, lines):
        measure = MEASURE_BY_ID[measure_id]
        rows = []
        mine = dict(zip(history.academic_year, history[column]))
        for year in years:
            value = mine.get(year)
            value = None if value is None or pd.isna(value) else float(value)
            rows.append({"year": year, "level": "School", "area": "This school", "value": value, "n": 1,
                         "formatted": measure.format(value) if value is not None else "–"})
            if pd.notna(la_code):
                la_value, _, n = v.api.measure_value(measure_id, Filters(year=year, la=(int(la_code),)))
                withheld = v.anonymised and n < SMALL
                rows.append({"year": year, "level": "LA", "area": la_label, "value": None if withheld else la_value,
                             "n": n, "formatted": trends.FEW.format(small=SMALL) if withheld
                             else measure.format(la_value)})
        table = pd.DataFrame(rows, columns=trends.COLUMNS)
        reference = (config.recommended_hours(), f"Recommended {config.recommended_days():g} days") \
            if column == "senco_hours_per_week" else None
        with col:
            fig = line_figure(table, measure, f"{title}, year by year", years, reference=reference, y_title=title)
            shown = table.assign(n=table.n.where(table.level != "School", ""))
            charts.show(fig, f"schools-trend-{column}", v, trends.wide(shown),
                        f"{title} by year, this school and its LA",
                        summary=" ".join(trends.change_words(table, measure))
                        + (f" {hidden} years with a pupil count under {SMALL} are not shown in anonymised mode."
                           if hidden else ""))
