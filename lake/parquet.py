"""A Parquet copy of the lake that many app servers can share.

`export(lake_file, out)` writes every table as Parquet, the large ones partitioned by
academic year and LA (hive style: `returns/part_year=2025/part_la=813/*.parquet`), plus a
`_version` file written last. `attach(con, root)` makes the same table names available on
an in-memory DuckDB connection as views over those files, so `lake.api` runs unchanged.
`root` may be a folder or an object-store URL (s3://, gs://, https:// via DuckDB's httpfs
extension, which the deployment installs).
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

import duckdb

from domain.tables import EXPORTED_TABLES, LATER_EXPORTED
from lake.errors import LakeMissing

# table -> (partition expressions added for export, columns to drop again on read)
PARTITIONED = {
    "returns": "SELECT r.*, CAST(substr(r.academic_year, 1, 4) AS INTEGER) AS part_year, "
               "coalesce(s.la_code, 0) AS part_la FROM returns r LEFT JOIN schools s ON s.urn = r.urn",
    "returns_history": "SELECT r.*, CAST(substr(r.academic_year, 1, 4) AS INTEGER) AS part_year, "
                       "coalesce(s.la_code, 0) AS part_la FROM returns_history r LEFT JOIN schools s ON s.urn = r.urn",
    "census": "SELECT c.*, CAST(substr(c.census_year, 1, 4) AS INTEGER) AS part_year, "
              "coalesce(c.la_code, s.la_code, 0) AS part_la FROM census c LEFT JOIN schools s ON s.urn = c.urn",
    "schools": "SELECT *, coalesce(la_code, 0) AS part_la FROM schools",
}
PLAIN = tuple(t for t in EXPORTED_TABLES if t not in PARTITIONED)
# What each plain table exports: all of it, except that the anonymisation key stays in the lake file.
# Anyone holding an export could otherwise turn every anonymised label back into a URN; a replica
# gets the key from SENCO_ANON_KEY instead (docs/deployment.md).
EXPORTED = {"lake_info": "SELECT * FROM lake_info WHERE key <> 'anon_key'"}
PART_COLUMNS = {"returns": "part_year, part_la", "returns_history": "part_year, part_la",
                "census": "part_year, part_la", "schools": "part_la"}


def _is_remote(root: str) -> bool:
    return "://" in root


def export(lake_file: Path, out: Path) -> Path:
    """Write the lake at `lake_file` as a Parquet lake in folder `out` (replaced whole)."""
    out = Path(out)
    build = out.with_name(f"{out.name}.building-{os.getpid()}")
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_lit(str(lake_file))}' AS lake (READ_ONLY)")
        con.execute("USE lake")
        for table, query in PARTITIONED.items():
            target = build / table
            con.execute(f"COPY ({query}) TO '{_lit(str(target))}' "
                        f"(FORMAT parquet, PARTITION_BY ({PART_COLUMNS[table]}), OVERWRITE_OR_IGNORE)")
            if not any(target.rglob("*.parquet")):   # an empty table writes no partition: keep its schema
                target.mkdir(exist_ok=True)
                con.execute(f"COPY (SELECT * FROM ({query}) LIMIT 0) TO '{_lit(str(target / 'empty.parquet'))}' "
                            "(FORMAT parquet)")
        for table in PLAIN:
            source = f"({EXPORTED[table]})" if table in EXPORTED else table
            con.execute(f"COPY {source} TO '{_lit(str(build / (table + '.parquet')))}' (FORMAT parquet)")
    finally:
        con.close()
    (build / "_version").write_text(f"{time.time():.6f}-{uuid.uuid4().hex}\n")
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    build.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return out


def version(root: str) -> str:
    """The export's version stamp; changes whenever a new export is swapped in."""
    if _is_remote(root):
        con = duckdb.connect(":memory:")
        try:
            return con.execute("SELECT content FROM read_text(?)", [root.rstrip("/") + "/_version"]).fetchall()[0][0]
        finally:
            con.close()
    try:
        return (Path(root) / "_version").read_text().strip()
    except FileNotFoundError:
        raise LakeMissing(f"No Parquet lake at {root} (export one with 'python -m etl export-parquet {root}')") from None


def attach(con: duckdb.DuckDBPyConnection, root: str) -> None:
    """Create views named like the lake's tables over the Parquet files under `root`."""
    base = root.rstrip("/")
    for table in PARTITIONED:
        files = f"{base}/{table}/**/*.parquet"
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * EXCLUDE ({PART_COLUMNS[table]}) "
                    f"FROM read_parquet('{_lit(files)}', hive_partitioning = true, union_by_name = true)")
    for table in PLAIN:
        try:
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM "
                        f"read_parquet('{_lit(base + '/' + table + '.parquet')}')")
        except duckdb.IOException as exc:
            # An export by an earlier release lacks a table added since (chase_notes): the replica
            # reads on without it, as lake.chase does, until the loader next exports.
            if table not in LATER_EXPORTED or "No files found" not in str(exc):
                raise


def _lit(text: str) -> str:
    return text.replace("'", "''")
