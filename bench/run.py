"""The benchmark: one run on one machine, every figure against its target.

Measures, in this order (see docs/benchmarks.md for the latest figures):

1. the floor: an AppTest run of a page that only does st.write('x');
2. each page's script run time under AppTest (cold: first run after clearing the app's
   cached read API and giving the lake a new version; warm: median of later runs) on the
   LA demo lake, on the national lake (all of England) and on the national lake with one
   LA selected; each as a ratio to the floor;
3. the ETL: `load_returns` on a 120,000-row returns CSV into a fresh lake, against
   DuckDB's own read_csv of the same file (and, for context, DuckDB loading it into a
   table with no checks at all); rows per second; the ETL process's peak memory; a
   one-row load into the national lake (the cost of the lake's copy-and-swap write);
4. the app: `streamlit run app.py` on each lake, a shared link to SENCO time opened in
   headless Chromium timed to the first Plotly chart drawn, then (national lake) every
   page opened once and the server's peak memory (VmHWM) read from /proc;
5. ten sessions opening the shared link at once: one real browser among nine protocol sessions
   (bench/protocol.py: the server's work for a browser, without its drawing), against the browser
   alone; and ten real browsers on this machine, for the app and the floor page.

Writes bench/out/results.json and regenerates docs/benchmarks.md from it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

from bench.app_server import CHROMIUM, LAUNCH_ARGS, serving
from ui.navigation import ADDRESSES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "benchmarks.md"
PAGES = tuple(ADDRESSES)
URL_PATHS = ADDRESSES
TARGETS = {"page_ratio": 3.0, "etl_ratio": 3.0, "memory_mb": 1024.0, "link_ratio": 1.5, "sessions_ratio": 2.0}
SESSIONS = 10                     # browser sessions opening shared links at once
# Visits to each of the link and the floor, alternated: one visit's time on a shared 2-CPU machine
# varies by ±0.5 s, so a median of nine is what separates 1.4x from 1.6x.
LINK_RUNS, LINK_RUNS_QUICK = 9, 5
ETL_ROWS = 120_000
ETL_TODAY = dt.date(2026, 11, 20)
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = ".js-plotly-plot, [data-testid='stPlotlyChart'] svg"
# A chart on screen, checked in the page on every animation frame: the first element matching CHART
# has a box and is not hidden (Playwright's own test for visible). Playwright's locator wait polls
# every 500 ms once it has waited 0.3 s, which put up to half a second of the harness into a visit.
CHART_SHOWN = ("() => { const el = document.querySelector(" + json.dumps(CHART) + "); if (!el) return false; "
               "const r = el.getBoundingClientRect(); "
               "return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; }")
LA_FOR_ONE_LA_VIEW = 813          # North Lincolnshire: the demo LA, here inside the national lake


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


# ------------------------------------------------------------------ machine

def machine() -> dict:
    import duckdb
    import numpy
    import pandas
    import pyarrow
    import streamlit
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                  if ln.startswith("MemTotal"))
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "nproc": os.cpu_count(),
            "ram_gib": round(mem_kb / 2**20, 1), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "streamlit": streamlit.__version__,
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "numpy": numpy.__version__,
            "load_average_start": [round(x, 2) for x in os.getloadavg()]}


# ------------------------------------------------------------------- lakes

def build_la_lake(out: Path) -> dict:
    from etl.demo import build_demo
    lake = out / "la" / "senco.duckdb"
    lake.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    code = build_demo(lake, quiet=True)
    if code:
        raise RuntimeError(f"demo build failed ({code})")
    return {"lake": str(lake), "seconds": time.perf_counter() - t, "mb": lake.stat().st_size / 2**20}


def build_national_lake(out: Path, reuse: bool) -> dict:
    from bench import national
    folder = out / "national"
    lake = folder / "senco.duckdb"
    stamp = folder / "built-with.json"
    want = {"seed": national.SEED, "years": list(national.YEARS)}
    if reuse and lake.exists() and stamp.exists() and json.loads(stamp.read_text()).get("want") == want:
        summary = json.loads(stamp.read_text())["summary"]
        summary["reused"] = True
        return summary
    summary = national.build(folder, quiet=True)
    stamp.write_text(json.dumps({"want": want, "summary": summary}, default=str))
    return summary


# ---------------------------------------------------------- AppTest pages

def _quiet_streamlit() -> None:
    import logging

    from streamlit import logger
    logger.set_log_level("error")
    logging.getLogger("streamlit").setLevel(logging.ERROR)


def apptest_run(path: Path, params: dict | None = None, timeout: float = 900) -> float:
    """Seconds for one AppTest run of a script (raises if the script raised)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(path), default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    t = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t
    if at.exception:
        raise RuntimeError("; ".join(str(e.value)[:300] for e in at.exception))
    return seconds


