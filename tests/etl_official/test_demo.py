"""The demo lake (etl/demo.py): real North Lincolnshire schools and census counts, clearly
labelled synthetic returns and Ofsted outcomes, built the same way every time."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.demo import build_demo
from etl.sources import load_official


def query(lake: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake)])
        con.execute("USE lake")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("demo") / "senco.duckdb"
    assert build_demo(lake, quiet=True) == 0
    return lake


def test_register_holds_north_lincolnshire_schools(demo):
    n = query(demo, "SELECT count(*) FROM schools WHERE la_code = 813")[0][0]
    assert 75 <= n <= 90
    assert query(demo, "SELECT count(*) FROM schools WHERE la_code = 813 AND school_name IS NULL")[0][0] == 0
    assert query(demo, "SELECT DISTINCT la_name FROM schools WHERE la_code = 813") == [("North Lincolnshire",)]
    # the real January 2019 census counts, e.g. Frederick Gough School
    assert query(demo, "SELECT number_on_roll, sen_support, ehcp FROM census WHERE urn = 118097") == [(1322, 185, 36)]


def test_three_years_of_returns_and_a_real_chase_list(demo):
    per_year = dict(query(demo, "SELECT academic_year, count(*) FROM returns GROUP BY 1"))
    assert sorted(per_year) == ["2024/25", "2025/26", "2026/27"]
    schools = query(demo, "SELECT count(*) FROM schools WHERE la_code = 813 AND close_date IS NULL "
                          "AND coalesce(type_group, '') <> 'Independent schools'")[0][0]
    assert per_year["2024/25"] == per_year["2025/26"] == schools
    assert 0.75 * schools <= per_year["2026/27"] < schools
    # returns only come from state-funded, open schools on the register
    assert query(demo, "SELECT count(*) FROM returns r LEFT JOIN schools s USING (urn) "
                       "WHERE s.urn IS NULL OR s.type_group = 'Independent schools' OR s.close_date IS NOT NULL")[0][0] == 0


def test_rejects_have_reasons_a_school_can_act_on(demo):
    rejects = query(demo, "SELECT academic_year, reasons FROM rejects")
    assert 24 <= len(rejects) <= 45
    text = " | ".join(r for _, r in rejects)
    for expected in ("more than the number on roll", "share of time", "URN is missing", "appears 2 times",
                     "is not a date", "below the minimum of 0"):
        assert expected in text
    assert all(reason.strip() for _, reason in rejects)


def test_every_load_balances(demo):
    for load_id, read, accepted, rejected, status in query(
            demo, "SELECT load_id, rows_read, accepted, rejected, status FROM loads"):
        assert status == "loaded", load_id
        assert read == accepted + rejected
        assert query(demo, "SELECT count(*) FROM rejects WHERE load_id = ?", [load_id])[0][0] == rejected
    kinds = {k for (k,) in query(demo, "SELECT DISTINCT kind FROM loads")}
    assert kinds == {"census", "gias", "ofsted", "returns", "benchmarks"}


def test_a_resubmission_replaced_an_earlier_return(demo):
    superseded = query(demo, "SELECT urn, academic_year FROM returns_history WHERE superseded_by_load IS NOT NULL")
    assert superseded
    assert query(demo, "SELECT count(*) FROM returns_history WHERE superseded_by_load IS NULL")[0][0] == \
        query(demo, "SELECT count(*) FROM returns")[0][0]


def test_benchmarks_include_national_send_from_the_census(demo):
    bm = {(b, p): (v, y) for b, p, v, y in query(demo, "SELECT benchmark_id, phase, value, year FROM benchmarks")}
    assert bm[("send_pct", "primary")] == (pytest.approx(0.142), "2018/19")
    assert ("send_pct", "secondary") in bm and ("send_pct", "special") in bm
    assert bm[("admin_support", "secondary")][0] == pytest.approx(0.49)
    assert ("recommended_senco_days", "all") in bm


def test_lake_says_what_is_real_and_what_is_synthetic(demo):
    info = dict(query(demo, "SELECT key, value FROM lake_info"))
    assert info["demo"] == "true"
    assert (info["la_code"], info["la_name"], info["current_year"]) == ("813", "North Lincolnshire", "2026/27")
    text = info["demo_description"]
    assert "Synthetic" in text and "SENCO return" in text and "Ofsted" in text
    assert "January 2019" in text and "Open Government Licence" in text


def test_ofsted_outcomes_span_both_frameworks(demo):
    """The synthetic file is in Ofsted's published report-card layout: report-card grades dated from
    10 November 2025, beside each school's latest OEIF judgement with its own, earlier date."""
    rows = query(demo, "SELECT overall_effectiveness, inclusion, inclusion_date, oeif_inspection_date, "
                       "overall_effectiveness_published, as_at FROM ofsted")
    assert len(rows) >= 60
    assert any(oe in (1, 2, 3, 4) for oe, *_ in rows)
    graded = [(inc, d, oeif) for _, inc, d, oeif, _, _ in rows if inc]
    assert graded and all(d.isoformat() >= "2025-11-10" for _, d, _ in graded)
    assert all(oeif is not None and oeif < d for _, d, oeif in graded)
    assert all(oe is None for oe, _, _, oeif, _, _ in rows if oeif and oeif.isoformat() >= "2024-09-01")
    assert {p for *_, p, _ in rows if p} <= {"1", "2", "3", "4", "Not judged"}
    assert {a for *_, a in rows} == {dt.date(2026, 11, 20)}
    assert {inc for inc, _, _ in graded} <= {"exceptional", "strong standard", "expected standard",
                                          "needs attention", "urgent improvement"}


