"""docs/benchmarks.md from bench/out/results.json (`python -m bench --report-only`)."""
from __future__ import annotations

from pathlib import Path

from ui.navigation import TITLES

PAGE_TITLES = TITLES

# What the figures mean and what was done about them. Kept here so a regenerated report keeps it;
# the numbers in the tables above it come from the run.
NOTES = """\
## What was changed, and what remains

Pages, national scale, warm, on this machine (medians, times the empty-page floor):

| page | first measured | after caching headline figures and building downloads on click | now |
|---|---|---|---|
| SENCO time | 75x | ~6-9x | see the table above |
| Ofsted & outcomes | 87x | ~6-9x | |
| Leadership & support | 15x | ~9x | |
| Returns & data quality | 7x | ~1.5x | |

What brought every page under 3x:

1. **Headline figures** (`measure_value`, `benchmark`) are cached per lake version; each of the
   Overview's 18 cards used to filter and aggregate the whole national frame twice a run.
2. **Downloads are built when their button is clicked** (`st.download_button` takes a callable);
   building every table's XLSX on every run cost ~2.5 s for an 18,000-row table.
3. **Charts from plain dicts** (`ui/charts.py`): a Plotly template plus `update_layout` calls cost
   ~30 ms a figure; one layout dict and no template cost ~3 ms. Pages with 6-9 charts spent most
   of their time there, at LA scale too.
4. **Cuts cached with the lake** (`LakeAPI.derived`): pages ask the read API for each cut, table
   and distribution (pure functions in `lake/analysis.py`), so a warm run does no pandas work over
   the national frame; only the columns a chart needs are kept.
5. **What the browser draws**: past 2,000 schools the SENCO time scatter is a density of counts
   binned on the server (16,000 overplotted points were unreadable anyway); box plots are sent as
   their quartiles and fences, computed as the tables compute them, with only the schools beyond
   the whiskers as dots; a table shows its first 2,000 rows and its downloads hold them all. A
   shared link to SENCO time on the national lake sent 2.7 MB to the browser; now 264 KB.

The loader (`load_returns`, 120,000 rows): 9.9 s (61x `read_csv`) at first; 1.25 s (7.8x) after
checking column by column, reading UTF-8 CSV straight into Arrow columns and handing DuckDB an
Arrow table; now (table above) after checking plain URNs, counts and names in bulk, compiling
parsers once, keeping text dictionary-encoded into DuckDB, hashing once and keeping the raw
file in a helper thread, running DuckDB on one thread, half-size row groups (a large load is
written straight to the file at commit), no per-step fsync inside the private build file (one
fsync before the rename stays) and building the `returns` key once when the table starts empty.
Loaded tables are identical, table by table, to those of the earlier code.

What remains:

* **ETL ratio (~4-4.5x against 3x).** DuckDB alone needs ~4x its bare `read_csv` just to store
  the same file in a table and checkpoint it (the "no checks" row): the loader is now
  about as fast as DuckDB's own load with no checks. Of its ~0.7 s, DuckDB's inserts, commit and
  checkpoint are ~0.4 s; 3x would need dropping the history copy of each accepted return and the
  primary key on `returns` (measured: that saves ~0.23 s of CPU), or the checkpoint the atomic
  swap depends on. Those guarantees are kept.
* **Cold runs** (first view after a load, per filter) take 5-15x: `school_year`'s SQL is ~20 ms at
  national scale but turning its columns into pandas for 22,000 schools takes ~0.2 s, and the
  first run pays for last year's frame too (change since last year).
* **In the browser** a shared link reaches its chart after ~4-5 s even at LA scale: Streamlit's
  frontend starting and loading Plotly's bundle in a fresh browser profile; the script itself
  reaches the chart in ~0.1 s.
* Leadership & support is the closest to the target (~2.8-3x): it draws 9 charts, 10 tables
  and 20 headline cards, and at that count Streamlit's own cost per element dominates.
"""


