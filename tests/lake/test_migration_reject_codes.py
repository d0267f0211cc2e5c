"""Schema step 6: rejected rows keep their problems' codes, and are marked resolved by a later return.

A lake written before codes existed (tests/fixtures/lakes/v1.duckdb, with five rejected rows) upgrades
with each stored reason given the code its message is recognised by, every reason kept word for word;
a return loaded afterwards for a rejected row's school and year marks that row resolved, and only it."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from etl.load import load_returns
from lake.api import LakeAPI
from lake.store import Reader, upgrade
from tests.lake.test_migrations import OLD_LAKES, copy_lake


def rejects(lake):
    return LakeAPI(Reader(path=lake)).rejects().sort_values(["load_id", "row_number"]).reset_index(drop=True)


def test_old_rejects_get_codes_from_their_messages_and_keep_their_reasons(tmp_path):
    lake = copy_lake(OLD_LAKES[0], tmp_path)
    before = LakeAPI(Reader(path=lake))._df("SELECT load_id, row_number, reasons FROM rejects ORDER BY 1, 2")
    upgrade(lake)
    after = rejects(lake)
    assert list(after.reasons) == list(before.reasons)
    assert list(after.codes) == ["required-missing", "send-above-roll", "hours-as-share",
                                 "duplicate-in-file", "duplicate-in-file"]
    problems = [json.loads(p) for p in after.problems]
    assert [[(p["code"], p["column"]) for p in ps] for ps in problems] == [
        [("required-missing", "urn")], [("send-above-roll", "number_on_roll")],
        [("hours-as-share", "senco_hours_per_week")], [("duplicate-in-file", "urn")], [("duplicate-in-file", "urn")]]
    assert [ps[0]["message"] for ps in problems] == list(before.reasons)
    assert after.resolved_by_load.isna().all()        # no later return for any of them in this lake


def test_a_later_return_resolves_the_rejects_of_its_school_and_year_only(tmp_path):
    lake = copy_lake(OLD_LAKES[0], tmp_path)
    upgrade(lake)
    data = (b"urn,school_name,academic_year,number_on_roll,sen_support_pupils,ehcp_pupils\n"
            b"117728,Over Roll Primary,2025-26,60,48,7\n"
            b"117729,Share Of Time Junior,2024/25,200,20,2\n")          # another year: resolves nothing
    outcome, = load_returns([("corrected.csv", data)], lake, today=dt.date(2026, 1, 10))
    assert (outcome.accepted, outcome.rejected) == (2, 0)
    after = rejects(lake).set_index("urn", drop=False)
    assert len(after) == 5                                # nothing deleted
    assert after.loc["117728", "resolved_by_load"] == outcome.load_id
    assert after.loc["117728", "resolved_by_file"] == "corrected.csv"
    assert isinstance(after.loc["117728", "resolved_at"], (dt.datetime, type(after.loaded_at.iloc[0])))
    assert after.drop(index="117728").resolved_by_load.isna().all()
    # Loading again changes nothing: the row stays resolved by the load that resolved it.
    again, = load_returns([("corrected.csv", data)], lake, today=dt.date(2026, 1, 10))
    assert again.status == "unchanged"
    assert rejects(lake).set_index("urn").loc["117728", "resolved_by_load"] == outcome.load_id


def test_a_row_rejected_after_the_school_returned_stays_open(tmp_path):
    lake = tmp_path / "senco.duckdb"
    head = b"urn,school_name,academic_year,number_on_roll,sen_support_pupils\n"
    today = dt.date(2026, 1, 10)
    load_returns([("first.csv", head + b"117728,Over Roll Primary,2025/26,60,10\n")], lake, today=today)
    load_returns([("second.csv", head + b"117728,Over Roll Primary,2025/26,60,70\n")], lake, today=today)
    [row] = rejects(lake).itertuples()
    assert row.codes == "send-above-roll" and pd.isna(row.resolved_by_load)          # still open
    third, = load_returns([("third.csv", head + b"117728,Over Roll Primary,2025/26,60,12\n")], lake, today=today)
    [row] = rejects(lake).itertuples()
    assert row.resolved_by_load == third.load_id
