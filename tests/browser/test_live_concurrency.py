"""A load while several people have the dashboard open: no one is shown an error, every figure
they see is the lake's before the load or after it, each page shows one of the two (not a mixture),
and the new figures reach everyone on their next interaction, without restarting the app.

The tests share one scenario on a server of their own over a private copy of the demo lake (the
other browser tests keep theirs as built). Three people keep working while `python -m etl load`
brings in the returns of the schools that have not returned this year: one switches the academic
year on the Overview, one adds and removes a phase filter on SENCO time, and one keeps reopening
the Overview from a link. What each page shows is checked against what the read API answers from
the lake before and after the load.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest

from bench.app_server import python as _python
from domain.columns import COLUMNS
from lake.api import Filters, LakeAPI
from lake.measures import MEASURES
from lake.store import Reader
from tests.browser.conftest import ROOT, WAIT_MS, new_context, pick_option, start_server, stop_server, widget

SCOPE = re.compile(r"(\d{4}/\d{2}) · (\d+) schools in scope · (\d+) returns received")
RUNS_BEFORE = 2              # views each person goes through on the old lake before the load starts
MAX_RUNS_AFTER = 4           # bound on views after the load, waiting for each person to see a changed one
OBSERVE_S = 25               # a change of view must be drawn within this
LOAD_S = 60                  # the load must finish within this

# Everything a person can see of one run of the page, read in one go so that it all comes from
# the same moment: whether the run has finished, the scope line, the headline cards, every text,
# caption and figure of the page, and any exception, error message or dialog.
SNAPSHOT = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMainBlockContainer']");
  const cards = {};
  for (const c of document.querySelectorAll("[data-testid='stMetric']")) {
    const label = c.querySelector("[data-testid='stMetricLabel']");
    const value = c.querySelector("[data-testid='stMetricValue']");
    if (label && value) cards[label.innerText.trim()] = value.innerText.trim();
  }
  return {
    finished: !!app && app.dataset.testScriptState === 'notRunning'
              && !document.querySelector("[data-stale='true'], [data-testid='stSkeleton']"),
    text: main ? main.innerText : '',
    cards: cards,
    paragraphs: main ? [...main.querySelectorAll("[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']")]
                         .map(e => e.innerText.trim()).filter(t => t) : [],
    exceptions: [...document.querySelectorAll("[data-testid='stException']")].map(e => e.innerText.slice(0, 2000)),
    errors: [...document.querySelectorAll("[data-testid='stAlertContentError']")].map(e => e.innerText),
    dialogs: [...document.querySelectorAll("[role='dialog']")].map(d => d.innerText),
  };
}"""


# ------------------------------------------------------------------ what the lake says
def read_api(lake: Path):
    return LakeAPI(Reader(path=lake))


def filters_for(state: dict, current_year: str):
    return Filters(year=state.get("year", current_year), phase=tuple(filter(None, [state.get("phase")])))


def expected_view(api, state: dict, current_year: str) -> dict:
    """The scope line and every headline figure a page shows under these filters."""
    filters = filters_for(state, current_year)
    frame = api.school_year(filters)
    return {"scope": (filters.year, len(frame), int(frame.has_return.sum())),
            "cards": {m.name: m.format(api.measure_value(m.id, filters)[0]) for m in MEASURES}}


def late_returns(api, year: str) -> tuple[bytes, int]:
    """Returns for this year from the schools in scope that have not sent one, as a CSV the way
    the online form exports it: each school sends last year's answers again."""

    frame = api.school_year(Filters(year=year))
    missing = frame[~frame.has_return.astype(bool) & frame.on_register.astype(bool)].urn.astype(int).tolist()
    start = int(year[:4]) - 1
    previous = f"{start}/{str(start + 1)[2:]}"
    rows = api.reader.df("SELECT * FROM returns WHERE academic_year = ? AND list_contains(?, urn) ORDER BY urn",
                         [previous, missing])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in COLUMNS])
    for row in rows.to_dict("records"):
        cells = []
        for c in COLUMNS:
            value = row[c.name]
            if c.name == "academic_year":
                cells.append(year)
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                cells.append("")
            elif c.kind == "yesno":
                cells.append("yes" if value else "no")
            elif c.kind == "date":
                cells.append(pd.Timestamp(value).strftime("%d/%m/%Y"))
            elif c.kind in ("urn", "count"):
                cells.append(str(int(value)))
            elif c.kind == "hours":
                cells.append(f"{float(value):g}")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8"), len(rows)


