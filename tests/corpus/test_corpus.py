"""The corpus of bad return files: each loads (normalised) or is rejected, row by row or
whole with one clear line, and every row read is accounted for.

tests/corpus/files/ holds the files (made by make_corpus.py), expected.json what a person
decided should happen to each. The checks run three ways: `check_returns` file by file,
one `load_returns` call over the whole folder into a temporary lake (then read back from
the lake's tables), and the command line `python -m etl load tests/corpus/files`.
A 50 MB return is generated at test time (never committed) and loaded the same way.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from etl.load import FileOutcome, check_returns, expand_paths, load_returns
from lake.store import Reader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = HERE / "files"
EXPECTED: dict[str, dict] = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))["files"]
NAMES = sorted(EXPECTED)
FAILED = [n for n in NAMES if EXPECTED[n]["status"] == "failed"]

SUMMARY: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_summary(request):
    """Print what the corpus holds and how it fared, once the module's tests are done."""
    yield
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if capman and tr:
        with capman.global_and_fixture_disabled():
            _write_summary(tr.write_line)
    else:
        _write_summary(print)


def _write_summary(write) -> None:
    loaded = [n for n in NAMES if EXPECTED[n]["status"] == "loaded"]
    accepted = sum(EXPECTED[n]["accepted"] for n in NAMES)
    rejected = sum(EXPECTED[n]["rejected"] for n in NAMES)
    write("")
    write(f"corpus: {len(NAMES)} files, {len(loaded)} loaded, {len(FAILED)} failed whole; "
          f"{accepted + rejected} rows read, {accepted} accepted, {rejected} rejected")
    if "big" in SUMMARY:
        b = SUMMARY["big"]
        write(f"50 MB return: {b['size_mb']:.1f} MB, {b['rows_read']} rows, {b['accepted']} accepted, "
              f"{b['rejected']} rejected; load {b['seconds']:.1f} s ({_phases(b)}), "
              f"peak RSS {b['peak_rss_mb']:.0f} MB "
              f"(after imports {b['start_rss_mb']:.0f} MB)")


