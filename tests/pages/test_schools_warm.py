"""A warm Schools page does no work over the whole frame: its peer and compare cuts come from the
read API's cache (LakeAPI.derived, keyed by the filters and the lake version), so a second look at a
profile or a comparison is as quick as any other page's."""
import pytest

from lake import analysis
from lake.api import Filters
from tests.pages.apptest import run_page


@pytest.fixture()
def current(lake_api):
    frame = lake_api.school_year(Filters(year=lake_api.current_year()))
    return frame[frame.has_return].reset_index(drop=True)


def counting(monkeypatch, name: str, calls: list[str]) -> None:
    real = getattr(analysis, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)
    counted.__qualname__ = f"counted_{name}"
    monkeypatch.setattr(analysis, name, counted)


def test_the_similar_schools_are_worked_out_once_for_two_draws_of_a_profile(demo_lake, current, monkeypatch):
    calls: list[str] = []
    counting(monkeypatch, "similar_schools", calls)
    at = run_page("schools", school=str(int(current.urn[0])))      # drawn twice: closed, then every detail open
    assert any(df.value.columns.tolist()[:1] == ["School"] for df in at.dataframe)     # the similar schools table
    assert calls == ["similar_schools"]


def test_a_comparison_is_cut_once_for_two_draws(demo_lake, current, monkeypatch):
    calls: list[str] = []
    counting(monkeypatch, "compare_rows", calls)
    at = run_page("schools", tab="Compare schools", compare=[str(int(u)) for u in current.urn[:2]])
    assert any("School" in df.value.columns for df in at.dataframe)                    # the side-by-side table
    assert calls == ["compare_rows"]
