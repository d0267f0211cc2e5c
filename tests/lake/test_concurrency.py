"""A load while several app sessions keep querying: no errors, never a half-loaded lake."""
import subprocess
import sys
import threading

from lake.api import Filters, LakeAPI
from lake.store import Reader, writing
from tests.lake.small_lake import HEADER, build

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_sessions_querying_during_a_load_see_old_or_new_never_half(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    rows = "".join(f"{200000 + i},New School {i},2025/26,primary,100,10,1,6,0,no,yes,in progress,01/09/2024,,1,no,0,"
                   "yes,yes,,not judged\n" for i in range(2000))
    big = tmp_path / "big.csv"
    big.write_text(HEADER + rows)
    api = LakeAPI(Reader(path=lake), cache_size=4)       # one API shared by every session, as in the app
    before = int(api.school_year(Filters(year="2025/26")).has_return.sum())
    seen, errors, stop = set(), [], threading.Event()
    querying = threading.Barrier(5)                  # the four sessions and the test
    new_seen = threading.Event()

    def session():
        first = True
        while not stop.is_set():
            try:
                cur = api.reader.cursor()
                n = cur.execute("SELECT count(*) FROM returns WHERE academic_year = '2025/26'").fetchall()[0][0]
                loads = cur.execute("SELECT count(*) FROM loads").fetchall()[0][0]
                cur.close()
                seen.add((n, loads))
                if n == before + 2000:
                    new_seen.set()
                api.school_year(Filters(year="2025/26", phase=("primary",)))
            except Exception as exc:     # any error is a failure of the design
                errors.append(exc)
            if first:
                first = False
                querying.wait(timeout=60)

    threads = [threading.Thread(target=session) for _ in range(4)]
    for t in threads:
        t.start()
    querying.wait(timeout=60)                        # every session has queried the lake once
    proc = subprocess.run([sys.executable, "-m", "etl", "--lake", str(lake), "load", str(big)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    new_seen.wait(timeout=60)                        # a session has read the new lake
    stop.set()
    for t in threads:
        t.join(30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not errors, errors[:3]
    assert seen <= {(before, 2), (before + 2000, 3)}, seen          # old state or new state, nothing between
    assert (before + 2000, 3) in seen


def test_a_page_draw_answers_every_question_from_the_lake_it_started_on(tmp_path):
    """A page asks many questions while it draws; a load landing half-way must not give the
    first half of the page the old lake and the rest the new one."""
    lake = build(tmp_path / "senco.duckdb")
    shared = LakeAPI(Reader(path=lake))
    f = Filters(year="2025/26")
    draw = shared.snapshot()                                    # a page starts drawing
    before = int(draw.school_year(f).has_return.sum())
    slt_before = draw.measure_value("slt_rate", f)
    with writing(lake) as con:                                   # a load lands mid-draw
        con.execute("DELETE FROM returns WHERE academic_year = '2025/26' AND urn = 100001")
    assert draw.measure_value("returns_received", f)[0] == before          # the rest of the page: same lake
    assert draw.measure_value("slt_rate", f) == slt_before
    assert draw.reader.scalar("SELECT count(*) FROM returns WHERE academic_year = '2025/26'") == before
    nxt = shared.snapshot()                                     # the next draw sees the load
    assert int(nxt.school_year(f).has_return.sum()) == before - 1
    assert nxt.measure_value("returns_received", f)[0] == before - 1
    # the old draw, still open, keeps its answers; both versions are served side by side
    assert int(draw.school_year(f).has_return.sum()) == before
    assert int(shared.school_year(f).has_return.sum()) == before - 1


def test_an_old_draw_never_pushes_the_newest_answers_out_of_the_cache(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    shared = LakeAPI(Reader(path=lake))
    f = Filters(year="2025/26")
    oldest = shared.snapshot()
    oldest.school_year(f)
    for urn in (100001, 100002):                                 # two loads land
        with writing(lake) as con:
            con.execute("DELETE FROM returns WHERE academic_year = '2025/26' AND urn = ?", [urn])
        shared.snapshot().school_year(f)
    newest = shared.version()
    oldest.school_year(Filters(year="2025/26", phase=("primary",)))   # a slow old draw finishes late
    assert newest in shared._cache.by_version and oldest.version() not in shared._cache.by_version
    assert len(shared._cache.by_version) <= 2
