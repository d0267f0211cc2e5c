"""The form_mappings table (schema version 3): added to an old lake by its migration step,
keeping every row, and usable at once."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import forms
from lake import form_mappings, migrations
from lake.store import Reader
from tests.lake.test_migrations import OLD_LAKES, copy_lake, row_counts

MS_2025 = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "ms-forms-2025-26.csv"


@pytest.mark.parametrize("old", OLD_LAKES, ids=lambda p: p.stem)
def test_an_old_lake_gains_form_mappings_and_keeps_its_rows(old, tmp_path):
    lake = copy_lake(old, tmp_path)
    before = row_counts(lake, ["returns", "rejects", "loads"])
    assert form_mappings.current(lake) == {}                 # the old lake has no table yet: nothing saved
    export = forms.read_export(MS_2025.read_bytes(), MS_2025.name)
    mapping = forms.propose(export)
    assert form_mappings.save(mapping, lake) == 1            # the save migrates the lake first
    con = duckdb.connect(str(lake), read_only=True)
    try:
        assert migrations.version_of(con) == migrations.CURRENT
        steps = dict(con.execute("SELECT version, description FROM lake_schema").fetchall())
        assert "online-form mappings" in steps[3]
    finally:
        con.close()
    assert row_counts(lake, ["returns", "rejects", "loads"]) == before
    saved = form_mappings.current(reader=Reader(path=lake))[export.signature]
    assert saved == mapping.to_json()
    assert forms.saved_mappings(reader=Reader(path=lake))[export.signature].to_json() == mapping.to_json()
