"""Helpers shared by the pages. export.py and anonymise.py are pure (no Streamlit)."""
