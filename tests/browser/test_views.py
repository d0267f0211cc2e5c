"""Views are places: Back returns to the view you came from in one press, the address bar holds the
whole view (the year too) and matches the "Link to this view" box, a link that opens only on this
computer says so, and a link pinned to a date keeps its figures when new returns load."""
from __future__ import annotations

import datetime as dt
import shutil
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
import pytest

from etl.load import load_returns
from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.browser.conftest import (
    MAIN,
    WAIT_MS,
    app_on,
    is_open,
    main_text,
    metric,
    no_exception,
    open_page,
    pick_option,
    selectbox_value,
    selected_options,
    settle,
    wait_ready,
    widget,
)


def link_box(page):
    expander = page.locator(f"{MAIN} [data-testid='stExpander']", has_text="Link to this view").first
    summary = expander.locator("summary")
    if not is_open(summary):
        summary.click()
    expander.locator("[data-testid='stCode']").first.wait_for(state="visible", timeout=WAIT_MS)
    return expander


def team_link(page) -> str:
    return link_box(page).locator("[data-testid='stCode'] code, [data-testid='stCode'] pre").first.inner_text().strip()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def go_to(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText === t",
                           arg=title, timeout=WAIT_MS)
    settle(page)


def test_back_after_filter_changes_returns_to_the_previous_view_in_one_press(app_url, page, lake_facts):
    year = lake_facts["current_year"]
    open_page(page, f"{app_url}/leadership")
    pick_option(page, "Phase", "primary")
    settle(page)
    pick_option(page, "Size (pupils on roll)", "100–249")
    settle(page)
    widget(page, "Anonymised mode").click()
    settle(page)
    left = query(page.url)
    assert left == {"year": [year], "phase": ["primary"], "size": ["100–249"], "anon": ["true"]}, page.url

    go_to(page, "Ofsted & outcomes")
    no_exception(page)
    assert query(page.url) == left, page.url                      # the filters came along
    assert selected_options(page, "Phase") == ["primary"]

    page.go_back()
    page.wait_for_function("() => document.querySelector('h1') && "
                           "document.querySelector('h1').innerText === 'Leadership & support'", timeout=WAIT_MS)
    wait_ready(page)
    no_exception(page)
    assert urlsplit(page.url).path == "/leadership" and query(page.url) == left, page.url
    assert selected_options(page, "Phase") == ["primary"]
    assert selected_options(page, "Size (pupils on roll)") == ["100–249"]
    assert "Anonymised mode" in main_text(page)

    page.go_forward()
    page.wait_for_function("() => document.querySelector('h1') && "
                           "document.querySelector('h1').innerText === 'Ofsted & outcomes'", timeout=WAIT_MS)
    wait_ready(page)
    assert query(page.url) == left, page.url


def test_a_bare_address_gains_its_year_without_a_second_history_entry(app_url, page, lake_facts):
    """Opening a link without the year (a bookmark, a typed address): the address gains the year in
    place, so one Back press leaves for the page before, not for the same view without its year."""
    year = lake_facts["current_year"]
    open_page(page, f"{app_url}/ofsted?{urlencode({'year': year, 'phase': 'secondary'})}")   # the page before
    entries = page.evaluate("() => history.length")
    open_page(page, f"{app_url}/leadership")
    page.wait_for_function("() => new URLSearchParams(location.search).has('year')", timeout=WAIT_MS)
    assert query(page.url) == {"year": [year]}, page.url
    assert page.evaluate("() => history.length") == entries + 1       # one new entry, not two
    # The server reads the year back from the address: choosing another year keeps it.
    earlier = lake_facts["years"][1]
    pick_option(page, "Academic year", earlier)
    settle(page)
    assert query(page.url) == {"year": [earlier]}, page.url
    assert selectbox_value(page, "Academic year") == earlier
    assert page.evaluate("() => history.length") == entries + 1

    page.go_back()
    page.wait_for_function("() => location.pathname === '/ofsted' && document.querySelector('h1') && "
                           "document.querySelector('h1').innerText === 'Ofsted & outcomes'", timeout=WAIT_MS)
    wait_ready(page)
    no_exception(page)
    assert query(page.url) == {"year": [year], "phase": ["secondary"]}, page.url


