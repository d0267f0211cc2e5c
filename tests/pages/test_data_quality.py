"""Returns & data quality page, run headless with AppTest, and its upload helpers (ui.upload).

The page tests run on a private copy of the session's demo lake (tests/conftest.py
`demo_lake`) with a few rejected rows added for the current year, so nothing here
changes the lake other test modules read. Until etl/demo.py exists the copy is made
from the small hand-made lake of tests/lake/small_lake.py instead.

Each page test runs on the lake file and on a Parquet export of it (tests/pages/conftest.py).
A replica reading Parquet cannot write to the lake: there the upload tests check that the
upload tab says so, and tests that change the lake change the file and publish a new export,
as the loader machine does.
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from domain.columns import COLUMNS as RETURN_COLUMNS
from domain.problems import CODES
from etl import load
from etl.load import load_returns
from lake.api import Filters, LakeAPI
from lake.store import Reader, writing
from tests.lake import small_lake
from tests.pages.apptest import ROOT, page_text, publish, run_page, serve, serving
from ui import history, upload
from ui.styles import CSS, SCRIPT
from ui.upload import md_escape, template_file

TABS = ["Chase list", "Rejected rows", "Load history", "Upload returns", "Template"]
BAD_FILE = "dq-test-bad-rows.csv"
COLUMNS = ["urn", "school_name", "academic_year", "number_on_roll", "sen_support_pupils", "ehcp_pupils",
           "senco_hours_per_week", "senco_on_slt"]


def return_csv(*rows: tuple) -> bytes:
    """A return file with a header and these rows (quoted properly: school names have commas)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode()


def dictionary_examples() -> set[str]:
    """Example values in the data dictionary (domain.columns): not lake data, even when one is a real name."""
    return {c.example for c in RETURN_COLUMNS if c.example}


# ------------------------------------------------------------------ lakes
def base_lake(request, tmp_path_factory) -> Path:
    """The session's demo lake, or (until etl/demo.py exists) a small hand-made one."""
    if importlib.util.find_spec("etl.demo") is not None:
        return request.getfixturevalue("demo_lake")
    path = tmp_path_factory.mktemp("dq-small-lake") / "senco.duckdb"
    return small_lake.build(path)


def api_for(path: Path):
    return LakeAPI(Reader(path=path))


def published_api(path: Path, kind: str):
    """The read API a user of the app sees `path` through: the file, or a fresh Parquet export of it."""
    parquet = publish(path, kind)
    return LakeAPI(Reader(parquet=str(parquet))) if parquet else api_for(path)


def assert_upload_unavailable(at: AppTest) -> None:
    """The upload tab of an app reading a Parquet replica: a clear message and nothing to upload with."""
    assert "Upload returns" in [h.value for h in at.header]
    assert not at.file_uploader
    assert not [b for b in at.button if b.key == "load-returns"]
    notes = [i.value for i in at.info]
    assert any("not available on this server" in n and "read-only" in n for n in notes), notes
    assert not any("anonymised mode" in n for n in notes)        # turning it off would not help


@pytest.fixture(scope="module")
def dq_lake(request, tmp_path_factory, lake_kind):
    """A private copy of the lake with rejected rows for the current year; the app reads it (or,
    on the "parquet" run, its export)."""

    src = base_lake(request, tmp_path_factory)
    path = tmp_path_factory.mktemp("dq-lake") / "senco.duckdb"
    shutil.copyfile(src, path)
    api = api_for(path)
    year = api.current_year()
    missing = api.missing_returns(Filters(year=year))
    assert len(missing) >= 1, "the lake should have schools still to return in its current year"
    urn, name = int(missing.urn.iloc[0]), str(missing.school_name.iloc[0])
    bad = return_csv(
        (urn, name, year, 100, 90, 20, 6, "yes"),                                 # SEND pupils above roll
        ("", "Nameless <b>School</b>", year, 100, 10, 1, 6, "no"),               # no URN; HTML in a name
        (int(missing.urn.iloc[-1]), missing.school_name.iloc[-1], year, 200, 20, 2, "20%", "no"),  # a share
    )
    outcomes = load_returns([(BAD_FILE, bad)], path)
    assert outcomes[0].rejected == 3
    with serving(path, lake_kind):
        yield {"path": path, "year": year, "rejected_urn": urn, "rejected_name": name}


