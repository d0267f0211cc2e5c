"""The journeys an inclusion team relies on, driven in a real browser.

Shared links reopen the same view; filters changed with the mouse go into the URL; bad
links fall back to defaults with a notice; downloads hold what the page shows; anonymised
mode leaks no school name; an uploaded return shows up across the app.
"""
from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from openpyxl import load_workbook

from etl.load import check_returns
from lake import analysis
from tests.browser.conftest import (
    FIRST_VISIT,
    MAIN,
    WAIT_MS,
    grid_text,
    is_open,
    main_text,
    metric,
    new_context,
    no_exception,
    open_expanders,
    open_page,
    pick_option,
    selectbox_value,
    selected_options,
    settle,
    sidebar,
    wait_ready,
    widget,
)
from ui.navigation import PAGES as NAV_PAGES

RANKED_TITLE = "Schools ranked by SENCO hours per 10 SEND pupils"


def scope_counts(page) -> tuple[str, int, int]:
    """The scope line every page prints: '<year> · N schools in scope · M returns received'."""
    text = main_text(page)
    m = re.search(r"(\d{4}/\d{2}) · (\d+) schools in scope · (\d+) returns received", text)
    assert m, f"no scope line on {page.url}:\n{text[:1500]}"
    return m.group(1), int(m.group(2)), int(m.group(3))


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def download(page, key: str):
    """Click a download button (by its Streamlit key) and return (file name, bytes)."""
    button = page.locator(f".st-key-{key} button:visible").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    dl = info.value
    assert dl.failure() is None, f"download from {key} failed: {dl.failure()}"
    path = dl.path()
    wait_ready(page)            # (the app's download buttons do not rerun the page)
    with open(path, "rb") as fh:
        return dl.suggested_filename, fh.read()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[dict[str, object]]:
    """The table in one of the app's workbooks: a note on row 1, the header after the first blank row."""
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = 0
    if len(rows) > 1 and all(v is None for v in rows[1]):
        start = 2
    header = [str(h) for h in rows[start]]
    return [dict(zip(header, r)) for r in rows[start + 1:] if any(v is not None for v in r)]


def visible_names(text: str, names: list[str]) -> list[str]:
    return [n for n in names if n in text]


# ---------------------------------------------------------------------------- shared links
def test_first_visitor_after_start_opens_a_shared_link_cleanly(app_url):
    """The first person to open a link after the app (re)starts sees the page, with no error dialog."""
    assert FIRST_VISIT["title"] == "SENCO time"
    assert FIRST_VISIT["dialogs"] == [], (
        f"opening {FIRST_VISIT['path']} as the first session after the server started showed "
        f"{FIRST_VISIT['dialogs']} over the page (the page itself was drawn)")
    # The page ran inside app.py: its navigation (page titles, not file names), its page
    # settings and its sign-in, with the link's filter kept.
    nav = [" ".join(t.split()) for t in FIRST_VISIT["nav"]]
    assert any(t.endswith("SENCO time") for t in nav) and any(t.endswith("Leadership & support") for t in nav), nav
    assert not any(t in ("app", "senco time", "data quality") for t in nav), nav
    assert FIRST_VISIT["phase"] == ["primary"]


def test_sessions_after_the_first_visitor_get_the_app_navigation(app_url, page):
    open_page(page, f"{app_url}/leadership")
    nav = [" ".join(t.split()) for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]
    assert [t.split(" ", 1)[-1] for t in nav] == [p.title for p in NAV_PAGES]     # ui/navigation.py's list


def test_shared_link_reopens_year_and_phase(app_url, browser, lake_facts):
    years = lake_facts["years"]
    year = years[1] if len(years) > 1 else years[0]
    assert "secondary" in lake_facts["phases"]

    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        open_page(page, f"{app_url}/senco_time")
        _, all_schools, all_returns = scope_counts(page)

        fresh = new_context(browser)      # someone opening the link at a meeting: nothing carried over
        try:
            shared = fresh.new_page()
            open_page(shared, f"{app_url}/senco_time?{urlencode({'year': year, 'phase': 'secondary'})}")
            no_exception(shared)
            assert selectbox_value(shared, "Academic year") == year
            assert selected_options(shared, "Phase") == ["secondary"]
            shown_year, schools, returns = scope_counts(shared)
            assert shown_year == year
            assert 0 < schools < all_schools
            assert returns <= schools and (schools, returns) != (all_schools, all_returns)
            assert shared.get_by_role("heading", name="SENCO time").first.is_visible()
        finally:
            fresh.close()
    finally:
        ctx.close()


