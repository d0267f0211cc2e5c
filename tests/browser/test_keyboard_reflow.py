"""Keyboard-only use and reflow (WCAG 2.1.1, 2.4.3, 2.4.7, 1.4.10).

With the keyboard alone a user reaches every sidebar filter, changes one (the URL follows)
and opens a chart's table alternative. At 320 CSS px wide, and at 1280x800 zoomed to
200% (a 640x400 CSS-pixel viewport at device scale factor 2), no page scrolls sideways.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    MAIN,
    PAGES,
    WAIT_MS,
    is_open,
    new_context,
    open_page,
    selected_options,
    settle,
    wait_charts,
    wait_ready,
)

MAX_TABS = 80
TOP_FILTERS = ["Academic year", "Phase", "School type", "Size (pupils on roll)"]
PROFILE_FILTERS = ["SENCO time", "Leadership", "Role"]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.closest('[data-testid="stSelectbox"],[data-testid="stMultiSelect"],[data-testid="stCheckbox"],'
    + '[data-testid="stToggle"],[data-testid="stRadio"],[data-testid="stExpander"],[data-testid="stDownloadButton"]');
  // A summary's visible name, without the icon's ligature text (e.g. "keyboard_arrow_right").
  const named = e => { const md = e.querySelector('[data-testid="stMarkdownContainer"]');
                       return (md ? md.innerText : e.innerText || e.value || '').trim(); };
  let widget = null;
  if (el.tagName === 'SUMMARY') widget = named(el);
  else if (box) {
    const label = box.querySelector('[data-testid="stWidgetLabel"]');
    widget = label ? label.innerText.trim() : (box.querySelector('summary') ? named(box.querySelector('summary')) : null);
  }
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), aria: el.getAttribute('aria-label'),
          text: (el.tagName === 'SUMMARY' ? named(el) : (el.innerText || el.value || '').trim()).slice(0, 80),
          widget: widget,
          testid: box ? box.dataset.testid : null, summary: el.tagName === 'SUMMARY',
          sidebar: !!el.closest('[data-testid="stSidebar"]'), visible: r.width > 0 && r.height > 0,
          grid: !!el.closest('[data-testid="stDataFrame"]'), html: el.outerHTML.slice(0, 160)};
}"""


def tab_through(page, until=None, limit: int = MAX_TABS) -> list[dict]:
    """Press Tab from the top of the document, recording what gets focus each time."""
    # Start where a keyboard user starts: before the first element of the page.
    page.evaluate("""() => {
      document.activeElement && document.activeElement.blur();
      let start = document.getElementById('kb-start');
      if (!start) { start = document.createElement('span'); start.id = 'kb-start'; start.tabIndex = -1;
                    document.body.prepend(start); }
      start.focus(); window.scrollTo(0, 0);
    }""")
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info is None:
            continue
        seen.append(info)
        if until and until(info, seen):
            break
    return seen


def reached(seen: list[dict]) -> set[str]:
    return {s["widget"] for s in seen if s["sidebar"] and s["widget"]}


def tab_to(page, predicate, limit: int = MAX_TABS) -> dict:
    seen = tab_through(page, until=lambda info, _: predicate(info), limit=limit)
    assert seen and predicate(seen[-1]), f"not reached in {limit} Tab presses: " + \
        ", ".join(f"{s['widget'] or s['aria'] or s['text']}" for s in seen)
    return seen[-1]


