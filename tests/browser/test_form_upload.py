"""An officer uploads an online-form export the dashboard has never seen, corrects one proposed
match (and one answer's meaning), previews the responses row by row, confirms; then uploads
next year's export of the same form, which loads without mapping again.

The journey runs on its own server over its own copy of the demo lake: it replaces returns of
schools the other browser tests count."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from tests.browser.conftest import (
    MAIN,
    WAIT_MS,
    app_on,
    grid_text,
    main_text,
    no_exception,
    open_page,
    settle,
    widget,
)

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"


@pytest.fixture(scope="module")
def form_app(demo_lake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("form-upload-lake")
    lake = folder / demo_lake.name
    shutil.copy2(demo_lake, lake)
    raw = demo_lake.with_name(demo_lake.stem + "-raw")
    if raw.is_dir():
        shutil.copytree(raw, lake.with_name(lake.stem + "-raw"))
    with app_on(lake, "streamlit-form-upload.log") as url:
        yield url, lake


def choose(page, label: str, option: str) -> None:
    """Pick an option in the selectbox labelled `label` on the page, with the mouse."""
    box = widget(page, label, MAIN)
    box.wait_for(state="visible", timeout=WAIT_MS)
    combo = box.locator("input[role='combobox']")
    combo.click()
    page.keyboard.type(option)                 # the list filters as one types
    page.locator("[role='listbox'] [role='option']",
                 has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")).first.click()
    settle(page)
    assert box.locator("input[role='combobox']").input_value() == option or option in box.inner_text()


def upload(page, path: Path) -> None:
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.set_input_files(files=[{"name": path.name, "mimeType": "text/csv", "buffer": path.read_bytes()}])
    settle(page)
    no_exception(page)


def grid_showing(page, pattern: str) -> str:
    """The preview grid's text once it shows `pattern`: the grid repaints its rows a moment after the
    page's script has finished, so the test waits for that (bounded), never a fixed time."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        text = grid_text(page.locator(MAIN))
        if re.search(pattern, text) or time.monotonic() > deadline:
            assert re.search(pattern, text), text[:2000]
            return text
        page.wait_for_timeout(100)


def returns_of(lake: Path, urn: int) -> list[tuple]:
    con = duckdb.connect(str(lake), read_only=True)
    try:
        return con.execute("SELECT academic_year, senco_qualification, senco_appointed_date, source_file "
                           "FROM returns WHERE urn = ? ORDER BY 1", [urn]).fetchall()
    finally:
        con.close()


def test_map_an_unseen_form_once_then_load_next_years_export_without_mapping(form_app, page):
    url, lake = form_app
    open_page(page, f"{url}/data_quality")
    page.get_by_role("tab", name=re.compile(r"Upload returns")).click()
    settle(page)

    upload(page, FORMS / "ms-forms-2025-26.csv")
    page.get_by_text("a Microsoft Forms export").first.wait_for(timeout=WAIT_MS)
    assert "has not been mapped before" in main_text(page)
    preview = grid_text(page.locator(MAIN))
    assert "superseded" in preview and "Date SENCO appointed" not in preview     # not matched yet

    # Correct the question left without a column, and the answer the form words its own way.
    choose(page, "When did your SENCO start in the role?", "Date SENCO appointed")
    choose(page, "SENCO qualification: 'Currently studying'", "in progress")
    no_exception(page)
    text = main_text(page)
    assert "5 responses read: 3 rows will load, 1 row will be rejected, 1 earlier response superseded" in text, text
    preview = grid_showing(page, r"\n3 \| loads \|[^\n]*\| 117726 \| Brigg Primary School")
    assert "head@alkborough.example" not in preview + text and "Jo Head" not in preview + text
    assert not any("ms-forms" in str(r) for r in returns_of(lake, 117726))           # nothing loaded yet

    page.get_by_role("button", name=re.compile(r"Save the mapping and load 5 responses")).click()
    settle(page)
    no_exception(page)
    page.get_by_text("Result of the last load").wait_for(timeout=WAIT_MS)
    assert "ms-forms-2025-26.csv" in grid_text(page.locator(MAIN))
    loaded = {r[0]: r for r in returns_of(lake, 117726)}["2025/26"]
    assert loaded[1:] == ("in progress", loaded[2], "ms-forms-2025-26.csv") and str(loaded[2]) == "2024-01-08"


    # Next year: the same form's export is recognised and loads with the saved mapping.
    upload(page, FORMS / "ms-forms-2026-27.csv")
    page.get_by_text("was mapped before").first.wait_for(timeout=WAIT_MS)
    labels = page.locator(f"{MAIN} [data-testid='stWidgetLabel']").all_inner_texts()
    assert not any("When did your SENCO start" in t for t in labels), labels       # no mapping asked for
    page.get_by_role("button", name=re.compile(r"^\s*Load 3 responses from ms-forms-2026-27\.csv")).click()
    settle(page)
    no_exception(page)
    page.get_by_text("Result of the last load").wait_for(timeout=WAIT_MS)
    rows = {r[0]: r for r in returns_of(lake, 117726)}
    assert rows["2026/27"][1:] == ("in progress", rows["2026/27"][2], "ms-forms-2026-27.csv")
    assert str(rows["2026/27"][2]) == "2024-01-08"          # '1/8/2024' written month first; the corrected match
