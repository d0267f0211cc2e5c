"""Charts (ui/charts.py): what reaches the browser."""
import numpy as np
import pandas as pd

from ui import charts


def schools(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"phase": rng.choice(["primary", "secondary"], n), "send": rng.integers(5, 200, n),
                         "hours": rng.uniform(1, 30, n), "name": [f"School {i}" for i in range(n)]})


def test_a_school_name_is_shown_as_typed_never_as_markup():
    frame = schools(3).assign(name=["<b>Bold</b> & Co", "<script>alert(1)</script>", "Plain"])
    fig = charts.scatter(frame, "send", "hours", "phase", "name", "T", "SEND pupils", "Hours")
    texts = [t for trace in fig.data for t in (trace.text if trace.text is not None else [])]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in texts
    assert "Plain" in texts and not any("<script" in t for t in texts)
    bars = charts.grouped(pd.DataFrame({"label": ["<i>x</i>"], "Measure": ["Hours"], "Value": [3.0]}),
                          "label", "Measure", "Value", "T", "Hours")
    assert list(bars.data[0].y) == ["&lt;i&gt;x&lt;/i&gt;"]


def test_a_national_scatter_is_drawn_with_webgl_and_a_box_plot_keeps_only_outliers():
    small, big = schools(80), schools(charts.WEBGL_POINTS + 1)
    assert {t.type for t in charts.scatter(small, "send", "hours", "phase", "name", "T", "x", "y").data} == {"scatter"}
    assert {t.type for t in charts.scatter(big, "send", "hours", "phase", "name", "T", "x", "y").data} == {"scattergl"}
    assert {t.boxpoints for t in charts.boxes(small, "phase", "hours", "T", "y").data} == {"all"}
    assert {t.boxpoints for t in charts.boxes(big, "phase", "hours", "T", "y").data} == {"outliers"}
    assert sum(len(t.x) for t in charts.scatter(big, "send", "hours", "phase", "name", "T", "x", "y").data) == len(big)


def test_reference_lines_and_labels_use_dark_text_on_white():
    fig = charts.scatter(schools(10), "send", "hours", "phase", "name", "T", "x", "y", hline=9.75,
                         hline_label="Recommended 1.5 days (9.75 h)", trend=(0.1, 2.0))
    layout = fig.layout
    assert layout.shapes[0].y0 == 9.75 and layout.shapes[0].line.dash == "dash"
    assert layout.annotations[0].text == "Recommended 1.5 days (9.75 h)"
    assert layout.annotations[0].font.color == charts.TEXT and layout.plot_bgcolor == "#ffffff"
    assert [t.name for t in fig.data][-1] == "Fitted trend"
    stacked = charts.stacked(pd.DataFrame({"g": ["a", "a"], "s": ["x", "y"], "v": [0.4, 0.6]}), "g", "s", "v", "T",
                             "Share", ["y", "x"])
    assert [t.name for t in stacked.data] == ["y", "x"] and stacked.layout.legend.traceorder == "normal"
    assert all(t.textfont.color == charts.text_on(t.marker.color) for t in stacked.data)
