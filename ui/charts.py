"""Charts readable without colour alone: GOV.UK-style palette, marker shapes and patterns,
labels on bars, hover detail, a table alternative beside every chart and image export."""
from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lake import analysis, rounding
from ui import chart_room, chart_style, drill
from ui.anonymise import SMALL
from ui.chart_style import FONT_SIZE, PALETTE, PATTERNS, SYMBOLS, TEXT, text_on  # noqa: F401  (one registry, re-exported)
from ui.context import View
from ui.details import details
from ui.tables import table

REFERENCE = "#0b0c0c"
GRID = "#e5e6e7"
AXIS_LINE = "#505a5f"
DENSITY_POINTS = 2000      # a scatter of more schools than this is drawn as a density of counts instead
HIDDEN = "hidden: fewer than 5 schools"   # the label of a bar anonymised mode leaves blank
SHORT_LABEL = 40           # a reference line's label longer than this goes under the title instead
TOO_FEW = "too few schools to chart (n = {n})"   # a group under SMALL schools, in named mode


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
        "template": "none", "title": {"text": title, "font": {"size": FONT_SIZE + 2, "color": TEXT}},
        "font": {"family": "Arial, Helvetica, sans-serif", "size": FONT_SIZE, "color": TEXT},
        # A label that would have to shrink below FONT_SIZE to fit its bar is left off (the table has it).
        "uniformtext": {"minsize": FONT_SIZE, "mode": "hide"},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "closest",
        # The legend at the foot of the whole figure, not a fraction of the plot's height below it: at
        # projector text sizes a fixed fraction ran into the axis title.
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "xanchor": "left", "x": 0,
                   "font": {"color": TEXT}, **(legend or {})},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "hoverlabel": {"font": {"size": FONT_SIZE}},
        "xaxis": _axis(x_title, **(xaxis or {})), "yaxis": _axis(y_title, **(yaxis or {})),
        "shapes": [s for s, _ in lines], "annotations": [a for _, a in lines if a is not None],
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


def figure(data: list[dict], layout_: dict) -> go.Figure:
    """The figure, with the room its labels need worked out here (ui/chart_room.py)."""
    layout_["margin"] = chart_room.room(data, layout_)
    return go.Figure(data=data, layout=layout_)


def _categories(values) -> dict:
    """An axis holding these categories in their registry order (or the order given), so a group's
    place never depends on which series happens to be drawn first."""
    return {"type": "category", "categoryorder": "array", "categoryarray": chart_style.in_order(values)}


def _ids(rows: pd.DataFrame, ids: str | None) -> list | None:
    return rows[ids].tolist() if ids and ids in rows.columns else None


