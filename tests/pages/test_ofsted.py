"""Ofsted & outcomes page, run headless against the demo lake."""
import json

import pandas as pd

from lake import analysis
from tests.pages.apptest import metric, page_text, run_page


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def frame_with(at, *columns):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def school_names(lake_api):
    names = lake_api._df("SELECT school_name FROM schools UNION SELECT school_name FROM returns")["school_name"]
    return [n for n in names.dropna() if len(n) > 3]


def test_renders_outcomes_official_first_with_caution(demo_lake):
    at = run_page("ofsted")
    assert at.title[0].value == "Ofsted & outcomes"
    text = page_text(at)
    assert "shows the official outcome" in text                          # says which one is shown
    assert "caution" in text.lower() and "self-reported" in text
    # Official first: wherever Ofsted has published an outcome, the school's row shows it.
    schools = frame_with(at, "Shown from")
    official = schools["Overall effectiveness (official, latest OEIF graded inspection)"].notna() \
        | schools["Inclusion grade (official, 2025)"].notna()
    assert official.any()
    assert schools.loc[official, "Shown from"].str.startswith("Official").all()
    assert schools.loc[~official & schools["Shown"].notna(), "Shown from"].str.startswith("Self-reported").all()
    # OEIF overall effectiveness appears in words, never as 1-4.
    assert set(schools["Overall effectiveness (official, latest OEIF graded inspection)"].dropna()) <= {
        "Outstanding", "Good", "Requires improvement", "Inadequate"}
    # Shares per profile group, with their n; the all-schools row matches the headline figure.
    by_profile = frame_with(at, "Schools (n)", "Judged (self-reported, n)")
    assert by_profile["SENCO time"].iloc[0] == "All schools in scope"
    share = by_profile["Good or better (self-reported) (%)"].iloc[0]
    shown = metric(at, "SEND progress good or better (school's own view)")
    assert abs(float(shown.rstrip("%")) - share) <= 0.51
    assert "Inclusion graded (official, n)" in by_profile.columns
    assert at.selectbox(key="profile").value == "SENCO time"


def test_profile_from_the_url(demo_lake):
    at = run_page("ofsted", profile="Admin support")
    assert at.selectbox(key="profile").value == "Admin support"
    by_profile = frame_with(at, "Schools (n)", "Judged (self-reported, n)")
    assert set(by_profile["Admin support"]) <= {"All schools in scope", "Admin support", "No admin support"}
    assert "profile=Admin+support" in at.code[0].value
    titles = [f["layout"]["title"]["text"] for f in charts(at)]
    assert any(t.endswith("by admin support") for t in titles)


def test_each_senco_profile_renders(demo_lake):
    for profile, groups in (("SLT membership", {"On SLT", "Not on SLT"}),
                            ("SENCO-only or combined role", {"SENCO only", "Combined role"})):
        at = run_page("ofsted", profile=profile)
        by_profile = frame_with(at, "Schools (n)", "Judged (self-reported, n)")
        assert set(by_profile[profile]) - {"All schools in scope"} <= groups


def test_phase_from_the_url_narrows_the_view(demo_lake):
    everyone = run_page("ofsted")
    secondary = run_page("ofsted", phase="secondary")
    scope = [m.value for m in secondary.markdown if "schools in scope" in m.value]
    assert scope and scope != [m.value for m in everyone.markdown if "schools in scope" in m.value]
    schools = frame_with(secondary, "Shown from")
    assert set(schools["Phase"]) == {"secondary"}
    assert len(schools) < len(frame_with(everyone, "Shown from"))


def test_unknown_profile_opens_with_the_default_and_a_notice(demo_lake):
    at = run_page("ofsted", profile="nope")
    assert at.selectbox(key="profile").value == "SENCO time"
    assert any("not know" in w.value for w in at.warning)


def test_filters_that_match_nothing_say_so(demo_lake):
    at = run_page("ofsted", phase="special", size="1,000 or more")
    assert at.title[0].value == "Ofsted & outcomes"
    assert any("No schools match" in i.value for i in at.info)
    assert not at.metric


def test_anonymised_names_no_school(demo_lake, lake_api):
    at = run_page("ofsted", anon="true")
    text = page_text(at) + json.dumps(charts(at))
    assert not [n for n in school_names(lake_api) if n in text]
    schools = frame_with(at, "SEND progress (self-reported)")
    assert "URN" not in schools.columns and schools["School"].str.match(r"^School [0-9A-Z]{7}$").all()
    # Ofsted publishes its outcomes and dates by school: beside a label they would name it.
    assert not {"Shown", "Shown from", "Inspection date (shown)", "Inspection date (official)",
                "Overall effectiveness (official, pre-2025)", "Inclusion grade (official, 2025)"} & set(schools.columns)


def test_official_outcome_is_shown_wherever_one_exists():
    """Pure: the judgement shown per school, and the shares per profile group with their n."""

    frame = pd.DataFrame({
        "urn": [1, 2, 3, 4, 5], "has_return": [True, True, True, True, False],
        "ofsted_inclusion": ["needs attention", None, None, None, "exceptional"],
        "overall_effectiveness": pd.array([2, 3, None, None, 1], dtype="Int32"),
        "ofsted_official_date": pd.to_datetime(["2025-11-01", "2023-01-01", None, None, "2025-12-01"]),
        "ofsted_send_progress": ["good or better", "good or better", "less than good", None, None],
        "ofsted_inspection_date": pd.to_datetime(["2022-01-01", "2022-01-01", "2021-05-01", None, None]),
        "admin_support": pd.array([True, False, True, None, True], dtype="boolean"),
        "ofsted_send_good": pd.array([True, True, False, None, None], dtype="boolean"),
        "inclusion_expected_or_above": pd.array([False, None, None, None, True], dtype="boolean"),
    })
    out = analysis.ofsted_outcomes(frame)
    assert out.urn.tolist() == [1, 2, 3, 4]                            # returns only
    assert out.ofsted_shown.tolist() == ["needs attention", "Requires improvement", "less than good", None]
    assert out.ofsted_shown_source.tolist() == [analysis.SOURCE_INCLUSION, analysis.SOURCE_OVERALL,
                                                analysis.SOURCE_SELF, None]
    assert out.ofsted_both.tolist() == [True, True, False, False]
    assert str(out.ofsted_shown_date[0].date()) == "2025-11-01"                # official date with the official one
    assert str(out.ofsted_shown_date[2].date()) == "2021-05-01"
    assert out.admin_profile[:3].tolist() == ["Admin support", "No admin support", "Admin support"]
    assert pd.isna(out.admin_profile[3])
    assert len(analysis.ofsted_outcomes(frame, returned_only=False)) == 5

    cut = analysis.ofsted_by_profile(out, "admin_profile", list(analysis.ADMIN_PROFILES)).set_index("admin_profile")
    assert cut.index.tolist() == ["All schools in scope", "Admin support", "No admin support"]
    assert cut.loc["Admin support", "Schools (n)"] == 2
    assert cut.loc["Admin support", "Judged (self-reported, n)"] == 2
    assert cut.loc["Admin support", "Good or better (self-reported)"] == 0.5
    assert cut.loc["Admin support", "Inclusion graded (official, n)"] == 1
    assert cut.loc["Admin support", "Expected or above (official inclusion)"] == 0.0
    assert cut.loc["All schools in scope", "Schools (n)"] == 3                  # school 4 has no admin answer
