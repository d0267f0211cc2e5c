"""Schema versions of the lake, and the steps that bring an older lake up to date.

An LA's lake holds years of returns that exist nowhere else, so a new release must open the
lake the last one wrote. Each lake records the schema version it was written at in the
`lake_schema` table (a lake from before versions were recorded has no such table: version 1).
Every write goes through `lake.store.writing()`, which, in its private build file and before
the load's own statements, either creates a new lake at the current version or runs each step
from the lake's version up to the current one. An upgrade is therefore as atomic as a load:
the lake is migrated completely or not at all, and readers keep the old file until the swap.
The app upgrades a lake it finds out of date when it opens it (`lake.store.upgrade`).

To change the schema:
1. change the definition (the tables in `domain/tables.py`, the return's columns in
   `domain/columns.py`);
2. append a `Step` to STEPS below that turns a lake of the previous version into one of the
   new version, keeping every row (`add_columns` covers the common case);
3. the test in `tests/lake/test_migrations.py` checks that the committed old lakes
   (`tests/fixtures/lakes/`), once migrated, have exactly the tables and columns of a new lake,
   and still load and show; add a fixture lake built by the new code when the change is large.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from domain.columns import COLUMN_BY_NAME
from domain.problems import codes_text, problem_for_message, problems_json, split_reasons
from domain.tables import SQL_TYPES


@dataclass(frozen=True)
class Step:
    version: int                                   # the version this step brings the lake to
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def add_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    """Add nullable columns to a table (existing rows get NULL), skipping any already there."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_catalog = current_database()",
        [table]).fetchall()}
    for name, sql_type in columns.items():
        if name not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {sql_type}')


def _anonymisation_key(con: duckdb.DuckDBPyConnection) -> None:
    """A random key for this lake's anonymised labels (a keyed hash of the URN). Without a secret
    key anyone holding the public census could recompute every label; one key per lake means a
    label means nothing outside it. Kept in lake_info; exports leave it out."""
    con.execute("INSERT INTO lake_info SELECT 'anon_key', ? WHERE NOT EXISTS "
                "(SELECT 1 FROM lake_info WHERE key = 'anon_key')", [secrets.token_hex(32)])


def _form_mappings(con: duckdb.DuckDBPyConnection) -> None:
    """Online-form mappings (lake.form_mappings): each form's questions matched to the return's
    columns once, kept with their history. A new table; no existing row changes."""
    con.execute("""
        CREATE TABLE IF NOT EXISTS form_mappings (
          signature VARCHAR NOT NULL,
          version INTEGER NOT NULL,
          form_kind VARCHAR NOT NULL,
          mapping VARCHAR NOT NULL,
          saved_at TIMESTAMP NOT NULL,
          replaced_at TIMESTAMP,
          PRIMARY KEY (signature, version)
        )""")


OFSTED_COLUMNS_V3 = {
    "as_at": "DATE", "publication_date": "DATE",
    **{f"{area}_date": "DATE" for area in ("safeguarding", "inclusion", "curriculum_teaching", "achievement",
                                            "attendance_behaviour", "personal_development")},
    "early_years": "VARCHAR", "early_years_date": "DATE", "post_16": "VARCHAR", "post_16_date": "DATE",
    "leadership_governance_date": "DATE", "oeif_inspection_date": "DATE", "oeif_publication_date": "DATE",
    "overall_effectiveness_published": "VARCHAR", "quality_of_education": "INTEGER", "behaviour_attitudes": "INTEGER",
    "oeif_personal_development": "INTEGER", "leadership_management": "INTEGER", "early_years_provision": "INTEGER",
    "sixth_form_provision": "INTEGER", "safeguarding_effective": "VARCHAR", "ungraded_inspection_date": "DATE",
    "ungraded_outcome": "VARCHAR", "category_of_concern": "VARCHAR",
}
_CARD_AREAS_V2 = ("safeguarding", "inclusion", "curriculum_teaching", "achievement", "attendance_behaviour",
                  "personal_development", "leadership_governance")


def _official_data_as_published(con: duckdb.DuckDBPyConnection) -> None:
    """Ofsted rows keep OEIF judgements and report-card grades side by side, each with its own date;
    census rows keep SEN in England's SEN unit, resourced provision and primary-need counts; and
    GIAS links (school_links, created with the other tables) join a converted school's URNs.

    A lake of version 2 held one inspection date per school, for whichever grade it loaded: it
    becomes the date of each report-card grade the row has, or else of its OEIF overall grade."""
    add_columns(con, "census", {"sen_unit": "INTEGER", "rp_unit": "INTEGER", "primary_need": "VARCHAR"})
    add_columns(con, "ofsted", OFSTED_COLUMNS_V3)
    dated = ", ".join(f"{a}_date = CASE WHEN {a} IS NOT NULL THEN inspection_date END" for a in _CARD_AREAS_V2)
    con.execute(f"UPDATE ofsted SET {dated}, "
                "oeif_inspection_date = CASE WHEN overall_effectiveness IS NOT NULL AND inclusion IS NULL "
                "THEN inspection_date END, "
                "overall_effectiveness_published = CAST(overall_effectiveness AS VARCHAR)")


LAWFUL_FLAG_FIELDS = ("senco_time_enough", "senco_works_at_school", "senco_qualification_course",
                      "senco_qualification_course_started", "senco_first_senco_date", "sen_information_report_updated")


