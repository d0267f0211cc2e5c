"""Pure cuts the pages ask the read API for (lake/analysis.py)."""
import pandas as pd
import pytest

from lake import analysis


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "urn": [1, 2, 3, 4, 5, 6],
        "school_name": ["A", "B", "C", "D", "E", "F"],
        "phase": ["primary", "primary", "secondary", "secondary", "special", None],
        "send_pupils": [3, 20, 40, 80, None, 10],
        "senco_hours_per_week": [2.0, 5.0, 9.0, 20.0, 7.0, None],
        "hours_per_10_send": [6.7, 2.5, 2.3, 2.5, None, None],
        "size_band": ["Under 100", "100–249", "500–999", "1,000 or more", "Under 100", None],
        "other": list("xyzuvw"),
    })


def test_cohort_scatter_keeps_rows_with_both_values_and_only_the_columns_it_needs():
    points, rho, n, trend, hidden = analysis.cohort_scatter(frame(), "send_pupils", "senco_hours_per_week")
    assert list(points.urn) == [1, 2, 3, 4]                     # no hours for 6, no cohort for 5
    assert "other" not in points.columns
    assert n == 4 and rho == pytest.approx(1.0)                 # hours rise with the cohort, rank for rank
    assert trend is not None and trend[0] > 0 and hidden == 0


def test_cohort_scatter_leaves_out_small_cohorts_and_counts_them():
    points, rho, n, _, hidden = analysis.cohort_scatter(frame(), "send_pupils", "senco_hours_per_week", 5)
    assert list(points.urn) == [2, 3, 4] and hidden == 1 and n == 3


def test_cohort_scatter_on_nothing():
    points, rho, n, trend, hidden = analysis.cohort_scatter(frame().iloc[0:0], "send_pupils", "senco_hours_per_week")
    assert points.empty and rho is None and n == 0 and trend is None and hidden == 0


def test_box_points_orders_groups_and_keeps_two_columns():
    order = ("Under 100", "100–249", "250–499", "500–999", "1,000 or more")
    rows = analysis.box_points(frame(), "size_band", "senco_hours_per_week", order)
    assert list(rows.columns) == ["size_band", "senco_hours_per_week"] and len(rows) == 5
    assert list(rows.size_band.cat.categories) == list(order)
    assert list(rows.groupby("size_band", observed=True).size().index) == [
        "Under 100", "100–249", "500–999", "1,000 or more"]


def test_area_table_puts_measures_down_and_areas_across():
    def cmp(values):
        def fmt(x):
            return "–" if x is None else f"{x} h"
        return pd.DataFrame([
            {"level": "LA", "area": "North Lincolnshire", "value": values[0], "n": 60, "formatted": fmt(values[0])},
            {"level": "Region", "area": "Yorkshire and the Humber", "value": values[1], "n": 700,
             "formatted": fmt(values[1])},
            {"level": "England", "area": "England", "value": values[2], "n": 18000, "formatted": fmt(values[2])}])
    table = analysis.area_table([("Median SENCO hours", cmp([9.5, 8.0, 9.0])),
                                 ("Median admin hours", cmp([None, 3.0, 4.0]))])
    assert list(table.columns) == ["Measure", "North Lincolnshire (LA)", "Yorkshire and the Humber (Region)", "England"]
    assert table.iloc[0].tolist() == ["Median SENCO hours", "9.5 h (n = 60)", "8.0 h (n = 700)",
                                      "9.0 h (n = 18,000)"]
    assert table.iloc[1]["North Lincolnshire (LA)"] == "–"                    # no value: no n claimed


def test_rank_correlation_is_reported_with_its_n_and_a_95_percent_interval():
    text = analysis.describe_rho(0.35, 120)
    assert "rho = 0.35" in text and "n = 120" in text and "95% confidence interval 0.17 to 0.51" in text
    assert "moderate" not in text
    low, high = analysis.rho_interval(0.35, 120)
    assert low < 0.35 < high
    wide = analysis.describe_rho(0.1, 30)
    assert "includes 0" in wide


def test_a_small_sample_is_called_too_small_not_given_a_strength():
    text = analysis.describe_rho(0.9, 9)
    assert text.startswith("too few schools to say") and "n = 9" in text and "0.9" not in text
    assert analysis.rho_interval(0.9, 9) is None
    assert "n = 10" in analysis.describe_rho(0.9, 10)
