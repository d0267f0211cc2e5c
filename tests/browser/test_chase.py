"""The chase list's mail merge, downloaded in a real browser and checked school by school against
the lake: one row per school still to return, its head teacher and telephone from the register,
and its own reasons (no return, or its rejected rows' reasons as the loader kept them)."""
from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.browser.conftest import WAIT_MS, no_exception, open_page, wait_ready


def download(page, key: str) -> tuple[str, bytes]:
    button = page.locator(f".st-key-{key} button:visible").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    wait_ready(page)
    with open(dl.path(), "rb") as fh:
        return dl.suggested_filename, fh.read()


def expected_from_lake(lake, year: str, phase: str) -> dict[int, dict]:
    """What each listed school's row should say, read from the lake's own tables."""

    api = LakeAPI(Reader(path=lake))
    missing = api.missing_returns(Filters(year=year, phase=(phase,)))
    out: dict[int, dict] = {}
    for urn in missing.urn.astype(int):
        school = api._df("SELECT head_title, head_first_name, head_last_name, telephone FROM schools WHERE urn = ?",
                         [int(urn)]).iloc[0]
        reasons = api._df(
            "SELECT r.reasons FROM rejects r JOIN loads l USING (load_id) WHERE l.kind = 'returns' "
            "AND TRY_CAST(trim(r.urn) AS INTEGER) = ? AND (r.academic_year = ? OR r.academic_year IS NULL)",
            [int(urn), year]).reasons.tolist()
        named = [str(v) for v in (school.head_title, school.head_first_name, school.head_last_name)
                 if isinstance(v, str) and v]
        out[int(urn)] = {"reasons": reasons, "telephone": school.telephone if isinstance(school.telephone, str) else "",
                         "head": " ".join(named) if len(named) > 1 else ""}
    return out


def test_the_chase_mail_merge_gives_each_school_its_row_and_reasons(app_url, page, app_lake, lake_facts):
    year = lake_facts["current_year"]
    phase = "primary" if "primary" in lake_facts["phases"] else lake_facts["phases"][0]
    open_page(page, f"{app_url}/data_quality?phase={phase}")
    no_exception(page)
    expected = expected_from_lake(app_lake, year, phase)
    assert expected, "the demo lake should have primary schools still to return"
    assert any(e["reasons"] for e in expected.values()), "and one whose file was wholly rejected"

    name, data = download(page, "chase-mailmerge-csv")
    assert name.endswith(".csv") and year.replace("/", "-") in name and f"phase-{phase}" in name
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(int(r["URN"]) for r in rows) == sorted(expected)           # one row per school, no other
    for r in rows:
        want = expected[int(r["URN"])]
        assert r["Head's name"] == want["head"], r
        assert r["Telephone"] == want["telephone"], r
        assert r["Academic year"] == year
        if want["reasons"]:
            assert r["Status"] == "File received, every row rejected"
            for reason in want["reasons"]:
                assert reason[1:] in r["Reasons"], (reason, r["Reasons"])     # (its first letter is capitalised)
        else:
            assert r["Status"] == "No return received" and r["Reasons"] == "No return received"

    name, _ = download(page, "chase-csv")                                    # the list itself, named alike
    assert f"phase-{phase}" in name and year.replace("/", "-") in name

    name, data = download(page, "chase-mailmerge-xlsx")
    assert name.endswith(".xlsx") and f"phase-{phase}" in name
    wb = load_workbook(io.BytesIO(data), read_only=True)
    table = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert table[0] == list(rows[0])                                         # the header is row 1
    assert sorted(int(r[0]) for r in table[1:]) == sorted(expected)
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True)}
    assert notes["Filter: Phase"] == phase and notes["Academic year"] == year
    assert pd.Timestamp(notes["Data as at"][:16]) is not None
    assert "email" in notes["Email addresses"]
