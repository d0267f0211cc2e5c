"""The DuckDB lake file: atomic writes and readers that notice new data (the tables are in domain.tables).

DuckDB allows one read-write process or many read-only ones per file. So a load never
writes to the live file: it copies the lake to a private build file, loads there inside
a transaction, checkpoints, and atomically renames the build file over the lake. Readers
keep using the file they opened until they see the path now names a new file (its inode
changes), then open that. A load that dies part-way leaves only a stray build file, which
the next load removes; the lake itself is never half-written.

Readers attach the lake to a fresh in-memory database rather than connecting to the path:
DuckDB caches databases by path inside a process, and a plain connect would hand back
the replaced file.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from domain.tables import RETURNS_KEY, SCHEMA, returns_ddl
from lake import config, migrations, parquet
from lake.errors import LakeDamaged, LakeMissing


def damaged_message(path: Path, why: object = "") -> str:
    detail = f" ({str(why).splitlines()[0][:160]})" if str(why) else ""
    return (f"The lake file {path} is damaged and cannot be read{detail}. Nothing was changed. Restore the "
            f"last backup with 'python -m etl restore BACKUP.tar.gz' (after moving the damaged file aside), "
            "or rebuild it by loading the kept raw returns again.")


# A new lake holds schools' and staff's details: readable by its owner and group, never by
# everyone. An existing lake keeps whatever mode its owner gave it, load after load.
NEW_LAKE_MODE = 0o640
RAW_FILE_MODE = 0o640        # raw returns name schools and staff: never world-readable
RAW_DIR_MODE = 0o750


def raw_dir(lake: Path | None = None) -> Path:
    """Where files are kept exactly as received, next to the lake file."""
    lake = lake or config.lake_path()
    return lake.parent / (lake.stem + "-raw")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def upgrade(path: Path | None = None) -> None:
    """Migrate the lake file to the current schema version (atomically, as a load would)."""
    with writing(path):
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(path: Path) -> None:
    for stray in path.parent.glob(path.name + ".building-*"):
        pid = stray.name.split(".building-")[-1].split(".")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            stray.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Rows per row group in what a load writes (DuckDB's default is 122,880). When a transaction's
# new rows fill at least one row group, DuckDB's commit writes them straight to the file;
# fewer rows are first copied into the table in memory and then written by a checkpoint,
# which costs about a third more. Half the default row group lets a load of 61,440 rows or
# more (a national year of returns) take the direct way. Files read the same either way.
BUILD_ROW_GROUP_SIZE = 61_440


def _open_build(build: Path) -> duckdb.DuckDBPyConnection:
    """The build file attached as `build` (and made the default database) to a new DuckDB."""
    # The build file is private until writing() renames it, after one fsync of the whole
    # file; a crash before then discards it. So DuckDB's own fsyncs (each commit's WAL,
    # each checkpoint step) add waiting and no safety: they are turned off.
    con = duckdb.connect(":memory:", config={"fsync_mode": "none"})
    try:
        con.execute(f"ATTACH '{_sql_literal(str(build))}' AS build (ROW_GROUP_SIZE {BUILD_ROW_GROUP_SIZE})")
        con.execute("USE build")
    except BaseException:
        con.close()
        raise
    return con


def _test_hold(build: Path) -> None:
    """Test hook: with SENCO_TEST_HOLD_AT set to a file path, a write stops here, after its rows
    are committed to the private build file and before the checkpoint and the swap, writes the
    build file's name to that path and waits to be killed. Crash tests kill it at this point on
    purpose instead of racing the loader."""
    marker = os.environ.get("SENCO_TEST_HOLD_AT")
    if not marker:
        return
    Path(marker + ".part").write_text(str(build))
    os.replace(marker + ".part", marker)
    threading.Event().wait()


@contextlib.contextmanager
def writing(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the lake, swapped in on success.

    Everything done through the connection is one transaction; if the block raises
    (or the process dies) the lake file is left exactly as it was.
    """
    path = Path(path or config.lake_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _remove_stale_builds(path)
            build = path.with_name(f"{path.name}.building-{os.getpid()}.{threading.get_ident()}")
            build.unlink(missing_ok=True)
            mode = NEW_LAKE_MODE
            if path.exists():
                mode = os.stat(path).st_mode & 0o7777
                shutil.copyfile(path, build)
            try:
                con = _open_build(build)
            except duckdb.Error as exc:
                if path.exists():
                    raise LakeDamaged(damaged_message(path, exc)) from None
                raise
            os.chmod(build, mode)
            try:
                migrations.bring_up_to_date(con, ensure_schema)     # a new lake, or an older one upgraded
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                _test_hold(build)
                con.execute("CHECKPOINT build")
            finally:
                con.close()
            if os.path.exists(str(build) + ".wal"):     # committed changes not in the file itself
                raise RuntimeError(f"the load left a write-ahead log beside {build.name}; the lake is unchanged")
            _fsync(build)
            os.replace(build, path)
            _fsync(path.parent)
        except BaseException:
            for leftover in path.parent.glob(f"{path.name}.building-{os.getpid()}.{threading.get_ident()}*"):
                leftover.unlink(missing_ok=True)
            raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def returns_key_checked_at_end(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Inside a `writing()` transaction: when `returns` is empty, it is recreated without its
    primary key for the block, and the key is added back (and so checked over every row at
    once) when the block ends. Building the key's index once is cheaper than checking each
    inserted row against it; the table ends exactly as defined in SCHEMA. A duplicate key
    fails the `ALTER`, and so the whole write, as it would have failed the insert."""
    empty = con.execute("SELECT count(*) FROM returns").fetchall()[0][0] == 0
    if empty:
        con.execute("DROP TABLE returns")
        con.execute(returns_ddl(key=False))
    yield
    if empty:
        con.execute(f"ALTER TABLE returns ADD PRIMARY KEY ({RETURNS_KEY})")


class Reader:
    """Read-only access to the lake that follows it when a load swaps in a new file.

    Works over a DuckDB lake file, or over a Parquet lake (folder or object-store URL)
    exported by `lake.parquet`, with the same table names either way.
    """

    def __init__(self, path: Path | None = None, parquet: str | None = None):
        self.parquet = parquet if parquet is not None else (None if path else config.parquet_lake())
        self.path = None if self.parquet else Path(path or config.lake_path())
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: tuple | None = None

    def version(self) -> tuple:
        """Changes whenever a load swaps in a new lake file."""
        if self.parquet:
            return ("parquet", self.parquet, parquet.version(self.parquet))
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise LakeMissing(
                f"No lake at {self.path}. Build the demo lake with 'python -m etl demo' "
                "or load returns with 'python -m etl load FILES'.") from None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _open(self, version: tuple) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        if self.parquet:
            parquet.attach(con, self.parquet)
        else:
            try:
                con.execute(f"ATTACH '{_sql_literal(str(self.path))}' AS lake (READ_ONLY)")
                con.execute("USE lake")
                tables = {t for (t,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'").fetchall()}
            except duckdb.Error as exc:
                con.close()
                if not self.path.exists():
                    raise LakeMissing(f"No lake at {self.path}.") from None
                raise LakeDamaged(damaged_message(self.path, exc)) from None
            if not {"loads", "returns"} <= tables:
                con.close()
                raise LakeDamaged(damaged_message(self.path, "it holds none of the lake's tables"))
        return con

    def _current(self) -> tuple[duckdb.DuckDBPyConnection, tuple]:
        """The connection to the lake as it is now, opening the new file if a load swapped one in."""
        version = self.version()
        with self._lock:
            if self._con is None or version != self._version:
                for _ in range(5):
                    con = self._open(version)
                    opened = self.version()
                    if opened == version:        # no swap between looking and opening
                        break
                    con.close()
                    version = opened
                self._con, self._version = con, version
            return self._con, self._version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        con, _ = self._current()
        with self._lock:
            cur = con.cursor()
        if not self.parquet:
            cur.execute("USE lake")      # each cursor starts in the in-memory database
        return cur

    def snapshot(self) -> Snapshot:
        """This lake as it is now, for the whole of one page draw: a load that swaps in a new
        file during the draw is seen by the next draw, so one page never mixes the two."""
        con, version = self._current()
        return Snapshot(self, con, version)

    def df(self, sql: str, params: list | tuple | dict | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def scalar(self, sql: str, params: list | tuple | None = None):
        cur = self.cursor()
        try:
            rows = cur.execute(sql, params or []).fetchall()   # fetchone leaves the result open
            return rows[0][0] if rows else None
        finally:
            cur.close()


class Snapshot(Reader):
    """A Reader fixed on one version of the lake (see `Reader.snapshot`).

    It keeps the connection to the file it was taken from; on a DuckDB lake that file stays
    readable after a load renames a new one over its path, until the snapshot is dropped.
    (A Parquet lake re-exported in place cannot be held this way: its files are replaced.)"""

    def __init__(self, reader: Reader, con: duckdb.DuckDBPyConnection, version: tuple):
        self.parquet, self.path = reader.parquet, reader.path
        self._lock = threading.Lock()
        self._con, self._version = con, version

    def version(self) -> tuple:
        return self._version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            cur = self._con.cursor()
        if not self.parquet:
            cur.execute("USE lake")
        return cur

    def snapshot(self) -> Snapshot:
        return self


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")
