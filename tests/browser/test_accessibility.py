"""Automated WCAG 2.2 AA checks (axe-core) on every page in the states people use.

Each page × state is its own test. A violation fails the test unless it is listed in
`ui.accessibility.ACCESSIBILITY_EXCEPTIONS` with the same rule id and a CSS selector
(`where`) that the offending element sits inside: exceptions are for Streamlit's own
components that the project cannot change, and each one says why and what would lift it.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import AXE_STATS, MAIN, PAGES, open_expanders, open_page, wait_charts
from ui.accessibility import ACCESSIBILITY_EXCEPTIONS

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}

# Every page in the states people use it in; "default" is checked as loaded and again with every
# expander (table alternatives, the share link) open.
STATES = ["default", "filtered", "anonymised", "empty"]
EXTRA = [("schools", "school"), ("schools", "school-anon"), ("schools", "compare"),
         ("data_quality", "tab-rejects"), ("data_quality", "tab-history"), ("data_quality", "tab-upload"),
         ("data_quality", "tab-template"), ("overview", "menu-open")]
CASES = [(name, state) for name in PAGES for state in STATES] + EXTRA


def exceptions() -> list[dict]:
    return list(ACCESSIBILITY_EXCEPTIONS)


def state_query(state: str, facts: dict, empty_query: str) -> str:
    urns = facts["compare_urns"]
    return {
        "default": "", "menu-open": "",
        "filtered": "phase=primary",
        "anonymised": "anon=true",
        "empty": empty_query,
        "school": f"school={urns[0]}",
        "school-anon": urlencode({"school": facts["anon_label"], "anon": "true"}),
        "compare": urlencode({"tab": "Compare schools", "compare": urns[:3]}, doseq=True),
        "tab-rejects": "tab=Rejected+rows",
        "tab-history": "tab=Load+history",
        "tab-upload": "tab=Upload+returns",
        "tab-template": "tab=Template",
    }[state]


def excused(page, rule: str, target, allowed: list[dict]) -> dict | None:
    """The exception covering this node: same rule, and the element is inside the exception's `where`."""
    if not isinstance(target, list) or len(target) != 1 or not isinstance(target[0], str):
        return None      # inside an iframe or shadow root: never excused automatically
    for exc in allowed:
        if exc.get("rule") != rule:
            continue
        try:
            inside = page.evaluate(
                "([sel, where]) => { const el = document.querySelector(sel); return !!el && !!el.closest(where); }",
                [target[0], exc["where"]])
        except Exception:
            inside = False
        if inside:
            return exc
    return None


def describe(violation: dict, node: dict) -> str:
    return (f"{violation['id']} ({violation.get('impact')}): {violation['help']}\n"
            f"    target: {node['target']}\n    html: {node.get('html', '')[:300]}\n"
            f"    {node.get('failureSummary', '').replace(chr(10), ' ')[:400]}")


