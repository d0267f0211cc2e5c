"""Lakes written by earlier releases open, upgrade, load and show with today's code."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load import load_returns
from lake import migrations
from lake.api import Filters, LakeAPI
from lake.store import Reader, upgrade, writing

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lakes"
OLD_LAKES = sorted(FIXTURES.glob("v*.duckdb"))


def copy_lake(source: Path, folder: Path) -> Path:
    """A private copy of a committed lake and its raw files (the fixture itself is never changed)."""
    target = folder / "senco.duckdb"
    shutil.copyfile(source, target)
    raw = source.with_name(source.stem + "-raw")
    if raw.is_dir():
        shutil.copytree(raw, folder / "senco-raw")
    return target


def columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each table's (column, type) pairs, sorted: a migration adds columns at the end of a table,
    where a new lake has them in definition order, and every statement names its columns."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "ORDER BY table_name, ordinal_position").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return {table: sorted(cols) for table, cols in out.items()}


def row_counts(path: Path, tables) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def version(path: Path) -> int | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return migrations.version_of(con)
    finally:
        con.close()


@pytest.mark.parametrize("old", OLD_LAKES, ids=lambda p: p.stem)
def test_an_old_lake_upgrades_keeping_every_row_and_matches_a_new_lake(old, tmp_path):
    lake = copy_lake(old, tmp_path)
    before_version = version(lake)
    assert before_version < migrations.CURRENT
    tables = [t for t in columns(lake)]
    before = row_counts(lake, tables)

    api = LakeAPI(Reader(path=lake))
    assert api.upgrade_if_needed() is True
    assert version(lake) == migrations.CURRENT
    assert row_counts(lake, tables) == {**before, "lake_info": before["lake_info"] + 1}   # + its anon key

    fresh = tmp_path / "new" / "senco.duckdb"
    with writing(fresh):
        pass
    assert columns(lake) == columns(fresh), "a schema change without a migration step (lake/migrations.py)"
    assert LakeAPI(Reader(path=lake)).upgrade_if_needed() is False      # once is enough


@pytest.mark.parametrize("old", OLD_LAKES, ids=lambda p: p.stem)
def test_an_upgraded_lake_keeps_its_answers_and_takes_new_returns(old, tmp_path):
    lake = copy_lake(old, tmp_path)
    upgrade(lake)
    api = LakeAPI(Reader(path=lake))
    assert api.years() == ["2025/26", "2024/25"]
    frame = api.school_year(Filters(year="2025/26"))
    assert set(frame.loc[frame.has_return.astype(bool), "urn"]) >= {100001, 100002, 100003, 100004}
    assert len(api.rejects()) == 5
    new_return = (b"urn,school_name,academic_year,senco_hours_per_week\n"
                  b"100005,Elm Primary,2025/26,1.5 days\n")
    outcome, = load_returns([("elm.csv", new_return)], lake, today=dt.date(2026, 1, 10))
    assert (outcome.accepted, outcome.rejected) == (1, 0)
    frame = LakeAPI(Reader(path=lake)).school_year(Filters(year="2025/26"))
    assert frame.set_index("urn").loc[100005, "senco_hours_per_week"] == 9.75


def test_each_lake_gets_its_own_random_anonymisation_key(tmp_path):
    keys = []
    for name in ("a", "b"):
        path = tmp_path / name / "senco.duckdb"
        with writing(path):
            pass
        keys.append(LakeAPI(Reader(path=path)).info()["anon_key"])
    assert keys[0] != keys[1] and all(len(k) == 64 for k in keys)


def test_a_failed_upgrade_leaves_the_old_lake_byte_identical(tmp_path, monkeypatch):
    lake = copy_lake(OLD_LAKES[0], tmp_path)
    before = lake.read_bytes()

    def broken(con):
        raise RuntimeError("disk full")
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, migrations.Step(99, "broken", broken)))
    monkeypatch.setattr(migrations, "CURRENT", 99)
    with pytest.raises(RuntimeError, match="disk full"):
        upgrade(lake)
    assert lake.read_bytes() == before
    assert version(lake) == 1


def test_a_lake_from_a_newer_release_is_refused_with_one_line(tmp_path, monkeypatch):
    lake = tmp_path / "senco.duckdb"
    with writing(lake):
        pass
    monkeypatch.setattr(migrations, "CURRENT", migrations.CURRENT - 1)
    with pytest.raises(migrations.LakeTooNew, match="newer than this release"):
        upgrade(lake)


@pytest.mark.parametrize("old", OLD_LAKES, ids=lambda p: p.stem)
def test_returns_loaded_before_the_lawful_flag_fields_still_show_and_new_ones_load(old, tmp_path):
    lake = copy_lake(old, tmp_path)
    before = LakeAPI(Reader(path=lake))
    old_rows = len(before._df("SELECT * FROM returns"))
    upgrade(lake)
    api = LakeAPI(Reader(path=lake))
    returns = api._df("SELECT * FROM returns")
    assert len(returns) == old_rows
    assert set(migrations.LAWFUL_FLAG_FIELDS) <= set(returns.columns)
    assert returns[list(migrations.LAWFUL_FLAG_FIELDS)].isna().all().all()       # blank, not invented
    frame = api.school_year(Filters(year="2025/26")).set_index("urn")
    assert frame.has_return.astype(bool).sum() >= 4
    # Without the date the SENCO first became one, the 12-month exemption is unknown: not an alarm.
    overdue = frame["flag_qualification_overdue"]
    assert not overdue.fillna(False).any() and overdue.isna().sum() >= 3
    new_return = (b"urn,school_name,academic_year,senco_hours_per_week,senco_time_enough,senco_works_at_school,"
                  b"senco_qualification,senco_qualification_course,senco_qualification_course_started,"
                  b"senco_appointed_date,senco_first_senco_date,sen_information_report_updated\n"
                  b"100005,Elm Primary,2025/26,6,no,yes,in progress,NASENCO,01/09/2024,01/09/2020,01/09/2020,"
                  b"15/09/2025\n")
    outcome, = load_returns([("elm.csv", new_return)], lake, today=dt.date(2026, 1, 10))
    assert (outcome.accepted, outcome.rejected) == (1, 0)
    elm = LakeAPI(Reader(path=lake)).school_year(Filters(year="2025/26")).set_index("urn").loc[100005]
    assert elm["time_not_enough"] and elm["senco_qualification_course"] == "NASENCO"
    assert elm["flag_course_will_not_count"] and elm["flag_qualification_overdue"]