def test_plausible_against_the_brief(demo):
    slt = query(demo, "SELECT avg(CASE WHEN senco_on_slt THEN 1.0 ELSE 0 END) FROM returns")[0][0]
    assert 0.2 <= slt <= 0.5
    admin = dict(query(demo, "SELECT s.phase, avg(CASE WHEN admin_support_hours_per_week > 0 THEN 1.0 ELSE 0 END) "
                             "FROM returns r JOIN schools s USING (urn) GROUP BY 1"))
    assert admin["secondary"] > admin["primary"] + 0.2
    lo, hi = query(demo, "SELECT min(senco_hours_per_week), max(senco_hours_per_week) FROM returns")[0]
    assert 1 <= lo <= 3 and 20 <= hi <= 33
    notes = query(demo, "SELECT count(*) FROM returns WHERE conversion_notes LIKE '%days%' "
                        "OR conversion_notes LIKE '%day a%' OR conversion_notes LIKE '%converted%'")[0][0]
    assert notes > 10                                     # '1.5 days' typed and converted
    flags = query(demo, """
        SELECT sum(CASE WHEN NOT senco_qualified_teacher THEN 1 ELSE 0 END),
               sum(CASE WHEN NOT sen_information_report_published THEN 1 ELSE 0 END),
               sum(CASE WHEN senco_shared_schools > 1 AND senco_other_roles LIKE '%headteacher%' THEN 1 ELSE 0 END),
               sum(CASE WHEN senco_qualification IN ('in progress', 'not started')
                         AND senco_appointed_date + INTERVAL 3 YEAR < DATE '2026-09-01' THEN 1 ELSE 0 END)
        FROM returns WHERE academic_year = '2025/26'""")[0]
    assert all(f >= 1 for f in flags), flags


def test_rebuilding_in_place_gives_identical_tables(demo, tmp_path):
    other = tmp_path / "senco.duckdb"
    assert build_demo(other, quiet=True) == 0
    reader = duckdb.connect(":memory:")             # an app holding the old lake open
    reader.execute("ATTACH ? AS lake (READ_ONLY)", [str(other)])
    loads = reader.execute("SELECT count(*) FROM lake.loads").fetchall()[0][0]
    assert build_demo(other, quiet=True) == 0       # rebuilt from scratch, not appended
    assert reader.execute("SELECT count(*) FROM lake.loads").fetchall()[0][0] == loads
    reader.close()
    assert query(other, "SELECT count(*) FROM loads")[0][0] == loads
    for table in ("returns", "returns_history", "rejects", "schools", "census", "ofsted", "school_links",
                  "benchmarks", "lake_info"):
        # Every lake gets its own random anonymisation key (lake.migrations): all else is the same.
        where = " WHERE key <> 'anon_key'" if table == "lake_info" else ""
        a = query(demo, f"SELECT * FROM {table}{where} ORDER BY ALL")
        b = query(other, f"SELECT * FROM {table}{where} ORDER BY ALL")
        assert a == b, table


def test_demo_never_replaces_a_real_lake(tmp_path, capsys):
    lake = tmp_path / "senco.duckdb"
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "official"
    name = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv"
    load_official("ofsted", name, (fixtures / name).read_bytes(), lake)
    before = lake.read_bytes()
    assert build_demo(lake, quiet=True) == 2
    assert "not a demo lake" in capsys.readouterr().err
    assert lake.read_bytes() == before
