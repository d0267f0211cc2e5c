"""The lake's tables, defined once.

`lake.store` creates a new lake from SCHEMA; `lake.parquet` exports, and `lake.backup` checks
for, the tables listed here, so a new table is added here (plus its step in `lake/migrations.py`,
which adds it to older lakes) and nowhere else. The `returns` and `returns_history` tables take
their columns from the return's column definitions (`domain.columns`). The `lake_schema` table of
applied schema versions belongs to `lake/migrations.py`, which creates it.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.columns import COLUMNS

# The lake column type of each kind of return value (domain.columns.Column.kind).
SQL_TYPES = {"urn": "INTEGER", "text": "VARCHAR", "year": "VARCHAR", "enum": "VARCHAR",
             "count": "INTEGER", "hours": "DOUBLE", "yesno": "BOOLEAN", "date": "DATE",
             "list": "VARCHAR"}
RETURN_COLUMNS = [c.name for c in COLUMNS]
# What the loader records beside each return's own columns.
RETURN_EXTRA = {"load_id": "INTEGER", "source_file": "VARCHAR", "source_row": "INTEGER",
                "conversion_notes": "VARCHAR"}
RETURNS_KEY = "urn, academic_year"


def return_columns_ddl() -> str:
    cols = [f"{c.name} {SQL_TYPES[c.kind]}" for c in COLUMNS]
    cols += [f"{k} {v}" for k, v in RETURN_EXTRA.items()]
    return ",\n  ".join(cols)


def returns_ddl(key: bool = True) -> str:
    """The `returns` table, with its primary key unless `key` is false."""
    return (f"CREATE TABLE IF NOT EXISTS returns (\n  {return_columns_ddl()}"
            + (f",\n  PRIMARY KEY ({RETURNS_KEY})" if key else "") + "\n);")


@dataclass(frozen=True)
class Table:
    name: str
    holds: str                 # what one row is, in a few words
    ddl: str                   # CREATE TABLE IF NOT EXISTS ...
    since: int = 1             # the schema version that added it (older lakes and their backups lack it)
    exported: bool = True      # copied to a Parquet lake (lake.parquet); a replica only reads


SEQUENCES = "CREATE SEQUENCE IF NOT EXISTS load_ids START 1;"

TABLES: tuple[Table, ...] = (
    Table("loads", "one row per file loaded, with rows read, accepted and rejected",
          """CREATE TABLE IF NOT EXISTS loads (
  load_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL,            -- returns | gias | census | ofsted | benchmarks
  file_name VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  rows_read INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  status VARCHAR NOT NULL,          -- loaded | failed
  message VARCHAR,
  raw_path VARCHAR,
  CHECK (rows_read = accepted + rejected)
);"""),
    Table("returns", "the current return per school and academic year", returns_ddl()),
    Table("returns_history", "every accepted submission; superseded_by_load set when replaced",
          f"""CREATE TABLE IF NOT EXISTS returns_history (
  {return_columns_ddl()},
  superseded_by_load INTEGER
);"""),
    Table("rejects", "each rejected row with its raw values (JSON) and reasons",
          """CREATE TABLE IF NOT EXISTS rejects (
  load_id INTEGER NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  urn VARCHAR,
  school_name VARCHAR,
  academic_year VARCHAR,
  raw_values VARCHAR NOT NULL,      -- JSON object of the row as received
  reasons VARCHAR NOT NULL,
  codes VARCHAR,                    -- the problems' codes (domain.problems.CODES), distinct, space-separated
  problems VARCHAR,                 -- JSON list of each problem's code, column and message
  resolved_by_load INTEGER          -- the load of a later return for the same school and year
);"""),
    Table("schools", "the register of schools (GIAS)",
          """CREATE TABLE IF NOT EXISTS schools (
  urn INTEGER PRIMARY KEY,
  school_name VARCHAR,
  la_code INTEGER,
  la_name VARCHAR,
  region VARCHAR,
  phase VARCHAR,
  school_type VARCHAR,
  type_group VARCHAR,
  status VARCHAR,
  statutory_low_age INTEGER,
  statutory_high_age INTEGER,
  number_on_roll INTEGER,
  town VARCHAR,
  postcode VARCHAR,
  open_date DATE,
  close_date DATE,
  source VARCHAR,
  load_id INTEGER,
  head_title VARCHAR,               -- the register's contact details (GIAS HeadTitle (name), HeadFirstName,
  head_first_name VARCHAR,          -- HeadLastName, HeadPreferredJobTitle, TelephoneNum, SchoolWebsite)
  head_last_name VARCHAR,
  head_job_title VARCHAR,
  telephone VARCHAR,
  website VARCHAR
);"""),
    Table("census", "SEN in England school-level counts per census year",
          """CREATE TABLE IF NOT EXISTS census (
  urn INTEGER NOT NULL,
  census_year VARCHAR NOT NULL,     -- academic year of the January census, e.g. 2018/19
  la_code INTEGER,
  number_on_roll INTEGER,
  sen_support INTEGER,
  ehcp INTEGER,                     -- EHC plans (statements or EHC plans before 2019/20)
  source VARCHAR,
  load_id INTEGER,
  sen_unit INTEGER,                 -- SEN in England: SEN_Unit, RP_Unit as published
  rp_unit INTEGER,
  primary_need VARCHAR,             -- JSON: EHC_/SUP_Primary_need_<need> counts as published
  PRIMARY KEY (urn, census_year)
);"""),
    Table("ofsted", "Ofsted's latest outcomes per school, from the newest management information file",
          """CREATE TABLE IF NOT EXISTS ofsted (
  urn INTEGER PRIMARY KEY,
  inspection_date DATE,             -- latest full inspection's start date, as the file gives it
  overall_effectiveness INTEGER,    -- latest OEIF graded inspection: 1-4; empty when 'Not judged'
  inclusion VARCHAR,                -- report-card grades (from November 2025), each with its date
  achievement VARCHAR,
  attendance_behaviour VARCHAR,
  personal_development VARCHAR,     -- report card 'Personal development and wellbeing', never OEIF's
  leadership_governance VARCHAR,
  curriculum_teaching VARCHAR,
  safeguarding VARCHAR,             -- report card 'Safeguarding standards': met / not met
  source VARCHAR,
  load_id INTEGER,
  as_at DATE,                       -- the file's "as at" date
  publication_date DATE,
  safeguarding_date DATE,
  inclusion_date DATE,
  curriculum_teaching_date DATE,
  achievement_date DATE,
  attendance_behaviour_date DATE,
  personal_development_date DATE,
  early_years VARCHAR,
  early_years_date DATE,
  post_16 VARCHAR,
  post_16_date DATE,
  leadership_governance_date DATE,
  oeif_inspection_date DATE,        -- the OEIF graded inspection its judgements belong to
  oeif_publication_date DATE,
  overall_effectiveness_published VARCHAR,  -- '1'-'4' or 'Not judged', as published
  quality_of_education INTEGER,
  behaviour_attitudes INTEGER,
  oeif_personal_development INTEGER,
  leadership_management INTEGER,
  early_years_provision INTEGER,
  sixth_form_provision INTEGER,
  safeguarding_effective VARCHAR,   -- OEIF 'Safeguarding is effective?': yes / no
  ungraded_inspection_date DATE,
  ungraded_outcome VARCHAR,
  category_of_concern VARCHAR
);"""),
    Table("school_links", "GIAS links between a school's URNs (predecessor, successor)",
          """CREATE TABLE IF NOT EXISTS school_links (
  urn INTEGER NOT NULL,
  link_urn INTEGER NOT NULL,
  link_name VARCHAR,
  link_type VARCHAR NOT NULL,       -- as GIAS publishes it: 'Successor', 'Predecessor', ...
  link_established_date DATE,
  source VARCHAR,
  load_id INTEGER,
  PRIMARY KEY (urn, link_urn, link_type)
);""", since=4),
    Table("benchmarks", "national figures with their source and year",
          """CREATE TABLE IF NOT EXISTS benchmarks (
  benchmark_id VARCHAR NOT NULL,
  phase VARCHAR NOT NULL,           -- 'all' or a phase
  value DOUBLE NOT NULL,
  unit VARCHAR,
  source VARCHAR NOT NULL,
  year VARCHAR NOT NULL,
  note VARCHAR
);"""),
    Table("lake_info", "key/value facts about the lake (what is synthetic, the anonymisation key)",
          """CREATE TABLE IF NOT EXISTS lake_info (
  key VARCHAR PRIMARY KEY,
  value VARCHAR
);"""),
    Table("form_mappings", "each online form's question-to-column mapping, with its history",
          """CREATE TABLE IF NOT EXISTS form_mappings (
  signature VARCHAR NOT NULL,       -- the form's questions (etl.forms.FormExport.signature)
  version INTEGER NOT NULL,         -- 1, 2, ... for each change of this form's mapping
  form_kind VARCHAR NOT NULL,       -- Microsoft Forms | Google Forms | SurveyMonkey
  mapping VARCHAR NOT NULL,         -- JSON, as etl.forms.Mapping.to_json writes it
  saved_at TIMESTAMP NOT NULL,
  replaced_at TIMESTAMP,            -- NULL for the mapping in use; history is kept (lake.form_mappings)
  PRIMARY KEY (signature, version)
);""", since=3, exported=False),
    Table("chase_notes", "officers' last-chased notes for schools without a return",
          """CREATE TABLE IF NOT EXISTS chase_notes (
  urn INTEGER NOT NULL,
  academic_year VARCHAR NOT NULL,   -- the collection the school was chased for
  chased_on DATE NOT NULL,          -- when the officer chased it
  note VARCHAR NOT NULL,            -- what the officer typed (plain text; never rendered as HTML)
  entered_at TIMESTAMP NOT NULL     -- when it was entered; every note is kept, the newest shows
);""", since=7),
)
# form_mappings is not exported: mappings serve loading, and a Parquet replica never loads. chase_notes
# is: a replica shows the chase list, and with it when each school was last chased, though notes are
# entered only on the loading server (exports written before release 7's notes have no such file).

# Every lake has these, whatever release wrote it (a backup without one of them is not a lake).
FIRST_TABLES = frozenset(t.name for t in TABLES if t.since == 1)
EXPORTED_TABLES = tuple(t.name for t in TABLES if t.exported)
# Exported tables an export written by an earlier release may lack (a replica reads on without them).
LATER_EXPORTED = frozenset(t.name for t in TABLES if t.exported and t.since > 1)

SCHEMA = "\n".join([SEQUENCES, *(t.ddl for t in TABLES)]) + "\n"
