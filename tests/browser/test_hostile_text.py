"""School-entered text reaches the page as text: a return whose school names carry HTML,
script tags and spreadsheet formulas is loaded by the real loader, then every page that
shows names is opened in the browser. Nothing typed by a school may run or become markup."""
from __future__ import annotations

import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest

from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.browser.conftest import (
    MAIN,
    ROOT,
    app_on,
    grid_text,
    main_text,
    no_exception,
    open_expanders,
    open_page,
    wait_charts,
)

pytestmark = pytest.mark.browser

HOSTILE_FILE = ROOT / "tests" / "corpus" / "files" / "18_formula_and_html_in_names.csv"
YEAR = "2025/26"                                   # the year the file's rows are for
SCRIPT_NAME = "<script>alert('x')</script>Berkeley Primary School"
BOLD_NAME = "<b>Bowmandale</b> Primary School"           # Plotly would draw this bold if it were markup
INJECTED = """() => ({
  scripts: [...document.scripts].filter(s => /alert\\(/.test(s.textContent)).length,
  images: document.querySelectorAll("img[src='x'], img[onerror]").length,
  bold: [...document.querySelectorAll('b, strong')].filter(e => /Bowmandale/.test(e.textContent)).length,
  svgBold: [...document.querySelectorAll('.main-svg tspan')].filter(
    t => /Bowmandale/.test(t.textContent) && (t.getAttribute('style') || '').includes('bold')).length,
  svgLinks: document.querySelectorAll('.main-svg a').length,
})"""


@pytest.fixture(scope="module")
def hostile_app(demo_lake, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("hostile-lake")
    lake = folder / demo_lake.name
    shutil.copy2(demo_lake, lake)
    load = subprocess.run([sys.executable, "-m", "etl", "--lake", str(lake), "load", str(HOSTILE_FILE)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert load.returncode == 0, load.stdout + load.stderr       # every row loads, as the literal text typed
    with app_on(lake, "streamlit-hostile.log") as url:
        yield url, lake


def urn_of(lake, name: str) -> int:
    frame = LakeAPI(Reader(path=lake)).school_year(Filters(year=YEAR))
    return int(frame.loc[frame.school_name == name, "urn"].iloc[0])


def assert_inert(page) -> None:
    no_exception(page)
    assert page.dialogs_seen == [], page.dialogs_seen            # no alert() ran
    assert page.evaluate(INJECTED) == {"scripts": 0, "images": 0, "bold": 0, "svgBold": 0, "svgLinks": 0}


@pytest.mark.parametrize("path", ["/senco_time", "/leadership", "/ofsted", "/data_quality"])
def test_pages_listing_schools_show_typed_html_as_text(hostile_app, page, path):
    url, _ = hostile_app
    open_page(page, f"{url}{path}?year={quote(YEAR, safe='')}")
    wait_charts(page)
    open_expanders(page)
    assert_inert(page)


def test_a_school_profile_shows_its_typed_name_literally(hostile_app, page):
    url, lake = hostile_app
    urn = urn_of(lake, SCRIPT_NAME)
    open_page(page, f"{url}/schools?year={quote(YEAR, safe='')}&school={urn}")
    wait_charts(page)
    open_expanders(page)
    assert_inert(page)
    shown = main_text(page) + grid_text(page.locator(MAIN))
    assert SCRIPT_NAME in shown, shown[:2000]                         # as typed, visible to the reader


def test_side_by_side_comparison_and_its_chart_keep_names_as_text(hostile_app, page):
    url, lake = hostile_app
    urns = [urn_of(lake, SCRIPT_NAME), urn_of(lake, BOLD_NAME)]
    open_page(page, f"{url}/schools?year={quote(YEAR, safe='')}&tab={quote('Compare schools')}&compare={urns[0]}&compare={urns[1]}")
    wait_charts(page)
    assert_inert(page)
    svg_text = " ".join(page.locator(f"{MAIN} .main-svg text").all_text_contents())
    assert SCRIPT_NAME in svg_text and BOLD_NAME in svg_text, svg_text[:1000]   # the characters typed, drawn
