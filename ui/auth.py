"""Optional sign-in. With an OIDC provider in Streamlit secrets ([auth]) only signed-in users
whose email domain is allowed see data; without it the app runs open for local use."""
from __future__ import annotations

import streamlit as st


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets and bool(st.secrets["auth"].get("client_id") or st.secrets["auth"].get("providers"))
    except Exception:   # no secrets file at all
        return False


def allowed_domains() -> list[str]:
    try:
        domains = st.secrets.get("access", {}).get("allowed_domains", [])
    except Exception:
        domains = []
    return [d.lower().lstrip("@") for d in domains]


def email_allowed(email: str | None, domains: list[str]) -> bool:
    if not email or "@" not in email:
        return False
    return not domains or email.lower().rsplit("@", 1)[1] in domains


RETURN_COOKIE = "senco_return_to"


def _remember_deep_link() -> None:
    """Sign-in returns to the app's root; remember the shared link the user opened, for 10 minutes."""
    import streamlit.components.v1 as components
    components.html(
        "<script>try{const l=window.parent.location;"
        f"document.cookie='{RETURN_COOKIE}='+encodeURIComponent(l.pathname+l.search)+';path=/;max-age=600;SameSite=Lax';"
        "}catch(e){}</script>", height=0)


def _forget_deep_link() -> None:
    import streamlit.components.v1 as components
    components.html(f"<script>document.cookie='{RETURN_COOKIE}=;path=/;max-age=0';</script>", height=0)


def return_target(cookie_value: str | None) -> tuple[str, dict[str, list[str]]] | None:
    """The page path and query of a remembered deep link, if it is one of ours (never another site)."""
    from urllib.parse import parse_qs, unquote, urlsplit
    if not cookie_value:
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


def require_sign_in() -> None:
    if not auth_configured():
        st.sidebar.caption("Open access: no sign-in is configured (local use).")
        return
    try:
        logged_in = bool(st.user.is_logged_in)
    except AttributeError:          # no identity provider answered (e.g. headless test runs)
        logged_in = False
    if not logged_in:
        st.title("SENCO dashboard")
        st.write("Sign in with your organisation account to see the dashboard. You will come back to the "
                 "view you opened.")
        _remember_deep_link()
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    _resume_deep_link()
    if not email_allowed(st.user.get("email"), allowed_domains()):
        st.error("Your account's email domain is not allowed to see this dashboard. Ask the LA inclusion team.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"Signed in as {st.user.get('email')}")
    st.sidebar.button("Sign out", on_click=st.logout)
