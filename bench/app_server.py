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


def start_server(lake: Path, log_path: Path, timeout: float = 60, script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """Start the app (or another Streamlit `script`) on `lake`; return the process and its base URL
    once it answers healthy."""
    port = free_port()
    env = {**os.environ, "SENCO_LAKE": str(lake), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [python(), "-m", "streamlit", "run", script, "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        if healthy(url):
            return proc, url
        time.sleep(0.25)
    stop_server(proc)
    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


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