def _compact(values: pd.Series, digits: int = 2) -> np.ndarray:
    """Coordinates as sent to the browser: rounded half up to the precision shown, whole numbers as
    integers and the rest as 32-bit floats (half the bytes; the hover's text is exact either way)."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.to_numpy().astype(np.int32)
    return numbers.map(lambda v: rounding.round_half_up(v, digits)).astype(float).to_numpy().astype(np.float32)


def density_note(n: int) -> str | None:
    """What a scatter of `n` schools says about itself when drawn as a density, else None."""
    if n <= DENSITY_POINTS:
        return None
    return (f"With more than {DENSITY_POINTS:,} schools, one dot each would only overlap: the chart shows how many "
            "schools fall in each cell instead (the darker, the more). Filter to an LA or region to see each school.")


def scatter(frame: pd.DataFrame, x: str, y: str, group: str, hover: str, title: str, x_title: str, y_title: str,
            hline: float | None = None, hline_label: str = "",
            trend: tuple[float, float] | None = None, ids: str | None = None) -> go.Figure:
    """One marker per school, coloured and shaped by its group's fixed style; the hover names the
    school. `ids` (e.g. "urn") lets a click on a point open that school (ui/drill.py). Past
    DENSITY_POINTS schools (a national view) the chart is a density of counts instead (`density`)."""
    if len(frame) > DENSITY_POINTS:
        return density(frame, x, y, title, x_title, y_title, hline, hline_label, trend)
    data, schools = [], []
    groups = {str(k): rows for k, rows in frame.groupby(group, observed=True, dropna=False)} if not frame.empty else {}
    for i, name in enumerate(chart_style.in_order(groups)):
        rows = groups[name]
        s = chart_style.style(name, i)
        data.append({
            "type": "scatter", "x": _compact(rows[x]), "y": _compact(rows[y]), "mode": "markers",
            "name": str(name), "text": as_text(rows[hover]),
            "customdata": np.column_stack([formatted(rows[x], rounding.trimmed),
                                           formatted(rows[y], rounding.trimmed)]) if len(rows) else None,
            "marker": {"color": s.colour, "symbol": s.symbol, "size": 10,
                       "line": {"width": 1, "color": "#ffffff"}},
            "hovertemplate": "<b>%{text}</b><br>" + x_title + ": %{customdata[0]}<br>" + y_title
            + ": %{customdata[1]}<extra>"
            + str(name) + "</extra>"})
        schools.append(_ids(rows, ids))
    data += _trend(frame, x, trend)
    lines = [hline_shape(hline, hline_label)] if hline is not None else []
    return drill.attach(figure(data, layout(title, x_title, y_title, lines=lines)), schools)


def _trend(frame: pd.DataFrame, x: str, trend: tuple[float, float] | None) -> list[dict]:
    if trend is None or frame.empty:
        return []
    xs = pd.Series([frame[x].min(), frame[x].max()], dtype=float)
    return [{"type": "scatter", "x": xs.to_numpy(), "y": (trend[0] * xs + trend[1]).to_numpy(),
             "mode": "lines", "name": "Fitted trend", "hoverinfo": "skip",
             "line": {"color": AXIS_LINE, "dash": "dot", "width": 2}}]


DENSITY_SCALE = [[0, "#d2e2f1"], [0.5, PALETTE[0]], [1, "#003078"]]    # GOV.UK light blue to dark blue


def _bin_label(start: float, width: float, whole: bool) -> str:
    if whole:
        top = start + width - 1
        return f"{start:,.0f}" if top <= start else f"{start:,.0f}–{top:,.0f}"
    return f"{rounding.trimmed(start)} to under {rounding.trimmed(start + width)}"


def density(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str,
            hline: float | None = None, hline_label: str = "", trend: tuple[float, float] | None = None) -> go.Figure:
    """How many schools fall in each cell of a grid over x and y, counted here (lake.analysis
    .density_counts): a few hundred cells reach the browser instead of a point, a name and a URN per
    school. The hover says each cell's count and range; the recommended-time line and the trend stay.
    No school is named or clickable: filtering to fewer schools brings the dots back."""
    grid = analysis.density_counts(frame, x, y)
    gx, gy, counts = grid["x"], grid["y"], grid["counts"]
    x_labels = [_bin_label(gx["start"] + i * gx["width"], gx["width"], gx["whole"]) for i in range(gx["bins"])]
    y_labels = [_bin_label(gy["start"] + j * gy["width"], gy["width"], gy["whole"]) for j in range(gy["bins"])]
    z = [[int(c) if c else None for c in row] for row in counts]
    text = [[f"{int(c):,} school{'s' if c != 1 else ''}: {x_title} {x_labels[i]}, {y_title} {y_labels[j]}"
             if c else "" for i, c in enumerate(row)] for j, row in enumerate(counts)]
    data = [{"type": "heatmap", "name": "Schools", "z": z, "text": text, "hoverongaps": False,
             "x0": gx["start"] + gx["width"] / 2, "dx": gx["width"],
             "y0": gy["start"] + gy["width"] / 2, "dy": gy["width"],
             "colorscale": DENSITY_SCALE, "zmin": 1, "xgap": 1, "ygap": 1,
             "hovertemplate": "%{text}<extra></extra>",
             "colorbar": {"title": {"text": "Schools", "font": {"color": TEXT}}, "tickfont": {"color": TEXT},
                          "tickformat": ",d", "outlinewidth": 0}}]
    data += _trend(frame, x, trend)
    lines = [hline_shape(hline, hline_label)] if hline is not None else []
    return figure(data, layout(title, x_title, y_title, lines=lines, showlegend=bool(trend)))


def _too_few(n, anonymised_blank: bool) -> str:
    return HIDDEN if anonymised_blank else TOO_FEW.format(n=int(n))


def bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str, percent: bool = False,
         benchmark: float | None = None, benchmark_label: str = "", text: pd.Series | None = None,
         name: str | None = None, marks: pd.DataFrame | None = None, marks_name: str = "",
         n_column: str | None = None, counts: bool = False) -> go.Figure:
    """Horizontal bars, labelled with their values; optionally one benchmark line, or a reference
    mark per bar (`marks`: the category column and a value column, "England figure").

    `n_column`: how many schools each bar rests on; a bar resting on fewer than SMALL is not drawn
    (a share of one school would fill the bar) and says so instead. `counts`: the values are counts,
    so the axis has whole-number ticks only."""
    values = pd.to_numeric(frame[value], errors="coerce").astype(float)
    blank = values.isna()
    if text is None:                      # a bar anonymised mode left blank says why
        shown = percent_text(values) if percent else number_text(values)
        text = [HIDDEN if b else s for b, s in zip(blank, shown)]
    labels = list(text)
    if n_column is not None and n_column in frame.columns:
        n = pd.to_numeric(frame[n_column], errors="coerce").fillna(0)
        few = (n < SMALL) & ~blank
        labels = [_too_few(k, False) if f else t for f, k, t in zip(few, n, labels)]
        values = values.where(~few)
    cats = frame[category].astype(str)
    data = [{"type": "bar", "x": values.to_numpy(), "y": cats.to_numpy(),
             "orientation": "h", "marker": {"color": PALETTE[0]}, "text": labels, "textposition": "outside",
             "textfont": {"color": TEXT}, "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra></extra>",
             **({"name": name} if name else {})}]
    # A bar with no value still carries its words ("too few schools ..."), written from the axis.
    notes = [{"text": t, "x": 0, "xref": "x", "y": c, "yref": "y", "xanchor": "left", "showarrow": False,
              "font": {"color": TEXT}, "bgcolor": "#ffffff"} for c, t, v in zip(cats, labels, values) if pd.isna(v)]
    if marks is not None and not marks.empty:
        data.append({"type": "scatter", "x": marks.iloc[:, 1].to_numpy(),
                     "y": marks.iloc[:, 0].astype(str).to_numpy(), "mode": "markers", "name": marks_name,
                     "marker": {"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": REFERENCE}},
                     "text": percent_text(marks.iloc[:, 1]) if percent else number_text(marks.iloc[:, 1]),
                     "hovertemplate": "%{y}: England %{text}<extra></extra>"})
    lines, subtitle = [], None
    if benchmark is not None:
        # A long benchmark label would run off the chart at projector sizes: it goes under the title,
        # wrapped, and names the dashed line there.
        if len(benchmark_label) <= SHORT_LABEL:
            lines = [vline_shape(benchmark, benchmark_label)]
        else:
            line, _ = vline_shape(benchmark, "")
            lines, subtitle = [(line, None)], "Dashed line: " + benchmark_label
    xaxis = {"tickformat": ".0%", "range": [0, 1.1]} if percent else {}
    if counts:
        top = values.max() if values.notna().any() else 0
        xaxis = {"tickformat": ",d", "rangemode": "tozero", **({"dtick": 1} if top <= 10 else {})}
    extra = {"showlegend": True} if len(data) > 1 else {}
    fig_layout = layout(title, value_title, "", xaxis=xaxis, yaxis={**_categories(cats), "autorange": "reversed"},
                        lines=lines, **extra)
    fig_layout["annotations"] = fig_layout["annotations"] + notes
    if subtitle:
        wrapped = textwrap.wrap(subtitle, 90)
        fig_layout["title"]["subtitle"] = {"text": "<br>".join(html.escape(w) for w in wrapped),
                                           "font": {"size": FONT_SIZE, "color": TEXT}}
        fig_layout["margin"] = {**fig_layout["margin"], "t": 60 + 22 * len(wrapped)}
    return figure(data, fig_layout)


def grouped(long: pd.DataFrame, category: str, series: str, value: str, title: str, value_title: str,
            units: dict[str, str] | None = None) -> go.Figure:
    """One panel per series (e.g. per measure), side by side, each with its own axis: measures in
    different units never share one scale. `units` names each panel's axis (default: the series)."""
    names = chart_style.in_order(long[series].drop_duplicates())
    cats = chart_style.in_order(as_text(long[category].drop_duplicates()))
    gap, width = 0.06, 1 / max(len(names), 1)
    data, axes = [], {}
    for i, name in enumerate(names):
        part = long[long[series].astype(str) == name]
        ref = "x" if i == 0 else f"x{i + 1}"
        data.append({"type": "bar", "x": part[value].to_numpy(), "orientation": "h", "name": str(name),
                     "y": as_text(part[category]), "xaxis": ref, "yaxis": "y",
                     "marker": chart_style.marker(name, i), "textfont": {"color": TEXT},
                     "text": number_text(part[value]), "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": "%{y} · " + str(name) + ": %{text}<extra></extra>"})
        axis_title = (units or {}).get(name, name)
        axes["xaxis" if i == 0 else f"xaxis{i + 1}"] = _axis(axis_title, domain=[i * width + (gap if i else 0),
                                                                                  (i + 1) * width - gap / 2],
                                                              rangemode="tozero", anchor="y")
    fig_layout = layout(title, None, "", yaxis={**_categories(cats), "autorange": "reversed"}, showlegend=False,
                        **{k: a for k, a in axes.items() if k != "xaxis"})
    if "xaxis" in axes:
        fig_layout["xaxis"] = axes["xaxis"]
    return figure(data, fig_layout)


