"""Load SENCO return files into the lake: every row read is loaded or kept as a reject.

One call is one transaction over the whole batch of files (see lake.store.writing): the
lake changes completely or not at all. Loading a file whose bytes were loaded before
changes nothing. A resubmission for the same school and year replaces the current row
in `returns`; the earlier one stays in `returns_history`, marked as superseded.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from domain.columns import COLUMNS, REQUIRED, match_header
from domain.problems import codes_text, problems_json
from domain.tables import RETURN_COLUMNS, RETURN_EXTRA, SQL_TYPES
from etl.normalise import Invalid, parse_academic_year, parse_urn, shown
from etl.readers import MAX_HEADER_SCAN, NotAReturn, ParsedFile, _blank, read_return_file, sniff_delimiter
from etl.validate import Factorised, LazyResults, RowResult, Validated, validate_columns
from lake import config
from lake.store import RAW_DIR_MODE, RAW_FILE_MODE, raw_dir, returns_key_checked_at_end, writing

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
    other_sheets: list[str] = field(default_factory=list)   # sheets of a workbook that hold no return
    batch_notes: list[str] = field(default_factory=list)    # rows replacing rows of an earlier file in the batch

    @property
    def rejects(self) -> list[RowResult]:
        if isinstance(self.results, LazyResults):
            return self.results.bad()             # without making every good row's RowResult
        return [r for r in self.results if not r.ok]

    @property
    def clean(self) -> bool:
        return self.status != "failed" and self.rejected == 0

    def report_lines(self) -> list[str]:
        """What happened, one line per point, safe to print (no control characters)."""
        return [printable(line) for line in self._lines()]

    def _lines(self) -> list[str]:
        if self.status == "failed":
            return [f"{self.file_name}: not loaded: {self.message}"]
        if self.status == "unchanged":
            still = f"; its {self.rejected} rejected rows still need correcting" if self.rejected else ""
            return [f"{self.file_name}: already loaded (load {self.load_id}); nothing changed{still}"]
        lines = [f"{self.file_name}: {self.rows_read} rows read, {self.accepted} accepted, "
                 f"{self.rejected} rejected"]
        if self.ignored_headers:
            lines.append("  columns ignored: " + ", ".join(self.ignored_headers))
        for sheet in self.other_sheets:
            lines.append(f"  sheet not read as a return: {sheet}")
        for r in self.rejects:
            where = f"sheet '{r.raw['sheet']}' " if isinstance(r.raw, dict) and "sheet" in r.raw else ""
            lines.append(f"  {where}row {r.row_number}: " + "; ".join(r.reasons))
        lines += [f"  {note}" for note in self.batch_notes]
        return lines


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """Text for a terminal or a one-line message: control characters (an ESC sequence in a
    school name or file name would act on the terminal) shown as '?', line breaks as spaces."""
    return _UNPRINTABLE.sub("?", str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_MAX_NAME_BYTES = 200        # file systems allow 255 bytes; room for '.part' and a suffix


def raw_name(file_name: str) -> str:
    """The file's own name, made safe to keep: no folders, no control characters, at most
    200 bytes (a longer name is shortened, keeping its extension)."""
    name = printable(Path(str(file_name).replace("\\", "/")).name).strip() or "unnamed"
    if name in (".", ".."):
        name = "unnamed"
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix.encode("utf-8")) < 20 else ""
    stem = name[:len(name) - len(suffix)] if suffix else name
    while len((stem + "~" + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + "~" + suffix


def keep_raw(data: bytes, file_name: str, lake_path: Path, digest: str | None = None) -> Path:
    """Keep the file exactly as received, addressed by its hash (`digest`, when already known)."""
    digest = digest or sha256(data)
    top = raw_dir(lake_path)
    folder = top / digest[:2] / digest
    for d in (top, top / digest[:2], folder):
        if not d.exists():
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, RAW_DIR_MODE)
    target = folder / raw_name(file_name)
    if not target.exists():
        tmp = target.with_name(target.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, RAW_FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, RAW_FILE_MODE)             # whatever the umask
        tmp.replace(target)
    return target


def previous_failure(con: duckdb.DuckDBPyConnection, digest: str, kind: str) -> tuple[int, str] | None:
    """The first failed load of these bytes (load id, message), if they failed before."""
    rows = con.execute("SELECT load_id, message FROM loads WHERE sha256 = ? AND kind = ? AND status = 'failed' "
                       "ORDER BY load_id LIMIT 1", [digest, kind]).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


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
                  today: dt.date | None = None, reader=None) -> FileOutcome:
    """Read and validate one file without touching the lake (the upload preview uses this).

    Rows are validated column by column (`etl.validate.validate_columns`, identical to
    `validate_row` + `flag_duplicates`); `results` holds every row's RowResult, each made
    when first asked for. A plain CSV is read by a columnar fast path (see `_read_csv_columns`)
    that gives exactly what `read_return_file` gives; anything else goes through the reader.
    `reader(path, data) -> ParsedFile` replaces the reader (etl.forms: a mapped form export)."""
    day_hours = day_hours or config.school_day_hours()
    outcome = FileOutcome(file_name=file_name)
    try:
        table = _read_csv_columns(data, file_name) if reader is None else None
        if table is None:
            table = _columns_from_rows((reader or read_return_file)(Path(file_name), data))
        validated = validate_columns(table.columns, table.n, table.row_numbers, table.raw_of, day_hours, today)
    except NotAReturn as exc:
        outcome.status, outcome.message = "failed", printable(exc)
        return outcome
    except MemoryError:
        outcome.status, outcome.message = "failed", "the file needs more memory to read than a return can; send it as CSV"
        return outcome
    except BaseException as exc:     # noqa: BLE001  one file's fault never sinks its batch (a
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):   # Rust panic is a BaseException)
            raise
        outcome.status = "failed"
        outcome.message = printable(f"the file could not be read ({type(exc).__name__}: {str(exc)[:120]}); "
                                    "open it in Excel, save it again as .xlsx or CSV UTF-8 and resend")
        return outcome
    outcome.ignored_headers = table.ignored_headers
    outcome.other_sheets = table.other_sheets
    outcome.results = LazyResults(validated)
    outcome.rows_read = validated.n
    outcome.accepted = int(validated.ok.sum())
    outcome.rejected = outcome.rows_read - outcome.accepted
    if outcome.rows_read == 0:
        outcome.status, outcome.message = "failed", "the file has a header row but no rows of data"
    return outcome


@dataclass
class _Columns:
    """A return file's data rows, column by column."""
    n: int
    row_numbers: object                     # numpy array of each row's number in the file
    columns: dict[str, Factorised]          # by return column name (absent columns left out)
    raw_of: object                          # row index -> the row's raw values by the file's headers
    ignored_headers: list[str]
    other_sheets: list[str] = field(default_factory=list)


