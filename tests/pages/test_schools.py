"""Schools page (school profile and compare schools), run headless against the demo lake."""
import json

import pandas as pd
import pytest

from lake import analysis, rounding
from lake.api import Filters
from lake.measures import MEASURE_BY_ID
from tests.pages.apptest import page_text, run_page
from ui import profile


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def frame_with(at, *columns):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def school_names(lake_api):
    names = lake_api._df("SELECT school_name FROM schools UNION SELECT school_name FROM returns")["school_name"]
    return [n for n in names.dropna() if len(n) > 3]


@pytest.fixture()
def current(lake_api):
    """The current year's frame: schools with a return, named."""
    frame = lake_api.school_year(Filters(year=lake_api.current_year()))
    return frame[frame.has_return].reset_index(drop=True)


def test_opens_on_the_profile_tab_asking_for_a_school(demo_lake, current):
    at = run_page("schools")
    assert at.title[0].value == "Schools"
    assert at.selectbox(key="school").value is None
    assert any("Choose a school" in i.value for i in at.info)
    options = at.selectbox(key="school").options
    assert f"{current.school_name[0]} ({current.urn[0]})" in options


def test_school_from_the_url_shows_its_profile(demo_lake, lake_api, current):
    urn, name = int(current.urn[0]), current.school_name[0]
    at = run_page("schools", school=str(urn))                  # a bare URN, as other pages and people write it
    assert at.selectbox(key="school").value == str(urn)
    assert name in at.subheader[0].value.replace("\\", "")
    figures = frame_with(at, "Figure", "This school", "Similar schools median")
    assert list(figures.Figure) == ["SENCO hours a week", "SENCO hours per 10 SEND pupils", "SEND pupils, % of roll",
                                    "Admin support hours a week"]
    assert figures["This school"][0] == rounding.trimmed(float(current.senco_hours_per_week[0]), 1) + " h"
    history = frame_with(at, "Academic year", "SENCO hours a week", "SENCO qualification")
    assert list(history["Academic year"]) == lake_api.school_history(urn).academic_year.tolist()
    flags = frame_with(at, "Flag", "Raised")
    assert set(flags.Raised) <= {"Yes", "No", "Not known"} and len(flags) == 4
    frame_with(at, "Census year", "SEN Support", "EHC plans")
    frame_with(at, "Status", "Load")
    assert any(df.value.columns.tolist() == ["Field", "Value"] for df in at.dataframe)    # register / Ofsted
    link = at.code[0].value                                                           # share link
    assert "school=" in link and f"%28{urn}%29" in link
    # The widget's own label (what the link and the URL carry) opens the same profile, even after a rename.
    for value in (f"{name} ({urn})", f"Renamed School ({urn})"):
        again = run_page("schools", school=value)
        assert again.selectbox(key="school").value == str(urn)
        assert not again.warning


def test_profile_lists_superseded_submissions(demo_lake, lake_api):
    superseded = lake_api._df("SELECT urn FROM returns_history WHERE superseded_by_load IS NOT NULL LIMIT 1")
    if superseded.empty:
        pytest.skip("the demo lake has no resubmission")
    at = run_page("schools", school=str(int(superseded.urn[0])))
    subs = frame_with(at, "Status", "Load")
    assert subs.Status.str.startswith("Superseded").any() and (subs.Status == "Current").any()


def test_compare_two_schools_side_by_side(demo_lake, current):
    a, b = current.iloc[0], current.iloc[1]
    at = run_page("schools", tab="Compare schools", compare=[str(a.urn), str(b.urn)])
    assert at.multiselect(key="compare").value == [str(a.urn), str(b.urn)]
    wide = frame_with(at, "Field")
    assert f"{a.school_name} ({a.urn})" in wide.columns and f"{b.school_name} ({b.urn})" in wide.columns
    assert "SENCO hours a week" in set(wide.Field) and "SENCO hours per 10 SEND pupils" in set(wide.Field)
    fig = charts(at)[0]
    # Hours a week and hours per 10 SEND pupils are different units: an axis each, never one "Hours" scale.
    assert [t.get("xaxis", "x") for t in fig["data"]] == ["x", "x2"]
    assert fig["layout"]["xaxis"]["title"]["text"] != fig["layout"]["xaxis2"]["title"]["text"]
    assert {t["name"] for t in fig["data"]} == {"SENCO hours a week", "SENCO hours per 10 SEND pupils"}
    labels = {y for t in fig["data"] for y in t["y"]}
    assert any(a.school_name.split()[0] in y for y in labels) and any(b.school_name.split()[0] in y for y in labels)
    link = at.code[0].value
    assert "tab=Compare+schools" in link and f"%28{a.urn}%29&compare=" in link and link.endswith(f"%28{b.urn}%29")


