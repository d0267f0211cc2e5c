"""Problems have stable codes, listed once with their meaning and fix; messages stored before codes
are recognised by code; every conversion a row's values go through is reported."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.problems import CODES, UNKNOWN, problem_for_message, split_reasons
from etl.load import check_returns, preview_tables
from etl.validate import flag_duplicates, validate_row
from tests.etl.test_validate import DAY, GOOD, TODAY

ROOT = Path(__file__).resolve().parents[2]

# One bad value (or row) per kind of problem, as schools have typed them.
BAD = [
    {"urn": ""}, {"urn": "11772"}, {"urn": "012345"}, {"academic_year": "Autumn"},
    {"academic_year": "2025-27"}, {"academic_year": "2030/31"}, {"school_name": "x" * 201},
    {"number_on_roll": "about 200"}, {"ehcp_pupils": "-3"}, {"number_on_roll": "99999999"},
    {"senco_hours_per_week": "-2"}, {"senco_hours_per_week": "most of Friday"},
    {"senco_hours_per_week": "20%"}, {"senco_hours_per_week": dt.time(6, 30)},
    {"senco_hours_per_week": "120"}, {"senco_on_slt": "maybe"}, {"phase": "grammar"},
    {"senco_appointed_date": "31/02/2021"}, {"senco_appointed_date": "01/09/1970"},
    {"senco_appointed_date": "01/09/2030"}, {"number_on_roll": "50", "sen_support_pupils": "48", "ehcp_pupils": "7"},
    {"senco_hours_per_week": "40", "senco_teaching_hours_per_week": "30"}, {"admin_support_hours_per_week": float("inf")},
]


def all_problems():
    rows = [validate_row({**GOOD, **bad}, i + 2, {}, DAY, TODAY) for i, bad in enumerate(BAD)]
    rows += [validate_row(GOOD, 90, {}, DAY, TODAY), validate_row(GOOD, 91, {}, DAY, TODAY)]
    flag_duplicates(rows[-2:])
    return [p for r in rows for p in r.problems]


def test_every_code_validation_gives_is_listed_and_every_listed_code_is_given():
    given = {p.code for p in all_problems()}
    assert given <= set(CODES)
    # 'unknown' is for old messages; a superseded form response is set aside by etl.forms.
    assert set(CODES) - given == {UNKNOWN, "superseded-by-later-response"}
    for code in CODES.values():
        assert code.meaning.endswith(".") and code.fix.endswith(".")


def test_a_stored_message_is_recognised_as_the_problem_it_was():
    """What the migration of old rejects, and any code that has only a message, rely on."""
    problems = all_problems()
    assert [problem_for_message(p.message) for p in problems] == problems
    assert problem_for_message("a reason from an older release").code == UNKNOWN
    superseded = problem_for_message("superseded: the same school sent a later response for this year (row 4)")
    assert superseded.code == "superseded-by-later-response"


def test_reasons_joined_in_the_lake_split_back_into_their_problems():
    row = validate_row({**GOOD, "urn": "", "senco_on_slt": "yes; no", "number_on_roll": "50",
                        "sen_support_pupils": "48", "ehcp_pupils": "7"}, 2, {}, DAY, TODAY)
    rows = [row, validate_row({**GOOD, "urn": ""}, 3, {}, DAY, TODAY)]
    dup = [validate_row(GOOD, 4, {}, DAY, TODAY), validate_row(GOOD, 5, {}, DAY, TODAY)]
    flag_duplicates(dup)
    for r in [*rows, *dup]:
        assert [problem_for_message(m) for m in split_reasons("; ".join(r.reasons))] == r.problems


def test_the_preview_lists_the_rows_that_will_load_and_every_conversion():
    data = (b"urn,school_name,academic_year,phase,senco_hours_per_week,senco_on_slt,senco_appointed_date,"
            b"number_on_roll\n"
            b"117725,Alkborough Primary School,2025-26,Infant,2.5 days,Y,2021-09-01,210\n"
            b"117726,Bottesford Junior School,2025/26,primary,12,yes,01/09/2021,300\n"
            b"117727,Crosby Primary School,2025-26,primary,2.5 days,Yes,01/09/2021,none\n"
            b"11772,Broughton Primary School,2025-26,primary,3 days,maybe,01/09/2021,200\n")
    outcome = check_returns(data, "returns.csv", day_hours=6.5, today=TODAY)
    accepted, conversions = preview_tables(outcome)
    assert list(accepted.Row) == [2, 3, 4]
    assert list(accepted.URN) == ["117725", "117726", "117727"]
    assert set(accepted["Academic year"]) == {"2025/26"}
    assert list(accepted["SENCO hours per week"]) == ["16.25 h", "12 h", "16.25 h"]
    got = {(r["Column"], r["As written"], r["Loads as"], r["Row numbers"]) for r in conversions.to_dict("records")}
    # Only the rows that load: row 5 ('3 days', 'maybe') is rejected and converts nothing.
    assert got == {
        ("Academic year", "2025-26", "2025/26", "2, 4"),
        ("Phase", "Infant", "primary", "2"),
        ("SENCO hours per week", "2.5 days", "16.25 h", "2, 4"),
        ("SENCO on senior leadership team", "Y", "yes", "2"),
        ("Date SENCO appointed", "2021-09-01", "01/09/2021", "2"),
        ("Number on roll", "none", "0", "4"),
    }