def test_filter_with_mouse_goes_into_url_and_survives_reload(app_url, page):
    open_page(page, f"{app_url}/senco_time")
    assert "phase" not in query(page)
    _, before, _ = scope_counts(page)
    pick_option(page, "Phase", "primary")
    page.wait_for_url(re.compile(r"[?&]phase=primary"), timeout=WAIT_MS)
    settle(page)
    _, after, _ = scope_counts(page)
    assert after < before
    assert urlsplit(page.url).path.rstrip("/").endswith("/senco_time")

    page.reload(wait_until="domcontentloaded")
    settle(page)
    assert query(page).get("phase") == ["primary"]
    assert selected_options(page, "Phase") == ["primary"]
    assert scope_counts(page)[1] == after


def test_invalid_link_opens_with_defaults_and_a_notice(app_url, page, lake_facts):
    bad = "<script>alert(1)</script>"
    open_page(page, f"{app_url}/senco_time?phase={quote(bad)}&year={quote('1999/00')}")
    no_exception(page)
    notice = page.locator("[data-testid='stAlert']", has_text="This link had values this dashboard does not know")
    assert notice.is_visible(), main_text(page)[:1500]
    assert "1999/00" in notice.inner_text()
    assert selectbox_value(page, "Academic year") == lake_facts["current_year"]
    assert selected_options(page, "Phase") == []
    assert scope_counts(page)[0] == lake_facts["current_year"]
    assert page.dialogs_seen == []
    # The value is shown as text, never run as markup.
    assert page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert(1)'))") is False
    assert page.locator(f"{MAIN} script").count() == 0


# ---------------------------------------------------------------------------- downloads
def expected_ranked(lake_facts):
    return analysis.ranked(analysis.returned(lake_facts["frame"]), "hours_per_10_send")


def test_download_ranked_table_as_csv_and_xlsx(app_url, page, lake_facts):
    open_page(page, f"{app_url}/senco_time")
    heading = page.get_by_text(RANKED_TITLE, exact=True)
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    ranked = expected_ranked(lake_facts)
    assert len(ranked) > 5

    # The page shows the first ten as a plain table and says the downloads hold every school.
    shown = page.locator(".st-key-time-ranked-csv").locator("xpath=preceding::table[1]")
    assert shown.locator("tbody tr").count() == 10
    assert page.get_by_text(f"The 10 of {len(ranked)} schools with the least time", exact=False).is_visible()

    name, data = download(page, "time-ranked-csv")
    assert name.endswith(".csv") and lake_facts["current_year"].replace("/", "-") in name
    rows = csv_rows(data)
    assert len(rows) == len(ranked)
    assert [r["School"] for r in rows[:10]] == shown.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert list(rows[0])[:3] == ["Rank", "School", "URN"]
    assert [r["School"] for r in rows] == ranked.school_name.tolist()
    assert rows[0]["Rank"] == "1" and rows[-1]["Rank"] == str(len(ranked))
    # What the page shows in the headline figures agrees with the table.
    assert scope_counts(page)[2] >= len(rows)

    name, data = download(page, "time-ranked-xlsx")
    assert name.endswith(".xlsx")
    xrows = xlsx_rows(data)
    assert len(xrows) == len(ranked)
    assert [r["School"] for r in xrows] == ranked.school_name.tolist()
    assert [int(r["URN"]) for r in xrows] == [int(u) for u in ranked.urn]


