"""Official open data loaders (etl/sources): the GIAS register and its links file, census counts
(performance tables and every SEN in England layout), both Ofsted management information layouts
and the benchmarks file, loaded from fixtures on the published header lines, as an LA analyst
would see them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.sources import census_year_from_name, load_benchmarks, load_official
from lake.store import writing

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


GIAS = "edubasealldata20260110.csv"
LINKS = "links_edubasealldata20260110.csv"
AUG_2025 = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Aug_2025.csv"
JAN_2026 = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv"
SEN_2025 = "sen_school_level_underlying_data.csv"


def counts(out) -> tuple[int, int, int]:
    return out.rows_read, out.accepted, out.rejected


# ------------------------------------------------------------------ GIAS

def test_gias_register_as_published(lake):
    """The 2026 all-establishments download: 135 columns, Windows-1252, 01-01-1900 for 'not known'."""
    out = load("gias", GIAS, lake)
    assert out.status == "loaded"
    assert counts(out) == (13, 12, 1)
    hugh = school(lake, 118146)
    assert hugh["school_name"] == "St Hugh\u2019s Special School"       # Windows-1252 0x92 survives
    assert hugh["phase"] == "special" and hugh["open_date"] is None      # 01-01-1900 placeholder = unknown
    assert hugh["region"] == "Yorkshire and the Humber"
    huntcliff = school(lake, 137832)
    assert (huntcliff["status"], huntcliff["close_date"]) == ("Closed", dt.date(2023, 12, 31))
    assert school(lake, 150867)["open_date"] == dt.date(2024, 1, 1)
    assert school(lake, 153999)["status"] == "Proposed to open"
    assert school(lake, 401234)["type_group"] == "Welsh schools"
    reasons = dict(query(lake, "SELECT row_number, reasons FROM rejects"))
    assert reasons == {13: "OpenDate '31-02-2027' is not a date (expected DD/MM/YYYY)"}
    assert_loads_balance(lake)


def test_gias_links_file(lake):
    out = load("gias", LINKS, lake)
    assert counts(out) == (3, 2, 1)
    assert sorted(query(lake, "SELECT urn, link_urn, link_type, link_established_date FROM school_links")) == [
        (137832, 150867, "Successor", dt.date(2024, 1, 1)), (150867, 137832, "Predecessor", dt.date(2024, 1, 1))]
    assert query(lake, "SELECT reasons FROM rejects") == [("LinkURN is missing",)]
    assert query(lake, "SELECT count(*) FROM schools")[0][0] == 0        # links name no school of their own
    assert_loads_balance(lake)


def test_names_list_fills_gaps_but_defers_to_the_register(lake):
    load("gias", GIAS, lake)
    out = load("gias", "school_names_sample.csv", lake)
    assert (out.accepted, out.rejected) == (3, 1)
    assert school(lake, 117725)["school_name"] == "Alkborough Primary School"   # register wins
    darley = school(lake, 117704)
    assert darley["school_name"] == "The Darley Centre" and darley["town"] == "Scunthorpe"
    assert darley["close_date"] == dt.date(2021, 8, 31)                          # day-first
    assert darley["open_date"] is None
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
    load("gias", GIAS, lake)
    load("census", "census_2019_sample.csv", lake)
    hugh = school(lake, 118146)
    assert hugh["school_type"] == "Community special school"         # GIAS value kept
    assert hugh["school_name"] == "St Hugh\u2019s Special School"
    coritani = school(lake, 141485)                                    # only in the census
    assert (coritani["la_code"], coritani["phase"], coritani["school_type"]) == \
        (813, "alternative provision", "Pupil referral unit")
    assert coritani["la_name"] == "North Lincolnshire"
    assert school(lake, 118097)["school_type"] == "Community school"     # the register's, not the census's
    indep = school(lake, 134315)
    assert indep["phase"] is None and indep["type_group"] == "Independent schools"


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


@pytest.mark.parametrize("name,year,read,accepted,roll,support,plans", [
    (SEN_2025, "2024/25", 4, 3, 70, 9, 2),                 # 2019/20 on: time_period, EHC plan
    ("SEN_2019_Underlying_Data.csv", "2018/19", 5, 5, 65, 8, 0),   # Statement / EHC plan, year from the name
    ("SFR25_2015_UD.csv", "2014/15", 2, 2, 60, 7, 1),      # Total Pupils, Statement/ EHC plan
    ("SFR26_2014_UD.csv", "2013/14", 2, 2, 60, 9, 1),      # before SEN support: No_Statement, Statement
])
def test_sen_in_england_every_layout(lake, name, year, read, accepted, roll, support, plans):
    out = load("census", name, lake)
    assert out.status == "loaded", out.message
    assert counts(out) == (read, accepted, read - accepted)
    row = query(lake, "SELECT census_year, number_on_roll, sen_support, ehcp, source FROM census WHERE urn = 117725")
    assert row == [(year, roll, support, plans, "DfE Special educational needs in England (school level)")]
    assert_loads_balance(lake)


def test_sen_in_england_keeps_primary_need_and_resourced_provision(lake):
    out = load("census", SEN_2025, lake)
    assert counts(out) == (4, 3, 1)
    rows = {r[0]: r[1:] for r in query(lake, "SELECT urn, number_on_roll, sen_support, ehcp, sen_unit, rp_unit, "
                                             "primary_need FROM census")}
    assert rows[118146][:3] == (180, None, 176)                        # 'x' suppressed, not an error
    assert rows[150867][3:5] == (0, 1)                                  # RP_Unit as published
    needs = json.loads(rows[117725][5])
    assert needs == {"EHC_asd": 1, "EHC_slcn": 1, "SUP_asd": 2, "SUP_slcn": 3, "SUP_semh": 4}
    assert "EHC_asd" not in json.loads(rows[118146][5])                 # 'c' suppressed
    assert query(lake, "SELECT reasons FROM rejects") == [
        ("pupils with SEN (SEN support 1200 + EHC plans 200) are more than the 1322 pupils on roll",)]
    kirton = school(lake, 150867)
    assert (kirton["school_name"], kirton["phase"], kirton["la_code"]) == ("Kirton Academy", "secondary", 813)


def test_old_sen_file_without_a_year_in_its_name_needs_one(lake, tmp_path):
    data = (FIXTURES / "SEN_2019_Underlying_Data.csv").read_bytes()
    out = load_official("census", "underlying_data.csv", data, lake)
    assert out.status == "failed" and "which January census" in out.message
    again = load_official("census", "underlying_data.csv", data, lake, census_year="2018/19")
    assert counts(again) == (5, 5, 0)


def test_wrong_file_for_the_kind_fails_with_one_line(lake):
    out = load_official("census", GIAS,
                        (FIXTURES / GIAS).read_bytes(), lake)
    assert out.status == "failed" and "TSENELSE" in out.message
    assert out.report_lines() == [f"{GIAS}: not loaded: {out.message}"]
    assert query(lake, "SELECT status, rows_read FROM loads") == [("failed", 0)]


# ---------------------------------------------------------------- Ofsted

def ofsted(lake: Path) -> dict[int, dict]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake)])
        cur = con.execute("SELECT * FROM lake.ofsted")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()


def test_ofsted_oeif_layout_as_at_august_2025(lake):
    """Every row loads: 'Personal development' (1-4) is an OEIF judgement, not the report card's area."""
    out = load("ofsted", AUG_2025, lake)
    assert counts(out) == (4, 4, 0)
    assert "as at 31 August 2025" in out.message
    rows = ofsted(lake)
    alk = rows[117725]
    assert (alk["overall_effectiveness"], alk["oeif_inspection_date"], alk["oeif_personal_development"]) == \
        (2, dt.date(2023, 3, 14), 1)
    assert alk["personal_development"] is None and alk["inclusion"] is None
    assert alk["as_at"] == dt.date(2025, 8, 31)
    gough = rows[118097]                     # graded from September 2024: overall 'Not judged', sub-judgements kept
    assert (gough["overall_effectiveness"], gough["overall_effectiveness_published"]) == (None, "Not judged")
    assert (gough["quality_of_education"], gough["leadership_management"]) == (3, 3)
    hugh = rows[118146]
    assert (hugh["ungraded_inspection_date"], hugh["ungraded_outcome"]) == \
        (dt.date(2022, 11, 9), "School remains Outstanding")
    kirton = rows[150867]                    # never inspected: loads with nothing
    assert all(kirton[c] is None
               for c in ("inspection_date", "overall_effectiveness", "inclusion", "oeif_inspection_date"))
    assert_loads_balance(lake)