@pytest.mark.parametrize("page_name", list(PAGES))
def test_keyboard_reaches_every_filter_and_table_alternative(app_url, page, page_name):
    open_page(page, f"{app_url}{PAGES[page_name]}")
    has_alternative = page.locator(f"{MAIN} [data-testid='stExpander'] summary",
                                   has_text="Table alternative").count() > 0
    wanted = set(TOP_FILTERS) | {"SENCO profile", "Anonymised mode"}

    def done(info, seen):
        got = reached(seen) >= wanted
        return got and (not has_alternative or any("Table alternative" in (s["text"] or "") for s in seen))

    seen = tab_through(page, until=done)
    missing = wanted - reached(seen)
    assert not missing, f"sidebar filters not reached by Tab on {page_name}: {sorted(missing)}; focus went to " + \
        ", ".join(f"{s['widget'] or s['aria'] or s['text']}" for s in seen)
    assert all(s["visible"] for s in seen if s["sidebar"]), "focus went to a hidden element in the sidebar"

    if has_alternative:
        last = seen[-1]
        assert last["summary"] and "Table alternative" in last["text"], \
            f"table alternative not reached in {MAX_TABS} Tab presses on {page_name}"
        expander = page.locator(f"{MAIN} [data-testid='stExpander']").filter(
            has=page.locator("summary", has_text=last["text"])).first
        assert not is_open(expander.locator("summary"))
        page.keyboard.press("Enter")
        expander.locator("details[open]").wait_for(timeout=WAIT_MS)
        expander.locator("[data-testid='stDataFrame'], [data-testid='stAlert']").first.wait_for(timeout=WAIT_MS)

    # The folded SENCO profile filters open with the keyboard and are reachable too.
    tab_to(page, lambda i: i["sidebar"] and i["summary"] and i["text"].startswith("SENCO profile"))
    page.keyboard.press("Enter")
    seen = tab_through(page, until=lambda _, s: reached(s) >= set(PROFILE_FILTERS))
    assert reached(seen) >= set(PROFILE_FILTERS), sorted(reached(seen))


def test_change_a_filter_with_the_keyboard_only(app_url, page):
    open_page(page, f"{app_url}/senco_time")
    tab_to(page, lambda i: i["sidebar"] and i["widget"] == "Phase" and i["tag"] == "input")
    page.keyboard.type("primary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]phase=primary"), timeout=WAIT_MS)
    page.keyboard.press("Escape")
    settle(page)
    assert selected_options(page, "Phase") == ["primary"]


# --------------------------------------------------------------------------- reflow
REFLOW = {
    "320px": {"viewport": {"width": 320, "height": 800}, "device_scale_factor": 1},
    # 1280x800 at 200% browser zoom: the page lays out in 640x400 CSS pixels at 2 device pixels each.
    "1280px-zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


@pytest.fixture(scope="module", params=list(REFLOW))
def reflow_context(request, browser):
    ctx = new_context(browser, **REFLOW[request.param])
    yield request.param, ctx
    ctx.close()


@pytest.mark.parametrize("page_name", list(PAGES))
def test_reflow_without_sideways_scrolling(app_url, reflow_context, page_name):
    label, ctx = reflow_context
    page = ctx.new_page()
    try:
        open_page(page, f"{app_url}{PAGES[page_name]}")
        wait_charts(page)
        size = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
                             " dpr: window.devicePixelRatio})")
        assert size["dpr"] == REFLOW[label]["device_scale_factor"]
        too_wide(page, page_name, label, size)
        # On a narrow window the sidebar lies over the page: close it as a user would, and the page's
        # own content must then fit the width too.
        collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
        if collapse.count() and collapse.first.is_visible():
            collapse.first.click()
            page.wait_for_function("() => { const s = document.querySelector(\"[data-testid='stSidebar']\");"
                                   " return !s || s.getBoundingClientRect().right <= 1; }", timeout=WAIT_MS)
        wait_ready(page)
        heading = page.locator(f"{MAIN} h1").first.bounding_box()
        assert heading and heading["x"] >= 0 and heading["x"] + heading["width"] <= size["inner"] + 1, heading
        size = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        too_wide(page, page_name, label, size)
    finally:
        page.close()


def too_wide(page, page_name: str, label: str, size: dict) -> None:
    if size["scroll"] > size["inner"] + 1:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
            .slice(0, 8).map(e => (e.dataset.testid || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right))""")
        pytest.fail(f"{page_name} at {label}: page is {size['scroll']} px wide in a {size['inner']} px window; "
                    f"too wide: {wide}")