def _lawful_flag_fields(con: duckdb.DuckDBPyConnection) -> None:
    """The return fields the statutory flags and the like-for-like time benchmark need (SEND Regulations
    2014 reg. 49 and 51; the SENCO's own view of their time). Returns already loaded keep every value
    and leave the new fields blank: their flags that depend on them show as not known, not as alarms."""
    new = {name: SQL_TYPES[COLUMN_BY_NAME[name].kind] for name in LAWFUL_FLAG_FIELDS}
    for table in ("returns", "returns_history"):
        add_columns(con, table, new)


def _reject_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Rejected rows keep each problem's code and column (domain.problems) beside its message, and are
    marked resolved (`resolved_by_load`) once a return for the same school and year has loaded.

    Rows stored before codes keep their reasons word for word; each reason is given the code its
    message is recognised by, or `unknown`. A rejected return row is resolved by the first return
    for its school and year loaded by the same load or a later one (returns_history keeps them all);
    nothing is deleted."""

    add_columns(con, "rejects", {"codes": "VARCHAR", "problems": "VARCHAR", "resolved_by_load": "INTEGER"})
    texts = [r[0] for r in con.execute("SELECT DISTINCT reasons FROM rejects WHERE codes IS NULL").fetchall()]
    if texts:
        found = [[problem_for_message(m) for m in split_reasons(t)] for t in texts]
        coded = pd.DataFrame({"reasons": texts, "codes": [codes_text(p) or "unknown" for p in found],
                              "problems": [problems_json(p) for p in found]})
        con.register("coded_reasons", coded)
        con.execute("UPDATE rejects r SET codes = c.codes, problems = c.problems FROM coded_reasons c "
                    "WHERE r.codes IS NULL AND r.reasons = c.reasons")
        con.unregister("coded_reasons")
    con.execute("""
        UPDATE rejects r SET resolved_by_load = (
          SELECT min(h.load_id) FROM returns_history h
          WHERE CAST(h.urn AS VARCHAR) = r.urn AND h.academic_year = r.academic_year AND h.load_id >= r.load_id)
        WHERE r.resolved_by_load IS NULL AND r.load_id IN (SELECT load_id FROM loads WHERE kind = 'returns')""")


SCHOOL_CONTACT_COLUMNS = {"head_title": "VARCHAR", "head_first_name": "VARCHAR", "head_last_name": "VARCHAR",
                          "head_job_title": "VARCHAR", "telephone": "VARCHAR", "website": "VARCHAR"}


def _chase_contacts_and_notes(con: duckdb.DuckDBPyConnection) -> None:
    """The register's contact details on `schools` (blank until the register is loaded again) and the
    officers' "last chased" notes (lake.chase), a new table. No existing row changes."""
    add_columns(con, "schools", SCHOOL_CONTACT_COLUMNS)
    con.execute("""
        CREATE TABLE IF NOT EXISTS chase_notes (
          urn INTEGER NOT NULL,
          academic_year VARCHAR NOT NULL,
          chased_on DATE NOT NULL,
          note VARCHAR NOT NULL,
          entered_at TIMESTAMP NOT NULL
        )""")


STEPS: tuple[Step, ...] = (
    Step(2, "record schema versions; a random anonymisation key for the lake", _anonymisation_key),
    Step(3, "online-form mappings, kept with their history", _form_mappings),
    Step(4, "official data as published: Ofsted grades with their own dates, SEN in England detail, GIAS links",
         _official_data_as_published),
    Step(5, "return fields for the statutory flags and the SENCO's view of their time", _lawful_flag_fields),
    Step(6, "rejected rows keep their problems' codes and columns, and are marked resolved by a later return",
         _reject_codes),
    Step(7, "the register's contact details for the chase list; officers' last-chased notes",
         _chase_contacts_and_notes),
)
CURRENT = STEPS[-1].version if STEPS else 1

VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS lake_schema (
  version INTEGER PRIMARY KEY,
  description VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL
)"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}


def version_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of the lake `con` is using; None for an empty (new) database."""
    tables = _tables(con)
    if "lake_schema" in tables:
        rows = con.execute("SELECT max(version) FROM lake_schema").fetchall()
        return int(rows[0][0] or 1)
    return 1 if "loads" in tables else None


class LakeTooNew(RuntimeError):
    """The lake was written by a newer release of the software than this one."""


def bring_up_to_date(con: duckdb.DuckDBPyConnection, create: Callable[[duckdb.DuckDBPyConnection], None]) -> int:
    """Create a new lake at the current version with `create`, or migrate an older one step by step.
    Returns the version the lake had before, 0 for a new lake."""
    before = version_of(con)
    if before is not None and before > CURRENT:
        raise LakeTooNew(f"the lake is at schema version {before}, newer than this release understands "
                         f"({CURRENT}); install the newer release that wrote it")
    now = dt.datetime.now().replace(microsecond=0)
    if before is None:
        create(con)
        con.execute(VERSION_TABLE)
        for step in STEPS:
            step.apply(con)
            con.execute("INSERT INTO lake_schema VALUES (?, ?, ?)", [step.version, step.description, now])
        return 0
    con.execute(VERSION_TABLE)
    for step in STEPS:
        if step.version > before:
            step.apply(con)
            con.execute("INSERT INTO lake_schema VALUES (?, ?, ?)", [step.version, step.description, now])
    create(con)                          # tables added since (CREATE ... IF NOT EXISTS)
    return before


def needs_upgrade(version: int | None) -> bool:
    return version is not None and version < CURRENT