def stacked(frame: pd.DataFrame, category: str, series: str, value: str, title: str, value_title: str,
            order: list[str] | None = None, n_column: str = "Schools") -> go.Figure:
    """100% stacked horizontal bars; each segment in its category's fixed colour and pattern, stacked
    and listed in the legend in its vocabulary's order. A group resting on fewer than SMALL schools
    is not drawn and says so."""
    data = []
    cats = chart_style.in_order(frame[category].astype(str)) if not frame.empty else []
    few: dict[str, int] = {}
    if n_column in frame.columns and not frame.empty:
        totals = pd.to_numeric(frame[n_column], errors="coerce").fillna(0).groupby(frame[category].astype(str)).sum()
        few = {c: int(t) for c, t in totals.items() if t < SMALL}
    drawn = frame[~frame[category].astype(str).isin(list(few))]
    present = set(drawn[series].astype(str))
    names = [str(n) for n in (order or [])] + chart_style.in_order(present - {str(n) for n in order or []})
    for i, name in enumerate(n for n in names if n in present):
        rows = drawn[drawn[series].astype(str) == name]
        m = chart_style.marker(name, i)
        data.append({
            "type": "bar", "x": rows[value].to_numpy(), "y": rows[category].astype(str).to_numpy(),
            "orientation": "h", "name": str(name), "marker": m,
            "text": percent_text(rows[value]), "textposition": "inside",
            "textfont": {"color": text_on(m["color"])}, "insidetextanchor": "middle",
            "hovertemplate": "%{y} · " + str(name) + ": %{text}<extra></extra>"})
    fig_layout = layout(title, value_title, "", xaxis={"tickformat": ".0%", "range": [0, 1]},
                        yaxis={**_categories(cats), "autorange": "reversed"}, barmode="stack",
                        legend={"traceorder": "normal"})
    fig_layout["annotations"] = fig_layout["annotations"] + [
        {"text": _too_few(n, False), "x": 0, "xref": "x", "y": c, "yref": "y", "xanchor": "left", "showarrow": False,
         "font": {"color": TEXT}, "bgcolor": "#ffffff"} for c, n in few.items()]
    return figure(data, fig_layout)


