"""About page, run headless with AppTest on a private copy of the session's lake (the file, or
a Parquet export of it: tests/pages/conftest.py)."""
from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

import ui.accessibility
from domain.columns import COLUMNS
from lake import config
from lake.measures import MEASURES
from lake.store import writing
from tests.pages.apptest import page_text, run_page, serving
from tests.pages.test_data_quality import api_for, base_lake
from ui import history
from ui.accessibility import ACCESSIBILITY_EXCEPTIONS
from ui.styles import CSS, SCRIPT
from ui.upload import md_escape

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
HOSTILE = "Made by <script>alert(1)</script> <b>bold</b> [a link](https://example.com) :red[red]"


@pytest.fixture(scope="module")
def about_lake(request, tmp_path_factory, lake_kind):
    """A copy of the lake marked as demo data, whose description carries HTML and Markdown."""

    src = base_lake(request, tmp_path_factory)
    path = tmp_path_factory.mktemp("about-lake") / "senco.duckdb"
    shutil.copyfile(src, path)
    with writing(path) as con:
        con.execute("INSERT OR REPLACE INTO lake_info VALUES ('demo', 'true'), ('demo_description', ?)", [HOSTILE])
    with serving(path, lake_kind):
        yield path


def run(**params) -> AppTest:
    return run_page("about", **params)


def table(at: AppTest, *columns: str):
    for df in at.dataframe:
        if all(c in df.value.columns for c in columns):
            return df.value
    raise AssertionError(f"no table with {columns}")


def folds(at: AppTest) -> dict[str, str]:
    """Each definition's fold on About: its label and the text inside it, read in full."""
    return {e.label: "\n".join(m.value for m in e.markdown) for e in at.expander}


def test_about_lists_every_measure_and_every_column_in_full(about_lake):

    at = run()
    assert at.title[0].value == "About"
    shown = folds(at)
    for m in MEASURES:              # every definition whole, not cut off at a grid cell's width
        assert m.name in shown, m.name
        assert md_escape(m.definition) in shown[m.name]
    for c in COLUMNS:
        label = f"{c.name} — {c.label}"
        assert label in shown, label
        assert md_escape(c.description) in shown[label]
    assert not any(set(df.value.columns) >= {"Measure", "Definition"} for df in at.dataframe)   # no grid cells


def test_about_names_sources_with_dates_and_freshness(about_lake):
    at = run()
    text = page_text(at)
    assert OGL in text
    assert "census_2019_england.csv" in text and "2018/19" in text          # open data files and their dates
    api = api_for(about_lake)
    benchmarks = table(at, "Benchmark", "Source", "Year")
    assert len(benchmarks) == len(api.benchmarks())
    assert set(benchmarks.Source) == set(api.benchmarks().source)
    freshness = table(at, "Data", "Covers", "Last loaded", "Files loaded").set_index("Data")
    assert "SENCO returns" in set(freshness.index)
    assert len(freshness) == len(api.lake_freshness())
    # The period a file covers, beside when it was loaded: a January 2019 census loaded today is January 2019's.
    census_years = api.census_years().census_year.tolist()
    assert f"January {int(census_years[-1][:4]) + 1} census ({census_years[-1]})" in \
        freshness.loc["School census counts", "Covers"]
    assert api.years()[-1] in freshness.loc["SENCO returns", "Covers"]


def test_demo_data_is_explained_and_lake_text_is_not_html(about_lake):
    at = run()
    assert "About the demo data" in [h.value for h in at.header]
    text = page_text(at)
    assert "No public file records SENCO time" in text
    assert "synthetic" in text
    fixed = (CSS.strip(), SCRIPT.strip(), history.SCRIPT.strip())   # the page's own stylesheet and scripts only
    assert all(h.proto.body.strip() in fixed for h in at.get("html"))
    assert not any(m.proto.allow_html for m in at.markdown)
    shown = [m.value for m in at.markdown if "alert" in m.value]
    assert shown, "the demo description is shown"
    for value in shown:            # every tag, link and colour directive arrives escaped
        assert "<script>" not in value and "<b>" not in value and "](" not in value and ":red[" not in value


def test_no_demo_section_for_a_real_lake(about_lake, tmp_path, lake_kind):

    path = tmp_path / "senco.duckdb"
    shutil.copyfile(about_lake, path)
    with writing(path) as con:
        con.execute("DELETE FROM lake_info WHERE key IN ('demo', 'demo_description')")
    with serving(path, lake_kind):
        at = run()
    assert "About the demo data" not in [h.value for h in at.header]
    assert "alert" not in page_text(at)


