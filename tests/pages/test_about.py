"""About page, run headless with AppTest on a private copy of the session's lake (the file, or
a Parquet export of it: tests/pages/conftest.py)."""
from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import ROOT, page_text, serve, served, use_lake
from tests.pages.test_data_quality import api_for, base_lake

PAGE = str(ROOT / "pages" / "about.py")
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
HOSTILE = "Made by <script>alert(1)</script> <b>bold</b> [a link](https://example.com) :red[red]"


@pytest.fixture(scope="module")
def about_lake(request, tmp_path_factory, lake_kind):
    """A copy of the lake marked as demo data, whose description carries HTML and Markdown."""
    from lake.store import writing

    src = base_lake(request, tmp_path_factory)
    path = tmp_path_factory.mktemp("about-lake") / "senco.duckdb"
    shutil.copyfile(src, path)
    with writing(path) as con:
        con.execute("INSERT OR REPLACE INTO lake_info VALUES ('demo', 'true'), ('demo_description', ?)", [HOSTILE])
    before = served()
    serve(path, lake_kind)
    yield path
    use_lake(*before)


def run(**params) -> AppTest:
    from ui.context import _api
    _api.clear()
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, *columns: str):
    for df in at.dataframe:
        if all(c in df.value.columns for c in columns):
            return df.value
    raise AssertionError(f"no table with {columns}")


def test_about_lists_every_measure_and_every_column(about_lake):
    from etl.columns import COLUMNS
    from lake.measures import MEASURES

    at = run()
    assert at.title[0].value == "About"
    measures = table(at, "Measure", "Definition")
    assert list(measures.Measure) == [m.name for m in MEASURES]
    assert measures.Definition.str.len().gt(10).all()
    dictionary = table(at, "Column (CSV header)", "Template label")
    assert list(dictionary["Template label"]) == [c.label for c in COLUMNS]
    assert list(dictionary["Column (CSV header)"]) == [c.name for c in COLUMNS]


def test_about_names_sources_with_dates_and_freshness(about_lake):
    at = run()
    text = page_text(at)
    assert OGL in text
    assert "census_2019_england.csv" in text and "2018/19" in text          # open data files and their dates
    api = api_for(about_lake)
    benchmarks = table(at, "Benchmark", "Source", "Year")
    assert len(benchmarks) == len(api.benchmarks())
    assert set(benchmarks.Source) == set(api.benchmarks().source)
    freshness = table(at, "Data", "Last loaded", "Files loaded")
    assert "SENCO returns" in set(freshness.Data)
    assert len(freshness) == len(api.lake_freshness())


def test_demo_data_is_explained_and_lake_text_is_not_html(about_lake):
    at = run()
    assert "About the demo data" in [h.value for h in at.header]
    text = page_text(at)
    assert "No public file records SENCO time" in text
    assert "synthetic" in text
    from ui import history
    from ui.styles import CSS, SCRIPT  # the page's own fixed stylesheet and scripts are the only HTML
    fixed = (CSS.strip(), SCRIPT.strip(), history.SCRIPT.strip())
    assert all(h.proto.body.strip() in fixed for h in at.get("html"))
    assert not any(m.proto.allow_html for m in at.markdown)
    shown = [m.value for m in at.markdown if "alert" in m.value]
    assert shown, "the demo description is shown"
    for value in shown:            # every tag, link and colour directive arrives escaped
        assert "<script>" not in value and "<b>" not in value and "](" not in value and ":red[" not in value


def test_no_demo_section_for_a_real_lake(about_lake, tmp_path, lake_kind):
    from lake.store import writing

    path = tmp_path / "senco.duckdb"
    shutil.copyfile(about_lake, path)
    with writing(path) as con:
        con.execute("DELETE FROM lake_info WHERE key IN ('demo', 'demo_description')")
    before = served()
    serve(path, lake_kind)
    try:
        at = run()
    finally:
        use_lake(*before)
    assert "About the demo data" not in [h.value for h in at.header]
    assert "alert" not in page_text(at)


def test_accessibility_statement(about_lake, monkeypatch):
    at = run()
    text = page_text(at)
    assert "Accessibility statement" in [h.value for h in at.header]
    for phrase in ("WCAG) 2.2 at level AA", "axe-core", "keyboard", "320 CSS pixels"):
        assert phrase in text, phrase
    import ui.accessibility
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
    from ui.accessibility import ACCESSIBILITY_EXCEPTIONS

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
    flags = table(at, "Flag", "Kind", "Legal source", "Applies to").set_index("Flag")
    assert flags.loc["Qualification overdue", "Legal source"].startswith("SEND Regulations 2014 reg. 49(4)")
    assert "s.67" in flags.loc["SENCO not a qualified teacher", "Applies to"]
    assert "not special schools" in flags.loc["SENCO not a qualified teacher", "Applies to"]
    assert "s.69" in flags.loc["No SEN information report", "Legal source"]
    shared = flags.loc["Shared SENCO who is also a headteacher"]
    assert "guidance" in shared["Kind"] and "not statute" in shared["Legal source"]
    assert set(flags.Kind) == {"Statutory", "Check (not counted)", "Check (guidance, not counted)"}
    assert "Every mainstream school and maintained nursery school must have a SENCO" in page_text(at)
