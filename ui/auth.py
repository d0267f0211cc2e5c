"""Who may see data. Fails closed: any doubt about the configuration means no data, and why.

- Any `[auth]` section in secrets.toml, in either of Streamlit's forms (a flat `[auth]` with
  client_id / client_secret / server_metadata_url, or `[auth]` with named providers such as
  `[auth.microsoft]`), means sign-in is required; with several providers the user chooses.
- With sign-in on, `[access] allowed_domains` must list the email domains that may see data, and
  the identity provider must vouch for the email (`email_verified` true in the id token).
- A secrets.toml that does not parse, or sign-in settings that are incomplete, show no data and
  one line saying what is wrong.
- Without sign-in the dashboard is for the computer it runs on: a visitor from anywhere else
  (or through a proxy) sees no data. scripts/start.sh also binds the server to loopback then.
- A meeting link (ui/meeting.py) opens its view anonymised and read-only for whoever holds it.
"""
from __future__ import annotations

import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import streamlit as st
import streamlit.components.v1 as components
from streamlit import config

from ui import meeting as meeting_links

RETURN_COOKIE = "senco_return_to"
# Keys of the flat form: [auth] itself names the one identity provider.
FLAT_KEYS = ("client_id", "client_secret", "server_metadata_url")
# Headers a reverse proxy adds: a request carrying them did not start on this computer.
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded", "X-Forwarded-Host")


@dataclass(frozen=True)
class Access:
    """What secrets.toml asks for. `problem` set means: show no data, and say this."""
    sign_in: bool
    providers: tuple[str, ...] = ()        # names for st.login; "default" is the flat form
    domains: tuple[str, ...] = ()
    problem: str | None = None
    meeting_secret: str | None = None
    meeting_hours: float = meeting_links.DEFAULT_HOURS


def _missing(section: Mapping, keys) -> list[str]:
    return [k for k in keys if not (isinstance(section.get(k), str) and section.get(k).strip())]