def test_the_schools_address_bar_keeps_the_school_and_the_year(app_url, page, lake_facts):
    urn, year = lake_facts["school_urn"], lake_facts["current_year"]
    open_page(page, f"{app_url}/schools?school={urn}")
    no_exception(page)
    assert "Key figures" in main_text(page)
    page.wait_for_function("() => new URLSearchParams(location.search).has('school')", timeout=WAIT_MS)
    address = query(page.url)
    assert address.get("year") == [year], page.url
    assert address.get("school") and address["school"][0].endswith(f"({urn})"), page.url
    # The address bar and the link box hold the same view.
    assert query(team_link(page)) == address


def test_the_year_is_in_the_address_and_the_link_alike(app_url, page, lake_facts):
    open_page(page, f"{app_url}/senco_time?phase=primary")
    page.wait_for_function("() => new URLSearchParams(location.search).has('year')", timeout=WAIT_MS)
    assert query(page.url) == {"year": [lake_facts["current_year"]], "phase": ["primary"]}, page.url
    assert query(team_link(page)) == query(page.url)
    assert selectbox_value(page, "Academic year") == lake_facts["current_year"]


def test_a_link_to_this_computer_says_it_opens_only_here(app_url, page):
    assert urlsplit(app_url).hostname == "127.0.0.1"
    open_page(page, f"{app_url}/senco_time")
    box = link_box(page)
    warning = box.locator("[data-testid='stAlertContentWarning']").first
    warning.wait_for(state="visible", timeout=WAIT_MS)
    assert "opens only on this computer" in warning.inner_text()


# ------------------------------------------------------------------ a pinned link
@pytest.fixture(scope="module")
def dated_lake(demo_lake, tmp_path_factory):
    """The demo lake with every load ten days old, so a link pinned five days ago predates none of it."""
    folder = tmp_path_factory.mktemp("browser-pinned")
    lake = folder / demo_lake.name
    shutil.copyfile(demo_lake, lake)
    con = duckdb.connect(str(lake))
    try:
        con.execute("UPDATE loads SET loaded_at = loaded_at - INTERVAL 10 DAY")
    finally:
        con.close()
    return lake


@pytest.fixture(scope="module")
def dated_url(dated_lake):
    with app_on(dated_lake, "streamlit-server-pinned.log") as url:
        yield url


def test_a_pinned_link_keeps_its_figures_after_a_load_while_the_latest_view_changes(dated_url, dated_lake, browser,
                                                                                    context):

    api = LakeAPI(Reader(path=dated_lake))
    year = api.current_year()
    missing = api.missing_returns(Filters(year=year))
    assert not missing.empty, "every school has returned: no new return to load"
    urn, name = int(missing.urn.iloc[0]), str(missing.school_name.iloc[0])
    pinned_on = dt.date.today() - dt.timedelta(days=5)
    latest = f"{dated_url}/?{urlencode({'year': year})}"
    pinned = f"{dated_url}/?{urlencode({'year': year, 'as_at': pinned_on.isoformat()})}"

    page = context.new_page()
    open_page(page, pinned)
    no_exception(page)
    text = main_text(page)
    assert f"Figures as at {pinned_on:%-d %B %Y}" in text
    pinned_before = metric(page, "Returns received")
    open_page(page, latest)
    assert "Data as at" in main_text(page) and "Figures as at" not in main_text(page)
    latest_before = metric(page, "Returns received")
    assert pinned_before == latest_before        # nothing loaded since the pinned date yet

    csv = f"urn,school_name,academic_year,senco_hours_per_week\n{urn},{name},{year},6\n".encode()
    assert load_returns([(f"SENCO_return_{urn}_late.csv", csv)], dated_lake)[0].accepted == 1

    open_page(page, latest)
    latest_after = metric(page, "Returns received")
    open_page(page, pinned)
    pinned_after = metric(page, "Returns received")
    assert int(latest_after.replace(",", "")) == int(latest_before.replace(",", "")) + 1
    assert pinned_after == pinned_before
    # The address keeps the pin, so the address bar can be shared as well as the link box.
    assert query(page.url).get("as_at") == [pinned_on.isoformat()]