# ---------------------------------------------------------------------------- anonymised mode
@pytest.mark.parametrize("path", ["/senco_time", "/", "/schools", "/data_quality"])
def test_anonymised_pages_show_no_school_names(app_url, page, lake_facts, path):
    open_page(page, f"{app_url}{path}?anon=true")
    no_exception(page)
    assert page.locator("[data-testid='stAlert']", has_text="Anonymised mode").first.is_visible()
    # Open every expander so tables and table alternatives are drawn too.
    open_expanders(page)
    text = html.unescape(page.content()) + "\n" + page.locator("body").inner_text()
    leaked = visible_names(text, lake_facts["school_names"])
    assert leaked == [], f"school names shown in anonymised mode on {path}: {leaked[:5]}"
    # Every table download on the page is anonymised as well.
    keys = [c.split("st-key-", 1)[1].split()[0]
            for c in page.locator("[class*='st-key-'][class*='-csv']").evaluate_all("els => els.map(e => e.className)")]
    for key in keys[:4]:
        for suffix in ("csv", "xlsx"):
            k = key[:-4] + "-" + suffix if key.endswith("-csv") else key
            name, data = download(page, k)
            assert "anonymised" in name
            rows = csv_rows(data) if suffix == "csv" else xlsx_rows(data)
            cells = " | ".join(str(v) for r in rows for v in r.values())
            assert visible_names(cells, lake_facts["school_names"]) == [], f"{name} names schools"
            if rows:
                assert "URN" not in rows[0] and "urn" not in rows[0]


def test_anonymised_toggle_goes_into_url(app_url, page, lake_facts):
    open_page(page, f"{app_url}/senco_time")
    sidebar(page).get_by_text("Anonymised mode", exact=True).first.click()
    page.wait_for_url(re.compile(r"[?&]anon=true"), timeout=WAIT_MS)
    settle(page)
    assert page.locator("[data-testid='stAlert']", has_text="Anonymised mode").first.is_visible()
    name, data = download(page, "time-ranked-csv")
    assert visible_names(data.decode("utf-8-sig"), lake_facts["school_names"]) == []


# ---------------------------------------------------------------------------- upload
HEADER = ("urn,school_name,academic_year,phase,number_on_roll,sen_support_pupils,ehcp_pupils,senco_hours_per_week,"
          "senco_teaching_hours_per_week,senco_on_slt,senco_qualified_teacher,senco_qualification,"
          "senco_appointed_date,senco_other_roles,senco_shared_schools,deputy_senco,admin_support_hours_per_week,"
          "sen_information_report_published,sen_governor,ofsted_inspection_date,ofsted_send_progress")


def upload_target(lake_facts):
    """A school on the register with no return for the current year (a new school year for it)."""
    frame = lake_facts["frame"]
    missing = frame[~frame.has_return.astype(bool) & frame.on_register.astype(bool)]
    if not missing.empty:
        row = missing.iloc[0]
        return int(row.urn), str(row.school_name), lake_facts["current_year"]
    raise AssertionError("every school in the demo lake has a current return; pick an earlier year")


def test_upload_a_return_and_see_it_across_the_app(app_url, page, lake_facts, tmp_path):

    urn, name, year = upload_target(lake_facts)
    other = lake_facts["frame"][lake_facts["frame"].urn != urn].iloc[-1]
    good = f"{urn},{name.replace(',', ' ')},{year},primary,210,20,3,1.5 days,10,yes,yes,NPQ for SENCOs held," \
           f"01/09/2022,DSL,1,no,4,yes,yes,14/03/2023,good or better"
    bad = f"{int(other.urn)},Somewhere,{year},primary,100,-4,2,6 hrs,10,yes,yes,in progress," \
          f"01/09/2024,,1,no,0,yes,no,,not judged"
    body = "\n".join([HEADER, good, bad]).encode()
    file_name = "browser-test-return.csv"
    expected = check_returns(body, file_name)
    assert (expected.accepted, expected.rejected) == (1, 1), expected.report_lines()
    reason = expected.rejects[0].reasons[0]

    open_page(page, f"{app_url}/?year={quote(year)}")
    before = int(metric(page, "Returns received").replace(",", ""))

    open_page(page, f"{app_url}/data_quality")
    no_exception(page)
    page.get_by_role("tab", name=re.compile(r"Upload returns")).click()
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.set_input_files(files=[{"name": file_name, "mimeType": "text/csv", "buffer": body}])
    settle(page)
    load_button = page.get_by_role("button", name=re.compile(r"^\s*Load"))
    load_button.first.wait_for(state="visible", timeout=WAIT_MS)
    preview = main_text(page) + "\n" + grid_text(page.locator(MAIN))
    assert file_name in preview
    assert re.search(r"\b1\b[^\n]*(accepted|will load|to load)", preview, re.I), preview[:3000]
    assert re.search(r"\b1\b[^\n]*rejected", preview, re.I), preview[:3000]
    assert reason[:40] in preview, f"reason {reason!r} not shown:\n{preview[:3000]}"

    load_button.first.click()
    settle(page)
    no_exception(page)
    page.get_by_text(re.compile(r"(loaded|accepted)", re.I)).first.wait_for(timeout=WAIT_MS)

    # Load history names the file.
    history = page.get_by_role("tab", name=re.compile(r"Load history"))
    if history.count():
        history.first.click()
    settle(page)
    assert file_name in grid_text(page.locator(MAIN)), grid_text(page.locator(MAIN))[:2000]

    open_page(page, f"{app_url}/?year={quote(year)}")
    after = int(metric(page, "Returns received").replace(",", ""))
    assert after == before + 1

    open_page(page, f"{app_url}/schools?{urlencode({'school': urn, 'year': year})}")
    no_exception(page)
    text = main_text(page)
    assert name in text and year in text


