"""Meeting packs and printing, in a real browser: the pack opens offline with its charts drawn and
passes axe; its PDF holds every page's headings; a printed page leaves out the sidebar and fits
its charts to A4; charts download as PNG and SVG; card titles are whole on a projector."""
from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest

from lake.api import Filters, LakeAPI
from lake.store import Reader
from pack.build import build, build_summary
from tests.browser.conftest import (
    MAIN,
    PAGES,
    WAIT_MS,
    new_context,
    open_page,
    settle,
    wait_charts,
)
from tests.browser.test_accessibility import check
from tests.browser.test_hostile_text import HOSTILE_FILE, INJECTED, SCRIPT_NAME, YEAR
from tests.pack.conftest import identifying_text, make_packs
from tests.pages.apptest import ROOT, serving
from ui.anonymise import label_for, unlisted_urns

A4_PRINT_WIDTH_PX = 718
PDFTOTEXT = "/usr/bin/pdftotext"
BUILD_MS = 300_000


@pytest.fixture(scope="module")
def built(demo_lake, tmp_path_factory, browser) -> dict:
    return make_packs(demo_lake, tmp_path_factory.mktemp("browser-packs"), pdf=True, browser=browser)


def headings(doc: str) -> list[str]:
    return [re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", h))).strip()
            for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", doc, re.DOTALL)]


def pdf_text(path) -> str:
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    return re.sub(r"\s+", " ", out)


@pytest.mark.parametrize("mode", ["named", "anonymised"])
def test_pack_opens_offline_with_its_charts_drawn_and_passes_axe(browser, built, mode):
    made = built[mode]
    ctx = new_context(browser)
    requests: list[str] = []

    def offline(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    ctx.route("**/*", offline)
    try:
        page = ctx.new_page()
        page.goto(made["built"].html.resolve().as_uri(), wait_until="load", timeout=WAIT_MS)
        page.wait_for_selector("body[data-charts-drawn]", state="attached", timeout=WAIT_MS * 2)
        drawn = page.locator(".plot[data-drawn='true'] .main-svg").count()
        assert page.locator(".plot[data-drawn='true']").count() == made["built"].charts > 0
        assert drawn >= made["built"].charts
        assert requests == [], requests
        problems = check(page, f"pack-{mode}")
        assert not problems, "\n".join(problems)
    finally:
        ctx.close()


@pytest.mark.parametrize("mode", ["named", "anonymised"])
def test_pack_pdf_has_every_pages_headings(built, demo_lake, mode):
    made = built[mode]
    assert made["built"].pdf and made["built"].pdf_pages and made["built"].pdf_pages > len(PAGES)
    text = pdf_text(made["built"].pdf)
    expected = headings(made["html"])
    assert len(expected) > 20
    missing = [h for h in expected if h not in text]
    assert not missing, missing
    if mode == "anonymised":
        names, urns = identifying_text(demo_lake)
        assert not [n for n in names if n in text] + [u for u in urns if re.search(rf"(?<!\d){u}(?!\d)", text)]


@pytest.mark.parametrize("page_name", list(PAGES))
def test_printing_a_page_leaves_out_the_sidebar_and_fits_charts_to_a4(app_url, page, tmp_path, page_name):
    open_page(page, f"{app_url}{PAGES[page_name]}")
    wait_charts(page)
    title = page.locator("h1").first.inner_text()
    headers = [h.strip() for h in page.locator(f"{MAIN} h2").all_inner_texts() if h.strip()][:3]
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ({
        sidebar: getComputedStyle(document.querySelector("[data-testid='stSidebar']")).display,
        charts: [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map(c => c.getBoundingClientRect().width)})""")
    assert shown["sidebar"] == "none"
    assert not shown["charts"] or max(shown["charts"]) <= A4_PRINT_WIDTH_PX + 1, shown["charts"]
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = pdf_text(pdf)
    assert title in text and all(h in text for h in headers), (title, headers)
    assert "All phases" not in text and "All sizes" not in text          # the sidebar filters' placeholders


def test_every_chart_downloads_as_png_and_svg(app_url, page):
    open_page(page, f"{app_url}{PAGES['senco_time']}")
    wait_charts(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    assert page.locator(".senco-svg-button").count() == page.locator("[data-testid='stPlotlyChart']").count()
    for button, magic in (("Download plot as a PNG", b"\x89PNG"), ("Download plot as an SVG", b"<svg")):
        with page.expect_download(timeout=WAIT_MS) as dl:
            chart.hover()
            chart.locator(f".modebar-btn[data-title='{button}']").click()
        path = dl.value.path()
        assert Path(path).read_bytes()[:4] == magic, button
        assert dl.value.suggested_filename.startswith("time-scatter")


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 1), ((640, 360), 2)], ids=["projector", "zoom-200"])
def test_card_titles_are_whole_and_each_change_is_said_once(browser, app_url, demo_lake, size, scale):
    # The last finished collection: the demo's latest is still open, and an open collection's cards are
    # compared with last year at the same point or not at all, so they may carry no change.
    finished = sorted(LakeAPI(Reader(path=demo_lake)).years())[-2]
    ctx = new_context(browser, viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
    try:
        page = ctx.new_page()
        open_page(page, app_url + PAGES["overview"] + "?" + urlencode({"year": finished}))
        cut = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMetricLabel'] p")]
            .filter(p => p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1
                         || getComputedStyle(p).textOverflow === 'ellipsis' && getComputedStyle(p).whiteSpace === 'nowrap')
            .map(p => p.textContent)""")
        assert not cut, cut
        main = page.locator(MAIN).inner_text()
        assert "Change since last year" not in main
        said = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMetricDelta']")].map(d => {
            const desc = document.getElementById(d.getAttribute('aria-describedby'));
            return (d.innerText + ' ' + (desc ? desc.innerText : '')).trim(); })""")
        assert said and all(s.endswith("since last year") for s in said), said
    finally:
        ctx.close()


def test_meeting_pack_button_offers_the_pack(app_url, page, demo_lake):
    open_page(page, f"{app_url}{PAGES['overview']}?anon=true")
    page.get_by_text("Link to this view").click()
    page.get_by_text("Also make a PDF").click()            # HTML only, for speed
    settle(page)
    page.get_by_role("button", name="Make meeting pack").click()
    download = page.get_by_role("button", name="Download pack (HTML)")
    download.wait_for(state="visible", timeout=BUILD_MS)
    with page.expect_download(timeout=WAIT_MS) as dl:
        download.click()
    assert dl.value.suggested_filename == "meeting-pack-anonymised.html"
    doc = Path(dl.value.path()).read_text(encoding="utf-8")
    assert '<h2 id="h-overview">Overview</h2>' in doc and "Anonymised: school names are replaced" in doc
    names, _ = identifying_text(demo_lake)
    assert not [n for n in names if n in doc]


@pytest.mark.parametrize("anonymised", [False, True], ids=["named", "anonymised"])
def test_school_summary_is_one_page_with_the_profile(browser, demo_lake, tmp_path, anonymised):

    con = duckdb.connect(str(demo_lake), read_only=True)
    try:
        year, key = con.execute("SELECT max(academic_year), (SELECT value FROM lake_info WHERE key = 'anon_key') "
                                "FROM returns").fetchone()
        frame = LakeAPI(Reader(path=demo_lake)).school_year(Filters(year=year))
        hidden = unlisted_urns(frame)            # schools anonymised mode does not list at all
        urn, name = next((int(u), n) for u, n, r in zip(frame.urn, frame.school_name, frame.has_return)
                         if r and int(u) not in hidden)
    finally:
        con.close()
    # An anonymised link names the school by its label (a URN there would let anyone learn labels).
    chosen = label_for(urn, key) if anonymised else urn
    with serving(demo_lake):
        made = build_summary(f"/schools?school={chosen}" + ("&anon=true" if anonymised else ""), tmp_path / "s.pdf",
                             browser=browser)
    assert made.pdf_pages == 1
    text = pdf_text(made.pdf)
    assert "Key figures" in text and "Statutory flags" in text and "SENCO hours a week" in text
    assert (name in text) != anonymised and (str(urn) in text) != anonymised


def test_school_typed_markup_stays_text_in_the_pack(browser, demo_lake, tmp_path):
    """A return whose school names carry HTML and script tags, loaded by the real loader: in the
    pack those names are shown as typed, and nothing typed runs or becomes markup."""

    lake = tmp_path / demo_lake.name
    shutil.copy2(demo_lake, lake)
    load = subprocess.run([sys.executable, "-m", "etl", "--lake", str(lake), "load", str(HOSTILE_FILE)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert load.returncode == 0, load.stdout + load.stderr
    with serving(lake):
        made = build(f"/senco_time?year={YEAR.replace('/', '%2F')}", tmp_path / "pack.html", pages=["senco_time", "schools"])
    doc = made.html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in doc                    # the name is in the pack, as text
    ctx = new_context(browser)
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        page = ctx.new_page()
        page.goto(made.html.resolve().as_uri(), wait_until="load", timeout=WAIT_MS)
        page.wait_for_selector("body[data-charts-drawn]", state="attached", timeout=WAIT_MS * 2)
        found = page.evaluate(INJECTED)
        # The figures' data sits in JSON blocks (never run, "<" written as \u003c): only scripts that run count.
        found["scripts"] = page.evaluate("""() => [...document.scripts].filter(
            s => s.type !== 'application/json' && /alert\\(/.test(s.textContent)).length""")
        assert found == {"scripts": 0, "images": 0, "bold": 0, "svgBold": 0, "svgLinks": 0}
        assert page.evaluate("""() => [...document.querySelectorAll('script[type="application/json"]')]
            .every(s => !s.textContent.includes('</'))""")
        assert SCRIPT_NAME in page.locator("main").inner_text()          # shown as typed
    finally:
        ctx.close()