def test_ofsted_report_card_layout_as_at_january_2026(lake):
    out = load("ofsted", JAN_2026, lake)
    assert counts(out) == (5, 4, 1)
    rows = ofsted(lake)
    alk = rows[117725]                       # OEIF only: no report card yet, the 2023 grade with its 2023 date
    assert (alk["overall_effectiveness"], alk["oeif_inspection_date"], alk["inclusion"]) == \
        (2, dt.date(2023, 3, 14), None)
    gough = rows[118097]                     # both: the report card and the earlier OEIF inspection, each dated
    assert (gough["inclusion"], gough["inclusion_date"]) == ("expected standard", dt.date(2025, 11, 18))
    assert (gough["personal_development"], gough["oeif_personal_development"]) == ("strong standard", 2)
    assert (gough["safeguarding"], gough["safeguarding_effective"]) == ("met", "yes")
    assert gough["early_years"] is None      # 'Not applicable'
    assert (gough["overall_effectiveness_published"], gough["oeif_inspection_date"]) == \
        ("Not judged", dt.date(2024, 10, 8))
    assert gough["inspection_date"] == dt.date(2025, 11, 18)
    assert rows[150867]["overall_effectiveness"] is None and rows[150867]["as_at"] == dt.date(2026, 1, 31)
    assert query(lake, "SELECT urn, reasons FROM rejects") == [
        ("137453", "Inclusion 'Secure' is not one of: exceptional, expected standard, needs attention, "
                   "strong standard, urgent improvement")]
    assert_loads_balance(lake)


