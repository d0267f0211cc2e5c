"""The national benchmark generator (bench/national.py), on two LAs to stay fast: it is
deterministic, a school's data does not depend on which other schools are generated, and
its files load through the real loaders with every row accounted for. The multi-LA lake
it builds also exercises the LA selector and the LA / region / England comparison."""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from bench import national
from lake.api import Filters, LakeAPI
from lake.store import Reader
from ui.context import _api

LAS = {813, 812}          # North Lincolnshire, North East Lincolnshire (same region)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("national-subset")
    summary = national.build(folder, las=LAS, quiet=True)
    return {"folder": folder, "summary": summary, "lake": Path(summary["lake"])}


def query(lake: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{lake}' AS lake (READ_ONLY)")
        con.execute("USE lake")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_generator_writes_the_same_files_every_time(built, tmp_path):
    again = national.generate(tmp_path / "again", las=LAS)
    assert digest(tmp_path / "again") == digest(built["folder"] / "inputs")
    assert len(again["returns"]) == len(national.YEARS) == 5
    assert again["seconds"] < 30


def test_a_school_does_not_change_when_other_las_are_added(tmp_path):
    national.generate(tmp_path / "one", las={813})
    national.generate(tmp_path / "two", las=LAS)
    for year in national.YEARS:
        name = f"senco_returns_{year.replace('/', '-')}_national_SYNTHETIC.csv"
        one = {r["urn"]: r for r in rows(tmp_path / "one" / name)}
        two = {r["urn"]: r for r in rows(tmp_path / "two" / name) if r["urn"] in one}
        assert one.keys() == two.keys() and one
        assert {u: {k: v for k, v in r.items() if k != "submitted_at"} for u, r in one.items()} == \
            {u: {k: v for k, v in r.items() if k != "submitted_at"} for u, r in two.items()}


def test_the_register_is_the_census_file_for_those_las(built):
    census = rows(built["folder"] / "inputs" / "census_2019_subset.csv")
    assert {r["LA"] for r in census if r["URN"] != "NAT"} == {str(c) for c in LAS}
    assert sum(r["URN"] == "NAT" for r in census) == 3                 # England's figures kept
    original = {tuple(r.items()) for r in rows(national.CENSUS_FILE)}
    assert all(tuple(r.items()) in original for r in census)         # copied, not changed


def test_every_row_is_loaded_or_rejected(built):
    s, lake = built["summary"], built["lake"]
    assert not s["failed"] and s["rows_read"] == s["accepted"] + s["rejected"]
    written = sum(len(rows(p)) for p in (built["folder"] / "inputs").glob("senco_returns_*.csv"))
    loads = query(lake, "SELECT sum(rows_read), sum(accepted), sum(rejected) FROM loads WHERE kind = 'returns'")[0]
    assert loads[0] == written == loads[1] + loads[2]
    assert query(lake, "SELECT count(*) FROM returns_history")[0][0] == loads[1]
    assert query(lake, "SELECT count(*) FROM rejects r JOIN loads l USING (load_id) "
                       "WHERE l.kind = 'returns'")[0][0] == loads[2]
    per_year = dict(query(lake, "SELECT academic_year, count(*) FROM returns GROUP BY 1"))
    schools = query(lake, "SELECT count(*) FROM schools WHERE coalesce(type_group, '') <> 'Independent schools'")[0][0]
    assert sorted(per_year) == list(national.YEARS)
    assert all(0.9 * schools <= per_year[y] <= schools for y in national.YEARS[:-1])
    assert 0.75 * schools <= per_year[national.CURRENT_YEAR] < 0.95 * schools
    # returns come only from schools on the register, for the two LAs
    assert query(lake, "SELECT count(*) FROM returns r LEFT JOIN schools s USING (urn) "
                       "WHERE s.urn IS NULL OR s.la_code NOT IN (812, 813)")[0][0] == 0
    assert query(lake, "SELECT count(*) FROM ofsted")[0][0] > 0.9 * schools


def test_the_la_selector_filters_by_code_and_writes_codes_to_the_link(built, monkeypatch):

    monkeypatch.setenv("SENCO_LAKE", str(built["lake"]))
    _api.clear()
    root = Path(__file__).resolve().parents[2]
    try:
        at = AppTest.from_file(str(root / "pages" / "overview.py"), default_timeout=120)
        at.query_params["la"] = "813"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        selector = next(m for m in at.multiselect if m.label == "Local authority")
        assert selector.value == ["813"] and sorted(selector.options) == ["North East Lincolnshire (812)",
                                                                            "North Lincolnshire (813)"]
        n813 = query(built["lake"], "SELECT count(*) FROM schools WHERE la_code = 813 AND "
                                    "coalesce(type_group, '') <> 'Independent schools'")[0][0]
        assert any(f"{n813} schools in scope" in str(m.value) for m in at.markdown)
        selector.select("812").run()
        assert at.query_params["la"] == ["813", "812"]
        assert not at.warning
    finally:
        _api.clear()


def test_comparison_by_area_sets_an_la_beside_its_region_and_the_lake(built):
    api = LakeAPI(Reader(path=built["lake"]))
    cmp = api.comparison_by_area("median_senco_hours", Filters(la=(813,)))
    assert list(cmp.level) == ["LA", "Region", "England"]
    la, region, everyone = (cmp.iloc[i] for i in range(3))
    assert la.area == "North Lincolnshire" and la.la_code == 813
    assert region.area == la.region == "Yorkshire and the Humber"
    assert everyone.area == "All LAs in this lake"                # two LAs are not England
    assert everyone.schools >= region.schools > la.schools > 0
    assert la.value == api.measure_value("median_senco_hours", Filters(la=(813,)))[0]
    assert everyone.value == api.measure_value("median_senco_hours", Filters())[0]
    assert la.previous is not None and la.formatted.endswith(" h")
    # the other filters apply at every level
    primary = api.comparison_by_area("slt_rate", Filters(la=(813, 812), phase=("primary",)))
    assert list(primary.level) == ["LA", "LA", "Region", "England"]
    assert primary.iloc[-1].value == api.measure_value("slt_rate", Filters(phase=("primary",)))[0]


def test_overview_sets_the_chosen_la_beside_its_region_and_the_lake(built, monkeypatch):

    monkeypatch.setenv("SENCO_LAKE", str(built["lake"]))
    _api.clear()
    root = Path(__file__).resolve().parents[2]
    api = LakeAPI(Reader(path=built["lake"]))
    try:
        at = AppTest.from_file(str(root / "pages" / "overview.py"), default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert "Compared with region and England" in [h.value for h in at.header]
        assert any("Choose one or more LAs" in i.value for i in at.info)      # nothing chosen: says how

        at = AppTest.from_file(str(root / "pages" / "overview.py"), default_timeout=120)    # a shared link
        at.query_params["la"] = "813"
        at.query_params["phase"] = "primary"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        table = next(d.value for d in at.dataframe if "Measure" in d.value.columns)
        assert list(table.columns) == ["Measure", "North Lincolnshire (LA)", "Yorkshire and the Humber (Region)",
                                       "All LAs in this lake"]
        hours = table.set_index("Measure").loc["Median SENCO hours a week"]
        for column, filters in (("North Lincolnshire (LA)", Filters(la=(813,), phase=("primary",))),
                                ("All LAs in this lake", Filters(phase=("primary",)))):
            value, _, n = api.measure_value("median_senco_hours", filters)
            assert hours[column] == f"{value:.1f} h (n = {n:,})"          # like for like: primary at every level
    finally:
        _api.clear()
