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
"""
from __future__ import annotations

import streamlit as st

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


def inject() -> None:
    """Install the history rule once per browser tab (later calls are a no-op in the browser)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