def test_accessibility_statement(about_lake, monkeypatch):
    at = run()
    text = page_text(at)
    assert "Accessibility statement" in [h.value for h in at.header]
    for phrase in ("WCAG) 2.2 at level AA", "axe-core", "keyboard", "320 CSS pixels"):
        assert phrase in text, phrase
    for known in ui.accessibility.ACCESSIBILITY_EXCEPTIONS:     # the statement lists every allowed exception
        assert known["rule"] in text and known["reason"][:40] in text
    monkeypatch.setattr(ui.accessibility, "ACCESSIBILITY_EXCEPTIONS", [])
    assert "None known" in page_text(run())
    exception = {"rule": "color-contrast", "where": "[data-testid='stExample']",
                 "reason": "Streamlit's example widget", "status": "reported upstream"}
    monkeypatch.setattr(ui.accessibility, "ACCESSIBILITY_EXCEPTIONS", [exception])
    at = run()
    listed = table(at, "Rule (axe-core)", "Where", "Why", "Status")
    assert listed.to_dict("records") == [{"Rule (axe-core)": "color-contrast", "Where": "[data-testid='stExample']",
                                          "Why": "Streamlit's example widget", "Status": "reported upstream"}]


def test_accessibility_exceptions_are_well_formed():

    for exc in ACCESSIBILITY_EXCEPTIONS:
        assert set(exc) == {"rule", "where", "reason", "status"}
        assert all(isinstance(v, str) and v.strip() for v in exc.values())


def test_filters_from_the_url_survive_on_about(about_lake):
    api = api_for(about_lake)
    phase = api.options("phase")[0]
    at = run(phase=phase, anon="true")
    assert at.multiselect(key="phase").value == [phase]
    assert at.toggle(key="anon").value is True
    link = [c.value for c in at.code if "/about" in c.value][0]
    assert urlencode({"phase": phase}) in link and "anon=true" in link


def test_about_gives_each_flag_its_legal_source_and_the_schools_it_covers(about_lake):
    at = run()
    shown = {k: v.replace("\\", "") for k, v in folds(at).items()}
    assert "Legal source:** SEND Regulations 2014 reg. 49(4)" in shown["Qualification overdue"]
    assert "s.67" in shown["SENCO not a qualified teacher"]
    assert "not special schools" in shown["SENCO not a qualified teacher"]
    assert "s.69" in shown["No SEN information report"]
    shared = shown["Shared SENCO who is also a headteacher"]
    assert "Kind:** Check (guidance, not counted)" in shared and "not statute" in shared
    assert "Every mainstream school and maintained nursery school must have a SENCO" in page_text(at)


def test_the_team_contact_is_plain_text_on_about_and_in_the_sidebar(about_lake, monkeypatch):
    monkeypatch.setenv("SENCO_TEAM_CONTACT", "Inclusion team <b>SEND</b> [mail](https://x.example) inclusion@example.gov.uk")
    at = run()
    contact = [m.value for m in at.markdown if "inclusion@example" in m.value]
    side = [c.value for c in at.sidebar.caption if "inclusion@example" in c.value]
    assert contact and side
    for value in contact + side:                 # shown as typed, never as HTML or a link
        assert "<b>" not in value and "](" not in value and "inclusion@example" in value.replace("\\", "")
    monkeypatch.delenv("SENCO_TEAM_CONTACT")
    assert "SENCO_TEAM_CONTACT" in page_text(run())          # unset: About says how to set one


def test_a_contact_that_is_not_one_line_of_text_is_refused(monkeypatch):
    monkeypatch.setenv("SENCO_TEAM_CONTACT", "line one\nline two")
    with pytest.raises(config.SettingError, match="SENCO_TEAM_CONTACT"):
        config.check()
    monkeypatch.setenv("SENCO_TEAM_CONTACT", "  ")
    assert config.team_contact() is None


def test_about_has_a_guide_for_officers_and_why_rows_are_rejected(about_lake):
    at = run()
    headers = [h.value for h in at.header]
    assert "A guide for officers" in headers and "Why a row is rejected" in headers
    shown = folds(at)
    for fold in ("Sharing a view", "What anonymised mode hides, and what it does not", "Chasing returns",
                 "Reading an open collection"):
        assert fold in shown
    assert "does not hide" in shown["What anonymised mode hides, and what it does not"]
    assert "same point" in shown["Reading an open collection"]
    assert "SEND pupils are more than the number on roll" in page_text(at).replace("**", "")
