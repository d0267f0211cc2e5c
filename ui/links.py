"""The text of a link to a view, apart from the widget that shows it: its address, its query
(every filter, the year included), and whether it can open anywhere but this computer."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
LOCAL_ONLY = ("This link opens only on this computer: its address is {host}, which every computer takes to mean "
              "itself. To share a view, open the dashboard at its address on your network (ask whoever runs it) "
              "and copy the link from there.")


def link(address: str, params: dict) -> str:
    """`address?query`, leaving out empty values; lists become repeated parameters."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [], ())}, doseq=True)
    return address + (f"?{query}" if query else "")


def address_of(browser_url: str | None, page_path: str) -> str:
    """The page's own address as the browser shows it, without its query: Streamlit's
    st.context.url already names the page ('/senco_time'), and the default page lives at the
    app's root. Without a browser (a bare script run) there is no URL: the page path."""
    url = (browser_url or "").split("?")[0].split("#")[0].rstrip("/")
    return url or f"/{page_path}".rstrip("/")


def local_host(url: str) -> str | None:
    """The host when a link points at this computer only (localhost, 127.x.x.x, ::1), else None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        return host
    return None


def local_warning(url: str) -> str | None:
    """The warning to show beside a link that opens only on this computer, or None."""
    host = local_host(url)
    return LOCAL_ONLY.format(host=host) if host else None


def pinned(team_link: str, now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The link pinned to the data as it is at `now` (?as_at=<that moment>), and that moment; None
    when the link is pinned already."""
    if "as_at" in parse_qs(urlsplit(team_link).query):
        return None
    return team_link + ("&" if "?" in team_link else "?") + urlencode({"as_at": now.isoformat()}), now
