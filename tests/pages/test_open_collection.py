"""An open collection on the pages: marked with its count and deadline on every page that shows its
year, and its headline cards compared with last year's collection at the same point, never with last
year's final figures (lake/collection.py). The lake's loads carry the dates last year's returns came."""
from __future__ import annotations

import pytest

import lake.api
from tests.lake import collection_lake
from tests.pages.apptest import page_text, run_page, serving

BANNER = "Collection open: 4 of 5 returns in, closes 18 December 2025."


@pytest.fixture(scope="module")
def open_lake(tmp_path_factory, lake_kind):
    with serving(collection_lake.build(tmp_path_factory.mktemp("open-collection") / "senco.duckdb"), lake_kind) as path:
        yield path


@pytest.fixture()
def deadline_ahead(open_lake, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    monkeypatch.setattr(lake.api, "today", lambda: collection_lake.TODAY)


def card(at, label):
    return next(m for m in at.metric if m.label == label)


def unescaped(at) -> str:
    return page_text(at).replace("\\", "")


@pytest.mark.parametrize("page", ["overview", "senco_time", "leadership", "ofsted", "schools", "data_quality",
                                  "about"])
def test_every_page_showing_the_open_year_says_so_with_its_deadline(deadline_ahead, page):
    assert BANNER in unescaped(run_page(page))


def test_the_cards_compare_with_last_year_at_the_same_point(deadline_ahead):
    at = run_page("overview")
    rate = card(at, "Return rate")
    assert rate.value == "80%"
    # 3 of 5 had returned by 25 November 2024 (60%); last year's final 4 of 5 (80%) would read "no change".
    assert rate.delta == "+20 pts"
    assert "25 November 2024" in rate.proto.help and "same point" in rate.proto.help
    assert card(at, "Returns received").delta == "+1"


def test_after_the_deadline_the_cards_compare_with_last_years_final_figures(open_lake, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    monkeypatch.setattr(lake.api, "today", lambda: collection_lake.TODAY.replace(year=2026, month=1, day=5))
    at = run_page("overview")
    assert "Collection open" not in unescaped(at)
    assert card(at, "Return rate").delta.lower() == "no change"


def test_an_earlier_year_is_not_marked_open(deadline_ahead):
    at = run_page("overview", year="2024/25")
    assert "Collection open" not in unescaped(at)


def test_every_page_says_what_its_data_is_as_at_and_where_it_comes_from(deadline_ahead):
    for page in ("overview", "schools", "trends"):
        text = unescaped(run_page(page))
        assert "Data as at 20 November 2025, 09:00 (latest load)" in text, page
        assert "SENCO returns 2024/25 to 2025/26" in text, page