# ---------------------------------------------------------------------------- Link to this view
def shown_link(page) -> str:
    expander = page.locator(f"{MAIN} [data-testid='stExpander']", has_text="Link to this view").first
    summary = expander.locator("summary")
    if not is_open(summary):
        summary.click()
    code = expander.locator("[data-testid='stCode'] code, [data-testid='stCode'] pre").first
    code.wait_for(state="visible", timeout=WAIT_MS)
    return code.inner_text().strip()


@pytest.mark.parametrize("path", ["/senco_time", "/"])
def test_link_to_this_view_reproduces_it(app_url, page, browser, lake_facts, path):
    years = lake_facts["years"]
    year = years[-1]
    open_page(page, f"{app_url}{path}?{urlencode({'year': year, 'phase': 'primary'})}")
    pick_option(page, "Size (pupils on roll)", "100–249")
    page.wait_for_url(re.compile(r"[?&]size="), timeout=WAIT_MS)
    settle(page)
    view = scope_counts(page)

    link = shown_link(page)
    parts = urlsplit(link)
    params = parse_qs(parts.query)
    assert link.startswith(app_url)
    # The link names this page once: the default page may be named by its url path too.
    allowed = {"/senco_time": ["/senco_time"], "/": ["", "/overview"]}[path]
    assert parts.path.rstrip("/") in allowed, f"the shared link points at {parts.path!r}: {link}"
    assert params.get("year") == [year]
    assert params.get("phase") == ["primary"]
    assert params.get("size") == ["100–249"]

    ctx = new_context(browser)
    try:
        other = ctx.new_page()
        open_page(other, link)
        no_exception(other)
        assert urlsplit(other.url).path.rstrip("/") in allowed, other.url
        assert other.locator("h1").first.inner_text() == page.locator("h1").first.inner_text()
        assert selectbox_value(other, "Academic year") == year
        assert selected_options(other, "Phase") == ["primary"]
        assert selected_options(other, "Size (pupils on roll)") == ["100–249"]
        assert scope_counts(other) == view
    finally:
        ctx.close()


def test_school_profile_link_reopens_the_school(app_url, page, browser, lake_facts):
    urn, name = lake_facts["school_urn"], lake_facts["school_name"]
    open_page(page, f"{app_url}/schools?school={urn}")
    no_exception(page)
    chosen = widget(page, "School", where=MAIN).locator("input[role='combobox']").input_value()
    assert chosen == f"{name} ({urn})"
    assert "Key figures" in main_text(page)

    link = shown_link(page)
    assert parse_qs(urlsplit(link).query).get("school") == [f"{name} ({urn})"], link
    ctx = new_context(browser)
    try:
        other = ctx.new_page()
        open_page(other, link)
        no_exception(other)
        assert widget(other, "School", where=MAIN).locator("input[role='combobox']").input_value() == chosen
        # Opened from the dashboard's own link, the address bar keeps the school too.
        assert parse_qs(urlsplit(other.url).query).get("school") == [chosen], other.url
    finally:
        ctx.close()
