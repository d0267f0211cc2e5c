"""A view pinned to a date (?as_at=...) shows each school's return as it stood then: later returns and
resubmissions, kept in returns_history, are left out; unpinned, the same filters show the latest."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.load import load_returns
from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.lake.small_lake import HEADER, build

FIRST_LOAD = dt.datetime(2026, 1, 10, 9, 0)
LATER = HEADER + (
    "100002,Beech Primary,2025/26,primary,100,10,0,9,15,no,yes,in progress,01/09/2019,DSL; headteacher,2,no,0,no,yes,"
    "01/03/2022,good or better\n"
    "100005,Elm Primary,2025/26,primary,300,30,3,12,0,yes,yes,NASENCO held,01/09/2018,,1,yes,5,yes,yes,,not judged\n")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    lake = build(tmp_path_factory.mktemp("as-at") / "lake.duckdb")
    con = duckdb.connect(str(lake))
    try:
        con.execute("UPDATE loads SET loaded_at = ?", [FIRST_LOAD])
    finally:
        con.close()
    assert load_returns([("later.csv", LATER.encode())], lake)[0].accepted == 2     # loaded now, after the pin
    return LakeAPI(Reader(path=lake))


def returned(frame):
    rows = frame[frame.has_return.astype(bool)]
    return dict(zip(rows.urn.astype(int), rows.senco_hours_per_week))


def test_unpinned_shows_the_latest_returns(api):
    assert returned(api.school_year(Filters(year="2025/26"))) == {100001: 9.75, 100002: 9.0, 100003: 30.0,
                                                                  100004: 2.0, 100005: 12.0}


def test_pinned_to_the_day_of_the_first_load_shows_the_returns_as_they_stood(api):
    pinned = Filters(year="2025/26", as_at=FIRST_LOAD.date())
    assert returned(api.school_year(pinned)) == {100001: 9.75, 100002: 3.0, 100003: 30.0, 100004: 2.0}
    value, _, n = api.measure_value("returns_received", pinned)
    assert (value, n) == (4, 5)


def test_pinned_to_a_moment_counts_loads_up_to_that_second(api):
    assert len(returned(api.school_year(Filters(year="2025/26", as_at=FIRST_LOAD)))) == 4
    assert returned(api.school_year(Filters(year="2025/26", as_at=FIRST_LOAD - dt.timedelta(seconds=1)))) == {}


def test_pinned_before_any_load_shows_no_returns(api):
    assert returned(api.school_year(Filters(year="2025/26", as_at=dt.date(2026, 1, 9)))) == {}
