"""Every chart on every page is drawn once, in the room the server reckoned for its labels.

ui/chart_room.room works out each chart's margins from its labels in Arial's widths. Plotly's automargin
stays on, so a label wider than reckoned is never cut, but then Plotly draws the chart a second time
to make room, which on a national page cost a tenth of a shared link's time to its first chart. Here
each chart as the browser drew it must have needed no more room than it was given.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import PAGES, open_page, wait_charts

CASES = [(name, mode) for name in PAGES for mode in ("named", "anonymised")]

ROOM = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    title: ((gd.layout.title || {}).text || '').slice(0, 60),
    given: gd.layout.margin || {}, drawn: gd._fullLayout._size}))"""


@pytest.mark.parametrize(("page_name", "mode"), CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_each_chart_is_drawn_in_the_room_reckoned_for_its_labels(app_url, page, page_name, mode):
    open_page(page, f"{app_url}{PAGES[page_name]}" + ("?anon=true" if mode == "anonymised" else ""))
    wait_charts(page)
    short = [f"{c['title']!r}: {side} given {c['given'].get(side)}, needed {round(c['drawn'][side])}"
             for c in page.evaluate(ROOM) for side in ("l", "r", "b")
             if c["drawn"][side] > (c["given"].get(side) or 0) + 0.5]
    assert not short, f"{page.url}: Plotly had to make more room:\n" + "\n".join(short)
