"""Helpers for running pages headless with AppTest."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def run_page(name: str, **params) -> AppTest:
    """Run pages/<name>.py with the given URL query parameters."""
    from ui.context import _api
    _api.clear()
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Everything a user can read on the page: text, metrics, tables, widget options."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "code", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        parts += [str(m.label), str(m.value), str(m.delta or "")]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
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
    import base64

    import numpy as np
    if isinstance(values, dict) and "bdata" in values:
        arr = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return arr.tolist()
    return list(values or [])
