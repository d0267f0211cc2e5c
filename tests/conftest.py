"""Shared fixtures: one demo lake per test session, built by the real ETL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.demo import build_demo
from lake.api import LakeAPI
from lake.store import Reader
from ui.context import _api

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_lake(tmp_path_factory) -> Path:
    """A demo lake built once per session with `etl.demo.build_demo`; SENCO_LAKE points at it."""

    path = tmp_path_factory.mktemp("demo-lake") / "senco.duckdb"
    assert build_demo(path) == 0
    os.environ["SENCO_LAKE"] = str(path)
    _api.clear()
    return path


@pytest.fixture()
def lake_api(demo_lake):
    return LakeAPI(Reader(path=demo_lake))
