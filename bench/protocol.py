"""A Streamlit session opened the way a browser opens one, without a browser.

A browser opening a shared link fetches the page, then connects a websocket to
`/_stcore/stream` and sends one BackMsg, `rerun_script`, whose ClientState carries the
link's query string, the page's address (`page_name`, the url_path of an st.Page) and the
browser's context (time zone, locale, URL). The server runs app.py for that page and streams
ForwardMsgs back: the new session, one delta per element drawn, and `script_finished`.

`open_session` does exactly that and times the deltas, so the server's work for a session can
be measured with the drawing left out: in a meeting, each person's browser draws on their own
laptop and only the server is shared. It also keeps what the page drew (headings, charts,
exceptions), so a run that went wrong is not mistaken for a fast one.
"""
from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
# The browser puts these in the websocket's subprotocol header: the protocol's name, then an XSRF
# token (a placeholder when it has none: no cookie was set, as in a fresh browser profile).
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]


@dataclass
class Session:
    """What one session saw, with times in seconds from the websocket being asked for."""
    url: str
    assets: float | None = None                # the page's files fetched (when asked to), before the socket
    connected: float | None = None
    first_delta: float | None = None
    first_chart: float | None = None
    finished: float | None = None
    status: str | None = None                  # how the last script run ended
    runs: int = 0                              # script runs (a page may rerun itself once)
    page_not_found: bool = False               # the server ran its default page instead
    deltas: int = 0
    headings: list[str] = field(default_factory=list)
    charts: int = 0
    exceptions: list[str] = field(default_factory=list)
    bytes: int = 0


def stream_url(base: str) -> str:
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def rerun_message(url: str) -> bytes:
    """The BackMsg a browser sends when it opens `url` (a page address with its query string)."""
    parts = urlsplit(url)
    msg = BackMsg()
    cs = msg.rerun_script
    cs.query_string = parts.query
    cs.page_name = parts.path.strip("/").split("/")[-1] if parts.path.strip("/") else ""
    cs.page_script_hash = ""                   # not known before the server's first answer
    ctx = cs.context_info
    ctx.timezone, ctx.timezone_offset, ctx.locale = "Europe/London", 0, "en-GB"
    ctx.url, ctx.is_embedded, ctx.color_scheme = url, False, "light"
    return msg.SerializeToString()


def _note(session: Session, fwd: ForwardMsg, at: float) -> bool:
    """Record one ForwardMsg; True when the session's script has finished for good."""
    kind = fwd.WhichOneof("type")
    if kind == "new_session":
        session.runs += 1
    elif kind == "page_not_found":
        session.page_not_found = True
    elif kind == "delta":
        session.deltas += 1
        if session.first_delta is None:
            session.first_delta = at
        if fwd.delta.WhichOneof("type") == "new_element":
            el = fwd.delta.new_element
            what = el.WhichOneof("type")
            if what == "plotly_chart":
                session.charts += 1
                if session.first_chart is None:
                    session.first_chart = at
            elif what == "heading":
                session.headings.append(el.heading.body)
            elif what == "exception":
                session.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
    elif kind == "script_finished":
        session.status = FINISHED.Name(fwd.script_finished)
        if fwd.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
            return False                       # the page asked for a rerun: the next run follows
        session.finished = at
        return True
    return False


def _fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as r:
        return len(r.read())


async def fetch_assets(urls: list[str], connections: int = 6) -> int:
    """Fetch `urls` as a browser does (a few connections at a time); the bytes read."""
    gate = asyncio.Semaphore(connections)

    async def one(url: str) -> int:
        async with gate:
            return await asyncio.to_thread(_fetch, url)
    return sum(await asyncio.gather(*(one(u) for u in urls)))


async def open_session(base: str, link: str, timeout: float = 300.0, assets: list[str] = ()) -> Session:
    """Open `link` (a path with its query, e.g. '/senco_time?year=2025%2F26') on the Streamlit
    server at `base` as a browser would, and read until the page's script has finished. With
    `assets` (full URLs: the page and the script files a real browser fetched for it), those are
    fetched first, as a browser with an empty cache fetches them before it opens the socket."""
    url = base.rstrip("/") + link
    session = Session(url=url)
    t0 = time.perf_counter()
    if assets:
        session.bytes += await fetch_assets(list(assets))
        session.assets = time.perf_counter() - t0
    async with asyncio.timeout(timeout), connect(
            stream_url(base), subprotocols=SUBPROTOCOLS, origin=base.rstrip("/"), max_size=None,
            ping_interval=None, compression=None) as ws:
        session.connected = time.perf_counter() - t0
        await ws.send(rerun_message(url))
        async for frame in ws:
            at = time.perf_counter() - t0
            session.bytes += len(frame)
            fwd = ForwardMsg()
            fwd.ParseFromString(frame)
            if _note(session, fwd, at):
                break
    return session


async def sessions_at_once(base: str, link: str, n: int, timeout: float = 300.0,
                           assets: list[str] = ()) -> list[Session]:
    """`n` sessions opening `link` at the same moment."""
    return list(await asyncio.gather(*(open_session(base, link, timeout, assets) for _ in range(n))))
