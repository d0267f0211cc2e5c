"""What every page needs: the read API, the filters from the URL, anonymised mode."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from domain import filters as spec
from domain.filters import Filters
from lake import config
from lake.api import LakeAPI
from lake.config import SettingError
from lake.migrations import LakeTooNew
from lake.store import LakeDamaged, LakeMissing
from ui import history, links, styles
from ui.anonymise import NO_KEY, key_for
from ui.auth import meeting_session
from ui.filters import choices_of, sidebar
from ui.text import md_escape

# URL parameter names (also the widget keys) of the shared filters, and anonymised mode.
PARAMS = (*spec.PARAMS, spec.ANON)


@st.cache_resource
def _api() -> LakeAPI:
    return LakeAPI()


def api() -> LakeAPI:
    return _api()


@dataclass
class View:
    api: LakeAPI
    filters: Filters
    anonymised: bool
    anon_key: str | None

    @property
    def year(self) -> str:
        return self.filters.year


def anon_key(api: LakeAPI) -> str | None:
    """The lake's label key (SENCO_ANON_KEY on a replica); None means anonymised mode is unavailable."""
    return key_for(api.info())


def note_unknown(key: str, allowed: list[str]) -> None:
    """Tell the user when a shared link carried values for a page's own widget (a chart's cut, a
    tab) that it does not know. Call it before the widget, which drops an unknown value."""
    try:
        given = st.query_params.get_all(key)
    except Exception:   # a bound parameter may refuse direct access; the widget drops bad values anyway
        return
    bad = [v for v in given if v not in allowed]
    if bad:
        st.session_state.setdefault("_link_notices", []).append(
            md_escape(f"'{key}': {', '.join(repr(b[:40]) for b in bad[:3])} not recognised"))


def _through_app() -> None:
    """Make sure the page runs inside app.py (its navigation, page settings and sign-in).

    Streamlit starts a server assuming a `pages/` folder means its older multipage mode, and
    leaves that mode only when app.py calls st.navigation. If the first visitor after a start
    opens a link to any page but the default one, that older mode runs the page file on its own,
    without app.py, and stays on for every later session: a navigation of file names, and no
    sign-in. So a page that finds itself run that way switches the mode off and reruns, which
    runs app.py with the same address and query."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def view(show_filters: bool = True) -> View:
    """Draw the sidebar filters (bound to the URL) and return the user's view."""
    _through_app()
    styles.inject()                     # card and print stylesheet, the charts' SVG button
    history.inject()                    # one browser-history entry per page visit (ui/history.py)
    try:
        config.check()                      # a nonsense setting: say which, instead of wrong figures
        api().upgrade_if_needed()           # a lake written by an earlier release
        # One version of the lake for the whole draw: a load landing half-way shows on the next.
        a = api().snapshot()
    except (LakeMissing, LakeTooNew) as exc:
        st.error(str(exc))
        st.stop()
    except LakeDamaged as exc:
        lake_damaged_page(str(exc))
        st.stop()
    except SettingError as exc:
        st.error(f"This dashboard's settings need fixing: {exc}", icon=":material/settings_alert:")
        st.stop()
    st.session_state["_link_notices"] = []
    held = meeting_session()
    if held is not None:
        return _meeting_view(a, held)
    filters, anonymised, notes = sidebar(a, dt.datetime.now().replace(microsecond=0))
    st.session_state["_link_notices"].extend(notes)
    v = View(api=a, filters=filters, anonymised=bool(anonymised), anon_key=anon_key(a))
    if v.anonymised and not v.anon_key:
        st.error(NO_KEY, icon=":material/visibility_off:")     # never fall back to names or a guessable key
        st.stop()
    st.session_state["_view_params"] = share_params(v)
    return v


def lake_damaged_page(message: str) -> None:
    """What a user sees instead of "This app has encountered an error" when the lake file is damaged."""
    st.title("The lake is damaged")
    st.error(message, icon=":material/database_off:")
    st.markdown(
        "Nothing has been changed, and the returns received are kept as they arrived beside the lake. "
        "To restore the lake, someone with access to the server:\n\n"
        "1. moves the damaged lake file aside (keep it: it may be needed to find what went wrong);\n"
        "2. runs `python -m etl restore BACKUP.tar.gz` with the latest backup made by `python -m etl backup`;\n"
        "3. loads any returns received since that backup again (`python -m etl load FOLDER`).\n\n"
        "This page then shows the dashboard again, without restarting the app.")


def _meeting_view(a: LakeAPI, held) -> View:
    """A meeting link's view: its signed filters, shown but fixed, and anonymised mode locked on.
    The filters and the link are written back to the URL, so a reload or another page keeps them."""
    p = held.params
    known = choices_of(a)[0]
    fixed = {k: [x for x in p.get(k, []) if x in known[k]] for k in known}
    sb = st.sidebar
    sb.header("Filters")
    sb.caption("Fixed by the meeting link.")
    for f in spec.FILTERS:
        if fixed[f.param] or f.param in ("year", "phase"):
            sb.multiselect(f.label, known[f.param], default=fixed[f.param], disabled=True, key=f"_meeting_{f.param}",
                           placeholder="All")
    sb.divider()
    sb.toggle("Anonymised mode", value=True, disabled=True, key="_meeting_anon",
              help="Always on for a meeting link.")
    fixed["year"] = (fixed["year"] or a.years()[:1])[:1]
    filters = spec.make(fixed)
    v = View(api=a, filters=filters, anonymised=True, anon_key=anon_key(a))
    if not v.anon_key:
        st.error(NO_KEY, icon=":material/visibility_off:")     # a meeting link is always anonymised
        st.stop()
    try:
        for key in PARAMS:
            want = {"anon": ["true"]}.get(key, p.get(key, []))
            if st.query_params.get_all(key) != want:
                if want:
                    st.query_params[key] = want
                else:
                    del st.query_params[key]
        if st.query_params.get_all("meet") != [held.token]:
            st.query_params["meet"] = held.token
    except Exception:     # noqa: BLE001 (no URL to write, e.g. a bare script run)
        pass
    st.session_state["_view_params"] = {**{k: v for k, v in p.items()}, "anon": "true", "meet": held.token}
    return v


def share_params(v: View) -> dict[str, list[str] | str]:
    """Every filter spelled out, the year included, so a shared link keeps its view even after new
    data arrives; the address bar holds the same (ui/filters.py)."""
    return spec.to_query(v.filters, v.anonymised)


def share_link(page_path: str, extra: dict | None = None) -> str:
    params = dict(st.session_state.get("_view_params", {}))
    params.update({k: v for k, v in (extra or {}).items() if v not in (None, "", [], ())})
    return links.link(page_address(page_path), params)


def page_address(page_path: str) -> str:
    return links.address_of(st.context.url, page_path)
