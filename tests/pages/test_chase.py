"""The chase list section of the Returns & data quality page (ui/chase.py), run headless with AppTest
on the small hand-checkable lake: Elm Primary has sent nothing for 2025/26; Gorse Primary (added here)
sent a file whose every row was rejected; Hazel Primary (added here) has its head on the register.
The last-chased note is entered through the page and read back from the lake."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_returns
from lake import chase
from lake.api import LakeAPI
from lake.store import Reader, writing
from tests.lake import small_lake
from tests.pages.apptest import ROOT, page_text, publish, served, use_lake
from ui.context import _api

PAGE = str(ROOT / "pages" / "data_quality.py")
YEAR = "2025/26"
ROW = ("{urn},{name},2025/26,primary,100,90,20,6,10,yes,yes,not started,01/09/2020,,1,no,0,yes,yes,,not judged\n")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:

    path = small_lake.build(tmp_path_factory.mktemp("chase-page") / "senco.duckdb")
    with writing(path) as con:
        for urn, name in ((100007, "Gorse Primary"), (100008, "Hazel <b>Primary</b>")):
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, "
                        "source) VALUES (?, ?, 900, 'Testshire', 'primary', 'Community school', "
                        "'Local authority maintained schools', 'test')", [urn, name])
        con.execute("UPDATE schools SET head_title = 'Dr', head_first_name = 'Ravi', head_last_name = 'Shah', "
                    "head_job_title = 'Headteacher', telephone = '01632960108', website = 'www.hazel.example' "
                    "WHERE urn = 100008")
    bad = small_lake.HEADER + ROW.format(urn=100007, name="Gorse Primary")
    assert load_returns([("gorse.csv", bad.encode())], path)[0].rejected == 1
    return path


@pytest.fixture()
def lake(base, tmp_path, monkeypatch):
    """A private copy the app reads (tests here write notes into it)."""
    path = tmp_path / "senco.duckdb"
    shutil.copyfile(base, path)
    monkeypatch.delenv("SENCO_COLLECTION_DEADLINE", raising=False)
    before = served()
    use_lake(path)
    yield path
    use_lake(*before)


def run(**params) -> AppTest:
    _api.clear()
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chase_table(at: AppTest):
    for df in at.dataframe:
        if {"URN", "Status", "Reasons"} <= set(df.value.columns):
            return df.value
    raise AssertionError([list(d.value.columns) for d in at.dataframe])


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_the_list_shows_status_reasons_and_the_registers_contacts(lake):
    at = run()
    shown = chase_table(at)
    assert shown.URN.astype(int).tolist() == [100007, 100005, 100008]     # the rejected file first, then by name
    rows = shown.set_index(shown.URN.astype(int))
    assert rows.loc[100007, "Status"] == "File received, every row rejected"
    assert "more than the number on roll (100)" in rows.loc[100007, "Reasons"]
    assert rows.loc[100005, "Status"] == rows.loc[100005, "Reasons"] == "No return received"
    assert (rows.loc[100008, "Head teacher"], rows.loc[100008, "Telephone"], rows.loc[100008, "Website"]) == (
        "Dr Ravi Shah", "01632960108", "www.hazel.example")
    assert rows.loc[100008, "School"] == "Hazel <b>Primary</b>"            # a cell of text, not markup
    assert metric(at, "Schools without a return") == "3"
    assert metric(at, "Of them, file received but every row rejected") == "1"
    assert "No deadline is set" in page_text(at)
    labels = [str(e.proto.label) for e in at.get("download_button")]
    assert "Mail merge (CSV)" in labels and "Mail merge (XLSX)" in labels


def test_the_deadline_and_days_left_for_the_latest_collection(lake, monkeypatch):
    due = dt.date.today() + dt.timedelta(days=12)
    monkeypatch.setenv("SENCO_COLLECTION_DEADLINE", due.isoformat())
    text = page_text(run())
    assert f"Returns are due by {due:%A} {due.day} {due:%B %Y}: 12 days left." in text
    # An earlier year's list is not counted down to this year's deadline.
    earlier = page_text(run(year="2024/25"))
    assert "days left" not in earlier and "not the latest collection" in earlier


def test_a_last_chased_note_is_kept_in_the_lake_and_shown_as_text(lake):

    at = run()
    at.selectbox(key="chase-note-school").set_value(100005)
    at.date_input(key="chase-note-date").set_value(dt.date.today() - dt.timedelta(days=1))
    at.text_area(key="chase-note-text").input("Phoned <b>office</b> :red[now] =SUM(A1)")
    next(b for b in at.button if b.label == "Save the note").click()
    at.run()
    assert not at.exception
    notes = chase.notes(LakeAPI(Reader(path=lake)), YEAR)
    assert notes.urn.tolist() == [100005]
    assert notes.note.tolist() == ["Phoned <b>office</b> :red[now] =SUM(A1)"]
    assert pd.Timestamp(notes.chased_on.iloc[0]).date() == dt.date.today() - dt.timedelta(days=1)
    rows = chase_table(at).set_index("URN")
    assert rows.loc[100005, "Last chased note"] == "Phoned <b>office</b> :red[now] =SUM(A1)"
    assert any("Saved the note for Elm Primary" in s.value for s in at.success)
    # Nothing the officer typed reached Markdown unescaped.
    assert not any("<b>office</b>" in str(m.value) or ":red[now]" in str(m.value) for m in at.markdown)


def test_a_note_without_a_school_is_refused_and_changes_nothing(lake):
    before = lake.read_bytes()
    at = run()
    at.text_area(key="chase-note-text").input("Phoned")
    next(b for b in at.button if b.label == "Save the note").click()
    at.run()
    assert any("choose a school" in e.value for e in at.error)
    assert lake.read_bytes() == before


def test_anonymised_mode_hides_the_list_contacts_notes_and_mail_merge(lake):
    at = run(anon="true")
    text = page_text(at)
    assert metric(at, "Schools without a return") == "3"
    for secret in ("Elm Primary", "Gorse Primary", "Ravi Shah", "01632960108", "www.hazel.example"):
        assert secret not in text
    assert not at.get("download_button")
    assert not at.text_area


def test_a_read_only_replica_shows_the_list_but_takes_no_notes(lake, tmp_path):
    use_lake(lake, publish(lake, "parquet"))
    at = run()
    assert chase_table(at).URN.astype(int).tolist() == [100007, 100005, 100008]
    assert not at.text_area
    assert "read-only" in page_text(at)


def test_a_replica_shows_when_each_school_was_last_chased(lake):
    """The loader's export carries the notes: an officer reading the chase list on a replica sees the
    last chase, and is told notes are entered on the loading server."""
    chased_on = dt.date.today() - dt.timedelta(days=3)
    chase.record_note(lake, 100005, YEAR, chased_on, "Left a voicemail for the SENCO")
    use_lake(lake, publish(lake, "parquet"))
    at = run()
    rows = chase_table(at).set_index("URN")
    assert rows.loc[100005, "Last chased note"] == "Left a voicemail for the SENCO"
    assert pd.Timestamp(rows.loc[100005, "Last chased"]).date() == chased_on
    assert not at.text_area
    assert "entered on the server that loads returns" in page_text(at)


def test_a_replica_reading_an_export_from_before_notes_were_exported_shows_the_list(lake):
    export = publish(lake, "parquet")
    (export / "chase_notes.parquet").unlink()          # as an earlier release's export was written
    use_lake(lake, export)
    at = run()
    assert chase_table(at).URN.astype(int).tolist() == [100007, 100005, 100008]
    assert "read-only" in page_text(at)