def access_from(secrets: Mapping, file_problem: str | None = None) -> Access:
    """Read the sign-in and access settings; anything incomplete or unclear is a problem."""
    secret = meeting_links.secret_from(secrets)
    hours = meeting_links.hours_from(secrets)
    if file_problem:
        return Access(sign_in=True, problem=file_problem)
    auth = secrets.get("auth")
    access = secrets.get("access")
    if auth is None:
        if access is not None:
            return Access(sign_in=True, problem="secrets.toml has an [access] section but no [auth] identity "
                                                "provider, so no one can sign in. Add [auth] (docs/deployment.md).")
        return Access(sign_in=False, meeting_secret=secret, meeting_hours=hours)
    fix = " Fix .streamlit/secrets.toml (docs/deployment.md)."
    if not isinstance(auth, Mapping):
        return Access(sign_in=True, problem="Sign-in is set up in secrets.toml but 'auth' is not a section." + fix)
    named = tuple(k for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs")
    flat = any(k in auth for k in FLAT_KEYS)
    providers = (("default",) if flat else ()) + named
    if not providers:
        return Access(sign_in=True, problem="Sign-in is set up in secrets.toml but [auth] names no identity "
                                            "provider." + fix)
    missing = _missing(auth, ("redirect_uri", "cookie_secret"))
    if missing:
        return Access(sign_in=True, problem=f"Sign-in is set up in secrets.toml but [auth] lacks "
                                            f"{' and '.join(missing)}." + fix)
    for name in providers:
        section = auth if name == "default" else auth[name]
        missing = _missing(section, FLAT_KEYS)
        if missing:
            where = "[auth]" if name == "default" else f"[auth.{name}]"
            return Access(sign_in=True, problem=f"Sign-in is set up in secrets.toml but {where} lacks "
                                                f"{', '.join(missing)}." + fix)
    raw = access.get("allowed_domains") if isinstance(access, Mapping) else None
    if isinstance(raw, str):
        raw = [raw]
    domains = tuple(d.strip().lower().lstrip("@") for d in raw or () if isinstance(d, str) and d.strip())
    if not domains or len(domains) != len(raw or ()):
        return Access(sign_in=True, providers=providers,
                      problem="Sign-in is on but no email domains are allowed to see data: add [access] "
                              "allowed_domains = [\"your-la.gov.uk\"] to secrets.toml (docs/deployment.md).")
    return Access(sign_in=True, providers=providers, domains=domains, meeting_secret=secret, meeting_hours=hours)


def secrets_file_problem(paths) -> str | None:
    """One line for the first secrets.toml that exists but does not parse. (Streamlit treats such a
    file as no secrets at all, which would open the dashboard to anyone.)"""
    for raw in paths or ():
        path = Path(raw)
        if path.suffix != ".toml" or not path.is_file():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return f"The dashboard's settings file {path.name} cannot be read ({exc}), so no data is shown. " \
                   "Fix it and reload."
    return None


def current_access() -> Access:
    paths = config.get_option("secrets.files") or []
    problem = secrets_file_problem(paths)
    try:
        secrets = st.secrets.to_dict()
    except Exception:     # noqa: BLE001 (no secrets at all, or settings Streamlit could not read)
        if any(Path(p).exists() for p in paths):      # e.g. a secrets folder with a stray file in it
            problem = problem or ("The dashboard's settings (secrets) cannot be read, so no data is shown. "
                                  "Check " + ", ".join(str(p) for p in paths if Path(p).exists()) + ".")
        secrets = {}
    return access_from(secrets, problem)


def email_allowed(email: str | None, domains) -> bool:
    """An email in one of the allowed domains (exactly; an empty list allows no one)."""
    if not isinstance(email, str) or email.count("@") != 1:
        return False
    return email.lower().rsplit("@", 1)[1] in {d.lower() for d in domains}


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def identity_problem(user: Mapping, domains) -> str | None:
    """Why this signed-in user may not see data, or None. Microsoft Entra ID states a verified
    email domain as xms_edov (an optional claim) instead of email_verified."""
    email = user.get("email")
    if not email_allowed(email, domains):
        return "Your account's email domain is not allowed to see this dashboard. Ask the LA inclusion team."
    if not (_true(user.get("email_verified")) or _true(user.get("xms_edov"))):
        return ("Your identity provider has not verified your email address, so this dashboard cannot show you "
                "data. Ask your IT team.")
    return None


def client_is_local() -> bool:
    """The browser runs on this computer: a loopback connection that no proxy forwarded."""
    ip = st.context.ip_address          # None for loopback; an address (str) for anyone else
    if isinstance(ip, str) and ip not in ("127.0.0.1", "::1"):   # (headless AppTest runs hold a stand-in object)
        return False
    headers = st.context.headers or {}
    return not any(headers.get(h) for h in PROXY_HEADERS)


# ---------------------------------------------------------------- meeting links
def meeting_session(access: Access | None = None) -> meeting_links.Meeting | None:
    """The meeting link this session was opened with (checked once, kept for the session), or
    None. A link that is changed, expired or unusable stops the page with one line."""
    held = st.session_state.get("_meeting")
    if held is None:
        try:
            query = {k: st.query_params.get_all(k) for k in st.query_params}
        except Exception:          # noqa: BLE001 (no URL, e.g. a bare script run)
            query = {}
        if meeting_links.PARAM not in query:
            return None
        access = access or current_access()
        try:
            held = meeting_links.verify(access.meeting_secret, query)
        except meeting_links.MeetingLinkError as exc:
            st.error(str(exc), icon=":material/link_off:")
            st.stop()
        st.session_state["_meeting"] = held
    if held.expired():
        st.error(f"This meeting link expired at {held.expires_text}. Ask the presenter for a new one.",
                 icon=":material/link_off:")
        st.stop()
    return held


def new_meeting_link(access: Access, params: Mapping) -> tuple[dict, int] | None:
    """The query of a meeting link for these filters, or None when the server has no secret.
    The expiry is fixed once per session and filters, so the link does not change on every rerun."""
    if not access.meeting_secret:
        return None
    made = st.session_state.get("_meeting_made")
    fixed = meeting_links._canonical(params)
    if not made or made[0] != fixed or made[1] - time.time() < access.meeting_hours * 3600 / 2:
        query, expires = meeting_links.make(access.meeting_secret, params, access.meeting_hours)
        st.session_state["_meeting_made"] = (fixed, expires, query)
        return query, expires
    return made[2], made[1]


# ---------------------------------------------------------------- deep links across sign-in
def _remember_deep_link() -> None:
    """Sign-in returns to the app's root; remember the shared link the user opened, for 10 minutes."""
    components.html(
        "<script>try{const l=window.parent.location;"
        f"document.cookie='{RETURN_COOKIE}='+encodeURIComponent(l.pathname+l.search)+';path=/;max-age=600;SameSite=Lax';"
        "}catch(e){}</script>", height=0)


def _forget_deep_link() -> None:
    components.html(f"<script>document.cookie='{RETURN_COOKIE}=;path=/;max-age=0';</script>", height=0)


def return_target(cookie_value: str | None) -> tuple[str, dict[str, list[str]]] | None:
    """The page path and query of a remembered deep link, if it is one of ours (never another site)."""
    if not isinstance(cookie_value, str) or not cookie_value:
        return None
    parts = urlsplit(unquote(cookie_value))
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    page = parts.path.strip("/").split("/")[-1]
    query = parse_qs(parts.query)
    if not page and not query:
        return None
    return page, query


def _resume_deep_link() -> None:
    if st.session_state.get("_deep_link_done"):
        return
    st.session_state["_deep_link_done"] = True
    target = return_target(st.context.cookies.get(RETURN_COOKIE))
    if target is None:
        return
    _forget_deep_link()
    page, query = target
    st.session_state["_resume_to"] = (page, query)


def provider_label(name: str) -> str:
    return "Sign in" if name == "default" else f"Sign in with {name.replace('-', ' ').title()}"


def _stop(message: str) -> None:
    st.title("SENCO dashboard")
    st.error(message, icon=":material/lock:")
    st.stop()


def require_sign_in() -> meeting_links.Meeting | None:
    """Stop the page unless this session may see data. Returns the meeting link it holds, if any:
    that session sees only anonymised summary pages."""
    access = current_access()
    if access.problem:
        _stop(access.problem)
    held = meeting_session(access)
    if held is not None:
        st.sidebar.caption(f"Meeting link: anonymised and read-only, until {held.expires_text}.")
        return held
    if not access.sign_in:
        if not client_is_local():
            _stop("No sign-in is configured, so this dashboard shows data only on the computer it runs on. "
                  "To serve a team, set up sign-in (docs/deployment.md).")
        st.sidebar.caption("Open access: no sign-in is configured (this computer only).")
        return None
    if not st.user.get("is_logged_in"):
        st.title("SENCO dashboard")
        st.write("Sign in with your organisation account to see the dashboard. You will come back to the "
                 "view you opened.")
        _remember_deep_link()
        for name in access.providers:
            st.button(provider_label(name), key=f"login-{name}", type="primary",
                      on_click=st.login, args=() if name == "default" else (name,))
        st.stop()
    _resume_deep_link()
    problem = identity_problem(st.user, access.domains)
    if problem:
        st.title("SENCO dashboard")
        st.error(problem, icon=":material/lock:")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"Signed in as {st.user.get('email')}")
    st.sidebar.button("Sign out", on_click=st.logout)
    return None


def sign_in_on_disk(paths) -> bool:
    """Whether the secrets files at `paths` set up sign-in completely (for scripts/start.sh, which
    lets the server listen beyond this computer only then)."""
    if secrets_file_problem(paths):
        return False
    merged: dict = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.suffix == ".toml" and path.is_file():
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
    access = access_from(merged)
    return access.sign_in and access.problem is None


if __name__ == "__main__":     # scripts/start.sh: `python -m ui.auth [secrets files]` prints sign-in or local
    import sys
    files = sys.argv[1:] or [str(Path.home() / ".streamlit" / "secrets.toml"), ".streamlit/secrets.toml"]
    print("sign-in" if sign_in_on_disk(files) else "local")
