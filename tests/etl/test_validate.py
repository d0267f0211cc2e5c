"""One row → a clean record or problems (a code, the column, a message a school can act on);
duplicates within a file. Tests name the problems by code: the messages may be reworded."""
from __future__ import annotations

import datetime as dt

import pytest

from domain.columns import COLUMNS
from domain.problems import CODES
from etl import validate
from etl.load import load_returns
from etl.validate import CROSS_RULES, Factorised, flag_duplicates, validate_columns, validate_row

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


def found(res) -> list[tuple[str, str | None]]:
    """(code, column) of each problem found in the row, in order."""
    return [(p.code, p.column) for p in res.problems]


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
    assert found(res) == [("required-missing", "urn")]


def test_missing_school_name_is_rejected_naming_the_field():
    res = check({**GOOD, "school_name": "  "})
    assert found(res) == [("required-missing", "school_name")]


def test_missing_academic_year_is_rejected_naming_the_field():
    res = check({k: v for k, v in GOOD.items() if k != "academic_year"})
    assert found(res) == [("required-missing", "academic_year")]


def test_n_a_in_a_required_field_counts_as_missing():
    assert found(check({**GOOD, "urn": "n/a"})) == [("required-missing", "urn")]


def test_a_bad_value_is_rejected_with_the_field_and_the_value():
    res = check({**GOOD, "urn": "11772"})
    assert found(res) == [("urn-not-6-digits", "urn")]
    assert "'11772'" in res.reasons[0]                  # the school sees what it typed
    assert found(check({**GOOD, "urn": "012345"})) == [("urn-out-of-range", "urn")]


def test_send_pupils_above_roll_are_rejected_with_the_numbers():
    res = check({**GOOD, "number_on_roll": "50", "sen_support_pupils": "48", "ehcp_pupils": "7"})
    assert found(res) == [("send-above-roll", "number_on_roll")]
    [reason] = res.reasons
    assert "48" in reason and "7" in reason and "55" in reason and "50" in reason


def test_send_support_alone_above_roll_is_rejected():
    res = check({**GOOD, "number_on_roll": "50", "sen_support_pupils": "60", "ehcp_pupils": ""})
    assert found(res) == [("send-above-roll", "number_on_roll")]
    [reason] = res.reasons
    assert "60" in reason and "50" in reason


def test_ehcp_alone_above_roll_is_rejected():
    res = check({**GOOD, "number_on_roll": "5", "sen_support_pupils": "", "ehcp_pupils": "6"})
    assert found(res) == [("send-above-roll", "number_on_roll")]
    [reason] = res.reasons
    assert "6" in reason and "5" in reason


def test_send_equal_to_roll_is_allowed():
    assert check({**GOOD, "number_on_roll": "32", "sen_support_pupils": "12", "ehcp_pupils": "20"}).ok


def test_negative_counts_are_rejected():
    res = check({**GOOD, "ehcp_pupils": "-3"})
    assert found(res) == [("below-minimum", "ehcp_pupils")]


def test_senco_time_plus_teaching_beyond_a_working_week_is_rejected():
    res = check({**GOOD, "senco_hours_per_week": "40", "senco_teaching_hours_per_week": "30"})
    assert found(res) == [("time-plus-teaching-over-65", "senco_hours_per_week")]


def test_several_problems_on_one_row_are_all_listed():
    res = check({**GOOD, "urn": "", "academic_year": "2025-27", "senco_hours_per_week": "20%",
                 "senco_on_slt": "maybe", "senco_appointed_date": "31/02/2021",
                 "number_on_roll": "10", "sen_support_pupils": "20", "ehcp_pupils": "1"})
    assert found(res) == [("required-missing", "urn"), ("year-not-consecutive", "academic_year"),
                          ("hours-as-share", "senco_hours_per_week"), ("not-yes-no", "senco_on_slt"),
                          ("date-unreadable", "senco_appointed_date"), ("send-above-roll", "number_on_roll")]


def test_a_cache_shared_across_rows_gives_the_same_results():
    cache: dict = {}
    first = validate_row(GOOD, 2, GOOD, DAY, TODAY, cache)
    second = validate_row({**GOOD, "senco_on_slt": "maybe"}, 3, GOOD, DAY, TODAY, cache)
    third = validate_row({**GOOD, "senco_on_slt": "maybe"}, 4, GOOD, DAY, TODAY, cache)
    assert first.ok and first.record == check(GOOD).record
    assert second.problems == third.problems
    assert found(second) == [("not-yes-no", "senco_on_slt")]


