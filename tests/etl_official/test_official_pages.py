"""What the pages show once the official files, as published, are loaded beside a few returns:
which schools are in scope, the chase list, and both Ofsted grades with their own dates.

The lake holds the GIAS register (2026 layout) with a conversion (Huntcliff School, URN 137832,
closed 31 December 2023; Kirton Academy, URN 150867, its successor from 1 January 2024) and one
establishment of each excluded type, the GIAS links file, SEN in England 2024/25, and Ofsted's
management information as at 31 August 2025 and then as at 31 January 2026. Returns: 2023/24 from
Alkborough (117725) and from Huntcliff under its old URN; 2025/26 from Alkborough and Frederick
Gough (118097). Each test runs against the lake file and against its Parquet export.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.load import load_returns
from etl.sources import load_official
from tests.lake.small_lake import HEADER
from tests.pages.apptest import LAKE_KINDS, page_text, run_page, serving

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"
FILES = [("gias", "edubasealldata20260110.csv"), ("gias", "links_edubasealldata20260110.csv"),
         ("census", "sen_school_level_underlying_data.csv"),
         ("ofsted", "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Aug_2025.csv"),
         ("ofsted", "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv")]
RETURNS = HEADER + (
    "117725,Alkborough Primary School,2023/24,primary,68,9,2,6.5,10,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,"
    "yes,14/03/2023,good or better\n"
    "137832,Huntcliff School,2023/24,secondary,600,120,10,20,5,yes,yes,NASENCO held,01/09/2016,,1,no,5,yes,yes,,\n"
    "117725,Alkborough Primary School,2025/26,primary,70,9,2,6.5,10,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,"
    "yes,14/03/2023,good or better\n"
    "118097,Frederick Gough School,2025/26,secondary,1322,185,36,30,0,yes,yes,NPQ for SENCOs held,01/09/2024,,1,yes,"
    "15,yes,yes,18/11/2025,\n")
IN_SCOPE = {117725, 118146, 118097, 137453, 150867}
OUT_OF_SCOPE = {134589: "independent", 135247: "independent special", 102463: "non-maintained special",
                130591: "further education", 401234: "Welsh", 153999: "proposed to open", 137832: "converted"}


@pytest.fixture(scope="module", params=LAKE_KINDS)
def lake(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("official-pages") / "senco.duckdb"
    for kind, name in FILES:
        out = load_official(kind, name, (FIXTURES / name).read_bytes(), path)
        assert out.status == "loaded", out.message
    [out] = load_returns([("returns.csv", RETURNS.encode())], path, today=dt.date(2026, 1, 20))
    assert (out.accepted, out.rejected) == (4, 0), out.report_lines()
    with serving(path, request.param):
        yield path


def table_with(at, *columns):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def metric(at, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def test_scope_and_chase_list_in_the_year_of_conversion(lake):
    """2023/24: Huntcliff closed in December and Kirton opened in January. One school, counted under
    Kirton's URN, and its return (sent under Huntcliff's URN) counts: it is not chased."""
    at = run_page("data_quality", year="2023/24", tab="Chase list")
    assert metric(at, "Schools on the register in scope") == len(IN_SCOPE)
    assert metric(at, "Returns received from them") == 2
    chase = table_with(at, "URN", "School")
    assert sorted(chase.URN.astype(int)) == [118097, 118146, 137453]
    assert not set(chase.URN.astype(int)) & set(OUT_OF_SCOPE)


def test_chase_list_a_later_year(lake):
    at = run_page("data_quality", year="2025/26", tab="Chase list")
    chase = table_with(at, "URN", "School")
    assert sorted(chase.URN.astype(int)) == [118146, 137453, 150867]       # Kirton now chased under its own URN
    assert metric(at, "Schools on the register in scope") == len(IN_SCOPE)


def test_the_converted_school_is_one_school_with_its_history(lake):
    at = run_page("schools", year="2025/26", school="150867")
    history = table_with(at, "Academic year", "SENCO hours a week", "SEND pupils")
    assert history["Academic year"].tolist() == ["2023/24"]          # the return sent under Huntcliff's URN
    assert history["SENCO hours a week"].tolist() == [20.0]
    returns = table_with(at, "Academic year", "School", "URN")
    assert returns[["Academic year", "URN"]].astype(str).values.tolist() == [["2023/24", "137832"]]


def test_ofsted_page_shows_both_grades_with_their_own_dates(lake):
    at = run_page("ofsted", year="2025/26")
    grades = table_with(at, "Overall effectiveness (latest OEIF graded inspection)", "Inclusion (report card)")
    rows = {int(r.URN): r for r in grades.itertuples()}
    assert set(rows) == IN_SCOPE
    gough = grades[grades.URN.astype(int) == 118097].iloc[0]
    assert gough["Overall effectiveness (latest OEIF graded inspection)"] == "Not judged"
    assert str(gough["OEIF inspection date"]) == "2024-10-08"
    assert gough["Inclusion (report card)"] == "Expected standard"
    assert str(gough["Inclusion date of grade"]) == "2025-11-18"
    alk = grades[grades.URN.astype(int) == 117725].iloc[0]         # OEIF only: its 2023 grade, dated 2023
    assert alk["Overall effectiveness (latest OEIF graded inspection)"] == "Good"
    assert str(alk["OEIF inspection date"]) == "2023-03-14"
    assert alk["Inclusion (report card)"] is None or alk["Inclusion (report card)"] != alk["Inclusion (report card)"]
    hugh = grades[grades.URN.astype(int) == 118146].iloc[0]
    assert hugh["Latest ungraded inspection outcome"] == "School remains Outstanding"
    kirton = grades[grades.URN.astype(int) == 150867].iloc[0]        # never inspected: nothing
    assert kirton.drop(["School", "URN", "Phase"]).isna().all()
    assert "as at 31 January 2026" in page_text(at)


def test_school_profile_shows_each_published_grade_beside_its_own_date(lake):
    at = run_page("schools", year="2025/26", school="118097")
    fields: dict[str, str] = {}
    for df in at.dataframe:
        if list(df.value.columns) == ["Field", "Value"]:
            fields.update(dict(df.value.values.tolist()))
    assert fields["Overall effectiveness (latest OEIF graded inspection)"] == "Not judged"
    assert fields["OEIF inspection date"] == "2024-10-08"
    assert fields["Inclusion (report card)"] == "Expected standard"
    assert fields["Inclusion: date of grade"] == "2025-11-18"
    assert fields["Management information as at"] == "2026-01-31"
    assert not any("pre-2025" in str(k) for k in fields)
    at = run_page("schools", year="2025/26", school="150867")           # never inspected
    assert "No official Ofsted outcome for this school" in page_text(at)


def test_about_page_says_which_schools_are_in_scope_and_why(lake):
    text = page_text(run_page("about"))
    assert "Which schools are counted" in text
    for words in ("state-funded school", "open at some point", "non-maintained special schools",
                  "further education colleges", "Welsh establishments", "proposed to", "successor"):
        assert words in text, words