def measure_floor(runs: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="senco-bench-"))
    script = folder / "empty_page.py"
    script.write_text("import streamlit as st\n\nst.write('x')\n")
    apptest_run(script)                       # first run imports Streamlit's machinery
    times = [apptest_run(script) for _ in range(runs)]
    shutil.rmtree(folder, ignore_errors=True)
    return {"median": median(times), "runs": times}


def _new_version(lake: Path) -> None:
    """Give the lake a new version (its mtime), so the read API's cache starts empty."""
    st = lake.stat()
    os.utime(lake, ns=(st.st_atime_ns, max(time.time_ns(), st.st_mtime_ns + 1_000_000)))


def measure_pages(lake: Path, runs: int, floor: float, params: dict | None = None) -> dict:
    from ui.context import _api
    os.environ["SENCO_LAKE"] = str(lake)
    out: dict[str, dict] = {}
    for page in PAGES:
        path = ROOT / "pages" / f"{page}.py"
        if not path.exists():
            out[page] = {"missing": True}
            continue
        _api.clear()
        _new_version(lake)
        try:
            cold = apptest_run(path, params)
            warm = [apptest_run(path, params) for _ in range(runs)]
        except Exception as exc:                       # noqa: BLE001 (report it, go on)
            out[page] = {"error": str(exc)[:500]}
            log(f"  {page}: ERROR {str(exc)[:200]}")
            continue
        w = median(warm)
        out[page] = {"cold": cold, "warm": w, "warm_runs": warm, "cold_ratio": cold / floor, "warm_ratio": w / floor}
        log(f"  {page:13s} cold {cold:6.2f} s ({cold / floor:5.1f}x)  warm {w:6.2f} s ({w / floor:5.1f}x)")
    _api.clear()
    return out


# ---------------------------------------------------------------------- ETL

_ETL_CHILD = textwrap.dedent("""
    import datetime as dt, json, resource, sys, time
    from pathlib import Path
    import duckdb
    import pyarrow.compute, pyarrow.csv          # imported up front, like duckdb: timings are of the work
    from etl.load import load_returns
    what, path, lake = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out = {}
    if what == "read":
        t = time.perf_counter()
        n = duckdb.sql(f"SELECT count(*) FROM read_csv('{path}', all_varchar=true)").fetchall()[0][0]
        out = {"seconds": time.perf_counter() - t, "rows": n}
    elif what == "ctas":
        t = time.perf_counter()
        con = duckdb.connect(str(lake))
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar=true)")
        con.execute("CHECKPOINT")
        con.close()
        out = {"seconds": time.perf_counter() - t}
    else:
        data = path.read_bytes()
        t = time.perf_counter()
        [o] = load_returns([(path.name, data)], lake, today=dt.date(2026, 11, 20))
        out = {"seconds": time.perf_counter() - t, "status": o.status, "rows_read": o.rows_read,
               "accepted": o.accepted, "rejected": o.rejected, "message": o.message}
    # VmHWM, not ru_maxrss: Linux carries a parent's peak into ru_maxrss across fork and exec,
    # so a child of a big process would report the parent's size.
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")]
    out["peak_rss_mb"] = int(hwm[0].split()[1]) / 1024
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
""")


