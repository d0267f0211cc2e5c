"""The sidebar's filters, drawn from the one specification (domain/filters.py) and bound to the
address bar by hand.

Why by hand: Streamlit's own binding (bind="query-params") leaves a widget's default out of the
address, so `?year=` vanished whenever the newest year was shown and a bookmark drifted to next
year's returns; it writes an LA's label, not its code; and after a page change it re-seeds each
bound widget with one history entry apiece. Here the address bar always holds the whole view, the
same query as the "Link to this view" box (domain.filters.to_query), written in one go when it
changes.

How the address and the widgets agree: the query this code last wrote is remembered. A value in
the address that differs from it came from outside (a shared link, Back or Forward), so it wins and
seeds the widget; otherwise the widget (the user) wins and the address follows. Moving to another
page with the navigation, Streamlit keeps only the query parameters bound to widgets, so the new
page opens with none of these: an address without any of them, in a session that has chosen
filters, is such a move, and the session's filters carry over. (Every address this code writes
holds the year, so Back and Forward never bring one without.)
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from domain import filters as spec
from ui import history
from ui.text import md_escape

SYNCED = "_filters_synced"           # session key: the filter query last written to the address


def url_values(key: str) -> list[str]:
    try:
        return list(st.query_params.get_all(key))
    except Exception:     # noqa: BLE001 (no address to read, e.g. a bare script run)
        return []


def choices_of(api) -> tuple[dict[str, list[str]], dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """For each filter's URL parameter: the values this lake knows, other spellings a link may use
    (an LA's label for its code) and the labels the widget shows (an LA's name)."""
    las = api.las()
    codes = [str(c) for c in las.la_code.tolist()]
    names = dict(zip(codes, las.la_name.fillna("").tolist()))
    labels = {c: f"{names.get(c) or 'LA'} ({c})" for c in codes}
    lookups = {spec.YEARS: api.years(), spec.LAS: codes, spec.PHASES: api.options("phase"),
               spec.SCHOOL_TYPES: api.options("school_type")}
    choices = {f.param: list(lookups[f.choices] if isinstance(f.choices, str) else f.choices) for f in spec.FILTERS}
    aliases = {"la": {label: code for code, label in labels.items()}}
    return choices, aliases, {"la": labels}


def as_at_from_url(now: dt.datetime) -> tuple[dt.date | None, str | None]:
    """The date a link pins its figures to (?as_at=2026-10-01), and a note when the value is not one."""
    given = url_values(spec.AS_AT)
    if not given:
        return None, None
    when = spec.parse_as_at(given[0], now)
    if when is None:
        return None, (f"'{spec.AS_AT}': {given[0][:40]!r} not recognised (a date such as 2026-10-01, "
                      "no later than today)")
    return when, None


def sidebar(api, now: dt.datetime) -> tuple[object, bool, list[str]]:
    """Draw the filters; return the Filters, anonymised mode, and notes on link values not known."""
    choices, aliases, labels = choices_of(api)
    query = {f.param: url_values(f.param) for f in spec.FILTERS}
    from_url, notes = spec.from_query(query, choices, aliases)
    synced: dict = st.session_state.get(SYNCED) or {}
    moved = SYNCED in st.session_state and not any(query.values()) and not url_values(spec.ANON)
    if moved:                   # a page change: the session's filters carry over (see above)
        from_url = {p: list(synced.get(p) or []) for p in from_url}
    sb = st.sidebar
    sb.header("Filters")
    chosen: dict[str, list[str]] = {}
    sections: dict[str, object] = {}
    for f in spec.FILTERS:
        options = choices[f.param]
        if f.param == "la" and len(options) < 2:      # one LA in the lake: nothing to choose
            chosen[f.param] = []
            continue
        if not f.multi and not options:               # no returns yet: no year to choose
            chosen[f.param] = []
            continue
        if f.param not in st.session_state or from_url[f.param] != synced.get(f.param):
            st.session_state[f.param] = (from_url[f.param] if f.multi
                                         else (from_url[f.param] or options[:1])[0])
        elif f.multi:       # a value the lake no longer holds (a load changed the choices)
            st.session_state[f.param] = [x for x in st.session_state[f.param] if x in options]
        elif st.session_state[f.param] not in options:
            st.session_state[f.param] = options[0]
        where = sb
        if f.section:
            if f.section not in sections:
                sections[f.section] = sb.expander(f.section)
            where = sections[f.section]
        fmt = labels.get(f.param, {})
        kwargs = {"key": f.param, "help": f.help or None, "persist_state": "session",
                  "format_func": (lambda x, m=fmt: m.get(x, x))}
        if f.multi:
            value = where.multiselect(f.label, options, placeholder=f.placeholder, **kwargs)
        else:
            value = where.selectbox(f.label, options, **kwargs)
        chosen[f.param] = list(value) if f.multi else ([value] if value else [])
    sb.divider()
    given_anon = [x.lower() for x in url_values(spec.ANON)]
    if [x for x in given_anon if x not in ("true", "false")]:
        notes.append(f"'{spec.ANON}': {url_values(spec.ANON)[0][:40]!r} not recognised")
    anon_url = bool(synced.get(spec.ANON)) if moved else given_anon[:1] == ["true"]
    if spec.ANON not in st.session_state or anon_url != synced.get(spec.ANON):
        st.session_state[spec.ANON] = anon_url
    anonymised = sb.toggle("Anonymised mode", key=spec.ANON, persist_state="session",
                           help="Replaces school names with stable labels, leaves out the public figures that "
                                "would name a school and hides figures resting on fewer than 5 schools, for showing "
                                "comparisons to a room of schools.")
    as_at, note = as_at_from_url(now)
    if note:
        notes.append(note)
    filters = spec.make(chosen, as_at)
    write_address(spec.to_query(filters, bool(anonymised)))
    st.session_state[SYNCED] = {**chosen, spec.ANON: bool(anonymised)}
    return filters, bool(anonymised), [md_escape(n) for n in notes]


def write_address(query: dict) -> None:
    """Make the address bar's filter part `query`, in one message when anything changed; the page's
    own parameters (a chart's cut, a tab, a school) are left as they are."""
    owned = [*spec.PARAMS, spec.ANON, spec.AS_AT]
    want = {k: (v if isinstance(v, list) else [v]) for k, v in query.items()}
    try:
        now = {k: st.query_params.get_all(k) for k in owned}
        changed = {k: v for k, v in want.items() if now.get(k) != v}
        gone = [k for k in owned if now.get(k) and k not in want]
        if changed and not any(now.values()) and history.write_in_place(want):
            return                            # the session's first run on a bare address (ui/history.py)
        if changed:
            st.query_params.update({k: v if len(v) > 1 else v[0] for k, v in changed.items()})
        for k in gone:
            del st.query_params[k]
    except Exception:     # noqa: BLE001 (no address to write, e.g. a bare script run)
        pass