def _data(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _same(actual: object, expected: object) -> bool:
    """A normalised value (from a record or the lake) equals the one expected.json gives."""
    if isinstance(actual, (dt.date, dt.datetime)):
        actual = actual.isoformat()[:10]
    if isinstance(actual, float) and math.isnan(actual):
        actual = None
    if expected is None or isinstance(expected, (bool, str)):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    if isinstance(expected, int):
        return float(actual).is_integer() and int(actual) == expected
    return math.isclose(actual, expected, abs_tol=1e-9)


# ------------------------------------------------------------------ the corpus itself

def test_corpus_matches_expected_json_and_stays_small():
    on_disk = sorted(p.name for p in FILES.iterdir())
    assert on_disk == NAMES, "every corpus file needs an entry in expected.json, and every entry a file"
    assert len(NAMES) >= 30
    assert sum((FILES / n).stat().st_size for n in NAMES) < 512 * 1024
    assert sorted(p.name for p in expand_paths([FILES])) == NAMES, "the loader must pick up every file"
    for name in NAMES:
        exp = EXPECTED[name]
        assert exp["rows_read"] == exp["accepted"] + exp["rejected"], name
        assert exp["description"], name


# ------------------------------------------------------------------ file by file

@pytest.mark.parametrize("name", NAMES)
def test_check_returns(name):
    exp = EXPECTED[name]
    outcome = check_returns(_data(name), name)
    assert (outcome.status, outcome.rows_read, outcome.accepted, outcome.rejected) == (
        exp["status"], exp["rows_read"], exp["accepted"], exp["rejected"]), outcome.report_lines()
    assert outcome.rows_read == outcome.accepted + outcome.rejected == len(outcome.results)
    lines = outcome.report_lines()
    if exp["status"] == "failed":
        assert exp["message"] in outcome.message
        assert "\n" not in outcome.message and outcome.message.strip() == outcome.message
        assert lines == [f"{name}: not loaded: {outcome.message}"]
        return
    assert lines[0] == f"{name}: {exp['rows_read']} rows read, {exp['accepted']} accepted, {exp['rejected']} rejected"
    if "ignored_headers" in exp:
        assert outcome.ignored_headers == exp["ignored_headers"]
    rejects = {r.row_number: r for r in outcome.rejects}
    assert sorted(rejects) == sorted(x["row"] for x in exp.get("rejects", [])), lines
    for x in exp.get("rejects", []):
        reasons = "; ".join(rejects[x["row"]].reasons)
        assert x["reason"] in reasons, (x["row"], reasons)
        assert rejects[x["row"]].raw, "a reject keeps its raw values"
    by_row = {r.row_number: r for r in outcome.results}
    for values in exp.get("values", []):
        res = by_row[values["row"]]
        assert res.ok, (values["row"], res.reasons)
        for column, want in values.items():
            if column != "row":
                assert _same(res.record[column], want), (values["row"], column, res.record[column], want)
    for note in exp.get("notes", []):
        assert any(note["contains"] in n for n in by_row[note["row"]].notes), by_row[note["row"]].notes


# ------------------------------------------------------------------ the whole folder, one load

@pytest.fixture(scope="module")
def corpus_load(tmp_path_factory) -> tuple[Path, dict[str, FileOutcome]]:
    lake = tmp_path_factory.mktemp("corpus-lake") / "senco.duckdb"
    files = [(p.name, p.read_bytes()) for p in expand_paths([FILES])]
    outcomes = load_returns(files, lake)          # raises nothing, whatever the files hold
    return lake, {o.file_name: o for o in outcomes}


_READERS: dict[Path, Reader] = {}


def _rows(lake: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Query a lake through its read API (fetchall: fetchone leaves the result open)."""
    cur = _READERS.setdefault(lake, Reader(path=lake)).cursor()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


def test_one_load_of_the_folder_accounts_for_every_row(corpus_load):
    lake, outcomes = corpus_load
    assert sorted(outcomes) == NAMES
    for name, o in outcomes.items():
        exp = EXPECTED[name]
        assert (o.status, o.rows_read, o.accepted, o.rejected) == (
            exp["status"], exp["rows_read"], exp["accepted"], exp["rejected"]), name

    loads = {r[0]: r[1:] for r in _rows(
        lake, "SELECT file_name, load_id, status, rows_read, accepted, rejected, message, raw_path "
              "FROM loads WHERE kind = 'returns'")}
    assert sorted(loads) == NAMES, "one loads row per file, failed files included"
    for name, (_load_id, status, read, acc, rej, message, raw_path) in loads.items():
        exp = EXPECTED[name]
        assert read == acc + rej, name
        assert (status, read, acc, rej) == (exp["status"], exp["rows_read"], exp["accepted"], exp["rejected"]), name
        if status == "failed":
            assert exp["message"] in message and "\n" not in message, name
        assert Path(raw_path).read_bytes() == _data(name), "the file is kept exactly as received"

    history = dict(_rows(lake, "SELECT load_id, count(*) FROM returns_history GROUP BY load_id"))
    rejects = dict(_rows(lake, "SELECT load_id, count(*) FROM rejects GROUP BY load_id"))
    for name, (load_id, _status, _read, acc, rej, *_rest) in loads.items():
        assert history.get(load_id, 0) == acc, name
        assert rejects.get(load_id, 0) == rej, name
    total_read = sum(v[2] for v in loads.values())
    assert sum(history.values()) + sum(rejects.values()) == total_read, "a row was lost"
    assert total_read == sum(EXPECTED[n]["rows_read"] for n in NAMES)
    # `returns` keeps the current row per school and year (later files replace earlier ones)
    current = _rows(lake, "SELECT count(*) FROM returns_history WHERE superseded_by_load IS NULL")[0][0]
    assert _rows(lake, "SELECT count(*) FROM returns")[0][0] == current


def test_every_reject_in_the_lake_has_a_reason_and_its_raw_values(corpus_load):
    lake, _ = corpus_load
    rows = _rows(lake, "SELECT source_file, row_number, raw_values, reasons FROM rejects")
    assert len(rows) == sum(EXPECTED[n]["rejected"] for n in NAMES)
    seen: dict[str, list[int]] = {}
    for name, row_number, raw_values, reasons in rows:
        assert reasons and reasons.strip(), (name, row_number)
        raw = json.loads(raw_values)
        assert isinstance(raw, dict) and raw, (name, row_number)
        seen.setdefault(name, []).append(row_number)
        want = [x["reason"] for x in EXPECTED[name].get("rejects", []) if x["row"] == row_number]
        assert want and want[0] in reasons, (name, row_number, reasons)
    for name in NAMES:
        assert sorted(seen.get(name, [])) == sorted(x["row"] for x in EXPECTED[name].get("rejects", [])), name


def test_normalised_values_in_the_lake(corpus_load):
    lake, _ = corpus_load
    checked = 0
    for name in NAMES:
        for values in EXPECTED[name].get("values", []):
            columns = [c for c in values if c != "row"]
            got = _rows(lake, f"SELECT {', '.join(columns)} FROM returns_history "
                              "WHERE source_file = ? AND source_row = ?", [name, values["row"]])
            assert len(got) == 1, (name, values["row"])
            for column, actual in zip(columns, got[0]):
                assert _same(actual, values[column]), (name, values["row"], column, actual, values[column])
                checked += 1
        for note in EXPECTED[name].get("notes", []):
            got = _rows(lake, "SELECT conversion_notes FROM returns_history WHERE source_file = ? AND source_row = ?",
                        [name, note["row"]])
            assert got and note["contains"] in (got[0][0] or ""), (name, note, got)
    assert checked > 50


def test_loading_the_folder_again_changes_nothing(corpus_load):
    lake, _ = corpus_load
    counts = "SELECT (SELECT count(*) FROM returns_history), (SELECT count(*) FROM rejects)"
    before = _rows(lake, counts)
    again = load_returns([(p.name, p.read_bytes()) for p in expand_paths([FILES])], lake)
    for o in again:
        if EXPECTED[o.file_name]["status"] == "loaded":
            assert o.status == "unchanged", o.file_name
        else:                  # a file that failed may be tried again; it fails the same way
            assert o.status in ("unchanged", "failed"), o.file_name
            assert o.status == "unchanged" or EXPECTED[o.file_name]["message"] in o.message
    assert _rows(lake, counts) == before


# ------------------------------------------------------------------ the command line

def test_cli_loads_the_folder_with_one_line_per_failed_file(tmp_path):
    env = {**os.environ, "SENCO_LAKE": str(tmp_path / "cli.duckdb")}
    proc = subprocess.run([sys.executable, "-m", "etl", "load", "tests/corpus/files"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    not_loaded = [line for line in proc.stdout.splitlines() if ": not loaded: " in line]
    assert len(not_loaded) == len(FAILED), not_loaded
    for name in FAILED:
        mine = [line for line in not_loaded if line.startswith(name + ": not loaded: ")]
        assert len(mine) == 1 and EXPECTED[name]["message"] in mine[0], (name, mine)
    for name in NAMES:
        exp = EXPECTED[name]
        if exp["status"] == "loaded":
            assert (f"{name}: {exp['rows_read']} rows read, {exp['accepted']} accepted, "
                    f"{exp['rejected']} rejected") in proc.stdout.splitlines()
    total = sum(EXPECTED[n]["rows_read"] for n in NAMES)
    accepted = sum(EXPECTED[n]["accepted"] for n in NAMES)
    assert (f"total: {len(NAMES)} files, {total} rows read, {accepted} accepted, "
            f"{total - accepted} rejected") in proc.stdout.splitlines()


# ------------------------------------------------------------------ a 50 MB return

BIG_ROWS = 350_000
BIG_BAD = {                   # row number in the file -> what is wrong with it, and the reason
    1_001: ("sen_support_pupils", "-4", "Pupils at SEN Support: -4 is below the minimum of 0"),
    100_002: ("senco_hours_per_week", "20%", "is a share of time, not hours a week"),
    200_003: ("urn", "", "URN is missing"),
    300_004: ("academic_year", "2025/27", "should be two consecutive years"),
    349_999: ("ehcp_pupils", "lots", "'lots' is not a whole number"),
}
BIG_DUPLICATE = (250_000, 250_001)   # the second repeats the first's URN


def _write_big_csv(path: Path) -> None:
    """A valid ~50 MB return of 350,000 schools (a national-scale export) with a few bad rows."""
    header = ["urn", "school_name", "academic_year", "phase", "number_on_roll", "sen_support_pupils",
              "ehcp_pupils", "senco_hours_per_week", "senco_teaching_hours_per_week", "senco_on_slt",
              "senco_qualified_teacher", "senco_qualification", "senco_appointed_date", "senco_other_roles",
              "senco_shared_schools", "deputy_senco", "admin_support_hours_per_week",
              "sen_information_report_published", "sen_governor", "ofsted_inspection_date", "ofsted_send_progress"]
    hours = ("9.75", "6", "1.5 days", "13", "7.5 hrs", "19.5")
    quals = ("NASENCO held", "in progress", "NPQ for SENCOs held", "not started")
    phases = ("primary", "secondary", "Infant", "Junior", "special")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        for k in range(BIG_ROWS):
            number = k + 2
            urn = 100_000 + k
            if number == BIG_DUPLICATE[1]:
                urn = 100_000 + BIG_DUPLICATE[0] - 2
            roll = 60 + (k * 37) % 1400
            row = [str(urn), f"Example Primary {k:06d}", "2025/26",
                   phases[k % 5], str(roll), str(roll // 8), str(k % 9), hours[k % 6], str(k % 21),
                   "yes" if k % 3 else "no", "yes", quals[k % 4], f"{1 + k % 28:02d}/09/20{10 + k % 15}",
                   "DSL; class teacher" if k % 2 else "EAL co-ordinator", "1", "no" if k % 4 else "yes",
                   str(k % 6), "yes", "yes" if k % 5 else "no", f"{1 + k % 28:02d}/0{1 + k % 9}/2023",
                   ("good or better", "less than good", "not judged")[k % 3]]
            if number in BIG_BAD:
                column, value, _ = BIG_BAD[number]
                row[header.index(column)] = value
            w.writerow(row)


_BIG_LOADER = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import etl.load, etl.readers
    phases = {}
    def timed(fn, phase):                 # where the time goes: reading, checking, writing the lake
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[phase] = phases.get(phase, 0) + time.perf_counter() - t
        return wrapper
    etl.load.read_return_file = timed(etl.load.read_return_file, "read")
    etl.load.check_returns = timed(etl.load.check_returns, "read+validate")
    etl.load._write_outcome = timed(etl.load._write_outcome, "write")
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path, lake = Path(sys.argv[1]), Path(sys.argv[2])
    t0 = time.perf_counter()
    [o] = etl.load.load_returns([(path.name, path.read_bytes())], lake)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    phases["validate"] = phases.pop("read+validate") - phases["read"]
    print(json.dumps({"status": o.status, "rows_read": o.rows_read, "accepted": o.accepted,
                      "rejected": o.rejected, "message": o.message,
                      "rejects": {r.row_number: "; ".join(r.reasons) for r in o.rejects},
                      "seconds": seconds, "phases": phases,
                      "peak_rss_mb": peak / 1024, "start_rss_mb": start_rss / 1024}))
""")


def _phases(result: dict) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in result["phases"].items())