def _columns_from_rows(parsed: ParsedFile) -> _Columns:
    rows = parsed.rows
    names = {name for r in rows for name in r.cells}
    return _Columns(n=len(rows), row_numbers=[r.row_number for r in rows],
                    columns={name: Factorised.of([r.cells.get(name) for r in rows]) for name in names},
                    raw_of=lambda i: rows[i].raw, ignored_headers=parsed.ignored_headers,
                    other_sheets=parsed.other_sheets)


_C0_BYTES = re.compile(b"[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")
_FAST_MIN_BYTES = 64 * 1024        # smaller files take the ordinary reader: it is fast enough there


def _read_csv_columns(data: bytes, file_name: str) -> _Columns | None:
    """A UTF-8 CSV/TSV return read straight into columns with pyarrow, or None when the file
    needs the general reader (etl.readers): workbooks, forms, small files, other encodings,
    and any text the two could read differently (a quoted cell with a line break or a stray
    quote, a lone CR, ragged rows, a header not on a line of its own, a cell longer than the
    csv module allows). Delimiter, header and ignored columns are decided by the reader's own
    code; the first rows are also read by `read_return_file` and must come out the same."""
    if len(data) < _FAST_MIN_BYTES or b"\x00" in data or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    if _C0_BYTES.search(data):                # control characters: the reader removes them
        return None


    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    buf = pa.py_buffer(data)[start:]
    try:
        whole = pa.Array.from_buffers(pa.binary(), 1, [None, pa.py_buffer(np.array([0, len(buf)], np.int32)), buf]) \
            if len(buf) < 2**31 else None
        lines = pc.split_pattern(whole.cast(pa.string()), "\n").flatten() if whole is not None else None
    except pa.ArrowInvalid:                 # not valid UTF-8: decode_text would fall back to cp1252
        return None
    if lines is None:
        return None
    if b"\r" in data and pc.any(pc.match_substring_regex(lines, "\r.")).as_py():
        return None                          # a lone CR: the csv module ends a record there
    head = lines[:MAX_HEADER_SCAN].to_pylist()
    delim = sniff_delimiter("\n".join(head))   # the reader sniffs the first 30 lines of the text
    d = "\\t" if delim == "\t" else "\\" + delim if delim == "|" else delim
    field = f'(?:[^"{d}\\r]*|"(?:[^"]|"")*")'
    if b'"' in data:                         # (the regex kernel finds a literal far faster than match_substring)
        quoted = pc.filter(lines, pc.match_substring_regex(lines, '"'))
        if len(quoted) and not pc.all(pc.match_substring_regex(quoted, f"^{field}(?:{d}{field})*\\r?$")).as_py():
            return None                      # a quote the two parsers might read differently
    limit = csv.field_size_limit()           # in characters; a line has at least as many bytes
    if pc.max(pc.binary_length(lines)).as_py() > limit and pc.max(pc.utf8_length(lines)).as_py() > limit:
        return None
    # Each line is one record from here on: find the header as etl.readers._from_grid does.
    records = [next(csv.reader([ln.rstrip("\r")], delimiter=delim), []) for ln in head]
    best_i, best_score = -1, 0
    for i, row in enumerate(records):
        score = len({match_header(c) for c in row if isinstance(c, str) and match_header(c)})
        if score > best_score:
            best_i, best_score = i, score
    if best_score < 5:
        return None                          # maybe the one-school form, or not a return: the reader decides
    header = records[best_i]
    mapping: dict[int, str] = {}
    for j, h in enumerate(header):
        name = match_header(h)
        if name and name not in mapping.values():
            mapping[j] = name
    if any(n not in mapping.values() for n in REQUIRED):
        return None
    headers = [str(h).strip() if not _blank(h) else f"column {j + 1}" for j, h in enumerate(header)]
    ncols = len(header)
    offset = start + pc.sum(pc.binary_length(lines[:best_i + 1])).as_py() + best_i + 1
    body_lines = lines[best_i + 1:]
    nonempty = pc.invert(pc.or_(pc.equal(body_lines, ""), pc.equal(body_lines, "\r")))
    line_numbers = np.flatnonzero(nonempty.to_numpy(zero_copy_only=False)) + best_i + 2
    invalid: list = []
    names = [f"c{j}" for j in range(ncols)]
    # The return's columns are read dictionary-encoded (their distinct values are what
    # validation works on); other columns are only ever needed as raw values.
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {n: coded if j in mapping else pa.string() for j, n in enumerate(names)}
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[offset:]),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=False, ignore_empty_lines=True,
                                             invalid_row_handler=lambda row: invalid.append(row) or "skip"),
            # (check_utf8 off: the whole text was checked above, and cells split at ASCII bytes stay valid)
            convert_options=pacsv.ConvertOptions(column_types=types, check_utf8=False,
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    if invalid or table.num_rows != len(line_numbers):
        return None
    encoded: dict[int, tuple] = {}
    for j in mapping:
        column = table.column(j).unify_dictionaries().combine_chunks()     # one dictionary, in first-seen order
        encoded[j] = (column.indices.to_numpy(zero_copy_only=False), column.dictionary.to_pylist())
    # Rows whose every cell is blank are skipped, as the reader skips them: narrow the rows
    # down column by column, the return's columns (blank judged once per distinct value, the
    # columns with fewest distinct values first) before any other.
    maybe = np.arange(table.num_rows)
    for j in [*sorted(mapping, key=lambda j: len(encoded[j][1])), *(j for j in range(ncols) if j not in mapping)]:
        if not len(maybe):
            break
        if j in encoded:
            codes, uniques = encoded[j]
            maybe = maybe[np.array([_blank(u) for u in uniques], dtype=bool)[codes[maybe]]]
        else:
            cells = table.column(j).take(pa.array(maybe)).to_pylist()
            maybe = maybe[np.array([_blank(c) for c in cells], dtype=bool)]
    blank = np.zeros(table.num_rows, dtype=bool)
    blank[maybe] = True
    keep = np.flatnonzero(~blank)
    line_numbers = line_numbers[keep]
    taken = None if len(keep) == table.num_rows else keep
    columns: dict[str, Factorised] = {}
    for j, name in mapping.items():
        codes, uniques = encoded[j]
        columns[name] = Factorised(codes if taken is None else codes[taken], uniques)

    def raw_of(i: int) -> dict[str, object]:
        row = int(keep[i]) if taken is not None else i
        return {headers[j]: encoded[j][1][encoded[j][0][row]] if j in encoded else table.column(j)[row].as_py()
                for j in range(ncols)}

    out = _Columns(n=len(keep), row_numbers=line_numbers, columns=columns, raw_of=raw_of, ignored_headers=[])
    # The reader on the first rows: same rows, cells and raw values, else fall back to it.
    first = min(out.n, 50)
    upto = max(int(line_numbers[first - 1]) if first else best_i + 1, MAX_HEADER_SCAN)
    try:
        sample = read_return_file(Path(file_name), "\n".join(lines[:upto].to_pylist()).encode("utf-8"))
    except NotAReturn:
        return None
    if sample.layout != "table" or len(sample.rows) != first:
        return None
    for i, row in enumerate(sample.rows):
        cells = {name: col.uniques[col.codes[i]] for name, col in columns.items()}
        if row.row_number != line_numbers[i] or row.raw != raw_of(i) or row.cells != cells:
            return None
    out.ignored_headers = sample.ignored_headers
    return out


def _json_safe(v: object) -> object:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _write_outcome(con: duckdb.DuckDBPyConnection, outcome: FileOutcome, load_id: int) -> None:
    validated = outcome.results.validated if isinstance(outcome.results, LazyResults) else None
    frame = frame_good = _good_frame(outcome, load_id, validated)
    if frame is not None and len(frame):
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
            **_reject_key(r.record), "school_name": r.record.get("school_name"),
            "raw_values": json.dumps({str(k): _json_safe(v) for k, v in r.raw.items()}, ensure_ascii=False),
            "reasons": "; ".join(r.reasons), "codes": codes_text(r.problems),
            "problems": problems_json(r.problems)} for r in bad])
        con.register("incoming_rejects", frame)
        con.execute(f"INSERT INTO rejects ({REJECT_COLUMNS}) SELECT {REJECT_COLUMNS} FROM incoming_rejects")
        con.unregister("incoming_rejects")
    if frame_good is not None and len(frame_good):
        resolve_rejects(con, load_id, "incoming_keys", frame_good)


