"""Tables with CSV and XLSX downloads, anonymised when the view is."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lake.api import Filters
from ui import drill, plain_table
from ui.anonymise import SMALL, anonymise, unlisted_urns
from ui.context import View
from ui.export import column_source, csv_bytes, data_as_at, file_stem, notes_rows, xlsx_bytes

UNLISTED_NOTE = (f"Anonymised: schools are shown by label only, without pupil counts or figures worked out from them, "
                 "census figures, official Ofsted outcomes or dates, which are public and would name them; a school "
                 f"whose phase, type and size band are shared by fewer than {SMALL} schools in its LA is not listed.")
SMALL_NOTE = f"Anonymised: figures resting on fewer than {SMALL} schools are left blank."
# Rows drawn in a table on screen. A national list of 16,000 schools is not read on screen, and
# sending and drawing it all held up the page's charts; the downloads hold every row.
GRID_ROWS = 2000


def first_rows_note(total: int) -> str | None:
    """What a table cut to GRID_ROWS says about it, or None when it shows every row."""
    return f"The first {GRID_ROWS:,} of {total:,} rows are shown; the downloads hold them all." \
        if total > GRID_ROWS else None


def unlisted(v: View) -> frozenset:
    """Schools anonymised views leave out, because their phase, type and size band would name them."""
    if not v.anonymised:
        return frozenset()
    return v.api.derived(unlisted_urns, Filters(year=v.year))


def prepare(frame: pd.DataFrame, v: View, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Select and rename columns for display, anonymising first when the view asks."""
    out = anonymise(frame, v.anon_key, unlisted=unlisted(v)) if v.anonymised else frame.copy()
    if columns:
        keep = {c: label for c, label in columns.items() if c in out.columns}
        if v.anonymised and "School" in out.columns:
            keep = {"School": "School", **{c: label for c, label in keep.items() if c not in ("school_name", "urn")}}
        out = out[list(keep)].rename(columns=keep)
    return out


def _heading(frame: pd.DataFrame, shown: pd.DataFrame, title: str, v: View, caption: str | None,
             cut: str | None) -> bool:
    """A table's title, its captions and anonymised notes; False (with a note) when it has no rows."""
    st.markdown(f"**{title}**")
    if caption or cut:
        st.caption(" ".join(c for c in (caption, cut) if c))
    if v.anonymised:
        if "urn" in frame.columns:
            st.caption(UNLISTED_NOTE)
        elif any("(n)" in str(c) or str(c) in ("Schools", "SENCOs") for c in frame.columns):
            st.caption(SMALL_NOTE)
    if shown.empty:
        st.info("No rows to show for these filters.", icon=":material/filter_alt_off:")
        return False
    return True


def table(frame: pd.DataFrame, title: str, key: str, v: View, columns: dict[str, str] | None = None,
          height: int | None = None, caption: str | None = None, open_school: bool = False,
          with_downloads: bool = True) -> pd.DataFrame:
    """Show a table in the interactive grid (sort, search, select) and offer it as CSV and XLSX;
    returns the frame as shown. With `open_school`, a table of schools (a `urn` column) lets a
    selected row open that school's profile (ui/drill.py)."""
    shown = prepare(frame, v, columns)
    if not _heading(frame, shown, title, v, caption, first_rows_note(len(shown))):
        return shown
    kwargs = {"height": height} if height else {}
    if v.anonymised:
        # Blank cells stay blank numbers (they sort as numbers); their column's help says why they are blank.
        blanks = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and shown[c].isna().any()]
        if blanks:
            kwargs["column_config"] = {c: st.column_config.NumberColumn(help=f"{c}. {SMALL_NOTE}") for c in blanks}
    urns = drill.row_schools(frame, shown, v) if open_school else None
    if urns:
        kwargs.update(on_select="rerun", selection_mode="single-row", key=f"{key}-rows")
    event = st.dataframe(shown.head(GRID_ROWS), hide_index=True, width="stretch", **kwargs)
    if urns:
        drill.follow_row(event, urns, v)
    if with_downloads:
        downloads(shown, title, key, v, sources(frame, shown, columns, v.anonymised))
    return shown