def test_duplicate_urn_and_year_rejects_every_occurrence_and_names_the_rows():
    rows = [check(GOOD, 2), check({**GOOD, "school_name": "Other"}, 3),
            check({**GOOD, "academic_year": "2024/25"}, 4), check({**GOOD, "academic_year": "2025/2026"}, 9)]
    flag_duplicates(rows)
    assert [r.ok for r in rows] == [False, False, True, False]
    for r in (rows[0], rows[1], rows[3]):
        assert found(r) == [("duplicate-in-file", "urn")]
        [reason] = r.reasons
        assert "117725" in reason and "3 times" in reason and "2025/26" in reason
        assert "rows 2, 3, 9" in reason


def test_rows_without_urn_are_not_called_duplicates_of_each_other():
    rows = [check({**GOOD, "urn": ""}, 2), check({**GOOD, "urn": ""}, 3)]
    flag_duplicates(rows)
    assert found(rows[0]) == found(rows[1]) == [("required-missing", "urn")]


def test_different_schools_same_year_are_not_duplicates():
    rows = [check(GOOD, 2), check({**GOOD, "urn": "117726"}, 3)]
    flag_duplicates(rows)
    assert all(r.ok for r in rows)


def test_a_count_too_large_for_any_school_is_rejected_not_a_crash(tmp_path):
    data = (b"urn,school_name,academic_year,number_on_roll\n"
            b"117725,Example Primary School,2025/26,99999999999\n")
    [outcome] = load_returns([("huge.csv", data)], tmp_path / "senco.duckdb")
    assert (outcome.accepted, outcome.rejected) == (0, 1)
    assert found(outcome.rejects[0]) == [("above-maximum", "number_on_roll")]


# ------------------------------------------------------- checks across fields, on every path

def _both_paths(cells_rows: list[dict]) -> tuple[list, list]:
    """The problems of each row by validate_row (+ flag_duplicates) and by validate_columns."""
    rows = [validate_row(c, i + 2, dict(c), DAY, TODAY) for i, c in enumerate(cells_rows)]
    flag_duplicates(rows)
    names = {n for c in cells_rows for n in c}
    validated = validate_columns({n: Factorised.of([c.get(n) for c in cells_rows]) for n in names},
                                 len(cells_rows), [i + 2 for i in range(len(cells_rows))],
                                 lambda i: dict(cells_rows[i]), DAY, TODAY)
    return [r.problems for r in rows], [validated.problems(i) for i in range(len(cells_rows))]


@pytest.mark.parametrize("rule", CROSS_RULES, ids=lambda r: r.code)
def test_every_declared_cross_field_rule_fires_on_the_row_and_the_column_path(rule):
    # Its example row among good rows of other schools: only that row breaks the rule, on both paths.
    others = [{**GOOD, "urn": str(117800 + i)} for i in range(3)]
    cells = [others[0], {**GOOD, **rule.example}, *others[1:]]
    by_row, by_column = _both_paths(cells)
    assert by_row == by_column
    assert [[(p.code, p.column) for p in ps] for ps in by_row] == [[], [(rule.code, rule.column)], [], []]
    assert rule.code in CODES


def test_a_rule_added_without_a_fast_filter_still_runs_on_the_column_path(monkeypatch):
    """The failure this design prevents: a cross-field check added for one path only."""

    def appointed_before_first_senco(appointed, first):
        if appointed is not None and first is not None and appointed < first:
            return "the SENCO was appointed here before first becoming a SENCO; check both dates"
        return None
    rule = validate.CrossRule("unknown", "senco_appointed_date", ("senco_appointed_date", "senco_first_senco_date"),
                              appointed_before_first_senco, {})
    monkeypatch.setattr(validate, "CROSS_RULES", (*validate.CROSS_RULES, rule))
    bad = {**GOOD, "urn": "117801", "senco_appointed_date": "01/09/2015", "senco_first_senco_date": "01/09/2016"}
    by_row, by_column = _both_paths([GOOD, bad])
    assert by_row == by_column
    assert [[p.column for p in ps] for ps in by_column] == [[], ["senco_appointed_date"]]
