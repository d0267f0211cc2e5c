"""Online-form exports load as returns: recognised, mapped once, validated like any return file."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from domain.columns import COLUMNS
from etl import forms
from etl.__main__ import main as cli
from etl.form_to_send import form_text, questions
from etl.load import check_returns
from lake import form_mappings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
MS_2025 = FIXTURES / "ms-forms-2025-26.csv"
MS_2026 = FIXTURES / "ms-forms-2026-27.csv"
GOOGLE = FIXTURES / "google-forms-2025-26.csv"
SURVEYMONKEY = FIXTURES / "surveymonkey-2025-26.csv"
TODAY = dt.date(2026, 11, 30)


def export_of(path: Path) -> forms.FormExport:
    return forms.read_export(path.read_bytes(), path.name)


def corrected(path: Path) -> forms.Mapping:
    """The proposal, with the two corrections an officer makes to the Microsoft form's."""
    mapping = forms.propose(export_of(path))
    for f in mapping.fields:
        if f.text == "When did your SENCO start in the role?":
            f.column = "senco_appointed_date"
        if f.column == "senco_qualification":
            f.values["Currently studying"] = "in progress"
    return mapping


def lake_text(lake: Path) -> str:
    """Every value of every table in the lake, as one text (to look for what must not be there)."""
    con = duckdb.connect(str(lake), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return "\n".join(str(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)
    finally:
        con.close()


# ------------------------------------------------------------------ recognising an export

@pytest.mark.parametrize("path, kind, questions, responses", [
    (MS_2025, forms.MS_FORMS, 14, 5), (GOOGLE, forms.GOOGLE_FORMS, 11, 4), (SURVEYMONKEY, forms.SURVEYMONKEY, 7, 4)])
def test_each_service_is_recognised_by_its_fixed_columns(path, kind, questions, responses):
    export = export_of(path)
    assert export.kind == kind
    assert len(export.questions) == questions
    assert len(export.responses) == responses
    texts = [q.text for q in export.questions]
    for private in ("Email", "Name", "Email address", "IP Address", "First Name", "Last Name", "Custom Data 1"):
        assert private not in texts


def test_a_return_file_is_not_taken_for_a_form_export():
    good = Path(__file__).resolve().parents[1] / "fixtures" / "returns" / "good.csv"
    assert forms.read_export(good.read_bytes(), good.name) is None
    assert forms.read_export(b"", "empty.csv") is None
    assert forms.read_export(b"PK\x03\x04 not a workbook", "broken.xlsx") is None


def test_surveymonkey_two_header_rows_and_a_choice_spread_over_columns():
    export = export_of(SURVEYMONKEY)
    assert export.header_rows == 2
    roles = next(q for q in export.questions if q.text.startswith("Which of these other roles"))
    assert roles.spread
    assert roles.options == ["DSL", "Class teacher", "Deputy head", "Designated teacher for looked-after children",
                             "Other (please specify)"]
    brigg = export.responses[1]
    assert brigg.row_number == 4                       # two header rows: the first response is row 3
    # A ticked option holds its own text; 'Other (please specify)' holds what was typed.
    assert export.answer(roles, brigg) == ["Class teacher", "Designated teacher for looked-after children",
                                           "Mental health lead"]
    single = next(q for q in export.questions if q.text.startswith("What is your school's URN"))
    assert not single.spread and export.answer(single, brigg) == "117726"


def test_completion_times_are_read_in_the_order_the_service_writes_them():
    ms, google, sm = export_of(MS_2025), export_of(GOOGLE), export_of(SURVEYMONKEY)
    assert ms.responses[0].completed == dt.datetime(2025, 9, 15, 10, 9, 40)       # 9/15/25: month first
    assert ms.responses[4].completed == dt.datetime(2025, 9, 22, 16, 1, 10)       # edited: the last change
    assert google.responses[3].completed == dt.datetime(2025, 10, 1, 9, 15, 30)   # 01/10/2025: UK sheet
    assert sm.responses[1].completed == dt.datetime(2025, 9, 16, 14, 31, 5)       # 02:31:05 PM


def test_the_signature_is_the_forms_questions_not_its_answers():
    assert export_of(MS_2025).signature == export_of(MS_2026).signature
    assert len({export_of(p).signature for p in (MS_2025, GOOGLE, SURVEYMONKEY)}) == 3


# ------------------------------------------------------------------ proposing a mapping

def test_the_proposal_matches_question_text_to_the_columns_labels_and_descriptions():
    mapping = forms.propose(export_of(MS_2025))
    chosen = {f.text: f.column for f in mapping.fields}
    assert chosen["School URN"] == "urn"
    assert chosen["How many hours a week is your SENCO given for the role?"] == "senco_hours_per_week"
    assert chosen["How many hours a week does your SENCO teach?"] == "senco_teaching_hours_per_week"
    assert chosen["Is your SENCO a member of the senior leadership team?"] == "senco_on_slt"
    assert chosen["How many pupils have an EHCP?"] == "ehcp_pupils"
    assert chosen["Which other roles does your SENCO hold?"] == "senco_other_roles"
    assert chosen["Anything else you would like to tell us?"] is None
    slt = next(f for f in mapping.fields if f.column == "senco_on_slt")
    assert slt.values == {"Yes – full member": "yes", "No – attends some meetings": "no"}
    assert mapping.problems() == []


def test_a_mapping_that_cannot_load_says_why():
    mapping = forms.propose(export_of(MS_2025))
    for f in mapping.fields:
        if f.column == "urn":
            f.column = None
        if f.column == "phase" or f.text == "School name":
            f.column = "academic_year"
    problems = mapping.problems()
    assert any("no question is mapped to 'URN'" in p for p in problems)
    assert any("'Academic year' is chosen for two questions" in p for p in problems)
    outcome = forms.check_form(MS_2025.read_bytes(), MS_2025.name, mapping, TODAY)
    assert outcome.status == "failed" and "URN" in outcome.message


# ------------------------------------------------------------------ responses are returns

@pytest.mark.parametrize("path, read, accepted, superseded, other_rejects", [
    (MS_2025, 5, 3, [2], {5: "urn-not-6-digits"}),
    (GOOGLE, 4, 2, [2], {4: "hours-as-share"}),
    (SURVEYMONKEY, 4, 2, [3], {5: "not-yes-no"}),
])
def test_each_export_loads_through_a_saved_mapping_with_every_row_accounted_for(
        tmp_path, path, read, accepted, superseded, other_rejects):
    lake = tmp_path / "senco.duckdb"
    mapping = corrected(path) if path == MS_2025 else forms.propose(export_of(path))
    form_mappings.save(mapping, lake)
    [outcome] = forms.load_forms([(path.name, path.read_bytes())], lake, today=TODAY)   # the lake's mapping
    assert (outcome.status, outcome.rows_read, outcome.accepted) == ("loaded", read, accepted)
    assert outcome.rows_read == outcome.accepted + outcome.rejected
    codes = {r.row_number: r.codes for r in outcome.rejects}
    assert sorted(codes) == sorted(superseded + list(other_rejects))
    for row in superseded:
        assert codes[row] == ["superseded-by-later-response"]
    for row, code in other_rejects.items():
        assert codes[row] == [code]
    con = duckdb.connect(str(lake), read_only=True)
    # An earlier response is resolved by the load that took the school's latest; the others stay open.
    stored = dict(con.execute("SELECT row_number, codes || ' ' || coalesce(CAST(resolved_by_load AS VARCHAR), 'open') "
                              "FROM rejects").fetchall())
    assert stored == {**{row: f"superseded-by-later-response {outcome.load_id}" for row in superseded},
                      **{row: f"{code} open" for row, code in other_rejects.items()}}
    assert con.execute("SELECT rows_read, accepted, rejected FROM loads").fetchall() == \
        [(read, accepted, read - accepted)]
    assert con.execute("SELECT count(*) FROM returns").fetchall()[0][0] == accepted
    assert con.execute("SELECT count(*) FROM rejects").fetchall()[0][0] == read - accepted
    con.close()


def test_the_latest_response_wins_by_completion_time_not_by_place_in_the_file(tmp_path):
    rows = list(csv.reader(io.StringIO(MS_2025.read_bytes().decode("utf-8-sig"), newline="")))
    header, first, second = rows[0], rows[1], rows[3]          # Alkborough's two responses
    second[2], second[5] = "9/10/25 9:15:30", ""               # sent before the first ...
    first[5] = "9/30/25 8:00:00"                               # ... which was edited later still
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, first, second])
    data = out.getvalue().encode("utf-8")
    outcome = forms.check_form(data, "edited.csv", corrected(MS_2025), TODAY)
    assert outcome.accepted == 1 and outcome.rejected == 1
    [kept] = [r for r in outcome.results if r.ok]
    assert kept.row_number == 2 and kept.record["number_on_roll"] == 210
    [old] = outcome.rejects
    assert old.row_number == 3 and "(row 2, completed 30/09/2025 08:00)" in old.reasons[0]