def plain(frame: pd.DataFrame, title: str, key: str, v: View, columns: dict[str, str] | None = None,
          caption: str | None = None, rows: int | None = None, open_school: bool = False,
          digits: dict[str, int] | None = None) -> pd.DataFrame:
    """Show a short table as a plain table (ui/plain_table.py), its first `rows` rows when given, and
    offer all of it as CSV and XLSX; returns the frame as shown. `digits`: a column's decimals. With `open_school`, each school's
    name links to its profile with this view's filters (named mode, and never from a meeting link)."""
    shown = prepare(frame, v, columns)
    head = shown if rows is None else shown.head(rows)
    if not _heading(frame, shown, title, v, caption, None):
        return shown
    urls = drill.profile_links(frame.head(len(head)), v) if open_school and "School" in head.columns else None
    st.markdown(plain_table.to_markdown(head, {"School": urls} if urls else None, digits))
    downloads(shown, title, key, v, sources(frame, shown, columns, v.anonymised))
    return shown


def sources(frame: pd.DataFrame, shown: pd.DataFrame, columns: dict[str, str] | None,
            anonymised: bool = False) -> dict[str, str]:
    """Each shown column's source, by the lake column it was made from (anonymised labels as such)."""
    named = {label: c for c, label in (columns or {}).items() if c in frame.columns}
    return {str(c): column_source("School" if anonymised and c == "School" else named.get(c, c), anonymised)
            for c in shown.columns}


def download_context(v: View) -> tuple[dict, dict]:
    """The lake's freshness and its LA names, for a download's name and notes."""
    try:
        fresh = v.api.lake_freshness()
        las = v.api.las()
        names = {int(c): n for c, n in zip(las.la_code, las.la_name) if pd.notna(c) and pd.notna(n)}
    except Exception:       # a download still comes, with fewer notes, from a lake that cannot say
        return {}, {}
    return fresh, names


def downloads(shown: pd.DataFrame, title: str, key: str, v: View, column_sources: dict[str, str] | None = None,
              extra_notes: list[tuple[str, str]] | None = None, name: str | None = None) -> None:
    """CSV and XLSX buttons. The file names carry the year, the filters, named or anonymised and the
    data's as-at date; the XLSX has a Notes sheet with those and each column's source (ui.export)."""
    fresh, la_names = download_context(v)
    stem = file_stem(name or title, v.year, v.filters, v.anonymised, data_as_at(fresh), la_names)
    extra = list(extra_notes or [])
    if v.anonymised:
        extra.append(("Anonymised mode", UNLISTED_NOTE + " " + SMALL_NOTE))
    column_sources = column_sources or {str(c): column_source(c, v.anonymised) for c in shown.columns}

    def notes() -> list[tuple[str, str]]:
        return notes_rows(title, v.year, v.filters, v.anonymised, fresh, column_sources, la_names, extra)

    c1, c2, _ = st.columns([1, 1, 3])
    # The files are built only when someone clicks (a callable), not on every run of the page; a
    # download does not rerun the page (on_click="ignore"), so a second click is never answered by a
    # page half-way through redrawing.
    blank = " (blank cells: hidden in anonymised mode)" if v.anonymised else ""
    c1.download_button("Download CSV", lambda: csv_bytes(shown), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}-csv", icon=":material/download:", on_click="ignore",
                       help=f"{title} as CSV{blank}. The file name says the year, filters and data date; the XLSX "
                            "also lists each column's source.")
    c2.download_button("Download XLSX", lambda: xlsx_bytes(shown, sheet=title[:31], notes=notes()),
                       file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}-xlsx", icon=":material/download:", on_click="ignore",
                       help=f"{title} as an Excel workbook{blank}, with a Notes sheet: filters, data date, sources.")
