"""SENCO oversight dashboard: entry point and navigation.

Run with `scripts/start.sh` (or `streamlit run app.py` inside the virtual environment).
"""
from __future__ import annotations

import streamlit as st

from ui.auth import require_sign_in

st.set_page_config(page_title="SENCO dashboard", page_icon=":material/school:", layout="wide",
                   initial_sidebar_state="expanded")

# Each url_path is its file's name: Streamlit resolves the very first link a fresh server is
# opened with against the files in pages/ before app.py has run, and any other name shows a
# "Page not found" dialog on that first visit.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/senco_time.py", title="SENCO time", icon=":material/schedule:", url_path="senco_time"),
    st.Page("pages/leadership.py", title="Leadership & support", icon=":material/groups:", url_path="leadership"),
    st.Page("pages/ofsted.py", title="Ofsted & outcomes", icon=":material/verified:", url_path="ofsted"),
    st.Page("pages/schools.py", title="Schools", icon=":material/domain:", url_path="schools"),
    st.Page("pages/data_quality.py", title="Returns & data quality", icon=":material/fact_check:",
            url_path="data_quality"),
    st.Page("pages/about.py", title="About", icon=":material/info:", url_path="about"),
]

require_sign_in()
nav = st.navigation(PAGES, position="sidebar")
resume = st.session_state.pop("_resume_to", None)
if resume:                       # back from sign-in: reopen the shared link the user first opened
    page = next((p for p in PAGES if p.url_path == resume[0]), PAGES[0])
    st.switch_page(page, query_params={k: v if len(v) > 1 else v[0] for k, v in resume[1].items()})
nav.run()
