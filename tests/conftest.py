"""Shared fixtures: one demo lake per test session, built by the real ETL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ensure_anon_key(lake: Path) -> str:
    """The lake's anonymisation key, made (random, as a new lake gets one) if the lake has none yet."""
    import secrets

    from lake.store import Reader, writing
    key = Reader(path=lake).scalar("SELECT value FROM lake_info WHERE key = 'anon_key'")
    if not key:
        key = secrets.token_urlsafe(32)
        with writing(lake) as con:
            con.execute("INSERT OR IGNORE INTO lake_info VALUES ('anon_key', ?)", [key])
    return key


@pytest.fixture(scope="session")
def demo_lake(tmp_path_factory) -> Path:
    """A demo lake built once per session with `etl.demo.build_demo`; SENCO_LAKE points at it."""
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("demo-lake") / "senco.duckdb"
    assert build_demo(path) == 0
    ensure_anon_key(path)
    os.environ["SENCO_LAKE"] = str(path)
    try:
        from ui.context import _api
        _api.clear()
    except Exception:
        pass
    return path


@pytest.fixture()
def lake_api(demo_lake):
    from lake.api import LakeAPI
    from lake.store import Reader
    return LakeAPI(Reader(path=demo_lake))