# ------------------------------------------------------------------ the people using the app
@dataclass
class Seen:
    """What one run of a page showed."""
    state: int
    triggered: float                 # when the person acted (monotonic clock)
    loader_running: bool             # whether the load was still running then
    scope: tuple                     # (year, schools in scope, returns received)
    cards: dict                      # headline figure name -> value shown
    paragraphs: list                 # every text, caption and figure on the page, in order
    problems: list                   # exceptions, error messages and dialogs on the page

    def figures(self) -> dict:
        return {"returns received (scope line)": self.scope[2] if self.scope else None, **self.cards}


@dataclass
class Session:
    """One person with the dashboard open, switching between two views of it."""
    name: str
    path: str
    states: list[dict]
    how: str                         # "year" | "phase" (in the same session) | "link" (reopened each time)
    markers: list[tuple] = field(default_factory=list)     # per view: (year, schools in scope)
    page: object = None
    state: int = 0
    triggered: float = 0.0
    loader_running: bool = False
    waiting: bool = False
    seen: list[Seen] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        """Shown an error: the person cannot carry on (the test for errors reports it)."""
        return any(o.problems for o in self.seen)

    def url(self, base: str, state: dict) -> str:
        return f"{base}{self.path}" + (f"?{urlencode(state)}" if state else "")

    def open(self, base: str) -> None:
        self.page.goto(self.url(base, self.states[0]), wait_until="commit")
        self.triggered, self.waiting = time.monotonic(), True

    def act(self, base: str, load: Load | None) -> None:
        """Switch to the other view, as the person would; returns once the action is made."""
        self.state = 1 - self.state
        target = self.states[self.state]
        self.loader_running = load is not None and load.running()
        self.triggered, self.waiting = time.monotonic(), True
        if self.how == "link":
            self.page.goto(self.url(base, target), wait_until="commit", timeout=WAIT_MS)
        elif self.how == "year":
            pick_option(self.page, "Academic year", target["year"])
        elif "phase" in target:
            pick_option(self.page, "Phase", target["phase"])
        else:
            old = self.states[1 - self.state]["phase"]
            widget(self.page, "Phase").get_by_role("button", name=f"Remove {old}").click()

    def drawn(self) -> bool:
        """Whether the page has finished the run the person started, recognised by its scope line
        (the year and number of schools of the view asked for), or has stopped on a problem; if
        so, what it shows is recorded."""
        snap = snapshot(self.page)
        if snap:
            problems = snap["exceptions"] + snap["errors"] + [d for d in snap["dialogs"] if d.strip()]
            m = SCOPE.search(snap["text"])
            if problems or (snap["finished"] and m and (m.group(1), int(m.group(2))) == self.markers[self.state]):
                scope = (m.group(1), int(m.group(2)), int(m.group(3))) if m else None
                self.seen.append(Seen(self.state, self.triggered, self.loader_running, scope, snap["cards"],
                                      snap["paragraphs"], problems + ([snap["text"][:1500]] if problems else [])))
                self.waiting = False
                return True
        assert time.monotonic() - self.triggered < OBSERVE_S, (
            f"{self.name}: the view {self.states[self.state]} was not drawn within {OBSERVE_S} s; the page "
            f"shows:\n{(snap or {}).get('text', '')[:1500]}")
        return False


def snapshot(page) -> dict | None:
    try:
        return page.evaluate(SNAPSHOT)
    except Exception:                # the page is between documents (a link being opened)
        return None


