"""A hand-checkable lake for similar schools and like-for-like profiles: two LAs, three special
schools, one AP setting, infant and full primary schools, one primary with resourced provision.

Oak Special (Testshire) has two similar schools: Pine Special in its own LA and Rowan Special in
Otherton; primaries are never its peers, and its LA median for special schools is Pine's alone.
Yew Academy is the only AP setting: no peer. Holly Infant's nearest peer is Juniper Infant (the same
age range) though Hazel Primary is nearer in roll. Holly and Hazel both give 6.5 SENCO hours.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import load_returns
from lake.store import writing
from tests.lake.small_lake import HEADER

YEAR = "2025/26"
# urn, name, LA code, LA name, phase, type, type group, lowest age, highest age, census RP unit
SCHOOLS = [
    (200001, "Oak Special", 900, "Testshire", "special", "Community special school", "Special schools", 2, 19, 0),
    (200002, "Pine Special", 900, "Testshire", "special", "Foundation special school", "Special schools", 2, 19, 0),
    (200003, "Yew Academy", 900, "Testshire", "alternative provision", "Pupil referral unit",
     "Local authority maintained schools", 11, 16, 0),
    (200004, "Holly Infant", 900, "Testshire", "primary", "Community school", "Local authority maintained schools",
     4, 7, 0),
    (200005, "Hazel Primary", 900, "Testshire", "primary", "Community school", "Local authority maintained schools",
     4, 11, 0),
    (200006, "Ivy Primary", 900, "Testshire", "primary", "Community school", "Local authority maintained schools",
     4, 11, 1),
    (200007, "Juniper Infant", 900, "Testshire", "primary", "Community school",
     "Local authority maintained schools", 4, 7, 0),
    (200011, "Rowan Special", 901, "Otherton", "special", "Academy special converter", "Special schools", 2, 19, 0),
    (200012, "Willow Primary", 901, "Otherton", "primary", "Community school", "Local authority maintained schools",
     4, 11, 0),
]
# urn: roll, SEN Support, EHC plans, SENCO hours, admin hours
RETURNS = {200001: (120, 0, 120, 32.5, 10), 200002: (80, 0, 80, 20, 10), 200003: (40, 30, 5, 10, 0),
           200004: (180, 20, 3, 6.5, 2), 200005: (190, 22, 3, 6.5, 2), 200006: (200, 25, 12, 13, 0),
           200007: (150, 15, 2, 5, 0), 200011: (100, 0, 100, 25, 5), 200012: (210, 20, 4, 7, 1)}


def returns_csv() -> str:
    phase = {s[0]: s[4] for s in SCHOOLS}
    name = {s[0]: s[1] for s in SCHOOLS}
    lines = [f"{u},{name[u]},{YEAR},{phase[u]},{roll},{sup},{ehcp},{hours},0,yes,yes,NASENCO held,01/09/2015,,1,"
             f"no,{admin},yes,yes,01/03/2022,good or better" for u, (roll, sup, ehcp, hours, admin) in RETURNS.items()]
    return HEADER + "\n".join(lines) + "\n"


def build(path: Path) -> Path:
    with writing(path) as con:
        for urn, name, la, la_name, phase, stype, group, low, high, rp in SCHOOLS:
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, "
                        "statutory_low_age, statutory_high_age, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')",
                        [urn, name, la, la_name, phase, stype, group, low, high])
            roll, sup, ehcp = RETURNS[urn][:3]
            con.execute("INSERT INTO census (urn, census_year, la_code, number_on_roll, sen_support, ehcp, source, "
                        "sen_unit, rp_unit) VALUES (?, '2024/25', ?, ?, ?, ?, 'test', 0, ?)",
                        [urn, la, roll, sup, ehcp, rp])
    load_returns([("peers.csv", returns_csv().encode())], path, today=dt.date(2025, 11, 1))
    return path