def _s(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _ratio(x: float | None) -> str:
    # Two decimals: a ratio of 1.55 against a target of 1.5 must not print as "1.5x ... miss".
    return "–" if x is None else f"{x:.2f}x"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("**pass**" if ok else "**miss**")


def _page_cell(p: dict | None, key: str = "warm") -> str:
    if not p:
        return "–"
    if p.get("missing"):
        return "missing"
    if p.get("error"):
        return "error"
    return f"{_s(p[key])} s ({_ratio(p[key + '_ratio'])})"


def headline(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """(figure, measured, target, met) for each target."""
    t = results["targets"]
    rows: list[tuple[str, str, str, bool | None]] = []
    nat = results.get("pages", {}).get("national", {})
    for page, title in PAGE_TITLES.items():
        p = nat.get(page)
        if not p or p.get("missing") or p.get("error"):
            rows.append((f"{title}, national, warm", "missing" if p and p.get("missing") else "error", f"≤ {t['page_ratio']:g}x floor", None))
            continue
        rows.append((f"{title}, national, warm", f"{_ratio(p['warm_ratio'])} ({_s(p['warm'])} s)",
                     f"≤ {t['page_ratio']:g}x floor", p["warm_ratio"] <= t["page_ratio"]))
    e = results.get("etl")
    if e:
        rows.append((f"ETL: load {e['rows']:,} rows vs DuckDB read_csv", f"{_ratio(e['ratio'])} "
                     f"({_s(e['load_seconds'])} s vs {_s(e['read_csv_seconds'])} s)", f"≤ {t['etl_ratio']:g}x",
                     e["ratio"] <= t["etl_ratio"]))
        rows.append(("ETL peak memory", f"{e['peak_rss_mb']:.0f} MB", f"< {t['memory_mb']:.0f} MB",
                     e["peak_rss_mb"] < t["memory_mb"]))
    for scale, r in (results.get("link_vs_floor") or {}).items():
        rows.append((f"Shared link to first chart, {'LA' if scale == 'la' else scale} scale, vs a one-chart page",
                     f"{_ratio(r['ratio'])} ({_s(r['link_seconds'])} s vs {_s(r['floor'])} s)",
                     f"≤ {t.get('link_ratio', 1.5):g}x", r["ratio"] <= t.get("link_ratio", 1.5)))
    ss = results.get("sessions")
    if ss:
        what = ("a browser among nine protocol sessions, its slowest vs alone" if ss.get("mixed")
                else "slowest vs one session (all ten browsers on this machine)")
        rows.append((f"{ss['sessions']} sessions opening a shared link at once: {what}",
                     f"{_ratio(ss['ratio'])} ({_s(ss['slowest'])} s vs {_s(ss['single'])} s)",
                     f"≤ {t.get('sessions_ratio', 2.0):g}x", ss["ratio"] <= t.get("sessions_ratio", 2.0)))
    b = results.get("browser", {}).get("national", {})
    if b.get("app_peak_mb") is not None:
        rows.append(("App peak memory, national lake, every page opened", f"{b['app_peak_mb']:.0f} MB",
                     f"< {t['memory_mb']:.0f} MB", b["app_peak_mb"] < t["memory_mb"]))
    return rows


def render(results: dict) -> str:
    m = results["machine"]
    floor = (results.get("floor") or {}).get("median")
    out = ["# Benchmarks", "",
           "How fast the dashboard and its loader are with one LA's schools and with every school in England.",
           "Run it (a separate command from the tests; about five minutes on an idle 2-CPU machine, longer on a busy one; `--quick` is faster):",
           "", "```bash", ".venv/bin/python -m bench            # writes bench/out/results.json and this file",
           ".venv/bin/python -m bench --quick", ".venv/bin/python -m bench.national bench/out/national   "
           "# only the national inputs and lake", "```", "",
           "The national lake: every school in England from the January 2019 census "
           "(`data/open/census_2019_england.csv`, real) and, for each state-funded school, five years of "
           "synthetic SENCO returns and a synthetic Ofsted outcome, written as the files the ETL reads by the "
           "seeded generator `bench/national.py` and loaded by the real loaders. The LA lake is the demo lake "
           "(`etl/demo.py`, North Lincolnshire).", "",
           "## Latest run", "",
           f"* Date: {m['date']}{' (quick run)' if results.get('quick') else ''}",
           f"* Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['platform']}",
           f"* Python {m['python']}, DuckDB {m['duckdb']}, Streamlit {m['streamlit']}, pandas {m['pandas']}, "
           f"pyarrow {m['pyarrow']}",
           f"* Load average at start {m.get('load_average_start')}, at end {m.get('load_average_end')}: the machine "
           "is shared with other test runs, so every figure is a median and single figures are noisy.",
           f"* Whole run: {results.get('seconds', 0) / 60:.0f} min", "",
           "## Against the targets", "", "| figure | measured | target | result |", "|---|---|---|---|"]
    for figure, measured, target, ok in headline(results):
        out.append(f"| {figure} | {measured} | {target} | {_verdict(ok)} |")
    nat = results.get("national_lake", {})
    la = results.get("la_lake", {})
    if floor is not None:
        out += _page_section(results, floor, nat, la)
    return _rest(results, out, nat)


def _page_section(results: dict, floor: float, nat: dict, la: dict) -> list[str]:
    out = ["", "## Page script run times (AppTest)", "",
            f"Floor: an empty page (`st.write('x')`) runs in **{floor:.3f} s** (median of "
            f"{len(results['floor']['runs'])}). Cold: the first run after the app's cached read API is cleared and "
            "the lake has a new version. Warm: median of later runs (a new session each time, the read API's "
            "cache kept). In brackets: times the floor. Target: national, warm, within "
            f"{results['targets']['page_ratio']:g}x the floor.", "",
            f"LA lake: {la.get('mb', 0):.1f} MB, the demo's North Lincolnshire schools. National lake: "
            f"{nat.get('lake_mb', 0):.0f} MB, {nat.get('schools', 0):,} state-funded schools in {nat.get('las', 0)} LAs, "
            f"{nat.get('return_rows', 0):,} return rows; 'one LA' is the national lake with `?la={813}` (what an "
            "LA team using a national lake sees).", ""]
    pages = results.get("pages", {})
    head = ["page", "LA cold", "LA warm", "national cold", "national warm", "national, one LA, warm"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page, title in PAGE_TITLES.items():
        cells = [title, _page_cell(pages.get("la", {}).get(page), "cold"), _page_cell(pages.get("la", {}).get(page)),
                 _page_cell(pages.get("national", {}).get(page), "cold"), _page_cell(pages.get("national", {}).get(page)),
                 _page_cell(pages.get("national_one_la", {}).get(page))]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _rest(results: dict, out: list[str], nat: dict) -> str:
    e = results.get("etl")
    if e:
        out += ["", "## ETL", "",
                f"`load_returns` on one {e['mb']:.0f} MB CSV of {e['rows']:,} synthetic return rows (`{e['file']}`, "
                f"every school, 2021/22 to 2026/27) into a fresh lake, in a child process, median of "
                f"{len(e['load_runs'])}; against DuckDB reading the same file "
                "(`SELECT count(*) FROM read_csv(file, all_varchar=true)`), interleaved run by run.", "",
                "| figure | value |", "|---|---|",
                f"| DuckDB read_csv | {_s(e['read_csv_seconds'])} s |",
                f"| DuckDB loading it into a table, no checks (CREATE TABLE AS + CHECKPOINT), for context | "
                f"{_s(e['plain_duckdb_load_seconds'])} s ({_ratio(e['plain_duckdb_load_ratio'])}) |",
                f"| `load_returns` (read, check, keep raw file, write two tables, atomic swap) | "
                f"{_s(e['load_seconds'])} s (**{_ratio(e['ratio'])}**) |",
                f"| rows per second | {e['rows_per_second']:,.0f} |",
                f"| accepted / rejected | {e['accepted']:,} / {e['rejected']:,} |",
                f"| peak memory of the loading process (VmHWM) | {e['peak_rss_mb']:.0f} MB |"]
        one = e.get("one_row_into_national")
        if one:
            out.append(f"| one return loaded into the national lake ({one['lake_mb']:.0f} MB; the load copies the lake "
                       f"file, loads, checkpoints and swaps it in) | {_s(one['seconds'])} s |")
        t = nat.get("timings", {})
        if t:
            out.append(f"| building the national lake: generate inputs / census / names / Ofsted / "
                       f"{nat.get('return_rows', 0):,} returns | " + " / ".join(
                           f"{t.get(k, 0):.1f} s" for k in ("generate", "load_census", "load_names", "load_ofsted",
                                                            "load_returns")) + " |")
    out += link_section(results)
    b = results.get("browser")
    if b:
        out += ["", "## In the browser", "",
                "`streamlit run app.py` on each lake; headless Chromium opens a shared link to SENCO time "
                f"(`{(b.get('la') or b.get('national') or {}).get('link', '')}`) in a new browser context and the time "
                "to the first Plotly chart being visible is taken (first: the server's first visitor; median of all "
                "runs).", "",
                "| lake | first | median |", "|---|---|---|"]
        dialogs = []
        for scale in ("la", "national"):
            r = b.get(scale)
            if r:
                out.append(f"| {scale} | {_s(r.get('first'))} s | {_s(r.get('median'))} s |")
                dialogs += r.get("dialogs") or []
        if dialogs:
            out += ["", f"In {len(dialogs)} of these openings Streamlit also showed a dialog over the drawn page: "
                    + "; ".join(sorted(set(dialogs))) + " (a known issue, checked by tests/browser/test_journeys.py)."]
        tour = b.get("national", {}).get("tour_seconds")
        if tour:
            out += ["", "Every page opened once in the browser on the national lake (to the script finishing), "
                    f"then the server's peak memory: **{b['national'].get('app_peak_mb', 0):.0f} MB** (VmHWM).", "",
                    "| page | seconds |", "|---|---|"]
            out += [f"| {PAGE_TITLES.get(k, k)} | {_s(v)} |" for k, v in tour.items()]
    out += ["", NOTES]
    return "\n".join(out) + "\n"


LINKS_START, LINKS_END = "<!-- links:start -->", "<!-- links:end -->"

LINK_NOTES = """\
Where the time goes (websocket frame times, resource timings and CPU profiles of fresh visits,
December 2026): the server has sent the whole page within about 0.5 s of the websocket opening
(46 KB at LA scale; 100 KB at national scale); the rest is the browser. Streamlit fetches the
code for each kind of element when the first such element arrives (a fresh browser context has
no cache), and it shows none of an update until the code of every kind the update holds has
loaded: the SENCO time page appears in one go once Plotly's bundle (4.6 MB of JavaScript) is in,
with the sidebar's widgets, the metric cards, the Markdown and five charts. The floor needs only
Plotly's bundle and Streamlit's core.

What changed for this run:
- Each chart is given the room its labels need, reckoned on the server from Arial's character
  widths (`ui/chart_room.py`); before, every chart asked for 10 px margins and Plotly, finding its
  labels wider, drew it a second time with the room made. CPU profiles of the national link (six
  alternated visits): the browser's main thread busy 2.6 s to the first chart against 3.2 s before,
  and the first chart 0.5 s sooner. A browser test checks that no chart on any page needs more room
  than it is given (automargin stays on, so a wider label is never cut).
- The timing: a visit is now timed to the first chart on screen as checked in the page on every
  animation frame. Playwright's own wait, used before, polls every 500 ms once it has waited 0.3 s,
  which put up to half a second of the harness into each visit, the floor's as much as the link's:
  the floor now measures about 2.3-2.5 s where it measured 2.6-2.9 s. A constant added to both made
  the ratios look better than they were, so figures before December 2026 are not comparable.
- Earlier (November 2026): the ranked list opens on its ten schools with the least time as a plain
  table, and the whole list's data grid (1.3 MB of code with its Arrow reader) is drawn only when
  its section is opened; A/B at national scale then: 1.31x without the grid against 1.61x with it.

Tried and not kept: drawing only 50 outlying schools per box at national scale (no gain; the 646
dots are not what costs); small tables as `st.table` (it uses the same Arrow reader); Plotly's and
the widgets' code fetched and run early, even at the page's first moment (injected by the browser
for the trial): within the noise, since the code is fetched in time and running it is the same
work whenever it runs; holding the charts below the first until the first is drawn (no gain: the
later charts came 0.4 s later and the first no sooner). A cost the app cannot remove: a link to
any page but the first makes Streamlit's frontend first look for the server under the page's own
path (two 404s, ~0.1 s) before the app's root; Streamlit documents this as expected
(streamlit/streamlit#7074).

One visit's time varies by about ±0.5 s on this shared 2-CPU machine, for the floor as much as
for the link, so each figure is the median of nine alternated visits; two runs of the same code
have differed by 0.15x.

Ten sessions at once, what the server does for each (measured with the protocol client, the
code before and after side by side, rounds alternated; medians of four rounds, at a load average
of ~15 and then ~5): one warm session's page script to its end 0.66 / 0.36 s before, 0.17 / 0.10 s
after; ten warm sessions at once, the slowest to its first chart 6.2 / 1.7 s before, 1.0 / 0.6 s
after, and to its end 6.2 / 3.2 s before, 1.1 / 0.7 s after; ten at once just after a load (every
answer to compute), to the first chart 4.4 / 2.9 s before, 1.4 / 0.6 s after, and to the end
10.8 / 5.5 s before, 1.7 / 1.0 s after. What changed:
Streamlit's source-file watcher is off (each new session resolved the path of every loaded
module, ~0.3 s on the server's one event loop) and so is its full garbage collection after
every run (~0.3 s holding the interpreter), both in `.streamlit/config.toml`; the read API
computes an answer once when several sessions miss it at the same moment, the others waiting
for it (`lake/api.py`); the lake's schema is checked once per lake file, not with a query every
run; the "data as at" line under every title is worked out once per lake version (`ui/help.py`).
What a warm run still spends most on: building Plotly figure objects (`ui/charts.py`), tables
and their download buttons, and relabelling cached cuts (`lake/analysis.as_percent`).
"""


def sessions_section(ss: dict) -> list[str]:
    """Ten sessions opening the shared link at once, each figure said in words."""
    n, mx, here, fl = ss["sessions"], ss.get("mixed"), ss.get("browsers_here", ss), ss.get("floor")
    out = ["", f"### {n} sessions opening the shared link at once (LA lake)", ""]
    m = ss.get("machine")
    if m:
        out += [f"Measured {m.get('date', '')}; load average at start {m.get('load_average_start')} on "
                f"{m.get('nproc')} CPUs.", ""]
    if mx:
        out += [
            "In a meeting each person's browser runs on their own laptop: only the server is shared. So the "
            f"figure against the target (within 2x) is one real browser (headless Chromium, a fresh context) "
            f"opening the link at the same moment as {n - 1} protocol sessions. A protocol session "
            "(`bench/protocol.py`) does to the server what a browser does: it fetches the page and the "
            f"{mx['assets']} files a fresh browser fetched for it ({mx['asset_mb']:.1f} MB), opens the websocket, "
            "asks for the link's page with its query and reads every element the server sends until the "
            "script finishes; only the drawing, which each laptop does for itself, is left out. Each opening "
            f"at once was repeated {len(mx['together_runs'])} times, alternated with the browser alone and one "
            "protocol session alone.", "",
            "| figure | alone | ten at once | ratio |", "|---|---|---|---|", *filter(None, [
            f"| **a real browser among {n - 1} protocol sessions: time to its first chart visible** (slowest of "
            f"{len(mx['together_runs'])}; against the target) | {_s(mx['alone'])} s | {_s(mx['slowest'])} s "
            f"(median {_s(mx['median_together'])} s) | **{_ratio(mx['ratio'])}** |",
            f"| the server's part: the slowest of the {n - 1} protocol sessions to its first chart, its files "
            f"fetched first (median of repeats; includes this machine fetching nine sets of files at once) | {_s(mx['protocol_alone_chart'])} s | {_s(mx['protocol_slowest_chart'])} s | "
            f"{_ratio(mx['protocol_slowest_chart'] / mx['protocol_alone_chart'])} |",
            (f"| the server's part: the slowest protocol session from its websocket opening to its first chart "
             f"(the page's script, without fetching files) | {_s(mx['protocol_alone_socket_to_chart'])} s | "
             f"{_s(mx['protocol_slowest_socket_to_chart'])} s | "
             f"{_ratio(mx['protocol_slowest_socket_to_chart'] / mx['protocol_alone_socket_to_chart'])} |")
            if "protocol_slowest_socket_to_chart" in mx else "",
            f"| the server's part: the slowest protocol session to its page's script finished | "
            f"{_s(mx['protocol_alone_finished'])} s | {_s(mx['protocol_slowest_finished'])} s | "
            f"{_ratio(mx['protocol_slowest_finished'] / mx['protocol_alone_finished'])} |"])]
    if here:
        out.append(f"| ten browsers on this machine's two CPUs (fresh contexts in one Chromium, beside the server): "
                   f"the app | {_s(here['single'])} s | {_s(here['slowest'])} s | {_ratio(here['ratio'])} |")
    if fl:
        out.append(f"| ten browsers on this machine's two CPUs: the floor page (one Plotly chart) | "
                   f"{_s(fl['single'])} s | {_s(fl['slowest'])} s | {_ratio(fl['ratio'])} |")
    if mx:
        out += ["", "Real browser, alone: " + ", ".join(_s(x) for x in mx["alone_runs"]) + " s; among the protocol "
                "sessions: " + ", ".join(_s(x) for x in mx["together_runs"]) + " s. The protocol sessions' times "
                "start before their files are fetched, as the browser's do. The page each drew: "
                f"{mx['charts']} charts under the headings " + "; ".join(mx["headings"]) + "."
                + (f" The server logged: {'; '.join(mx['server_errors'])}" if mx.get("server_errors")
                   else " The server logged no error.")]
    out += ["", "The last two rows put ten browsers on the same two CPUs as the server: there the browsers' own "
            "work (Streamlit's frontend and Plotly's bundle compiled and drawn ten times) is the bottleneck, "
            "for the one-chart floor page as much as for the app, so those ratios say little about the server."]
    return out


def link_section(results: dict) -> list[str]:
    """The shared link against the floor, and ten sessions at once (between markers, so
    `python -m bench --links-only` can replace just this part of docs/benchmarks.md)."""
    out: list[str] = []
    lf = results.get("link_vs_floor")
    if lf:
        out += ["", "## A shared link against the floor", "",
                "The floor is `bench/floor_chart.py`, a minimal Streamlit page drawing one Plotly chart. It and the "
                "app are served at the same time on the same lake; one headless Chromium opens the floor and the "
                f"shared link (`{next(iter(lf.values()))['link']}`) alternately, each in a fresh browser context "
                "(no cache, no session), after one warming visit each, and times each to its first Plotly chart "
                "on screen (checked in the page on every animation frame). Medians; target within 1.5x.", "",
                "| lake | shared link | floor | ratio | runs (link / floor) |", "|---|---|---|---|---|"]
        for scale, r in lf.items():
            out.append(f"| {scale} | {_s(r['link_seconds'])} s | {_s(r['floor'])} s | **{_ratio(r['ratio'])}** | "
                       + ", ".join(_s(x) for x in r["link_runs"]) + " / " + ", ".join(_s(x) for x in r["floor_runs"])
                       + " |")
    ss = results.get("sessions")
    if ss:
        out += sessions_section(ss)
    if not out:
        return []
    t = results.get("targets", {})
    m = results.get("links_machine") or results.get("machine") or {}
    rows = [r for r in headline({"targets": {**t, "page_ratio": t.get("page_ratio", 3)},
                                 "link_vs_floor": results.get("link_vs_floor"), "sessions": results.get("sessions")})
            if r[0].startswith(("Shared link", f"{(results.get('sessions') or {}).get('sessions', 10)} sessions"))]
    summary = ["", "| figure | measured | target | result |", "|---|---|---|---|"]
    summary += [f"| {f} | {meas} | {tg} | {_verdict(ok)} |" for f, meas, tg, ok in rows]
    when = (f"Measured {m.get('date', '')}; load average at start {m.get('load_average_start')} on "
            f"{m.get('nproc')} CPUs (the machine is shared: these browser figures move with its load).")
    return ["", LINKS_START] + out[:3] + [when] + summary + [""] + out[3:] + ["", LINK_NOTES.rstrip(), LINKS_END]


def splice_links(results: dict, path: Path) -> None:
    """Replace (or add, before "## In the browser") the shared-link section of an existing report."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = "\n".join(link_section(results)[1:])
    if LINKS_START in text and LINKS_END in text:
        a, b = text.index(LINKS_START), text.index(LINKS_END) + len(LINKS_END)
        text = text[:a] + section + text[b:]
    elif "## In the browser" in text:
        text = text.replace("## In the browser", section + "\n\n## In the browser", 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def write(results: dict, path: Path) -> None:
    path.write_text(render(results), encoding="utf-8")


def summary(results: dict) -> str:
    lines = ["", "figure | measured | target | result"]
    for figure, measured, target, ok in headline(results):
        lines.append(f"{figure} | {measured} | {target} | {'pass' if ok else 'miss' if ok is False else '-'}")
    return "\n".join(lines)