@pytest.fixture()
def fresh_lake(dq_lake, tmp_path, lake_kind):
    """A throw-away copy of the private lake, for tests that load into it; the app reads it."""
    path = tmp_path / "senco.duckdb"
    shutil.copyfile(dq_lake["path"], path)
    with serving(path, lake_kind):
        yield path


def run(**params) -> AppTest:
    return run_page("data_quality", **params)


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all these columns."""
    for df in at.dataframe:
        if all(c in df.value.columns for c in columns):
            return df.value
    raise AssertionError(f"no table with {columns}: {[list(d.value.columns) for d in at.dataframe]}")


def metric(at: AppTest, label: str) -> int:
    for m in at.metric:
        if m.label == label:
            return int(str(m.value).replace(",", ""))
    raise AssertionError(f"no metric {label!r}")


def lake_names(path: Path) -> list[str]:
    """Every school name the lake holds, in the register, the returns and the rejects."""
    api = api_for(path)
    names = api._df("SELECT school_name FROM schools UNION SELECT school_name FROM returns "
                    "UNION SELECT school_name FROM rejects")["school_name"].dropna()
    return sorted({n for n in names if len(n) > 3})


# ------------------------------------------------------------------ tabs
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders(dq_lake, tab):
    at = run(tab=tab)
    assert at.title[0].value == "Returns & data quality"
    headers = [h.value for h in at.header]
    assert tab in headers and not set(TABS) - {tab} & set(headers)   # only the open tab's content runs
    assert "tab=" + tab.replace(" ", "+") in page_text(at)  # the share link keeps the tab


def test_chase_list_names_schools_without_a_return(dq_lake):

    api = api_for(dq_lake["path"])
    year = dq_lake["year"]
    frame = api.school_year(Filters(year=year))
    expected = api.missing_returns(Filters(year=year))
    at = run()
    shown = frame_with(at, "URN", "School")
    assert sorted(shown.URN.astype(int)) == sorted(expected.urn.astype(int))
    on_register = frame[frame.on_register.astype(bool)]
    received = int(on_register.has_return.astype(bool).sum())
    assert metric(at, "Schools without a return") == len(expected) == len(on_register) - received
    assert metric(at, "Schools on the register in scope") == len(on_register)
    assert metric(at, "Returns received from them") == received
    # A school whose only row was rejected is still to be chased.
    assert dq_lake["rejected_urn"] in set(shown.URN.astype(int))
    assert len(at.get("download_button")) >= 2               # CSV and XLSX


def test_chase_list_follows_the_url_filters(dq_lake):

    api = api_for(dq_lake["path"])
    phase = api.options("phase")[0]
    expected = api.missing_returns(Filters(year=dq_lake["year"], phase=(phase,)))
    at = run(phase=phase)
    assert at.multiselect(key="phase").value == [phase]
    assert metric(at, "Schools without a return") == len(expected)


def test_chase_list_ignores_the_senco_profile_filters(dq_lake):
    """A school that has not returned has no SENCO profile, so those filters would hide every school."""

    expected = api_for(dq_lake["path"]).missing_returns(Filters(year=dq_lake["year"]))
    at = run(time="Under 1 day", slt="On SLT")
    assert metric(at, "Schools without a return") == len(expected)
    assert any("not applied here" in c.value for c in at.caption)


def test_rejected_rows_are_the_returns_only(dq_lake, fresh_lake, lake_kind):
    """Rows rejected from official data files (no academic year) are not listed as a school's rejects."""

    with writing(fresh_lake) as con:
        con.execute("INSERT INTO loads VALUES (9999, 'census', 'census-file.csv', 'abc', now()::TIMESTAMP, 1, 0, 1, "
                    "'loaded', '', NULL)")
        con.execute("INSERT INTO rejects (load_id, source_file, row_number, urn, school_name, academic_year, "
                    "raw_values, reasons, codes) VALUES (9999, 'census-file.csv', 5, NULL, 'Census Row School', NULL, "
                    "'{}', 'Number on roll: is not a number', 'not-a-number')")
    serve(fresh_lake, lake_kind)                 # a replica sees the load once it is published
    at = run(tab="Rejected rows")
    assert "census-file.csv" not in set(frame_with(at, "File", "Reasons").File)
    history = frame_with(run(tab="Load history"), "File", "Rejected")
    assert "census-file.csv" in set(history.File)


