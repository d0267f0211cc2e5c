"""The tools around the lake under a careless or hostile user: the command line ends every
fault of the lake, the disk or a setting in one line and a documented exit code; restore
writes only inside its folder; loads keep the lake's mode and keep raw returns private;
the demo never deletes returns it did not make; a failed file reloaded changes nothing;
a batch holding one school twice says which row wins."""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from etl import __main__ as cli
from etl import load
from etl.load import check_returns, load_returns
from lake.backup import backup
from lake.store import LakeDamaged, Reader, raw_dir

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "files"
GOOD = (CORPUS / "01_clean_snake_case_utf8.csv").read_bytes()


def etl(*args: str, env: dict | None = None, lake: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    if lake is not None:
        full_env["SENCO_LAKE"] = str(lake)
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=300)


def one_line_problem(proc: subprocess.CompletedProcess) -> str:
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    assert proc.returncode == 3, (proc.returncode, out)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    return lines[0]


# ------------------------------------------------------------------ lake and settings faults

@pytest.mark.parametrize("content", [b"", b"not a database" * 100], ids=["empty", "garbage"])
def test_a_damaged_lake_is_one_line_and_exit_3(tmp_path, content):
    lake = tmp_path / "senco.duckdb"
    lake.write_bytes(content)
    line = one_line_problem(etl("load", str(CORPUS / "01_clean_snake_case_utf8.csv"), lake=lake))
    assert "damaged" in line and "etl restore" in line
    assert lake.read_bytes() == content                  # nothing changed
    with pytest.raises(LakeDamaged, match="restore"):
        Reader(path=lake).scalar("SELECT 1")


@pytest.mark.parametrize(("setting", "value", "says"), [
    *(("SENCO_SCHOOL_DAY_HOURS", v, "from 1 to 12") for v in ("abc", "0", "-3", "nan", "inf", "100")),
    *(("SENCO_COLLECTION_DEADLINE", v, "YYYY-MM-DD") for v in ("18/12/2026", "2026-13-01", "tomorrow", "1999-12-18")),
])
def test_a_nonsense_setting_is_refused_at_start(tmp_path, setting, value, says):
    lake = tmp_path / "senco.duckdb"
    line = one_line_problem(etl("load", str(CORPUS / "01_clean_snake_case_utf8.csv"), lake=lake, env={setting: value}))
    assert setting in line and says in line
    assert not lake.exists()


def test_an_unwritable_lake_folder_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lake's folder should be")
    line = one_line_problem(etl("load", str(CORPUS / "01_clean_snake_case_utf8.csv"),
                                lake=blocker / "senco.duckdb"))
    assert "nothing was changed" in line


def test_an_unreadable_file_fails_alone(tmp_path, monkeypatch, capsys):
    """A file that cannot be opened (permissions; root reads everything, so the failure is made)."""
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "a_good.csv").write_bytes(GOOD)
    (folder / "b_locked.csv").write_bytes(b"secret")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "b_locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code = cli.main(["--lake", str(tmp_path / "senco.duckdb"), "load", str(folder)])
    out = capsys.readouterr().out
    assert code == 1
    assert "b_locked.csv: not loaded: the file cannot be opened (Permission denied)" in out
    assert "a_good.csv: 6 rows read, 6 accepted, 0 rejected" in out


def test_a_full_disk_is_one_line_and_the_lake_unchanged(tmp_path, monkeypatch, capsys):

    lake = tmp_path / "senco.duckdb"
    load_returns([("a.csv", GOOD)], lake)
    before = lake.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "senco-raw"))
    monkeypatch.setattr(load, "keep_raw", full)
    code = cli.main(["--lake", str(lake), "load", str(CORPUS / "02_template_labels_utf8_bom.csv")])
    err = capsys.readouterr().err
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert "No space left on device" in err and "free some disk space" in err and "nothing was changed" in err
    assert lake.read_bytes() == before


# ------------------------------------------------------------------ modes

def test_loads_keep_the_lake_mode_and_raw_files_private(tmp_path):
    lake = tmp_path / "senco.duckdb"
    load_returns([("a.csv", GOOD)], lake)
    assert stat.S_IMODE(lake.stat().st_mode) & 0o007 == 0          # a new lake: not world-readable
    os.chmod(lake, 0o600)
    load_returns([("b.csv", (CORPUS / "02_template_labels_utf8_bom.csv").read_bytes())], lake)
    assert stat.S_IMODE(lake.stat().st_mode) == 0o600
    for p in raw_dir(lake).rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) & 0o007 == 0, p
    backup(tmp_path / "lake.tar.gz", lake)
    assert stat.S_IMODE((tmp_path / "lake.tar.gz").stat().st_mode) == 0o600


