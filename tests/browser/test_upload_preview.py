"""An officer uploads a school's return on Returns & data quality and, before loading anything, sees
the rows that will load as the lake will hold them, every value that will be converted on the way in
('2.5 days' at the configured 6.5-hour day is 16.25 h, 'Y' is yes, 2025-26 is 2025/26), and beside
them the row that will be rejected, by code. Nothing is loaded: the preview leaves the lake as it was."""
from __future__ import annotations

import re
import time

from tests.browser.conftest import MAIN, WAIT_MS, grid_text, main_text, no_exception, open_page, settle

# A return as a school exports it from a spreadsheet: the template's CSV headers, a duration in days,
# a year written with a hyphen, 'Y' for yes, and one row whose URN lost a digit.
RETURN = (b"urn,school_name,academic_year,number_on_roll,sen_support_pupils,ehcp_pupils,senco_hours_per_week,"
          b"senco_on_slt\r\n"
          b"117725,Alkborough Primary School,2025-26,95,11,2,2.5 days,Y\r\n"
          b"11772,Broughton Primary School,2025-26,210,25,3,6,no\r\n")


def grids_showing(page, *patterns: str) -> str:
    """The page's tables' text once every pattern shows: grids repaint a moment after the script ends."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        text = grid_text(page.locator(MAIN))
        missing = [p for p in patterns if not re.search(p, text)]
        if not missing or time.monotonic() > deadline:
            assert not missing, (missing, text[:3000])
            return text
        page.wait_for_timeout(100)


def test_the_upload_preview_lists_the_rows_that_will_load_and_every_conversion(app_url, page):
    open_page(page, f"{app_url}/data_quality")
    page.get_by_role("tab", name=re.compile(r"Upload returns")).click()
    settle(page)
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.set_input_files(files=[{"name": "alkborough-return.csv", "mimeType": "text/csv", "buffer": RETURN}])
    settle(page)
    page.get_by_text("alkborough-return.csv: 1 row will load").first.wait_for(timeout=WAIT_MS)
    no_exception(page)
    text = main_text(page)
    assert "1 of 1 file will load: 1 row accepted, 1 row rejected." in text, text[:2000]
    assert "3 values will be converted" in text and "1 row will be rejected, and why" in text

    grids = grids_showing(
        page,
        r"\n2 \| 117725 \| Alkborough Primary School \| 2025/26 \| 95 \| 11 \| 2 \| 16\.25 h",  # the row as it loads
        r"Academic year \| 2025-26 \| 2025/26 \| 1 \| 2",                                       # every conversion
        r"SENCO hours per week \| 2\.5 days \| 16\.25 h \| 1 \| 2",
        r"SENCO on senior leadership team \| Y \| yes \| 1 \| 2",
        r"\n3 \| 11772 \| Broughton Primary School \| urn-not-6-digits \|")                   # the reject, by code
    assert "Broughton Primary School | 2025/26" not in grids        # the rejected row is not among those to load
    # Only a preview: the button loads, nothing has yet.
    assert page.get_by_role("button", name=re.compile(r"Load 1 file into the lake")).is_enabled()
    assert "Result of the last load" not in main_text(page)
