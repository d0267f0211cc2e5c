"""How a measure's change since last year is written on its headline card."""
from lake.measures import MEASURE_BY_ID, NO_CHANGE


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
