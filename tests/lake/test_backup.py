"""Backup and restore of the lake and its raw files."""
import subprocess
import sys

import pytest

from lake.api import Filters, LakeAPI
from lake.backup import BackupError, backup, restore
from lake.store import Reader, raw_dir, writing
from tests.lake.small_lake import build

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_backup_then_restore_brings_back_the_lake_and_raw_files(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    api = LakeAPI(Reader(path=lake))
    before = api.school_year(Filters(year="2025/26"))
    raws_before = sorted(p.read_bytes() for p in raw_dir(lake).rglob("*") if p.is_file())
    archive = tmp_path / "backup.tar.gz"
    manifest = backup(archive, lake)
    assert len(manifest["raw"]) == 2
    with writing(lake) as con:                          # something goes wrong after the backup
        con.execute("DELETE FROM returns")
    assert api.school_year(Filters(year="2025/26")).has_return.sum() == 0
    restore(archive, lake)
    after = api.school_year(Filters(year="2025/26"))
    assert after.has_return.sum() == before.has_return.sum() == 4
    assert sorted(p.read_bytes() for p in raw_dir(lake).rglob("*") if p.is_file()) == raws_before


def test_restore_refuses_a_damaged_or_foreign_archive_and_keeps_the_lake(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    before = lake.read_bytes()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(BackupError, match="not a lake backup"):
        restore(junk, lake)
    assert lake.read_bytes() == before


def test_cli_backup_and_restore(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    archive = tmp_path / "b.tar.gz"
    env = {"SENCO_LAKE": str(lake), "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "etl", *a], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=120)
    assert run("backup", str(archive)).returncode == 0
    bad = run("restore", str(tmp_path / "missing.tar.gz"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert run("restore", str(archive)).returncode == 0