# axe-core cannot judge text drawn in a chart's SVG ("incomplete"), so chart text is checked here:
# every label against what is behind it, the bar's own colour for labels inside bars, otherwise the
# plot background. WCAG 1.4.3: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
CHART_TEXT_CONTRAST = r"""() => {
  const rgb = c => {
    if (!c) return null;
    if (c.startsWith('#')) { const h = c.length === 4 ? c.slice(1).split('').map(x => x + x).join('') : c.slice(1);
      return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16)).concat([1]); }
    const m = c.match(/[\d.]+/g); if (!m) return null;
    const v = m.map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const lum = v => { const c = v.slice(0, 3).map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = rgb(getComputedStyle(document.querySelector("[data-testid='stMain']") || document.body).backgroundColor);
  const opaque = (c, under) => { const v = rgb(c); return (!v || v[3] === 0) ? under : v; };
  const bad = [];
  for (const gd of document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")) {
    const L = gd._fullLayout || {};
    const paper = opaque(L.paper_bgcolor, page[3] === 0 ? [255, 255, 255, 1] : page);
    const plot = opaque(L.plot_bgcolor, paper);
    const title = ((L.title && L.title.text) || '').replace(/<[^>]+>/g, '');
    for (const t of gd.querySelectorAll('svg text')) {
      const text = (t.textContent || '').trim();
      const cs = getComputedStyle(t);
      if (!text || cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
      const fill = rgb(t.style.fill || cs.fill); if (!fill || fill[3] === 0) continue;
      let bg = t.closest('.plot, .barlayer') ? plot : paper;
      if (t.classList.contains('bartext-inside')) {
        const trace = t.closest('g.trace'); const d = trace && trace.__data__ && trace.__data__[0];
        const color = d && d.trace && d.trace.marker && d.trace.marker.color;
        if (typeof color === 'string') bg = rgb(color);
      }
      const size = parseFloat(cs.fontSize); const bold = Number(cs.fontWeight) >= 700 || cs.fontWeight === 'bold';
      const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
      const r = ratio(fill, bg);
      if (r < need) bad.push(`${title.slice(0, 50)} | "${text.slice(0, 30)}" ${cs.fontSize} fill rgb(${fill.slice(0, 3)}) on rgb(${bg.slice(0, 3)}): ${r.toFixed(2)}:1 < ${need}:1`);
    }
  }
  return bad;
}"""


def chart_text_contrast(page, label: str) -> list[str]:
    wait_charts(page)
    found = page.evaluate(CHART_TEXT_CONTRAST)
    AXE_STATS["chart_texts"] = AXE_STATS.get("chart_texts", 0) + 1
    # One line per distinct problem: the same grey tick label repeats on every axis.
    distinct = sorted({f.split(" | ", 1)[-1].split('" ', 1)[-1] + " (" + f.split(" | ", 1)[0] + ")" for f in found})
    return [f"[{label}] color-contrast in chart text (checked here; axe cannot see into SVG): {d}"
            for d in distinct[:15]]


def check(page, label: str) -> list[str]:
    """Run axe-core's WCAG 2.2 AA rules on the page as it is now; return the violations not excepted."""

    wait_charts(page)
    results = Axe().run(page, options=AXE_OPTIONS).response
    AXE_STATS["runs"] += 1
    AXE_STATS["rules"] += sum(len(results.get(k, [])) for k in ("passes", "violations", "incomplete"))
    AXE_STATS["nodes"] += sum(len(r.get("nodes", [])) for k in ("passes", "violations") for r in results.get(k, []))
    for r in results.get("incomplete", []):     # axe could not decide: counted for manual review
        AXE_STATS["review"][r["id"]] = AXE_STATS["review"].get(r["id"], 0) + len(r.get("nodes", []))
    allowed = exceptions()
    problems: list[str] = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            if excused(page, violation["id"], node["target"], allowed) is None:
                problems.append(f"[{label}] " + describe(violation, node))
            else:
                AXE_STATS["excused"] += 1
    return problems


@pytest.mark.parametrize(("page_name", "state"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_wcag22_aa(app_url, page, page_name, state, lake_facts, empty_query):
    query = state_query(state, lake_facts, empty_query)
    open_page(page, f"{app_url}{PAGES[page_name]}" + (f"?{query}" if query else ""))
    if state == "empty" and page_name not in ("about", "data_quality"):
        text = page.locator(MAIN).inner_text()
        assert re.search(r"no schools|no rows|0 schools in scope", text, re.I), f"not an empty view:\n{text[:1500]}"
    if state == "menu-open":      # a filter's option list, as a keyboard or mouse user opens it
        page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect'] input[role='combobox']").first.click()
        page.locator("[role='listbox']").last.wait_for(state="visible")
    problems = check(page, state)
    problems += chart_text_contrast(page, state)
    if state == "default":        # and again with every expander (table alternatives, share link) open
        open_expanders(page)
        problems += check(page, "expanded")
    if problems:
        AXE_STATS["failed"].append(f"{page_name}-{state}")
    assert not problems, f"{len(problems)} WCAG 2.2 AA violations on {page.url}:\n" + "\n".join(problems)
