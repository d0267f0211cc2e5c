"""Leadership & support page, run headless against the demo lake."""
import json

import pandas as pd

from lake import analysis, rounding
from lake.api import Filters
from tests.pages.apptest import metric, page_text, run_page

FLAG_COLUMNS = ["SENCO not a qualified teacher", "SENCO does not work as a teacher at the school",
                "Qualification overdue", "No SEN information report"]


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart(at, title_start):
    for fig in charts(at):
        if fig["layout"]["title"]["text"].startswith(title_start):
            return fig
    raise AssertionError(f"no chart titled {title_start!r}: {[f['layout']['title']['text'] for f in charts(at)]}")


def flagged(at):
    return next(df.value for df in at.dataframe if "Flags raised" in df.value.columns)


def school_names(lake_api):
    names = lake_api._df("SELECT school_name FROM schools UNION SELECT school_name FROM returns")["school_name"]
    return [n for n in names.dropna() if len(n) > 3]


def test_renders_measures_benchmarks_and_flag_table(demo_lake, lake_api):
    at = run_page("leadership")
    assert at.title[0].value == "Leadership & support"
    assert [h.value for h in at.main.header] == ["Senior leadership, admin support and deputies", "Qualification",
                                                 "Shared SENCOs", "Schools with a statutory flag",
                                                 "Checks shown apart from the statutory flags"]
    scope = lake_api.school_year(Filters(year=lake_api.current_year()))
    returned = scope[scope.has_return]
    assert metric(at, "SENCO on the senior leadership team") == rounding.percent(returned.senco_on_slt.dropna().mean())
    text = page_text(at)
    # The survey figure says what it counted: SENCOs who answered, not schools.
    assert "National survey 34%" in text and "not of schools" in text
    assert "nasen and Bath Spa University, National SENCO Workforce Survey 2020" in text
    # SLT has one England figure for every phase: a reference line at 34%.
    slt = chart(at, "SENCO on the senior leadership team")
    assert any(s.get("x0") == 0.34 for s in slt["layout"].get("shapes", []))
    # Admin support has only primary and secondary figures: marked on those bars when cut by phase.
    admin = chart(at, "SENCO has admin support")
    marks = next(t for t in admin["data"] if t.get("name") == "England figure")
    assert set(marks["y"]) <= {"primary", "secondary"} and marks["y"]
    # Qualification status is a stacked distribution over the four statuses.
    quals = chart(at, "SENCO qualification status")
    assert quals["layout"]["barmode"] == "stack"
    assert {t["name"] for t in quals["data"]} <= {"NASENCO held", "NPQ for SENCOs held", "in progress", "not started"}
    table = flagged(at)
    assert len(table) == int(returned.any_flag.fillna(False).sum())
    assert list(table.columns[-4:]) == FLAG_COLUMNS           # the guidance check is not a statutory flag
    for col in FLAG_COLUMNS:
        assert set(table[col]) <= {"Yes", "No", "Not known"}
    assert (table[FLAG_COLUMNS] == "Yes").any(axis=1).all()
    # Special schools are never flagged for the SENCO duties, which do not cover them.
    special = table[table["Phase"] == "special"]
    assert not (special[FLAG_COLUMNS[:3]] == "Yes").any().any()
    checks = next(df.value for df in at.dataframe if "Checks raised" in df.value.columns)
    assert "Shared SENCO who is also a headteacher" in checks.columns


def test_phase_from_the_url_narrows_the_view(demo_lake):
    everyone = run_page("leadership")
    secondary = run_page("leadership", phase="secondary")
    assert secondary.multiselect(key="phase").value == ["secondary"]
    scope = [m.value for m in secondary.markdown if "schools in scope" in m.value]
    assert scope and scope != [m.value for m in everyone.markdown if "schools in scope" in m.value]
    assert set(flagged(secondary)["Phase"]) <= {"secondary"}
    assert len(flagged(secondary)) < len(flagged(everyone))
    # With one phase chosen the admin-support benchmark is a single line (secondary 49%).
    admin = chart(secondary, "SENCO has admin support")
    assert any(s.get("x0") == 0.49 for s in admin["layout"].get("shapes", []))


def test_cut_by_size_band_from_the_url(demo_lake):
    at = run_page("leadership", cut="Size band")
    assert at.radio(key="cut").value == "Size band"
    titles = [f["layout"]["title"]["text"] for f in charts(at)]
    assert titles and all("by size band" in t for t in titles)
    assert "cut=Size+band" in at.code[0].value                      # the share link keeps it


def test_unknown_cut_opens_with_the_default_and_a_notice(demo_lake):
    at = run_page("leadership", cut="<b>nope</b>")
    assert at.radio(key="cut").value == "Phase"
    assert any("not know" in w.value for w in at.warning)


def test_filters_that_match_nothing_say_so(demo_lake):
    at = run_page("leadership", phase="special", size="1,000 or more")
    assert at.title[0].value == "Leadership & support"
    assert any("No schools match" in i.value for i in at.info)
    assert not at.metric and not at.get("plotly_chart")


def test_anonymised_names_no_school(demo_lake, lake_api):
    at = run_page("leadership", anon="true")
    text = page_text(at) + json.dumps(charts(at))
    assert not [n for n in school_names(lake_api) if n in text]
    table = flagged(at)
    assert "URN" not in table.columns and table["School"].str.match(r"^School [0-9A-Z]{7}$").all()


def test_flagged_schools_spell_flags_out():
    """Pure: only returns raising a flag, most flags first, flags as Yes / No / Not known."""

    frame = pd.DataFrame({
        "urn": [1, 2, 3, 4], "school_name": ["A", "B", "C", "D"], "has_return": [True, True, True, False],
        "flag_a": pd.array([True, False, True, True], dtype="boolean"),
        "flag_b": pd.array([None, False, True, True], dtype="boolean"),
    })
    out = analysis.flagged_schools(frame, ["flag_a", "flag_b"])
    assert out.urn.tolist() == [3, 1]
    assert out.flags_raised.tolist() == [2, 1]
    assert out.flag_a.tolist() == ["Yes", "Yes"] and out.flag_b.tolist() == ["Yes", "Not known"]
    table = analysis.with_reference(analysis.share_by(frame, "school_name", "flag_a"), "school_name", {"A": 0.5})
    assert table["England figure"].iloc[0] == 0.5 and table["England figure"].isna().sum() == len(table) - 1