def test_answers_are_read_as_the_form_wrote_them(tmp_path):
    outcome = forms.check_form(MS_2025.read_bytes(), MS_2025.name, corrected(MS_2025), TODAY)
    by_row = {r.row_number: r.record for r in outcome.results if r.ok}
    alkborough, brigg = by_row[4], by_row[3]
    assert alkborough["senco_on_slt"] is True                                   # 'Yes – full member'
    assert brigg["senco_on_slt"] is False                                       # 'No – attends some meetings'
    assert brigg["senco_qualification"] == "in progress"                        # the officer's value map
    assert alkborough["senco_other_roles"] == "DSL; class teacher; deputy head"  # 'DSL;Class teacher;Deputy head;'
    assert alkborough["senco_hours_per_week"] == 9.75                           # '1.5 days', the same parser
    assert alkborough["senco_appointed_date"] == dt.date(2021, 9, 1)            # '9/1/2021' written month first
    assert brigg["senco_appointed_date"] == dt.date(2024, 1, 8)                 # '1/8/2024'
    google = forms.check_form(GOOGLE.read_bytes(), GOOGLE.name, forms.propose(export_of(GOOGLE)), TODAY)
    latest = next(r.record for r in google.results if r.ok and r.record["urn"] == 117725)
    assert latest["senco_other_roles"] == "DSL; class teacher; deputy head"     # 'DSL, Class teacher, Deputy head'
    sm = forms.check_form(SURVEYMONKEY.read_bytes(), SURVEYMONKEY.name,
                          forms.propose(export_of(SURVEYMONKEY)), TODAY)
    brigg_sm = next(r.record for r in sm.results if r.ok and r.record["urn"] == 117726)
    assert brigg_sm["senco_other_roles"] == ("class teacher; designated teacher for looked-after children; "
                                             "mental health lead")


