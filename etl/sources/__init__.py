"""Official open data into the lake: one module per source, each a declarative spec run by the
shared reader (etl.sources.reader):

  gias         the GIAS register (edubasealldataYYYYMMDD.csv) or the older DfE school names list
  gias_links   GIAS links between establishments (links_edubasealldataYYYYMMDD.csv)
  census_pt    the school performance tables census download (england_census.csv)
  sen_england  Special educational needs in England, school-level underlying data, every layout
  ofsted       Ofsted management information, latest inspections (OEIF and report-card layouts)
  benchmarks   data/benchmarks.csv

Each file is one transaction (lake.store.writing) and is accounted for like a return file: a
`loads` row with rows_read = accepted + rejected, the file kept as received, rows that cannot be
trusted kept in `rejects` with a reason, and loading the same bytes again changes nothing. A file
that is not the source asked for fails as a whole with one line naming what is missing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path

import duckdb
import pandas as pd

from domain.columns import header_key
from domain.problems import codes_text, problems_json
from etl.load import FileOutcome, keep_raw, new_load_id, record_load, sha256
from etl.readers import NotAReturn, decode_text
from etl.sources import census_pt, gias, gias_links, ofsted, sen_england
from etl.sources.census_pt import phase_from_type
from etl.sources.census_year import census_year_from_name
from etl.sources.reader import FileProblem, Parsed, read_table, text
from etl.sources.regions import england_region, la_lookup
from etl.validate import RowResult
from lake import config
from lake.store import writing

KINDS = ("gias", "census", "ofsted")
BENCHMARKS_FILE = config.ROOT / "data" / "benchmarks.csv"

__all__ = [
    "BENCHMARKS_FILE",
    "KINDS",
    "FileProblem",
    "census_year_from_name",
    "england_region",
    "la_lookup",
    "load_benchmarks",
    "load_official",
    "load_official_into",
    "parse_official",
    "phase_from_type",
]


def parse_official(kind: str, file_name: str, data: bytes, census_year: str | None = None,
                   as_at: dt.date | None = None) -> Parsed:
    """Read and check one official file without touching the lake; FileProblem if unusable."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of official data: {kind!r} (expected one of {', '.join(KINDS)})")
    table = read_table(data)
    if kind == "gias":
        if "linkurn" in table.keys:
            return gias_links.parse(table)
        return gias.parse(table)
    if kind == "census":
        if sen_england.looks_like(table):
            return sen_england.parse(table, file_name, census_year)
        if census_pt.looks_like(table):
            return census_pt.parse(table, file_name, census_year)
        raise FileProblem(
            "not a school census file: expected the performance tables census columns "
            "(URN, NOR, TSENELSE, TSENELK) or the SEN in England columns "
            "(URN, Total pupils, SEN support, EHC plan or Statement / EHC plan)")
    return ofsted.parse(table, file_name, as_at)


# ---------------------------------------------------------------- writing

SCHOOL_COLUMNS = ("urn", "school_name", "la_code", "la_name", "region", "phase", "school_type",
                  "type_group", "status", "statutory_low_age", "statutory_high_age", "number_on_roll",
                  "town", "postcode", "open_date", "close_date", *gias.CONTACT_COLUMNS, "source", "load_id")
SCHOOL_TYPES = {"urn": "INTEGER", "la_code": "INTEGER", "statutory_low_age": "INTEGER",
                "statutory_high_age": "INTEGER", "number_on_roll": "INTEGER", "open_date": "DATE",
                "close_date": "DATE", "load_id": "INTEGER"}
NAMES_COLUMNS = ("school_name", "town", "postcode", "open_date", "close_date")


def _frame(rows: list[dict], columns: tuple[str, ...], load_id: int) -> pd.DataFrame:
    return pd.DataFrame([{c: (load_id if c == "load_id" else r.get(c)) for c in columns} for r in rows],
                        columns=list(columns), dtype=object)


def _select(columns: tuple[str, ...], types: dict[str, str]) -> str:
    return ", ".join(f"CAST({c} AS {types.get(c, 'VARCHAR')}) AS {c}" for c in columns)


