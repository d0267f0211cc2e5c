"""A lake from before official data kept its layouts (schema version 1, the committed fixture)
upgrades keeping its Ofsted rows, each grade under the date it came with, then takes the
published files and reads them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from etl.sources import load_official
from lake import migrations
from lake.api import Filters, LakeAPI
from lake.store import Reader, upgrade
from tests.lake.test_migrations import OLD_LAKES, copy_lake

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"
JAN_2026 = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv"


def test_old_ofsted_rows_keep_their_grades_and_dates_and_new_files_load(tmp_path):
    # The version 1 lake holds what the earlier loader stored: one date per school, for whichever
    # grade it had: 100001 an OEIF grade 2 of 1 March 2023, 100003 a report card of 1 December 2025.
    lake = copy_lake(OLD_LAKES[0], tmp_path)
    upgrade(lake)
    con = duckdb.connect(str(lake), read_only=True)
    try:
        assert migrations.version_of(con) == migrations.CURRENT
        rows = con.execute("SELECT urn, overall_effectiveness, overall_effectiveness_published, oeif_inspection_date, "
                           "inclusion, inclusion_date, safeguarding_date, as_at FROM ofsted ORDER BY urn").fetchall()
    finally:
        con.close()
    assert rows == [(100001, 2, "2", dt.date(2023, 3, 1), None, None, None, None),
                    (100003, None, None, None, "expected standard", dt.date(2025, 12, 1), dt.date(2025, 12, 1), None)]
    frame = LakeAPI(Reader(path=lake)).school_year(Filters(year="2025/26")).set_index("urn")
    assert frame.loc[100001, "ofsted_oeif_date"].date() == dt.date(2023, 3, 1)
    assert frame.loc[100003, "ofsted_inclusion_date"].date() == dt.date(2025, 12, 1)
    assert frame.loc[100003, "ofsted_official_date"].date() == dt.date(2025, 12, 1)

    for kind, name in (("gias", "links_edubasealldata20260110.csv"), ("ofsted", JAN_2026)):
        out = load_official(kind, name, (FIXTURES / name).read_bytes(), lake)
        assert out.status == "loaded", out.message
    con = duckdb.connect(str(lake), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM school_links").fetchall() == [(2,)]
        assert con.execute("SELECT inclusion_date FROM ofsted WHERE urn = 118097").fetchall() == \
            [(dt.date(2025, 11, 18),)]
    finally:
        con.close()
