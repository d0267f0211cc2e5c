"""Meeting links: a link that opens a view anonymised, for whoever holds it, until it expires.

A presenter at a meeting with other schools in the room shares a link that carries the view's
filters, an expiry time and an HMAC signature made with the server's secret. Whoever opens it
sees that view anonymised, read-only, on the summary pages only, without an account. Anonymity
is not a URL switch here: the signature covers the filters and the expiry, the session that
opens a valid link stays anonymised whatever its URL says afterwards, and a link with anything
changed (filters, expiry, signature) is refused with one line saying so.

The secret is `[meeting] secret` in secrets.toml, or else `[auth] cookie_secret` (the one
Streamlit signs its sign-in cookie with). Without either, meeting links are unavailable.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.filters import PARAMS as FILTER_PARAMS

PARAM = "meet"
DEFAULT_HOURS = 24.0
MAX_HOURS = 24.0 * 31
MIN_SECRET = 16
# The shared filters a meeting link fixes (domain/filters.py; "anon" is always on).
FILTERS = FILTER_PARAMS
# Pages a meeting-link viewer may open: the summaries. Not the Schools page (one school at a
# time) nor Returns & data quality (the chase list, rejected rows and files name schools, and
# it takes uploads).
PAGES = ("overview", "senco_time", "leadership", "ofsted", "trends", "about")
_PURPOSE = b"senco-dashboard meeting link v1"


class MeetingLinkError(ValueError):
    """A meeting link that must not open: the message is the one line shown to its holder."""


@dataclass(frozen=True)
class Meeting:
    """A verified meeting link: the filters it fixes and when it stops working (Unix seconds)."""
    params: dict[str, list[str]]
    expires: int
    token: str

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires

    @property
    def expires_text(self) -> str:
        return when(self.expires)


def when(expires: int) -> str:
    return datetime.fromtimestamp(expires, tz=UTC).strftime("%H:%M UTC on %d %b %Y").lstrip("0")


def secret_from(secrets: Mapping) -> str | None:
    """The secret meeting links are signed with, or None when the server has none long enough."""
    meeting = secrets.get("meeting") if isinstance(secrets.get("meeting"), Mapping) else {}
    auth = secrets.get("auth") if isinstance(secrets.get("auth"), Mapping) else {}
    for value in (meeting.get("secret"), auth.get("cookie_secret")):
        if isinstance(value, str) and len(value.strip()) >= MIN_SECRET:
            return value.strip()
    return None


def hours_from(secrets: Mapping) -> float:
    """How long a new meeting link works: `[meeting] expires_hours`, default 24, at most 31 days."""
    meeting = secrets.get("meeting") if isinstance(secrets.get("meeting"), Mapping) else {}
    value = meeting.get("expires_hours", DEFAULT_HOURS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_HOURS:
        return DEFAULT_HOURS
    return float(value)


def _canonical(params: Mapping[str, object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in FILTERS:
        value = params.get(key)
        if value in (None, "", [], ()):
            continue
        values = [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        out[key] = sorted(values)
    return out


def _signature(secret: str, params: dict[str, list[str]], expires: int) -> str:
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()    # never the secret itself
    # JSON, so no value can pass for two ("a|b" against ["a", "b"]) and the message is unambiguous.
    message = json.dumps([expires, sorted(params.items())], ensure_ascii=True, separators=(",", ":"))
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make(secret: str, params: Mapping[str, object], hours: float = DEFAULT_HOURS,
         now: float | None = None) -> tuple[dict[str, list[str] | str], int]:
    """The query of a meeting link for these filters: the filters, anon=true and the token."""
    expires = int((time.time() if now is None else now) + hours * 3600)
    fixed = _canonical(params)
    query: dict[str, list[str] | str] = {k: v if len(v) > 1 else v[0] for k, v in fixed.items()}
    query["anon"] = "true"
    query[PARAM] = f"{expires}.{_signature(secret, fixed, expires)}"
    return query, expires


def verify(secret: str | None, query: Mapping[str, list[str]], now: float | None = None) -> Meeting:
    """The meeting a link's query opens, or MeetingLinkError saying in one line why it cannot."""
    if not secret:
        raise MeetingLinkError("Meeting links are not available on this server (it has no secret to check them "
                               "with). Ask the person who runs the dashboard.")
    tokens = query.get(PARAM) or []
    token = tokens[0] if len(tokens) == 1 else ""
    expires_text, _, signature = token.partition(".")
    if not expires_text.isdigit() or not signature or len(expires_text) > 12:
        raise MeetingLinkError("This meeting link is not complete or has been changed. Ask the presenter to send "
                               "it again.")
    expires = int(expires_text)
    fixed = _canonical({k: list(v) for k, v in query.items()})
    if not hmac.compare_digest(signature, _signature(secret, fixed, expires)):
        raise MeetingLinkError("This meeting link has been changed (its filters, expiry or signature), so it does "
                               "not open. Ask the presenter for a new one.")
    meeting = Meeting(params=fixed, expires=expires, token=token)
    if meeting.expired(now):
        raise MeetingLinkError(f"This meeting link expired at {meeting.expires_text}. Ask the presenter for a new "
                               "one.")
    return meeting