def test_invalid_school_in_the_url_opens_with_defaults(demo_lake):
    at = run_page("schools", school="999999", compare=["abc", "[x](https://evil.example)"], tab="Nope")
    assert at.selectbox(key="school").value is None
    assert at.multiselect(key="compare").value == []
    assert at.tabs[0].label == "School profile" and any("Choose a school" in i.value for i in at.info)
    notice = " ".join(w.value for w in at.warning)
    assert "not know" in notice and "999999" in notice
    assert "](https" not in notice                     # a link typed into the URL is shown as text


def test_phase_from_the_url_narrows_the_school_list(demo_lake, lake_api):
    everyone = run_page("schools")
    secondary = run_page("schools", phase="secondary")
    options = secondary.selectbox(key="school").options
    assert 0 < len(options) < len(everyone.selectbox(key="school").options)
    frame = lake_api.school_year(Filters(year=lake_api.current_year(), phase=("secondary",)))
    assert len(options) == len(frame)


def test_filters_that_match_nothing_say_so(demo_lake):
    at = run_page("schools", phase="special", size="1,000 or more")
    assert at.title[0].value == "Schools"
    assert any("No schools match" in i.value for i in at.info)


def test_anonymised_profile_and_compare_show_no_name_or_urn(demo_lake, lake_api, current):
    labels = run_page("schools", anon="true").selectbox(key="school").options
    assert all(o.startswith("School ") and len(o) == len("School XXXXXXX") for o in labels)
    profile = run_page("schools", anon="true", school=labels[0])
    compare = run_page("schools", anon="true", tab="Compare schools", compare=labels[1:3])
    # Every school in the list, with or without a return this year: the first label may be either.
    urns = [str(u) for u in lake_api.school_year(Filters(year=lake_api.current_year())).urn]
    assert set(map(str, current.urn)) <= set(urns)
    for at in (profile, compare):
        text = page_text(at) + json.dumps(charts(at))
        assert not [n for n in school_names(lake_api) if n in text]
        assert not [u for u in urns if u in text]
    assert profile.selectbox(key="school").value in urns
    assert profile.subheader[0].value.replace("\\", "") == labels[0]
    assert len(frame_with(compare, "Field").columns) == 3                    # Field + two schools
    # No public count, share worked out from counts, official Ofsted outcome or date beside a label.
    fields = set(frame_with(compare, "Field")["Field"])
    assert not fields & {"Number on roll", "SEN Support pupils", "EHCP pupils", "SEND pupils", "SEND % of roll",
                         "SENCO hours per 10 SEND pupils", "Ofsted (shown)", "SENCO appointed"}
    assert "SENCO hours a week" in fields and "Size band" in fields


def test_an_anonymised_link_naming_a_urn_selects_nothing(demo_lake, current):
    """Else anyone could learn a school's label by putting its URN in an anonymised link."""
    urn = str(current.urn.iloc[0])
    at = run_page("schools", anon="true", school=urn)
    assert at.selectbox(key="school").value is None
    assert any("not a school in this view" in w.value for w in at.warning)


