"""Helpers for running pages headless with AppTest, over either kind of lake.

The app reads the DuckDB lake file ($SENCO_LAKE) or, on a replica, a Parquet export of it
($SENCO_PARQUET_LAKE). Page tests run once per kind (tests/pages/conftest.py `lake_kind`).
"""
from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lake.parquet import export
from lake.store import Reader
from ui.context import _api
from ui.details import open_every_detail
from ui.plain_table import from_markdown

ROOT = Path(__file__).resolve().parents[2]
LAKE_KINDS = ("duckdb", "parquet")


def publish(lake: Path, kind: str) -> Path | None:
    """For "parquet", export `lake` (as the loader machine does after each load) to a folder beside
    it, replacing an earlier export, and return the folder; for "duckdb", None."""
    if kind != "parquet":
        return None
    return export(lake, lake.parent / f"{lake.stem}-parquet")


def use_lake(path: Path | None, parquet: Path | None = None) -> None:
    """Point the app at a lake file and, when given, at a Parquet export to read instead.

    Sets (or, for None, unsets) SENCO_LAKE and SENCO_PARQUET_LAKE and clears the cached read API.
    A replica reading an export is given the lake's anonymisation key in SENCO_ANON_KEY, as a
    deployment does (the export leaves the key out).
    """
    key = None
    if parquet is not None and path is not None and Path(path).exists():
        key = Reader(path=Path(path)).scalar("SELECT value FROM lake_info WHERE key = 'anon_key'")
    for name, value in (("SENCO_LAKE", path), ("SENCO_PARQUET_LAKE", parquet), ("SENCO_ANON_KEY", key)):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value)
    _api.clear()


def serve(lake: Path, kind: str) -> None:
    """Point the app at `lake`: the file itself, or for "parquet" a fresh Parquet export of it."""
    use_lake(lake, publish(lake, kind))


@contextlib.contextmanager
def serving(lake: Path, kind: str = "duckdb", parquet: Path | None = None) -> Iterator[Path]:
    """Inside the block the app reads `lake` (on a "parquet" run, a fresh export of it, or the export
    given); after it, whatever it read before. The one way tests point the app at a lake."""
    before = served()
    use_lake(lake, parquet if parquet is not None else publish(lake, kind))
    try:
        yield lake
    finally:
        use_lake(*before)


def served() -> tuple[Path | None, Path | None]:
    """The lake file and Parquet export the app reads now, for use_lake to restore later."""
    lake, parquet = os.environ.get("SENCO_LAKE"), os.environ.get("SENCO_PARQUET_LAKE")
    return (Path(lake) if lake else None), (Path(parquet) if parquet else None)


def run_page(name: str, closed: bool = False, **params) -> AppTest:
    """Run pages/<name>.py with the given URL query parameters, then (unless `closed`) again with every
    table alternative and the share-link box open, as a reader who opened each would see it."""
    _api.clear()
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if not closed:
        open_every_detail(at)
        assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page, as a reader sees it: the grids and the plain tables (ui/plain_table.py)."""
    plain = [from_markdown(m.value) for m in at.markdown]
    return [df.value for df in at.dataframe] + [f for f in plain if f is not None]


def page_text(at: AppTest) -> str:
    """Everything a user can read on the page: text, metrics, tables, widget options."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "code", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        parts += [str(m.label), str(m.value), str(m.delta or "")]
    for df in tables(at):
        parts.append(df.to_csv())
    for w in list(at.selectbox) + list(at.multiselect) + list(at.radio):
        parts += [str(o) for o in w.options]
    for w in at.get("plotly_chart"):
        parts.append(str(w.proto.spec) if hasattr(w, "proto") else str(w))
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def plotly_values(values) -> list:
    """Values of a plotly trace array as drawn: plain lists, or plotly's base64 typed arrays."""

    if isinstance(values, dict) and "bdata" in values:
        arr = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return arr.tolist()
    return list(values or [])