def test_rejected_rows_show_reasons_and_raw_values(dq_lake):
    at = run(tab="Rejected rows")
    rows = frame_with(at, "File", "Row", "URN", "School", "Codes", "Reasons")
    ours = rows[rows.File == BAD_FILE]
    assert len(ours) == 3
    assert set(ours.Codes) == {"send-above-roll", "required-missing", "hours-as-share"}
    counts = frame_with(at, "Code", "What it means", "What the school should do", "Open", "Resolved")
    by_code = counts.set_index("Code")
    for code in ("send-above-roll", "required-missing", "hours-as-share"):
        assert by_code.loc[code, "Open"] >= 1
        assert by_code.loc[code, "What the school should do"] == CODES[code].fix
    assert metric(at, "Rows rejected") == metric(at, "Still open") + metric(at, "Resolved by a later return")
    assert metric(at, "Still open") == len(rows) == counts.Open.sum() - _extra_codes(rows)
    # One row's raw values, as text in a code block.
    assert at.selectbox(key="row").value is not None
    assert at.code and json.loads(at.code[-1].value)


def _extra_codes(rows: pd.DataFrame) -> int:
    """Rows with several codes count under each: how many more counts than rows that makes."""
    return int(sum(len(c.split(", ")) - 1 for c in rows.Codes))


def test_a_later_return_marks_the_schools_rejects_resolved_and_keeps_them(dq_lake, fresh_lake, lake_kind):

    before = run(tab="Rejected rows")
    still_open, resolved = metric(before, "Still open"), metric(before, "Resolved by a later return")
    urn, name, year = dq_lake["rejected_urn"], dq_lake["rejected_name"], dq_lake["year"]
    open_before = frame_with(before, "File", "URN", "Academic year", "Codes", "Reasons")
    theirs = int(((open_before.URN.astype(str) == str(urn)) & (open_before["Academic year"] == year)).sum())
    assert theirs >= 1
    outcome, = load_returns([("corrected.csv", return_csv((urn, name, year, 100, 10, 2, 6, "yes")))], fresh_lake)
    assert (outcome.accepted, outcome.rejected) == (1, 0)
    serve(fresh_lake, lake_kind)
    at = run(tab="Rejected rows")
    assert metric(at, "Still open") == still_open - theirs
    assert metric(at, "Resolved by a later return") == resolved + theirs
    assert metric(at, "Rows rejected") == metric(before, "Rows rejected")        # nothing deleted
    open_rows = frame_with(at, "File", "URN", "Codes", "Reasons")
    assert str(urn) not in set(open_rows.URN.astype(str))
    done = frame_with(at, "URN", "Resolved on", "Resolved by load", "Resolved by file")
    done = done[done.URN.astype(str) == str(urn)]
    assert len(done) == theirs
    assert set(done["Resolved by load"]) == {outcome.load_id} and set(done["Resolved by file"]) == {"corrected.csv"}
    assert all(str(d)[:4].isdigit() for d in done["Resolved on"])
    counts = frame_with(at, "Code", "Open", "Resolved").set_index("Code")
    assert counts.loc["send-above-roll", "Resolved"] >= 1


def test_raw_values_of_the_selected_row_are_text_not_html(dq_lake):
    at = run(tab="Rejected rows")
    rows = api_for(dq_lake["path"]).rejects(dq_lake["year"])
    nameless = rows[(rows.source_file == BAD_FILE) & rows.urn.isna()].iloc[0]
    at.selectbox(key="row").set_value(f"{nameless.load_id}-{nameless.row_number}").run()
    assert not at.exception
    assert "Nameless <b>School</b>" in at.code[-1].value             # shown verbatim as text
    fixed = (CSS.strip(), SCRIPT.strip(), history.SCRIPT.strip())   # the page's own stylesheet and scripts only
    assert all(h.proto.body.strip() in fixed for h in at.get("html"))
    assert not any(m.proto.allow_html for m in at.markdown)


def test_load_history_balances(dq_lake):
    at = run(tab="Load history")
    loads = frame_with(at, "Rows read", "Accepted", "Rejected", "File", "SHA-256 (first 12)")
    assert (loads["Rows read"] == loads.Accepted + loads.Rejected).all()
    assert set(loads["Read = accepted + rejected"]) == {"yes"}
    assert BAD_FILE in set(loads.File)
    assert loads["SHA-256 (first 12)"].str.len().eq(12).all()
    api = api_for(dq_lake["path"])
    all_loads = api.loads()
    assert len(loads) == len(all_loads)
    text = page_text(at)
    assert (f"{int(all_loads.rows_read.sum()):,} rows read = {int(all_loads.accepted.sum()):,} accepted + "
            f"{int(all_loads.rejected.sum()):,} rejected") in text
    fresh = frame_with(at, "Data", "Last loaded", "Files loaded")
    assert "SENCO returns" in set(fresh.Data)
    assert len(fresh) == len(api.lake_freshness())


