"""Measures over the years (lake.trends) and what changed since a date (lake.since), read through
LakeAPI from hand-checkable lakes and a demo lake with a load history spread over the years."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from etl.load import load_returns
from lake import since, trends
from lake.api import Filters, LakeAPI
from lake.measures import MEASURE_BY_ID
from lake.store import Reader, writing
from tests.lake.history_lake import make_history_lake
from tests.lake.small_lake import HEADER, build

OTHER_LA = HEADER + (
    "200001,Gorse Primary,2025/26,primary,300,30,5,10,5,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,yes,,not judged\n"
    "200002,Heather Primary,2025/26,primary,300,30,5,20,5,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,yes,,not judged\n"
)


@pytest.fixture()
def two_las(tmp_path) -> LakeAPI:
    """The small lake (Testshire, LA 900: three returns in 2024/25, four in 2025/26) and a second
    LA in the same region with two returns in 2025/26 only."""
    path = build(tmp_path / "senco.duckdb")
    with writing(path) as con:
        con.execute("UPDATE schools SET region = 'East of England'")
        for urn, name in ((200001, "Gorse Primary"), (200002, "Heather Primary")):
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, region, phase, school_type, "
                        "type_group, source) VALUES (?, ?, 901, 'Otherborough', 'East of England', 'primary', "
                        "'Community school', 'Local authority maintained schools', 'test')", [urn, name])
    load_returns([("other.csv", OTHER_LA.encode())], path, today=dt.date(2026, 1, 10))
    return LakeAPI(Reader(path=path))


def by_area(table: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    return {(r.year, r.area): r.value for r in table.itertuples()}


def test_a_trend_sets_the_chosen_la_beside_its_region_and_every_school_each_year(two_las):
    table = two_las.trend("median_senco_hours", Filters(la=(900,)))
    values = by_area(table)
    # Testshire: 6.5, 3, 30 in 2024/25; 9.75, 3, 30, 2 in 2025/26.
    assert values[("2024/25", "Testshire")] == 6.5
    assert values[("2025/26", "Testshire")] == pytest.approx(6.375)
    # The region adds Otherborough's 10 and 20 in 2025/26: 2, 3, 9.75, 10, 20, 30.
    assert values[("2025/26", "East of England")] == pytest.approx(9.875)
    assert values[("2024/25", "East of England")] == 6.5
    assert set(table.level) == {"LA", "Region", "England"}
    assert list(table.year.drop_duplicates()) == ["2024/25", "2025/26"]          # oldest first


def test_a_trend_matches_each_years_headline_figure(two_las):
    for mid in ("return_rate", "below_recommended", "slt_rate", "median_hours_per_10_send"):
        table = two_las.trend(mid, Filters(la=(900,), phase=("primary",)))
        for r in table[table.level == "LA"].itertuples():
            value, _, n = two_las.measure_value(mid, Filters(year=r.year, la=(900,), phase=("primary",)))
            assert (r.value, r.n) == (value, n), (mid, r.year)
            assert r.formatted == MEASURE_BY_ID[mid].format(value)


def test_with_one_la_a_trend_is_one_line_named_after_it(lake_api):
    table = lake_api.trend("return_rate", Filters(phase=("secondary",)))
    assert set(table.area) == {"North Lincolnshire"}
    assert list(table.year) == sorted(lake_api.years())
    for r in table.itertuples():
        assert r.value == lake_api.measure_value("return_rate", Filters(year=r.year, phase=("secondary",)))[0]


def test_anonymised_trends_withhold_figures_from_fewer_than_five_schools(two_las):
    m = MEASURE_BY_ID["median_senco_hours"]
    table = trends.suppress(two_las.trend(m.id, Filters(la=(900,))), m, 5)
    shown = {(r.year, r.area): r.formatted for r in table.itertuples()}
    assert shown[("2024/25", "Testshire")] == "fewer than 5 schools"        # 3 returns
    assert shown[("2025/26", "East of England")] == "9.9 h"                 # 6 returns
    assert table[table.formatted == "fewer than 5 schools"].value.isna().all()
    counts = MEASURE_BY_ID["returns_received"]
    small = trends.suppress(two_las.trend(counts.id, Filters(la=(901,))), counts, 5)
    assert "2" not in set(small.formatted)                                  # a count of 2 is never shown
    assert trends.suppress(two_las.trend(m.id, Filters(la=(900,))), m, 0).equals(two_las.trend(m.id, Filters(la=(900,))))


def test_the_table_alternative_holds_every_year_and_area_with_its_n(two_las):
    wide = trends.wide(two_las.trend("median_senco_hours", Filters(la=(900,))))
    assert list(wide.columns) == ["Academic year", "Testshire", "East of England (Region)", "All LAs in this lake"]
    assert wide.set_index("Academic year").loc["2025/26", "Testshire"] == "6.4 h (n = 4)"


def test_change_is_said_in_words_from_the_first_year_to_the_last(two_las):
    m = MEASURE_BY_ID["median_senco_hours"]
    words = trends.change_words(two_las.trend(m.id, Filters(la=(900,))), m)
    assert "Testshire: 6.5 h in 2024/25, 6.4 h in 2025/26 (-0.1)." in words
    one = pd.DataFrame([{"year": "2025/26", "level": "LA", "area": "X", "value": None, "n": 0, "formatted": "–"}])
    assert trends.change_words(one, m) == ["X: no figure to show."]


def test_a_benchmark_is_plotted_only_in_its_own_year():
    years = ["2024/25", "2025/26"]
    assert trends.benchmark_point({"value": 0.34, "year": "2020"}, years) is None
    assert trends.benchmark_point({"value": 0.142, "year": "2025/26"}, years) == {"year": "2025/26", "value": 0.142}
    assert trends.benchmark_point({"value": None, "year": "2025/26"}, years) is None


def test_every_measure_by_year_matches_the_headline_figures(lake_api):
    table = trends.all_measures_by_year(lake_api, Filters())
    assert len(table) == len(MEASURE_BY_ID)
    for year in lake_api.years():
        for mid in ("returns_received", "median_senco_hours", "any_flag"):
            m = MEASURE_BY_ID[mid]
            assert table.set_index("Measure").loc[m.name, year] == m.format(lake_api.measure_value(mid, Filters(year=year))[0])


# ------------------------------------------------------------------ since
@pytest.fixture(scope="module")
def history(demo_lake, tmp_path_factory):
    return make_history_lake(demo_lake, tmp_path_factory.mktemp("history"))


@pytest.fixture()
def api(history) -> LakeAPI:
    return LakeAPI(Reader(path=history.lake))


def test_parse_since_takes_iso_dates_up_to_today():
    today = dt.date(2026, 11, 30)
    assert since.parse_since("2026-10-01", today) == dt.date(2026, 10, 1)
    assert since.parse_since("2026-11-30", today) == today
    for bad in ("2026-12-01", "01/10/2026", "yesterday", "", None, "2026-02-30"):
        assert since.parse_since(bad, today) is None, bad


def test_the_lake_as_it_stood_on_a_date(api, history):
    year = history.year
    before_main = (history.main[year] - dt.timedelta(days=1)).date()
    assert not api.school_year_as_of(year, before_main).has_return.any()
    after_main = (history.main[year] + dt.timedelta(days=1)).date()
    then = api.school_year_as_of(year, after_main).set_index("urn")
    now = api.school_year(Filters(year=year)).set_index("urn")
    # The resubmitted school: its first return then, its resubmission now.
    assert not bool(then.loc[history.urn, "below_recommended"])
    assert bool(now.loc[history.urn, "below_recommended"])
    assert bool(then.loc[history.urn, "flag_no_sen_report"]) and not bool(now.loc[history.urn, "flag_no_sen_report"])
    # Returns first loaded with the corrections, three weeks after the main collection, were not there yet.
    corrections = api._df("SELECT DISTINCT h.urn FROM returns_history h JOIN loads l USING (load_id) "
                          "WHERE l.file_name = 'senco_returns_2026-27_corrections.csv'").urn.tolist()
    assert corrections and not then.loc[corrections, "has_return"].any()


def test_since_today_lists_the_resubmission_and_what_it_crossed(api, history):
    today = dt.date.today()
    found = api.changes_since(Filters(), today)
    received = found["received"]
    assert received[["urn", "academic_year", "kind", "status"]].values.tolist() == [
        [history.urn, history.year, "Resubmission", "Current"]]
    crossed = found["crossings"]
    got = {(r.measure_id, r.direction) for r in crossed.itertuples()}
    assert got == {("below_recommended", since.RAISED), ("flag_not_qt", since.RAISED),
                   ("flag_no_report", since.CLEARED)}
    assert set(crossed.before_basis) == {f"as held on {today:%-d %B %Y}"}
    assert set(crossed.before_year) == {history.year} and set(crossed.urn) == {history.urn}
    row = crossed[crossed.measure_id == "below_recommended"].iloc[0]
    assert row.after_hours == 6.5 and row.before_hours >= 9.75
    counts = since.crossing_counts(crossed).set_index("measure_id")
    assert counts.loc["below_recommended", since.RAISED] == 1 and counts.loc["flag_shared_head"].tolist()[1:] == [0, 0]


def test_since_before_the_corrections_lists_them_as_new_and_the_corrected_form_as_resubmitted(api, history):
    year = history.year
    day = (history.corrections[year] - dt.timedelta(days=1)).date()
    received = api.changes_since(Filters(), day)["received"]
    files = dict(zip(received.file_name, received.kind))
    assert files["senco_returns_2026-27_corrections.csv"] == "New return"
    assert files["SENCO_return_117725_2026-27_corrected.xlsx"] == "Resubmission"
    assert (received.loaded_at >= pd.Timestamp(day)).all()
    assert not (received.file_name == "senco_returns_2026-27_online_form_export.csv").any()


def test_a_school_with_no_return_on_the_date_is_compared_with_its_previous_return(api, history):
    """Since before the newest year's collection, each school's newest return is compared with what
    the lake held then (last year's); since before any return, with its previous return."""
    year = history.year
    before_main = (history.main[year] - dt.timedelta(days=1)).date()
    crossed = api.changes_since(Filters(), before_main)["crossings"]
    assert set(crossed.before_basis) == {f"as held on {before_main:%-d %B %Y}"}
    frames = {y: api.school_year(Filters(year=y)) for y in api.years()}
    prev = sorted(frames)[-2]
    for r in crossed[crossed.after_year == year].itertuples():
        col = MEASURE_BY_ID[r.measure_id].column
        now_value = frames[year].set_index("urn").loc[r.urn, col]
        then_value = frames[prev].set_index("urn").loc[r.urn, col]
        assert (bool(now_value), bool(then_value)) == ((True, False) if r.direction == since.RAISED else (False, True))
    first = (min(history.main.values()) - dt.timedelta(days=1)).date()
    crossed = api.changes_since(Filters(), first)["crossings"]
    assert set(crossed.before_basis) == {"previous return"}


def test_changes_keep_to_the_schools_in_the_filter(api, history):
    today = dt.date.today()
    phase = api.school_year(Filters()).set_index("urn").loc[history.urn, "phase"]
    other = next(p for p in api.options("phase") if p != phase)
    assert api.changes_since(Filters(phase=(other,)), today)["received"].empty
    assert len(api.changes_since(Filters(phase=(phase,)), today)["received"]) == 1


def test_new_ofsted_outcomes_are_inspections_on_or_after_the_date(api, history):
    con = duckdb.connect(str(history.lake), read_only=True)
    dates = dict(con.execute("SELECT urn, inspection_date FROM ofsted").fetchall())
    con.close()
    day = sorted(d for d in dates.values() if d)[-5]
    found = api.changes_since(Filters(), day)["ofsted"]
    assert sorted(found.urn) == sorted(u for u, d in dates.items() if d and d >= day)
    assert found.inspection_date.is_monotonic_decreasing


def test_pairs_skip_first_returns_and_schools_whose_newest_return_came_before():
    def frame(rows):
        flags = [MEASURE_BY_ID[m].column for m in since.WATCHED[1:]]
        return pd.DataFrame([r[:5] + [r[5]] + [r[6]] * (len(flags) - 1) + [r[7]] for r in rows],
                            columns=["urn", "school_name", "has_return", "load_id", "below_recommended", *flags,
                                     "senco_hours_per_week"])
    # urn, name, has_return, load_id, below_recommended, first flag, every other flag, hours
    now = {"2024/25": frame([[1, "A", True, 1, False, False, False, 10.0],
                             [2, "B", True, 1, False, False, False, 10.0]]),
           "2025/26": frame([[1, "A", True, 5, True, None, False, 3.0],
                             [3, "C", True, 5, True, False, False, 3.0]])}
    then = {"2024/25": frame([]), "2025/26": frame([])}
    subs = pd.DataFrame({"urn": [1, 2, 3], "academic_year": ["2025/26", "2024/25", "2025/26"], "load_id": [5, 9, 5]})
    # B's arrival (load 9) is not its newest return's load; C has nothing to compare with.
    p = since.pairs(subs, now, then, dt.date(2026, 1, 1))
    assert p.urn.tolist() == [1] and p.before_basis.tolist() == ["previous return"]
    crossed = since.crossings(p)
    assert crossed.measure_id.tolist() == ["below_recommended"]           # a blank answer is no crossing
    assert crossed.change.tolist() == ["Moved below the recommended time"]


def test_default_since_is_four_weeks_back():
    assert since.default_since(dt.date(2026, 11, 30)) == dt.date(2026, 11, 2)
