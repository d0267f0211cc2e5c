"""Running the app for a browser: `streamlit run app.py` on a lake, on a free port, and the
headless Chromium that opens it. Shared by the benchmark, the screenshot script and the
browser tests, so all three start and stop the app the same way."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SENCO_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python() -> str:
    """The project's virtual environment's Python when there is one, else this one."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except Exception:                                   # noqa: BLE001 (not up yet)
        return False


def wait_until_answering(proc: subprocess.Popen, probe, log_path: Path, what: str, timeout: float) -> None:
    """Wait until `probe()` holds for the server `proc` started; raise with the end of its log if it
    exits first or does not answer within `timeout` s (then it is stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        if probe():
            return
        time.sleep(0.25)        # paces the probe; the wait itself is on the condition, up to the deadline
    stop_server(proc)
    raise RuntimeError(f"{what} not answering after {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def start_server(lake: Path, log_path: Path, timeout: float = 60, script: str = "app.py", *,
                 port: int | None = None, address: str = "127.0.0.1",
                 extra_args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """Start the app (or another Streamlit `script`) on `lake`, listening on `address`, on `port` or a
    free one, with any further `streamlit run` options; return the process and its base URL (on
    loopback) once it answers healthy."""
    port = port or free_port()
    env = {**os.environ, "SENCO_LAKE": str(lake), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [python(), "-m", "streamlit", "run", script, "--server.port", str(port), "--server.headless", "true",
             "--server.address", address, "--browser.gatherUsageStats", "false", *extra_args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(proc, lambda: healthy(url), log_path, "streamlit", timeout)
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the app and anything it started: politely, then by force."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def serving(lake: Path, log_path: Path, timeout: float = 60, script: str = "app.py"):
    """The app (or `script`) running on `lake` for the block: yields (process, base URL)."""
    proc, url = start_server(lake, log_path, timeout, script)
    try:
        yield proc, url
    finally:
        stop_server(proc)
