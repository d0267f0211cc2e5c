"""Overview page, run headless against the demo lake (the file, or its Parquet export)."""
import shutil
import subprocess
import sys

from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.pages.apptest import ROOT, metric, page_text, publish, run_page
from ui.context import _api


def test_overview_shows_headlines_with_benchmarks_and_change(demo_lake, lake_api):
    at = run_page("overview")
    assert at.title[0].value == "Overview"
    year = lake_api.current_year()
    scope = lake_api.school_year(lake_api_filters(year))
    assert metric(at, "Schools in scope") == f"{len(scope):,}"
    assert metric(at, "Returns received") == f"{int(scope.has_return.sum()):,}"
    text = page_text(at)
    assert "nasen and Bath Spa University" in text                 # benchmark source shown
    # England's SEND share is the census year nearest the year in view, and says which year it is.
    assert f"January 2019 school census (2018/19, the nearest year held to {year})" in text
    # The demo's latest collection is still open (fewer returns than last year's, no deadline set): its
    # partial figures are not set against last year's finished ones, and the page says so.
    assert "Collection open: " in text.replace("\\", "")
    assert not [m for m in at.metric if m.delta or m.proto.delta_description]   # nor "since last year" alone
    # A finished year's change is said once, inside its card, with the words a screen reader reads beside it.
    closed = run_page("overview", year=lake_api.years()[1])
    changed = [m for m in closed.metric if m.delta]
    assert changed and all(m.proto.delta_description == "since last year" for m in changed)
    assert "Change since last year" not in text
    assert "synthetic" in text.lower()                              # demo data is labelled


def test_phase_from_the_url_narrows_the_view(demo_lake, lake_api):
    everyone = run_page("overview")
    secondary = run_page("overview", phase="secondary")
    assert metric(secondary, "Schools in scope") != metric(everyone, "Schools in scope")
    assert secondary.multiselect(key="phase").value == ["secondary"]


def test_older_year_from_the_url(demo_lake, lake_api):
    oldest = lake_api.years()[-1]
    at = run_page("overview", year=oldest)
    assert at.selectbox(key="year").value == oldest
    assert oldest in page_text(at)


def test_filters_that_match_nothing_say_so(demo_lake):
    at = run_page("overview", phase="special", size="1,000 or more")
    assert any("No schools match" in i.value for i in at.info)
    assert not at.metric


def test_unknown_link_values_open_with_defaults_and_a_notice(demo_lake):
    at = run_page("overview", phase="<script>alert(1)</script>", year="1999/00")
    assert any("not know" in w.value for w in at.warning)
    assert at.multiselect(key="phase").value == []
    assert "<script>" not in "".join(m.value for m in at.markdown)


def test_anonymised_overview_names_no_school(demo_lake, lake_api):
    at = run_page("overview", anon="true")
    text = page_text(at)
    names = lake_api._df("SELECT school_name FROM schools")["school_name"].dropna()
    assert not [n for n in names if n in text]


def test_open_app_sees_a_load_without_restart(demo_lake, tmp_path, monkeypatch, lake_kind):
    """A load run by the CLI while the page is open shows on the page's next run; on a replica
    reading Parquet, once the loader machine has published the loaded lake."""

    lake = tmp_path / "senco.duckdb"                 # a private copy: other tests keep the demo as built
    shutil.copyfile(demo_lake, lake)
    monkeypatch.setenv("SENCO_LAKE", str(lake))
    parquet = publish(lake, lake_kind)
    if parquet:
        monkeypatch.setenv("SENCO_PARQUET_LAKE", str(parquet))
    lake_api = LakeAPI(Reader(path=lake))
    at = run_page("overview")
    before = int(metric(at, "Returns received").replace(",", ""))
    missing = lake_api.missing_returns(lake_api_filters(lake_api.current_year()))
    assert not missing.empty, "the demo's current year should have schools still to return"
    urn, name = int(missing.urn.iloc[0]), missing.school_name.iloc[0]
    f = tmp_path / "late-return.csv"
    f.write_text("urn,school_name,academic_year,senco_hours_per_week,senco_on_slt\n"
                 f"{urn},{name},{lake_api.current_year()},1 day,yes\n")
    proc = subprocess.run([sys.executable, "-m", "etl", "load", str(f)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if parquet:
        at.run()                                     # not published yet: the replica shows what it had
        assert int(metric(at, "Returns received").replace(",", "")) == before
        proc = subprocess.run([sys.executable, "-m", "etl", "export-parquet", str(parquet)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    at.run()
    assert int(metric(at, "Returns received").replace(",", "")) == before + 1
    _api.clear()


def lake_api_filters(year):
    return Filters(year=year)
