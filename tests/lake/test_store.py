"""The lake file: atomic swaps, readers that follow them, loads that die part-way."""
import os
import subprocess
import sys
import threading

import pytest

from lake.store import LakeMissing, Reader, writing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def count(reader: Reader) -> int:
    return reader.scalar("SELECT count(*) FROM lake_info")


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
    assert held.execute("SELECT count(*) FROM lake_info").fetchall() == [(1,)]   # old snapshot stays consistent


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
