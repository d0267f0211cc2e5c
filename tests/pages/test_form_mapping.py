"""The Upload returns tab with online-form exports (ui/mapping.py), run headless with AppTest:
an unseen form is mapped, corrected, previewed and loaded; the next export of the same form
loads with the saved mapping; the Template tab offers the form to send."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_returns
from tests.pages.apptest import ROOT, run_page, serving

FORMS = ROOT / "tests" / "fixtures" / "forms"
RETURNS = ROOT / "tests" / "fixtures" / "returns"


@pytest.fixture()
def lake(tmp_path):
    path = tmp_path / "senco.duckdb"
    good = RETURNS / "good.csv"
    load_returns([(good.name, good.read_bytes())], path)
    with serving(path):
        yield path


def run(**params) -> AppTest:
    return run_page("data_quality", **params)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def selectbox(at: AppTest, label: str):
    found = [s for s in at.selectbox if s.label.replace("\\", "") == label]
    assert found, [s.label for s in at.selectbox]
    return found[0]


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    for df in at.dataframe:
        if all(c in df.value.columns for c in columns):
            return df.value
    raise AssertionError(f"no table with {columns}")


def upload(at: AppTest, path: Path) -> AppTest:
    at.file_uploader[0].set_value([(path.name, path.read_bytes(), "text/csv")])
    return rerun(at)


def test_an_unseen_form_is_mapped_corrected_previewed_and_next_years_export_needs_no_mapping(lake):
    at = upload(run(tab="Upload returns"), FORMS / "ms-forms-2025-26.csv")
    assert any("a Microsoft Forms export" in s.value.replace("\\", "") for s in at.subheader)
    assert any("has not been mapped before" in i.value for i in at.info)
    started = selectbox(at, "When did your SENCO start in the role?")
    assert started.value is None                                   # no column proposed for it
    assert selectbox(at, "School URN").value == "urn"
    assert selectbox(at, "Is your SENCO a member of the senior leadership team?").value == "senco_on_slt"
    assert selectbox(at, "SENCO on senior leadership team: 'Yes – full member'").value == "yes"
    preview = frame_with(at, "Row", "What happens")
    assert preview.set_index("Row")["What happens"].to_dict() == {
        2: "superseded", 3: "rejected", 4: "loads", 5: "rejected", 6: "loads"}
    assert "Email" not in preview.columns and "Name" not in preview.columns
    assert preview.set_index("Row").loc[5, "URN"] == "11772"         # the rejected row shows what was typed
    assert "Jo Head" not in preview.to_string() and "alkborough.example" not in preview.to_string()

    started.set_value("senco_appointed_date")                        # the officer corrects one match ...
    at = rerun(at)
    selectbox(at, "SENCO qualification: 'Currently studying'").set_value("in progress")   # ... and one answer
    at = rerun(at)
    preview = frame_with(at, "Row", "What happens", "Date SENCO appointed")
    assert preview.set_index("Row")["What happens"].to_dict() == {
        2: "superseded", 3: "loads", 4: "loads", 5: "rejected", 6: "loads"}
    assert str(preview.set_index("Row").loc[4, "Date SENCO appointed"]) == "01/09/2021"
    con = duckdb.connect(str(lake), read_only=True)
    assert con.execute("SELECT count(*) FROM returns WHERE urn = 117730").fetchall() == [(0,)]   # nothing yet
    con.close()

    [button] = [b for b in at.button if b.label.startswith("Save the mapping and load")]
    assert button.label == "Save the mapping and load 5 responses from ms-forms-2025-26.csv"
    button.click()
    at = rerun(at)
    result = frame_with(at, "File", "Result", "Accepted", "Rejected").iloc[0]
    assert (result["Result"], result["Rows read"], result["Accepted"], result["Rejected"]) == ("loaded", 5, 3, 2)

    at = upload(at, FORMS / "ms-forms-2026-27.csv")                 # next year's export of the same form
    assert any("was mapped before" in s.value for s in at.success)
    assert not [s for s in at.selectbox if s.label.replace("\\", "") == "School URN"]   # no mapping asked for
    [button] = [b for b in at.button if b.label.startswith("Load 3 responses")]
    button.click()
    at = rerun(at)
    result = frame_with(at, "File", "Result", "Accepted", "Rejected").iloc[0]
    assert (result["Result"], result["Accepted"], result["Rejected"]) == ("loaded", 3, 0)
    con = duckdb.connect(str(lake), read_only=True)
    assert con.execute("SELECT academic_year, senco_qualification FROM returns WHERE urn = 117726 "
                       "ORDER BY 1").fetchall() == [("2025/26", "in progress"), ("2026/27", "in progress")]
    con.close()

    at = upload(at, FORMS / "ms-forms-2025-26.csv")                 # the first export again: it says so
    assert any("This exact file was loaded before" in i.value for i in at.info)


def test_a_mapping_missing_a_required_column_says_so_and_offers_no_load(lake):
    at = upload(run(tab="Upload returns"), FORMS / "google-forms-2025-26.csv")
    selectbox(at, "School URN").select_index(0)                     # (not used)
    at = rerun(at)
    assert any("no question is mapped to 'URN'" in e.value for e in at.error)
    assert not [b for b in at.button if "load" in b.label.lower() and "responses" in b.label]


def test_the_template_tab_offers_the_form_to_send(lake):
    at = run(tab="Template")
    labels = [b.label for b in at.get("download_button")]
    assert "Download the questions for an online form (TXT)" in labels
