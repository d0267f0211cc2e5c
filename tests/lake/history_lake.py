"""A demo lake with a load history spread over the years, as an LA's lake would have it.

The demo builds every year's returns in one run, so every load carries the build's time. For the
"since" view that is no history at all; this copies the demo lake and dates each returns load in
its own academic year (the newest year's main collection 60 days ago, each earlier year a year
before that, corrections three weeks after each, official data before them), then loads one real
resubmission today through the ETL, for a school whose newest return is above the recommended time, has a qualified-teacher SENCO and no SEN
information report: the resubmission moves it below the time, raises the qualified-teacher flag
and clears the report flag.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.load import load_returns
from lake.api import Filters, LakeAPI
from lake.store import Reader

MAIN_DAYS_AGO = 60            # the newest year's main collection was loaded this long ago
CORRECTIONS_AFTER = 21        # and its corrections this many days after it


@dataclass
class History:
    lake: Path
    urn: int                    # the school that resubmitted today
    name: str
    year: str                   # the academic year it resubmitted for
    main: dict[str, dt.datetime]          # academic year -> when its main collection was loaded
    corrections: dict[str, dt.datetime]   # academic year -> when its corrections were loaded


def _when(file_name: str) -> tuple[str, bool] | None:
    m = re.search(r"(20\d\d)-(\d\d)", file_name)
    if not m:
        return None
    return f"{m.group(1)}/{m.group(2)}", ("correct" in file_name.lower())


def make_history_lake(demo_lake: Path, folder: Path) -> History:

    folder.mkdir(parents=True, exist_ok=True)
    lake = folder / demo_lake.name
    shutil.copyfile(demo_lake, lake)
    con = duckdb.connect(str(lake))
    main, corrections = {}, {}
    # Dated back from now, so the resubmission loaded below is always the newest load.
    now = dt.datetime.now().replace(microsecond=0)
    try:
        rows = con.execute("SELECT load_id, kind, file_name FROM loads ORDER BY load_id").fetchall()
        years = sorted({f[0] for _, kind, name in rows if kind == "returns" and (f := _when(name))}, reverse=True)
        for load_id, kind, file_name in rows:
            found = _when(file_name) if kind == "returns" else None
            if found is None:
                when = now - dt.timedelta(days=MAIN_DAYS_AGO + 365 * len(years) - load_id)
            else:
                year, corrected = found
                start = now - dt.timedelta(days=MAIN_DAYS_AGO + 365 * years.index(year))
                when = start + dt.timedelta(days=CORRECTIONS_AFTER if corrected else 0, minutes=load_id)
                (corrections if corrected else main).setdefault(year, when)
            con.execute("UPDATE loads SET loaded_at = ? WHERE load_id = ?", [when, load_id])
    finally:
        con.close()

    api = LakeAPI(Reader(path=lake))
    year = api.current_year()
    frame = api.school_year(Filters(year=year))
    pick = frame[frame.has_return.astype(bool) & frame.flag_no_sen_report.eq(True)
                 & frame.below_recommended.eq(False) & frame.flag_not_qualified_teacher.eq(False)]
    assert not pick.empty, "the demo has no school to resubmit for the history lake"
    urn, name = int(pick.urn.iloc[0]), str(pick.school_name.iloc[0])
    csv = ("urn,school_name,academic_year,senco_hours_per_week,senco_qualified_teacher,"
           "sen_information_report_published\n"
           f"{urn},{name},{year},1 day,no,yes\n")
    outcome = load_returns([(f"SENCO_return_{urn}_resubmitted.csv", csv.encode())], lake)
    assert outcome[0].accepted == 1, outcome[0].report_lines()
    return History(lake=lake, urn=urn, name=name, year=year, main=main, corrections=corrections)