def _reject_key(record: dict) -> dict[str, str | None]:
    """A rejected row's URN and academic year as the lake keeps them (so a later return resolves it).
    A validated row holds them clean (None when unreadable); an online form's superseded response
    holds them as typed, so they are read here the same way, and kept as typed when they cannot be."""
    urn, year = record.get("urn"), record.get("academic_year")
    if urn is not None and not isinstance(urn, int):
        try:
            urn = parse_urn(urn)
        except Invalid:
            pass
    if year is not None:
        try:
            year = parse_academic_year(year)
        except Invalid:
            pass
    return {"urn": None if urn is None else str(urn), "academic_year": None if year is None else str(year)}


REJECT_COLUMNS = "load_id, source_file, row_number, urn, school_name, academic_year, raw_values, reasons, codes, problems"


def resolve_rejects(con: duckdb.DuckDBPyConnection, load_id: int, name: str, accepted) -> None:
    """Mark resolved the open rejected rows of every school and year this load accepted a return for:
    rows of earlier return loads, and of this one (an online form's earlier responses). Rows rejected
    from official data files, and rows with no readable URN or year, are never resolved this way."""
    if isinstance(accepted, pa.Table):
        keys = accepted.select(["urn", "academic_year"])
    else:
        keys = accepted[["urn", "academic_year"]]
    con.register(name, keys)
    try:
        con.execute(f"""
            UPDATE rejects r SET resolved_by_load = ?
            FROM (SELECT DISTINCT CAST(urn AS VARCHAR) AS urn, CAST(academic_year AS VARCHAR) AS academic_year
                  FROM {name}) k
            WHERE r.resolved_by_load IS NULL AND r.urn = k.urn AND r.academic_year = k.academic_year
              AND (r.load_id = ? OR r.load_id IN (SELECT load_id FROM loads WHERE kind = 'returns'))
        """, [load_id, load_id])
    finally:
        con.unregister(name)


