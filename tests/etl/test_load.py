"""Loading return files into the lake (etl/load.py, lake/store.py) and the `python -m etl load` CLI."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import duckdb
import pytest

import etl.load
from etl.load import load_returns, sha256
from lake.store import Reader, raw_dir

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "returns"
TODAY = dt.date(2025, 11, 1)

HEADER = "urn,school_name,academic_year,number_on_roll,sen_support_pupils,ehcp_pupils,senco_hours_per_week,senco_on_slt"


def csv_bytes(*rows: str) -> bytes:
    return ("\r\n".join((HEADER, *rows)) + "\r\n").encode()


def fixture(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


def query(lake: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read the lake as the app does: a fresh in-memory database with the file attached read-only."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{lake}' AS lake (READ_ONLY)")
        con.execute("USE lake")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def count(lake: Path, table: str) -> int:
    return query(lake, f"SELECT count(*) FROM {table}")[0][0]


@pytest.fixture
def lake(tmp_path) -> Path:
    return tmp_path / "lake" / "senco.duckdb"


@pytest.fixture(autouse=True)
def _default_school_day(monkeypatch):
    """The expected values use the documented 6.5-hour school day, whatever the shell sets."""
    monkeypatch.delenv("SENCO_SCHOOL_DAY_HOURS", raising=False)


# ------------------------------------------------------------------ one batch

def test_mixed_file_loads_good_rows_and_keeps_bad_ones_as_rejects(lake):
    [outcome] = load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    assert outcome.status == "loaded"
    assert (outcome.rows_read, outcome.accepted, outcome.rejected) == (7, 2, 5)
    assert query(lake, "SELECT urn, senco_hours_per_week, source_row FROM returns ORDER BY urn") == [
        (117725, 9.75, 2), (117730, 4.0, 6)]
    rejects = query(lake, "SELECT row_number, urn, reasons, codes, problems FROM rejects ORDER BY row_number")
    assert [r[0] for r in rejects] == [3, 4, 5, 7, 8]
    assert [r[3] for r in rejects] == ["required-missing", "send-above-roll", "hours-as-share",
                                       "duplicate-in-file", "duplicate-in-file"]
    assert [[(p["code"], p["column"]) for p in json.loads(r[4])] for r in rejects][:3] == [
        [("required-missing", "urn")], [("send-above-roll", "number_on_roll")],
        [("hours-as-share", "senco_hours_per_week")]]
    reasons = {r[0]: r[2] for r in rejects}            # the school's own figures, in the reason it is sent
    assert "55" in reasons[4] and "(50)" in reasons[4]
    assert "20%" in reasons[5]
    assert "rows 7, 8" in reasons[7] and "rows 7, 8" in reasons[8]
    assert rejects[1][1] == "117728"


def test_loads_table_accounts_for_every_row(lake):
    outcomes = load_returns([fixture("mixed.csv"), fixture("good.csv")], lake_path=lake, today=TODAY)
    loads = query(lake, "SELECT load_id, file_name, rows_read, accepted, rejected, status, kind FROM loads "
                        "ORDER BY load_id")
    assert [(ld[1], ld[2], ld[3], ld[4], ld[5], ld[6]) for ld in loads] == [
        ("mixed.csv", 7, 2, 5, "loaded", "returns"), ("good.csv", 3, 3, 0, "loaded", "returns")]
    assert all(ld[2] == ld[3] + ld[4] for ld in loads)
    assert [o.load_id for o in outcomes] == [ld[0] for ld in loads]
    # every row read is an accepted submission (history) or a reject
    assert count(lake, "returns_history") + count(lake, "rejects") == sum(ld[2] for ld in loads) == 10
    # good.csv resubmits 117725 (also in mixed.csv), so 4 schools are current
    assert count(lake, "returns") == 4


def test_normalised_values_and_conversion_notes_reach_the_lake(lake):
    load_returns([fixture("good.csv")], lake_path=lake, today=TODAY)
    rows = query(lake, "SELECT urn, academic_year, phase, senco_hours_per_week, senco_on_slt, senco_qualification, "
                       "senco_appointed_date, senco_other_roles, ofsted_send_progress, conversion_notes, source_file "
                       "FROM returns ORDER BY urn")
    assert rows[0] == (117725, "2025/26", "primary", 9.75, True, "NASENCO held", dt.date(2021, 9, 1),
                       "DSL; class teacher", "good or better",
                       "SENCO hours per week: converted '1.5 days' at 6.5 hours a day", "good.csv")
    assert rows[2][6] == dt.date(2019, 9, 1) and rows[2][7] is None
    assert [r[1] for r in rows] == ["2025/26"] * 3


def test_rejects_keep_the_raw_cells_as_json(lake):
    data = csv_bytes("117728,Over Roll Primary,2025/26,50,48,7, 6 hrs ,Yes", "  ,Café Nameless,25-26,,,,,")
    load_returns([("r.csv", data)], lake_path=lake, today=TODAY)
    raws = [json.loads(r[0]) for r in query(lake, "SELECT raw_values FROM rejects ORDER BY row_number")]
    assert raws[0] == {"urn": "117728", "school_name": "Over Roll Primary", "academic_year": "2025/26",
                       "number_on_roll": "50", "sen_support_pupils": "48", "ehcp_pupils": "7",
                       "senco_hours_per_week": " 6 hrs ", "senco_on_slt": "Yes"}
    assert raws[1]["school_name"] == "Café Nameless" and raws[1]["academic_year"] == "25-26"


def test_raw_file_is_kept_byte_for_byte(lake):
    name, data = fixture("mixed.csv")
    load_returns([(name, data)], lake_path=lake, today=TODAY)
    digest = sha256(data)
    kept = raw_dir(lake) / digest[:2] / digest / name
    assert kept.read_bytes() == data
    assert query(lake, "SELECT raw_path, sha256 FROM loads") == [(str(kept), digest)]


# ------------------------------------------------------------------ repeat loads

def test_loading_the_same_bytes_again_changes_nothing(lake):
    [first] = load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    snapshot = {t: query(lake, f"SELECT * FROM {t} ORDER BY ALL") for t in
                ("loads", "returns", "returns_history", "rejects")}
    [again] = load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    assert again.status == "unchanged"
    assert again.load_id == first.load_id
    assert again.report_lines() == [f"mixed.csv: already loaded (load {first.load_id}); nothing changed; "
                                    f"its {first.rejected} rejected rows still need correcting"]
    assert not again.clean                      # the CLI still exits 1: those rows are still rejected
    for table, rows in snapshot.items():
        assert query(lake, f"SELECT * FROM {table} ORDER BY ALL") == rows, table


def test_the_same_file_twice_in_one_batch_loads_once(lake):
    outcomes = load_returns([fixture("good.csv"), fixture("good.csv")], lake_path=lake, today=TODAY)
    assert [o.status for o in outcomes] == ["loaded", "unchanged"]
    assert count(lake, "loads") == 1 and count(lake, "returns_history") == 3


def test_a_resubmission_replaces_the_return_and_keeps_history(lake):
    [old] = load_returns([("v1.csv", csv_bytes("117725,Alkborough,2025/26,210,28,4,6,no"))],
                         lake_path=lake, today=TODAY)
    [new] = load_returns([("v2.csv", csv_bytes("117725,Alkborough,2025-26,212,30,4,1.5 days,yes"))],
                         lake_path=lake, today=TODAY)
    assert query(lake, "SELECT urn, number_on_roll, senco_hours_per_week, senco_on_slt, load_id FROM returns") == [
        (117725, 212, 9.75, True, new.load_id)]
    history = query(lake, "SELECT load_id, number_on_roll, superseded_by_load FROM returns_history ORDER BY load_id")
    assert history == [(old.load_id, 210, new.load_id), (new.load_id, 212, None)]


def test_a_second_resubmission_supersedes_only_the_current_row(lake):
    ids = [load_returns([(f"v{n}.csv", csv_bytes(f"117725,Alkborough,2025/26,{200 + n},28,4,6,no"))],
                        lake_path=lake, today=TODAY)[0].load_id for n in (1, 2, 3)]
    history = query(lake, "SELECT load_id, superseded_by_load FROM returns_history ORDER BY load_id")
    assert history == [(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], None)]
    assert query(lake, "SELECT number_on_roll FROM returns") == [(203,)]


def test_other_years_of_the_same_school_are_kept(lake):
    load_returns([("a.csv", csv_bytes("117725,Alkborough,2024/25,200,20,2,6,no"))], lake_path=lake, today=TODAY)
    load_returns([("b.csv", csv_bytes("117725,Alkborough,2025/26,210,28,4,6,no"))], lake_path=lake, today=TODAY)
    assert query(lake, "SELECT academic_year FROM returns ORDER BY 1") == [("2024/25",), ("2025/26",)]
    assert query(lake, "SELECT count(*) FROM returns_history WHERE superseded_by_load IS NOT NULL") == [(0,)]


# ------------------------------------------------------------------ failures

def test_an_unreadable_file_fails_while_the_rest_of_the_batch_loads(lake):
    outcomes = load_returns([("junk.csv", bytes(range(256)) * 4), fixture("good.csv"), ("empty.csv", b"")],
                            lake_path=lake, today=TODAY)
    assert [o.status for o in outcomes] == ["failed", "loaded", "failed"]
    assert "binary" in outcomes[0].message and "empty" in outcomes[2].message
    assert outcomes[0].report_lines()[0].startswith("junk.csv: not loaded: ")
    assert count(lake, "returns") == 3
    loads = query(lake, "SELECT file_name, status, message, rows_read FROM loads ORDER BY load_id")
    assert [(ld[0], ld[1], ld[3]) for ld in loads] == [("junk.csv", "failed", 0), ("good.csv", "loaded", 3),
                                                  ("empty.csv", "failed", 0)]
    assert "binary" in loads[0][2]


def test_a_load_that_dies_half_way_leaves_the_lake_as_it_was(lake, monkeypatch):
    load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    before = lake.read_bytes()
    real = etl.load._write_outcome
    calls = []

    def dies_on_second_file(con, outcome, load_id):
        calls.append(outcome.file_name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(con, outcome, load_id)

    monkeypatch.setattr(etl.load, "_write_outcome", dies_on_second_file)
    with pytest.raises(RuntimeError, match="disk full"):
        load_returns([fixture("good.csv"), ("v2.csv", csv_bytes("117725,Alkborough,2025/26,212,30,4,6,yes"))],
                     lake_path=lake, today=TODAY)
    assert calls == ["good.csv", "v2.csv"]
    assert lake.read_bytes() == before
    assert count(lake, "loads") == 1 and count(lake, "returns") == 2 and count(lake, "rejects") == 5
    assert not [p for p in lake.parent.iterdir() if ".building-" in p.name]
    # and the next load works normally
    monkeypatch.setattr(etl.load, "_write_outcome", real)
    [o] = load_returns([fixture("good.csv")], lake_path=lake, today=TODAY)
    assert o.status == "loaded" and count(lake, "returns") == 4     # 117725 is in both files


def test_a_stale_build_file_from_a_dead_load_is_cleared(lake):
    load_returns([fixture("good.csv")], lake_path=lake, today=TODAY)
    stray = lake.with_name(lake.name + ".building-999999999.1")
    stray.write_bytes(b"half a lake")
    load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    assert not stray.exists()
    assert count(lake, "loads") == 2


# ------------------------------------------------------------------ readers during a load

def test_a_load_succeeds_while_a_reader_holds_the_lake_open(lake):
    load_returns([fixture("mixed.csv")], lake_path=lake, today=TODAY)
    reader = Reader(lake)
    assert reader.scalar("SELECT count(*) FROM returns") == 2
    cursor = reader.cursor()                      # a query in flight on the old file
    assert cursor.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from etl.load import load_returns
        [o] = load_returns([("good.csv", Path({str(FIXTURES / 'good.csv')!r}).read_bytes())],
                           lake_path=Path({str(lake)!r}))
        sys.exit(0 if o.status == "loaded" else 3)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert cursor.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]   # old snapshot, still readable
    cursor.close()
    assert reader.scalar("SELECT count(*) FROM returns") == 4                   # same Reader, new rows
    assert reader.df("SELECT file_name FROM loads ORDER BY load_id")["file_name"].tolist() == [
        "mixed.csv", "good.csv"]


# ------------------------------------------------------------------ command line

def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENCO_LAKE": str(tmp_path / "cli" / "senco.duckdb")}
    return subprocess.run([sys.executable, "-m", "etl", "load", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_exits_0_when_every_row_is_accepted(tmp_path):
    proc = run_cli(tmp_path, str(FIXTURES / "good.csv"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "good.csv: 3 rows read, 3 accepted, 0 rejected" in proc.stdout
    assert count(tmp_path / "cli" / "senco.duckdb", "returns") == 3


def test_cli_exits_1_when_any_row_is_rejected_and_says_which(tmp_path):
    proc = run_cli(tmp_path, str(FIXTURES / "good.csv"), str(FIXTURES / "mixed.csv"))
    assert proc.returncode == 1
    assert "row 3: URN is missing" in proc.stdout
    assert "total: 2 files, 10 rows read, 5 accepted, 5 rejected" in proc.stdout


def test_cli_loads_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.csv").write_bytes((FIXTURES / "good.csv").read_bytes())
    (folder / "~$good.csv").write_bytes(b"lock file")
    (folder / "notes.docx").write_bytes(b"not a return")
    proc = run_cli(tmp_path, str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "total: 1 files" in proc.stdout


def test_cli_usage_errors_exit_2(tmp_path):
    proc = run_cli(tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run_cli(tmp_path, str(tmp_path / "missing.csv"))
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "cli" / "senco.duckdb").exists()


def fake_xlsx_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(100))
    return buf.getvalue()


@pytest.mark.parametrize("name, data", [
    ("empty.csv", b""),
    ("binary.csv", bytes(range(256)) * 16),
    ("fake.xlsx", b"this is a Word document really\n"),
    ("zipped.xlsx", fake_xlsx_zip()),
    ("garbage.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4),
])
def test_cli_never_shows_a_traceback_for_a_bad_file(tmp_path, name, data):
    bad = tmp_path / name
    bad.write_bytes(data)
    proc = run_cli(tmp_path, str(bad), str(FIXTURES / "good.csv"))
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output
    assert proc.returncode == 1
    assert f"{name}: not loaded: " in proc.stdout
    assert "good.csv: 3 rows read, 3 accepted" in proc.stdout


def test_cli_resending_an_unreadable_file_still_reports_it(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    assert run_cli(tmp_path, str(bad)).returncode == 1
    proc = run_cli(tmp_path, str(bad))
    assert proc.returncode == 1
    assert "empty.csv: not loaded: the file is empty" in proc.stdout
