"""Page furniture: title, notices, the share link, headline figures, empty states."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import streamlit as st

from lake import collection
from lake.api import Filters
from lake.measures import MEASURE_BY_ID, NO_CHANGE
from ui import as_at, links, meeting
from ui.anonymise import SMALL
from ui.auth import current_access, new_meeting_link
from ui.context import View, page_address, share_link
from ui.details import details
from ui.help import page_context
from ui.meeting_pack import offer_pack

HIDDEN_FIGURE = "–"


def page_header(title: str, intro: str, v: View, page_path: str, extra_params: dict | None = None) -> None:
    if st.session_state.get("_meeting") is not None and page_path not in meeting.PAGES:
        st.error("A meeting link opens the summary pages only.", icon=":material/lock:")   # app.py hides them too
        st.stop()
    st.title(title)
    st.caption(intro)
    page_context(v)          # data as at, sources, an open collection, the team's contact (ui/help.py)
    st.session_state["_notice_slot"] = st.empty()
    show_link_notices(page_path)
    if v.api.info().get("demo") == "true":
        st.info("Demo data: the schools and census counts are real open data for North Lincolnshire; the SENCO "
                "returns and Ofsted outcomes are synthetic. See About.", icon=":material/science:")
    if v.filters.as_at:          # (unpinned, page_context's line says what the data is as at)
        st.info(as_at.pinned_line(v.filters.as_at), icon=":material/push_pin:")
    if v.anonymised:
        st.success(f"Anonymised mode: schools are shown by stable labels, without the public figures (pupil counts, "
                   f"Ofsted outcomes, dates) that would name them, and figures resting on fewer than {SMALL} "
                   "schools are hidden. Safe to show to a room of schools.", icon=":material/visibility_off:")
    with details("Link to this view", "share-link", icon=":material/link:") as is_open:
        slot = st.container()
        if is_open and st.session_state.get("_meeting") is None:    # a meeting-link viewer only reads
            offer_pack(page_path)
    st.session_state["_share_slot"] = (slot.empty() if is_open else None, page_path)
    update_share_link(extra_params)


def show_link_notices(page_path: str) -> None:
    """Say which values of the link were not known (drawn again when a page adds its own at the end)."""
    notices = st.session_state.get("_link_notices") or []
    # The widgets drop a link's unknown values on the first run, so a rerun on the same page (a detail
    # opened) finds none: the notice stays until the user moves to another page.
    kept = st.session_state.get("_link_notices_kept")
    if notices:
        st.session_state["_link_notices_kept"] = (page_path, list(notices))
    elif kept and kept[0] == page_path:
        notices = kept[1]
    else:
        st.session_state.pop("_link_notices_kept", None)
    if notices:
        st.session_state["_notice_slot"].warning(
            "This link had values this dashboard does not know, so defaults are shown instead: "
            + "; ".join(notices) + ".", icon=":material/link_off:")


def update_share_link(extra_params: dict | None = None) -> None:
    """Redraw the share links once the page's own widgets exist, so they carry their values: the
    team link (what this user sees, for colleagues who may see it too) and the meeting link
    (anonymised, for anyone, until it expires). Each says which kind it is."""

    slot, page_path = st.session_state["_share_slot"]
    show_link_notices(page_path)
    if slot is None:                                   # the box is closed: nothing to draw
        return
    box = slot.container()
    held = st.session_state.get("_meeting")
    if held is not None:
        box.caption(f"**Meeting link**: opens this view anonymised and read-only for anyone who holds it, until "
                    f"{held.expires_text}.")
        box.code(share_link(page_path, extra_params), language=None, wrap_lines=True)
        return
    access = current_access()
    who = "colleagues who sign in" if access.sign_in else "this computer"
    box.caption(f"**Team link** (copy button at the right of the box): reopens this page with the same filters "
                f"and selections for {who}. It shows school names unless anonymised mode is on, and whoever "
                "opens it can turn anonymised mode off.")
    team = share_link(page_path, extra_params)
    box.code(team, language=None, wrap_lines=True)
    if (local := links.local_warning(team)):
        box.warning(local, icon=":material/computer:")
    pin = links.pinned(team, dt.datetime.now().replace(microsecond=0))
    if pin:
        box.caption(f"**Pinned link**: the same view with the figures as they stand now ({as_at.when(pin[1])}), "
                    "even after new returns load.")
        box.code(pin[0], language=None, wrap_lines=True)
    if page_path not in meeting.PAGES:
        box.caption("**Meeting link**: not offered on this page. Meeting links open the summary pages only.")
        return
    made = new_meeting_link(access, st.session_state.get("_view_params", {}))
    if made is None:
        box.caption("**Meeting link**: unavailable, this server has no secret to sign one with "
                    "(docs/deployment.md).")
        return
    query, expires = made
    box.caption(f"**Meeting link** for a room of schools: opens this view anonymised for anyone who holds it, "
                f"without an account, until {meeting.when(expires)}. Its filters and anonymised mode cannot be "
                "changed.")
    box.code(page_address(page_path) + "?" + urlencode(query, doseq=True), language=None, wrap_lines=True)


def scope_line(v: View, frame) -> None:
    f: Filters = v.filters
    returned = int(frame.has_return.sum()) if not frame.empty else 0
    if v.anonymised and 0 < len(frame) < SMALL:       # whether each of a handful of schools has returned
        st.markdown(f"**{f.year}** · {len(frame)} schools in scope · returns received hidden (fewer than {SMALL} "
                    "schools)")
        return
    st.markdown(f"**{f.year}** · {len(frame)} schools in scope · {returned} returns received")


def too_few_when_anonymised(v: View, frame) -> bool:
    """In anonymised mode, a filter leaving fewer than SMALL returns shows no figures at all (and says so):
    each would be one school's own answers, and the filters that picked it out are public."""
    returned = int(frame.has_return.sum()) if not frame.empty else 0
    if v.anonymised and 0 < returned < SMALL:
        st.info(f"Fewer than {SMALL} schools with a return match these filters, so anonymised mode shows no figures "
                "for them. Widen the filters in the sidebar.", icon=":material/visibility_off:")
        return True
    return False


