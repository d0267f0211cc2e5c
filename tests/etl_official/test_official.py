"""Official open data loaders (etl/official.py): GIAS register, census counts in both
formats, Ofsted outcomes and the benchmarks file, as an LA analyst would see them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.official import census_year_from_name, load_benchmarks, load_official

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "official"


def load(kind: str, name: str, lake: Path, **kw):
    return load_official(kind, name, (FIXTURES / name).read_bytes(), lake, **kw)


def query(lake: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake)])
        con.execute("USE lake")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def school(lake: Path, urn: int) -> dict:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake)])
        cur = con.execute("SELECT * FROM lake.schools WHERE urn = ?", [urn])
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    assert len(rows) == 1, f"URN {urn} not in schools"
    return dict(zip(names, rows[0]))


def assert_loads_balance(lake: Path) -> None:
    for load_id, read, accepted, rejected, status in query(
            lake, "SELECT load_id, rows_read, accepted, rejected, status FROM loads"):
        assert read == accepted + rejected, load_id
        if status != "failed":
            kept = query(lake, "SELECT count(*) FROM rejects WHERE load_id = ?", [load_id])[0][0]
            assert kept == rejected, f"load {load_id}: {rejected} rejected but {kept} kept in rejects"


@pytest.fixture()
def lake(tmp_path) -> Path:
    return tmp_path / "senco.duckdb"


# ------------------------------------------------------------------ GIAS

def test_gias_register_in_windows_1252(lake):
    out = load("gias", "edubasealldata20261101.csv", lake)
    assert out.status == "loaded"
    assert (out.rows_read, out.accepted, out.rejected) == (9, 7, 2)
    assert out.rows_read == out.accepted + out.rejected
    middle = school(lake, 150100)
    assert middle["school_name"] == "Thérèse Middle School"          # é survives Windows-1252
    assert middle["phase"] == "middle"
    assert middle["la_name"] == "North Lincolnshire"
    assert middle["region"]                                           # from the bundled LA lookup
    assert middle["open_date"] == dt.date(2023, 9, 1)
    assert school(lake, 117725)["phase"] == "primary"
    assert school(lake, 118146)["phase"] == "special"                # 'Not applicable' + special group
    assert is_null(school(lake, 118146)["open_date"])                # 01-01-1900 placeholder = unknown
    assert school(lake, 141485)["phase"] == "alternative provision"
    assert school(lake, 150101)["phase"] == "16 plus"
    indep = school(lake, 134589)
    assert is_null(indep["phase"]) and indep["type_group"] == "Independent schools"
    closed = school(lake, 118021)
    assert closed["status"] == "Closed" and closed["close_date"] == dt.date(2021, 2, 28)


def is_null(v) -> bool:
    return v is None


def test_gias_untrustworthy_rows_are_rejected_with_reasons(lake):
    out = load("gias", "edubasealldata20261101.csv", lake)
    reasons = dict(query(lake, "SELECT row_number, reasons FROM rejects ORDER BY row_number"))
    assert "6-digit" in reasons[9] and "ABC123" in reasons[9]
    assert "OpenDate '32-13-2020' is not a date" in reasons[10]
    assert [line.strip().split(":")[0] for line in out.report_lines()[1:]] == ["row 9", "row 10"]
    assert query(lake, "SELECT count(*) FROM schools WHERE urn = 150102")[0][0] == 0
    assert_loads_balance(lake)


def test_names_list_fills_gaps_but_defers_to_the_register(lake):
    load("gias", "edubasealldata20261101.csv", lake)
    out = load("gias", "school_names_sample.csv", lake)
    assert (out.accepted, out.rejected) == (3, 1)
    assert school(lake, 117725)["school_name"] == "Alkborough Primary School"   # register wins
    darley = school(lake, 117704)
    assert darley["school_name"] == "The Darley Centre" and darley["town"] == "Scunthorpe"
    assert darley["close_date"] == dt.date(2021, 8, 31)                          # day-first
    assert is_null(darley["open_date"])
    assert school(lake, 145462)["open_date"] == dt.date(2018, 10, 17)
    assert_loads_balance(lake)


# ---------------------------------------------------------------- census

def test_performance_tables_census(lake):
    out = load("census", "census_2019_sample.csv", lake)
    assert out.status == "loaded"
    assert (out.rows_read, out.accepted, out.rejected) == (10, 8, 2)
    rows = {r[0]: r[1:] for r in query(lake, "SELECT urn, census_year, la_code, number_on_roll, sen_support, ehcp "
                                             "FROM census ORDER BY urn")}
    assert rows[117725] == ("2018/19", 813, 65, 8, 0)                # January 2019 census = 2018/19
    assert rows[141485] == ("2018/19", 813, None, None, None)        # 'NA' is not an error
    assert 117726 not in rows and 117727 not in rows                  # negative count, SEN above roll
    reasons = " | ".join(r[0] for r in query(lake, "SELECT reasons FROM rejects"))
    assert "negative" in reasons and "more than the 260 pupils on roll" in reasons
    assert query(lake, "SELECT count(*) FROM census WHERE urn IS NULL")[0][0] == 0
    assert_loads_balance(lake)


def test_census_national_rows_become_benchmarks(lake):
    load("census", "census_2019_sample.csv", lake)
    bm = {(b, p): (v, s, y) for b, p, v, s, y in query(
        lake, "SELECT benchmark_id, phase, value, source, year FROM benchmarks")}
    assert bm[("send_pct", "primary")][0] == pytest.approx(0.142)
    assert bm[("ehcp_pct", "secondary")][0] == pytest.approx(0.017)
    assert bm[("sen_support_pct", "special")][0] == pytest.approx(0.016)
    assert bm[("send_pct", "primary")][1:] == ("DfE school census (performance tables)", "2018/19")
    assert all(0 <= v <= 1 for v, _, _ in bm.values())
    assert len(bm) == 9


def test_census_adds_minimal_schools_without_overwriting_the_register(lake):
    load("gias", "edubasealldata20261101.csv", lake)
    load("census", "census_2019_sample.csv", lake)
    hugh = school(lake, 118146)
    assert hugh["school_type"] == "Community special school"         # GIAS value kept
    assert hugh["school_name"] == "St Hugh's Special School"
    gough = school(lake, 118097)                                       # only in the census
    assert (gough["la_code"], gough["phase"], gough["school_type"]) == (813, "secondary", "State-funded secondary")
    assert gough["la_name"] == "North Lincolnshire"
    indep = school(lake, 134315)
    assert is_null(indep["phase"]) and indep["type_group"] == "Independent schools"


def test_every_la_in_the_bundled_england_census_gets_a_name_and_region(lake):
    """England's January 2019 census, loaded as the national benchmark loads it: every school's
    LA has a name (the LA selector) and a region it shares with other LAs (the region comparison)."""
    census = ROOT / "data" / "open" / "census_2019_england.csv"
    rows = csv.DictReader(io.StringIO(census.read_text(encoding="utf-8-sig")))
    codes = {int(r["LA"]) for r in rows if r["LA"].strip().isdigit()}
    assert len(codes) > 150
    out = load_official("census", census.name, census.read_bytes(), lake)
    assert out.status == "loaded", out.report_lines()
    unnamed = query(lake, "SELECT la_code, count(*) FROM schools WHERE la_name IS NULL OR region IS NULL "
                          "GROUP BY 1 ORDER BY 1")
    assert unnamed == [], f"(LA code, schools) without an LA name or region: {unnamed}"
    las = query(lake, "SELECT la_code, count(DISTINCT la_name), count(DISTINCT region), any_value(la_name), "
                      "any_value(region) FROM schools GROUP BY 1")
    assert {code for code, *_ in las} == codes
    assert all(names == 1 and regions == 1 for _, names, regions, _, _ in las)
    names = [name for _, _, _, name, _ in las]
    assert len(set(names)) == len(names), "two LAs in one census share a name"
    regions = [region for *_, region in las]
    alone = sorted({r for r in regions if regions.count(r) == 1})
    assert alone == [], f"regions with a single LA, compared with nothing but itself: {alone}"


def test_census_year_from_file_name():
    assert census_year_from_name("census_2019_england.csv") == "2018/19"
    assert census_year_from_name("england_census_2023-24.csv") == "2023/24"
    assert census_year_from_name("england_census.csv") is None


def test_census_without_a_year_fails_clearly_unless_given(lake):
    out = load("census", "england_census.csv", lake)
    assert out.status == "failed"
    assert "census year" in out.message or "which January census" in out.message
    assert len(out.report_lines()) == 1
    assert query(lake, "SELECT count(*) FROM census")[0][0] == 0
    again = load("census", "england_census.csv", lake, census_year="2019")
    assert again.status == "loaded"                                   # a failed attempt does not block
    assert query(lake, "SELECT DISTINCT census_year FROM census")[0][0] == "2018/19"


def test_sen_in_england_school_level(lake):
    out = load("census", "sen_in_england_school_level_202425_sample.csv", lake)
    assert out.status == "loaded"
    assert (out.rows_read, out.accepted, out.rejected) == (5, 3, 2)
    rows = {r[0]: r[1:] for r in query(lake, "SELECT urn, census_year, number_on_roll, sen_support, ehcp FROM census")}
    assert rows[117725] == ("2024/25", 70, 9, 2)
    assert rows[118146] == ("2024/25", 180, None, 176)               # 'x' suppressed, not an error
    kirton = school(lake, 150867)
    assert (kirton["school_name"], kirton["phase"], kirton["la_code"]) == ("Kirton Academy", "secondary", 813)
    reasons = " | ".join(r[0] for r in query(lake, "SELECT reasons FROM rejects ORDER BY row_number"))
    assert "more than the 40 pupils on roll" in reasons and "URN" in reasons
    assert_loads_balance(lake)


def test_wrong_file_for_the_kind_fails_with_one_line(lake):
    out = load_official("census", "edubasealldata20261101.csv",
                        (FIXTURES / "edubasealldata20261101.csv").read_bytes(), lake)
    assert out.status == "failed" and "TSENELSE" in out.message
    assert out.report_lines() == [f"edubasealldata20261101.csv: not loaded: {out.message}"]
    assert query(lake, "SELECT status, rows_read FROM loads") == [("failed", 0)]


# ---------------------------------------------------------------- Ofsted

def test_ofsted_outcomes_latest_per_school(lake):
    out = load("ofsted", "ofsted_mi_sample.csv", lake)       # snake_case headers match too
    assert out.status == "loaded"
    assert (out.rows_read, out.accepted, out.rejected) == (6, 4, 2)
    rows = {r[0]: r[1:] for r in query(lake, "SELECT urn, inspection_date, overall_effectiveness, inclusion, "
                                             "attendance_behaviour, safeguarding FROM ofsted")}
    assert rows[117725] == (dt.date(2023, 3, 14), 2, None, None, None)
    assert rows[118097] == (dt.date(2025, 11, 18), None, "strong standard", "needs attention", "met")
    assert rows[118146][2] == "exceptional"
    reasons = " | ".join(r[0] for r in query(lake, "SELECT reasons FROM rejects"))
    assert "'31/02/2024' is not a date" in reasons
    assert "Inclusion 'Brilliant' is not one of" in reasons
    assert_loads_balance(lake)


def test_ofsted_older_file_does_not_replace_a_newer_inspection(lake, tmp_path):
    load("ofsted", "ofsted_mi_sample.csv", lake)
    older = tmp_path / "ofsted_old.csv"
    older.write_text("URN,Inspection start date,Latest OEIF overall effectiveness\n118097,05/02/2019,3\n117725,01/12/2023,1\n")
    out = load_official("ofsted", older.name, older.read_bytes(), lake)
    assert out.accepted == 2
    rows = dict(query(lake, "SELECT urn, inspection_date FROM ofsted"))
    assert rows[118097] == dt.date(2025, 11, 18)
    assert rows[117725] == dt.date(2023, 12, 1)


def test_ofsted_missing_columns_fail_naming_them(lake):
    out = load("ofsted", "ofsted_missing_columns.csv", lake)
    assert out.status == "failed"
    assert "Inspection start date" in out.message
    assert "Latest OEIF overall effectiveness" in out.message and "Inclusion" in out.message
    assert len(out.report_lines()) == 1
    assert query(lake, "SELECT count(*) FROM ofsted")[0][0] == 0
    assert query(lake, "SELECT kind, status FROM loads") == [("ofsted", "failed")]


def test_cli_reports_a_failed_ofsted_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "etl", "--lake", str(tmp_path / "l.duckdb"), "ofsted",
                           str(FIXTURES / "ofsted_missing_columns.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "not loaded" in proc.stdout and "Inspection start date" in proc.stdout


# --------------------------------------------------------- every file

@pytest.mark.parametrize("kind,name", [
    ("gias", "edubasealldata20261101.csv"), ("census", "census_2019_sample.csv"),
    ("census", "sen_in_england_school_level_202425_sample.csv"), ("ofsted", "ofsted_mi_sample.csv")])
def test_reloading_the_same_file_changes_nothing(lake, kind, name):
    first = load(kind, name, lake)
    assert first.status == "loaded"
    tables = ("schools", "census", "ofsted", "benchmarks", "rejects", "loads")
    before = {t: sorted(map(repr, query(lake, f"SELECT * FROM {t}"))) for t in tables}
    again = load(kind, name, lake)
    assert again.status == "unchanged" and again.load_id == first.load_id
    assert "already loaded" in again.report_lines()[0]
    assert {t: sorted(map(repr, query(lake, f"SELECT * FROM {t}"))) for t in tables} == before


def test_raw_file_is_kept_as_received(lake):
    out = load("gias", "edubasealldata20261101.csv", lake)
    raw = query(lake, "SELECT raw_path FROM loads WHERE load_id = ?", [out.load_id])[0][0]
    assert Path(raw).read_bytes() == (FIXTURES / "edubasealldata20261101.csv").read_bytes()


# ------------------------------------------------------------ benchmarks

def test_benchmarks_file_replaces_same_id_and_phase(lake, tmp_path):
    from lake.store import writing
    with writing(lake) as con:
        first = load_benchmarks(ROOT / "data" / "benchmarks.csv", con, lake)
    assert first.status == "loaded" and first.accepted == first.rows_read > 0
    newer = tmp_path / "benchmarks.csv"
    newer.write_text("benchmark_id,phase,value,unit,source,year,note\n"
                     "senco_on_slt,all,0.40,share of schools,Newer survey,2025,\n"
                     "admin_support,primary,lots,share of schools,Newer survey,2025,\n")
    with writing(lake) as con:
        second = load_benchmarks(newer, con, lake)
        again = load_benchmarks(newer, con, lake)
    assert (second.accepted, second.rejected) == (1, 1)
    assert again.status == "unchanged"
    slt = query(lake, "SELECT value, source, year FROM benchmarks WHERE benchmark_id = 'senco_on_slt'")
    assert slt == [(0.40, "Newer survey", "2025")]
    assert query(lake, "SELECT value FROM benchmarks WHERE benchmark_id = 'admin_support' AND phase = 'primary'") \
        == [(0.15,)]
    assert_loads_balance(lake)


def test_ofsted_workbook_with_a_title_row(lake, tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ofsted state-funded schools inspections and outcomes, management information"])
    ws.append([])
    ws.append(["URN", "School name", "Inspection start date", "Latest OEIF overall effectiveness", "Inclusion"])
    ws.append([117725, "Alkborough Primary School", dt.datetime(2023, 3, 14), 2, None])
    ws.append([117726, "Althorpe and Keadby Primary School", dt.datetime(2026, 1, 14), None, "Needs attention"])
    path = tmp_path / "ofsted_mi.xlsx"
    wb.save(path)
    out = load_official("ofsted", path.name, path.read_bytes(), lake)
    assert (out.status, out.accepted, out.rejected) == ("loaded", 2, 0)
    assert dict(query(lake, "SELECT urn, coalesce(inclusion, CAST(overall_effectiveness AS VARCHAR)) FROM ofsted")) \
        == {117725: "2", 117726: "needs attention"}


def test_unclosed_quote_fails_rather_than_losing_rows(lake, tmp_path):
    bad = tmp_path / "ofsted_bad_quote.csv"
    bad.write_text('URN,School name,Inspection start date,Inclusion\n'
                   '117725,"Alkborough Primary School,14/03/2026,Expected standard\n'
                   '117726,Althorpe and Keadby,10/02/2026,Expected standard\n')
    out = load_official("ofsted", bad.name, bad.read_bytes(), lake)
    assert out.status == "failed" and "never closed" in out.message
