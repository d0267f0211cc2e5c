"""Load SENCO return files into the lake: every row read is loaded or kept as a reject.

One call is one transaction over the whole batch of files (see lake.store.writing): the
lake changes completely or not at all. Loading a file whose bytes were loaded before
changes nothing. A resubmission for the same school and year replaces the current row
in `returns`; the earlier one stays in `returns_history`, marked as superseded.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.columns import COLUMNS
from etl.readers import NotAReturn, ParsedFile, read_return_file
from etl.validate import RowResult, flag_duplicates, validate_row
from lake import config
from lake.store import RETURN_COLUMNS, RETURN_EXTRA, raw_dir, writing

RETURN_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"}


@dataclass
class FileOutcome:
    file_name: str
    status: str = "loaded"                  # loaded | failed | unchanged
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    message: str = ""
    load_id: int | None = None
    results: list[RowResult] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def rejects(self) -> list[RowResult]:
        return [r for r in self.results if not r.ok]

    @property
    def clean(self) -> bool:
        return self.status != "failed" and self.rejected == 0

    def report_lines(self) -> list[str]:
        if self.status == "failed":
            return [f"{self.file_name}: not loaded: {self.message}"]
        if self.status == "unchanged":
            still = f"; its {self.rejected} rejected rows still need correcting" if self.rejected else ""
            return [f"{self.file_name}: already loaded (load {self.load_id}); nothing changed{still}"]
        lines = [f"{self.file_name}: {self.rows_read} rows read, {self.accepted} accepted, "
                 f"{self.rejected} rejected"]
        if self.ignored_headers:
            lines.append("  columns ignored: " + ", ".join(self.ignored_headers))
        for r in self.rejects:
            lines.append(f"  row {r.row_number}: " + "; ".join(r.reasons))
        return lines


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_raw(data: bytes, file_name: str, lake_path: Path) -> Path:
    """Keep the file exactly as received, addressed by its hash."""
    digest = sha256(data)
    folder = raw_dir(lake_path) / digest[:2] / digest
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(file_name).name
    if not target.exists():
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


def previous_load(con: duckdb.DuckDBPyConnection, digest: str, kind: str) -> int | None:
    row = con.execute("SELECT min(load_id) FROM loads WHERE sha256 = ? AND kind = ? AND status <> 'failed'",
                      [digest, kind]).fetchall()[0]
    return row[0] if row and row[0] is not None else None


def new_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('load_ids')").fetchall()[0][0]


def record_load(con: duckdb.DuckDBPyConnection, load_id: int, kind: str, file_name: str,
                digest: str, rows_read: int, accepted: int, rejected: int, status: str,
                message: str = "", raw_path: str | None = None) -> None:
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, kind, file_name, digest, dt.datetime.now().replace(microsecond=0), rows_read,
         accepted, rejected, status, message, raw_path])


def check_returns(data: bytes, file_name: str, day_hours: float | None = None,
                  today: dt.date | None = None) -> FileOutcome:
    """Read and validate one file without touching the lake (the upload preview uses this)."""
    day_hours = day_hours or config.school_day_hours()
    outcome = FileOutcome(file_name=file_name)
    try:
        parsed: ParsedFile = read_return_file(Path(file_name), data)
    except NotAReturn as exc:
        outcome.status, outcome.message = "failed", str(exc)
        return outcome
    outcome.ignored_headers = parsed.ignored_headers
    cache: dict = {}
    results = [validate_row(r.cells, r.row_number, r.raw, day_hours, today, cache) for r in parsed.rows]
    flag_duplicates(results)
    outcome.results = results
    outcome.rows_read = len(results)
    outcome.accepted = sum(r.ok for r in results)
    outcome.rejected = outcome.rows_read - outcome.accepted
    if outcome.rows_read == 0:
        outcome.status, outcome.message = "failed", "the file has a header row but no rows of data"
    return outcome


def _json_safe(v: object) -> object:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _write_outcome(con: duckdb.DuckDBPyConnection, outcome: FileOutcome, load_id: int) -> None:
    good = [r for r in outcome.results if r.ok]
    if good:
        frame = pd.DataFrame([{**{c: r.record.get(c) for c in RETURN_COLUMNS},
                               "load_id": load_id, "source_file": outcome.file_name,
                               "source_row": r.row_number,
                               "conversion_notes": "; ".join(r.notes) or None} for r in good])
        frame = frame.astype({c.name: "object" for c in COLUMNS})
        cols = ", ".join(RETURN_COLUMNS + list(RETURN_EXTRA))
        con.register("incoming", frame)
        con.execute("""
            UPDATE returns_history h SET superseded_by_load = ?
            FROM incoming i
            WHERE h.urn = i.urn AND h.academic_year = i.academic_year AND h.superseded_by_load IS NULL
        """, [load_id])
        con.execute("DELETE FROM returns r USING incoming i WHERE r.urn = i.urn AND r.academic_year = i.academic_year")
        select = ", ".join(f"CAST({c} AS {t})" for c, t in _typed_columns())
        con.execute(f"INSERT INTO returns ({cols}) SELECT {select} FROM incoming")
        con.execute(f"INSERT INTO returns_history ({cols}) SELECT {select} FROM incoming")
        con.unregister("incoming")
    bad = outcome.rejects
    if bad:
        frame = pd.DataFrame([{
            "load_id": load_id, "source_file": outcome.file_name, "row_number": r.row_number,
            "urn": None if r.record.get("urn") is None else str(r.record["urn"]),
            "school_name": r.record.get("school_name"),
            "academic_year": r.record.get("academic_year"),
            "raw_values": json.dumps({str(k): _json_safe(v) for k, v in r.raw.items()}, ensure_ascii=False),
            "reasons": "; ".join(r.reasons)} for r in bad])
        con.register("incoming_rejects", frame)
        con.execute("INSERT INTO rejects SELECT load_id, source_file, row_number, urn, school_name, "
                    "academic_year, raw_values, reasons FROM incoming_rejects")
        con.unregister("incoming_rejects")


def _typed_columns() -> list[tuple[str, str]]:
    from lake.store import SQL_TYPES
    return [(c.name, SQL_TYPES[c.kind]) for c in COLUMNS] + list(RETURN_EXTRA.items())


def load_returns(files: list[tuple[str, bytes]], lake_path: Path | None = None,
                 today: dt.date | None = None) -> list[FileOutcome]:
    """Load a batch of (file name, bytes) in one transaction; returns each file's outcome."""
    lake_path = Path(lake_path or config.lake_path())
    outcomes: list[FileOutcome] = []
    with writing(lake_path) as con:
        seen: set[str] = set()
        for name, data in files:
            digest = sha256(data)
            earlier = previous_load(con, digest, "returns")
            if earlier is not None or digest in seen:
                before = con.execute("SELECT rejected FROM loads WHERE load_id = ?", [earlier]).fetchall() \
                    if earlier is not None else []
                outcomes.append(FileOutcome(file_name=name, status="unchanged", load_id=earlier,
                                            rejected=before[0][0] if before else 0))
                continue
            seen.add(digest)
            outcome = check_returns(data, name, today=today)
            raw = keep_raw(data, name, lake_path)
            load_id = new_load_id(con)
            outcome.load_id = load_id
            if outcome.status != "failed":
                _write_outcome(con, outcome, load_id)
            record_load(con, load_id, "returns", name, digest, outcome.rows_read, outcome.accepted,
                        outcome.rejected, outcome.status, outcome.message, str(raw))
            outcomes.append(outcome)
    return outcomes


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the return files inside any folders (sorted, so loads repeat)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in RETURN_SUFFIXES
                          and not f.name.startswith((".", "~$")))
        else:
            out.append(p)
    return out