class Load:
    """`python -m etl load` running beside the app."""

    def __init__(self, lake: Path, path: Path):
        self.proc = subprocess.Popen([_python(), "-m", "etl", "load", str(path)], cwd=ROOT,
                                     env={**os.environ, "SENCO_LAKE": str(lake)}, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.started = time.monotonic()
        self.finished: float | None = None      # the first moment it was seen to have exited

    def running(self) -> bool:
        if self.proc.poll() is None:
            assert time.monotonic() - self.started < LOAD_S, f"the load took more than {LOAD_S} s"
            return True
        if self.finished is None:
            self.finished = time.monotonic()
        return False


def keep_rerunning(sessions: list[Session], base: str, load: Load | None, done) -> None:
    """Each person changes their view again as soon as their page has drawn the last change,
    so the runs of the three sessions overlap, until done(session) holds for everyone."""
    while True:
        for s in sessions:
            if s.waiting and not s.drawn():
                continue
            if not s.stopped and not done(s):
                s.act(base, load)
        if all(not s.waiting and (s.stopped or done(s)) for s in sessions):
            return
        # Only paces the polling of the three pages: every wait here is on a condition with its own
        # deadline (drawn() within OBSERVE_S, the load within LOAD_S), never on this sleep.
        time.sleep(0.02)


@dataclass
class Story:
    """The scenario as it happened: who saw what, and what the lake said before and after."""
    sessions: list[Session]
    before: dict                     # (session name, view) -> scope line and headline figures
    after: dict
    load: Load
    server_alive: bool
    server_log: str

    def expected(self, s: Session, o: Seen) -> dict[str, dict]:
        def figures(view: dict) -> dict:
            return {"returns received (scope line)": view["scope"][2], **view["cards"]}
        return {"before": figures(self.before[(s.name, o.state)]), "after": figures(self.after[(s.name, o.state)])}

    def changed(self, s: Session, o: Seen) -> bool:
        return self.before[(s.name, o.state)] != self.after[(s.name, o.state)]

    def after_load(self, o: Seen) -> bool:
        return o.triggered > self.load.finished

    def timeline(self) -> str:
        t0 = min(o.triggered for s in self.sessions for o in s.seen)
        lines = [f"the load ran from {self.load.started - t0:.1f} s to {self.load.finished - t0:.1f} s"]
        for s in self.sessions:
            for o in s.seen:
                shown = o.figures()
                which = [k for k, v in self.expected(s, o).items() if all(v.get(n) == shown[n] for n in shown)]
                which = which or ["problems" if o.problems else "a mixture"]
                lines.append(f"  {s.name}: acted at {o.triggered - t0:5.1f} s"
                             f"{' (load running)' if o.loader_running else ''} -> {o.scope} {' or '.join(which)}")
        return "\n".join(lines)


# ------------------------------------------------------------------ the scenario
@pytest.fixture(scope="module")
def story(demo_lake, browser, tmp_path_factory) -> Story:
    folder = tmp_path_factory.mktemp("live-concurrency")
    lake = folder / demo_lake.name               # a private copy: the load leaves the other tests' lake alone
    shutil.copy2(demo_lake, lake)
    raw = demo_lake.with_name(demo_lake.stem + "-raw")
    if raw.is_dir():
        shutil.copytree(raw, lake.with_name(lake.stem + "-raw"))

    api = read_api(lake)
    years = api.years()
    assert len(years) >= 2
    current, previous = years[0], years[1]
    sessions = [
        Session("Overview, switching year", "/", [{"year": current}, {"year": previous}], "year"),
        Session("SENCO time, adding and removing a phase", "/senco_time", [{}, {"phase": "primary"}], "phase"),
        Session("Overview, reopened from a link", "/", [{}, {"phase": "primary"}], "link"),
    ]
    before = {(s.name, i): expected_view(api, st, current) for s in sessions for i, st in enumerate(s.states)}
    for s in sessions:
        s.markers = [before[(s.name, i)]["scope"][:2] for i in (0, 1)]
        assert s.markers[0] != s.markers[1], f"{s.name}: the two views cannot be told apart"
    late, n_late = late_returns(api, current)
    assert n_late > 0, "every school in scope has already returned: nothing for the load to change"
    returns_file = folder / f"senco_returns_{current.replace('/', '-')}_late.csv"
    returns_file.write_bytes(late)

    log = folder / "streamlit-live.log"
    proc, url = start_server(lake, log)
    contexts, load = [], None
    try:
        for s in sessions:
            contexts.append(new_context(browser))
            s.page = contexts[-1].new_page()
            s.open(url)
        keep_rerunning(sessions, url, None, lambda s: len(s.seen) > RUNS_BEFORE)
        load = Load(lake, returns_file)
        keep_rerunning(sessions, url, load, lambda s: not load.running())
        output = load.proc.communicate(timeout=60)[0]
        assert load.proc.returncode == 0, output

        after_api = read_api(lake)
        after = {(s.name, i): expected_view(after_api, st, current) for s in sessions for i, st in enumerate(s.states)}
        this_year = (sessions[0].name, 0)
        assert after[this_year]["scope"][2] == before[this_year]["scope"][2] + n_late, \
            f"the load did not add the {n_late} late returns to this year's returns received:\n{output}"
        assert all(before[k]["scope"][:2] == after[k]["scope"][:2] for k in before)   # no school left or joined
        changed = {k for k in before if before[k] != after[k]}

        def seen_since_load(s: Session) -> bool:
            """Both views drawn since the load, one of them changed by it."""
            since = [o for o in s.seen if o.triggered > load.finished]
            return {o.state for o in since} == {0, 1} and any((s.name, o.state) in changed for o in since)

        runs = {s.name: len(s.seen) for s in sessions}
        keep_rerunning(sessions, url, load,
                       lambda s: seen_since_load(s) or len(s.seen) >= runs[s.name] + MAX_RUNS_AFTER)
        alive = proc.poll() is None
    finally:
        for ctx in contexts:
            ctx.close()
        if load is not None and load.proc.poll() is None:
            load.proc.kill()
            load.proc.wait(30)
        stop_server(proc)
    return Story(sessions, before, after, load, alive, log.read_text(encoding="utf-8", errors="replace"))


# ------------------------------------------------------------------ what people must (not) see
def test_no_one_is_shown_an_error_while_a_load_runs(story):
    assert story.server_alive, "the server stopped"
    assert any(o.loader_running for s in story.sessions for o in s.seen), \
        f"no page was rerun while the load ran\n{story.timeline()}"
    for s in story.sessions:
        for o in s.seen:
            assert not o.problems, f"{s.name} was shown: {o.problems}\n{story.timeline()}"
    assert "Traceback" not in story.server_log, story.server_log[-3000:]


def test_every_figure_shown_is_the_lakes_before_or_after_the_load(story):
    for s in story.sessions:
        for o in s.seen:
            if o.problems:
                continue             # reported by the test for errors
            expected = story.expected(s, o)
            shown = o.figures()
            assert o.cards or s.path != "/", f"{s.name}: no headline figures on the Overview"
            for name, value in shown.items():
                if name in expected["before"]:
                    assert value in (expected["before"][name], expected["after"][name]), (
                        f"{s.name}, {s.states[o.state]}: '{name}' showed {value!r}; the lake said "
                        f"{expected['before'][name]!r} before the load and {expected['after'][name]!r} after"
                        f"\n{story.timeline()}")


def test_everyone_sees_the_new_figures_on_their_next_rerun_and_never_the_old_again(story):
    for s in story.sessions:
        assert any(story.after_load(o) and story.changed(s, o) for o in s.seen), \
            f"{s.name} never reran after the load\n{story.timeline()}"
        new_seen = False
        for o in s.seen:
            if o.problems:
                continue             # reported by the test for errors
            expected = story.expected(s, o)
            shown = {k: v for k, v in o.figures().items() if k in expected["after"]}
            if story.after_load(o):
                assert shown == {k: expected["after"][k] for k in shown}, (
                    f"{s.name} acted after the load had finished and was still shown old figures for "
                    f"{s.states[o.state]}: {shown}\nthe lake says: {({k: expected['after'][k] for k in shown})}"
                    f"\n{story.timeline()}")
            if story.changed(s, o):
                old = [k for k in shown if shown[k] == expected["before"][k] != expected["after"][k]]
                assert not (new_seen and old), \
                    f"{s.name} went back to old figures {old} after being shown new ones\n{story.timeline()}"
                new_seen = new_seen or any(shown[k] == expected["after"][k] != expected["before"][k] for k in shown)


def test_each_page_shows_one_lake_not_a_mixture_of_before_and_after(story):
    """Every text, caption and figure of one page comes from the same lake: a page drawn while
    the load swapped the file in is exactly as the same view was drawn before the load or as it
    was drawn after it, not partly one and partly the other."""
    for s in story.sessions:
        drawn = {"before": {}, "after": {}}       # view -> the pages drawn of it wholly before / after the load
        for o in s.seen:
            if o.triggered > story.load.finished:
                drawn["after"].setdefault(o.state, []).append(o.paragraphs)
            elif o.triggered < story.load.started:
                drawn["before"].setdefault(o.state, []).append(o.paragraphs)
        for o in s.seen:
            if o.problems or not story.load.started <= o.triggered <= story.load.finished:
                continue
            before, after = drawn["before"].get(o.state), drawn["after"].get(o.state)
            assert before and after, f"{s.name}: {s.states[o.state]} was not drawn both before and after the load"
            if o.paragraphs in before or o.paragraphs in after:
                continue
            old = [p[:120] for p in o.paragraphs if p not in after[0]][:8]
            new = [p[:120] for p in o.paragraphs if p not in before[0]][:8]
            pytest.fail(f"{s.name}, {s.states[o.state]}: one run of the page, started while the load ran, showed "
                        f"some figures from before the load {old} and some from after it {new}\n{story.timeline()}")
