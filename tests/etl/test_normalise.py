"""Every normalisation rule a school's typing goes through (etl/normalise.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from domain.columns import COLUMN_BY_NAME
from etl.normalise import (
    ENUM_SYNONYMS,
    Invalid,
    Noted,
    is_blank,
    parse_academic_year,
    parse_count,
    parse_date,
    parse_enum,
    parse_hours,
    parse_list,
    parse_urn,
    parse_yesno,
)

TODAY = dt.date(2025, 11, 1)
DAY = 6.5


# ------------------------------------------------------------------ yes / no

@pytest.mark.parametrize("raw", ["Yes", "yes", " YES ", "y", "Y", "TRUE", "true", "1", "x", "X", 1, 1.0, True])
def test_yes_variants_mean_yes(raw):
    assert parse_yesno(raw) is True


@pytest.mark.parametrize("raw", ["No", "no", "n", "N", "0", "FALSE", "false", 0, 0.0, False])
def test_no_variants_mean_no(raw):
    assert parse_yesno(raw) is False


@pytest.mark.parametrize("raw", ["maybe", "sometimes", "2", 2, "yes and no"])
def test_anything_else_is_not_a_yes_no_answer(raw):
    with pytest.raises(Invalid, match="yes or no"):
        parse_yesno(raw)


# --------------------------------------------------------------------- dates

@pytest.mark.parametrize("raw", [
    "01/09/2021", "1/9/2021", "01.09.2021", "01-09-2021",      # UK day-first
    "2021-09-01", "2021-09-01 00:00:00", "2021-09-01T00:00:00",  # ISO, as spreadsheets export it
    "1 September 2021", "1st Sept 2021", "1 Sep 2021",
    44440, 44440.0, "44440",                                     # Excel serial number
    dt.datetime(2021, 9, 1, 0, 0), dt.date(2021, 9, 1),          # real date cells
])
def test_dates_in_the_forms_people_use(raw):
    assert parse_date(raw, TODAY) == dt.date(2021, 9, 1)


def test_day_first_is_not_read_month_first():
    assert parse_date("03/04/2022", TODAY) == dt.date(2022, 4, 3)


@pytest.mark.parametrize("raw, expected", [
    ("1/9/21", dt.date(2021, 9, 1)),
    ("14/03/23", dt.date(2023, 3, 14)),
    ("1/9/99", dt.date(1999, 9, 1)),            # a two-digit year after this year is last century
])
def test_two_digit_years(raw, expected):
    assert parse_date(raw, TODAY) == expected


@pytest.mark.parametrize("raw", ["31/02/2021", "32/01/2021", "00/01/2021", "29/02/2023"])
def test_impossible_dates_are_rejected(raw):
    with pytest.raises(Invalid, match="DD/MM/YYYY"):
        parse_date(raw, TODAY)


def test_us_month_first_date_is_rejected_not_guessed():
    with pytest.raises(Invalid, match="DD/MM/YYYY"):
        parse_date("09/13/2021", TODAY)


def test_future_dates_are_rejected():
    with pytest.raises(Invalid, match="in the future"):
        parse_date("02/11/2025", TODAY)
    assert parse_date("01/11/2025", TODAY) == TODAY


def test_implausibly_old_dates_and_small_serials_are_rejected():
    with pytest.raises(Invalid, match="too early"):
        parse_date("12/12/1975", TODAY)
    with pytest.raises(Invalid, match="not a date"):
        parse_date(12, TODAY)


@pytest.mark.parametrize("raw", ["soon", "September", "2021", "last year"])
def test_text_that_is_not_a_date_is_rejected(raw):
    with pytest.raises(Invalid, match="DD/MM/YYYY"):
        parse_date(raw, TODAY)


# ------------------------------------------------------------- academic year

@pytest.mark.parametrize("raw", ["2025-26", "2025/2026", "2025/26", "202526", " 2025 / 26 ", "2025 to 2026",
                                 "2025–26"])
def test_academic_year_forms_become_yyyy_yy(raw):
    assert parse_academic_year(raw) == "2025/26"


def test_academic_year_across_a_century():
    assert parse_academic_year("2099-00") == "2099/00"


@pytest.mark.parametrize("raw", ["2025-27", "2025/2027", "2025/24", "2025/25"])
def test_non_consecutive_years_are_rejected(raw):
    with pytest.raises(Invalid, match="consecutive"):
        parse_academic_year(raw)


@pytest.mark.parametrize("raw", ["2025", "25/26", "next year", "2025/6"])
def test_unreadable_academic_years_are_rejected(raw):
    with pytest.raises(Invalid, match="2025/26"):
        parse_academic_year(raw)


# --------------------------------------------------------------------- hours

@pytest.mark.parametrize("raw, hours", [
    ("6", 6.0), (6, 6.0), (6.5, 6.5), ("6 hrs", 6.0), ("6hrs", 6.0), ("6 hours", 6.0), ("6h", 6.0),
    ("6.5 hours per week", 6.5), ("3 hours a week", 3.0), ("none", 0.0), ("0", 0.0),
])
def test_plain_hours(raw, hours):
    assert parse_hours(raw, DAY, 0, 60) == hours


@pytest.mark.parametrize("raw, hours", [
    ("1.5 days", 9.75), ("1,5 days", 9.75), ("half a day", 3.25), ("2 days per week", 13.0),
    ("1 day", 6.5), ("two days", 13.0),
])
def test_days_are_converted_at_the_school_day_length_and_noted(raw, hours):
    parsed = parse_hours(raw, DAY, 0, 60)
    assert isinstance(parsed, Noted)
    assert parsed.value == hours
    assert "6.5 hours a day" in parsed.note


def test_day_conversion_follows_the_configured_day_length():
    assert parse_hours("1.5 days", 6.0, 0, 60).value == 9.0


@pytest.mark.parametrize("raw", ["20%", "0.5 FTE", "50 percent"])
def test_a_share_of_time_is_rejected_asking_for_hours(raw):
    with pytest.raises(Invalid, match="hours"):
        parse_hours(raw, DAY, 0, 60)


def test_share_of_time_message_shows_what_to_write():
    with pytest.raises(Invalid) as info:
        parse_hours("20%", DAY, 0, 60)
    assert "not hours a week" in str(info.value)
    assert "1.5 days = 9.75 hours" in str(info.value)


@pytest.mark.parametrize("raw, hours", [("approx 4", 4.0), ("about 3 hours", 3.0), ("~5", 5.0)])
def test_approximate_hours_are_accepted_with_a_note(raw, hours):
    parsed = parse_hours(raw, DAY, 0, 60)
    assert isinstance(parsed, Noted)
    assert parsed.value == hours
    assert "approximate" in parsed.note


def test_hours_over_the_maximum_are_rejected():
    with pytest.raises(Invalid, match="more than 60"):
        parse_hours("61", DAY, 0, 60)
    with pytest.raises(Invalid, match="more than 60"):
        parse_hours("10 days", DAY, 0, 60)      # 65 hours: per fortnight or term, not per week
    assert parse_hours("60", DAY, 0, 60) == 60.0


@pytest.mark.parametrize("raw", ["lots", "varies", "6-8", "-2"])
def test_text_that_is_not_hours_is_rejected(raw):
    with pytest.raises(Invalid):
        parse_hours(raw, DAY, 0, 60)


# -------------------------------------------------------------------- counts

@pytest.mark.parametrize("raw, value", [("1,234", 1234), ("12.0", 12), (12.0, 12), (12, 12), ("  7 ", 7),
                                        ("none", 0), ("0", 0)])
def test_counts(raw, value):
    assert parse_count(raw, 0) == value


@pytest.mark.parametrize("raw, message", [("12.5", "whole number"), ("-1", "below the minimum"),
                                          ("twelve", "whole number"), ("12 pupils", "whole number")])
def test_bad_counts_are_rejected(raw, message):
    with pytest.raises(Invalid, match=message):
        parse_count(raw, 0)


def test_count_limits():
    with pytest.raises(Invalid, match="below the minimum of 1"):
        parse_count("0", 1, 50)
    with pytest.raises(Invalid, match="above the maximum of 50"):
        parse_count("51", 1, 50)


# ---------------------------------------------------------------------- URNs

@pytest.mark.parametrize("raw", ["117725", 117725, 117725.0, " 117725 ", "117725.0", "\u00a0117725"])
def test_urns(raw):
    assert parse_urn(raw) == 117725


@pytest.mark.parametrize("raw", ["11772", "ABC123", "1177250", 117725.5, "117 725x"])
def test_bad_urns_are_rejected_with_where_to_find_it(raw):
    with pytest.raises(Invalid, match="6-digit DfE URN"):
        parse_urn(raw)


# --------------------------------------------------------------------- enums

@pytest.mark.parametrize("column, raw, value", [
    ("phase", "Primary", "primary"),
    ("phase", " SECONDARY ", "secondary"),
    ("phase", "All Through", "all-through"),
    ("phase", "all-through", "all-through"),
    ("phase", "PRU", "alternative provision"),
    ("phase", "Pupil Referral Unit", "alternative provision"),
    ("phase", "16+", "16 plus"),
    ("phase", "Infant", "primary"),
    ("senco_qualification", "NASENCO", "NASENCO held"),
    ("senco_qualification", "nasenco held", "NASENCO held"),
    ("senco_qualification", "NPQ SENCO", "NPQ for SENCOs held"),
    ("senco_qualification", "In-progress", "in progress"),
    ("senco_qualification", "Not started", "not started"),
    ("ofsted_send_progress", "Requires improvement", "less than good"),
    ("ofsted_send_progress", "Good or Better", "good or better"),
    ("ofsted_send_progress", "Outstanding", "good or better"),
    ("ofsted_send_progress", "not judged", "not judged"),
])
def test_enums_ignore_case_and_punctuation_and_know_synonyms(column, raw, value):
    assert parse_enum(raw, COLUMN_BY_NAME[column]) == value


def test_unknown_enum_value_lists_the_choices():
    with pytest.raises(Invalid) as info:
        parse_enum("excellent", COLUMN_BY_NAME["ofsted_send_progress"])
    assert "good or better, less than good, not judged" in str(info.value)


# --------------------------------------------------------------------- roles

def test_role_lists_split_and_use_standard_names():
    assert parse_list("DSL, Class Teacher; Head") == ["DSL", "class teacher", "headteacher"]


@pytest.mark.parametrize("raw, roles", [
    ("none", []),
    ("", []),
    ("DSL and class teacher", ["DSL", "class teacher"]),
    ("Designated Teacher for LAC / EAL", ["designated teacher for looked-after children", "EAL co-ordinator"]),
    ("DSL; DSL", ["DSL"]),
    ("Head of Maths", ["Head of Maths"]),            # an unknown role is kept as written
])
def test_role_lists(raw, roles):
    assert parse_list(raw) == roles


# -------------------------------------------------------------------- blanks

@pytest.mark.parametrize("raw", [None, "", "   ", "n/a", "N/A", "NA", "-", "unknown", "TBC", float("nan"),
                                 "\u00a0"])
def test_blank_and_not_applicable_mean_no_answer(raw):
    assert is_blank(raw)


@pytest.mark.parametrize("raw", ["0", 0, "no", "none", "x"])
def test_real_answers_are_not_blank(raw):
    assert not is_blank(raw)


def test_every_typed_synonym_lands_on_one_of_the_columns_values():
    """The synonym tables map what people type onto the vocabulary (domain.vocabularies): a value
    renamed there and not here would load words no chart or flag counts."""
    for name, synonyms in ENUM_SYNONYMS.items():
        assert set(synonyms.values()) <= set(COLUMN_BY_NAME[name].choices), name
