"""Packs are built once per module from the session's demo lake (tests/conftest.py)."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from lake.api import LakeAPI
from lake.store import Reader
from pack.build import build
from tests.pages.apptest import serving

LINK = "http://dashboard.example/senco_time?year={year}&phase=primary&phase=secondary"


def identifying_text(lake: Path) -> tuple[set[str], set[str]]:
    """Every school name and URN in the lake (names long enough to be unambiguous in a page)."""
    con = duckdb.connect(str(lake), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT DISTINCT school_name FROM schools WHERE school_name IS NOT NULL "
                                           "UNION SELECT DISTINCT school_name FROM returns WHERE school_name IS NOT NULL"
                                           ).fetchall()}
        urns = {str(r[0]) for r in con.execute("SELECT DISTINCT urn FROM schools UNION SELECT DISTINCT urn FROM returns")
                .fetchall()}
    finally:
        con.close()
    return {n for n in names if len(n) >= 12}, {u for u in urns if re.fullmatch(r"\d{6}", u)}


def make_packs(demo_lake: Path, out: Path, pdf: bool = False, browser=None) -> dict:
    """A pack of every page in both modes, named and anonymised (HTML, and PDF if asked)."""
    year = LakeAPI(Reader(path=demo_lake)).current_year()
    made = {}
    with serving(demo_lake):
        for mode, extra in (("named", ""), ("anonymised", "&anon=true")):
            link = LINK.format(year=year.replace("/", "%2F")) + extra
            steps: list[tuple[int, int, str]] = []
            built = build(link, out / f"{mode}.html", pages=["all"], pdf=out / f"{mode}.pdf" if pdf else None,
                          progress=lambda d, t, m, steps=steps: steps.append((d, t, m)), browser=browser)
            made[mode] = {"built": built, "html": built.html.read_text(encoding="utf-8"), "link": link,
                          "steps": steps, "year": year}
    return made


@pytest.fixture(scope="module")
def packs(demo_lake, tmp_path_factory) -> dict:
    return make_packs(demo_lake, tmp_path_factory.mktemp("packs"))
