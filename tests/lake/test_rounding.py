"""DfE rounding (half up) behind every figure: the helper, the measures and the chart JSON."""
import json

import pandas as pd
import pytest

from lake import analysis, rounding
from lake.measures import MEASURE_BY_ID
from ui import charts


@pytest.mark.parametrize(("value", "digits", "shown"), [
    (3.25, 1, "3.3"), (0.145 * 100, 1, "14.5"), (2.5, 0, "3"), (1.005, 2, "1.01"), (1234.5, 0, "1,235"),
    (-0.04, 1, "0.0"), (None, 1, "–"), (float("nan"), 0, "–")])
def test_numbers_round_half_up(value, digits, shown):
    assert rounding.number(value, digits) == shown


def test_percentages_signs_and_values():
    assert rounding.percent(0.125) == "13%"
    assert rounding.percent(0.145) == "15%"                 # 0.145 * 100 is 14.4999... in binary
    assert rounding.signed(2.5) == "+3" and rounding.signed(-2.5) == "-3" and rounding.signed(0.2) == "0"
    assert rounding.percent_value(0.125, 0) == 13.0 and rounding.round_half_up(3.25, 1) == 3.3


def test_measures_format_half_up():
    assert MEASURE_BY_ID["median_senco_hours"].format(3.25) == "3.3 h"
    assert MEASURE_BY_ID["return_rate"].format(0.125) == "13%"
    assert MEASURE_BY_ID["return_rate"].format_change(0.625 - 0.6) == "+3 pts"       # +2.5 pts
    assert MEASURE_BY_ID["return_rate"].format_change(0.3 - 0.275) == "+3 pts"       # 2.4999... in binary
    assert MEASURE_BY_ID["median_senco_hours"].format_change(0.25) == "+0.3"


def _figure_json(fig) -> dict:
    return json.loads(fig.to_json())


def test_stacked_bar_label_and_hover_agree():
    frame = pd.DataFrame({"phase": ["primary", "primary"], "q": ["held", "not"], "Share": [0.125, 0.875]})
    fig = _figure_json(charts.stacked(frame, "phase", "q", "Share", "t", "Share", ["held", "not"]))
    held = fig["data"][0]
    assert held["text"] == ["13%"]
    assert "%{text}" in held["hovertemplate"] and "%{x:" not in held["hovertemplate"]


def test_bar_labels_reference_marks_and_grouped_bars_round_half_up():
    frame = pd.DataFrame({"phase": ["primary", "secondary"], "Share": [0.125, 0.5]})
    marks = pd.DataFrame({"phase": ["primary"], "England figure": [0.345]})
    fig = _figure_json(charts.bars(frame, "phase", "Share", "t", "Share", percent=True, marks=marks,
                                   marks_name="England"))
    assert fig["data"][0]["text"] == ["13%", "50%"]
    assert fig["data"][1]["text"] == ["35%"] and "%{text}" in fig["data"][1]["hovertemplate"]
    hours = _figure_json(charts.bars(pd.DataFrame({"y": ["2024/25"], "h": [3.25]}), "y", "h", "t", "h"))
    assert hours["data"][0]["text"] == ["3.3"]
    long = pd.DataFrame({"label": ["A"], "Measure": ["Hours"], "Value": [3.25]})
    grouped = _figure_json(charts.grouped(long, "label", "Measure", "Value", "t", "Hours"))
    assert grouped["data"][0]["text"] == ["3.3"] and "%{text}" in grouped["data"][0]["hovertemplate"]


def test_scatter_hover_shows_rounded_values():
    frame = pd.DataFrame({"x": [12, 30], "y": [3.125, 9.75], "phase": ["primary", "primary"], "name": ["A", "B"]})
    fig = _figure_json(charts.scatter(frame, "x", "y", "phase", "name", "t", "SEND pupils", "Hours"))
    trace = fig["data"][0]
    assert [list(r) for r in trace["customdata"]] == [["12", "3.13"], ["30", "9.75"]]
    assert "%{customdata[1]}" in trace["hovertemplate"] and "%{y}" not in trace["hovertemplate"]


def test_tables_round_half_up():
    table = analysis.as_percent(pd.DataFrame({"Share": [0.12345, 0.00125]}), ["Share"], decimals=2)
    assert table["Share (%)"].tolist() == [12.35, 0.13]
    summary = analysis.summary_by(pd.DataFrame({"g": ["a", "a"], "h": [3.0, 3.5]}), "g", "h")
    assert summary["Median"].tolist() == [3.3]                   # 3.25, not 3.2


def test_chart_text_for_blank_values_is_a_dash_not_an_error():
    assert charts.formatted(pd.Series([0.125, float("nan"), None]), rounding.percent) == ["13%", "–", "–"]
    assert charts.formatted(pd.Series([0.5, None], dtype="Float64"), rounding.percent) == ["50%", "–"]