@pytest.mark.slow
def test_a_50_mb_return_loads_with_every_row_accounted_for(tmp_path):
    big = tmp_path / "national_senco_returns_2025-26.csv"
    _write_big_csv(big)
    size_mb = big.stat().st_size / 1e6
    assert 45 < size_mb < 60, size_mb
    lake = tmp_path / "big.duckdb"
    # In a child process, so its peak RSS is the load's own and not the test session's.
    proc = subprocess.run([sys.executable, "-c", _BIG_LOADER, str(big), str(lake)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    SUMMARY["big"] = {**result, "size_mb": size_mb}
    print(f"\n50 MB load: {size_mb:.1f} MB, {result['rows_read']} rows in {result['seconds']:.1f} s "
          f"({_phases(result)}), peak RSS {result['peak_rss_mb']:.0f} MB "
          f"(after imports {result['start_rss_mb']:.0f} MB)")

    bad_rows = sorted(BIG_BAD) + list(BIG_DUPLICATE)
    assert result["status"] == "loaded"
    assert result["rows_read"] == BIG_ROWS
    assert result["rejected"] == len(bad_rows)
    assert result["accepted"] == BIG_ROWS - len(bad_rows)
    assert sorted(int(k) for k in result["rejects"]) == sorted(bad_rows)
    for number, (_, _, reason) in BIG_BAD.items():
        assert reason in result["rejects"][str(number)]
    for number in BIG_DUPLICATE:
        assert "appears 2 times" in result["rejects"][str(number)]

    loads = _rows(lake, "SELECT rows_read, accepted, rejected, status FROM loads")
    assert loads == [(BIG_ROWS, BIG_ROWS - len(bad_rows), len(bad_rows), "loaded")]
    counts = _rows(lake, "SELECT (SELECT count(*) FROM returns), (SELECT count(*) FROM returns_history), "
                         "(SELECT count(*) FROM rejects)")[0]
    assert counts == (BIG_ROWS - len(bad_rows), BIG_ROWS - len(bad_rows), len(bad_rows))
    assert sorted(r[0] for r in _rows(lake, "SELECT row_number FROM rejects")) == sorted(bad_rows)
    assert _rows(lake, "SELECT count(*) FROM returns WHERE conversion_notes LIKE '%converted ''1.5 days''%'"
                 )[0][0] > 50_000
    assert _rows(lake, "SELECT senco_hours_per_week FROM returns WHERE urn = 100002")[0][0] == 9.75
    # generous bounds: the point is to notice a loader that has become far slower or hungrier
    assert result["seconds"] < 300
    assert result["peak_rss_mb"] < 6000