# ------------------------------------------------------------------ restore

def _tampered_backup(tmp_path: Path, bad_path: str) -> Path:
    lake = tmp_path / "src" / "senco.duckdb"
    load_returns([("a.csv", GOOD)], lake)
    archive = tmp_path / "lake.tar.gz"
    manifest = backup(archive, lake)
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    payload = b"planted"
    manifest["raw"].append({"path": bad_path, "sha256": hashlib.sha256(payload).hexdigest()})
    members["raw/" + bad_path] = payload
    members["manifest.json"] = json.dumps(manifest).encode()
    out = tmp_path / "tampered.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


@pytest.mark.parametrize("bad", ["../../escaped.txt", "/tmp/h11-absolute-escape.txt", "ab/../../x.txt"])
def test_restore_refuses_paths_outside_its_folder(tmp_path, bad):
    archive = _tampered_backup(tmp_path, bad)
    target = tmp_path / "restored" / "senco.duckdb"
    proc = etl("restore", str(archive), lake=target)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "outside its folder" in proc.stderr
    assert not target.exists()
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/h11-absolute-escape.txt").exists()


# ------------------------------------------------------------------ reloading, batches

def test_reloading_a_failed_file_adds_no_loads_row(tmp_path):
    lake = tmp_path / "senco.duckdb"
    bad = (CORPUS / "36_unclosed_quote.csv").read_bytes()
    [first] = load_returns([("bad.csv", bad)], lake)
    [again] = load_returns([("bad.csv", bad)], lake)
    assert first.status == again.status == "failed" and again.load_id == first.load_id
    assert Reader(path=lake).scalar("SELECT count(*) FROM loads") == 1


def test_a_batch_with_one_school_twice_says_which_row_wins(tmp_path):
    lake = tmp_path / "senco.duckdb"
    lines = GOOD.decode().splitlines()
    later = "\r\n".join([lines[0], lines[1].replace("9.75", "12").replace("1.5 days", "12")]) + "\r\n"
    outcomes = load_returns([("a_first.csv", GOOD), ("b_later.csv", later.encode())], lake)
    notes = outcomes[1].batch_notes
    assert len(notes) == 1 and "row 2 here replaces row 2 of a_first.csv" in notes[0] and "later" in notes[0]
    assert notes[0] in "\n".join(outcomes[1].report_lines())
    urn = int(lines[1].split(",")[0])
    assert Reader(path=lake).scalar("SELECT senco_hours_per_week FROM returns WHERE urn = ?", [urn]) == 12


# ------------------------------------------------------------------ refusing nonsense

def test_years_ahead_are_judged_against_today():
    data = b"urn,school_name,academic_year\r\n117725,A School,2027/28\r\n117726,B School,2028/29\r\n"
    before_september = check_returns(data, "y.csv", today=dt.date(2026, 8, 31))     # current year 2025/26
    assert [r.row_number for r in before_september.rejects] == [2, 3]
    in_september = check_returns(data, "y.csv", today=dt.date(2026, 9, 1))          # current year 2026/27
    assert [r.row_number for r in in_september.rejects] == [3]


# ------------------------------------------------------------------ the demo

def test_the_demo_never_deletes_returns_it_did_not_make(tmp_path):
    lake = tmp_path / "senco.duckdb"
    load_returns([("real_returns.csv", GOOD)], lake)
    lake.unlink()                                  # the lake file gone, its raw returns still beside it
    kept = sorted(p for p in raw_dir(lake).rglob("*") if p.is_file())
    proc = etl("demo", lake=lake)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "did not make" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p for p in raw_dir(lake).rglob("*") if p.is_file()) == kept
    assert not lake.exists()


def test_the_demo_leaves_a_damaged_lake_alone(tmp_path):
    lake = tmp_path / "senco.duckdb"
    lake.write_bytes(b"\x00" * 4096)
    proc = etl("demo", lake=lake)
    assert proc.returncode == 2 and "cannot be read" in proc.stderr
    assert lake.read_bytes() == b"\x00" * 4096
