"""How every page starts: the view (sidebar filters from the URL), the notes on link values a page's
own widgets do not know, the page header, and the school-year frame with its empty states."""
from __future__ import annotations

import streamlit as st

from ui.context import View, note_unknown, view
from ui.layout import empty_state, page_header, scope_line, too_few_when_anonymised
from ui.navigation import TITLES

NO_RETURNS = "No returns have been received for these schools this year yet."


def start_page(stem: str, intro: str = "", *, known: dict[str, list[str]] | None = None,
               extra: dict | None = None, header: bool = True) -> View:
    """Open page `stem` (pages/<stem>.py): draw the filters and, unless the page draws it later
    itself, its header (title from ui/navigation.py, intro, notices, the link box). `known` lists,
    for each of the page's own URL-bound widgets, the values it accepts, so a link carrying any
    other is noted before the widget drops it."""
    v = view()
    for key, allowed in (known or {}).items():
        note_unknown(key, allowed)
    if header:
        page_header(TITLES[stem], intro, v, stem, extra)
    return v


def page_frame(v: View, *, need_returns: bool = False):
    """The school-year frame the page draws from, after the scope line; stops the page, saying why,
    when no school matches, when (with `need_returns`) none has a return, or when anonymised mode
    would show figures from fewer than SMALL schools."""
    frame = v.api.school_year(v.filters)
    if frame.empty:
        empty_state()
        st.stop()
    scope_line(v, frame)
    if need_returns and not frame.has_return.any():
        empty_state(NO_RETURNS)
        st.stop()
    if too_few_when_anonymised(v, frame):
        st.stop()
    return frame


def respell(key: str, values: list[str]) -> None:
    """Put a page widget's values into the address the way the widget writes them, and run the page
    again so the widget starts from them. A widget bound to the address (bind="query-params") drops
    a value it does not spell itself, so a link's `?school=117934` left the address bar as
    `/schools`; rewritten to the widget's own label first, it stays. Does nothing once the widget is
    bound (after a page's first run), when the address can no longer be written directly."""
    try:
        if st.query_params.get_all(key) == values:
            return
        st.query_params[key] = values if len(values) > 1 else values[0]
    except Exception:     # noqa: BLE001 (bound already, or no address to write)
        return
    st.rerun()
