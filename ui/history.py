"""Browser history: one entry per page visit, not per widget change.

Streamlit 1.67 writes the address bar two ways (its frontend bundle, App's
`handlePageInfoChanged` and `maybeUpdatePageUrl`, and the widget manager's `updateUrlParam`):
a widget bound with bind="query-params" changes the query with history.replaceState, but every
query the server writes (st.query_params, and each bound widget it re-seeds after a page change)
is a history.pushState, and so is the page change itself. Setting three filters and moving page
left five entries, and Back walked through views nobody had seen.

The page keeps Streamlit's page change as the one new entry and turns any other push to the same
address (only the query differs) into a replace: Back then returns to the previous page with the
filters it had, in one press, and Forward undoes it. Links that open a new address (another page,
or a school's profile from a link) still add an entry.

That rule is a script, and it is in place only once the browser has drawn it, after the messages of
the run that sent it: so the first run of a session, which adds the year to a bare address
(/leadership), would push before it. On that run the browser writes the address itself, in place
(`write_in_place`), and the server leaves st.query_params alone. Only a bare address is written this
way: Streamlit's frontend then reads the query for its next run from the address bar, so server and
browser agree (with any query at all it would keep sending the one it opened with).
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import streamlit as st

SEEN = "_history_seen"                # session key: the history rule has been sent to this session
BARE_START = "_history_bare_start"    # session key: this run is the session's first, on an address with no query

SCRIPT = """
<span class="senco-page-script"></span>
<script>
(function () {
  var w = window.parent || window, h = w.history;
  // Once run, the script element leaves the page (as ui/styles.py's does).
  w.document.querySelectorAll('.senco-page-script ~ script').forEach(function (el) { el.remove(); });
  if (w.__sencoHistory) return;
  w.__sencoHistory = true;
  var push = h.pushState;
  h.pushState = function (state, title, url) {
    try {
      if (url != null && new URL(url, w.location.href).pathname === w.location.pathname) {
        return h.replaceState(state, title, url);
      }
    } catch (e) { /* an address URL() cannot read: leave it to the browser */ }
    return push.apply(h, arguments);
  };
})();
</script>
"""


IN_PLACE = """
<span class="senco-page-script"></span>
<script>
(function () {
  var w = window.parent || window;
  // Only while the address is still the bare one the session opened with.
  if (!w.location.search) w.history.replaceState(w.history.state, '', w.location.pathname + '?' + QUERY + w.location.hash);
})();
</script>
"""


def inject() -> None:
    """Install the history rule once per browser tab (later calls are a no-op in the browser)."""
    try:
        bare = not st.query_params.to_dict()
    except Exception:     # noqa: BLE001 (no address to read, e.g. a bare script run)
        bare = False
    st.session_state[BARE_START] = SEEN not in st.session_state and bare
    st.session_state[SEEN] = True
    st.html(SCRIPT, unsafe_allow_javascript=True)


def write_in_place(query: dict[str, list[str]]) -> bool:
    """On a session's first run from a bare address, have the browser write `query` into the address
    with replaceState, and say so: the caller then leaves st.query_params as it is. False otherwise,
    and the caller writes the address as usual."""
    if not st.session_state.pop(BARE_START, False) or not query:
        return False
    st.html(IN_PLACE.replace("QUERY", json.dumps(urlencode(query, doseq=True))), unsafe_allow_javascript=True)
    return True
