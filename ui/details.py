"""Details drawn only when opened: a chart's table alternative and the share-link box.

Streamlit sends everything inside a closed expander to the browser, which then loads the code
for each kind of element in it: a page with six charts loaded the data grid, the Arrow reader
and the syntax highlighter (about 3.5 MB of script) before its first chart could be requested,
and a shared link took three times as long as a bare chart page to show its first chart. An
expander whose open state is tracked (`on_change="rerun"`) lets the page skip what nobody has
opened; opening it reruns the page from the read API's cache, which takes a tenth of a second.

Headless readers of a page (the meeting pack, the page tests) see every detail, as a reader who
opened each one would: `open_every_detail` opens them all and runs the page again.
"""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

PREFIX = "open:"          # the session-state key of every lazily drawn expander starts with this


@contextmanager
def details(label: str, key: str, icon: str | None = None):
    """An expander whose body runs only when it is open; yields whether it is."""
    box = st.expander(label, key=PREFIX + key, icon=icon, on_change="rerun")
    with box:
        yield bool(box.open)


def open_every_detail(at) -> bool:
    """Open every lazily drawn expander of a page run by AppTest and run it again, as a reader who
    opened each would see it. Returns whether anything was opened."""
    closed = [k for k in at.session_state.keys() if str(k).startswith(PREFIX) and not at.session_state[k]]
    for key in closed:
        at.session_state[key] = True
    if closed:
        at.run()
    return bool(closed)