def _child(what: str, path: Path, lake: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _ETL_CHILD, what, str(path), str(lake)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode:
        raise RuntimeError(f"ETL child ({what}) failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_etl(out: Path, runs: int, national_lake: Path | None) -> dict:
    from bench import national
    folder = out / "etl"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    t = time.perf_counter()
    csv_path = national.etl_file(folder / f"senco_returns_{ETL_ROWS}_rows_SYNTHETIC.csv", ETL_ROWS)
    generated = time.perf_counter() - t
    reads, ctas, loads = [], [], []
    for i in range(runs):                  # interleaved, so drifting machine load hits all three alike
        reads.append(_child("read", csv_path, folder / "unused.duckdb"))
        ctas.append(_child("ctas", csv_path, folder / f"ctas-{i}.duckdb"))
        lake = folder / f"load-{i}" / "senco.duckdb"
        loads.append(_child("load", csv_path, lake))
        log(f"  run {i + 1}: read_csv {reads[-1]['seconds']:.2f} s, plain DuckDB load {ctas[-1]['seconds']:.2f} s, "
            f"load_returns {loads[-1]['seconds']:.2f} s ({loads[-1]['accepted']} accepted, "
            f"{loads[-1]['rejected']} rejected, peak {loads[-1]['peak_rss_mb']:.0f} MB)")
    read_s = median([r["seconds"] for r in reads])
    load_s = median([r["seconds"] for r in loads])
    ctas_s = median([r["seconds"] for r in ctas])
    result = {
        "file": str(csv_path.relative_to(ROOT)), "rows": ETL_ROWS, "mb": csv_path.stat().st_size / 2**20,
        "generate_seconds": generated,
        "read_csv_seconds": read_s, "read_csv_runs": [r["seconds"] for r in reads],
        "plain_duckdb_load_seconds": ctas_s, "plain_duckdb_load_ratio": ctas_s / read_s,
        "load_seconds": load_s, "load_runs": [r["seconds"] for r in loads],
        "ratio": load_s / read_s, "rows_per_second": ETL_ROWS / load_s,
        "accepted": loads[0]["accepted"], "rejected": loads[0]["rejected"], "status": loads[0]["status"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in loads),     # VmHWM of the loading process
    }
    if national_lake is not None and national_lake.exists():
        result["one_row_into_national"] = _one_row_load(folder, national_lake, runs)
    for p in folder.glob("load-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in folder.glob("ctas-*"):
        p.unlink(missing_ok=True)
    return result


def _one_row_load(folder: Path, national_lake: Path, runs: int) -> dict:
    """A load of one return into (a copy of) the national lake: the price of copy-and-swap."""
    from domain.columns import COLUMNS
    from etl.load import load_returns
    lake = folder / "national-copy" / "senco.duckdb"
    lake.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(national_lake, lake)
    times = []
    for i in range(runs):
        row = {"urn": "100000", "school_name": "Benchmark School", "academic_year": "2026/27",
               "senco_hours_per_week": str(6 + i)}
        text = ",".join(c.name for c in COLUMNS) + "\n" + ",".join(row.get(c.name, "") for c in COLUMNS) + "\n"
        t = time.perf_counter()
        load_returns([(f"one-row-{i}.csv", text.encode())], lake, today=ETL_TODAY)
        times.append(time.perf_counter() - t)
    shutil.rmtree(lake.parent, ignore_errors=True)
    return {"seconds": median(times), "runs": times, "lake_mb": national_lake.stat().st_size / 2**20}


# ------------------------------------------------------------ the browser

def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for ln in Path(f"/proc/{pid}/status").read_text().splitlines():
            if ln.startswith("VmHWM:"):
                return int(ln.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure_browser(lake: Path, year: str, runs: int, tour: bool, log_path: Path) -> dict:
    from playwright.sync_api import sync_playwright
    link_path = f"/senco_time?year={quote(year, safe='')}&phase=primary"
    result: dict = {"link": link_path}
    with serving(lake, log_path, timeout=120) as (proc, url), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            times, dialogs = [], []
            for _ in range(runs):
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(url + link_path, wait_until="commit", timeout=300_000)
                page.wait_for_function(CHART_SHOWN, polling="raf", timeout=600_000)
                times.append(time.perf_counter() - t)
                title = page.locator("h1").first.inner_text(timeout=60_000)
                if title != "SENCO time":
                    raise RuntimeError(f"the link opened '{title}', not SENCO time")
                dialogs += [d.split("\n")[0] for d in page.locator("[role='dialog']").all_inner_texts()]
                ctx.close()
            result.update({"first": times[0], "median": median(times), "runs": times, "dialogs": dialogs})
            log(f"  link to chart: first {times[0]:.2f} s, median {median(times):.2f} s")
            if tour:
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
                page = ctx.new_page()
                pages = {}
                for name, path in URL_PATHS.items():
                    if not (ROOT / "pages" / f"{name}.py").exists():
                        continue
                    t = time.perf_counter()
                    page.goto(url + path, wait_until="domcontentloaded", timeout=300_000)
                    page.wait_for_selector("h1", state="visible", timeout=900_000)   # the script has started
                    page.wait_for_selector(READY, state="attached", timeout=900_000)  # ... and finished
                    pages[name] = time.perf_counter() - t
                ctx.close()
                result["tour_seconds"] = pages
                result["app_peak_mb"] = _vm_hwm_mb(proc.pid)
                log(f"  every page opened once; server peak memory (VmHWM) {result['app_peak_mb']:.0f} MB")
        finally:
            browser.close()
    return result


def _link(year: str) -> str:
    return f"/senco_time?year={quote(year, safe='')}&phase=primary"


def _time_to_chart(browser, url: str) -> float:
    """Seconds from asking for `url` in a fresh browser context to its first Plotly chart on screen."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    try:
        page = ctx.new_page()
        t = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=300_000)
        page.wait_for_function(CHART_SHOWN, polling="raf", timeout=600_000)
        return time.perf_counter() - t
    finally:
        ctx.close()


def measure_link_vs_floor(lake: Path, year: str, runs: int, out: Path, scale: str) -> dict:
    """A shared link's first chart against the floor (bench/floor_chart.py: a minimal Streamlit page
    drawing one Plotly chart), both served at once and opened alternately by the same browser."""
    from playwright.sync_api import sync_playwright
    link = _link(year)
    with serving(lake, out / f"streamlit-{scale}-link.log", timeout=120) as (_, app), \
            serving(lake, out / f"streamlit-{scale}-floor.log", timeout=120, script="bench/floor_chart.py") as (_, floor), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            _time_to_chart(browser, floor + "/")           # each server's first visitor loads its code:
            _time_to_chart(browser, app + link)            # both warmed once, as a server in use is
            floors, links = [], []
            for _ in range(runs):                          # alternated, so drifting load hits both alike
                floors.append(_time_to_chart(browser, floor + "/"))
                links.append(_time_to_chart(browser, app + link))
        finally:
            browser.close()
    f, lk = median(floors), median(links)
    log(f"  {scale}: shared link {lk:.2f} s vs floor {f:.2f} s = {lk / f:.2f}x")
    return {"link": link, "floor_runs": floors, "link_runs": links, "floor": f, "link_seconds": lk, "ratio": lk / f}


async def _sessions_at_once(url: str, n: int) -> tuple[list[float], list[float]]:
    """Ten real browsers (fresh contexts in one Chromium, on this machine) opening `url` at once,
    after three openings alone."""
    import asyncio

    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            async def one() -> float:
                ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
                try:
                    page = await ctx.new_page()
                    t = time.perf_counter()
                    await page.goto(url, wait_until="commit", timeout=600_000)
                    await page.wait_for_function(CHART_SHOWN, polling="raf", timeout=900_000)
                    return time.perf_counter() - t
                finally:
                    await ctx.close()
            await one()                                    # the server's first visitor, as above
            single = [await one() for _ in range(3)]
            together = await asyncio.gather(*(one() for _ in range(n)))
            return single, list(together)
        finally:
            await browser.close()


def _assets(base: str, urls: list[str]) -> list[str]:
    """The files a fresh browser fetched from the server for a visit, each once: the page and its
    scripts, styles and fonts (not the session's socket, nor media made for that session)."""
    keep = []
    for u in urls:
        if u.startswith(base) and "/_stcore/stream" not in u and "/media/" not in u and u not in keep:
            keep.append(u)
    return keep


async def _browser_among_protocol_sessions(base: str, link: str, n: int, repeats: int) -> dict:
    """One real browser opening the link while n - 1 protocol sessions (bench/protocol.py) open it at
    the same moment; alternated with the browser alone and one protocol session alone."""
    import asyncio

    from playwright.async_api import async_playwright

    from bench.protocol import open_session
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            async def fresh_page(record: list | None = None):
                ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
                page = await ctx.new_page()
                if record is not None:
                    page.on("response", lambda r: record.append(r.url) if r.ok and r.request.method == "GET" else None)
                return ctx, page

            async def to_chart(ctx, page) -> float:
                try:
                    t = time.perf_counter()
                    await page.goto(base + link, wait_until="commit", timeout=600_000)
                    await page.wait_for_function(CHART_SHOWN, polling="raf", timeout=900_000)
                    return time.perf_counter() - t
                finally:
                    await ctx.close()

            fetched: list[str] = []
            await to_chart(*await fresh_page(fetched))     # the server's first visitor; what a browser fetches
            assets = _assets(base, fetched)
            alone, proto_alone, together, others = [], [], [], []
            for _ in range(repeats):                        # alternated, so drifting load hits each alike
                alone.append(await to_chart(*await fresh_page()))
                proto_alone.append(await open_session(base, link, assets=assets))
                ctx, page = await fresh_page()
                got = await asyncio.gather(to_chart(ctx, page),
                                           *(open_session(base, link, assets=assets) for _ in range(n - 1)))
                together.append(got[0])
                others.append(got[1:])
        finally:
            await browser.close()
    sessions = proto_alone + [s for group in others for s in group]
    bad = [s for s in sessions
           if s.status != "FINISHED_SUCCESSFULLY" or not s.charts or s.exceptions or s.page_not_found]
    if bad:
        raise RuntimeError(f"{len(bad)} protocol sessions did not draw the page: {bad[0]}")
    return {"assets": len(assets), "asset_mb": proto_alone[0].bytes / 2**20, "alone_runs": alone,
            "together_runs": together, "headings": proto_alone[0].headings, "charts": proto_alone[0].charts,
            "protocol_alone": [{"chart": s.first_chart, "finished": s.finished, "socket": s.connected}
                               for s in proto_alone],
            "protocol_together": [{"slowest_chart": max(s.first_chart for s in g),
                                   "slowest_finished": max(s.finished for s in g),
                                   "slowest_socket_to_chart": max(s.first_chart - s.connected for s in g),
                                   "charts": [s.first_chart for s in g], "sockets": [s.connected for s in g]}
                                  for g in others]}


def _errors_in(log_path: Path) -> list[str]:
    text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    return [ln for ln in text.splitlines() if "Traceback" in ln or "Error" in ln or "Exception" in ln]


def measure_sessions(lake: Path, year: str, out: Path, repeats: int = 5) -> dict:
    """Ten sessions opening the shared link at once: the slowest against one session alone.

    In a meeting each person's browser draws on their own laptop and only the server is shared.
    So the figure against the target is one real browser opened at the same moment as nine
    protocol sessions (bench/protocol.py: the server's whole work for a session, the page's files
    included, without drawing), against that browser alone. Ten real browsers on this machine's
    two CPUs are measured too, for the app and for the floor page, as before: what ten browsers
    cost this machine whatever the server does."""
    import asyncio
    log_app = out / "streamlit-sessions.log"
    with serving(lake, log_app, timeout=120) as (_, app):
        mixed = asyncio.run(_browser_among_protocol_sessions(app, _link(year), SESSIONS, repeats))
        single, together = asyncio.run(_sessions_at_once(app + _link(year), SESSIONS))
    with serving(lake, out / "streamlit-sessions-floor.log", timeout=120, script="bench/floor_chart.py") as (_, fl):
        floor_single, floor_together = asyncio.run(_sessions_at_once(fl + "/", SESSIONS))
    alone = median(mixed["alone_runs"])
    slowest = max(mixed["together_runs"])
    p_alone = median([r["chart"] for r in mixed["protocol_alone"]])
    p_slowest = median([r["slowest_chart"] for r in mixed["protocol_together"]])
    mixed.update({"alone": alone, "slowest": slowest, "median_together": median(mixed["together_runs"]),
                  "ratio": slowest / alone, "protocol_alone_chart": p_alone,
                  "protocol_alone_finished": median([r["finished"] for r in mixed["protocol_alone"]]),
                  "protocol_slowest_chart": p_slowest,
                  "protocol_alone_socket_to_chart": median([r["chart"] - r["socket"] for r in mixed["protocol_alone"]]),
                  "protocol_slowest_socket_to_chart": median([r["slowest_socket_to_chart"]
                                                              for r in mixed["protocol_together"]]),
                  "protocol_slowest_finished": median([r["slowest_finished"] for r in mixed["protocol_together"]]),
                  "server_errors": _errors_in(log_app)[:5]})
    s, b_slowest = median(single), max(together)
    fs, fslowest = median(floor_single), max(floor_together)
    log(f"  a browser among {SESSIONS - 1} protocol sessions: slowest of {repeats} {slowest:.2f} s vs alone "
        f"{alone:.2f} s = {slowest / alone:.2f}x; the protocol sessions' slowest first chart {p_slowest:.2f} s "
        f"(alone {p_alone:.2f} s)")
    log(f"  {SESSIONS} browsers here at once: slowest {b_slowest:.2f} s vs one {s:.2f} s = {b_slowest / s:.2f}x "
        f"(the floor page: {fslowest:.2f} s vs {fs:.2f} s = {fslowest / fs:.2f}x)")
    return {"sessions": SESSIONS, "repeats": repeats, "single": alone, "slowest": slowest, "ratio": slowest / alone,
            "mixed": mixed,
            "browsers_here": {"single_runs": single, "single": s, "together": together, "slowest": b_slowest,
                              "median_together": median(together), "ratio": b_slowest / s},
            "floor": {"single_runs": floor_single, "single": fs, "together": floor_together, "slowest": fslowest,
                      "ratio": fslowest / fs}}


# ------------------------------------------------------------------ driver

def measure_links(la_lake: Path, nat_lake: Path, runs: int, out: Path) -> dict:
    from lake.api import LakeAPI
    from lake.store import Reader
    found: dict = {"link_vs_floor": {}}
    for scale, lake in (("la", la_lake), ("national", nat_lake)):
        log(f"shared link against the floor at {scale} scale")
        year = LakeAPI(Reader(path=lake)).current_year()
        found["link_vs_floor"][scale] = measure_link_vs_floor(lake, year, runs, out, scale)
    log(f"{SESSIONS} browser sessions opening a shared link at once (LA lake)")
    found["sessions"] = measure_sessions(la_lake, LakeAPI(Reader(path=la_lake)).current_year(), out)
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description="SENCO dashboard benchmark (LA and national scale)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats and no diagnostic runs (a few minutes)")
    ap.add_argument("--reuse-lakes", action="store_true", help="keep a national lake built earlier by the same generator")
    ap.add_argument("--skip-browser", action="store_true", help="no Streamlit server / Chromium measurements")
    ap.add_argument("--report-only", action="store_true", help="regenerate docs/benchmarks.md from bench/out/results.json")
    ap.add_argument("--links-only", action="store_true",
                    help="only the shared-link figures (link against the floor at both scales, ten sessions), "
                         "merged into the last results")
    ap.add_argument("--sessions-only", action="store_true",
                    help="only the ten-sessions figures (LA lake), merged into the last results")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    from bench import report
    results_path = args.out / "results.json"
    if args.report_only:
        report.write(json.loads(results_path.read_text()), DOC)
        print(f"wrote {DOC}")
        return 0
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    args.out.mkdir(parents=True, exist_ok=True)
    _quiet_streamlit()
    if args.links_only or args.sessions_only:
        results = json.loads(results_path.read_text()) if results_path.exists() else {"machine": machine()}
        results["targets"] = TARGETS
        before = machine()                         # the load average as the measuring starts
        la_lake = Path(build_la_lake(args.out)["lake"])
        if args.sessions_only:
            from lake.api import LakeAPI
            from lake.store import Reader
            log(f"{SESSIONS} sessions opening a shared link at once (LA lake)")
            results["sessions"] = measure_sessions(la_lake, LakeAPI(Reader(path=la_lake)).current_year(), args.out,
                                                   3 if args.quick else 5)
            results["sessions"]["machine"] = before
        else:
            nat_lake = Path(build_national_lake(args.out, reuse=True)["lake"])
            results.update(measure_links(la_lake, nat_lake, LINK_RUNS_QUICK if args.quick else LINK_RUNS, args.out))
        if not args.sessions_only:
            results["links_machine"] = before
        results_path.write_text(json.dumps(results, indent=2, default=str))
        if results.get("floor"):                   # a full run's results: regenerate the whole report
            report.write(results, DOC)
        else:                                      # only these figures: replace their part of it
            report.splice_links(results, DOC)
        print(report.summary(results))
        return 0
    floor_runs, page_runs, etl_runs, link_runs = (5, 3, 3, 3) if args.quick else (7, 5, 3, 3)
    started = time.perf_counter()
    results: dict = {"quick": args.quick, "machine": machine(), "targets": TARGETS}
    log(f"machine: {results['machine']['nproc']} CPUs, {results['machine']['ram_gib']} GiB, {results['machine']['cpu']}; "
        f"load average {results['machine']['load_average_start']}")

    log("floor: empty page under AppTest")
    results["floor"] = measure_floor(floor_runs)
    floor = results["floor"]["median"]
    log(f"  floor {floor:.3f} s")

    log("building the LA demo lake and the national lake")
    results["la_lake"] = build_la_lake(args.out)
    results["national_lake"] = build_national_lake(args.out, args.reuse_lakes)
    la_lake, nat_lake = Path(results["la_lake"]["lake"]), Path(results["national_lake"]["lake"])
    log(f"  LA lake {results['la_lake']['mb']:.1f} MB; national lake {results['national_lake']['lake_mb']:.1f} MB, "
        f"{results['national_lake']['schools']} schools, {results['national_lake']['return_rows']} return rows")

    results["pages"] = {}
    for scale, lake, params in (("la", la_lake, None), ("national", nat_lake, None),
                                ("national_one_la", nat_lake, {"la": str(LA_FOR_ONE_LA_VIEW)})):
        log(f"pages at {scale} scale ({lake})")
        results["pages"][scale] = measure_pages(lake, page_runs, floor, params)

    log(f"ETL: load_returns on {ETL_ROWS:,} rows against DuckDB's read_csv")
    results["etl"] = measure_etl(args.out, etl_runs, nat_lake)
    e = results["etl"]
    log(f"  load {e['load_seconds']:.2f} s vs read_csv {e['read_csv_seconds']:.2f} s = {e['ratio']:.1f}x; "
        f"{e['rows_per_second']:,.0f} rows/s; peak {e['peak_rss_mb']:.0f} MB")

    if not args.skip_browser:
        results.update(measure_links(la_lake, nat_lake, LINK_RUNS_QUICK if args.quick else LINK_RUNS, args.out))
        results["browser"] = {}
        for scale, lake in (("la", la_lake), ("national", nat_lake)):
            log(f"browser at {scale} scale")
            from lake.api import LakeAPI
            from lake.store import Reader
            year = LakeAPI(Reader(path=lake)).current_year()
            results["browser"][scale] = measure_browser(lake, year, link_runs, tour=scale == "national",
                                                        log_path=args.out / f"streamlit-{scale}.log")
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = time.perf_counter() - started
    results_path.write_text(json.dumps(results, indent=2, default=str))
    report.write(results, DOC)
    log(f"wrote {results_path.relative_to(ROOT)} and {DOC.relative_to(ROOT)} in {results['seconds'] / 60:.1f} min")
    print(report.summary(results))
    return 0
