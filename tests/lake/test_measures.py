"""Every measure, computed on the hand-checkable small lake (tests/lake/small_lake.py) against a value
worked out by hand from its rows; and how a measure's change since last year is written."""
import datetime as dt

import pandas as pd
import pytest

from lake import analysis, measures
from lake import api as api_module
from lake.api import Filters, LakeAPI
from lake.measures import MEASURE_BY_ID, MEASURES, NO_CHANGE
from lake.store import Reader
from tests.lake.small_lake import build

# The small lake in 2025/26. Schools in scope: Ash 100001, Beech 100002, Cedar 100003, Damson 100004 (each
# with a return) and Elm 100005 (none); Fir is independent, so out of scope. All four returning schools are
# mainstream, so the SENCO duty and the SEN information report duty cover each of them. Dated flags are
# judged at 31 August 2026, the end of 2025/26. The recommended time is 1.5 days x 6.5 h = 9.75 h.
#
#          roll  SEN sup  EHCP  hours  teach  SLT  QT   works  qualification        appointed   first SENCO
# Ash       210     25      5   9.75     10   yes  yes  yes    NASENCO held (2016)  01/09/2015  -
# Beech     100     10      0   3        15   no   yes  no     in progress NASENCO  01/09/2019  -
#                                                              (course from 01/10/2024)
# Cedar    1000    120     30   30        0   yes  no   no     NPQ for SENCOs held  01/09/2024  01/09/2024
# Damson     50      2      1   2        20   no   yes  yes    not started          01/09/2020  01/09/2020
#
#          other roles        shared  deputy  admin h  report (updated)     own view of time  SEND progress
# Ash      -                  1       no      2        yes (01/07/2025)     enough            good or better
# Beech    DSL; headteacher   2       no      0        no                   not enough        good or better
# Cedar    -                  1       yes     15       yes (15/09/2025)     not enough        less than good
# Damson   class teacher      1       no      0        yes (no date)        not answered      not judged
#
# Official inclusion grades: Ash strong standard, Cedar needs attention, Elm expected standard (no return).
#
# measure id: (value, n: the schools it rests on)
HAND_WORKED = {
    # Every school in scope counts: Ash, Beech, Cedar, Damson, Elm.
    "schools_in_scope": (5, 5),
    "returns_received": (4, 5),                       # Elm has not returned
    "return_rate": (4 / 5, 5),
    # From here on, the four schools with a return.
    # (25+5 + 10+0 + 120+30 + 2+1) / (210 + 100 + 1000 + 50) = 193 / 1360
    "send_pct": (193 / 1360, 4),
    "ehcp_pct": ((5 + 0 + 30 + 1) / 1360, 4),          # 36 / 1360
    "median_senco_hours": ((3 + 9.75) / 2, 4),        # 2, 3, 9.75, 30
    # Per 10 SEND pupils: Ash 9.75/30*10 = 3.25, Beech 3/10*10 = 3, Cedar 30/150*10 = 2, Damson 2/3*10 =
    # 6.667; median of 2, 3, 3.25, 6.667
    "median_hours_per_10_send": ((3 + 3.25) / 2, 4),
    # Below 9.75 h: Beech (3), Damson (2); Ash's 9.75 is exactly 1.5 days, not below.
    "below_recommended": (2 / 4, 4),
    "time_not_enough": (2 / 3, 3),                    # Beech, Cedar of the three who answered
    "median_teaching_hours": ((10 + 15) / 2, 4),      # 0, 10, 15, 20
    "combined_role": (2 / 4, 4),                      # Beech, Damson
    "slt_rate": (2 / 4, 4),                           # Ash, Cedar
    "admin_support_rate": (2 / 4, 4),                 # Ash 2 h, Cedar 15 h
    "median_admin_hours": ((2 + 15) / 2, 2),          # only where given
    "deputy_rate": (1 / 4, 4),                        # Cedar
    "qualification_held": (2 / 4, 4),                 # Ash NASENCO, Cedar NPQ
    "shared_senco": (1 / 4, 4),                       # Beech covers 2 schools
    # Cedar's SENCO is not a qualified teacher; Beech's SENCO is the head teacher, whom the law exempts.
    "flag_not_qt": (1 / 4, 4),
    # Cedar's SENCO does not work as a teacher there; nor does Beech's, but Beech's is the head teacher.
    "flag_not_at_school": (1 / 4, 4),
    # Known for two: Cedar's third anniversary (1 Sept 2027) is after 31 Aug 2026, so not yet due; Damson's
    # SENCO, new to the role in Sept 2020, was due by Sept 2023 and has not started. Ash and Beech do not say
    # when their SENCO first became a SENCO: not known.
    "flag_qual_overdue": (1 / 2, 2),
    "flag_no_report": (1 / 4, 4),                     # Beech publishes none
    # Beech (no report), Cedar (not a qualified teacher, not teaching there), Damson (overdue); Ash none.
    "any_flag": (3 / 4, 4),
    # Beech's NASENCO course started on 1 Oct 2024, after 1 Sept 2024: it cannot count.
    "flag_course_will_not_count": (1 / 4, 4),
    # Of the schools publishing a report with a date: Ash's (1 July 2025) is more than a year before 31 Aug
    # 2026, Cedar's (15 Sept 2025) is not. Beech publishes none; Damson gives no date.
    "flag_report_out_of_date": (1 / 2, 2),
    "flag_shared_head": (1 / 4, 4),                   # Beech: shared with 2 schools, SENCO is the head
    "ofsted_good": (2 / 3, 3),                        # Ash, Beech of three judged (Damson: not judged)
    # Ash strong standard, Cedar needs attention; Elm's grade does not count: it has sent no return.
    "ofsted_inclusion_expected": (1 / 2, 2),
}