def _good_frame(outcome: FileOutcome, load_id: int, validated: Validated | None):
    """The accepted rows for the lake: an Arrow table built from the validated columns (no
    per-row Python), or a frame of the RowResults' records when there are no such columns."""
    if validated is not None:
        try:
            return _good_arrow(outcome, load_id, validated)
        except (OverflowError, ValueError, TypeError):
            pass                         # a value Arrow cannot hold: let DuckDB judge it as before
    good = [r for r in outcome.results if r.ok]
    if not good:
        return None
    frame = pd.DataFrame([{**{c: r.record.get(c) for c in RETURN_COLUMNS},
                           "load_id": load_id, "source_file": outcome.file_name,
                           "source_row": r.row_number,
                           "conversion_notes": "; ".join(r.notes) or None} for r in good])
    return frame.astype({c.name: "object" for c in COLUMNS})


def _good_arrow(outcome: FileOutcome, load_id: int, validated: Validated):
    types = {"urn": pa.int64(), "count": pa.int64(), "hours": pa.float64(), "yesno": pa.bool_(),
             "date": pa.date32()}
    rows = np.flatnonzero(validated.ok)
    if not len(rows):
        return None
    arrays, names = [], []
    for c in COLUMNS:
        col = validated.columns[c.name]
        per_unique = pa.array(col.values, type=types.get(c.kind, pa.string()))
        codes = col.codes[rows]
        if c.kind in types:
            arrays.append(per_unique.take(pa.array(codes)))
        else:                            # text stays dictionary-encoded: no copy of every row's string
            blank = per_unique.is_null().to_numpy(zero_copy_only=False)
            arrays.append(pa.DictionaryArray.from_arrays(       # (a row's null is in its index, not the dictionary)
                pa.array(codes, mask=blank[codes] if per_unique.null_count else None), per_unique.fill_null("")))
        names.append(c.name)
    n = len(rows)
    arrays += [pa.array(np.full(n, load_id, dtype=np.int64)),
               pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([outcome.file_name])),
               pa.array(validated.row_numbers[rows]), pa.array(validated.conversion_notes(rows), pa.string())]
    names += list(RETURN_EXTRA)
    return pa.table(arrays, names=names)


