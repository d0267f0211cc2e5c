"""The small lake (tests/lake/small_lake.py) with a history of loads: last year's collection was
loaded as returns arrived, so the lake can say what was in at any point of it.

2024/25: Ash, Beech and Cedar loaded on 1 November 2024; Damson's late return on 10 December 2024.
2025/26: Ash, Beech, Cedar and Damson loaded on 20 November 2025. Five schools are in scope (Fir
Independent is not). With a deadline of 18 December 2025 and today 25 November 2025, the 2025/26
collection is open (4 of 5 in) and the same point last year is 25 November 2024: 3 of 5 were in.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import load_returns
from lake.store import writing
from tests.lake import small_lake

DEADLINE = "2025-12-18"
TODAY = dt.date(2025, 11, 25)                 # 23 days before the deadline
SAME_POINT = dt.date(2024, 11, 25)            # 23 days before 18 December 2024
LATE = small_lake.HEADER + (
    "100004,Damson Primary,2024/25,primary,50,2,1,2,20,no,yes,not started,01/09/2020,class teacher,1,no,0,yes,no,,"
    "not judged\n")
LOADED_AT = {"year1.csv": "2024-11-01 09:00:00", "late-2024-25.csv": "2024-12-10 09:00:00",
             "year2.csv": "2025-11-20 09:00:00"}


def build(path: Path) -> Path:
    small_lake.build(path)
    load_returns([("late-2024-25.csv", LATE.encode())], path, today=dt.date(2025, 1, 10))
    with writing(path) as con:        # the dates the files arrived, as a lake used through a collection holds them
        for name, when in LOADED_AT.items():
            con.execute("UPDATE loads SET loaded_at = CAST(? AS TIMESTAMP) WHERE file_name = ?", [when, name])
    return path
