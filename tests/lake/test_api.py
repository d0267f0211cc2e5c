"""The read API: scope, derived columns, filters, benchmarks, change since last year."""
import pandas as pd
import pytest

from lake import analysis
from lake.api import Filters, LakeAPI
from lake.measures import MEASURE_BY_ID
from lake.store import Reader, writing
from tests.lake.small_lake import build


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    path = build(tmp_path_factory.mktemp("small") / "senco.duckdb")
    return LakeAPI(Reader(path=path))


def test_scope_is_state_funded_register_and_returns_are_marked(api):
    frame = api.school_year(Filters(year="2025/26")).set_index("urn")
    assert set(frame.index) == {100001, 100002, 100003, 100004, 100005}   # independent school left out
    assert frame.has_return.sum() == 4 and not frame.loc[100005, "has_return"]
    assert api.years() == ["2025/26", "2024/25"]


def test_derived_columns(api):
    f = api.school_year(Filters(year="2025/26")).set_index("urn")
    assert f.loc[100001, "send_pupils"] == 30
    assert f.loc[100001, "hours_per_10_send"] == pytest.approx(9.75 / 30 * 10, abs=1e-3)
    assert not f.loc[100001, "below_recommended"]          # 9.75 h = 1.5 days exactly
    assert f.loc[100002, "below_recommended"]
    # Appointed 2019, still in progress, but the return does not say whether they had been a SENCO for
    # more than 12 months before (which exempts them): not known, not a false alarm.
    assert f.loc[100002, "flag_qualification_overdue"] is pd.NA
    assert not f.loc[100003, "flag_qualification_overdue"]
    assert f.loc[100002, "flag_shared_head"] and f.loc[100002, "flag_no_sen_report"]
    assert f.loc[100003, "flag_not_qualified_teacher"]
    assert f.loc[100004, "role_profile"] == "Combined role" and f.loc[100001, "role_profile"] == "SENCO only"
    assert f.loc[100003, "size_band"] == "1,000 or more" and f.loc[100004, "size_band"] == "Under 100"
    # The shared head is Code of Practice guidance: shown, never counted as a statutory flag.
    assert f.loc[100002, "flag_count"] == 1 and f.loc[100001, "flag_count"] == 0


def test_filters_narrow_and_values_are_parameters(api):
    sec = api.school_year(Filters(year="2025/26", phase=("secondary",)))
    assert list(sec.urn) == [100003]
    hostile = api.school_year(Filters(year="2025/26", phase=("primary'); DROP TABLE returns; --",)))
    assert hostile.empty
    assert len(api.school_year(Filters(year="2025/26"))) == 5   # nothing was dropped


def test_measures_and_change_since_last_year(api):
    value, previous, n = api.measure_value("median_senco_hours", Filters(year="2025/26"))
    assert value == pytest.approx(6.375) and previous == pytest.approx(6.5) and n == 4
    value, previous, n = api.measure_value("slt_rate", Filters(year="2025/26"))
    assert value == pytest.approx(0.5) and n == 4
    value, _, _ = api.measure_value("return_rate", Filters(year="2025/26"))
    assert value == pytest.approx(0.8)


def test_benchmarks_follow_the_phase(api):
    admin = MEASURE_BY_ID["admin_support_rate"]
    assert api.benchmark(admin, ("secondary",))["value"] == pytest.approx(0.49)
    both = api.benchmark(admin, ())
    assert both["value"] is None and "primary" in both["label"] and "secondary" in both["label"]
    hours = api.benchmark(MEASURE_BY_ID["median_senco_hours"], ())
    assert hours["value"] == pytest.approx(9.75)


def test_chase_list_and_history(api):
    missing = api.missing_returns(Filters(year="2025/26"))
    assert list(missing.urn) == [100005]
    assert list(api.school_history(100002).academic_year) == ["2024/25", "2025/26"]
    loads = api.loads()
    assert (loads.rows_read == loads.accepted + loads.rejected).all()


def test_derived_cuts_are_cached_until_the_lake_changes(tmp_path):
    path = build(tmp_path / "senco.duckdb")
    api = LakeAPI(Reader(path=path))
    calls = []

    def count_returns(frame, label):
        calls.append(label)
        return len(frame)
    count_returns.__qualname__ = "count_returns"
    f = Filters(year="2025/26")
    assert api.derived(count_returns, f, "x") == 5                       # every school in scope
    assert api.derived(count_returns, f, "x", returned=True) == 4        # only those with a return
    assert api.derived(count_returns, f, "x") == 5 and calls == ["x", "x"]        # second ask: from the cache
    assert api.derived(count_returns, Filters(year="2025/26", phase=("secondary",)), "x") == 1
    slt = api.derived(analysis.share_by, f, "phase", "senco_on_slt", ["primary", "secondary"], returned=True)
    assert slt.equals(analysis.share_by(analysis.returned(api.school_year(f)), "phase", "senco_on_slt",
                                        ["primary", "secondary"]))
    with writing(path) as con:                                             # a load swaps in a new lake
        con.execute("DELETE FROM returns WHERE urn = 100001 AND academic_year = '2025/26'")
    assert api.derived(count_returns, f, "x", returned=True) == 3 and calls[-1] == "x"