def test_a_microsoft_forms_excel_download_loads_as_its_csv_does(tmp_path):
    rows = list(csv.reader(io.StringIO(MS_2025.read_bytes().decode("utf-8-sig"), newline="")))
    wb = Workbook()
    ws = wb.active
    ws.append(rows[0])
    for r in rows[1:]:     # the Excel download holds real date-times, and numbers as numbers
        times = [dt.datetime.strptime(v, "%m/%d/%y %H:%M:%S") if v else None for v in r[1:3]]
        ws.append([int(r[0]), *times, *r[3:6], int(r[6]), *r[7:]])
    buf = io.BytesIO()
    wb.save(buf)
    from_xlsx = forms.check_form(buf.getvalue(), "responses.xlsx", corrected(MS_2025), TODAY)
    from_csv = forms.check_form(MS_2025.read_bytes(), MS_2025.name, corrected(MS_2025), TODAY)
    assert (from_xlsx.rows_read, from_xlsx.accepted, from_xlsx.rejected) == \
        (from_csv.rows_read, from_csv.accepted, from_csv.rejected)
    assert [r.record.get("urn") for r in from_xlsx.results if r.ok] == \
        [r.record.get("urn") for r in from_csv.results if r.ok]


def test_the_respondents_name_email_and_ip_address_are_not_kept_in_the_lake(tmp_path):
    lake = tmp_path / "senco.duckdb"
    forms.load_forms([(MS_2025.name, MS_2025.read_bytes())], lake, corrected(MS_2025), TODAY)
    forms.load_forms([(SURVEYMONKEY.name, SURVEYMONKEY.read_bytes())], lake,
                     forms.propose(export_of(SURVEYMONKEY)), TODAY)
    text = lake_text(lake)
    assert "Ashby Hill Primary School" in text                 # a rejected row's raw values are kept ...
    for private in ("alkborough.example", "ashby.example", "Jo Head", "Lee Ward", "81.2.69."):
        assert private not in text                              # ... without the respondent


# ------------------------------------------------------------------ the mapping in the lake

