"""Drill-through in a real browser: a click on a school's point in a chart, on a school's name in
the ranked list or on its row in the whole list's grid, opens that school's profile on the Schools page with the same filters; in
anonymised mode the point names no school on hover and opens the profile by its label."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from lake import analysis
from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.browser.conftest import MAIN, open_page, wait_charts, wait_ready, widget

BOX_TITLE = "SENCO hours a week by phase"
PHASES = "phase=primary&phase=secondary"


def chart(page, title: str):
    """The chart whose title is `title` (Plotly draws titles as SVG text)."""
    return page.locator("[data-testid='stPlotlyChart']").filter(
        has=page.locator(".gtitle", has_text=re.compile(rf"^{re.escape(title)}$"))).first


def points(page, title: str) -> list[tuple[float, float]]:
    """Where the school points of the chart are on screen, highest first (a box plot draws only the
    schools beyond its whiskers as points, clear of the boxes)."""
    box = chart(page, title)
    box.scroll_into_view_if_needed()
    dots = box.locator("g.points path.point")
    assert dots.count() > 3
    rects = sorted((r for r in (dots.nth(i).bounding_box() for i in range(dots.count())) if r), key=lambda r: r["y"])
    return [(r["x"] + r["width"] / 2, r["y"] + r["height"] / 2) for r in rects]


def hover_text(page) -> str:
    page.wait_for_selector(".hoverlayer .hovertext", state="attached")
    return " ".join(page.locator(".hoverlayer .hovertext").all_text_contents())


def landed_on_profile(page) -> tuple[str, dict]:
    """Wait for the Schools page the click opened to draw a profile; return the school its heading
    names ("Name (URN)", or the label in anonymised mode) and the filters in its address."""
    page.wait_for_url(re.compile(r"/schools(\?|$)"))
    wait_ready(page)
    heading = page.locator(MAIN).locator("[data-testid='stHeadingWithActionElements'] h3").first
    heading.wait_for()
    return heading.inner_text().strip(), parse_qs(urlparse(page.url).query)


def test_a_clicked_box_plot_point_opens_that_schools_profile(app_url, page, lake_facts):
    open_page(page, f"{app_url}/senco_time?{PHASES}")
    wait_charts(page)
    x, y = points(page, BOX_TITLE)[0]
    page.mouse.move(x, y)
    hovered = hover_text(page)
    frame = lake_facts["frame"]
    named = [n for n in frame.school_name.dropna() if n in hovered]
    assert named, f"the point's hover names no school: {hovered!r}"
    page.mouse.click(x, y)
    heading, query = landed_on_profile(page)
    urn = re.search(r"\((\d{6})\)$", heading).group(1)
    name = frame.loc[frame.urn.astype(str) == urn, "school_name"].iloc[0]
    assert name == max(named, key=len) and heading == f"{name} ({urn})"    # the school the hover named
    assert query["phase"] == ["primary", "secondary"]                       # the same filters


def test_a_ranked_schools_name_opens_its_profile_with_the_same_filters(app_url, app_lake, page, lake_facts):
    """The ranked list's first schools are a plain table: each name is a link to the school's
    profile, opened beside the list (a new tab) with the list's filters."""
    open_page(page, f"{app_url}/senco_time?phase=primary")
    # The lake as it is now (another test may have loaded returns into it).
    frame = analysis.returned(LakeAPI(Reader(path=app_lake)).school_year(Filters(year=lake_facts["current_year"])))
    ranked = analysis.ranked(frame[frame.phase == "primary"], "hours_per_10_send")
    table = page.locator(MAIN).locator("table").filter(has=page.locator("th", has_text="Hours per 10 SEND pupils"))
    names = table.locator("tbody tr td:nth-child(2)")
    assert names.count() == min(10, len(ranked)) < len(ranked)
    assert names.all_inner_texts() == ranked.school_name.head(names.count()).tolist()
    with page.context.expect_page() as opened:
        table.get_by_role("link", name=ranked.school_name.iloc[2], exact=True).click()
    profile = opened.value
    heading, query = landed_on_profile(profile)
    assert heading == f"{ranked.school_name.iloc[2]} ({int(ranked.urn.iloc[2])})"
    assert query["phase"] == ["primary"] and query["year"] == [lake_facts["current_year"]]
    profile.close()


def test_a_selected_row_of_the_whole_ranked_list_opens_that_schools_profile(app_url, page, lake_facts):
    open_page(page, f"{app_url}/senco_time")
    ranked = analysis.ranked(analysis.returned(lake_facts["frame"]), "hours_per_10_send")
    # Drawn when opened (other tests may have loaded returns into this app's lake: any count).
    page.get_by_text(re.compile(r"^All [\d,]+ schools, ranked")).click()
    grid = page.locator(".stDataFrame").filter(
        has=page.locator("table th", has_text="Hours per 10 SEND pupils")).first
    grid.scroll_into_view_if_needed()
    grid.locator("canvas").first.wait_for()
    rect = grid.bounding_box()
    # The row-selection column is the grid's first; the first row sits under the header row.
    header = grid.locator("table tr").first.bounding_box()
    row_height = header["height"] if header and header["height"] else 35
    page.mouse.click(rect["x"] + 15, rect["y"] + row_height * 1.5)
    heading, _ = landed_on_profile(page)
    assert heading == f"{ranked.school_name.iloc[0]} ({int(ranked.urn.iloc[0])})"


def test_anonymised_points_name_no_school_and_open_the_profile_by_label(app_url, page, lake_facts):
    # Highest first: a school anonymised views leave out (its phase, type and size band would name
    # it) says so and stays; the next point is tried, on the page opened afresh (so the words said
    # for the last one cannot be taken for the answer to this one).
    for i in range(6):
        open_page(page, f"{app_url}/senco_time?{PHASES}&anon=true")
        wait_charts(page)
        x, y = points(page, BOX_TITLE)[i]
        page.mouse.move(x, y)
        hovered = hover_text(page)
        assert not any(n in hovered for n in lake_facts["school_names"]), hovered
        page.mouse.click(x, y)
        # Either the profile opens, or the page says why it cannot.
        page.wait_for_function("() => location.pathname.endsWith('/schools')"
                               " || document.body.innerText.includes('not listed in anonymised mode')")
        if urlparse(page.url).path.endswith("/schools"):
            break
    label, query = landed_on_profile(page)
    assert re.fullmatch(r"School [0-9A-Z]{7}", label), label
    assert query.get("anon") == ["true"], query
    assert not any(n in page.locator(MAIN).inner_text() for n in lake_facts["school_names"])
    assert widget(page, "Anonymised mode").locator("input").is_checked()
