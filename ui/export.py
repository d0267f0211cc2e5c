"""Downloads that are safe to open in a spreadsheet, and that carry their context.

A cell whose text starts with =, +, -, @, a tab or a carriage return would be run as a
formula by Excel or LibreOffice; such cells get a leading apostrophe (OWASP guidance).

Context: a download's file name says what it holds (the table, the year, every filter, named or
anonymised, and the date the data is as at), so a primary-only extract is never mistaken for the
whole LA's. The XLSX starts its table on row 1 of the first sheet and puts the notes (filters,
data as at, each column's source, named or anonymised) on a second sheet, "Notes". The CSV is the
table alone, its header on row 1 and nothing after the last row: that is what Excel users expect
of a CSV (sort, filter, pivot tables and Word's mail merge all take row 1 as the field names and
every later row as a record; a notes block above or below the table would become field names or
records), so its context travels in its file name; the XLSX holds the full notes. Yes/no values
are written Yes and No, as the return's own questions ask them, never True and False.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [str(neutralise_cell(str(c))) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell).astype(object)
    return out


def _is_bool(value: object) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    """True/False columns (and columns of True, False and blanks) as Yes/No, blanks kept blank."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series.dtype):
            pass
        elif series.dtype == object:
            values = series.dropna()
            if values.empty or not all(_is_bool(v) for v in values):
                continue
        else:
            continue
        out[col] = series.map(lambda v: None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                              else ("Yes" if v else "No")).astype(object)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens accents correctly; the header on row 1, nothing after the table."""
    return neutralise(yes_no(frame)).to_csv(index=False).encode("utf-8-sig")


NOTES_SHEET = "Notes"


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", note: str | None = None,
               notes: list[tuple[str, str]] | None = None) -> bytes:
    """The table on the first sheet from row 1; `note` and `notes` (item, detail) on a "Notes" sheet."""

    safe = neutralise(yes_no(frame))
    wb = Workbook()
    ws = wb.active
    title = re.sub(r"[\\/*?:\[\]]", "-", sheet)[:31] or "data"   # characters Excel forbids in sheet names
    ws.title = title if title.lower() != NOTES_SHEET.lower() else "data"
    start = 1
    for j, col in enumerate(safe.columns, start=1):
        ws.cell(row=start, column=j, value=str(col)).data_type = "s"
    for i, row in enumerate(safe.itertuples(index=False), start=start + 1):
        for j, value in enumerate(row, start=1):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
                continue
            if hasattr(value, "item"):
                value = value.item()
            cell = ws.cell(row=i, column=j, value=value if not isinstance(value, str) else str(value))
            if isinstance(value, str):
                cell.data_type = "s"      # never let openpyxl treat text as a formula
    for j, col in enumerate(safe.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(50, max(10, len(str(col)) + 2))
    ws.freeze_panes = "A2"
    rows = ([("About", note)] if note else []) + list(notes or [])
    if rows:
        ns = wb.create_sheet(NOTES_SHEET)
        for i, (item, detail) in enumerate([("Item", "Detail"), *rows], start=1):
            for j, value in enumerate((item, detail), start=1):
                ns.cell(row=i, column=j, value=str(neutralise_cell("" if value is None else str(value)))).data_type = "s"
        ns.column_dimensions["A"].width = 32
        ns.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------- context
FILTER_LABELS = {"la": "Local authority", "phase": "Phase", "school_type": "School type", "size_band": "Size band",
                 "time_band": "SENCO time band", "slt": "SENCO on SLT", "role": "SENCO role"}
MAX_NAME_VALUES = 3          # more values of one filter than this are counted in the file name, not listed


def slug(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def chosen_filters(filters, la_names: dict | None = None) -> list[tuple[str, list[str]]]:
    """(label, values) of each filter the view narrows by, in the sidebar's order; LAs by name."""
    out = []
    for field, label in FILTER_LABELS.items():
        values = [str(x) for x in (getattr(filters, field, ()) or ())]
        if field == "la" and la_names:
            values = [str(la_names.get(int(x), x)) if str(x).isdigit() else x for x in values]
        if values:
            out.append((label, values))
    return out


def file_stem(title: str, year: str | None, filters=None, anonymised: bool = False, as_at: dt.date | None = None,
              la_names: dict | None = None) -> str:
    """'schools-without-a-return-2025-26-phase-primary-as-at-2026-01-10': the table, the year, each
    filter the view narrows by, anonymised when it is, and the date the data is as at."""
    parts = [slug(title)[:60] or "table"]
    if year:
        parts.append(slug(year))
    for label, values in chosen_filters(filters, la_names) if filters is not None else []:
        shown = [slug(v) for v in values] if len(values) <= MAX_NAME_VALUES else [f"{len(values)}-chosen"]
        parts.append(slug(label) + "-" + "-".join(shown))
    if anonymised:
        parts.append("anonymised")
    if as_at:
        parts.append(f"as-at-{as_at:%Y-%m-%d}")
    stem = "-".join(p for p in parts if p)
    return stem[:180].rstrip("-")


