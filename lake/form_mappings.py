"""Form mappings kept in the lake: how an online form's questions map to the return's columns.

A mapping is saved under the form's question signature (etl.forms.FormExport.signature), so
the next export of the same form, next week or next year, loads without mapping again.
Saving a changed mapping keeps the earlier one: each save is a new version, and the one it
replaces is marked with when it was replaced, so an officer can see how a form was read for
any year's load.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from lake.store import LakeMissing, Reader, writing

# The table is defined with the others in domain.tables.TABLES (and added to older lakes by
# the version 3 step in lake.migrations).

def save(mapping, lake_path: Path | None = None) -> int:
    """Save an etl.forms.Mapping as the one in use for its form; the version now in use (unchanged
    when the same mapping is saved again)."""
    text = mapping.to_json()
    with writing(lake_path) as con:
        row = con.execute("SELECT version, mapping FROM form_mappings WHERE signature = ? AND replaced_at IS NULL",
                          [mapping.signature]).fetchall()
        if row and row[0][1] == text:
            return int(row[0][0])
        now = dt.datetime.now().replace(microsecond=0)
        con.execute("UPDATE form_mappings SET replaced_at = ? WHERE signature = ? AND replaced_at IS NULL",
                    [now, mapping.signature])
        version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM form_mappings WHERE signature = ?",
                              [mapping.signature]).fetchall()[0][0]
        con.execute("INSERT INTO form_mappings VALUES (?, ?, ?, ?, ?, NULL)",
                    [mapping.signature, version, mapping.kind, text, now])
        return int(version)


def _rows(sql: str, params: list, lake_path: Path | None = None, reader: Reader | None = None) -> list[tuple]:
    try:
        reader = reader or Reader(path=lake_path)
        if getattr(reader, "parquet", None):
            return []
        return reader.cursor().execute(sql, params).fetchall()
    except (LakeMissing, duckdb.CatalogException):     # no lake yet, or one from before mappings were kept
        return []


def current(lake_path: Path | None = None, reader: Reader | None = None) -> dict[str, str]:
    """signature -> the mapping in use (its JSON text), for every form mapped so far
    (`etl.forms.saved_mappings` reads them as mappings)."""
    rows = _rows("SELECT signature, mapping FROM form_mappings WHERE replaced_at IS NULL", [], lake_path, reader)
    return dict(rows)


def history(signature: str, lake_path: Path | None = None, reader: Reader | None = None) -> list[dict]:
    """Every version of one form's mapping, newest first."""
    rows = _rows("SELECT version, saved_at, replaced_at, mapping FROM form_mappings WHERE signature = ? "
                 "ORDER BY version DESC", [signature], lake_path, reader)
    return [{"version": v, "saved_at": s, "replaced_at": r, "mapping": m} for v, s, r, m in rows]
