"""What every page needs: the read API, the filters from the URL, anonymised mode."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from domain.vocabularies import ROLE_PROFILES, SIZE_BANDS, SLT_PROFILES, TIME_BANDS
from lake import config
from lake.api import Filters, LakeAPI
from lake.config import SettingError
from lake.migrations import LakeTooNew
from lake.store import LakeDamaged, LakeMissing
from ui import styles
from ui.anonymise import NO_KEY, key_for
from ui.auth import meeting_session
from ui.upload import md_escape

# URL parameter names (also the widget keys) of the shared filters.
PARAMS = ("year", "la", "phase", "type", "size", "time", "slt", "role", "anon")


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


def _note_invalid(key: str, allowed: list[str]) -> None:
    """Tell the user when a shared link carried values the lake does not know."""
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
    sb = st.sidebar
    years = a.years()
    las = a.las()
    la_codes = [str(c) for c in las.la_code.tolist()]
    la_names = dict(zip(la_codes, las.la_name.fillna("").tolist()))
    choices = {
        "year": years, "la": la_codes, "phase": a.options("phase"), "type": a.options("school_type"),
        "size": list(SIZE_BANDS), "time": list(TIME_BANDS), "slt": list(SLT_PROFILES), "role": list(ROLE_PROFILES),
    }
    for key, allowed in choices.items():
        if key == "la":
            _note_invalid(key, allowed + [_la_label(c, la_names) for c in la_codes])
        else:
            _note_invalid(key, allowed)
    _note_invalid("anon", ["true", "false", "True", "False"])

    sb.header("Filters")
    year = sb.selectbox("Academic year", years, key="year", bind="query-params",
                        help="The year of the SENCO returns shown.") if years else None
    la = ()
    if len(la_codes) > 1:
        la = _la_selector(sb, la_codes, la_names)
    phase = sb.multiselect("Phase", choices["phase"], key="phase", bind="query-params", placeholder="All phases")
    stype = sb.multiselect("School type", choices["type"], key="type", bind="query-params", placeholder="All types")
    size = sb.multiselect("Size (pupils on roll)", choices["size"], key="size", bind="query-params",
                          placeholder="All sizes")
    with sb.expander("SENCO profile"):
        time = st.multiselect("SENCO time", choices["time"], key="time", bind="query-params", placeholder="Any")
        slt = st.multiselect("Leadership", choices["slt"], key="slt", bind="query-params", placeholder="Any")
        role = st.multiselect("Role", choices["role"], key="role", bind="query-params", placeholder="Any")
    sb.divider()
    anonymised = sb.toggle("Anonymised mode", key="anon", bind="query-params",
                           help="Replaces school names with stable labels, leaves out the public figures that "
                                "would name a school and hides figures resting on fewer than 5 schools, for showing "
                                "comparisons to a room of schools.")
    filters = Filters(year=year, la=tuple(int(c) for c in la), phase=tuple(phase), school_type=tuple(stype),
                      size_band=tuple(size), time_band=tuple(time), slt=tuple(slt), role=tuple(role))
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
    known = {"year": a.years(), "phase": a.options("phase"), "type": a.options("school_type"),
             "size": list(SIZE_BANDS), "time": list(TIME_BANDS), "slt": list(SLT_PROFILES), "role": list(ROLE_PROFILES),
             "la": [str(c) for c in a.las().la_code.tolist()]}
    fixed = {k: [x for x in p.get(k, []) if x in known[k]] for k in known}
    sb = st.sidebar
    sb.header("Filters")
    sb.caption("Fixed by the meeting link.")
    for key, label in (("year", "Academic year"), ("la", "Local authority"), ("phase", "Phase"),
                       ("type", "School type"), ("size", "Size (pupils on roll)"), ("time", "SENCO time"),
                       ("slt", "Leadership"), ("role", "Role")):
        if fixed[key] or key in ("year", "phase"):
            sb.multiselect(label, known[key], default=fixed[key], disabled=True, key=f"_meeting_{key}",
                           placeholder="All")
    sb.divider()
    sb.toggle("Anonymised mode", value=True, disabled=True, key="_meeting_anon",
              help="Always on for a meeting link.")
    year = (fixed["year"] or a.years()[:1] or [None])[0]
    filters = Filters(year=year, la=tuple(int(c) for c in fixed["la"]), phase=tuple(fixed["phase"]),
                      school_type=tuple(fixed["type"]), size_band=tuple(fixed["size"]),
                      time_band=tuple(fixed["time"]), slt=tuple(fixed["slt"]), role=tuple(fixed["role"]))
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


def _la_label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code) or 'LA'} ({code})"


def _la_from_url(la_codes: list[str], names: dict[str, str]) -> list[str]:
    """The LA codes a link asks for: ?la=813 (as share links write it), or the selector's own
    label, 'North Lincolnshire (813)'; anything else is left out (and noted by _note_invalid)."""
    try:
        given = st.query_params.get_all("la")
    except Exception:     # noqa: BLE001 (no URL to read)
        return []
    by_label = {_la_label(c, names): c for c in la_codes}
    known = set(la_codes)
    out: list[str] = []
    for value in given:
        code = value if value in known else by_label.get(value)
        if code and code not in out:
            out.append(code)
    return out


def _la_selector(sb, la_codes: list[str], names: dict[str, str]) -> list[str]:
    """The LA filter, shown only when the lake holds more than one LA, bound to the URL by code.

    Streamlit's own binding (bind="query-params") would put the formatted label into the URL
    ('?la=North+Lincolnshire+(813)') and ignore '?la=813', the form share links use, so this
    widget is bound by hand: a link's codes seed it, and its value is written back as codes.
    The value is kept for the session (persist_state), so moving between pages keeps it."""
    wanted = _la_from_url(la_codes, names)
    synced = st.session_state.get("_la_synced")
    if wanted and wanted != synced:                  # a link (or the back button) asks for these LAs
        st.session_state["la"] = wanted
    elif "la" in st.session_state:
        st.session_state["la"] = [c for c in st.session_state["la"] if c in set(la_codes)]
    la = sb.multiselect("Local authority", la_codes, key="la", format_func=lambda c: _la_label(c, names),
                        placeholder="All", persist_state="session",
                        help="Compare one or more LAs; with none chosen, every LA in the lake is shown.")
    try:
        if la:
            if st.query_params.get_all("la") != la:
                st.query_params["la"] = la
        elif "la" in st.query_params:
            del st.query_params["la"]
    except Exception:     # noqa: BLE001 (no URL to write, e.g. a bare script run)
        pass
    st.session_state["_la_synced"] = list(la)
    return la


def share_params(v: View) -> dict[str, list[str] | str]:
    """Every filter spelled out, so a shared link keeps its view even after new data arrives."""
    f = v.filters
    params: dict[str, list[str] | str] = {}
    if f.year:
        params["year"] = f.year
    for key, values in (("la", [str(x) for x in f.la]), ("phase", f.phase), ("type", f.school_type),
                        ("size", f.size_band), ("time", f.time_band), ("slt", f.slt), ("role", f.role)):
        if values:
            params[key] = list(values)
    if v.anonymised:
        params["anon"] = "true"
    return params


def share_link(page_path: str, extra: dict | None = None) -> str:
    params = dict(st.session_state.get("_view_params", {}))
    params.update({k: v for k, v in (extra or {}).items() if v not in (None, "", [], ())})
    # The page's own address as the browser shows it: st.context.url already names the page
    # ('/senco_time'), and the default page lives at the app's root.
    # Without a browser (a bare script run) there is no URL: fall back to the page path.
    query = urlencode(params, doseq=True)
    return page_address(page_path) + (f"?{query}" if query else "")


def page_address(page_path: str) -> str:
    url = (st.context.url or "").split("?")[0].split("#")[0].rstrip("/")
    return url or f"/{page_path}".rstrip("/")
