"""Statutory flags as the law says, at their boundary dates (SEND Regulations 2014 reg. 49, 51;
Children and Families Act 2014 s.67, s.69), and guidance shown apart from them."""
import csv
import datetime as dt
import io

import pandas as pd
import pytest

from domain.columns import COLUMNS
from etl.load import load_returns
from lake import api as api_module
from lake.api import Filters, LakeAPI
from lake.store import Reader, writing

BASE = {
    "school_name": "School", "academic_year": "2025/26", "phase": "primary", "number_on_roll": "200",
    "sen_support_pupils": "20", "ehcp_pupils": "3", "senco_hours_per_week": "8", "senco_time_enough": "no",
    "senco_teaching_hours_per_week": "10", "senco_on_slt": "yes", "senco_qualified_teacher": "yes",
    "senco_works_at_school": "yes", "senco_qualification": "in progress", "senco_qualification_course": "NASENCO",
    "senco_qualification_course_started": "01/01/2023", "senco_appointed_date": "01/01/2020",
    "senco_first_senco_date": "01/01/2020", "senco_other_roles": "", "senco_shared_schools": "1",
    "deputy_senco": "no", "admin_support_hours_per_week": "0", "sen_information_report_published": "yes",
    "sen_information_report_updated": "15/09/2025", "sen_governor": "yes",
}
# urn: (what it tests, school type, overrides)
CASES = {
    200001: ("appointed the day before 1 Sept 2009", "Community school", {"senco_appointed_date": "31/08/2009",
                                                                          "senco_first_senco_date": "31/08/2009"}),
    200002: ("appointed on 1 Sept 2009", "Community school", {"senco_appointed_date": "01/09/2009",
                                                              "senco_first_senco_date": "01/09/2009"}),
    200003: ("appointed the day after 1 Sept 2009", "Community school", {"senco_appointed_date": "02/09/2009",
                                                                         "senco_first_senco_date": "02/09/2009"}),
    200004: ("a SENCO for exactly 12 months before", "Academy converter", {"senco_first_senco_date": "01/01/2019"}),
    200005: ("a SENCO for 12 months and a day before", "Academy converter",
             {"senco_first_senco_date": "31/12/2018"}),
    200006: ("NASENCO started the day before 1 Sept 2024", "Community school",
             {"senco_qualification": "NASENCO held", "senco_qualification_course_started": "31/08/2024"}),
    200007: ("NASENCO started on 1 Sept 2024", "Community school",
             {"senco_qualification": "NASENCO held", "senco_qualification_course_started": "01/09/2024"}),
    200008: ("NPQ started on 1 Sept 2024", "Community school",
             {"senco_qualification": "NPQ for SENCOs held", "senco_qualification_course": "NPQ for SENCOs",
              "senco_qualification_course_started": "01/09/2024"}),
    200009: ("third anniversary is the judging date", "Community school",
             {"senco_appointed_date": "10/01/2023", "senco_first_senco_date": "10/01/2023"}),
    200010: ("third anniversary was the day before", "Community school",
             {"senco_appointed_date": "09/01/2023", "senco_first_senco_date": "09/01/2023"}),
    200011: ("special school, not a qualified teacher, no report", "Community special school",
             {"phase": "special", "senco_qualified_teacher": "no", "senco_works_at_school": "no",
              "sen_information_report_published": "no"}),
    200012: ("pupil referral unit", "Pupil referral unit",
             {"phase": "alternative provision", "senco_qualified_teacher": "no",
              "sen_information_report_published": "no"}),
    200013: ("head teacher is the SENCO", "Community school",
             {"senco_other_roles": "headteacher", "senco_qualified_teacher": "no", "senco_works_at_school": "no",
              "senco_qualification": "NASENCO held"}),
    200014: ("shared SENCO who is also a head", "Community school",
             {"senco_other_roles": "headteacher", "senco_shared_schools": "3",
              "senco_qualification": "NASENCO held"}),
    200015: ("works at another school, report a year and a day old", "Academy converter",
             {"senco_works_at_school": "no", "senco_qualification": "NASENCO held",
              "sen_information_report_updated": "09/01/2025"}),
    200016: ("first SENCO date not given", "Community school", {"senco_first_senco_date": ""}),
}
LATE = {   # 2027/28: a NASENCO still in progress can no longer be completed in time after 31 August 2027
    200020: ("NASENCO in progress, started 2023", "Community school",
             {"academic_year": "2027/28", "senco_appointed_date": "01/06/2025", "senco_first_senco_date": "01/06/2025"}),
}


