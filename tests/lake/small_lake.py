"""A small, hand-checkable lake: six schools, two years of returns, three official inclusion grades."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import load_returns
from lake.store import writing

HEADER = ("urn,school_name,academic_year,phase,number_on_roll,sen_support_pupils,ehcp_pupils,senco_hours_per_week,"
          "senco_teaching_hours_per_week,senco_on_slt,senco_qualified_teacher,senco_qualification,senco_appointed_date,"
          "senco_other_roles,senco_shared_schools,deputy_senco,admin_support_hours_per_week,"
          "sen_information_report_published,sen_governor,ofsted_inspection_date,ofsted_send_progress\n")
YEAR1 = HEADER + (
    "100001,Ash Primary,2024/25,primary,200,20,5,6.5,10,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,yes,01/03/2022,good or better\n"
    "100002,Beech Primary,2024/25,primary,100,10,0,3,15,no,yes,in progress,01/09/2023,DSL,1,no,0,yes,yes,01/03/2022,good or better\n"
    "100003,Cedar Academy,2024/25,secondary,1000,120,30,30,0,yes,yes,NPQ for SENCOs held,01/09/2024,,1,yes,15,yes,yes,01/03/2022,less than good\n"
)
# 2025/26 also answers the return's later columns, so every measure has a case to work by hand
# (tests/lake/test_measures.py): the SENCO's own view of their time, whether they work as a teacher
# at the school, the qualification course and its start, when they first became a SENCO, and when
# the SEN information report was last updated.
HEADER2 = HEADER.rstrip("\n") + (",senco_time_enough,senco_works_at_school,senco_qualification_course,"
                                  "senco_qualification_course_started,senco_first_senco_date,"
                                  "sen_information_report_updated\n")
YEAR2 = HEADER2 + (
    "100001,Ash Primary,2025/26,primary,210,25,5,9.75,10,yes,yes,NASENCO held,01/09/2015,,1,no,2,yes,yes,01/03/2022,good or better,"
    "yes,yes,NASENCO,15/01/2016,,01/07/2025\n"
    "100002,Beech Primary,2025/26,primary,100,10,0,3,15,no,yes,in progress,01/09/2019,DSL; headteacher,2,no,0,no,yes,01/03/2022,good or better,"
    "no,no,NASENCO,01/10/2024,,\n"
    "100003,Cedar Academy,2025/26,secondary,1000,120,30,30,0,yes,no,NPQ for SENCOs held,01/09/2024,,1,yes,15,yes,yes,01/03/2022,less than good,"
    "no,no,NPQ for SENCOs,01/09/2024,01/09/2024,15/09/2025\n"
    "100004,Damson Primary,2025/26,primary,50,2,1,2,20,no,yes,not started,01/09/2020,class teacher,1,no,0,yes,no,,not judged,"
    ",yes,,,01/09/2020,\n"
)
# Official Ofsted report-card inclusion grades (one for a school that has sent no return).
OFSTED = [
    (100001, "strong standard", "2025-12-01"),
    (100003, "needs attention", "2026-01-15"),
    (100005, "expected standard", "2025-11-20"),
]
SCHOOLS = [
    (100001, "Ash Primary", 900, "Testshire", "primary", "Academy converter", "Academies"),
    (100002, "Beech Primary", 900, "Testshire", "primary", "Community school", "Local authority maintained schools"),
    (100003, "Cedar Academy", 900, "Testshire", "secondary", "Academy sponsor led", "Academies"),
    (100004, "Damson Primary", 900, "Testshire", "primary", "Community school", "Local authority maintained schools"),
    (100005, "Elm Primary", 900, "Testshire", "primary", "Community school", "Local authority maintained schools"),
    (100006, "Fir Independent", 900, "Testshire", None, "Independent school", "Independent schools"),
]


def build(path: Path) -> Path:
    with writing(path) as con:
        for urn, name, la, la_name, phase, stype, group in SCHOOLS:
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, source)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, 'test')", [urn, name, la, la_name, phase, stype, group])
        con.execute("INSERT INTO benchmarks VALUES ('senco_on_slt', 'all', 0.34, 'share', 'Survey', '2020', NULL),"
                    "('recommended_senco_days', 'all', 1.5, 'days', 'nasen', '2020', NULL),"
                    "('admin_support', 'primary', 0.15, 'share', 'Survey', '2020', NULL),"
                    "('admin_support', 'secondary', 0.49, 'share', 'Survey', '2020', NULL)")
        for urn, grade, day in OFSTED:
            con.execute("INSERT INTO ofsted (urn, inclusion, inclusion_date, inspection_date, source) "
                        "VALUES (?, ?, ?, ?, 'test')", [urn, grade, day, day])
    outcomes = load_returns([("year1.csv", YEAR1.encode()), ("year2.csv", YEAR2.encode())], path,
                            today=dt.date(2026, 1, 10))
    assert [(o.status, o.rejected) for o in outcomes] == [("loaded", 0)] * 2, [o.message for o in outcomes]
    return path
