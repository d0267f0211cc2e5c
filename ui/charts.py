"""Charts readable without colour alone: GOV.UK-style palette, marker shapes and patterns,
labels on bars, hover detail, a table alternative beside every chart and image export."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lake import rounding
from ui.context import View
from ui.tables import table

# GOV.UK design system colours, each at least 3:1 against white.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#912b88", "#505a5f", "#003078", "#28a197"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "hexagon"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
REFERENCE = "#0b0c0c"
TEXT = "#0b0c0c"
GRID = "#e5e6e7"
AXIS_LINE = "#505a5f"
ALL_POINTS = 2000          # a box plot shows every school as a dot up to this many
WEBGL_POINTS = 3000        # a scatter of more schools than this is drawn with WebGL
HIDDEN = "hidden: fewer than 5 schools"   # the label of a bar anonymised mode leaves blank


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(fill: str) -> str:
    """White or near-black, whichever reads at 4.5:1 or better on the fill (WCAG 1.4.3)."""
    white = 1.05 / (_luminance(fill) + 0.05)
    return "#ffffff" if white >= 4.5 else TEXT


def _axis(title: str | None = None, **extra) -> dict:
    """One axis in the project's style: dark labels, light grid, room for long category names."""
    axis = {"gridcolor": GRID, "linecolor": AXIS_LINE, "zerolinecolor": AXIS_LINE, "automargin": True,
            "tickfont": {"color": TEXT}, "title": {"font": {"color": TEXT}}}
    if title is not None:
        axis["title"]["text"] = title
    return {**axis, **extra}


def layout(title: str, x_title: str | None = None, y_title: str | None = None, *, xaxis: dict | None = None,
           yaxis: dict | None = None, legend: dict | None = None, lines: list[tuple[dict, dict]] = (),
           **extra) -> dict:
    """A figure's whole layout as one plain dict.

    Building the layout in one go, with no Plotly template, keeps a figure to a few
    milliseconds; a template plus `update_layout` calls cost about 30 ms a chart, which on
    a page of seven charts was most of its run time at national scale."""
    return {
        "template": "none", "title": {"text": title, "font": {"size": 16, "color": TEXT}},
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": TEXT},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "closest",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0,
                   "font": {"color": TEXT}, **(legend or {})},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "hoverlabel": {"font": {"size": 13}},
        "xaxis": _axis(x_title, **(xaxis or {})), "yaxis": _axis(y_title, **(yaxis or {})),
        "shapes": [s for s, _ in lines], "annotations": [a for _, a in lines],
        **extra,
    }


def hline_shape(y: float, label: str) -> tuple[dict, dict]:
    """A dashed reference line across the plot at y, labelled at its top left."""
    return ({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"color": REFERENCE, "dash": "dash", "width": 2}},
            {"text": label, "xref": "x domain", "x": 0, "xanchor": "left", "yref": "y", "y": y,
             "yanchor": "bottom", "showarrow": False, "font": {"color": TEXT}})


def vline_shape(x: float, label: str) -> tuple[dict, dict]:
    """A dashed reference line down the plot at x, labelled above it."""
    return ({"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1,
             "line": {"color": REFERENCE, "dash": "dash", "width": 2}},
            {"text": label, "xref": "x", "x": x, "xanchor": "center", "yref": "y domain", "y": 1,
             "yanchor": "bottom", "showarrow": False, "font": {"color": TEXT}})


def as_text(values: pd.Series) -> np.ndarray:
    """School-entered text for a chart label or hover: Plotly reads a few HTML tags in labels,
    so any '<', '>' or '&' is escaped and the name is shown as typed, never as markup."""
    text = values.astype(str)
    risky = text.str.contains(r"[<>&]", regex=True)
    if risky.any():
        text = text.where(~risky, text[risky].map(html.escape))
    return text.to_numpy()