def test_template_tab_offers_the_workbook_and_the_dictionary(dq_lake):
    at = run(tab="Template")
    labels = [b.label for b in at.get("download_button")]
    assert "Download the blank SENCO return (XLSX)" in labels
    dictionary = frame_with(at, "Column (CSV header)", "Template label")
    assert list(dictionary["Column (CSV header)"]) == [c.name for c in RETURN_COLUMNS]


# ------------------------------------------------------------------ anonymised mode
@pytest.mark.parametrize("tab", TABS)
def test_anonymised_names_no_school_and_no_file(dq_lake, tab):
    at = run(tab=tab, anon="true")
    text = page_text(at)
    named = [n for n in lake_names(dq_lake["path"]) if n in text and n not in dictionary_examples()]
    assert not named, named
    assert BAD_FILE not in text
    assert str(dq_lake["rejected_urn"]) not in text


def test_anonymised_chase_list_shows_only_the_count(dq_lake):

    expected = api_for(dq_lake["path"]).missing_returns(Filters(year=dq_lake["year"]))
    at = run(anon="true")
    assert metric(at, "Schools without a return") == len(expected)
    assert not [df for df in at.dataframe if "URN" in df.value.columns or "School" in df.value.columns]
    assert any("hidden in anonymised mode" in i.value for i in at.info)


def test_anonymised_rejects_show_labels_and_codes_only(dq_lake):
    at = run(tab="Rejected rows", anon="true")
    rows = frame_with(at, "School", "Codes", "Status")
    assert not {"File", "URN", "Reasons"} & set(rows.columns)
    assert rows.School.str.match(r"^(School [0-9A-Z]{7}|Unknown school)$").all()
    assert not [s for s in at.selectbox if s.key == "row"]
    assert not [c for c in at.code if c.value.lstrip().startswith("{")]          # no raw values


def test_anonymised_upload_is_switched_off(dq_lake, lake_kind):
    at = run(tab="Upload returns", anon="true")
    if lake_kind == "parquet":                   # a replica cannot upload at all, anonymised or not
        assert_upload_unavailable(at)
        return
    assert not at.file_uploader
    assert any("switched off in anonymised mode" in i.value for i in at.info)


