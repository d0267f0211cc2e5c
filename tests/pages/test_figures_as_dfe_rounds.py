"""Pages show figures rounded half up, as DfE publishes them, in cards, deltas, chart labels and
hovers alike; and a special school is never flagged for the SENCO duties. Run on a small lake whose
figures land exactly on halves: a median of 3.25 h, a share of 1 in 8 (12.5%), a rise of 2.5 points."""
import csv
import datetime as dt
import io
import json

import pytest

from domain.columns import COLUMNS
from etl.load import load_returns
from lake.store import writing
from tests.pages.apptest import metric, run_page, serving

BASE = {"phase": "primary", "number_on_roll": "200", "sen_support_pupils": "20", "ehcp_pupils": "4",
        "senco_time_enough": "no", "senco_teaching_hours_per_week": "10", "senco_on_slt": "no",
        "senco_qualified_teacher": "yes", "senco_works_at_school": "yes", "senco_qualification": "in progress",
        "senco_qualification_course": "NPQ for SENCOs", "senco_qualification_course_started": "01/10/2024",
        "senco_appointed_date": "01/09/2024", "senco_first_senco_date": "01/09/2024", "senco_shared_schools": "1",
        "deputy_senco": "no", "admin_support_hours_per_week": "0", "sen_information_report_published": "yes",
        "sen_information_report_updated": "01/10/2025", "sen_governor": "yes"}
HOURS_NOW = [2, 3, 3, 3, 3.5, 3.5, 4, 5]          # median 3.25


def returns(year: str, count: int) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, [c.name for c in COLUMNS])
    w.writeheader()
    for i in range(count):
        hours = HOURS_NOW[i] if year == "2025/26" else 6
        w.writerow({**BASE, "urn": str(300001 + i), "school_name": f"School {i + 1}", "academic_year": year,
                    "senco_hours_per_week": str(hours), "senco_on_slt": "yes" if i == 0 else "no",
                    "senco_qualification": "NPQ for SENCOs held" if i == 0 else "in progress",
                    "senco_qualified_teacher": "no" if i == 1 else "yes"})
    # A special school whose SENCO is not a qualified teacher: the SENCO duty does not cover it.
    w.writerow({**BASE, "urn": "300099", "school_name": "Willow Special School", "academic_year": year,
                "phase": "special", "senco_hours_per_week": "6", "senco_qualified_teacher": "no",
                "senco_works_at_school": "no"})
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def halves_lake(tmp_path_factory):
    path = tmp_path_factory.mktemp("halves") / "senco.duckdb"
    with writing(path) as con:
        for i in range(10):
            con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, "
                        "source) VALUES (?, ?, 900, 'Testshire', 'primary', 'Community school', "
                        "'Local authority maintained schools', 'test')", [300001 + i, f"School {i + 1}"])
        con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, source) "
                    "VALUES (300099, 'Willow Special School', 900, 'Testshire', 'special', 'Community special school', "
                    "'Special schools', 'test')")
    # The special school's return would count in every share: the pages below filter to primary.
    outcomes = load_returns([("y1.csv", returns("2024/25", 10)), ("y2.csv", returns("2025/26", 8))], path,
                            today=dt.date(2026, 1, 10))
    assert [o.rejected for o in outcomes] == [0, 0]
    with serving(path):
        yield path


def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_a_median_of_3_25_hours_shows_as_3_3(halves_lake):
    at = run_page("senco_time", phase="primary")
    assert metric(at, "Median SENCO hours a week") == "3.3 h"
    # Eight schools are too few for a rank correlation: the page says so instead of naming a strength.
    captions = " ".join(c.value for c in at.caption)
    assert "too few schools to say (n = 8" in captions and "moderate" not in captions


def test_one_in_eight_shows_as_13_percent_and_a_rise_of_2_5_points_as_3(halves_lake):
    at = run_page("leadership", phase="primary")
    assert metric(at, "SENCO on the senior leadership team") == "13%"
    card = next(m for m in at.metric if m.label == "SENCO on the senior leadership team")
    assert card.delta == "+3 pts"                                   # 12.5% against 10% last year
    quals = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("SENCO qualification status"))
    held = next(t for t in quals["data"] if t["name"] == "NPQ for SENCOs held")
    assert held["text"] == ["13%"] and "%{text}" in held["hovertemplate"]   # label and hover agree
    slt = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("SENCO on the senior leadership"))
    assert slt["data"][0]["text"] == ["13% (1 of 8)"]


def test_a_special_school_is_not_flagged_for_the_senco_duty(halves_lake):
    at = run_page("leadership")
    flagged = next(df.value for df in at.dataframe if "Flags raised" in df.value.columns)
    assert list(flagged["School"]) == ["School 2"]                    # a primary SENCO who is not a teacher
    at = run_page("schools", school="300099")
    flags = next(df.value for df in at.dataframe if "Flag" in df.value.columns)
    raised = dict(zip(flags["Flag"], flags["Raised"]))
    assert raised["SENCO not a qualified teacher"] == "Not known"        # the duty does not cover it
    assert raised["No SEN information report"] == "No"                   # s.69 does