def _csv(cases: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, [c.name for c in COLUMNS])
    writer.writeheader()
    for urn, (what, _, over) in cases.items():
        writer.writerow({**BASE, "urn": str(urn), "school_name": what, **over})
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    path = tmp_path_factory.mktemp("flags") / "senco.duckdb"
    with writing(path) as con:
        for urn, (what, stype, _) in {**CASES, **LATE}.items():
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, school_type, type_group, source) "
                        "VALUES (?, ?, 900, 'Testshire', ?, 'x', 'test')", [urn, what, stype])
    outcomes = load_returns([("flags.csv", _csv(CASES)), ("late.csv", _csv(LATE))], path, today=dt.date(2027, 9, 2))
    assert [(o.accepted, o.rejected, o.ignored_headers) for o in outcomes] == [(len(CASES), 0, []), (len(LATE), 0, [])]
    return LakeAPI(Reader(path=path))


def frame(api, monkeypatch, today: dt.date, year: str = "2025/26") -> pd.DataFrame:
    monkeypatch.setattr(api_module, "today", lambda: today)
    return api.school_year(Filters(year=year)).set_index("urn")


JUDGED = dt.date(2026, 1, 10)


def test_every_row_loaded_with_the_new_fields(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert set(CASES) <= set(f.index[f.has_return.astype(bool)])
    assert pd.Timestamp(f.loc[200007, "senco_qualification_course_started"]) == pd.Timestamp(2024, 9, 1)
    assert f.loc[200001, "senco_works_at_school"] and not f.loc[200001, "senco_time_enough"]


def test_the_2009_boundary(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert not f.loc[200001, "flag_qualification_overdue"]        # before: the rule never applied
    assert not f.loc[200002, "flag_qualification_overdue"]        # on: "after 1st September 2009" only
    assert f.loc[200003, "flag_qualification_overdue"]            # after: in progress, 16 years on


def test_the_12_month_exemption(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert f.loc[200004, "flag_qualification_overdue"]            # exactly 12 months: not "more than"
    assert not f.loc[200005, "flag_qualification_overdue"]        # more than 12 months: exempt


def test_the_1_september_2024_course_start(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert not f.loc[200006, "flag_qualification_overdue"] and not f.loc[200006, "flag_course_will_not_count"]
    assert f.loc[200007, "flag_qualification_overdue"] and f.loc[200007, "flag_course_will_not_count"]
    assert not f.loc[200008, "flag_qualification_overdue"] and not f.loc[200008, "flag_course_will_not_count"]


def test_three_years_after_appointment(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert not f.loc[200009, "flag_qualification_overdue"]        # on the third anniversary: not yet
    assert f.loc[200010, "flag_qualification_overdue"]            # the day after it: overdue
    later = frame(api, monkeypatch, dt.date(2026, 1, 11))
    assert later.loc[200009, "flag_qualification_overdue"]


def test_an_unknown_exemption_is_not_known_rather_than_a_false_alarm(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert f.loc[200016, "flag_qualification_overdue"] is pd.NA


def test_the_31_august_2027_nasenco_deadline(api, monkeypatch):
    on = frame(api, monkeypatch, dt.date(2027, 8, 31), "2027/28")
    assert not on.loc[200020, "flag_course_will_not_count"]
    after = frame(api, monkeypatch, dt.date(2027, 9, 1), "2027/28")
    assert after.loc[200020, "flag_course_will_not_count"]
    assert not after.loc[200020, "flag_qualification_overdue"]    # not due until June 2028


def test_special_schools_and_prus_are_not_flagged_for_the_senco_duty(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    for urn in (200011, 200012):
        for col in ("flag_not_qualified_teacher", "flag_not_working_at_school", "flag_qualification_overdue",
                    "flag_shared_head", "flag_course_will_not_count"):
            assert f.loc[urn, col] is pd.NA, (urn, col)
    assert f.loc[200011, "flag_no_sen_report"]                     # s.69 covers maintained special schools
    assert f.loc[200012, "flag_no_sen_report"] is pd.NA            # ... not PRUs
    assert pd.isna(f.loc[200012, "any_flag"])                      # no duty covers it: not counted at all


def test_a_head_teacher_may_be_the_senco(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert not f.loc[200013, "flag_not_qualified_teacher"] and not f.loc[200013, "flag_not_working_at_school"]
    assert f.loc[200013, "flag_count"] == 0


def test_shared_head_is_guidance_and_never_a_statutory_flag(api, monkeypatch):
    f = frame(api, monkeypatch, JUDGED)
    assert f.loc[200014, "flag_shared_head"]
    assert f.loc[200014, "flag_count"] == 0 and not f.loc[200014, "any_flag"]
    assert f.loc[200015, "flag_not_working_at_school"] and f.loc[200015, "any_flag"]
    assert f.loc[200015, "flag_sen_report_out_of_date"] and f.loc[200015, "flag_count"] == 1
    assert not f.loc[200001, "flag_sen_report_out_of_date"]