def _typed_columns() -> list[tuple[str, str]]:
    return [(c.name, SQL_TYPES[c.kind]) for c in COLUMNS] + list(RETURN_EXTRA.items())


def load_returns(files: list[tuple[str, bytes]], lake_path: Path | None = None,
                 today: dt.date | None = None, check=None) -> list[FileOutcome]:
    """Load a batch of (file name, bytes) in one transaction; returns each file's outcome.
    `check(data, name, today=)` replaces check_returns (etl.forms.checker: form exports too)."""
    check = check or check_returns
    lake_path = Path(lake_path or config.lake_path())
    files = [(printable(name), data) for name, data in files]
    outcomes: list[FileOutcome] = []
    with ThreadPoolExecutor(max_workers=1) as helper:
        # A lake that does not exist yet holds no earlier load, so the first file is hashed,
        # read and checked while writing() prepares the build file. (Should another load
        # create the lake meanwhile, the check for an earlier load below still applies and
        # this result is then not used.)
        ahead = helper.submit(_hash_and_check, *files[0], today, check) if files and not lake_path.exists() else None
        with writing(lake_path) as con, returns_key_checked_at_end(con):
            # One thread: each statement here scans one in-memory Arrow table and the commit
            # writes a few row groups per table, so more threads add CPU time, not speed.
            con.execute("SET threads = 1")
            seen: set[str] = set()
            for i, (name, data) in enumerate(files):
                checked = ahead.result() if i == 0 and ahead is not None else None
                digest = checked[0] if checked else sha256(data)
                earlier = previous_load(con, digest, "returns")
                if earlier is not None or digest in seen:
                    before = con.execute("SELECT rejected FROM loads WHERE load_id = ?", [earlier]).fetchall() \
                        if earlier is not None else []
                    outcomes.append(FileOutcome(file_name=name, status="unchanged", load_id=earlier,
                                                rejected=before[0][0] if before else 0))
                    continue
                seen.add(digest)
                outcome = checked[1] if checked else _checked_safely(check, data, name, today)
                failed_before = previous_failure(con, digest, "returns") if outcome.status == "failed" else None
                if failed_before is not None:
                    # The same bytes failed before and fail again: nothing new to record.
                    outcome.load_id = failed_before[0]
                    outcomes.append(outcome)
                    continue
                kept = helper.submit(keep_raw, data, name, lake_path, digest)   # written while DuckDB works
                load_id = new_load_id(con)
                outcome.load_id = load_id
                if outcome.status != "failed":
                    _write_outcome(con, outcome, load_id)
                raw = kept.result()
                record_load(con, load_id, "returns", name, digest, outcome.rows_read, outcome.accepted,
                            outcome.rejected, outcome.status, outcome.message, str(raw))
                outcomes.append(outcome)
    if len(outcomes) > 1:
        note_batch_winners(outcomes)
    return outcomes


