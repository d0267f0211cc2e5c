"""A short table as plain Markdown: cells as DfE rounds them, and read back into a frame.

A page's short tables (a few groups, or the schools a meeting looks at first) are drawn as an
ordinary HTML table rather than the interactive grid: the grid's code (over a megabyte) held
up a shared link's first chart while the browser compiled it, and a plain table is read whole by
a screen reader, printed whole and shown whole on a projector. The page's test helpers and the
meeting pack read such a table back with `from_markdown`. Streamlit-free.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from lake.rounding import DASH, number, percent
from ui.text import md_escape

_UNESCAPE = re.compile(r"\\(.)")
_LINK = re.compile(r"^\[(.*)\]\((\S*)\)$")
_ROW = re.compile(r"^\|(.*)\|$")
_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def cell(value, column: str, digits: int = 1) -> tuple[str, bool]:
    """A table cell as text (DfE rounding: half up, to `digits` decimals) and whether it is a number."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return DASH, False
    if isinstance(value, (bool, np.bool_)):
        return ("Yes" if value else "No"), False
    if isinstance(value, int) or type(value).__name__.startswith("int"):
        return (str(int(value)) if "urn" in column.lower() else number(value)), True
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        if column.lower() in ("share", "rate") or column.lower().endswith((" share", " rate")):
            return percent(value), True
        return number(value, digits), True
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%d/%m/%Y"), False
    return str(value), False


def to_markdown(frame: pd.DataFrame, links: dict[str, list[str | None]] | None = None,
                digits: dict[str, int] | None = None) -> str:
    """`frame` as a Markdown table; `links` maps a column to each row's link (None for no link),
    `digits` a column to its decimals (a measure's own rounding; 1 otherwise)."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(md_escape(c) for c in cols) + " |",
             "|" + "|".join("---:" if _numeric(frame[c]) else "---" for c in frame.columns) + "|"]
    for i, rec in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for col, value in zip(cols, rec):
            text = md_escape(cell(value, col, (digits or {}).get(col, 1))[0]).strip()
            href = (links or {}).get(col, [None] * (i + 1))[i]
            cells.append(f"[{text}]({href})" if href else text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def from_markdown(text: str) -> pd.DataFrame | None:
    """The table `to_markdown` wrote (link text only; numbers as numbers, blanks as NaN), or None
    when `text` is not one."""
    lines = [ln.strip() for ln in str(text).strip().splitlines()]
    if len(lines) < 2 or not _ROW.match(lines[0]) or not _RULE.match(lines[1]):
        return None
    rows = []
    for ln in [lines[0], *lines[2:]]:
        if not _ROW.match(ln):
            return None
        cells = [c.strip() for c in _CELL_SPLIT.split(ln[1:-1])]
        rows.append([_UNESCAPE.sub(r"\1", m.group(1) if (m := _LINK.match(c)) else c) for c in cells])
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    for c in frame.columns:
        values = frame[c].replace(DASH, None).str.replace(",", "", regex=False)
        parsed = pd.to_numeric(values, errors="coerce")
        if parsed[values.notna()].notna().all() and values.notna().any():
            frame[c] = parsed
    return frame


def links_of(text: str, column: str) -> list[str | None]:
    """Each row's link in `column` of a table `to_markdown` wrote."""
    lines = [ln.strip() for ln in str(text).strip().splitlines()]
    head = [_UNESCAPE.sub(r"\1", c.strip()) for c in _CELL_SPLIT.split(lines[0][1:-1])]
    at = head.index(column)
    out = []
    for ln in lines[2:]:
        c = _CELL_SPLIT.split(ln[1:-1])[at].strip()
        m = _LINK.match(c)
        out.append(m.group(2) if m else None)
    return out
