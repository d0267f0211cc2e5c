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


def require_sign_in() -> None:
    if not auth_configured():
        st.sidebar.caption("Open access: no sign-in is configured (local use).")
        return
    if not st.user.is_logged_in:
        st.title("SENCO dashboard")
        st.write("Sign in with your organisation account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    if not email_allowed(st.user.get("email"), allowed_domains()):
        st.error("Your account's email domain is not allowed to see this dashboard. Ask the LA inclusion team.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"Signed in as {st.user.get('email')}")
    st.sidebar.button("Sign out", on_click=st.logout)