def boxes(stats: pd.DataFrame, points: pd.DataFrame, group: str, value: str, title: str, value_title: str,
          hline: float | None = None, hline_label: str = "", hover: str | None = None,
          ids: str | None = None) -> go.Figure:
    """A box per group from its precomputed figures (lake.analysis.box_stats: the summary table's
    median and quartiles, and Tukey's fences), with only the schools beyond the fences drawn as dots.
    `hover` names the school on each dot (named mode only: pass None when anonymised); `ids` lets a
    click on a dot open the school. A group of fewer than SMALL schools shows its dots
    without a box: quartiles of two schools mislead."""
    data, schools = [], []
    names = [str(n) for n in stats[group]] if not stats.empty else []     # in the page's order (box_stats)
    by_group = {str(k): rows for k, rows in points.groupby(group, observed=True)} if not points.empty else {}
    for i, name in enumerate(chart_style.in_order(names)):
        row = stats[stats[group].astype(str) == name].iloc[0]
        s = chart_style.style(name, i)
        n = int(row["Schools (n)"])
        small = pd.isna(row["Median"])
        shown = f"{name}<br>(too few for a box: {n})" if small else str(name)
        if not small:
            data.append({"type": "box", "name": name, "x": [shown], "q1": [row["Lower quartile"]],
                         "median": [row["Median"]], "q3": [row["Upper quartile"]],
                         "lowerfence": [row["Lower fence"]], "upperfence": [row["Upper fence"]],
                         "boxpoints": False, "marker": {"color": s.colour, "symbol": s.symbol},
                         "line": {"color": s.colour}, "hoverinfo": "y"})
            schools.append(None)
        rows = by_group.get(name)
        if rows is None or rows.empty:
            continue
        dots = {"type": "scatter", "mode": "markers", "name": name, "x": [shown] * len(rows),
                "y": _compact(rows[value], 1).astype(float), "showlegend": False,
                "marker": {"color": s.colour, "symbol": s.symbol, "size": 8},
                "customdata": number_text(rows[value]),
                "hovertemplate": value_title + ": %{customdata}<extra></extra>"}
        if hover and hover in rows.columns:
            dots.update(text=as_text(rows[hover]),
                        hovertemplate="<b>%{text}</b><br>" + value_title + ": %{customdata}<extra></extra>")
        data.append(dots)
        schools.append(_ids(rows, ids))
    lines = [hline_shape(hline, hline_label)] if hline is not None else []
    return drill.attach(figure(data, layout(title, "", value_title, xaxis=_categories_as_drawn(data), lines=lines,
                                             showlegend=False)), schools)


