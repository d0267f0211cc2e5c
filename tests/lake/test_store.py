"""The lake file: atomic swaps, readers that follow them, loads that die part-way."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from bench import national
from lake.api import Filters, LakeAPI
from lake.store import LakeMissing, Reader, writing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def count(reader: Reader) -> int:
    return reader.scalar("SELECT count(*) FROM lake_info WHERE key <> 'anon_key'")


def test_reader_sees_each_committed_write_without_reopening(tmp_path):
    path = tmp_path / "senco.duckdb"
    with writing(path) as con:
        con.execute("INSERT INTO lake_info VALUES ('a', '1')")
    reader = Reader(path=path)
    assert count(reader) == 1
    held = reader.cursor()                          # a session still holding the old file open
    with writing(path) as con:
        con.execute("INSERT INTO lake_info VALUES ('b', '2')")
    assert count(reader) == 2
    assert held.execute("SELECT count(*) FROM lake_info WHERE key <> 'anon_key'").fetchall() == [(1,)]   # old snapshot stays consistent


def test_failed_write_leaves_the_file_byte_identical(tmp_path):
    path = tmp_path / "senco.duckdb"
    with writing(path) as con:
        con.execute("INSERT INTO lake_info VALUES ('a', '1')")
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with writing(path) as con:
            con.execute("INSERT INTO lake_info VALUES ('b', '2')")
            raise RuntimeError("disk full")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))
    assert count(Reader(path=path)) == 1


def test_killed_writer_leaves_lake_unchanged_and_next_write_works(tmp_path):
    path = tmp_path / "senco.duckdb"
    with writing(path) as con:
        con.execute("INSERT INTO lake_info VALUES ('a', '1')")
    before = path.read_bytes()
    script = (
        "import os, sys\n"
        f"sys.path.insert(0, {ROOT!r})\n"
        "from lake.store import writing\n"
        f"with writing({str(path)!r}) as con:\n"
        "    con.execute(\"INSERT INTO lake_info VALUES ('b', '2')\")\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -9
    assert path.read_bytes() == before
    with writing(path) as con:                      # the stray build file does not block the next load
        con.execute("INSERT INTO lake_info VALUES ('c', '3')")
    assert count(Reader(path=path)) == 2
    assert not list(tmp_path.glob("*.building-*"))


def test_concurrent_writers_are_serialised_and_none_is_lost(tmp_path):
    path = tmp_path / "senco.duckdb"
    errors = []

    def write(i):
        try:
            with writing(path) as con:
                con.execute("INSERT INTO lake_info VALUES (?, 'x')", [f"k{i}"])
        except Exception as exc:    # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert count(Reader(path=path)) == 6


def test_missing_lake_says_how_to_build_one(tmp_path):
    with pytest.raises(LakeMissing, match="python -m etl demo"):
        Reader(path=tmp_path / "none.duckdb").version()


# ------------------------------------------------------------------ a loader killed mid-way through a large load
def national_returns(path: Path, years: tuple[str, ...] = ("2023/24", "2024/25", "2025/26")) -> int:
    """Three years of SENCO returns from every state-funded school in England, typed the way people
    type them with the usual few mistakes (the national benchmark's seeded generator), as one CSV.
    Returns the number of data rows written."""
    schools, _ = national.read_census()
    names = national.school_names(schools)
    sim = national.simulate(schools, years)
    frame = pd.concat([national.return_rows(schools, names, sim, y) for y in years], ignore_index=True)
    frame.to_csv(path, index=False)
    return len(frame)


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def lake_answers(api) -> dict:
    """What the dashboard would show from this lake: every table, the current year's schools
    and the headline figures the Overview opens with."""
    tables = api._df("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake' "
                     "ORDER BY 1").table_name.tolist()
    assert {"loads", "returns", "returns_history", "rejects", "schools"} <= set(tables)
    out = {t: api._df(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    year = api.current_year()
    out["years"] = api.years()
    out["school_year"] = api.school_year(Filters(year=year))
    out["headlines"] = {m: api.measure_value(m, Filters(year=year))
                        for m in ("schools_in_scope", "returns_received", "median_senco_hours")}
    return out


def assert_same_answers(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[key], value, obj=key)
        else:
            assert got[key] == value, key


def assert_loads_balance(reader: Reader) -> None:
    loads = reader.df("SELECT load_id, rows_read, accepted, rejected, status FROM loads")
    assert len(loads)
    for row in loads.itertuples():
        assert row.rows_read == row.accepted + row.rejected, row
        if row.status != "failed":
            kept = reader.scalar("SELECT count(*) FROM rejects WHERE load_id = ?", [row.load_id])
            assert kept == row.rejected, f"load {row.load_id}: {row.rejected} rejected but {kept} kept in rejects"


def kill_while_writing(lake: Path, returns: Path, env: dict, tmp_path: Path) -> Path:
    """Run `python -m etl load` and SIGKILL it while it is writing: the loader's test hook
    (lake.store._test_hold) stops it once its rows are committed to its private build file,
    before the checkpoint and the swap, and says so in a marker file. Returns that build file."""
    marker = tmp_path / "loader-holding"
    loader = subprocess.Popen([sys.executable, "-m", "etl", "load", str(returns)], cwd=ROOT,
                              env={**env, "SENCO_TEST_HOLD_AT": str(marker)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists() and loader.poll() is None and time.monotonic() < deadline:
            loader_wait(loader)
    finally:
        held = marker.exists()
        if loader.poll() is None:
            os.kill(loader.pid, signal.SIGKILL)
        stderr = loader.communicate(timeout=60)[1].decode(errors="replace")
    assert held, f"the loader never reached its write (exit {loader.returncode}): {stderr[-2000:]}"
    assert loader.returncode == -signal.SIGKILL, stderr[-2000:]
    build = Path(marker.read_text())
    assert build.parent == lake.parent and build.stat().st_size > 0
    return build


def loader_wait(loader: subprocess.Popen) -> None:
    """Wait a moment for the loader to finish or to reach its hold (its marker is checked after)."""
    try:
        loader.wait(timeout=0.05)
    except subprocess.TimeoutExpired:
        pass


@pytest.mark.slow
def test_loader_killed_during_a_large_load_leaves_the_lake_as_it_was(demo_lake, tmp_path):

    lake = tmp_path / demo_lake.name
    returns = tmp_path / "senco_returns_england_SYNTHETIC.csv"
    rows = national_returns(returns)
    assert rows > 50_000
    env = {**os.environ, "SENCO_LAKE": str(lake)}
    shutil.copyfile(demo_lake, lake)
    before_sha = file_sha256(lake)
    open_session = LakeAPI(Reader(path=lake))   # a dashboard that has the lake open throughout
    before = lake_answers(open_session)
    build = kill_while_writing(lake, returns, env, tmp_path)
    assert build.stat().st_size > lake.stat().st_size     # killed with the new rows written to its copy

    assert file_sha256(lake) == before_sha
    assert_same_answers(lake_answers(open_session), before)
    assert_same_answers(lake_answers(LakeAPI(Reader(path=lake))), before)
    assert_loads_balance(Reader(path=lake))

    rerun = subprocess.run([sys.executable, "-m", "etl", "load", str(returns)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    after = Reader(path=lake)
    loads = after.df("SELECT load_id, rows_read, accepted, rejected, status FROM loads WHERE file_name = ?",
                     [returns.name])
    assert len(loads) == 1, loads                   # the killed load left no trace in the load history
    load = loads.iloc[0]
    assert load.status == "loaded" and load.rows_read == rows, rerun.stdout[-2000:] + rerun.stderr
    assert rerun.returncode == (0 if load.rejected == 0 else 1), rerun.stdout[-2000:] + rerun.stderr
    assert (f"total: 1 files, {rows} rows read, {load.accepted} accepted, {load.rejected} rejected"
            in rerun.stdout)
    assert after.scalar("SELECT count(*) FROM returns WHERE load_id = ?", [int(load.load_id)]) == load.accepted
    assert_loads_balance(after)
    assert open_session.reader.scalar("SELECT count(*) FROM loads WHERE file_name = ?", [returns.name]) == 1
    assert not list(tmp_path.glob("*.building-*"))  # the next load cleared what the killed one left