def test_a_saved_mapping_keeps_its_history_and_is_used_for_next_years_export(tmp_path):
    lake = tmp_path / "senco.duckdb"
    first = forms.propose(export_of(MS_2025))
    assert form_mappings.save(first, lake) == 1
    assert form_mappings.save(first, lake) == 1                 # the same mapping again: no new version
    assert form_mappings.save(corrected(MS_2025), lake) == 2
    history = form_mappings.history(first.signature, lake)
    assert [h["version"] for h in history] == [2, 1]
    assert history[0]["replaced_at"] is None and history[1]["replaced_at"] is not None
    assert json.loads(history[1]["mapping"]) == json.loads(first.to_json())
    saved = forms.saved_mappings(lake)[first.signature]
    assert saved.column_of("whendidyoursencostartintherole") == "senco_appointed_date"
    [outcome] = forms.load_forms([(MS_2026.name, MS_2026.read_bytes())], lake, today=TODAY)
    assert (outcome.rows_read, outcome.accepted, outcome.rejected) == (3, 3, 0)   # 'Currently studying' mapped


def test_an_unmapped_form_export_is_not_loaded_and_says_what_to_do(tmp_path):
    [outcome] = forms.load_forms([(GOOGLE.name, GOOGLE.read_bytes())], tmp_path / "senco.duckdb", today=TODAY)
    assert outcome.status == "failed"
    assert outcome.message.startswith("this is a Google Forms export whose questions have not been matched")


def test_the_command_line_loads_with_a_mapping_file_then_without_one(tmp_path, capsys):
    lake = tmp_path / "senco.duckdb"
    assert cli(["--lake", str(lake), "load", str(MS_2025)]) == 1
    assert "have not been matched to the return's columns yet" in capsys.readouterr().out
    mapping_file = tmp_path / "ms-forms-mapping.json"
    mapping_file.write_text(corrected(MS_2025).to_json(), encoding="utf-8")
    assert cli(["--lake", str(lake), "load", "--mapping", str(mapping_file), str(MS_2025)]) == 1   # rejects
    out = capsys.readouterr().out
    assert "ms-forms-2025-26.csv: 5 rows read, 3 accepted, 2 rejected" in out
    assert "row 2: superseded: the same school sent a later response for this year (row 4" in out
    assert cli(["--lake", str(lake), "load", str(MS_2026)]) == 0                # next year: no mapping given
    assert "ms-forms-2026-27.csv: 3 rows read, 3 accepted, 0 rejected" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert cli(["--lake", str(lake), "load", "--mapping", str(bad), str(MS_2025)]) == 2
    assert "is not a saved form mapping" in capsys.readouterr().err


def test_ordinary_return_files_load_exactly_as_before(tmp_path):
    good = Path(__file__).resolve().parents[1] / "fixtures" / "returns" / "mixed.csv"
    plain = check_returns(good.read_bytes(), good.name, today=TODAY)
    [through_forms] = forms.load_forms([(good.name, good.read_bytes())], tmp_path / "senco.duckdb", today=TODAY)
    assert (through_forms.rows_read, through_forms.accepted, through_forms.rejected) == \
        (plain.rows_read, plain.accepted, plain.rejected)


# ------------------------------------------------------------------ the form to send

def test_a_form_built_from_the_form_to_send_maps_itself_and_loads():
    text = form_text()
    for c in COLUMNS:
        assert c.label in text
    assert "Answer options, one per line:\n      NASENCO held\n      NPQ for SENCOs held" in text
    # A Microsoft Forms export of that form: the fixed columns, then each question's text as pasted.
    qs = questions()
    answer = {"urn": "117725", "school_name": "Alkborough Primary School", "academic_year": "2025/26",
              "phase": "primary", "senco_appointed_date": "9/1/2021", "ofsted_inspection_date": "3/14/2023",
              "senco_other_roles": "DSL;class teacher;", "senco_hours_per_week": "1.5 days", "number_on_roll": "210"}
    kinds = {c.name: c.kind for c in COLUMNS}
    for q in qs:                        # any other date (the return gains some) as the form writes it
        answer.setdefault(q["column"], q["options"][0] if q["options"] else
                          "9/1/2021" if kinds[q["column"]] == "date" else "1")
    header = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"] + [q["question"] for q in qs]
    row = ["1", "9/15/25 10:01:02", "9/15/25 10:09:40", "anonymous", "", ""] + [answer[q["column"]] for q in qs]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, row])
    data = out.getvalue().encode("utf-8")
    mapping = forms.propose(forms.read_export(data, "form.csv"))
    assert {f.text: f.column for f in mapping.fields} == {q["question"]: q["column"] for q in qs}
    assert all(not f.values for f in mapping.fields)
    outcome = forms.check_form(data, "form.csv", mapping, TODAY)
    assert (outcome.rows_read, outcome.accepted) == (1, 1), [r.reasons for r in outcome.rejects]
    [r] = outcome.results
    assert r.record["senco_appointed_date"] == dt.date(2021, 9, 1)
    assert r.record["ofsted_inspection_date"] == dt.date(2023, 3, 14)


