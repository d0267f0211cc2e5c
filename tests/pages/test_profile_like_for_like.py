"""The school profile compares like with like (tests/lake/peers_lake.py): a special school with special
schools, AP with AP or with nobody and saying so; units on every figure; "same as" when equal; similar
schools across LAs with their distance; one click to compare with them."""
from __future__ import annotations

import pandas as pd
import pytest

from lake import analysis
from tests.lake import peers_lake
from tests.pages.apptest import page_text, run_page, serving


@pytest.fixture(scope="module")
def peers_lake_served(tmp_path_factory, lake_kind):
    with serving(peers_lake.build(tmp_path_factory.mktemp("peers") / "senco.duckdb"), lake_kind) as path:
        yield path


def frame_with(at, *columns):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def cards(at) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


def no_raw_blanks(at) -> None:
    text = page_text(at)
    for bad in ("None", "nan", "No rows to show", "+0 ", "↑ +0"):
        assert bad not in text, bad


def test_a_special_school_is_compared_with_special_schools(peers_lake_served):
    at = run_page("schools", school="200001")
    shown = cards(at)
    # Its LA's other special school is Pine (20 h, SEND 100%), not the all-phase median.
    assert shown["SENCO hours a week"] == ("32.5 h", "+12.5 h vs the LA median for special schools")
    assert shown["SEND pupils, % of roll"] == ("100%", "same as the LA median for special schools")
    assert shown["Admin support hours a week"][0] == "10 h"
    figures = frame_with(at, "Figure", "LA median, special schools").set_index("Figure")
    assert figures.loc["SENCO hours a week", "LA median, special schools"] == "20 h"
    assert figures.loc["SEND pupils, % of roll", "Difference from that median"] == "same"
    assert figures.loc["SENCO hours a week", "Other special schools in the LA (n)"] == 1
    # Real peers: both other special schools, across the two LAs, nearest first, with the distance.
    peers = frame_with(at, "Distance (0 = alike)", "Local authority")
    assert peers.School.tolist() == ["Rowan Special", "Pine Special"]
    assert peers["Local authority"].tolist() == ["Otherton", "Testshire"]
    assert peers["Distance (0 = alike)"].tolist() == [0.76, 1.08]     # roll log2(120/100) + half a point for type
    assert figures.loc["SENCO hours a week", "Similar schools median"] == "22.5 h"     # Rowan 25 h, Pine 20 h
    no_raw_blanks(at)


def test_an_ap_setting_with_no_peer_says_so_plainly(peers_lake_served):
    at = run_page("schools", school="200003")
    text = page_text(at)
    assert "No other alternative provision settings in the lake have a return for 2025/26" in text
    figures = frame_with(at, "Figure", "LA median, alternative provision settings").set_index("Figure")
    assert set(figures["Similar schools median"]) == {"no similar school"}
    assert set(figures["LA median, alternative provision settings"]) == \
        {"no other alternative provision settings in Testshire"}
    assert all(delta in ("", None) for _, delta in cards(at).values())         # nothing to compare with
    assert cards(at)["SENCO hours a week"][0] == "10 h"
    assert not any(b.key == "compare_peers" for b in at.button)
    no_raw_blanks(at)


def test_an_equal_figure_reads_same_as_not_plus_zero(peers_lake_served):
    at = run_page("schools", school="200004")      # Holly Infant 6.5 h; its LA's other primaries 6.5, 13, 5 h
    assert cards(at)["SENCO hours a week"] == ("6.5 h", "same as the LA median for primary schools")
    peers = frame_with(at, "Distance (0 = alike)")
    assert peers.School.tolist()[:2] == ["Juniper Infant", "Hazel Primary"]      # same age range first
    assert peers.School.tolist()[-1] == "Ivy Primary"                             # resourced provision, last
    no_raw_blanks(at)


def test_compare_with_these_opens_the_compare_tab_with_the_peers(peers_lake_served):
    at = run_page("schools", school="200001")
    next(b for b in at.button if b.key == "compare_peers").click().run()
    assert at.session_state["tab"] == "Compare schools"
    assert at.multiselect(key="compare").value == ["200001", "200011", "200002"]
    wide = frame_with(at, "Field")
    assert [c for c in wide.columns if c != "Field"] == ["Oak Special (200001)", "Rowan Special (200011)",
                                                         "Pine Special (200002)"]


def test_similar_schools_weigh_ehcp_share_age_range_and_provision():
    """Pure: the distance, point by point, on the lake's own numbers."""
    frame = pd.DataFrame({
        "urn": [1, 2, 3, 4], "school_name": list("ABCD"), "has_return": True, "phase": "primary",
        "school_type": "Community school", "la_name": "Testshire",
        "number_on_roll": [200, 200, 400, 200], "sen_support_pupils": [20, 20, 20, 10], "ehcp_pupils": [2, 2, 2, 12],
        "senco_hours_per_week": 6.0})
    facts = pd.DataFrame({"urn": [1, 2, 3, 4], "statutory_low_age": [4, 4, 4, 4],
                          "statutory_high_age": [11, 7, 11, 11], "sen_unit": [0, 0, 0, 0], "rp_unit": [0, 0, 0, 1]})
    peers = analysis.similar_schools(frame, 1, facts=facts).set_index("urn")
    assert peers.distance.to_dict() == {
        2: 1.0,      # an infant school beside a full primary: 1 point
        3: 1.8,      # twice the roll (1), SEND 11% vs 5.5% (0.55), EHCP 1% vs 0.5% (0.25)
        4: 3.5,      # EHCP 6% vs 1% (2.5), resourced provision on one side only (1); roll and SEND alike
    }
    assert peers.index.tolist() == [2, 3, 4]
    assert peers.loc[4, "similar_because"] == "roll 200, SEND 11%, EHCP 6%, resourced provision"