def empty_state(message: str = "No schools match these filters. Clear a filter in the sidebar to see more.") -> None:
    st.info(message, icon=":material/filter_alt_off:")


def measure_cards(v: View, measure_ids: list[str], per_row: int = 4) -> None:
    """Headline figures: value, change since last year, national benchmark with source and year."""
    rows = [measure_ids[i:i + per_row] for i in range(0, len(measure_ids), per_row)]
    for ids in rows:
        cols = st.columns(per_row)
        for col, mid in zip(cols, ids):
            m = MEASURE_BY_ID[mid]
            value, previous, n = v.api.measure_value(mid, v.filters)
            # An open collection is compared with last year's at the same point, or not at all (lake/collection.py).
            previous, since, open_note = collection.card_previous(v.api, mid, v.filters, previous)
            hidden = ""
            if v.anonymised:
                # A figure resting on fewer than SMALL schools is one school's (or a few schools') own answer,
                # and the filters that narrowed it to them are public: anonymised mode leaves it out.
                prev_filters = v.filters.previous_year()
                n_before = v.api.measure_value(mid, prev_filters)[2] if previous is not None and prev_filters else 0
                if n < SMALL:
                    value, previous = None, None
                    hidden = f" Hidden in anonymised mode: it rests on fewer than {SMALL} schools."
                elif previous is not None and n_before < SMALL:
                    previous = None
                    hidden = (f" The change since last year is hidden in anonymised mode: last year's figure rests "
                              f"on fewer than {SMALL} schools.")
            change = None if value is None or previous is None else value - previous
            bm = v.api.benchmark(m, v.filters.phase, v.filters.year)
            delta_color = {"higher is better": "normal", "lower is better": "inverse"}.get(m.polarity, "off")
            with col:
                shown = m.format_change(change)
                # The change is said once, inside the card, with its words ("since last year") read
                # out with it; "no change" is said in words too, with no arrow.
                st.metric(m.name, HIDDEN_FIGURE if hidden and value is None else m.format(value),
                          delta=shown.capitalize() if shown == NO_CHANGE else shown,
                          delta_description=since if change is not None else None,   # no change: no words
                          delta_color="off" if shown == NO_CHANGE else delta_color,
                          delta_arrow="off" if shown == NO_CHANGE else "auto",
                          help=m.definition + (f" Based on {n} schools." if m.agg != "count" and not hidden else "")
                          + hidden + open_note, border=True)
                if hidden and value is None:
                    st.caption(f"Hidden: fewer than {SMALL} schools")
                if bm:
                    st.caption(f"Benchmark: {bm['label']} ({bm['source']}, {bm['year']})")
