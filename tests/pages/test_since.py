"""The "since" view, run headless against a demo lake whose loads are dated over the years and
which has taken one resubmission today (tests/lake/history_lake.py), as the file or its Parquet
export. Figures are checked against the lake's tables read directly."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from lake.since import default_since
from lake.store import writing
from tests.lake.history_lake import make_history_lake
from tests.pages.apptest import metric, page_text, run_page, serving


@pytest.fixture(scope="module")
def history(demo_lake, lake_kind, tmp_path_factory):
    made = make_history_lake(demo_lake, tmp_path_factory.mktemp(f"since-{lake_kind}"))
    with serving(made.lake, lake_kind):
        yield made


def received_since(lake, day: dt.date) -> tuple[int, int]:
    """(new returns, resubmissions) loaded on or after `day`, straight from the lake's history."""
    con = duckdb.connect(str(lake), read_only=True)
    try:
        rows = con.execute("""
            SELECT h.urn, h.academic_year, h.load_id, l.loaded_at >= ? AS recent,
                   EXISTS (SELECT 1 FROM returns_history e WHERE e.urn = h.urn AND e.academic_year = h.academic_year
                           AND e.load_id < h.load_id) AS resent
            FROM returns_history h JOIN loads l USING (load_id)""", [day]).fetchall()
    finally:
        con.close()
    recent = [r for r in rows if r[3]]
    return sum(not r[4] for r in recent), sum(bool(r[4]) for r in recent)


def test_a_link_since_today_shows_the_resubmission_and_what_it_crossed(history):
    today = dt.date.today()
    at = run_page("since", since=today.isoformat())
    assert at.title[0].value == "What changed since"
    assert at.date_input(key="since").value == today
    assert (metric(at, "New returns"), metric(at, "Resubmissions")) == ("0", "1")
    assert metric(at, "Crossed a threshold or flag") == "1"
    link = f"]({'schools?school=' + str(history.urn)}&year={history.year.replace('/', '%2F')})"
    listed = [m.value for m in at.markdown if link in m.value]
    assert len(listed) == 1, [m.value for m in at.markdown]
    item = listed[0]
    assert "below the recommended time" in item and "SENCO not a qualified teacher\\: flag raised" in item
    assert "No SEN information report\\: flag cleared" in item
    grids = {tuple(df.value.columns): df.value for df in at.dataframe}
    received = next(g for cols, g in grids.items() if "Kind" in cols)
    assert received[["School", "URN", "Kind", "Status"]].values.tolist() == [
        [history.name, history.urn, "Resubmission", "Current"]]
    assert received.Profile.tolist() == [f"schools?school={history.urn}&year={history.year.replace('/', '%2F')}"]
    share = next(c.value for c in at.code)
    assert f"since={today.isoformat()}" in share


def test_since_the_newest_collection_counts_what_the_lake_holds(history):
    day = (history.main[history.year] - dt.timedelta(days=1)).date()
    at = run_page("since", since=day.isoformat())
    new, resent = received_since(history.lake, day)
    assert new > 5 and resent == 2            # the demo's corrected form, and today's resubmission
    assert (metric(at, "New returns"), metric(at, "Resubmissions")) == (f"{new:,}", f"{resent:,}")


def test_anonymised_since_names_no_school_and_withholds_small_counts(history):
    day = (history.main[history.year] - dt.timedelta(days=1)).date()
    at = run_page("since", since=day.isoformat(), anon="true")
    text = page_text(at)
    assert any("does not list schools by name" in i.value for i in at.info)
    con = duckdb.connect(str(history.lake), read_only=True)
    names = [n for (n,) in con.execute("SELECT DISTINCT school_name FROM schools UNION "
                                       "SELECT DISTINCT school_name FROM returns_history").fetchall() if n]
    urns = [str(u) for (u,) in con.execute("SELECT urn FROM schools").fetchall()]
    con.close()
    assert not [n for n in names if n in text]
    assert not [u for u in urns if u in text]
    assert metric(at, "Resubmissions") == "<5"
    assert "schools?school=" not in text


def test_a_bad_or_future_date_opens_the_default_with_a_notice(history):
    today = dt.date.today()
    for bad in ("not-a-date", (today + dt.timedelta(days=3)).isoformat()):
        at = run_page("since", since=bad)
        assert any("'since'" in w.value and "not recognised" in w.value for w in at.warning), bad
        assert at.date_input(key="since").value == default_since(today)


def test_filters_narrow_the_changes_to_their_schools(history):
    con = duckdb.connect(str(history.lake), read_only=True)
    phase = con.execute("SELECT phase FROM schools WHERE urn = ?", [history.urn]).fetchall()[0][0]
    con.close()
    today = dt.date.today().isoformat()
    other = "secondary" if phase != "secondary" else "primary"
    assert metric(run_page("since", since=today, phase=other), "Resubmissions") == "0"
    assert metric(run_page("since", since=today, phase=phase), "Resubmissions") == "1"
    assert "No schools match" in page_text(run_page("since", since=today, phase="special", size="1,000 or more"))


def test_a_lake_without_returns_says_so_on_both_views(tmp_path):
    lake = tmp_path / "senco.duckdb"
    with writing(lake) as con:
        con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, source) "
                    "VALUES (100001, 'Ash Primary', 900, 'Testshire', 'primary', 'test')")
    with serving(lake):
        for name in ("since", "trends"):
            at = run_page(name)
            assert any("No SENCO returns in the lake yet" in i.value for i in at.info), name