PREVIEW_ROWS = 1000         # rows that will load shown in an upload preview (the counts cover them all)
_ROW_NUMBERS_SHOWN = 20


def preview_tables(outcome: FileOutcome, limit: int = PREVIEW_ROWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What loading a checked file will put in the lake, for the upload preview: its first `limit`
    accepted rows as the lake will hold them (labelled columns, values as the dashboard shows them;
    columns blank in every row left out), and every conversion those rows' values go through: each
    distinct value as written, what it loads as, and on how many rows ('2.5 days' -> '16.25 h')."""

    conversion_columns = ["Column", "As written", "Loads as", "Rows", "Row numbers"]
    if not isinstance(outcome.results, LazyResults) or not outcome.accepted:
        good = [r for r in (outcome.results or []) if r.ok][:limit]
        frame = pd.DataFrame([{"Row": r.row_number, **{c.label: shown(c.kind, r.record.get(c.name)) for c in COLUMNS}}
                              for r in good], columns=["Row", *(c.label for c in COLUMNS)])
        return _without_blank_columns(frame), pd.DataFrame(columns=conversion_columns)
    v = outcome.results.validated
    rows = np.flatnonzero(v.ok)
    data = {"Row": v.row_numbers[rows[:limit]].tolist()}
    conversions = []
    for c in COLUMNS:
        col = v.columns[c.name]
        codes = col.codes[rows]
        data[c.label] = [shown(c.kind, col.values[k]) for k in codes[:limit].tolist()]
        converted = [k for k, text in enumerate(col.conversions) if text is not None]
        if not converted:
            continue
        counts = np.bincount(codes, minlength=len(col.values))
        for k in converted:
            if not counts[k]:
                continue                             # only on rows that will be rejected
            numbers = v.row_numbers[rows[codes == k]].tolist()
            listed = ", ".join(map(str, numbers[:_ROW_NUMBERS_SHOWN]))
            if len(numbers) > _ROW_NUMBERS_SHOWN:
                listed += f" and {len(numbers) - _ROW_NUMBERS_SHOWN:,} more"
            conversions.append({"Column": c.label, "As written": printable(col.uniques[k]),
                                "Loads as": col.conversions[k], "Rows": int(counts[k]), "Row numbers": listed})
    return _without_blank_columns(pd.DataFrame(data)), pd.DataFrame(conversions, columns=conversion_columns)


def _without_blank_columns(frame: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in frame.columns if c in ("Row", "URN", "School name", "Academic year")
            or (frame[c].astype(str) != "").any()]
    return frame[keep].reset_index(drop=True)


MAX_BATCH_NOTES = 20


def accepted_keys(outcome: FileOutcome) -> dict[tuple, int]:
    """(URN, academic year) -> row number, for each accepted row of a checked file."""
    if outcome.status != "loaded" or not outcome.accepted:
        return {}
    if isinstance(outcome.results, LazyResults):
        v = outcome.results.validated
        urn, year = v.columns["urn"], v.columns["academic_year"]
        return {(urn.value(i), year.value(i)): int(v.row_numbers[i]) for i in np.flatnonzero(v.ok).tolist()}
    return {(r.record.get("urn"), r.record.get("academic_year")): r.row_number for r in outcome.results if r.ok}


def note_batch_winners(outcomes: list[FileOutcome]) -> None:
    """When files of one batch hold the same school and year, the row of the later file is the
    one kept in `returns` (the earlier stays in the history): say so on the later file, naming
    both rows, so nobody is surprised by which figure shows."""
    first: dict[tuple, tuple[str, int]] = {}
    for o in outcomes:
        notes = []
        for key, row in accepted_keys(o).items():
            if key in first:
                other, other_row = first[key]
                notes.append(f"URN {key[0]} {key[1]}: row {row} here replaces row {other_row} of {other} "
                             "(files in one batch load in the order given, so the later file's row wins)")
            first[key] = (o.file_name, row)
        if len(notes) > MAX_BATCH_NOTES:
            notes = notes[:MAX_BATCH_NOTES] + [f"... and {len(notes) - MAX_BATCH_NOTES} more schools replaced the same way"]
        o.batch_notes = notes


def _hash_and_check(name: str, data: bytes, today: dt.date | None, check=check_returns) -> tuple[str, FileOutcome]:
    return sha256(data), _checked_safely(check, data, name, today)


def _checked_safely(check, data: bytes, name: str, today: dt.date | None) -> FileOutcome:
    """`check` (check_returns, or the form-export checker), whose failure is this file's alone."""
    try:
        return check(data, name, today=today)
    except BaseException as exc:     # noqa: BLE001  (a Rust panic is a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return FileOutcome(file_name=name, status="failed", message=printable(
            f"the file could not be read ({type(exc).__name__}: {str(exc)[:120]}); open it in Excel, "
            "save it again as .xlsx or CSV UTF-8 and resend"))


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
