"""Trends page and the school profile's year-by-year lines, run headless against the demo lake
(the file, or its Parquet export); every figure checked against the lake's own answers."""
from __future__ import annotations

import json

from lake.api import Filters
from lake.measures import MEASURE_BY_ID, MEASURES
from tests.pages.apptest import page_text, plotly_values, run_page


def charts(at) -> dict[str, dict]:
    """Each chart on the page as its Plotly figure, by title."""
    out = {}
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        out[fig["layout"]["title"]["text"]] = fig
    return out


def trace(fig: dict, name: str) -> list:
    found = [t for t in fig["data"] if t.get("name") == name]
    assert found, f"no line {name!r}: {[t.get('name') for t in fig['data']]}"
    return plotly_values(found[0]["y"])


def summary_table(at):
    for df in at.dataframe:
        if list(df.value.columns[:1]) == ["Measure"]:
            return df.value.set_index("Measure")
    raise AssertionError("no 'Every measure by year' table")


def test_each_measure_is_drawn_for_every_year_with_the_figures_the_cards_show(demo_lake, lake_api):
    at = run_page("trends")
    assert at.title[0].value == "Trends"
    years = sorted(lake_api.years())
    drawn = charts(at)
    for m in MEASURES:
        if m.group != "Overview":
            continue
        line = trace(drawn[m.name], "North Lincolnshire")
        expected = [lake_api.measure_value(m.id, Filters(year=y))[0] for y in years]
        assert line == expected, m.id
        assert drawn[m.name]["data"][0]["x"] == years
    table = summary_table(at)
    assert list(table.columns) == years
    for m in MEASURES:
        for y in years:
            assert table.loc[m.name, y] == m.format(lake_api.measure_value(m.id, Filters(year=y))[0]), (m.id, y)


def test_a_shared_link_opens_its_group_and_filters_with_benchmarks_only_in_their_year(demo_lake, lake_api):
    at = run_page("trends", group="SENCO time", phase="primary")
    assert at.radio(key="group").value == "SENCO time"
    assert [s.value for s in at.subheader] == [m.name for m in MEASURES if m.group == "SENCO time"]
    drawn = charts(at)
    years = sorted(lake_api.years())
    below = MEASURE_BY_ID["below_recommended"]
    assert trace(drawn[below.name], "North Lincolnshire") == [
        lake_api.measure_value(below.id, Filters(year=y, phase=("primary",)))[0] for y in years]
    # The survey's 2020 figure is named with its source, but not drawn against other years.
    text = page_text(at)
    for m in MEASURES:
        bm = lake_api.benchmark(m, ("primary",)) if m.group == "SENCO time" else None
        if bm and bm["value"] is not None and m.benchmark_id != "recommended_senco_hours":
            assert f"{bm['source']}, {bm['year']}). Not plotted: its year" in text, m.id
    assert not any("benchmark" in (t.get("name") or "") for t in drawn[below.name]["data"])
    # The recommended time is a standing recommendation: a line across every year.
    hours = drawn[MEASURE_BY_ID["median_senco_hours"].name]["layout"]
    assert [s["y0"] for s in hours["shapes"]] == [9.75]
    share = next(link.value for link in at.code)
    assert "group=SENCO+time" in share and "phase=primary" in share


def test_anonymised_trends_withhold_figures_from_fewer_than_five_schools(demo_lake, lake_api):
    frame = lake_api.school_year(Filters())
    small_phase = next(p for p, n in frame.phase.value_counts().items() if 0 < n < 5)
    at = run_page("trends", anon="true", phase=small_phase)
    table = summary_table(at)
    assert set(table.loc["Median SENCO hours a week"]) == {"fewer than 5 schools"}
    assert set(table.loc["Schools in scope"]) == {"fewer than 5 schools"}
    for fig in charts(at).values():
        assert all(v is None for t in fig["data"] for v in plotly_values(t["y"])), fig["layout"]["title"]
    text = page_text(at)
    names = lake_api._df("SELECT school_name FROM schools")["school_name"].dropna()
    assert not [n for n in names if n in text]
    # The same view named shows the figures.
    named = summary_table(run_page("trends", phase=small_phase))
    assert "fewer than 5 schools" not in set(named.loc["Median SENCO hours a week"])


def test_unknown_group_and_empty_filters_say_so(demo_lake):
    at = run_page("trends", group="<b>bogus</b>")
    assert any("'group'" in w.value and "not recognised" in w.value for w in at.warning)
    assert at.radio(key="group").value == "Overview"
    empty = run_page("trends", phase="special", size="1,000 or more")
    assert any("No schools match" in i.value for i in empty.info)
    assert not empty.get("plotly_chart")


def test_the_school_profile_draws_its_own_lines_beside_the_la_median(demo_lake, lake_api):
    urn = int(lake_api._df("SELECT urn FROM returns GROUP BY urn HAVING count(*) = 3 ORDER BY urn LIMIT 1").urn[0])
    at = run_page("schools", school=str(urn))
    drawn = charts(at)
    fig = drawn["SENCO hours a week, year by year"]
    years = sorted(lake_api.years())
    history = lake_api.school_history(urn).set_index("academic_year")
    assert trace(fig, "This school") == [float(history.loc[y, "senco_hours_per_week"]) for y in years]
    assert trace(fig, "LA median (North Lincolnshire)") == [
        lake_api.measure_value("median_senco_hours", Filters(year=y, la=(813,)))[0] for y in years]
    assert "SENCO hours per 10 SEND pupils, year by year" in drawn
