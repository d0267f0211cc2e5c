"""Charts readable without colour alone: GOV.UK-style palette, marker shapes and patterns,
labels on bars, hover detail, a table alternative beside every chart and image export."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.context import View
from ui.tables import table

# GOV.UK design system colours, each at least 3:1 against white.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#912b88", "#505a5f", "#003078", "#28a197"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "hexagon"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
REFERENCE = "#0b0c0c"
TEXT = "#0b0c0c"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(fill: str) -> str:
    """White or near-black, whichever reads at 4.5:1 or better on the fill (WCAG 1.4.3)."""
    white = 1.05 / (_luminance(fill) + 0.05)
    return "#ffffff" if white >= 4.5 else TEXT


def base_layout(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16, "color": TEXT}}, template="plotly_white",
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#0b0c0c"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0, "font": {"color": TEXT}},
        margin={"l": 10, "r": 10, "t": 50, "b": 10}, hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(tickfont={"color": TEXT}, title_font={"color": TEXT})
    fig.update_yaxes(tickfont={"color": TEXT}, title_font={"color": TEXT})
    fig.update_annotations(font_color=TEXT)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def scatter(frame: pd.DataFrame, x: str, y: str, group: str, hover: str, title: str, x_title: str, y_title: str,
            hline: float | None = None, hline_label: str = "", trend: tuple[float, float] | None = None) -> go.Figure:
    fig = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby(group, observed=True, dropna=False)):
        fig.add_trace(go.Scatter(
            x=rows[x], y=rows[y], mode="markers", name=str(name),
            marker={"color": PALETTE[i % len(PALETTE)], "symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9,
                    "line": {"width": 1, "color": "#ffffff"}},
            text=rows[hover], hovertemplate="<b>%{text}</b><br>" + x_title + ": %{x}<br>" + y_title
            + ": %{y}<extra>" + str(name) + "</extra>"))
    if hline is not None:
        fig.add_hline(y=hline, line={"color": REFERENCE, "dash": "dash", "width": 2},
                      annotation_text=hline_label, annotation_position="top left")
    if trend is not None and not frame.empty:
        xs = pd.Series([frame[x].min(), frame[x].max()], dtype=float)
        fig.add_trace(go.Scatter(x=xs, y=trend[0] * xs + trend[1], mode="lines", name="Fitted trend",
                                 line={"color": "#505a5f", "dash": "dot", "width": 2}, hoverinfo="skip"))
    return base_layout(fig, title, x_title, y_title)


def bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str, percent: bool = False,
         benchmark: float | None = None, benchmark_label: str = "", text: pd.Series | None = None) -> go.Figure:
    labels = text if text is not None else (frame[value].map(lambda v: f"{v * 100:.0f}%") if percent
                                           else frame[value].map(lambda v: f"{v:.1f}"))
    fig = go.Figure(go.Bar(
        x=frame[value], y=frame[category].astype(str), orientation="h", marker_color=PALETTE[0],
        text=labels, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    if benchmark is not None:
        fig.add_vline(x=benchmark, line={"color": REFERENCE, "dash": "dash", "width": 2},
                      annotation_text=benchmark_label, annotation_position="top")
    fig.update_yaxes(autorange="reversed")
    if percent:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.1])
    return base_layout(fig, title, value_title, "")


def stacked(frame: pd.DataFrame, category: str, series: str, value: str, title: str, value_title: str,
            order: list[str] | None = None) -> go.Figure:
    fig = go.Figure()
    names = order or sorted(frame[series].dropna().unique())
    for i, name in enumerate(n for n in names if n in set(frame[series])):
        rows = frame[frame[series] == name]
        fig.add_trace(go.Bar(
            x=rows[value], y=rows[category].astype(str), orientation="h", name=str(name),
            marker={"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": PATTERNS[i % len(PATTERNS)]}},
            text=rows[value].map(lambda v: f"{v * 100:.0f}%"), textposition="inside",
            textfont={"color": text_on(PALETTE[i % len(PALETTE)])}, insidetextanchor="middle",
            hovertemplate="%{y} · " + str(name) + ": %{x:.0%}<extra></extra>"))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title, value_title, "")


def boxes(frame: pd.DataFrame, group: str, value: str, title: str, value_title: str,
          hline: float | None = None, hline_label: str = "") -> go.Figure:
    fig = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby(group, observed=True)):
        fig.add_trace(go.Box(y=rows[value], name=str(name), boxpoints="all", jitter=0.4, pointpos=0,
                             marker={"color": PALETTE[i % len(PALETTE)], "symbol": SYMBOLS[i % len(SYMBOLS)]},
                             line={"color": PALETTE[i % len(PALETTE)]}))
    if hline is not None:
        fig.add_hline(y=hline, line={"color": REFERENCE, "dash": "dash", "width": 2},
                      annotation_text=hline_label, annotation_position="top left")
    fig.update_layout(showlegend=False)
    return base_layout(fig, title, "", value_title)


def show(fig: go.Figure, key: str, v: View, data: pd.DataFrame, data_title: str,
         columns: dict[str, str] | None = None, summary: str | None = None) -> None:
    """Draw a chart with its text summary and a table alternative holding the same numbers."""
    # theme=None: the project's own layout (dark text, GOV.UK palette) rather than Streamlit's
    # chart theme, whose grey labels fall below 4.5:1 contrast.
    st.plotly_chart(fig, key=key, width="stretch", theme=None, config={
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2}})
    if summary:
        st.caption(summary)
    with st.expander(f"Table alternative: {data_title}", icon=":material/table:"):
        table(data, data_title, f"{key}-table", v, columns)