# The source of a column, by the lake's column name (lake.api school_year and the tables it reads).
SOURCE_RETURN = "SENCO return, as the school sent it (normalised by the loader)"
SOURCE_REGISTER = "Register of schools (GIAS, Get Information about Schools)"
SOURCE_CENSUS = "School census counts (DfE: SEN in England or performance tables census)"
SOURCE_OFSTED = "Ofsted management information (state-funded schools, latest inspections)"
SOURCE_DERIVED = "Worked out by this dashboard from the returns, register and census (definitions on the About page)"
SOURCE_LOADS = "This dashboard's load records (files as received, rows accepted and rejected)"
SOURCE_REJECTS = "Rejected rows, as the loader kept them with their reasons"
SOURCE_CHASE = "Chase list: the register's contact details and the notes officers entered in this dashboard"
SOURCE_LABEL = "Anonymised label: stands for a school, means nothing outside this lake"
_REGISTER = {"la_code", "la_name", "region", "school_type", "type_group", "status", "statutory_low_age",
             "statutory_high_age", "town", "postcode", "open_date", "close_date", "head_title", "head_first_name",
             "head_last_name", "head_job_title", "head_name", "telephone", "website", "register_name",
             "register_phase", "salutation"}
_LOADS = {"load_id", "loaded_at", "file_name", "kind", "rows_read", "accepted", "rejected", "sha256", "sha_short",
          "message", "balances", "last_loaded", "files", "data", "source_file", "superseded_by_load"}
_REJECTS = {"row_number", "raw_values", "problems", "row_id"}
_CHASE = {"last_chased_on", "last_chased_note", "deadline"}
_RETURN_ONLY = {"has_return", "return_urn", "conversion_notes", "source_row"}


# Labels the pages give common columns, for tables that arrive already labelled.
LABELLED = {"URN": "urn", "School": "school_name", "Phase": "phase", "School type": "school_type",
            "Local authority": "la_name", "Region": "region", "Town": "town", "Postcode": "postcode",
            "Academic year": "academic_year"}


def column_source(name: object, anonymised: bool = False) -> str:
    """Where a column's values come from, for a download's notes (`name`: the lake's column name,
    or a label the pages give a common column)."""
    from domain.columns import COLUMN_BY_NAME  # noqa: PLC0415
    name = str(name)
    if name == "School" and anonymised:
        return SOURCE_LABEL
    name = LABELLED.get(name, name)
    if name == "urn":
        return "DfE Unique Reference Number (register of schools and the return)"
    if name == "school_name":
        return "The school's return, or the register of schools (GIAS) where it has none"
    if name == "phase":
        return "The school's return, or the register of schools (GIAS) where the return leaves it blank"
    if name == "academic_year":
        return "The year the return or rejected row is for"
    if name in ("reasons", "status"):
        return SOURCE_REJECTS + "; 'No return received' where no file came"
    if name in _CHASE:
        return SOURCE_CHASE
    if name in _REGISTER:
        return SOURCE_REGISTER
    if name.startswith("census_") or name in ("sen_support", "ehcp", "sen_unit", "rp_unit", "primary_need"):
        return SOURCE_CENSUS
    if name == "overall_effectiveness" or (
            name.startswith("ofsted_") and name not in ("ofsted_send_progress", "ofsted_inspection_date")):
        return SOURCE_OFSTED
    if name in COLUMN_BY_NAME or name in _RETURN_ONLY:
        return SOURCE_RETURN
    if name in _LOADS:
        return SOURCE_LOADS
    if name in _REJECTS:
        return SOURCE_REJECTS
    return SOURCE_DERIVED


def notes_rows(title: str, year: str | None, filters=None, anonymised: bool = False,
               freshness: dict | None = None, sources: dict[str, str] | None = None,
               la_names: dict | None = None, extra: list[tuple[str, str]] | None = None,
               made: dt.datetime | None = None) -> list[tuple[str, str]]:
    """The Notes sheet: what the table is, the filters, the data's as-at date, named or anonymised,
    and the source of each column."""
    rows: list[tuple[str, str]] = [("Table", title), ("Academic year", year or "All years")]
    chosen = dict(chosen_filters(filters, la_names)) if filters is not None else {}
    for label in FILTER_LABELS.values():
        rows.append((f"Filter: {label}", "; ".join(chosen[label]) if label in chosen else "All (not filtered)"))
    rows.append(("Schools named or anonymised",
                 "Anonymised: schools are shown by label only, and small counts are left blank" if anonymised
                 else "Named: schools are shown by name and URN"))
    freshness = freshness or {}
    loaded = [f["last_loaded"] for f in freshness.values() if f.get("last_loaded") is not None]
    if loaded:
        rows.append(("Data as at", f"{pd.Timestamp(max(loaded)):%Y-%m-%d %H:%M} (the newest file loaded into the lake)"))
    for kind, f in freshness.items():
        if f.get("last_loaded") is not None:
            rows.append((f"Last loaded: {KIND_LABELS.get(kind, kind)}", f"{pd.Timestamp(f['last_loaded']):%Y-%m-%d %H:%M}"))
    rows += list(extra or [])
    for column, source in (sources or {}).items():
        rows.append((f"Source of column: {column}", source))
    rows.append(("Made", f"{(made or dt.datetime.now()):%Y-%m-%d %H:%M} by the SENCO oversight dashboard"))
    return rows


KIND_LABELS = {"returns": "SENCO returns", "gias": "Register of schools (GIAS)", "census": "School census counts",
               "ofsted": "Ofsted outcomes", "benchmarks": "National benchmarks", "demo": "Demo data"}


def data_as_at(freshness: dict | None) -> dt.date | None:
    """The date of the newest file loaded into the lake."""
    loaded = [f["last_loaded"] for f in (freshness or {}).values() if f.get("last_loaded") is not None]
    return pd.Timestamp(max(loaded)).date() if loaded else None
