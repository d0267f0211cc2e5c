"""SENCO oversight dashboard: entry point and navigation.

Run with `scripts/start.sh` (or `streamlit run app.py` inside the virtual environment).
"""
from __future__ import annotations

import streamlit as st

from ui.auth import require_sign_in
from ui.navigation import pages_for

st.set_page_config(page_title="SENCO dashboard", page_icon=":material/school:", layout="wide",
                   initial_sidebar_state="expanded")

# Who may see what comes first: nothing below runs for a session that may not see data.
held = require_sign_in()
# A meeting link's holder gets only the summary pages; the others are not even in the navigation.
PAGES = [st.Page(f"pages/{p.stem}.py", title=p.title, icon=p.icon, url_path=p.stem, default=p.default)
         for p in pages_for(meeting=held is not None)]   # ui/navigation.py: why each url_path is its file's name
nav = st.navigation(PAGES, position="sidebar")
resume = st.session_state.pop("_resume_to", None)
if resume:                       # back from sign-in: reopen the shared link the user first opened
    page = next((p for p in PAGES if p.url_path == resume[0]), PAGES[0])
    st.switch_page(page, query_params={k: v if len(v) > 1 else v[0] for k, v in resume[1].items()})
nav.run()
