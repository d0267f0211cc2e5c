"""The loader's faster paths give what the plain ones give.

* `_check_distinct` checks many distinct URNs, names and counts at once with Arrow; the
  result must be what `_plain` and the parsers give one value at a time.
* A load into an empty `returns` fills it without its primary key and adds the key at the
  end (`lake.store.returns_key_checked_at_end`); the table must come out as SCHEMA defines
  it, and a duplicate key must still fail the whole write.
* `writing()` attaches the build file with smaller row groups and without DuckDB's fsyncs;
  everything committed must be in the file it swaps in.
* The first file of a load into a lake that does not exist yet is checked while the build
  file is prepared; two such loads of the same file at once must still load it only once.
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pytest

from domain.columns import COLUMN_BY_NAME
from domain.tables import SCHEMA
from etl import load, validate
from lake.store import BUILD_ROW_GROUP_SIZE, Reader, returns_key_checked_at_end, writing

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 11, 1)

AWKWARD = ["117725", " 117725 ", "117725.0", "11772", "1177250", "", "n/a", "N/A", "NULL", "Unknown", "tbc",
           "117,725", "１１７７２５", "\u00a0117728", "0", "00", "-3", "+3", "12.5", "1e3", "١٢٣", "none",
           "nil",
           "10000", "10001", "50", "51", "1", "999999999999999", "9999999999999999", "Alkborough Primary",
           "  Spaced   Name ", "x" * 200, "x" * 201, "Ünïcödé School", "Tab\tName", "O'Brien's", "a  b", " lead",
           "trail ", "=HYPERLINK(\"x\")", "Name\u2003with em space", "two hundred", "\ud800"]


def one_by_one(column, uniques):
    """_check_distinct as it is without the Arrow pass."""
    real = validate._plain_many
    validate._plain_many = lambda *a: None
    try:
        return validate._check_distinct(column, uniques, 6.5, TODAY)
    finally:
        validate._plain_many = real


def typed(values):
    return [(type(v).__name__, v) for v in values]


@pytest.mark.parametrize("name", ["urn", "school_name", "number_on_roll", "senco_shared_schools"])
def test_many_distinct_values_are_checked_as_one_at_a_time(name):
    column = COLUMN_BY_NAME[name]
    uniques = AWKWARD + [str(100000 + i) for i in range(80)] + [f"School {i}" for i in range(80)]
    for values in (uniques, [u for u in uniques if u != "\ud800"], uniques + [1.0, None]):
        got, want = validate._check_distinct(column, values, 6.5, TODAY), one_by_one(column, values)
        assert typed(got[0]) == typed(want[0])
        assert got[1:] == want[1:]


def returns_sql(con) -> str:
    return con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'returns'").fetchall()[0][0]


def test_a_load_into_a_new_lake_leaves_returns_as_schema_defines_it(tmp_path):
    lake = tmp_path / "senco.duckdb"
    load.load_returns([("good.csv", (ROOT / "tests" / "fixtures" / "returns" / "good.csv").read_bytes())],
                      lake, today=TODAY)
    reference = duckdb.connect(":memory:")
    reference.execute(SCHEMA)
    loaded = duckdb.connect(str(lake), read_only=True)
    try:
        assert returns_sql(loaded) == returns_sql(reference)
        constraints = "SELECT constraint_type, constraint_text FROM duckdb_constraints() " \
                      "WHERE table_name = 'returns' ORDER BY ALL"
        assert loaded.execute(constraints).fetchall() == reference.execute(constraints).fetchall()
        assert loaded.execute("SELECT count(*) FROM returns").fetchall()[0][0] > 0
    finally:
        loaded.close()
        reference.close()
    with writing(lake) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO returns (urn, academic_year) SELECT urn, academic_year FROM returns LIMIT 1")


def test_a_duplicate_key_still_fails_the_whole_write(tmp_path):
    lake = tmp_path / "senco.duckdb"
    with writing(lake) as con:
        con.execute("INSERT INTO lake_info VALUES ('k', 'v')")
    before = lake.read_bytes()
    with pytest.raises(duckdb.Error):
        with writing(lake) as con, returns_key_checked_at_end(con):
            con.execute("INSERT INTO returns (urn, academic_year) VALUES (100000, '2025/26'), (100000, '2025/26')")
    assert lake.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))


def test_every_committed_row_is_in_the_swapped_in_file(tmp_path):
    lake = tmp_path / "senco.duckdb"
    rows = BUILD_ROW_GROUP_SIZE + 5000
    with writing(lake) as con:
        con.execute("INSERT INTO lake_info SELECT 'k' || i, 'v' FROM range(?) t(i)", [rows])
    assert not Path(str(lake) + ".wal").exists()
    reader = Reader(path=lake)
    assert reader.scalar("SELECT count(*) FROM lake_info WHERE key <> 'anon_key'") == rows
    assert reader.scalar("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('lake_info')") == 2


def test_two_loads_of_one_file_into_a_new_lake_at_once_load_it_once(tmp_path):
    lake = tmp_path / "senco.duckdb"
    data = (ROOT / "tests" / "fixtures" / "returns" / "mixed.csv").read_bytes()
    results, errors = [], []

    def run():
        try:
            results.extend(load.load_returns([("mixed.csv", data)], lake, today=TODAY))
        except Exception as exc:        # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(o.status for o in results) == ["loaded", "unchanged"]
    reader = Reader(path=lake)
    assert reader.scalar("SELECT count(*) FROM loads") == 1
    loaded = next(o for o in results if o.status == "loaded")
    assert reader.scalar("SELECT count(*) FROM rejects") == loaded.rejected
    assert reader.scalar("SELECT count(*) FROM returns") == loaded.accepted