def _categories_as_drawn(data: list[dict]) -> dict:
    """A box plot's groups along the axis in the order their traces were made (boxes and dots share it)."""
    seen = list(dict.fromkeys(t["x"][0] for t in data if len(t["x"])))
    return {"type": "category", "categoryorder": "array", "categoryarray": seen}


def show(fig: go.Figure, key: str, v: View, data: pd.DataFrame, data_title: str,
         columns: dict[str, str] | None = None, summary: str | None = None) -> None:
    """Draw a chart with its text summary and a table alternative holding the same numbers."""
    # theme=None: the project's own layout (dark text, GOV.UK palette) rather than Streamlit's
    # chart theme, whose grey labels fall below 4.5:1 contrast.
    clickable = drill.selectable(fig)       # a school's point opens its profile (ui/drill.py)
    event = st.plotly_chart(fig, key=key, width="stretch", theme=None, config={
        # PNG from the camera button, SVG from the button ui/styles.py adds beside it; the box and
        # lasso tools are left out (a click on one school's point is the selection that counts).
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"]}, **clickable)
    if clickable:
        drill.follow_chart(fig, event, v)
    if summary:
        st.caption(summary)
    with details(f"Table alternative: {data_title}", f"{key}-table", icon=":material/table:") as is_open:
        if is_open:
            table(data, data_title, f"{key}-table", v, columns)