def _write_schools(con: duckdb.DuckDBPyConnection, parsed: Parsed, load_id: int) -> None:
    if not parsed.schools or parsed.school_mode == "none":
        return
    params: list[object] = []
    con.register("incoming_schools", _frame(parsed.schools, SCHOOL_COLUMNS, load_id))
    cols = ", ".join(SCHOOL_COLUMNS)
    source_merge = ("source = CASE WHEN schools.source IS NULL THEN excluded.source "
                    "WHEN contains(schools.source, excluded.source) THEN schools.source "
                    "ELSE schools.source || '; ' || excluded.source END")
    others = [c for c in SCHOOL_COLUMNS if c not in ("urn", "source", "load_id")]
    if parsed.school_mode == "replace":
        # The full register is the richest source: its values win, gaps keep what was known.
        sets = [f"{c} = coalesce(excluded.{c}, schools.{c})" for c in others]
        sets += ["source = excluded.source", "load_id = excluded.load_id"]
    elif parsed.school_mode == "names":
        # A names list fills names, towns, postcodes and dates; it defers to the full register.
        sets = [f"{c} = CASE WHEN starts_with(coalesce(schools.source, ''), ?) "
                f"THEN coalesce(schools.{c}, excluded.{c}) ELSE coalesce(excluded.{c}, schools.{c}) END"
                for c in NAMES_COLUMNS]
        params = [gias.SOURCE] * len(NAMES_COLUMNS)
        sets.append(source_merge)
    else:
        # Census files give a school's LA and type: fill gaps, never overwrite the register.
        sets = [f"{c} = coalesce(schools.{c}, excluded.{c})" for c in others]
        sets.append(source_merge)
    con.execute(f"INSERT INTO schools ({cols}) SELECT {_select(SCHOOL_COLUMNS, SCHOOL_TYPES)} "
                f"FROM incoming_schools ON CONFLICT (urn) DO UPDATE SET {', '.join(sets)}", params)
    con.unregister("incoming_schools")


CENSUS_COLUMNS = ("urn", "census_year", "la_code", "number_on_roll", "sen_support", "ehcp", "sen_unit", "rp_unit",
                  "primary_need", "source", "load_id")
CENSUS_TYPES = {"urn": "INTEGER", "la_code": "INTEGER", "number_on_roll": "INTEGER", "sen_support": "INTEGER",
                "ehcp": "INTEGER", "sen_unit": "INTEGER", "rp_unit": "INTEGER", "load_id": "INTEGER"}
OFSTED_COLUMNS = ("urn", "as_at", "inspection_date", "publication_date",
                  *(c for a in ofsted.AREA_NAMES for c in (a, f"{a}_date")),
                  "oeif_inspection_date", "oeif_publication_date", "overall_effectiveness",
                  "overall_effectiveness_published", *ofsted.OEIF_NAMES[1:], "safeguarding_effective",
                  "ungraded_inspection_date", "ungraded_outcome", "category_of_concern", "source", "load_id")
OFSTED_TYPES = {"urn": "INTEGER", "load_id": "INTEGER", **{c: "INTEGER" for c in ofsted.OEIF_NAMES},
                **{c: "DATE" for c in OFSTED_COLUMNS if c.endswith("_date") or c == "as_at"}}
LINK_COLUMNS = ("urn", "link_urn", "link_name", "link_type", "link_established_date", "source", "load_id")
LINK_TYPES = {"urn": "INTEGER", "link_urn": "INTEGER", "link_established_date": "DATE", "load_id": "INTEGER"}
BENCHMARK_COLUMNS = ("benchmark_id", "phase", "value", "unit", "source", "year", "note")


