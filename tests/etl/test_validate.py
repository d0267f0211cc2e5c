"""One row → a clean record or reasons a school can act on; duplicates within a file."""
from __future__ import annotations

import datetime as dt

from domain.columns import COLUMNS
from etl.load import load_returns
from etl.validate import flag_duplicates, validate_row

TODAY = dt.date(2025, 11, 1)
DAY = 6.5

GOOD = {
    "urn": "117725", "school_name": " Alkborough Primary School ", "academic_year": "2025-26",
    "phase": "Primary", "number_on_roll": "210", "sen_support_pupils": "28", "ehcp_pupils": "4",
    "senco_hours_per_week": "1.5 days", "senco_teaching_hours_per_week": "12", "senco_on_slt": "Yes",
    "senco_qualified_teacher": "y", "senco_qualification": "NASENCO", "senco_appointed_date": "01/09/2021",
    "senco_other_roles": "DSL, Class Teacher", "senco_shared_schools": "1", "deputy_senco": "No",
    "admin_support_hours_per_week": "none", "sen_information_report_published": "TRUE",
    "sen_governor": "1", "ofsted_inspection_date": "2023-03-14", "ofsted_send_progress": "Good",
    "senco_time_enough": "No", "senco_works_at_school": "yes", "senco_qualification_course": "National Award",
    "senco_qualification_course_started": "15/01/2022", "senco_first_senco_date": "01/09/2016",
    "sen_information_report_updated": "2025-09-15",
}


def check(cells, row_number=2):
    return validate_row(cells, row_number, dict(cells), DAY, TODAY)


def test_a_good_row_gives_a_full_clean_record():
    res = check(GOOD)
    assert res.ok, res.reasons
    given = {
        "urn": 117725, "school_name": "Alkborough Primary School", "academic_year": "2025/26",
        "phase": "primary", "number_on_roll": 210, "sen_support_pupils": 28, "ehcp_pupils": 4,
        "senco_hours_per_week": 9.75, "senco_teaching_hours_per_week": 12.0, "senco_on_slt": True,
        "senco_qualified_teacher": True, "senco_qualification": "NASENCO held",
        "senco_appointed_date": dt.date(2021, 9, 1), "senco_other_roles": "DSL; class teacher",
        "senco_shared_schools": 1, "deputy_senco": False, "admin_support_hours_per_week": 0.0,
        "sen_information_report_published": True, "sen_governor": True,
        "ofsted_inspection_date": dt.date(2023, 3, 14), "ofsted_send_progress": "good or better",
        "senco_time_enough": False, "senco_works_at_school": True, "senco_qualification_course": "NASENCO",
        "senco_qualification_course_started": dt.date(2022, 1, 15), "senco_first_senco_date": dt.date(2016, 9, 1),
        "sen_information_report_updated": dt.date(2025, 9, 15),
    }
    # A column the row does not give (one added to the return since) is blank in the record.
    assert res.record == given | {c.name: None for c in COLUMNS if c.name not in given}
    assert set(res.record) == {c.name for c in COLUMNS}
    assert res.notes == ["SENCO hours per week: converted '1.5 days' at 6.5 hours a day"]


def test_raw_values_are_kept_as_received():
    res = check(GOOD, row_number=7)
    assert res.row_number == 7
    assert res.raw["senco_hours_per_week"] == "1.5 days"
    assert res.raw["school_name"] == " Alkborough Primary School "


def test_only_the_required_fields_are_needed():
    res = check({"urn": "117725", "school_name": "Alkborough", "academic_year": "2025/26"})
    assert res.ok
    assert res.record["senco_hours_per_week"] is None
    assert res.record["senco_on_slt"] is None


def test_n_a_in_an_optional_field_is_a_blank_not_an_error():
    res = check({**GOOD, "phase": "n/a", "senco_appointed_date": "N/A", "sen_governor": ""})
    assert res.ok, res.reasons
    assert res.record["phase"] is None and res.record["senco_appointed_date"] is None
    assert res.record["sen_governor"] is None


def test_missing_urn_is_rejected_naming_the_field():
    res = check({**GOOD, "urn": ""})
    assert not res.ok
    assert res.reasons == ["URN is missing"]


def test_missing_school_name_is_rejected_naming_the_field():
    res = check({**GOOD, "school_name": "  "})
    assert res.reasons == ["School name is missing"]


def test_missing_academic_year_is_rejected_naming_the_field():
    res = check({k: v for k, v in GOOD.items() if k != "academic_year"})
    assert res.reasons == ["Academic year is missing"]


def test_n_a_in_a_required_field_counts_as_missing():
    assert check({**GOOD, "urn": "n/a"}).reasons == ["URN is missing"]


