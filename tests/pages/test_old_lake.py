"""Every page opens on a lake written by an earlier release: the app upgrades it on first open."""
from __future__ import annotations

import duckdb
import pytest

from lake import migrations
from tests.lake.test_migrations import OLD_LAKES, copy_lake, version
from tests.pages.apptest import page_text, run_page, served, use_lake
from ui.navigation import PAGES

SCOPED = ("overview", "senco_time", "leadership", "ofsted", "schools")      # pages with the scope line


@pytest.fixture(scope="module", params=OLD_LAKES, ids=lambda p: p.stem)
def old_lake(request, tmp_path_factory):
    lake = copy_lake(request.param, tmp_path_factory.mktemp("old-lake"))
    con = duckdb.connect(str(lake), read_only=True)
    returned = con.execute("SELECT count(*) FROM returns WHERE academic_year = '2025/26'").fetchall()[0][0]
    con.close()
    before = served()
    use_lake(lake)
    yield lake, returned
    use_lake(*before)


@pytest.mark.parametrize("page", [p.stem for p in PAGES])
def test_every_page_shows_an_old_lake_after_upgrading_it(old_lake, page):
    lake, returned = old_lake
    at = run_page(page, year="2025/26")
    assert version(lake) == migrations.CURRENT
    text = page_text(at)
    assert "2025/26" in text
    if page in SCOPED:
        assert f"{returned} returns received" in text