def _write_parsed(con: duckdb.DuckDBPyConnection, parsed: Parsed, load_id: int) -> None:
    _write_schools(con, parsed, load_id)
    if parsed.census:
        con.register("incoming_census", _frame(parsed.census, CENSUS_COLUMNS, load_id))
        con.execute(f"INSERT OR REPLACE INTO census ({', '.join(CENSUS_COLUMNS)}) "
                    f"SELECT {_select(CENSUS_COLUMNS, CENSUS_TYPES)} FROM incoming_census")
        con.unregister("incoming_census")
    if parsed.ofsted:
        # A school's row is the newest file's: an older edition loaded later changes nothing.
        con.register("incoming_ofsted", _frame(parsed.ofsted, OFSTED_COLUMNS, load_id))
        sets = ", ".join(f"{c} = excluded.{c}" for c in OFSTED_COLUMNS if c != "urn")
        con.execute(f"INSERT INTO ofsted ({', '.join(OFSTED_COLUMNS)}) "
                    f"SELECT {_select(OFSTED_COLUMNS, OFSTED_TYPES)} FROM incoming_ofsted "
                    f"ON CONFLICT (urn) DO UPDATE SET {sets} "
                    "WHERE ofsted.as_at IS NULL OR excluded.as_at IS NULL OR excluded.as_at >= ofsted.as_at")
        con.unregister("incoming_ofsted")
    if parsed.links:
        con.register("incoming_links", _frame(parsed.links, LINK_COLUMNS, load_id))
        con.execute(f"INSERT OR REPLACE INTO school_links ({', '.join(LINK_COLUMNS)}) "
                    f"SELECT {_select(LINK_COLUMNS, LINK_TYPES)} FROM incoming_links")
        con.unregister("incoming_links")
    if parsed.benchmarks:
        _replace_benchmarks(con, parsed.benchmarks, by_year=True)
    _write_rejects(con, parsed.rejects, load_id, parsed.source_file)


def _replace_benchmarks(con: duckdb.DuckDBPyConnection, rows: list[dict], by_year: bool) -> None:
    frame = pd.DataFrame(rows, columns=list(BENCHMARK_COLUMNS), dtype=object)
    con.register("incoming_benchmarks", frame)
    match = "b.benchmark_id = i.benchmark_id AND b.phase = i.phase"
    if by_year:
        match += " AND b.year = i.year"
    con.execute(f"DELETE FROM benchmarks b USING incoming_benchmarks i WHERE {match}")
    con.execute("INSERT INTO benchmarks SELECT benchmark_id, phase, CAST(value AS DOUBLE), unit, source, "
                "year, note FROM incoming_benchmarks")
    con.unregister("incoming_benchmarks")


def _json_safe(v: object) -> object:
    if v is None or isinstance(v, (str, int, bool)):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    return str(v)


def _write_rejects(con: duckdb.DuckDBPyConnection, rejects: list[RowResult], load_id: int, file_name: str) -> None:
    if not rejects:
        return
    frame = pd.DataFrame([{
        "load_id": load_id, "source_file": file_name, "row_number": r.row_number,
        "urn": r.record.get("urn"), "school_name": r.record.get("school_name"),
        "academic_year": r.record.get("academic_year"),
        "raw_values": json.dumps({str(k): _json_safe(v) for k, v in r.raw.items()}, ensure_ascii=False),
        "reasons": "; ".join(r.reasons), "codes": codes_text(r.problems),
        "problems": problems_json(r.problems)} for r in rejects], dtype=object)
    con.register("incoming_rejects", frame)
    con.execute("INSERT INTO rejects (load_id, source_file, row_number, urn, school_name, academic_year, raw_values, "
                "reasons, codes, problems) SELECT CAST(load_id AS INTEGER), source_file, CAST(row_number AS INTEGER), "
                "urn, school_name, academic_year, raw_values, reasons, codes, problems FROM incoming_rejects")
    con.unregister("incoming_rejects")