def test_a_bad_value_is_rejected_with_the_field_and_the_value():
    res = check({**GOOD, "urn": "11772"})
    assert len(res.reasons) == 1
    assert res.reasons[0].startswith("URN: ")
    assert "'11772'" in res.reasons[0]


def test_send_pupils_above_roll_are_rejected_with_the_numbers():
    res = check({**GOOD, "number_on_roll": "50", "sen_support_pupils": "48", "ehcp_pupils": "7"})
    assert not res.ok
    [reason] = res.reasons
    assert "48" in reason and "7" in reason and "55" in reason and "50" in reason
    assert "number on roll" in reason


def test_send_support_alone_above_roll_is_rejected():
    res = check({**GOOD, "number_on_roll": "50", "sen_support_pupils": "60", "ehcp_pupils": ""})
    [reason] = res.reasons
    assert "60" in reason and "50" in reason


def test_ehcp_alone_above_roll_is_rejected():
    res = check({**GOOD, "number_on_roll": "5", "sen_support_pupils": "", "ehcp_pupils": "6"})
    [reason] = res.reasons
    assert "6" in reason and "5" in reason


def test_send_equal_to_roll_is_allowed():
    assert check({**GOOD, "number_on_roll": "32", "sen_support_pupils": "12", "ehcp_pupils": "20"}).ok


def test_negative_counts_are_rejected():
    res = check({**GOOD, "ehcp_pupils": "-3"})
    assert res.reasons == ["Pupils with an EHC plan: -3 is below the minimum of 0"]


def test_senco_time_plus_teaching_beyond_a_working_week_is_rejected():
    res = check({**GOOD, "senco_hours_per_week": "40", "senco_teaching_hours_per_week": "30"})
    [reason] = res.reasons
    assert "65 hours" in reason


def test_several_problems_on_one_row_are_all_listed():
    res = check({**GOOD, "urn": "", "academic_year": "2025-27", "senco_hours_per_week": "20%",
                 "senco_on_slt": "maybe", "senco_appointed_date": "31/02/2021",
                 "number_on_roll": "10", "sen_support_pupils": "20", "ehcp_pupils": "1"})
    text = " | ".join(res.reasons)
    assert len(res.reasons) == 6, res.reasons
    for field in ("URN is missing", "Academic year:", "SENCO hours per week:",
                  "SENCO on senior leadership team:", "Date SENCO appointed:", "number on roll"):
        assert field in text


def test_a_cache_shared_across_rows_gives_the_same_results():
    cache: dict = {}
    first = validate_row(GOOD, 2, GOOD, DAY, TODAY, cache)
    second = validate_row({**GOOD, "senco_on_slt": "maybe"}, 3, GOOD, DAY, TODAY, cache)
    third = validate_row({**GOOD, "senco_on_slt": "maybe"}, 4, GOOD, DAY, TODAY, cache)
    assert first.ok and first.record == check(GOOD).record
    assert second.reasons == third.reasons == ["SENCO on senior leadership team: 'maybe' should be yes or no"]


def test_duplicate_urn_and_year_rejects_every_occurrence_and_names_the_rows():
    rows = [check(GOOD, 2), check({**GOOD, "school_name": "Other"}, 3),
            check({**GOOD, "academic_year": "2024/25"}, 4), check({**GOOD, "academic_year": "2025/2026"}, 9)]
    flag_duplicates(rows)
    assert [r.ok for r in rows] == [False, False, True, False]
    for r in (rows[0], rows[1], rows[3]):
        [reason] = r.reasons
        assert "117725" in reason and "3 times" in reason and "2025/26" in reason
        assert "rows 2, 3, 9" in reason


def test_rows_without_urn_are_not_called_duplicates_of_each_other():
    rows = [check({**GOOD, "urn": ""}, 2), check({**GOOD, "urn": ""}, 3)]
    flag_duplicates(rows)
    assert rows[0].reasons == rows[1].reasons == ["URN is missing"]


def test_different_schools_same_year_are_not_duplicates():
    rows = [check(GOOD, 2), check({**GOOD, "urn": "117726"}, 3)]
    flag_duplicates(rows)
    assert all(r.ok for r in rows)


def test_a_count_too_large_for_any_school_is_rejected_not_a_crash(tmp_path):
    data = (b"urn,school_name,academic_year,number_on_roll\n"
            b"117725,Example Primary School,2025/26,99999999999\n")
    [outcome] = load_returns([("huge.csv", data)], tmp_path / "senco.duckdb")
    assert (outcome.accepted, outcome.rejected) == (0, 1)
    assert "Number on roll" in outcome.rejects[0].reasons[0]
