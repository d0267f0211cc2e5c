"""Open collections (lake/collection.py): when the latest year's collection counts as open, and what
its figures are compared with, on a lake whose loads carry the dates last year's returns arrived."""
from __future__ import annotations

import datetime as dt

import pytest

from lake import collection
from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.lake import collection_lake, small_lake


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    return LakeAPI(Reader(path=collection_lake.build(tmp_path_factory.mktemp("collection") / "senco.duckdb")))


def test_open_until_its_deadline_with_the_count_and_the_date(api, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    c = collection.status(api, collection_lake.TODAY)
    assert (c.year, c.is_open, c.returned, c.in_scope, c.last_year_final) == ("2025/26", True, 4, 5, 4)
    assert c.banner().startswith("Collection open: 4 of 5 returns in, closes 18 December 2025.")
    assert c.cutoff == collection_lake.SAME_POINT
    assert collection.status(api, dt.date(2025, 12, 18)).is_open                   # the deadline day itself
    assert not collection.status(api, dt.date(2025, 12, 19)).is_open


def test_an_open_collection_is_compared_with_last_year_at_the_same_point(api, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    c = collection.status(api, collection_lake.TODAY)
    # By 25 November 2024 Ash, Beech and Cedar were in (3 of 5); Damson came on 10 December.
    assert collection.previous_at_same_point(api, "return_rate", Filters(year="2025/26"), c) == (0.6, 5)
    assert collection.previous_at_same_point(api, "returns_received", Filters(year="2025/26"), c)[0] == 3
    # Medians over the same schools as then: Ash 6.5 h, Beech 3 h, Cedar 30 h.
    assert collection.previous_at_same_point(api, "median_senco_hours", Filters(year="2025/26"), c)[0] == 6.5
    # Filters cut last year's point as they cut this year: primaries only, Ash and Beech of 4.
    assert collection.previous_at_same_point(api, "return_rate", Filters(year="2025/26", phase=("primary",)),
                                             c)[0] == 0.5
    final = api.measure_value("return_rate", Filters(year="2025/26"))[1]
    assert final == 0.8                                               # what the card showed before: "no change"
    previous, since, note = collection.card_previous(api, "return_rate", Filters(year="2025/26"), final,
                                                     collection_lake.TODAY)
    assert (previous, since) == (0.6, "since this point last year") and "25 November 2024" in note


def test_a_closed_collection_keeps_last_years_final_figures(api, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    assert collection.card_previous(api, "return_rate", Filters(year="2025/26"), 0.8, dt.date(2026, 1, 5)) == \
        (0.8, "since last year", "")
    # An earlier year is never open, whatever the date.
    assert collection.card_previous(api, "return_rate", Filters(year="2024/25"), None, collection_lake.TODAY) == \
        (None, "since last year", "")


def test_without_a_deadline_open_while_the_year_runs_and_fewer_have_returned_than_last_year(api, monkeypatch):
    monkeypatch.delenv("SENCO_COLLECTION_DEADLINE", raising=False)
    c = collection.status(api, collection_lake.TODAY)
    assert not c.is_open                          # 4 in, as many as last year's final 4
    assert "no deadline set" in collection.Collection(**{**c.__dict__, "is_open": True}).banner()


def test_a_deadline_for_another_year_is_not_this_collections(api, monkeypatch):
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", "2026-12-18")       # next year's, set early
    assert not collection.status(api, collection_lake.TODAY).is_open
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", "2024-12-18")       # last year's, left set: ignored
    assert collection.status(api, collection_lake.TODAY).deadline is None


def test_a_lake_loaded_in_one_go_is_not_compared_at_all(tmp_path, monkeypatch):
    """Both years' returns loaded at once, long after last year's collection: the lake cannot say what was in
    a year before, so the open collection is compared with nothing (never with last year's final figures)."""
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", collection_lake.DEADLINE)
    api = LakeAPI(Reader(path=small_lake.build(tmp_path / "senco.duckdb")))
    assert api.loads().loaded_at.min().date() > collection_lake.SAME_POINT
    c = collection.status(api, collection_lake.TODAY)
    assert c.is_open and c.cutoff is None and "cannot say" in c.why_not_compared
    assert collection.card_previous(api, "return_rate", Filters(year="2025/26"), 0.8, collection_lake.TODAY)[0] \
        is None
    assert "not compared with last year" in c.banner()