def formatted(values, fmt) -> list[str]:
    """Each value as shown, by `fmt` (a lake.rounding formatter): charts carry finished text, never a d3
    format, which would round halves to even and disagree with the tables. Each distinct value is
    formatted once, so a national scatter stays quick."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    codes, uniques = pd.factorize(series, use_na_sentinel=True)     # blanks get code -1
    shown = [fmt(u) for u in uniques]
    blank = fmt(None)
    return [shown[c] if c >= 0 else blank for c in codes]


def percent_text(values) -> list[str]:
    return formatted(values, rounding.percent)


def number_text(values, digits: int = 1) -> list[str]:
    return formatted(values, lambda v: rounding.number(v, digits))


def _figure(data: list[dict], layout_: dict) -> go.Figure:
    return go.Figure(data=data, layout=layout_)


def scatter(frame: pd.DataFrame, x: str, y: str, group: str, hover: str, title: str, x_title: str, y_title: str,
            hline: float | None = None, hline_label: str = "",
            trend: tuple[float, float] | None = None) -> go.Figure:
    data = []
    # Past a few thousand schools (a national view), points are drawn with WebGL: as SVG, each
    # point is a page element and the browser takes seconds to draw and redraw them.
    kind = "scattergl" if len(frame) > WEBGL_POINTS else "scatter"
    for i, (name, rows) in enumerate(frame.groupby(group, observed=True, dropna=False)):
        data.append({
            "type": kind, "x": rows[x].to_numpy(), "y": rows[y].to_numpy(), "mode": "markers",
            "name": str(name), "text": as_text(rows[hover]),
            "customdata": np.column_stack([formatted(rows[x], rounding.trimmed),
                                           formatted(rows[y], rounding.trimmed)]) if len(rows) else None,
            "marker": {"color": PALETTE[i % len(PALETTE)], "symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9,
                       "line": {"width": 1, "color": "#ffffff"}},
            "hovertemplate": "<b>%{text}</b><br>" + x_title + ": %{customdata[0]}<br>" + y_title
            + ": %{customdata[1]}<extra>"
            + str(name) + "</extra>"})
    if trend is not None and not frame.empty:
        xs = pd.Series([frame[x].min(), frame[x].max()], dtype=float)
        data.append({"type": "scatter", "x": xs.to_numpy(), "y": (trend[0] * xs + trend[1]).to_numpy(),
                     "mode": "lines", "name": "Fitted trend", "hoverinfo": "skip",
                     "line": {"color": AXIS_LINE, "dash": "dot", "width": 2}})
    lines = [hline_shape(hline, hline_label)] if hline is not None else []
    return _figure(data, layout(title, x_title, y_title, lines=lines))


def bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str, percent: bool = False,
         benchmark: float | None = None, benchmark_label: str = "", text: pd.Series | None = None,
         name: str | None = None, marks: pd.DataFrame | None = None, marks_name: str = "") -> go.Figure:
    """Horizontal bars, labelled with their values; optionally one benchmark line, or a reference
    mark per bar (`marks`: the category column and a value column, "England figure")."""
    if text is None:                      # a bar anonymised mode left blank says why
        shown = percent_text(frame[value]) if percent else number_text(frame[value])
        text = [HIDDEN if pd.isna(v) else s for v, s in zip(frame[value], shown)]
    labels = text
    data = [{"type": "bar", "x": frame[value].to_numpy(), "y": frame[category].astype(str).to_numpy(),
             "orientation": "h", "marker": {"color": PALETTE[0]}, "text": list(labels), "textposition": "outside",
             "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra></extra>",
             **({"name": name} if name else {})}]
    if marks is not None and not marks.empty:
        data.append({"type": "scatter", "x": marks.iloc[:, 1].to_numpy(),
                     "y": marks.iloc[:, 0].astype(str).to_numpy(), "mode": "markers", "name": marks_name,
                     "marker": {"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": REFERENCE}},
                     "text": percent_text(marks.iloc[:, 1]) if percent else number_text(marks.iloc[:, 1]),
                     "hovertemplate": "%{y}: England %{text}<extra></extra>"})
    lines = [vline_shape(benchmark, benchmark_label)] if benchmark is not None else []
    xaxis = {"tickformat": ".0%", "range": [0, 1.1]} if percent else {}
    extra = {"showlegend": True} if len(data) > 1 else {}
    return _figure(data, layout(title, value_title, "", xaxis=xaxis, yaxis={"autorange": "reversed"}, lines=lines,
                                **extra))


def grouped(long: pd.DataFrame, category: str, series: str, value: str, title: str, value_title: str) -> go.Figure:
    """Horizontal bars grouped per category, one colour and pattern per series (e.g. per measure)."""
    data = []
    for i, name in enumerate(long[series].drop_duplicates()):
        part = long[long[series] == name]
        data.append({"type": "bar", "x": part[value].to_numpy(), "orientation": "h", "name": str(name),
                     "y": as_text(part[category]),
                     "marker": {"color": PALETTE[i % len(PALETTE)],
                                "pattern": {"shape": PATTERNS[(i + 1) % len(PATTERNS)]}},
                     "text": number_text(part[value]), "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": "%{y} · " + str(name) + ": %{text}<extra></extra>"})
    return _figure(data, layout(title, value_title, "", yaxis={"autorange": "reversed"}, barmode="group"))


def stacked(frame: pd.DataFrame, category: str, series: str, value: str, title: str, value_title: str,
            order: list[str] | None = None) -> go.Figure:
    """100% stacked horizontal bars; the legend lists the segments in the order they are stacked."""
    data = []
    names = order or sorted(frame[series].dropna().unique())
    present = set(frame[series])
    for i, name in enumerate(n for n in names if n in present):
        rows = frame[frame[series] == name]
        colour = PALETTE[i % len(PALETTE)]
        data.append({
            "type": "bar", "x": rows[value].to_numpy(), "y": rows[category].astype(str).to_numpy(),
            "orientation": "h", "name": str(name),
            "marker": {"color": colour, "pattern": {"shape": PATTERNS[i % len(PATTERNS)]}},
            "text": percent_text(rows[value]), "textposition": "inside",
            "textfont": {"color": text_on(colour)}, "insidetextanchor": "middle",
            "hovertemplate": "%{y} · " + str(name) + ": %{text}<extra></extra>"})
    return _figure(data, layout(title, value_title, "", xaxis={"tickformat": ".0%", "range": [0, 1]},
                                yaxis={"autorange": "reversed"}, barmode="stack", legend={"traceorder": "normal"}))


def boxes(frame: pd.DataFrame, group: str, value: str, title: str, value_title: str,
          hline: float | None = None, hline_label: str = "") -> go.Figure:
    data = []
    for i, (name, rows) in enumerate(frame.groupby(group, observed=True)):
        colour = PALETTE[i % len(PALETTE)]
        # Every school as a dot while that stays readable; past that, the box and its outliers.
        points = "all" if len(frame) <= ALL_POINTS else "outliers"
        data.append({"type": "box", "y": rows[value].to_numpy(), "name": str(name), "boxpoints": points,
                     "jitter": 0.4, "pointpos": 0, "marker": {"color": colour, "symbol": SYMBOLS[i % len(SYMBOLS)]},
                     "line": {"color": colour}})
    lines = [hline_shape(hline, hline_label)] if hline is not None else []
    return _figure(data, layout(title, "", value_title, lines=lines, showlegend=False))


def show(fig: go.Figure, key: str, v: View, data: pd.DataFrame, data_title: str,
         columns: dict[str, str] | None = None, summary: str | None = None) -> None:
    """Draw a chart with its text summary and a table alternative holding the same numbers."""
    # theme=None: the project's own layout (dark text, GOV.UK palette) rather than Streamlit's
    # chart theme, whose grey labels fall below 4.5:1 contrast.
    st.plotly_chart(fig, key=key, width="stretch", theme=None, config={
        # PNG from the camera button, SVG from the button ui/styles.py adds beside it; the
        # selection tools are left out (selecting points does nothing on these pages).
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"]})
    if summary:
        st.caption(summary)
    with st.expander(f"Table alternative: {data_title}", icon=":material/table:"):
        table(data, data_title, f"{key}-table", v, columns)
