"""Tables with CSV and XLSX downloads, anonymised when the view is."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui.anonymise import anonymise
from ui.context import View
from ui.export import csv_bytes, xlsx_bytes


def prepare(frame: pd.DataFrame, v: View, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Select and rename columns for display, anonymising first when the view asks."""
    out = anonymise(frame, v.anon_key) if v.anonymised else frame.copy()
    if columns:
        keep = {c: label for c, label in columns.items() if c in out.columns}
        if v.anonymised and "School" in out.columns:
            keep = {"School": "School", **{c: label for c, label in keep.items() if c not in ("school_name", "urn")}}
        out = out[list(keep)].rename(columns=keep)
    return out


def table(frame: pd.DataFrame, title: str, key: str, v: View, columns: dict[str, str] | None = None,
          height: int | None = None, caption: str | None = None) -> pd.DataFrame:
    """Show a table and offer it as CSV and XLSX; returns the frame as shown."""
    shown = prepare(frame, v, columns)
    st.markdown(f"**{title}**")
    if caption:
        st.caption(caption)
    if shown.empty:
        st.info("No rows to show for these filters.", icon=":material/filter_alt_off:")
        return shown
    kwargs = {"height": height} if height else {}
    st.dataframe(shown, hide_index=True, width="stretch", **kwargs)
    downloads(shown, title, key, v)
    return shown


def downloads(shown: pd.DataFrame, title: str, key: str, v: View) -> None:
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "table"
    stem = f"{stem}-{(v.year or '').replace('/', '-')}" + ("-anonymised" if v.anonymised else "")
    note = f"{title} · {v.year} · {'anonymised' if v.anonymised else 'named'} · SENCO dashboard"
    c1, c2, _ = st.columns([1, 1, 3])
    # The files are built only when someone clicks (a callable), not on every run of the page.
    c1.download_button("Download CSV", lambda: csv_bytes(shown), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}-csv", icon=":material/download:", help=f"{title} as CSV")
    c2.download_button("Download XLSX", lambda: xlsx_bytes(shown, sheet=title[:31], note=note),
                       file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}-xlsx", icon=":material/download:", help=f"{title} as an Excel workbook")
