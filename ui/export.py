"""Downloads that are safe to open in a spreadsheet.

A cell whose text starts with =, +, -, @, a tab or a carriage return would be run as a
formula by Excel or LibreOffice; such cells get a leading apostrophe (OWASP guidance).
"""
from __future__ import annotations

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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens accents correctly."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", note: str | None = None) -> bytes:

    safe = neutralise(frame)
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "-", sheet)[:31] or "data"   # characters Excel forbids in sheet names
    start = 1
    if note:
        ws.cell(row=1, column=1, value=str(neutralise_cell(note))).data_type = "s"
        start = 3
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
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