def test_key_figures_hide_small_cohorts_and_compare_turns_rows_into_columns():
    """Pure: a school's figures against the LA and peers; side by side; small cohorts dropped."""

    frame = pd.DataFrame({
        "urn": [1, 2, 3], "school_name": ["A", "B", "C"], "has_return": [True, True, True],
        "number_on_roll": [100, 200, 300], "sen_support_pupils": pd.array([3, 20, 30], dtype="Int32"),
        "ehcp_pupils": pd.array([1, 5, None], dtype="Int32"), "senco_hours_per_week": [4.0, 6.5, 9.75],
        "admin_support_hours_per_week": [0.0, 2.0, 5.0],
    })
    frame = analysis.with_send_figures(frame)
    assert frame.send_pct.tolist()[:2] == [4.0, 12.5] and frame.hours_per_10_send[0] == 10.0
    figures = analysis.school_key_figures(frame[frame.urn == 1], frame, frame[frame.urn != 1]).set_index("Figure")
    assert figures.loc["SENCO hours a week", "This school"] == 4.0
    assert figures.loc["SENCO hours a week", "LA median"] == 6.5
    assert figures.loc["SENCO hours a week", "Difference from LA median"] == -2.5
    assert figures.loc["SENCO hours a week", "Similar schools median"] == 8.1    # 8.125 to the measure's 1 dp
    hidden = analysis.school_key_figures(frame[frame.urn == 1], frame, frame, small=5).set_index("Figure")
    assert pd.isna(hidden.loc["SENCO hours per 10 SEND pupils", "This school"])     # numeric, left blank
    assert pd.isna(hidden.loc["SEND pupils, % of roll", "This school"])
    assert hidden.loc["SENCO hours a week", "This school"] == 4.0
    assert pd.isna(hidden.loc["SENCO hours a week", "LA median"])                    # 3 schools: fewer than 5
    assert pd.api.types.is_float_dtype(hidden["This school"].astype(float))
    kept, dropped = analysis.drop_small(frame, 5)
    assert kept.urn.tolist() == [2, 3] and dropped == 1                 # unknown EHCP count is not small
    shown = pd.DataFrame({"School": ["A", "B"], "URN": [1, 2], "SENCO on SLT": [True, None], "Hours": [6.5, 9.75]})
    wide = analysis.side_by_side(shown)
    assert wide.columns.tolist() == ["Field", "A (1)", "B (2)"]
    assert wide.set_index("Field").loc["SENCO on SLT"].tolist() == ["Yes", "–"]
    assert wide.set_index("Field").loc["Hours"].tolist() == ["6.5", "9.75"]


def test_a_profile_says_each_figure_to_its_measures_decimals():
    """A school's hours per 10 SEND pupils of 0.27 is "0.3 h" on its profile, as on every card and table."""
    frame = analysis.with_send_figures(pd.DataFrame({
        "urn": [1, 2, 3], "school_name": ["A", "B", "C"], "has_return": [True] * 3, "number_on_roll": [400] * 3,
        "sen_support_pupils": pd.array([30, 30, 30], dtype="Int32"), "ehcp_pupils": pd.array([0, 0, 0], dtype="Int32"),
        "senco_hours_per_week": [0.81, 1.02, 1.05], "admin_support_hours_per_week": [2.25, 2.0, 2.0]}))
    figures = analysis.school_key_figures(frame[frame.urn == 1], frame, frame[frame.urn != 1])
    shown = profile.figures_shown(figures, "primary schools", "the LA", False).set_index("Figure")
    per_10 = shown.loc["SENCO hours per 10 SEND pupils"]
    assert per_10["This school"] == "0.3 h" and per_10["LA median, primary schools"] == "0.3 h"
    assert per_10["Difference from that median"] == "-0.1 h"     # 0.27 - 0.34, rounded from the unrounded
    assert shown.loc["SENCO hours a week", "This school"] == "0.8 h"
    assert shown.loc["Admin support hours a week", "Difference from that median"] == "+0.3 h"   # 0.25 half up
    assert shown.loc["SEND pupils, % of roll", "This school"] == "7.5%"
    for label, _, _, measure_id in analysis.KEY_FIGURES:
        assert profile.digits(label) == MEASURE_BY_ID[measure_id].rounding


def test_demo_special_and_ap_profiles_compare_like_with_like(demo_lake, current):
    """On the demo lake: a special school against special schools only; the one AP setting with no peer."""
    special = current[current.phase == "special"].urn.astype(int).tolist()
    ap = current[current.phase == "alternative provision"].urn.astype(int).tolist()
    assert special and len(ap) == 1
    at = run_page("schools", school=str(special[0]))
    deltas = [m.delta for m in at.metric if m.delta]
    assert deltas and all("special schools" in d for d in deltas)
    assert all(m.value.endswith((" h", "%")) for m in at.metric)             # a unit on every figure
    peers = frame_with(at, "Distance (0 = alike)")
    assert set(peers.Phase) == {"special"} and len(peers) == len(special) - 1
    at = run_page("schools", school=str(ap[0]))
    text = page_text(at)
    assert "No other alternative provision settings in the lake have a return" in text
    assert "None" not in text and "No rows to show" not in text
    assert all(not m.delta for m in at.metric)


def test_anonymised_similar_schools_leave_out_the_distance(demo_lake):
    """The distance and its words are worked out from public counts: anonymised, they would lead back."""
    labels = run_page("schools", anon="true", phase="primary").selectbox(key="school").options
    at = run_page("schools", school=labels[0], anon="true", phase="primary")
    peers = frame_with(at, "SENCO hours a week", "School")
    assert "Distance (0 = alike)" not in peers.columns and "How it compares" not in peers.columns
