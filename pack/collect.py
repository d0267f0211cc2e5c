"""Run one page headless (Streamlit's AppTest) with a view's query parameters and collect what a
reader sees, in order: headings, text, notices, headline figures, tables and Plotly figures.

Widgets are left out (a printed page cannot be clicked), except that a choice a page offers
(e.g. "Compare SENCO hours with: SEND pupils") is kept as a line of text, so the reader knows
which view of the chart the pack holds. Downloads and the share-link box are left out; the
pack prints the link back to the live view itself.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from streamlit import logger
from streamlit.testing.v1 import AppTest

from ui.details import open_every_detail
from ui.plain_table import from_markdown

ROOT = Path(__file__).resolve().parent.parent
SKIP_EXPANDERS = ("Link to this view",)


class PageFailed(RuntimeError):
    """A page raised while being collected; the message names the page and the error."""


@dataclass
class Block:
    kind: str                       # title, header, subheader, text, caption, notice, metrics, table, chart, choice, section
    text: str = ""
    level: str = ""                 # a notice's kind, or a table's title
    items: list = field(default_factory=list)       # metrics: [(label, value, delta, help, captions)]; section: [Block]
    frame: pd.DataFrame | None = None
    figure: dict | None = None


@dataclass
class PageContent:
    stem: str
    title: str
    blocks: list[Block]


def _quiet() -> None:
    logger.set_log_level("error")
    logging.getLogger("streamlit").setLevel(logging.ERROR)


def _label(node) -> str:
    proto = getattr(node, "proto", None)
    for attr in ("label",):
        value = getattr(node, attr, None)
        if isinstance(value, str):
            return value
    if proto is not None:
        for path in (("expandable", "label"), ("tab", "label"), ("label",)):
            obj = proto
            try:
                for p in path:
                    obj = getattr(obj, p)
                if isinstance(obj, str) and obj:
                    return obj
            except AttributeError:
                continue
    return ""


def _cards(row) -> list[tuple]:
    """A row of columns each holding a headline figure: [(label, value, delta, help, [captions])]."""
    cols = [c for c in getattr(row, "children", {}).values() if type(c).__name__ == "Column"]
    cards = []
    for col in cols:
        kids = list(getattr(col, "children", {}).values())
        metrics = [k for k in kids if type(k).__name__ == "Metric"]
        if not metrics:
            continue
        m = metrics[0]
        captions = [str(k.value) for k in kids if type(k).__name__ == "Caption"]
        cards.append((m.label, m.value, _delta(m), getattr(m.proto, "help", "") or "", captions))
    return cards


def _delta(metric) -> str:
    """A card's change with its words, as the card says it ("+0.5 since last year")."""
    delta = metric.delta or ""
    words = getattr(metric.proto, "delta_description", "") or ""
    return f"{delta} {words}".strip() if delta else ""


def _table_title(out: list[Block]) -> str:
    """A table's title is the bold line written just before it (ui/tables.py); it moves into the
    table's caption, so it is not said twice."""
    for i in range(len(out) - 1, max(len(out) - 3, -1), -1):
        b = out[i]
        if b.kind == "text" and b.text.startswith("**") and b.text.endswith("**"):
            del out[i]
            return b.text.strip("*")
    return ""


def _walk(node, out: list[Block]) -> None:
    pending_metrics: list[tuple] = []

    def flush() -> None:
        if pending_metrics:
            out.append(Block("metrics", items=list(pending_metrics)))
            pending_metrics.clear()

    for child in getattr(node, "children", {}).values():
        kind = getattr(child, "type", "")
        name = type(child).__name__
        if name == "Metric":
            help_text = getattr(child.proto, "help", "") or ""
            pending_metrics.append((child.label, child.value, _delta(child), help_text, []))
            continue
        if name == "Column" or kind in ("flex_container", "vertical", "column", "horizontal"):
            cards = _cards(child)
            if cards:                      # a row of headline figures: one card per column
                flush()
                out.append(Block("metrics", items=cards))
            else:                          # any other layout row (e.g. a table's download buttons)
                _walk(child, out)
            continue
        flush()
        if name in ("Title", "Header", "Subheader"):
            out.append(Block(name.lower(), str(child.value)))
        elif name == "Markdown":
            frame = from_markdown(str(child.value))         # a short table drawn plain (ui/plain_table.py)
            if frame is not None:
                out.append(Block("table", level=_table_title(out), frame=frame))
            else:
                out.append(Block("text", str(child.value)))
        elif name == "Caption":
            text = str(child.value)
            if text.startswith("Copy this link"):
                continue
            out.append(Block("caption", text))
        elif name in ("Info", "Warning", "Success", "Error"):
            out.append(Block("notice", str(child.value), level=name.lower()))
        elif name == "Dataframe":
            frame = child.value
            if isinstance(frame, pd.DataFrame):
                out.append(Block("table", level=_table_title(out), frame=frame))
        elif name == "Table":
            out.append(Block("table", frame=child.value))
        elif kind == "plotly_chart" or name == "PlotlyChart":
            spec = json.loads(child.proto.spec) if child.proto.spec else {}
            out.append(Block("chart", figure=spec))
        elif name in ("Radio", "SegmentedControl"):
            # A fixed choice of views ("Group by: Phase"). Select boxes are left out: their value can
            # be a school's URN, and the page says which school it shows in its own heading.
            value = child.value
            if value is not None:
                out.append(Block("choice", f"{child.label}: {value}"))
        elif name == "Expander":
            label = _label(child)
            if label in SKIP_EXPANDERS:
                continue
            inner: list[Block] = []
            _walk(child, inner)
            if inner:
                out.append(Block("section", label, items=inner))
        elif name in ("Tab",):
            inner = []
            _walk(child, inner)
            if inner:
                label = _label(child)
                if not (inner[0].kind == "header" and inner[0].text == label):
                    out.append(Block("header", label))
                out.extend(inner)
        elif name == "Code":
            out.append(Block("caption", str(child.value)))
        elif hasattr(child, "children") and child.children:
            _walk(child, out)
    flush()


def collect(stem: str, params: dict[str, list[str]], title: str, timeout: float = 300) -> PageContent:
    """Run pages/<stem>.py with `params` as its URL query and return what it shows."""
    _quiet()
    at = AppTest.from_file(str(ROOT / "pages" / f"{stem}.py"), default_timeout=timeout)
    for key, values in params.items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    if not at.exception:
        open_every_detail(at)        # the pack holds every table alternative, opened or not on screen
    if at.exception:
        raise PageFailed(f"The {title} page could not be built: {str(at.exception[0].value)[:300]}")
    blocks: list[Block] = []
    _walk(at.main, blocks)
    return PageContent(stem=stem, title=title, blocks=blocks)