# ------------------------------------------------------------------ hostile input

_HEADERS = [MS_2025, GOOGLE, SURVEYMONKEY]


@settings(max_examples=60, deadline=None)
@given(which=st.integers(0, 2), body=st.text(max_size=400), cut=st.integers(0, 2000))
def test_any_text_under_a_form_header_is_read_or_refused_without_a_traceback(which, body, cut):
    real = _HEADERS[which].read_bytes()
    data = real[:cut] + body.encode("utf-8", "replace")
    export = forms.read_export(data, "hostile.csv")
    if export is None:
        return
    mapping = forms.propose(export)
    outcome = forms.check_form(data, "hostile.csv", mapping, TODAY)
    assert outcome.status in ("loaded", "failed")
    assert outcome.rows_read == outcome.accepted + outcome.rejected
    if outcome.status == "failed":
        assert outcome.message and "\n" not in outcome.message


def test_a_form_with_a_new_question_is_proposed_from_the_saved_mapping_of_its_old_questions():
    rows = list(csv.reader(io.StringIO(MS_2026.read_bytes().decode("utf-8-sig"), newline="")))
    rows[0].append("Does your school have a SEN governor?")
    for r in rows[1:]:
        r.append("Yes")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    export = forms.read_export(out.getvalue().encode("utf-8"), "new-question.csv")
    assert export.signature != export_of(MS_2026).signature          # a changed form: confirmed again
    mapping = forms.propose(export, known=[corrected(MS_2025)])
    field = {f.text: f for f in mapping.fields}
    assert field["When did your SENCO start in the role?"].column == "senco_appointed_date"   # the officer's fix
    assert field["What is your SENCO's qualification status?"].values["Currently studying"] == "in progress"
    assert field["Does your school have a SEN governor?"].column == "sen_governor"             # matched by text


def test_a_single_choice_answer_with_a_comma_is_one_answer():
    text = GOOGLE.read_bytes().decode("utf-8").replace(
        "6 hours,No,In progress", '6 hours,"No, but attends some meetings",In progress')
    data = text.encode("utf-8")
    mapping = forms.propose(forms.read_export(data, "google.csv"))
    slt = next(f for f in mapping.fields if f.column == "senco_on_slt")
    assert slt.values == {"No, but attends some meetings": "no"}
    outcome = forms.check_form(data, "google.csv", mapping, TODAY)
    brigg = next(r.record for r in outcome.results if r.ok and r.record["urn"] == 117726)
    assert brigg["senco_on_slt"] is False


def test_when_the_latest_response_is_rejected_the_earlier_one_is_not_loaded_instead():
    text = GOOGLE.read_bytes().decode("utf-8").replace("2025/26,212,29,4,1.5 days", "2025/26,212,29,4,20%")
    outcome = forms.check_form(text.encode("utf-8"), "google.csv", forms.propose(export_of(GOOGLE)), TODAY)
    reasons = {r.row_number: r.reasons[0] for r in outcome.rejects}
    assert reasons[2].startswith("superseded:") and "share of time" in reasons[5]
    assert 117725 not in {r.record["urn"] for r in outcome.results if r.ok}    # the school is still to chase
    assert outcome.rows_read == outcome.accepted + outcome.rejected == 4


def test_a_surveymonkey_xlsx_with_the_question_merged_over_its_options_loads_as_its_csv_does():
    rows = list(csv.reader(io.StringIO(SURVEYMONKEY.read_bytes().decode("utf-8-sig"), newline="")))
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([v if v != "" else None for v in r])
    start = rows[0].index("Which of these other roles does the SENCO hold? (Tick all that apply)") + 1
    ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=start + 4)   # as the XLSX export has it
    buf = io.BytesIO()
    wb.save(buf)
    mapping = forms.propose(export_of(SURVEYMONKEY))
    from_xlsx = forms.check_form(buf.getvalue(), "all-responses.xlsx", mapping, TODAY)
    from_csv = forms.check_form(SURVEYMONKEY.read_bytes(), SURVEYMONKEY.name, mapping, TODAY)
    assert forms.read_export(buf.getvalue(), "all-responses.xlsx").signature == mapping.signature
    assert [(r.row_number, r.ok, r.record.get("senco_other_roles")) for r in from_xlsx.results] == \
        [(r.row_number, r.ok, r.record.get("senco_other_roles")) for r in from_csv.results]
