"""Every page test that reads the lake runs twice: once with the app reading the DuckDB lake
file ("duckdb"), once with it reading a Parquet export of the same lake ("parquet"), as the
replicas of a several-server deployment do (docs/deployment.md).

The kind is a session-scoped parameter, so each kind's tests run together and the demo lake is
exported once. Which lake the app reads is set per module and put back after it, so tests
elsewhere never inherit a Parquet lake. Tests that do not read the lake run once.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.apptest import LAKE_KINDS, publish, serving


@pytest.fixture(scope="session", params=LAKE_KINDS)
def lake_kind(request) -> str:
    """Which kind of lake the app reads: "duckdb" (the lake file) or "parquet" (its export)."""
    return request.param


@pytest.fixture(scope="session")
def exports() -> dict[Path, Path]:
    """Parquet exports of lakes no test changes, by lake file, so each is exported once."""
    return {}


@pytest.fixture(scope="module")
def demo_lake(demo_lake, lake_kind, exports):
    """The session's demo lake file (tests/conftest.py); on the "parquet" run the app reads its
    Parquet export instead. The file stays the reference the tests compare the pages with."""
    parquet = None
    if lake_kind == "parquet":
        if demo_lake not in exports:
            exports[demo_lake] = publish(demo_lake, lake_kind)
        parquet = exports[demo_lake]
    with serving(demo_lake, parquet=parquet):
        yield demo_lake
