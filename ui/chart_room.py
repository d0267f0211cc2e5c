"""The room a chart's labels need, worked out on the server before the chart is sent.

Plotly's automargin (still on every axis) otherwise finds the room by drawing the chart, and then
draws it again with the room made: on the national SENCO time link that second drawing cost about
0.5 s of the browser's time to the first chart. The room is reckoned generously, from Arial's
character widths, so that automargin only steps in for a label wider than its characters suggest.
Streamlit-free: it reads a figure's plain data and layout dicts (ui/charts.figure).
"""
from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd

from ui.chart_style import FONT_SIZE

# Arial's advance widths in thousandths of an em (the same as Helvetica's, and Liberation Sans's),
# for the printable ASCII characters from the space on; any other character is reckoned as wide as
# an "M" less a little. Reckoned 8% wide, for a browser that draws in a fallback font.
_ARIAL = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
          556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
          722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
          278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
          556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584]
OTHER_CHAR = 750
SAFETY = 1.08
LINE_PX = round(FONT_SIZE * 1.5)  # a line of text with its spacing
TITLE_PX = LINE_PX + 8           # an axis title and its gap from the tick labels
EDGE_PX = 14                     # between the labels and the figure's edge
TICK_GAP_PX = 20                 # between the tick labels and the plot: the ticks and their padding
COLOUR_BAR_PX = 130              # a density's colour bar and its title, to the right of the plot
LEGEND_ROW_PX = 600              # the width one row of the legend is reckoned to have
LEGEND_KEY_PX = 50               # a legend entry's symbol and the gap after it


def _label_lines(label) -> list[str]:
    return html.unescape(re.sub(r"<(?!br>)[^>]+>", "", str(label))).split("<br>")


def text_px(text: str, size: int = FONT_SIZE) -> float:
    """How wide a line of text is drawn in Arial at `size` px, reckoned generously."""
    ems = sum(_ARIAL[ord(c) - 32] if 32 <= ord(c) < 127 else OTHER_CHAR for c in text) / 1000
    return ems * size * SAFETY


def _label_px(label) -> float:
    return max(text_px(line) for line in _label_lines(label))


def _numbers(values) -> list[float]:
    if values is None or isinstance(values, (str, dict)):
        return []
    arr = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce")
    return [float(v) for v in (arr.min(), arr.max()) if pd.notna(v)]


def _axis_values(data: list[dict], layout_: dict, letter: str) -> tuple[list, list[float]]:
    """The category labels and the range of numbers an axis direction ("x" or "y") shows."""
    labels, numbers = [], []
    for name, axis in layout_.items():
        if name.startswith(letter + "axis") and isinstance(axis, dict):
            labels += list(axis.get("categoryarray") or [])
            numbers += _numbers(axis.get("range"))
    for trace in data:
        if trace.get("type") == "heatmap":
            cells = len(trace.get("z") or []) if letter == "y" else len((trace.get("z") or [[]])[0])
            start, step = trace.get(letter + "0", 0), trace.get("d" + letter, 1)
            numbers += [start - step, start + step * cells]
            continue
        for key in (letter, "q1", "lowerfence", "upperfence") if letter == "y" else (letter,):
            values = trace.get(key)
            if values is None or isinstance(values, dict):
                continue
            flat = list(np.asarray(values, dtype=object).ravel())
            if any(isinstance(v, str) for v in flat):
                labels += flat
            else:
                numbers += _numbers(flat)
    for shape in layout_.get("shapes") or []:
        if shape.get(letter + "ref") == letter:
            numbers += _numbers([shape.get(letter + "0"), shape.get(letter + "1")])
    return labels, numbers


def _ticks_px(labels: list, numbers: list[float], percent: bool) -> float:
    """The widest tick label: a category's, or a number's (its digits with their thousands commas,
    and two more for a decimal point and a decimal), or a percentage's."""
    widest = max((_label_px(label) for label in labels), default=0.0)
    if numbers:
        digits = len(f"{round(max(abs(n) for n in numbers)):,}") + 2
        widest = max(widest, text_px("100%" if percent else "0" * max(digits, 3)))
    return widest


def _titled(layout_: dict, letter: str) -> bool:
    return any(name.startswith(letter + "axis") and isinstance(axis, dict)
               and str((axis.get("title") or {}).get("text") or "").strip()
               for name, axis in layout_.items())


def room(data: list[dict], layout_: dict) -> dict:
    """The margins a chart's tick labels, axis titles, legend and colour bar need (never less than
    the layout asks for)."""
    given = layout_.get("margin") or {}
    y_labels, y_numbers = _axis_values(data, layout_, "y")
    x_labels, x_numbers = _axis_values(data, layout_, "x")
    y_percent = "%" in str((layout_.get("yaxis") or {}).get("tickformat") or "")
    x_percent = "%" in str((layout_.get("xaxis") or {}).get("tickformat") or "")
    left = (EDGE_PX + _ticks_px(y_labels, y_numbers, y_percent) + TICK_GAP_PX
            + (TITLE_PX if _titled(layout_, "y") else 0))
    tick_lines = max((len(_label_lines(label)) for label in x_labels), default=1)
    bottom = EDGE_PX + tick_lines * LINE_PX + TICK_GAP_PX + (TITLE_PX if _titled(layout_, "x") else 0)
    in_legend = [t for t in data if t.get("showlegend", t.get("type") != "heatmap") is not False]
    if layout_.get("showlegend", len(in_legend) > 1) and in_legend:
        width = sum(_label_px(t.get("name", "")) + LEGEND_KEY_PX for t in in_legend)
        bottom += LINE_PX * math.ceil(width / LEGEND_ROW_PX) + 8
    right = COLOUR_BAR_PX if any(t.get("type") == "heatmap" and t.get("showscale", True) for t in data) else 0
    # A label under the x axis is centred on its tick, and the first and last ticks can sit at the
    # plot's sides: half of such a label reaches past them.
    names = list(dict.fromkeys(str(label) for label in x_labels))
    if names:
        left = max(left, EDGE_PX + _label_px(names[0]) / 2)
        right = max(right, EDGE_PX + _label_px(names[-1]) / 2)
    if x_numbers:
        right = max(right, EDGE_PX + _ticks_px([], x_numbers, x_percent) / 2)
    return {**given, "l": max(given.get("l", 0), math.ceil(left)), "b": max(given.get("b", 0), math.ceil(bottom)),
            "r": max(given.get("r", 0), math.ceil(right))}