def _earlier_load(con: duckdb.DuckDBPyConnection, digest: str, kind: str) -> int | None:
    """The load that already took these exact bytes (a failed attempt does not count, so a
    file that failed for want of, say, a census year can be loaded once that is given)."""
    rows = con.execute("SELECT min(load_id) FROM loads WHERE sha256 = ? AND kind = ? AND status <> 'failed'",
                       [digest, kind]).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def load_official_into(con: duckdb.DuckDBPyConnection, kind: str, file_name: str, data: bytes,
                       lake_path: Path, census_year: str | None = None,
                       as_at: dt.date | None = None) -> FileOutcome:
    """Load one official file through an open `writing()` connection."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of official data: {kind!r} (expected one of {', '.join(KINDS)})")
    digest = sha256(data)
    earlier = _earlier_load(con, digest, kind)
    if earlier is not None:
        return FileOutcome(file_name=file_name, status="unchanged", load_id=earlier)
    outcome = FileOutcome(file_name=file_name)
    try:
        parsed = parse_official(kind, file_name, data, census_year, as_at)
        if parsed.rows_read == 0:
            raise FileProblem("the file has a header row but no rows of data")
    except FileProblem as exc:
        parsed = None
        outcome.status, outcome.message = "failed", str(exc)
    raw = keep_raw(data, file_name, lake_path)
    load_id = new_load_id(con)
    outcome.load_id = load_id
    if parsed is not None:
        parsed.source_file = file_name
        outcome.rows_read, outcome.accepted = parsed.rows_read, parsed.accepted
        outcome.rejected = len(parsed.rejects)
        outcome.results = parsed.rejects
        outcome.message = parsed.note
        _write_parsed(con, parsed, load_id)
    record_load(con, load_id, kind, file_name, digest, outcome.rows_read, outcome.accepted,
                outcome.rejected, outcome.status, outcome.message, str(raw))
    return outcome


def load_official(kind: str, file_name: str, data: bytes, lake_path: Path | None = None,
                  census_year: str | None = None, as_at: dt.date | None = None) -> FileOutcome:
    """Load one GIAS, census or Ofsted file into the lake in one transaction.

    census_year (e.g. '2018/19', or 2019 for the January 2019 census) is needed only for a
    census file with no time_period column whose name carries no year; as_at only for an Ofsted
    file whose name has lost its "as at" date.
    """
    lake_path = Path(lake_path or config.lake_path())
    with writing(lake_path) as con:
        return load_official_into(con, kind, file_name, data, lake_path, census_year, as_at)


# ------------------------------------------------------------- benchmarks

def load_benchmarks(path: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
                    lake_path: Path | None = None) -> FileOutcome:
    """Load data/benchmarks.csv: each row replaces the row with the same benchmark_id and
    phase. With no connection, opens its own transaction on the lake."""
    path = Path(path or BENCHMARKS_FILE)
    if con is None:
        lake_path = Path(lake_path or config.lake_path())
        with writing(lake_path) as own:
            return load_benchmarks(path, own, lake_path)
    data = path.read_bytes()
    digest = sha256(data)
    earlier = _earlier_load(con, digest, "benchmarks")
    if earlier is not None:
        return FileOutcome(file_name=path.name, status="unchanged", load_id=earlier)
    outcome = FileOutcome(file_name=path.name)
    raw = keep_raw(data, path.name, lake_path) if lake_path else path
    load_id = new_load_id(con)
    outcome.load_id = load_id
    rows: list[dict] = []
    rejects: list[RowResult] = []
    try:
        reader = csv.DictReader(io.StringIO(decode_text(data), newline=""))
        fields = {header_key(h): h for h in reader.fieldnames or []}
        missing = [c for c in ("benchmark_id", "phase", "value", "source", "year") if header_key(c) not in fields]
        if missing:
            raise FileProblem("not a benchmarks file: required column(s) missing: " + ", ".join(missing))
        for row in reader:
            number = reader.line_num
            cell = {c: text(row.get(fields.get(header_key(c), ""), "")) for c in BENCHMARK_COLUMNS}
            reasons = [f"{c} is missing" for c in ("benchmark_id", "phase", "value", "source", "year") if not cell[c]]
            try:
                value = float(cell["value"])
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                reasons.append(f"value '{cell['value']}' is not a number")
                value = None
            if reasons:
                rejects.append(RowResult(number, dict(row), {"urn": None}, reasons))
                continue
            rows.append({**cell, "value": value, "unit": cell["unit"] or None, "note": cell["note"] or None,
                         "_line": number, "_raw": dict(row)})
    except (FileProblem, NotAReturn, csv.Error) as exc:
        outcome.status, outcome.message = "failed", str(exc)
    else:
        keys = [(r["benchmark_id"], r["phase"]) for r in rows]
        dupes = {k for k in keys if keys.count(k) > 1}
        for r in [r for r in rows if (r["benchmark_id"], r["phase"]) in dupes]:
            rejects.append(RowResult(r["_line"], r["_raw"], {"urn": None},
                                     [f"benchmark {r['benchmark_id']} for {r['phase']} appears more than once"]))
        rows = [r for r in rows if (r["benchmark_id"], r["phase"]) not in dupes]
        if rows:
            _replace_benchmarks(con, rows, by_year=False)
        _write_rejects(con, rejects, load_id, path.name)
        outcome.accepted, outcome.rejected = len(rows), len(rejects)
        outcome.rows_read = outcome.accepted + outcome.rejected
        outcome.results = rejects
    record_load(con, load_id, "benchmarks", path.name, digest, outcome.rows_read, outcome.accepted,
                outcome.rejected, outcome.status, outcome.message, str(raw))
    return outcome
