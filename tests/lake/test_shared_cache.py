"""The read API's cache is shared by every session: sessions asking at the same moment get one
computation and the same figures, and a load (which swaps in a new lake file) is seen next time."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import threading

import pandas as pd

from etl.load import load_returns
from lake import migrations
from lake.api import _MISS, Filters, LakeAPI
from lake.store import Reader, writing
from tests.lake.small_lake import HEADER, build
from tests.lake.test_migrations import OLD_LAKES, copy_lake
from ui.help import as_at_line

F = Filters(year="2025/26")
NEXT_YEAR = ("100001,Ash Primary,2026/27,primary,215,26,5,10,10,yes,yes,NASENCO held,01/09/2015,,1,no,2,yes,yes,"
             "01/03/2022,good or better\n")
SESSIONS = 10


class CountingReader(Reader):
    """A reader that counts the school-year queries it runs and, once `hold` is set, keeps the
    first one waiting until every session has asked and missed the cache."""

    def __init__(self, path):
        super().__init__(path=path)
        self.frame_queries = 0
        self.hold: threading.Event | None = None

    def df(self, sql, params=None):
        if "WITH yr AS" in sql:
            self.frame_queries += 1
            if self.hold is not None:
                assert self.hold.wait(timeout=30), "the sessions never all asked"
        return super().df(sql, params)


def sessions_at_once(ask) -> list:
    """`ask()` from SESSIONS threads released together, as ten page runs would."""
    start = threading.Barrier(SESSIONS)
    answers: list = [None] * SESSIONS
    errors: list = []

    def one(i):
        try:
            start.wait(timeout=30)
            answers[i] = ask()
        except Exception as exc:          # noqa: BLE001 (collected and asserted below)
            errors.append(exc)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors[:3]
    return answers


def test_ten_sessions_missing_the_same_frame_at_once_query_the_lake_once(tmp_path):
    reader = CountingReader(build(tmp_path / "senco.duckdb"))
    api = LakeAPI(reader)
    api.current_year()                              # the years are known; the frame is not
    misses = 0
    lock = threading.Lock()
    get = api._cache.get

    def counting_get(version, key):
        nonlocal misses
        hit = get(version, key)
        if key[0] == "school_year" and hit is _MISS:
            with lock:
                misses += 1
                if misses >= SESSIONS:              # every session has asked and found nothing yet
                    reader.hold.set()
        return hit
    api._cache.get = counting_get
    reader.hold = threading.Event()
    frames = sessions_at_once(lambda: api.school_year(F))   # the shared API's reader counts
    assert reader.frame_queries == 1
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])
    assert int(frames[0].has_return.sum()) == 4


def test_two_sessions_get_the_same_figures_and_a_load_shows_on_the_next_call(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    api = LakeAPI(Reader(path=lake))              # one API shared by every session, as in the app
    first, second = api.snapshot(), api.snapshot()
    pd.testing.assert_frame_equal(first.school_year(F), second.school_year(F))
    assert first.measure_value("returns_received", F) == second.measure_value("returns_received", F)
    assert first.measure_value("returns_received", F)[0] == 4
    hours = sorted(first.school_year(F).senco_hours_per_week.dropna())
    assert hours == [2.0, 3.0, 9.75, 30.0]

    with writing(lake) as con:                    # a load: the lake file is swapped for a new one
        con.execute("UPDATE returns SET senco_hours_per_week = 12 WHERE urn = 100002 AND academic_year = '2025/26'")
        con.execute("DELETE FROM returns WHERE urn = 100004 AND academic_year = '2025/26'")

    after = [api.snapshot(), api.snapshot()]
    assert [a.measure_value("returns_received", F)[0] for a in after] == [3, 3]
    assert [sorted(a.school_year(F).senco_hours_per_week.dropna()) for a in after] == [[9.75, 12.0, 30.0]] * 2
    assert sorted(api.school_year(F).senco_hours_per_week.dropna()) == [9.75, 12.0, 30.0]


def test_the_schema_is_checked_again_when_an_older_lake_is_swapped_in(tmp_path):
    lake = build(tmp_path / "current" / "senco.duckdb")
    api = LakeAPI(Reader(path=lake))
    written = os.stat(lake)
    assert api.upgrade_if_needed() is False         # checked, and remembered for this lake file
    assert api.upgrade_if_needed() is False
    assert (os.stat(lake).st_ino, os.stat(lake).st_mtime_ns) == (written.st_ino, written.st_mtime_ns)  # not rewritten
    (tmp_path / "old").mkdir()
    old = copy_lake(OLD_LAKES[0], tmp_path / "old")    # a lake restored from an older release's backup
    os.replace(old, lake)
    shutil.rmtree(tmp_path / "old", ignore_errors=True)
    assert api.upgrade_if_needed() is True
    assert api.upgrade_if_needed() is False
    assert api.reader.scalar("SELECT max(version) FROM lake_schema") == migrations.CURRENT


def test_the_data_as_at_line_under_every_title_follows_a_load(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    api = LakeAPI(Reader(path=lake))
    line = as_at_line(api.snapshot())
    assert "SENCO returns 2024/25 to 2025/26" in line
    assert as_at_line(api.snapshot()) == line                   # the next run: the same line
    [outcome] = load_returns([("next.csv", (HEADER + NEXT_YEAR).encode())], lake, today=dt.date(2026, 11, 20))
    assert outcome.status == "loaded", outcome.message
    assert "SENCO returns 2024/25 to 2026/27" in as_at_line(api.snapshot())
