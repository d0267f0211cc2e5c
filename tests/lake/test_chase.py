"""The chase list (lake/chase.py) on the small hand-checkable lake: who is on it and why, the
register's contact details, last-chased notes kept in the lake, the deadline, and the mail merge."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.load import load_returns
from etl.sources import load_official
from etl.sources.gias import as_telephone
from lake import chase
from lake.api import Filters, LakeAPI
from lake.store import Reader, writing
from tests.lake import small_lake
from tests.lake.test_migrations import OLD_LAKES, copy_lake

ROOT = Path(__file__).resolve().parents[2]
GIAS = ROOT / "tests" / "fixtures" / "official" / "edubasealldata20260110.csv"
YEAR = "2025/26"
HEADER = small_lake.HEADER


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return small_lake.build(tmp_path_factory.mktemp("chase") / "senco.duckdb")


@pytest.fixture()
def lake(built, tmp_path) -> Path:
    path = tmp_path / "senco.duckdb"
    shutil.copyfile(built, path)
    return path


def api(path: Path) -> LakeAPI:
    return LakeAPI(Reader(path=path))


def set_contacts(path: Path, urn: int, title, first, last, job, phone, site) -> None:
    with writing(path) as con:
        con.execute("UPDATE schools SET head_title = ?, head_first_name = ?, head_last_name = ?, head_job_title = ?, "
                    "telephone = ?, website = ? WHERE urn = ?", [title, first, last, job, phone, site, urn])


def add_school(path: Path, urn: int, name: str) -> None:
    with writing(path) as con:
        con.execute("INSERT INTO schools (urn, school_name, la_code, la_name, phase, school_type, type_group, source) "
                    "VALUES (?, ?, 900, 'Testshire', 'primary', 'Community school', "
                    "'Local authority maintained schools', 'test')", [urn, name])


def test_the_list_is_the_in_scope_schools_without_a_return(lake):
    # 2025/26: Ash, Beech, Cedar and Damson returned; Elm did not; Fir is independent (out of scope).
    listed = chase.chase_list(api(lake), Filters(year=YEAR))
    assert listed.urn.tolist() == [100005]
    row = listed.iloc[0]
    assert row.school_name == "Elm Primary" and row.status == chase.NO_RETURN and row.reasons == chase.NO_RETURN
    assert row.head_name == "" and row.telephone == "" and pd_missing(row.last_chased_on)
    # 2024/25: Damson and Elm had not returned.
    assert chase.chase_list(api(lake), Filters(year="2024/25")).urn.tolist() == [100004, 100005]


def pd_missing(value) -> bool:
    return value is None or pd.isna(value)


def test_a_school_whose_every_row_was_rejected_is_marked_with_its_reasons(lake):
    add_school(lake, 100007, "Gorse Primary")
    bad = HEADER + (
        "100005,Elm Primary,2025/26,primary,100,90,20,6,10,yes,yes,not started,01/09/2020,,1,no,0,yes,yes,,not judged\n"
        "100005,Elm Primary,2025/26,primary,100,10,1,20%,10,yes,yes,not started,01/09/2020,,1,no,0,yes,yes,,not judged\n"
        # a school that did return this year, with a stray bad row: not on the list
        "100001,Ash Primary,2025/26,primary,10,20,5,6.5,10,yes,yes,NASENCO held,01/09/2015,,1,no,0,yes,yes,,not judged\n"
        # Gorse's row for the wrong year: Gorse is still "no return received" for 2025/26
        "100007,Gorse Primary,2024/25,primary,100,90,20,6,10,yes,yes,not started,01/09/2020,,1,no,0,yes,yes,,not judged\n")
    outcome = load_returns([("elm.csv", bad.encode())], lake)[0]
    assert outcome.rejected == 4
    listed = chase.chase_list(api(lake), Filters(year=YEAR)).set_index("urn")
    assert sorted(listed.index) == [100005, 100007]
    assert listed.index[0] == 100005                          # rejected files come first
    elm = listed.loc[100005]
    assert elm.status == chase.ALL_REJECTED
    assert elm.reasons.startswith("Your return was received but could not be loaded: ")
    assert "more than the number on roll (100)" in elm.reasons and "20%" in elm.reasons
    assert listed.loc[100007].status == chase.NO_RETURN
    # Once Elm's corrected return loads, Elm leaves the list.
    good = HEADER + ("100005,Elm Primary,2025/26,primary,100,10,1,6,10,yes,yes,not started,01/09/2020,,1,no,0,yes,"
                     "yes,,not judged\n")
    assert load_returns([("elm-corrected.csv", good.encode())], lake)[0].accepted == 1
    assert chase.chase_list(api(lake), Filters(year=YEAR)).urn.tolist() == [100007]


def test_contact_details_come_from_the_register(lake):
    set_contacts(lake, 100005, "Mrs", "Anna", "Whitfield", "Headteacher", "01632960101", "www.elm.example")
    row = chase.chase_list(api(lake), Filters(year=YEAR)).iloc[0]
    assert (row.head_name, row.head_job_title, row.telephone, row.website) == (
        "Mrs Anna Whitfield", "Headteacher", "01632960101", "www.elm.example")
    # GIAS's placeholder title and an empty name name no one.
    set_contacts(lake, 100005, "Not applicable", None, None, None, None, None)
    row = chase.chase_list(api(lake), Filters(year=YEAR)).iloc[0]
    assert row.head_name == "" and row.telephone == ""


def test_register_contacts_load_from_the_published_gias_file(tmp_path):
    lake = tmp_path / "senco.duckdb"
    outcome = load_official("gias", GIAS.name, GIAS.read_bytes(), lake)
    assert outcome.status == "loaded"
    rows = {r[0]: r[1:] for r in Reader(path=lake).df(
        "SELECT urn, head_title, head_first_name, head_last_name, head_job_title, telephone, website "
        "FROM schools").itertuples(index=False)}
    assert rows[117725] == ("Mrs", "Anna", "Whitfield", "Headteacher", "01632960101", "www.alkborough.example")
    assert rows[118146] == ("Mr", "Daniel", "O’Neill", "Executive Headteacher", "01632960102",
                            "http://www.st-hughs.example/")
    assert rows[150867] == ("Dr", "Zoë", "Brontë", "Principal", "01632 960103", "https://www.kirton.example")
    assert pd_missing(rows[118097][0])                         # "Not applicable" is no title
    assert chase.head_name(*rows[118097][:3]) == ""


def test_a_register_saved_through_excel_gets_its_leading_zero_back():
    assert as_telephone(1632960101.0) == "01632960101"
    assert as_telephone("01632 960101") == "01632 960101"
    assert as_telephone("Not applicable") is None


def test_last_chased_notes_are_kept_and_the_newest_shows(lake):
    chase.record_note(lake, 100005, YEAR, dt.date(2026, 1, 5), "Emailed the head", today=dt.date(2026, 1, 10))
    chase.record_note(lake, 100005, YEAR, dt.date(2026, 1, 8), "Phoned <b>office</b>; =SUM(A1)",
                      today=dt.date(2026, 1, 10))
    row = chase.chase_list(api(lake), Filters(year=YEAR)).iloc[0]
    assert row.last_chased_on == dt.date(2026, 1, 8)
    assert row.last_chased_note == "Phoned <b>office</b>; =SUM(A1)"      # kept as typed; shown as text
    assert len(chase.notes(api(lake), YEAR)) == 2                       # the earlier note is kept
    assert chase.notes(api(lake), "2024/25").empty                       # a note belongs to its year


@pytest.mark.parametrize("urn, year, on, note, problem", [
    (None, YEAR, dt.date(2026, 1, 5), "Phoned", "choose a school"),
    (100005, None, dt.date(2026, 1, 5), "Phoned", "academic year"),
    (100005, YEAR, None, "Phoned", "date"),
    (100005, YEAR, dt.date(2026, 2, 1), "Phoned", "future"),
    (100005, YEAR, dt.date(2026, 1, 5), "   ", "write a short note"),
    (100005, YEAR, dt.date(2026, 1, 5), "x" * 501, "keep it to 500"),
])
def test_a_note_that_cannot_be_kept_says_why_and_changes_nothing(lake, urn, year, on, note, problem):
    before = lake.read_bytes()
    with pytest.raises(chase.NoteProblem, match=problem):
        chase.record_note(lake, urn, year, on, note, today=dt.date(2026, 1, 10))
    assert lake.read_bytes() == before


def test_deadline_and_days_left():
    today = dt.date(2026, 11, 30)
    assert chase.days_left(dt.date(2026, 12, 18), today) == 18
    assert chase.deadline_text(dt.date(2026, 12, 18), today) == \
        "Returns are due by Friday 18 December 2026: 18 days left."
    assert chase.deadline_text(dt.date(2026, 12, 1), today).endswith("1 day left.")
    assert chase.deadline_text(today, today) == "Returns are due today, Monday 30 November 2026."
    assert chase.deadline_text(dt.date(2026, 11, 27), today).endswith("3 days ago.")
    assert "SENCO_COLLECTION_DEADLINE" in chase.deadline_text(None, today)


def test_mail_merge_gives_each_school_its_own_row_and_reasons(lake):
    add_school(lake, 100007, "Gorse Primary")
    set_contacts(lake, 100007, "Dr", "Ravi", "Shah", "Principal", "01632960107", "www.gorse.example")
    bad = HEADER + ("100005,Elm Primary,2025/26,primary,100,90,20,6,10,yes,yes,not started,01/09/2020,,1,no,0,yes,"
                    "yes,,not judged\n")
    load_returns([("elm.csv", bad.encode())], lake)
    a = api(lake)
    merge = chase.mail_merge(chase.chase_list(a, Filters(year=YEAR)), a, YEAR, dt.date(2026, 12, 18))
    assert merge.URN.tolist() == [100005, 100007]
    elm, gorse = merge.iloc[0], merge.iloc[1]
    assert elm.Status == chase.ALL_REJECTED and "more than the number on roll" in elm.Reasons
    assert elm.Salutation == "Dear Headteacher" and elm["Head's name"] == ""
    assert gorse.Reasons == "No return received"
    assert (gorse.Salutation, gorse["Head's name"], gorse.Telephone, gorse.Website) == (
        "Dear Dr Shah", "Dr Ravi Shah", "01632960107", "www.gorse.example")
    assert set(merge.Deadline) == {"18 December 2026"} and set(merge["Academic year"]) == {YEAR}


def test_an_old_lake_migrates_to_keep_contacts_and_notes(tmp_path):
    lake = copy_lake(OLD_LAKES[0], tmp_path)
    assert api(lake).upgrade_if_needed() is True
    load_official("gias", GIAS.name, GIAS.read_bytes(), lake)
    assert Reader(path=lake).scalar("SELECT telephone FROM schools WHERE urn = 117725") == "01632960101"
    year = api(lake).current_year() or YEAR
    chase.record_note(lake, 117725, year, dt.date(2026, 1, 5), "Phoned")
    assert chase.notes(api(lake), year).note.tolist() == ["Phoned"]
