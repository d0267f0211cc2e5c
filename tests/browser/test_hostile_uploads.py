"""Hostile files through the app, in a real browser: the 5 KB workbook whose one cell sits
at XFD1048576 (which aborted the process and took the server down for every user) is
refused on the Returns page with its reason, and the server keeps answering its health
check; a damaged lake file shows a page that says so and how to restore, not a traceback."""
from __future__ import annotations

import re

import pytest

from bench.app_server import healthy
from tests.browser.conftest import (
    MAIN,
    ROOT,
    WAIT_MS,
    app_on,
    main_text,
    no_exception,
    open_page,
    settle,
)

pytestmark = pytest.mark.browser

BOMB = ROOT / "tests" / "corpus" / "files" / "41_one_cell_at_xfd1048576.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_xfd1048576_workbook_is_refused_and_the_server_stays_up(app_url, page):
    assert BOMB.stat().st_size < 8 * 1024
    open_page(page, f"{app_url}/data_quality?tab=Upload+returns")
    page.get_by_role("tab", name=re.compile(r"Upload returns")).click()
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.set_input_files(files=[{"name": BOMB.name, "mimeType": XLSX, "buffer": BOMB.read_bytes()}])
    settle(page)
    refused = page.locator(f"{MAIN} [data-testid='stAlert']", has_text="will not be loaded").first
    refused.wait_for(state="visible", timeout=WAIT_MS)
    text = refused.inner_text()
    assert BOMB.name in text and "too big to be a return" in text, text
    no_exception(page)
    assert healthy(app_url), "the app server stopped answering its health check"
    # and it still serves pages to everyone
    open_page(page, f"{app_url}/")
    no_exception(page)
    assert healthy(app_url)


@pytest.fixture(scope="module")
def damaged_app(tmp_path_factory):
    lake = tmp_path_factory.mktemp("damaged-lake") / "senco.duckdb"
    lake.write_bytes(b"\x00" * 8192)                 # a lake file cut short / overwritten
    with app_on(lake, "streamlit-damaged.log") as url:
        yield url


def test_a_damaged_lake_shows_how_to_restore(damaged_app, page):
    open_page(page, f"{damaged_app}/")
    no_exception(page)
    text = main_text(page)
    assert "The lake is damaged" in text
    assert "python -m etl restore" in text
    assert "This app has encountered an error" not in page.content()
    assert healthy(damaged_app)
