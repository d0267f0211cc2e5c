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


def test_box_stats_are_the_tables_quartiles_with_tukeys_fences():
    values = [1.0, 2.0, 2.5, 3.0, 3.25, 4.0, 4.5, 5.0, 30.0, 0.0]
    rows = pd.DataFrame({"phase": ["primary"] * 10 + ["special"] * 2, "h": values + [6.0, 7.0],
                         "urn": range(1, 13), "school_name": [f"S{i}" for i in range(1, 13)]})
    stats, points = analysis.box_stats(rows, "phase", "h", ("special", "primary"), ("urn", "school_name"))
    assert list(stats.phase) == ["special", "primary"]                    # the order given
    table = analysis.summary_by(rows, "phase", "h").set_index("phase")
    primary = stats.set_index("phase").loc["primary"]
    for col in ("Schools (n)", "Median", "Lower quartile", "Upper quartile"):
        assert primary[col] == table.loc["primary", col], col            # the box never disagrees with the table
    assert (primary["Lower quartile"], primary["Median"], primary["Upper quartile"]) == (2.1, 3.1, 4.4)
    # Q1 2.125, Q3 4.375: whiskers reach 2.25 below and above, so 30 is beyond them and 0 is within.
    assert (primary["Lower fence"], primary["Upper fence"]) == (0.0, 5.0)
    special = stats.set_index("phase").loc["special"]
    assert special["Schools (n)"] == 2 and pd.isna(special["Median"])   # too few for a box
    assert sorted(points.urn) == [9, 11, 12]                               # the outlier and the small group
    assert points.set_index("urn").loc[9, "outlier"] and not points.set_index("urn").loc[11, "outlier"]
    empty_stats, empty_points = analysis.box_stats(rows.iloc[0:0], "phase", "h")
    assert empty_stats.empty and empty_points.empty


def test_density_counts_every_row_once_in_round_cells():
    rows = pd.DataFrame({"send": [0, 9, 10, 250, 299], "hours": [0.5, 3.0, 3.1, 29.9, 9.75]})
    grid = analysis.density_counts(rows, "send", "hours")
    assert grid["counts"].sum() == 5 and grid["x"]["whole"] and not grid["y"]["whole"]
    assert grid["x"]["width"] == 10 and grid["x"]["start"] == 0 and grid["x"]["bins"] == 30
    assert grid["y"]["width"] == 1 and grid["y"]["bins"] == 30
    assert grid["counts"][0, 0] == 1 and grid["counts"][3, 0] == 1 and grid["counts"][3, 1] == 1
    assert grid["counts"][29, 25] == 1 and grid["counts"][9, 29] == 1
    assert analysis.density_counts(rows.iloc[0:0], "send", "hours")["counts"].sum() == 0