# The small lake a year earlier, in 2024/25: the same five schools in scope; Ash, Beech and Cedar returned
# (Damson and Elm did not). That year's file has only the return's first columns, so nothing is known of
# the SENCO's own view of their time, whether they work as a teacher at the school, the course and its
# start, when they first became a SENCO, or when the SEN information report was updated. Dated flags are
# judged at 31 August 2025, the end of 2024/25.
#
#          roll  SEN sup  EHCP  hours  teach  SLT  QT   qualification        appointed   other roles  shared
# Ash       200     20      5   6.5      10   yes  yes  NASENCO held         01/09/2015  -            1
# Beech     100     10      0   3        15   no   yes  in progress          01/09/2023  DSL          1
# Cedar    1000    120     30   30        0   yes  yes  NPQ for SENCOs held  01/09/2024  -            1
#
#          deputy  admin h  report  SEND progress
# Ash      no      0        yes     good or better
# Beech    no      0        yes     good or better
# Cedar    yes     15       yes     less than good
#
# The official inclusion grades are the register's, today's, whatever the year: Ash strong standard,
# Cedar needs attention (Elm, expected standard, has no return this year either).
#
# measure id: (value, n); None where no school answers what the measure counts.
HAND_WORKED_2024_25 = {
    "schools_in_scope": (5, 5),
    "returns_received": (3, 5),                       # Damson and Elm have not returned
    "return_rate": (3 / 5, 5),
    # From here on, the three schools with a return.
    # (20+5 + 10+0 + 120+30) / (200 + 100 + 1000) = 185 / 1300
    "send_pct": (185 / 1300, 3),
    "ehcp_pct": ((5 + 0 + 30) / 1300, 3),              # 35 / 1300
    "median_senco_hours": (6.5, 3),                   # 3, 6.5, 30
    # Per 10 SEND pupils: Ash 6.5/25*10 = 2.6, Beech 3/10*10 = 3, Cedar 30/150*10 = 2; median of 2, 2.6, 3
    "median_hours_per_10_send": (2.6, 3),
    "below_recommended": (2 / 3, 3),                  # Ash 6.5 and Beech 3 are below 9.75 h
    "time_not_enough": (None, 0),                     # the question was not asked that year
    "median_teaching_hours": (10, 3),                 # 0, 10, 15
    "combined_role": (1 / 3, 3),                      # Beech (DSL)
    "slt_rate": (2 / 3, 3),                           # Ash, Cedar
    "admin_support_rate": (1 / 3, 3),                 # Cedar 15 h; Ash gave none yet
    "median_admin_hours": (15, 1),                    # only Cedar gives any
    "deputy_rate": (1 / 3, 3),                        # Cedar
    "qualification_held": (2 / 3, 3),                 # Ash NASENCO, Cedar NPQ
    "shared_senco": (0 / 3, 3),                       # every SENCO covers 1 school
    "flag_not_qt": (0 / 3, 3),                        # every SENCO a qualified teacher that year
    "flag_not_at_school": (None, 0),                  # not asked that year, and no SENCO is the head
    # Judged at 31 Aug 2025. Beech's SENCO (appointed Sept 2023) and Cedar's (Sept 2024) are within three
    # years of appointment: not overdue. Ash's third anniversary has passed, but the return does not say when
    # its SENCO first became a SENCO: not known. (In 2025/26 Beech reports an appointment in Sept 2019.)
    "flag_qual_overdue": (0 / 2, 2),
    "flag_no_report": (0 / 3, 3),                     # all three publish one
    "any_flag": (0 / 3, 3),                           # no statutory flag raised (the unknowns count as not)
    # Ash holds NASENCO with no course start given (not known, so no check); Beech's course is not named;
    # Cedar holds the NPQ.
    "flag_course_will_not_count": (0 / 3, 3),
    "flag_report_out_of_date": (None, 0),             # no report's date given that year
    "flag_shared_head": (0 / 3, 3),                   # no SENCO shared
    "ofsted_good": (2 / 3, 3),                        # Ash, Beech; Cedar less than good
    "ofsted_inclusion_expected": (1 / 2, 2),          # Ash strong standard, Cedar needs attention
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return LakeAPI(Reader(path=build(tmp_path_factory.mktemp("measures") / "senco.duckdb")))


@pytest.fixture()
def api(small, monkeypatch):
    monkeypatch.setattr(api_module, "today", lambda: dt.date(2026, 11, 30))    # 2025/26 has ended
    return small


YEARS_WORKED = {"2025/26": HAND_WORKED, "2024/25": HAND_WORKED_2024_25}


@pytest.mark.parametrize("year", YEARS_WORKED)
def test_every_measure_has_a_value_worked_by_hand(year):
    """A new measure fails here until its value on the small lake has been worked out above, for each year."""
    assert sorted(YEARS_WORKED[year]) == sorted(MEASURE_BY_ID)


def approx(value):
    return None if value is None else pytest.approx(value, abs=1e-9)


def blank(value):
    """A value as a reader sees it: None for none (the API gives None or NaN alike)."""
    return None if value is None or pd.isna(value) else value


@pytest.mark.parametrize("year", YEARS_WORKED)
@pytest.mark.parametrize("measure", MEASURES, ids=[m.id for m in MEASURES])
def test_every_measure_computes_its_hand_worked_value(api, measure, year):
    expected, expected_n = YEARS_WORKED[year][measure.id]
    value, previous, n = api.measure_value(measure.id, Filters(year=year))
    assert blank(value) == approx(expected), measure.id
    assert n == expected_n, measure.id
    if year == "2024/25":
        assert previous is None                 # the lake holds no 2023/24


@pytest.mark.parametrize("measure", MEASURES, ids=[m.id for m in MEASURES])
def test_the_change_since_last_year_sets_both_hand_worked_values_side_by_side(api, measure):
    """A card's "since last year" compares 2025/26 with the 2024/25 value worked by hand above, and the
    trend chart draws the two years from the same values."""
    value, previous, _ = api.measure_value(measure.id, Filters(year="2025/26"))
    before, now = HAND_WORKED_2024_25[measure.id][0], HAND_WORKED[measure.id][0]
    assert blank(value) == approx(now) and blank(previous) == approx(before)
    trend = api.trend(measure.id, Filters()).set_index("year")
    assert list(trend.index) == ["2024/25", "2025/26"]
    assert blank(trend.value["2024/25"]) == approx(before) and blank(trend.value["2025/26"]) == approx(now), measure.id
    assert trend.n.tolist() == [HAND_WORKED_2024_25[measure.id][1], HAND_WORKED[measure.id][1]]
    if before is not None and now is not None:
        shown = measure.format_change(now - before)
        assert shown == measure.format_change(value - previous)


def test_a_measure_counts_only_the_schools_of_its_scope(api):
    """Elm has no return: counted in the schools in scope, not in any measure of returns, even where the
    lake holds a figure for it (its official inclusion grade)."""
    frame = api.school_year(Filters(year="2025/26")).set_index("urn")
    assert frame.loc[100005, "inclusion_expected_or_above"]
    assert measures.all_school_measures() == ("schools_in_scope", "returns_received", "return_rate")
    for m in measures.flags():
        assert pd.isna(frame.loc[100005, m.column]), m.id        # no return, no flag


def test_a_schools_returns_over_the_years_use_the_same_definitions(api):
    """The school profile's year-by-year figures come from the measures' own SQL, so they match the frame."""
    history = analysis.with_send_figures(api.school_history(100004))
    frame = api.school_year(Filters(year="2025/26")).set_index("urn")
    now = history[history.academic_year == "2025/26"].iloc[0]
    assert now.send_pupils == frame.loc[100004, "send_pupils"] == 3
    assert now.hours_per_10_send == frame.loc[100004, "hours_per_10_send"] == pytest.approx(6.667)


def test_each_section_lists_its_cards_in_their_places():
    assert measures.section("overview.flags") == ["any_flag", "flag_not_qt", "flag_qual_overdue", "flag_no_report"]
    placed: dict[tuple[str, int], str] = {}
    for m in MEASURES:
        for where in m.sections:
            assert where not in placed, f"{m.id} and {placed[where]} both claim {where}"
            placed[where] = m.id
    with pytest.raises(KeyError):
        measures.section("overview.no-such-section")


def test_flags_and_their_kinds_come_from_the_entries():
    statutory = [m.column for m in measures.flags(measures.STATUTORY)]
    assert statutory == ["flag_not_qualified_teacher", "flag_not_working_at_school", "flag_qualification_overdue",
                         "flag_no_sen_report"]
    table = measures.flags_table().set_index("Flag")
    assert table.loc["Shared SENCO who is also a headteacher", "Kind"] == "Check (guidance, not counted)"
    assert "s.69" in table.loc["No SEN information report", "Applies to"]


def test_changes_are_signed_in_the_measure_unit_and_rounding():
    share, hours, count = (MEASURE_BY_ID[m] for m in ("slt_rate", "median_senco_hours", "returns_received"))
    assert share.format_change(0.031) == "+3 pts" and share.format_change(-0.12) == "-12 pts"
    assert hours.format_change(0.5) == "+0.5" and hours.format_change(-1.25) in ("-1.2", "-1.3")
    assert count.format_change(1200) == "+1,200"
    assert share.format_change(None) is None


def test_a_change_that_rounds_to_nothing_says_so_rather_than_showing_a_rise():
    share, hours, count = (MEASURE_BY_ID[m] for m in ("slt_rate", "median_senco_hours", "returns_received"))
    assert share.format_change(0.004) == NO_CHANGE and share.format_change(-0.004) == NO_CHANGE
    assert hours.format_change(0.04) == NO_CHANGE and hours.format_change(0.0) == NO_CHANGE
    assert count.format_change(0) == NO_CHANGE
    assert share.format_change(0.006) == "+1 pts"
