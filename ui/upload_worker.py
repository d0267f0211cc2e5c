"""Check or load uploaded return files in a child process with memory and time limits.

The app server serves every user from one process. A file that makes a reader abort or
swallow memory (a workbook bomb, a malformed file that trips a bug in a native library)
must cost only its own preview, never the server: so the app hands the files to this
module run as `python -m ui.upload_worker check|load`, under RLIMIT_AS (address space)
and RLIMIT_CPU, with a wall-clock timeout, and reads back the outcomes. The child's
stdin carries a pickle of the request; its stdout a pickle of the answer (both made here
by the app itself, never by a user).

Limits: 3 GB of address space (the loader of a 20 MB upload, the upload limit, peaks at a
few hundred MB of memory; Python with pandas, pyarrow and DuckDB maps ~1.5 GB of address
space before reading anything), 120 s of CPU and 180 s of wall time for a check, 600 s
for a load (a 20 MB CSV checks in a few seconds and loads in well under a minute).
"""
from __future__ import annotations

import datetime as dt
import pickle
import re
import resource
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from lake import config

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BYTES = 3 * 1024 ** 3
CPU_SECONDS = 120
CHECK_SECONDS = 180
LOAD_SECONDS = 600


class IsolatedFailure(RuntimeError):
    """The child process could not finish; the message is one line for the page."""


def _limit_self(memory: int, cpu: int) -> None:
    """Set in the child itself, first thing (a preexec_fn in the threaded app server could deadlock)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))          # no core file from an abort


def run(task: str, request: dict, timeout: float, memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS):
    """Run `task` in a limited child; its answer, or IsolatedFailure saying why not."""
    try:
        proc = subprocess.run([sys.executable, "-m", "ui.upload_worker", task, str(memory), str(cpu)],
                              input=pickle.dumps(request), capture_output=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise IsolatedFailure(f"reading the file took more than {timeout:g} seconds and was stopped; "
                              "check it is the return, or send it as CSV") from None
    if proc.returncode != 0 or not proc.stdout:
        if proc.returncode < 0 or proc.returncode in (134, 137, 139):
            why = "ran out of the memory or time a return may take" if proc.returncode in (-9, -24, 137) \
                else "made the reader stop"
        else:
            why = "could not be read"
        raise IsolatedFailure(f"the file {why} (the check was stopped; nothing was changed); "
                              "open it in Excel, save it again as .xlsx or CSV and resend")
    return pickle.loads(proc.stdout)


def _portable(outcome):
    """A FileOutcome the parent can unpickle: the rejected rows only (as the page shows)."""
    return replace(outcome, results=list(outcome.rejects))


def _check(request: dict) -> dict:
    from etl.load import accepted_keys, check_returns, preview_tables
    outcome = check_returns(request["data"], request["name"], today=request.get("today"))
    accepted, conversions = preview_tables(outcome)      # the rows that will load, before they are dropped
    return {"outcome": _portable(outcome), "keys": accepted_keys(outcome), "accepted": accepted,
            "conversions": conversions}


def _load(request: dict) -> list:
    from etl.load import load_returns
    outcomes = load_returns(request["files"], request.get("lake"), today=request.get("today"))
    return [_portable(o) for o in outcomes]


def check_file(name: str, data: bytes, today: dt.date | None = None) -> dict:
    """check_returns in a child: {'outcome': FileOutcome (its rejected rows only), 'keys': accepted
    (URN, year) -> row, 'accepted': the first rows that will load, 'conversions': every conversion}."""
    answer = run("check", {"name": name, "data": data, "today": today}, CHECK_SECONDS)
    if "error" in answer:
        raise IsolatedFailure(answer["error"])
    return answer


def load_files(files: list[tuple[str, bytes]], lake: Path | None, today: dt.date | None = None) -> list:
    """load_returns in a child; a fault of the lake comes back as an exception's one line."""
    answer = run("load", {"files": files, "lake": str(lake or config.lake_path()), "today": today},
                 LOAD_SECONDS, cpu=LOAD_SECONDS)
    if isinstance(answer, dict) and "error" in answer:
        raise IsolatedFailure(answer["error"])
    return answer


def user_message(exc: BaseException) -> str:
    """One line for the page about a fault of the lake, the disk or a setting, naming no server path."""
    from etl.load import printable
    from lake.store import LakeDamaged
    if isinstance(exc, LakeDamaged):
        return ("the lake file is damaged and cannot be read; nothing was changed. Whoever runs the server can "
                "restore the last backup ('python -m etl restore')")
    if isinstance(exc, OSError):
        return (f"the server could not write the lake ({exc.strerror or type(exc).__name__}); nothing was changed. "
                "Tell whoever runs the server (the disk may be full or the folder not writable)")
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return printable(re.sub(r"(?:/[^\s'\"/]+)+/?", "(path)", first))[:300]


def main() -> int:
    task, memory, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    _limit_self(memory, cpu)
    request = pickle.loads(sys.stdin.buffer.read())
    try:
        answer = _check(request) if task == "check" else _load(request)
    except Exception as exc:       # noqa: BLE001  (a fault of the lake, the disk or a setting)
        answer = {"error": user_message(exc)}
    sys.stdout.buffer.write(pickle.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