def test_an_older_ofsted_file_loaded_later_changes_nothing(lake):
    load("ofsted", JAN_2026, lake)
    load("ofsted", AUG_2025, lake)
    gough = ofsted(lake)[118097]
    assert (gough["as_at"], gough["inclusion"]) == (dt.date(2026, 1, 31), "expected standard")


def test_ofsted_as_at_given_when_the_name_has_lost_it(lake):
    data = (FIXTURES / JAN_2026).read_bytes()
    out = load_official("ofsted", "ofsted.csv", data, lake, as_at=dt.date(2026, 1, 31))
    assert "as at 31 January 2026" in out.message
    assert {r["as_at"] for r in ofsted(lake).values()} == {dt.date(2026, 1, 31)}


def test_ofsted_missing_columns_fail_naming_them(lake):
    out = load("ofsted", "ofsted_missing_columns.csv", lake)
    assert out.status == "failed"
    assert "Latest OEIF overall effectiveness" in out.message and "Inclusion" in out.message
    assert len(out.report_lines()) == 1
    assert query(lake, "SELECT count(*) FROM ofsted")[0][0] == 0
    assert query(lake, "SELECT kind, status FROM loads") == [("ofsted", "failed")]


def test_cli_loads_an_ofsted_file_and_says_as_at_when(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "etl", "--lake", str(tmp_path / "l.duckdb"), "ofsted",
                           str(FIXTURES / JAN_2026)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1                                         # one row rejected
    assert "5 rows read, 4 accepted, 1 rejected" in proc.stdout and "as at 31 January 2026" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "etl", "--lake", str(tmp_path / "l.duckdb"), "ofsted",
                          str(FIXTURES / "ofsted_missing_columns.csv")], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and "not loaded" in bad.stdout and "Inclusion" in bad.stdout


# --------------------------------------------------------- every file

@pytest.mark.parametrize("kind,name", [
    ("gias", GIAS), ("gias", LINKS), ("census", "census_2019_sample.csv"), ("census", SEN_2025),
    ("ofsted", AUG_2025), ("ofsted", JAN_2026)])
def test_reloading_the_same_file_changes_nothing(lake, kind, name):
    first = load(kind, name, lake)
    assert first.status == "loaded"
    tables = ("schools", "census", "ofsted", "school_links", "benchmarks", "rejects", "loads")
    before = {t: sorted(map(repr, query(lake, f"SELECT * FROM {t}"))) for t in tables}
    again = load(kind, name, lake)
    assert again.status == "unchanged" and again.load_id == first.load_id
    assert "already loaded" in again.report_lines()[0]
    assert {t: sorted(map(repr, query(lake, f"SELECT * FROM {t}"))) for t in tables} == before


def test_raw_file_is_kept_as_received(lake):
    out = load("gias", GIAS, lake)
    raw = query(lake, "SELECT raw_path FROM loads WHERE load_id = ?", [out.load_id])[0][0]
    assert Path(raw).read_bytes() == (FIXTURES / GIAS).read_bytes()


# ------------------------------------------------------------ benchmarks

def test_benchmarks_file_replaces_same_id_and_phase(lake, tmp_path):
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


@pytest.mark.parametrize("kind", ["gias", "census", "ofsted"])
def test_an_official_workbook_bomb_fails_its_file_with_one_line(lake, kind):
    """A 5 KB workbook whose one cell sits at XFD1048576 asks a spreadsheet reader for the whole
    sheet grid: the official loaders check it inside its zip first, as the return reader does."""
    bomb = (Path(__file__).resolve().parents[1] / "corpus" / "files" / "41_one_cell_at_xfd1048576.xlsx").read_bytes()
    out = load_official(kind, "edubasealldata20261101.xlsx", bomb, lake)
    assert out.status == "failed" and "too big" in out.message and "\n" not in out.message
    assert counts(out) == (0, 0, 0)
