"""Benchmarks like for like: each with its real source, year and what was counted; England's SEND
share computed from the census counts loaded, for the year in view or the nearest earlier one."""
import csv

import pytest

from lake.api import NATIONAL_MIN_LAS, Filters, LakeAPI
from lake.config import ROOT
from lake.measures import MEASURE_BY_ID
from lake.store import Reader, writing


def test_the_bundled_benchmarks_name_source_year_and_what_was_counted():
    rows = list(csv.DictReader((ROOT / "data" / "benchmarks.csv").open(encoding="utf-8")))
    assert rows and all(r["source"] and r["year"] and r["unit"] and r["note"] for r in rows)
    by_id = {(r["benchmark_id"], r["phase"]): r for r in rows}
    days = by_id[("recommended_senco_days", "all")]
    assert days["year"] == "2018" and "2018 National SENCO Workforce Survey" in days["source"]
    assert "recommended to DfE" in days["note"] and "nasen recommendation" not in days["source"]
    slt = by_id[("senco_on_slt", "all")]
    assert slt["unit"] == "share of SENCOs surveyed" and "not of schools" in slt["note"]
    # The 55% / 70% are SENCOs' own view of their time: compared with the return's own-view field only.
    assert MEASURE_BY_ID["time_not_enough"].benchmark_id == "not_enough_time"
    assert MEASURE_BY_ID["below_recommended"].benchmark_id is None
    assert {by_id[("not_enough_time", p)]["value"] for p in ("primary", "secondary")} == {"0.55", "0.70"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """Census counts for every school of 150 LAs in 2023/24 and 2024/25, and one LA's in 2025/26."""
    path = tmp_path_factory.mktemp("census") / "senco.duckdb"
    with writing(path) as con:
        # Primary: 100 on roll; secondary: 300 on roll and half the SEN support rate; 2 EHC plans each.
        con.execute("INSERT INTO schools (urn, la_code, phase, school_type, type_group, source) "
                    "SELECT 400000 + la * 2 + k, 800 + la, CASE k WHEN 0 THEN 'primary' ELSE 'secondary' END, "
                    "'Community school', 'x', 'test' FROM range($n) t(la), range(2) p(k)", {"n": NATIONAL_MIN_LAS + 10})
        con.execute("INSERT INTO census (urn, census_year, la_code, number_on_roll, sen_support, ehcp, source, load_id) "
                    "SELECT 400000 + la * 2 + k, y.year, 800 + la, "
                    "CASE k WHEN 0 THEN 100 ELSE 300 END, CASE k WHEN 0 THEN y.sen ELSE y.sen * 3 // 2 END, 2, "
                    "'test', NULL FROM range($n) t(la), range(2) p(k), "
                    "(VALUES ('2023/24', 10), ('2024/25', 12)) y(year, sen)", {"n": NATIONAL_MIN_LAS + 10})
        con.execute("INSERT INTO census (urn, census_year, la_code, number_on_roll, sen_support, ehcp, source) "
                    "VALUES (400000, '2025/26', 800, 100, 30, 2, 'test')")
        con.execute("INSERT INTO returns (urn, school_name, academic_year) VALUES (400000, 'A', '2025/26'), "
                    "(400000, 'A', '2024/25')")
    return LakeAPI(Reader(path=path))


def test_england_send_share_is_the_year_in_view(api):
    bm = api.benchmark(MEASURE_BY_ID["send_pct"], (), "2024/25")
    # (12 + 2) * 150 + (18 + 2) * 150 pupils over 400 * 150
    assert bm["value"] == pytest.approx(34 / 400) and bm["year"] == "2024/25"
    assert bm["label"] == ("England 8.5% – pupils with SEN (EHC plan or SEN support), January 2025 school census")
    assert "Special educational needs in England" in bm["source"]
    older = api.benchmark(MEASURE_BY_ID["send_pct"], (), "2023/24")
    assert older["value"] == pytest.approx(((10 + 2) + (15 + 2)) / 400) and older["year"] == "2023/24"


def test_a_year_without_an_england_census_falls_back_to_the_nearest_earlier_and_says_so(api):
    bm = api.benchmark(MEASURE_BY_ID["send_pct"], (), "2025/26")       # one LA only in 2025/26: not England
    assert bm["year"] == "2024/25"
    assert "January 2025 school census (the nearest earlier year loaded: no England census for 2025/26)" in bm["label"]


def test_england_share_like_for_like_by_phase(api):
    primary = api.benchmark(MEASURE_BY_ID["ehcp_pct"], ("primary",), "2024/25")
    assert primary["value"] == pytest.approx(2 / 100) and primary["label"].startswith("England primary 2.0%")
    assert api.school_year(Filters(year="2025/26")).shape[0] >= 1


def test_several_phases_are_compared_with_the_same_phases_in_england(api):
    both = api.benchmark(MEASURE_BY_ID["send_pct"], ("primary", "secondary"), "2024/25")
    assert both["value"] == pytest.approx(34 / 400) and both["label"].startswith("England primary, secondary 8.5%")
    secondary = api.benchmark(MEASURE_BY_ID["send_pct"], ("secondary",), "2024/25")
    assert secondary["value"] == pytest.approx(20 / 300)
