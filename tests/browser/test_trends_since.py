"""The Trends page and the "since" view opened from shared links in a real browser, their figures
checked against the lake; the since view on a lake whose loads are dated over the years."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest

from lake.api import Filters, LakeAPI
from lake.measures import MEASURE_BY_ID
from lake.store import Reader
from tests.browser.conftest import (
    MAIN,
    WAIT_MS,
    app_on,
    grid_text,
    main_text,
    metric,
    no_exception,
    open_detail,
    open_page,
    wait_charts,
    wait_ready,
    widget,
)
from tests.lake.history_lake import make_history_lake


@pytest.fixture(scope="module")
def history(demo_lake, tmp_path_factory):
    return make_history_lake(demo_lake, tmp_path_factory.mktemp("browser-history"))


@pytest.fixture(scope="module")
def history_url(history):
    with app_on(history.lake, "streamlit-server-history.log") as url:
        yield url


def open_table_alternative(page, title: str):
    """Open the table alternative under a chart; return its expander."""
    box = page.locator(f"{MAIN} [data-testid='stExpander']").filter(has_text=f"Table alternative: {title}").first
    open_detail(box)
    box.locator("[data-testid='stDataFrame'], [data-testid='stAlert']").first.wait_for(timeout=WAIT_MS)
    wait_ready(page)
    return box


def test_a_trends_link_reopens_its_view_with_the_lakes_figures(app_url, page, app_lake):
    api = LakeAPI(Reader(path=app_lake))
    years = sorted(api.years())
    open_page(page, f"{app_url}/trends?" + urlencode({"group": "SENCO time", "phase": "primary"}))
    wait_charts(page)
    no_exception(page)
    assert page.locator("h1").first.inner_text() == "Trends"
    checked = widget(page, "Measures", MAIN).locator("label:has(input:checked)").inner_text().strip()
    assert checked == "SENCO time"
    m = MEASURE_BY_ID["median_senco_hours"]
    expected = {y: m.format(api.measure_value(m.id, Filters(year=y, phase=("primary",)))[0]) for y in years}
    grid = grid_text(open_table_alternative(page, f"{m.name} by year"))
    for year, shown in expected.items():
        assert re.search(rf"{re.escape(year)} \| {re.escape(shown)} \(n = \d+\)", grid), (year, shown, grid)
    # Every point is labelled on the chart itself, not only by colour.
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text=m.name).first
    labels = chart.locator(".textpoint text").evaluate_all("ns => ns.map(n => n.textContent)")
    assert set(expected.values()) <= set(labels), labels


def test_a_since_link_lists_what_changed_and_links_to_the_school(history_url, history, page, context):
    today = dt.date.today().isoformat()
    open_page(page, f"{history_url}/since?since={today}")
    no_exception(page)
    assert page.locator("h1").first.inner_text() == "What changed since"
    assert (metric(page, "New returns"), metric(page, "Resubmissions")) == ("0", "1")
    assert metric(page, "Crossed a threshold or flag") == "1"
    link = page.locator(f"{MAIN} a", has_text=f"{history.name} ({history.urn})").first
    assert "below the recommended time" in link.locator("xpath=ancestor::li").inner_text()
    with context.expect_page() as opened:
        link.click()
    profile = opened.value
    wait_ready(profile)
    assert "/schools" in profile.url
    shown = profile.locator(MAIN).inner_text()
    assert f"{history.name} ({history.urn})\nKey figures" in shown.replace("\n\n", "\n")
    assert "Year by year, beside the LA" in shown


def test_an_anonymised_since_link_names_no_school(history_url, history, page):
    day = (history.main[history.year] - dt.timedelta(days=1)).date().isoformat()
    open_page(page, f"{history_url}/since?since={day}&anon=true")
    text = main_text(page)
    assert "does not list schools by name" in text
    api = LakeAPI(Reader(path=history.lake))
    names = [n for n in api._df("SELECT school_name FROM schools").school_name.dropna() if len(n) >= 6]
    assert not [n for n in names if n in text]
    assert page.locator(f"{MAIN} a[href*='school=']").count() == 0


def test_a_since_link_with_a_bad_date_opens_the_default_with_a_notice(history_url, page):
    open_page(page, f"{history_url}/since?since=31%2F02%2F2026")
    assert "not recognised" in main_text(page)
    default = dt.date.today() - dt.timedelta(days=28)
    value = page.locator(f"{MAIN} [data-testid='stDateInput'] input").first.input_value()
    assert value == default.isoformat()          # a native date field: shown as dd/mm/yyyy, valued in ISO
