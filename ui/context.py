"""What every page needs: the read API, the filters from the URL, anonymised mode."""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from lake.api import SIZE_BANDS, SLT_PROFILES, TIME_BANDS, ROLE_PROFILES, Filters, LakeAPI
from lake.store import LakeMissing

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
    anon_key: str

    @property
    def year(self) -> str:
        return self.filters.year


def anon_key(api: LakeAPI) -> str:
    return os.environ.get("SENCO_ANON_KEY") or api.info().get("anon_key") or "senco-dashboard"


def _note_invalid(key: str, allowed: list[str]) -> None:
    """Tell the user when a shared link carried values the lake does not know."""
    try:
        given = st.query_params.get_all(key)
    except Exception:   # a bound parameter may refuse direct access; the widget drops bad values anyway
        return
    bad = [v for v in given if v not in allowed]
    if bad:
        from ui.upload import md_escape
        st.session_state.setdefault("_link_notices", []).append(
            md_escape(f"'{key}': {', '.join(repr(b[:40]) for b in bad[:3])} not recognised"))


def view(show_filters: bool = True) -> View:
    """Draw the sidebar filters (bound to the URL) and return the user's view."""
    a = api()
    try:
        a.version()
    except LakeMissing as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["_link_notices"] = []
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
        _note_invalid(key, allowed)
    _note_invalid("anon", ["true", "false", "True", "False"])

    sb.header("Filters")
    year = sb.selectbox("Academic year", years, key="year", bind="query-params",
                        help="The year of the SENCO returns shown.") if years else None
    la = ()
    if len(la_codes) > 1:
        la = sb.multiselect("Local authority", la_codes, key="la", bind="query-params",
                            format_func=lambda c: f"{la_names.get(c) or 'LA'} ({c})", placeholder="All")
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
                           help="Replaces school names with stable labels and hides counts under 5, "
                                "for showing comparisons to a room of schools.")
    filters = Filters(year=year, la=tuple(int(c) for c in la), phase=tuple(phase), school_type=tuple(stype),
                      size_band=tuple(size), time_band=tuple(time), slt=tuple(slt), role=tuple(role))
    v = View(api=a, filters=filters, anonymised=bool(anonymised), anon_key=anon_key(a))
    st.session_state["_view_params"] = share_params(v)
    return v


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
    base = (st.context.url or "").split("?")[0].rstrip("/")
    query = urlencode(params, doseq=True)
    return f"{base}/{page_path}".rstrip("/") + (f"?{query}" if query else "")