# ------------------------------------------------------------------ upload, in the page
def test_upload_previews_then_loads_and_the_return_shows_everywhere(dq_lake, fresh_lake, lake_kind):

    if lake_kind == "parquet":                   # a replica has no lake file to load into
        assert_upload_unavailable(run(tab="Upload returns"))
        return
    api = api_for(fresh_lake)
    year = dq_lake["year"]
    missing = api.missing_returns(Filters(year=year))
    urn, name = int(missing.urn.iloc[-1]), str(missing.school_name.iloc[-1])
    late = return_csv((urn, name, year, 150, 15, 2, "1 day", "yes"),
                      (999999999, "Not A School", year, 10, 1, 0, 3, "no"))
    at = run(tab="Upload returns")
    assert at.file_uploader[0].allowed_type == [".csv", ".xlsx", ".xls"]
    assert at.file_uploader[0].accept_multiple_files
    at.file_uploader[0].set_value([("late-return.csv", late, "text/csv"),
                                   ("broken.xlsx", b"this is not a workbook", "application/vnd.ms-excel"),
                                   ("again.csv", late, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    summary = frame_with(at, "File", "What happens", "Will load", "Will be rejected")
    row = summary.set_index("File")
    assert row.loc["late-return.csv", "What happens"] == "loads with rejects"
    assert (row.loc["late-return.csv", "Will load"], row.loc["late-return.csv", "Will be rejected"]) == (1, 1)
    assert row.loc["broken.xlsx", "What happens"] == "cannot be read"
    assert row.loc["again.csv", "What happens"] == "already loaded"
    assert any("broken" in e.value and "will not be loaded" in e.value for e in at.error)
    rejects = frame_with(at, "Row", "URN", "Codes", "Reasons")
    assert list(rejects.Row) == [3] and list(rejects.Codes) == ["urn-not-6-digits"]
    assert frame_with(at, "Code", "Rows", "What the school should do").to_dict("records") == [
        {"Code": "urn-not-6-digits", "Rows": 1, "What the school should do": CODES["urn-not-6-digits"].fix}]
    will_load = frame_with(at, "Row", "URN", "School name", "SENCO hours per week").to_dict("records")
    assert [(r["Row"], r["URN"], r["SENCO hours per week"]) for r in will_load] == [(2, str(urn), "6.5 h")]
    conversions = frame_with(at, "Column", "As written", "Loads as", "Rows")
    assert {"Column": "SENCO hours per week", "As written": "1 day", "Loads as": "6.5 h", "Rows": 1,
            "Row numbers": "2"} in conversions.to_dict("records")
    assert api.missing_returns(Filters(year=year)).urn.astype(int).eq(urn).any()     # nothing written yet

    button = at.button(key="load-returns")
    assert button.label == "Load 1 file into the lake"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = frame_with(at, "File", "Result", "Accepted", "Rejected")
    assert result.to_dict("records")[0] | {"Load": None} == {
        "File": "late-return.csv", "Result": "loaded", "Load": None, "Rows read": 2, "Accepted": 1, "Rejected": 1,
        "Message": ""}
    assert at.file_uploader and not at.file_uploader[0].value       # the uploader is emptied

    # The read API notices the new lake file: the school leaves the chase list on every page.
    assert not api.missing_returns(Filters(year=year)).urn.astype(int).eq(urn).any()
    chase = run()
    assert urn not in set(frame_with(chase, "URN", "School").URN.astype(int))
    history = frame_with(run(tab="Load history"), "File", "Rows read")
    assert "late-return.csv" in set(history.File)


def test_uploading_the_same_file_again_changes_nothing(dq_lake, fresh_lake, lake_kind):
    if lake_kind == "parquet":
        assert_upload_unavailable(run(tab="Upload returns"))
        return
    bad = api_for(fresh_lake)._df("SELECT raw_path FROM loads WHERE file_name = ?", [BAD_FILE]).raw_path.iloc[0]
    data = Path(bad).read_bytes()
    at = run(tab="Upload returns")
    at.file_uploader[0].set_value(("resent.csv", data, "text/csv")).run()
    assert not at.exception
    assert frame_with(at, "File", "What happens").loc[0, "What happens"] == "already loaded"
    assert at.button(key="load-returns").disabled


# ------------------------------------------------------------------ ui.upload, pure
def test_size_and_type_limits():

    assert upload.file_problem("return.csv", 1000) is None
    assert upload.file_problem("RETURN.XLSX", 1000) is None
    assert upload.file_problem("old.xls", 1000) is None
    assert "not accepted" in upload.file_problem("return.pdf", 1000)
    assert "not accepted" in upload.file_problem("return", 1000)
    assert "not accepted" in upload.file_problem("return.csv.exe", 1000)
    over = upload.MAX_UPLOAD_BYTES + 1
    message = upload.file_problem("big.csv", over)
    assert "20 MB limit" in message and "20.0 MB" in message
    assert upload.file_problem("big.csv", upload.MAX_UPLOAD_BYTES) is None
    assert upload.file_problem("empty.csv", 0) == "the file is empty"


def test_preview_counts_without_touching_the_lake(tmp_path):

    good = (ROOT / "tests" / "fixtures" / "returns" / "good.csv").read_bytes()
    mixed = (ROOT / "tests" / "fixtures" / "returns" / "mixed.csv").read_bytes()
    previews = upload.preview_files([("good.csv", good), ("mixed.csv", mixed), ("notes.pdf", b"%PDF-1.4"),
                                     ("huge.csv", b"x" * (upload.MAX_UPLOAD_BYTES + 1)), ("copy.csv", good),
                                     ("empty.csv", b"urn,school_name,academic_year\n")],
                                    today=dt.date(2026, 1, 10))
    p = {x.name: x for x in previews}
    assert (p["good.csv"].accepted, p["good.csv"].rejected, p["good.csv"].status) == (3, 0, "ready to load")
    assert (p["mixed.csv"].rows_read, p["mixed.csv"].accepted, p["mixed.csv"].rejected) == (7, 2, 5)
    assert p["mixed.csv"].status == "loads with rejects"
    assert list(upload.reject_table(p["mixed.csv"].outcome).Row) == [3, 4, 5, 7, 8]
    assert "not accepted" in p["notes.pdf"].problem and not p["notes.pdf"].will_load
    assert "limit" in p["huge.csv"].problem
    assert p["copy.csv"].repeat_in_batch and not p["copy.csv"].will_load
    assert "no rows of data" in p["empty.csv"].problem
    assert [name for name, _ in upload.to_load(previews)] == ["good.csv", "mixed.csv"]
    summary = upload.preview_summary(previews).set_index("File")
    assert summary.loc["copy.csv", "Will load"] == 0
    # Already in the lake: nothing to load.
    again = upload.preview_files([("good.csv", good)], {upload.sha256(good): 7})
    assert again[0].already_loaded == 7 and upload.to_load(again) == []
    assert not list(tmp_path.iterdir())


def test_preview_cache_validates_a_file_once(monkeypatch):

    calls = []
    real = load.check_returns
    monkeypatch.setattr(load, "check_returns", lambda *a, **k: calls.append(1) or real(*a, **k))
    good = (ROOT / "tests" / "fixtures" / "returns" / "good.csv").read_bytes()
    cache: dict = {}
    upload.preview_files([("good.csv", good)], cache=cache)
    upload.preview_files([("good.csv", good)], cache=cache)
    assert len(calls) == 1


def test_load_makes_the_return_appear_through_the_read_api(dq_lake, fresh_lake, lake_kind):
    """A load on the loader machine shows through the read API: of the file, or of the export published after it."""

    api = api_for(fresh_lake)
    year = dq_lake["year"]
    missing = api.missing_returns(Filters(year=year))
    urn, name = int(missing.urn.iloc[0]), str(missing.school_name.iloc[0])
    data = return_csv((urn, name, year, 120, 12, 1, "6 hrs", "no"))
    previews = upload.preview_files([("one.csv", data)], upload.loaded_hashes(api.loads()))
    outcomes = upload.load_files(upload.to_load(previews), fresh_lake)
    assert [(o.status, o.accepted, o.rejected) for o in outcomes] == [("loaded", 1, 0)]
    table = upload.outcome_table(outcomes)
    assert table.loc[0, "Result"] == "loaded"
    seen = published_api(fresh_lake, lake_kind)
    row = seen.school_year(Filters(year=year)).set_index("urn").loc[urn]
    assert bool(row.has_return) and row.senco_hours_per_week == 6
    assert urn not in set(seen.missing_returns(Filters(year=year)).urn.astype(int))
    # The same bytes again: the loader changes nothing, and the preview says so first.
    again = upload.preview_files([("one.csv", data)], upload.loaded_hashes(api.loads()))
    assert again[0].already_loaded == outcomes[0].load_id
    assert upload.load_files(upload.to_load(again), fresh_lake) == []


def test_rejects_are_counted_by_code_open_and_resolved_apart():

    frame = pd.DataFrame({"codes": ["send-above-roll duplicate-in-file", "required-missing", "required-missing",
                                    None, "send-above-roll"],
                          "resolved_by_load": [None, None, 12, None, 14]})
    counts = upload.code_counts(frame)
    assert counts[["Code", "Open", "Resolved"]].to_dict("records") == [      # most open first, then most in all
        {"Code": "required-missing", "Open": 1, "Resolved": 1},
        {"Code": "send-above-roll", "Open": 1, "Resolved": 1},
        {"Code": "duplicate-in-file", "Open": 1, "Resolved": 0},
        {"Code": "unknown", "Open": 1, "Resolved": 0}]          # a row stored without a code
    assert counts.set_index("Code").loc["duplicate-in-file", "What it means"] == CODES["duplicate-in-file"].meaning
    # A row's problems from the lake's JSON, or recognised from a reason stored before codes.
    assert [p.code for p in upload.row_problems(None, "URN is missing; Phase: 'x' is not one of: primary")] == [
        "required-missing", "not-a-choice"]


def test_md_escape_makes_typed_text_inert():

    text = md_escape("**bold** [x](http://e) ![i](y) <b>:red[r]</b>\nnext `code` \\*")
    assert "\n" not in text
    # Every Markdown / directive character is preceded by a backslash that is not itself escaped.
    assert not re.search(r"(?<!\\)(\\\\)*[*\[\]()`:<>!_]", text), text
    assert md_escape("return 2025-26.csv") == r"return 2025\-26\.csv"


def test_template_file_is_a_workbook():


    data = template_file()
    if importlib.util.find_spec("etl.template") is None:
        assert data is None
        return
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames
