"""Browser tests: one Streamlit server on a copy of the demo lake, headless Chromium.

Every test in this folder is marked `browser`. The server is started once per session,
the browser once per session, and each test gets a fresh context (no cookies, no
session state) so a test sees exactly what someone opening a shared link would see.
A failing test leaves a screenshot and the page's HTML in test-artifacts/.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import sync_playwright

from bench import app_server
from bench.app_server import CHROMIUM, LAUNCH_ARGS, stop_server
from domain.vocabularies import SIZE_BANDS
from lake.api import Filters, LakeAPI
from lake.store import Reader
from ui.anonymise import label_for, unlisted_urns
from ui.navigation import ADDRESSES

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
WAIT_MS = 30_000            # every wait in the browser is bounded by this
SERVER_START_S = 60
VIEWPORT = {"width": 1400, "height": 1000}

# Page paths as a user opens them (the default page lives at "/").
PAGES = ADDRESSES

AXE_STATS: dict = {"runs": 0, "rules": 0, "nodes": 0, "excused": 0, "failed": [], "review": {}}

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAIN = "[data-testid='stMainBlockContainer']"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if page is None:
        return
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True, timeout=10_000)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
        report.sections.append(("browser", f"screenshot: {ARTIFACTS / (stem + '.png')}\nurl: {page.url}"))
    except Exception as exc:   # the page may be gone; the failure itself is what matters
        report.sections.append(("browser", f"no screenshot: {exc}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if AXE_STATS["runs"]:
        terminalreporter.write_line(
            f"axe-core: {AXE_STATS['runs']} page checks run, {AXE_STATS['rules']} rule results "
            f"({AXE_STATS['nodes']} element checks), {AXE_STATS['excused']} excused by ACCESSIBILITY_EXCEPTIONS, "
            f"{len(AXE_STATS['failed'])} page states with violations")
        if AXE_STATS["review"]:
            terminalreporter.write_line(
                "axe-core could not decide (check by hand): "
                + ", ".join(f"{rule} x{n}" for rule, n in sorted(AXE_STATS["review"].items())))


# ------------------------------------------------------------------ the server
def start_server(lake: Path, log_path: Path, timeout: float = SERVER_START_S) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free port; return the process and base URL once healthy."""
    return app_server.start_server(lake, log_path, timeout)


@contextlib.contextmanager
def app_on(lake: Path, log_name: str):
    """The app serving `lake` for the block, its log kept under ARTIFACTS as `log_name`: yields its base URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_server(lake, ARTIFACTS / log_name)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def app_lake(demo_lake, tmp_path_factory) -> Path:
    """A private copy of the demo lake for the server, so uploads in these tests leave the shared one as built."""
    folder = tmp_path_factory.mktemp("browser-lake")
    target = folder / demo_lake.name
    shutil.copy2(demo_lake, target)
    raw = demo_lake.with_name(demo_lake.stem + "-raw")
    if raw.is_dir():
        shutil.copytree(raw, target.with_name(target.stem + "-raw"))
    return target


# What the very first visitor after the server started saw (checked by test_journeys).
FIRST_VISIT: dict = {}


@pytest.fixture(scope="session")
def app_url(app_lake, browser) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    for old in [*ARTIFACTS.glob("test_*.png"), *ARTIFACTS.glob("test_*.html")]:    # from an earlier run
        old.unlink(missing_ok=True)
    proc, url = start_server(app_lake, ARTIFACTS / "streamlit-server.log")
    try:
        # The first session after a start is special in Streamlit (it is when page scripts are
        # discovered): open a shared link to a page that is not the default one, as someone at a
        # meeting would, and keep what they saw for the test that checks it.
        ctx = new_context(browser)
        try:
            first = ctx.new_page()
            FIRST_VISIT["path"] = "/senco_time?phase=primary"
            first.goto(url + FIRST_VISIT["path"], wait_until="domcontentloaded")
            wait_ready(first)
            first.wait_for_timeout(500)
            FIRST_VISIT["dialogs"] = first.locator("[role='dialog']").all_inner_texts()
            FIRST_VISIT["title"] = first.locator("h1").first.inner_text()
            FIRST_VISIT["nav"] = first.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
            FIRST_VISIT["phase"] = selected_options(first, "Phase")
            FIRST_VISIT["tab_title"] = first.title()
        finally:
            ctx.close()
        yield url
    finally:
        stop_server(proc)


# ------------------------------------------------------------- lake lookups
@pytest.fixture(scope="session")
def lake_facts(app_lake) -> dict:
    """What the tests need to know about the demo lake, read straight from it (before any upload)."""

    api = LakeAPI(Reader(path=app_lake))
    years = api.years()
    schools = api._df("SELECT urn, school_name FROM schools")
    names = sorted({n for n in schools.school_name.dropna().tolist() if len(n) >= 6})
    returned = api._df("SELECT DISTINCT school_name FROM returns")
    frame = api.school_year(Filters(year=years[0]))
    with_return = frame[frame.has_return.astype(bool)]
    return {
        "years": years,
        "school_urn": int(with_return.iloc[0].urn),
        "compare_urns": [int(u) for u in with_return.urn.head(3)],
        "school_name": str(with_return.iloc[0].school_name),
        "current_year": years[0],
        "phases": api.options("phase"),
        "school_names": sorted(set(names) | {n for n in returned.school_name.dropna() if len(n) >= 6}),
        "frame": frame,
        "key": api.info()["anon_key"],
        # A school anonymised mode lists (one whose phase, type and size band it shares with 4 others), by label.
        "anon_label": label_for(next(u for u in with_return.urn if int(u) not in unlisted_urns(frame)),
                                api.info()["anon_key"]),
    }


@pytest.fixture(scope="session")
def empty_query(lake_facts) -> str:
    """Filters under which no school is in scope this year (phase x size band with no schools)."""

    frame = lake_facts["frame"]
    phases = ["special"] + [p for p in lake_facts["phases"] if p != "special"]
    for size in reversed(SIZE_BANDS):
        for phase in phases:
            if phase in lake_facts["phases"] and not ((frame.phase == phase) & (frame.size_band == size)).any():
                return urlencode({"phase": phase, "size": size})
    raise AssertionError("every phase x size band has schools: no empty view to check")


# ------------------------------------------------------------------ browser
@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    try:
        yield b
    finally:
        b.close()


def new_context(browser, **kwargs):
    options = {"accept_downloads": True, "viewport": VIEWPORT, "locale": "en-GB", **kwargs}
    ctx = browser.new_context(**options)
    ctx.set_default_timeout(WAIT_MS)
    ctx.set_default_navigation_timeout(WAIT_MS)
    return ctx


@pytest.fixture()
def context(browser):
    ctx = new_context(browser)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture()
def page(context):
    pg = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.dialogs_seen = dialogs     # read by tests that check no script ran
    return pg


# ------------------------------------------------------------------ helpers
# The script has finished, nothing is left over from the previous run, and every table in view has
# drawn (a table draws on a canvas and then fills an accessible copy of its rows for screen readers).
DRAWN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector("[data-stale='true'], [data-testid='stSkeleton']")) return false;
  return [...document.querySelectorAll("[data-testid='stDataFrame']")]
    .filter(d => d.getClientRects().length && !d.closest('[inert]'))
    .every(d => d.querySelector('canvas table tr'));
}"""


def wait_ready(page, timeout: int = WAIT_MS) -> None:
    """Wait until Streamlit has finished running the script and the main block is drawn."""
    page.wait_for_selector(READY, state="attached", timeout=timeout)
    page.wait_for_selector(MAIN, state="visible", timeout=timeout)
    # Elements left from the previous run are marked stale until the rerun replaces them.
    # Tables and charts load their code lazily and show a skeleton until they are drawn.
    page.wait_for_function(DRAWN, timeout=timeout)


def wait_charts(page, timeout: int = WAIT_MS) -> None:
    """Plotly draws after the script has finished: wait until every chart on the page has its SVG."""
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stPlotlyChart']\")]"
        ".every(c => c.querySelector('.main-svg'))", timeout=timeout)


def open_page(page, url: str, timeout: int = WAIT_MS) -> None:
    """Navigate to url and wait until the page has been drawn completely."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_ready(page, timeout)
    dialogs = page.locator("[role='dialog']").all_inner_texts()
    assert not any("Page not found" in d for d in dialogs), f"{url}: {dialogs}"


def settle(page, timeout: int = WAIT_MS) -> None:
    """After an interaction: give Streamlit a moment to start the rerun, then wait for it to finish."""
    try:
        page.wait_for_selector("[data-testid='stApp']:not([data-test-script-state='notRunning'])",
                               state="attached", timeout=1500)
    except Exception:
        pass   # the rerun may already have finished
    wait_ready(page, timeout)


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


WIDGETS = ("[data-testid='stMultiSelect'], [data-testid='stSelectbox'], [data-testid='stCheckbox'],"
           " [data-testid='stRadio']")


def widget(page, label: str, where: str = "[data-testid='stSidebar']"):
    """The widget (multiselect, selectbox, toggle, radio) whose label is exactly `label`."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.locator(where).locator(WIDGETS).filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=exact)).first


def selected_options(page, label: str) -> list[str]:
    """The chosen items of a sidebar multiselect, as the user sees them (its tags)."""
    return [t.get_attribute("aria-label") or t.inner_text().strip()
            for t in widget(page, label).locator("[data-tag]").all()]


def selectbox_value(page, label: str) -> str:
    return widget(page, label).locator("input[role='combobox']").input_value().strip()


def pick_option(page, label: str, option: str) -> None:
    """Choose an option in a sidebar multiselect with the mouse."""
    widget(page, label).locator("input[role='combobox']").click()
    listbox = page.locator("[role='listbox']").last
    listbox.wait_for(state="visible", timeout=WAIT_MS)
    listbox.locator("[role='option']", has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")).first.click()
    page.keyboard.press("Escape")


def grid_text(locator) -> str:
    """The text of st.dataframe grids under `locator`: the grid draws on a canvas and keeps an
    accessible table (header and the rows in view) inside it for screen readers."""
    return "\n".join(locator.locator("[data-testid='stDataFrame'] table").evaluate_all(
        "ts => ts.map(t => [...t.querySelectorAll('tr')].map(r => [...r.cells].map(c => c.textContent).join(' | '))"
        ".join('\\n'))"))


def is_open(summary) -> bool:
    """Whether an st.expander (a <details> element) is open."""
    return bool(summary.evaluate("s => s.closest('details').open"))


def open_detail(expander) -> None:
    """Open an expander. Table alternatives and the link box are drawn only once opened (ui/details.py),
    by the rerun the click starts: callers wait for the body they need (a table, the link's code)."""
    summary = expander.locator("summary")
    if not is_open(summary):
        summary.click()


def open_expanders(page, scope: str = MAIN) -> None:
    """Open every expander under `scope` (table alternatives, the share link) and let them draw."""
    for summary in page.locator(f"{scope} [data-testid='stExpander'] summary").all():
        if not is_open(summary):
            summary.click()
    wait_ready(page)


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def metric(page, name: str) -> str:
    """The value of a headline figure (st.metric) with this label."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")))
    return card.first.locator("[data-testid='stMetricValue']").inner_text().strip()


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, main_text(page)[:2000]
