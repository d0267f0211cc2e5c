"""The upload flow of the Returns & data quality page, as pure functions (no Streamlit).

Files arrive as (file name, bytes). `preview_files` checks each file's size and type and
runs the loader's own validation (`etl.load.check_returns`) without touching the lake, so
the page can say what will load and what will be rejected and why. `load_files` hands the
files to `etl.load.load_returns`, the same loader the command line uses. With
`isolated=True` (as the page calls them) both run in a child process with memory and time
limits (ui.upload_worker): the worst a file can do is fail its own preview.

Also here: counting rejected rows by the codes the lake keeps with them (domain.problems), open
and resolved; and escaping file names and other text people typed before it goes into Markdown.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from domain.problems import CODES, UNKNOWN, Problem, problem_for_message, split_reasons
from domain.problems import codes_table as problems_codes_table
from etl import load, template
from etl.load import accepted_keys, printable
from ui import upload_worker
from ui.text import md_escape, plural  # noqa: F401  (re-exported: pages/data_quality.py, ui/help.py and ui/guide.py still call upload.md_escape / .plural)

MAX_UPLOAD_MB = 20                       # matches server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
ALLOWED_EXTENSIONS = ("csv", "xlsx", "xls")


# ------------------------------------------------------------------ size and type
def file_problem(name: str, size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> str | None:
    """Why a file cannot be accepted before it is even read, or None when it can."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in ALLOWED_EXTENSIONS:
        shown = f".{suffix}" if suffix else "no extension"
        return (f"{shown} files are not accepted: send the return as CSV (.csv) or Excel "
                f"(.xlsx, .xls)")
    if size > max_bytes:
        return (f"the file is {size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:g} MB "
                "limit: split it into smaller files")
    if size == 0:
        return "the file is empty"
    return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ preview
@dataclass
class Preview:
    """What loading one uploaded file would do."""
    name: str
    data: bytes
    sha256: str
    problem: str | None = None            # size / type / unreadable: the file will not be loaded
    outcome: object | None = None         # etl.load.FileOutcome from check_returns
    already_loaded: int | None = None     # load id of the same bytes loaded before
    repeat_in_batch: bool = False         # the same bytes are earlier in this upload
    keys: dict | None = None              # (URN, year) -> row number of each accepted row
    batch_notes: tuple = ()               # rows replacing another file's rows in this upload
    accepted_rows: pd.DataFrame | None = None   # the rows that will load, as the lake will hold them
    conversions: pd.DataFrame | None = None     # every value converted on the way in, and on how many rows

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def readable(self) -> bool:
        return self.problem is None

    @property
    def will_load(self) -> bool:
        """The file goes to the loader and changes the lake."""
        return self.readable and self.already_loaded is None and not self.repeat_in_batch

    @property
    def accepted(self) -> int:
        return self.outcome.accepted if self.readable and self.outcome is not None else 0

    @property
    def rejected(self) -> int:
        return self.outcome.rejected if self.readable and self.outcome is not None else 0

    @property
    def rows_read(self) -> int:
        return self.outcome.rows_read if self.readable and self.outcome is not None else 0

    @property
    def status(self) -> str:
        if not self.readable:
            return "cannot be read"
        if self.already_loaded is not None or self.repeat_in_batch:
            return "already loaded"
        if self.rejected:
            return "loads with rejects"
        return "ready to load"


def _check(name: str, data: bytes, today: dt.date | None, isolated: bool) -> dict:
    """{'outcome', 'keys' (accepted (URN, year) -> row), 'accepted', 'conversions'} or {'problem'}:
    check_returns here, or in a limited child process."""
    if isolated:
        try:
            return upload_worker.check_file(name, data, today)
        except upload_worker.IsolatedFailure as exc:
            return {"problem": str(exc)}
    outcome = load.check_returns(data, name, today=today)
    accepted, conversions = load.preview_tables(outcome)
    return {"outcome": outcome, "keys": accepted_keys(outcome), "accepted": accepted, "conversions": conversions}


def preview_file(name: str, data: bytes, loaded_hashes: dict[str, int] | None = None,
                 max_bytes: int = MAX_UPLOAD_BYTES, today: dt.date | None = None,
                 cache: dict | None = None, isolated: bool = False) -> Preview:
    """Check one file without touching the lake. `cache` (any dict) keeps validation
    results by file name and hash, so a page rerun does not validate the same file again."""

    name = printable(Path(str(name).replace("\\", "/")).name) or "unnamed file"
    preview = Preview(name=name, data=data, sha256=sha256(data))
    preview.problem = file_problem(name, len(data), max_bytes)
    if preview.problem:
        return preview
    key = (name, preview.sha256)
    checked = cache.get(key) if cache is not None else None
    if checked is None:
        checked = _check(name, data, today, isolated)
        if cache is not None:
            cache[key] = checked
    if checked.get("problem"):
        preview.problem = checked["problem"]
        return preview
    outcome = preview.outcome = checked["outcome"]
    preview.keys = checked.get("keys") or {}
    preview.accepted_rows, preview.conversions = checked.get("accepted"), checked.get("conversions")
    if outcome.status == "failed":
        preview.problem = outcome.message or "the file could not be read as a SENCO return"
        return preview
    if loaded_hashes and preview.sha256 in loaded_hashes:
        preview.already_loaded = int(loaded_hashes[preview.sha256])
    return preview


def preview_files(files: list[tuple[str, bytes]], loaded_hashes: dict[str, int] | None = None,
                  max_bytes: int = MAX_UPLOAD_BYTES, today: dt.date | None = None,
                  cache: dict | None = None, isolated: bool = False) -> list[Preview]:
    """Preview each file; a second copy of the same bytes in one batch is loaded once. When
    two files hold the same school and year, the later file's row is the one kept: each such
    row is named on the later file (batch_notes), as the loader will report it."""
    out: list[Preview] = []
    first_in_batch: dict[str, Preview] = {}
    for name, data in files:
        p = preview_file(name, data, loaded_hashes, max_bytes, today, cache, isolated)
        if p.will_load and p.sha256 in first_in_batch:
            p.repeat_in_batch = True
        elif p.will_load:
            first_in_batch[p.sha256] = p
        out.append(p)
    first: dict[tuple, tuple[str, int]] = {}
    for p in out:
        if not p.will_load:
            continue
        notes = []
        for key, row in (p.keys or {}).items():
            if key in first:
                notes.append(f"URN {key[0]} {key[1]}: row {row} replaces row {first[key][1]} of {first[key][0]} "
                             "(files in one upload load in the order listed, so the later file's row wins)")
            first[key] = (p.name, row)
        p.batch_notes = tuple(notes)
    return out


def loaded_hashes(loads: pd.DataFrame) -> dict[str, int]:
    """sha256 → first load id of return files already in the lake (from LakeAPI.loads())."""
    if loads is None or loads.empty:
        return {}
    rows = loads[loads["kind"] == "returns"].sort_values("load_id", ascending=False)
    return {str(r.sha256): int(r.load_id) for r in rows.itertuples()}


def to_load(previews: list[Preview]) -> list[tuple[str, bytes]]:
    """The (name, bytes) pairs the Load button hands to the loader."""
    return [(p.name, p.data) for p in previews if p.will_load]


def preview_summary(previews: list[Preview]) -> pd.DataFrame:
    """One row per uploaded file: what will happen to it."""
    rows = []
    for p in previews:
        if not p.readable:
            note = p.problem
        elif p.repeat_in_batch:
            note = "the same file is earlier in this upload; it is loaded once"
        elif p.already_loaded is not None:
            note = f"these exact bytes were loaded before (load {p.already_loaded}); loading again changes nothing"
        else:
            ignored = p.outcome.ignored_headers if p.outcome is not None else []
            others = getattr(p.outcome, "other_sheets", []) if p.outcome is not None else []
            parts = []
            if ignored:
                parts.append("columns ignored: " + ", ".join(map(str, ignored)))
            if others:
                parts.append("sheets not read as returns: " + ", ".join(o.split(":")[0] for o in others))
            if p.batch_notes:
                parts.append(f"{plural(len(p.batch_notes), 'school')} also in an earlier file of this upload: "
                             "this file's rows win")
            note = "; ".join(parts)
        rows.append({"File": p.name, "Size (KB)": round(p.size / 1024, 1), "What happens": p.status,
                     "Rows read": p.rows_read, "Will load": p.accepted if p.will_load else 0,
                     "Will be rejected": p.rejected if p.will_load else 0, "Note": note})
    return pd.DataFrame(rows, columns=["File", "Size (KB)", "What happens", "Rows read", "Will load",
                                       "Will be rejected", "Note"])


def reject_table(outcome) -> pd.DataFrame:
    """A file's rejected rows: row number, URN and school as read, the problems' codes and the reasons."""
    rows = [{"Row": r.row_number, "URN": _as_typed(r, "urn"), "School": _as_typed(r, "school_name"),
             "Codes": ", ".join(dict.fromkeys(r.codes)),
             "Reasons": "; ".join(r.reasons)} for r in (outcome.rejects if outcome is not None else [])]
    return pd.DataFrame(rows, columns=["Row", "URN", "School", "Codes", "Reasons"])


def _as_typed(r, name: str) -> str:
    """A rejected row's value: clean when it could be read, else as the school typed it (a URN with a
    digit missing is shown, not left blank)."""
    value = r.record.get(name)
    if value is None and isinstance(r.raw, dict):
        from domain.columns import match_header  # noqa: PLC0415
        value = next((v for k, v in r.raw.items() if match_header(k) == name and v not in (None, "")), None)
    return "" if value is None else str(value)


def reject_code_counts(outcome) -> pd.DataFrame:
    """A file's rejected rows per code (a row with several codes counts under each), with the fix."""
    counts: dict[str, int] = {}
    for r in (outcome.rejects if outcome is not None else []):
        for code in dict.fromkeys(r.codes):
            counts[code] = counts.get(code, 0) + 1
    rows = [{"Code": code, "Rows": n, "What the school should do": CODES.get(code, CODES[UNKNOWN]).fix}
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return pd.DataFrame(rows, columns=["Code", "Rows", "What the school should do"])


# ------------------------------------------------------------------ load
READ_ONLY_MESSAGE = ("Uploading returns is not available on this server: it shows a read-only published copy of "
                     "the lake. Returns are uploaded or loaded on the loading server, and show here once it next "
                     "publishes the lake.")


def upload_unavailable(reader) -> str | None:
    """Why this app cannot take uploads, or None when it can.

    An app reading a Parquet export (a replica behind a load balancer) has no lake file to
    load into: an upload there would go to a DuckDB file that no page reads.
    """
    return READ_ONLY_MESSAGE if getattr(reader, "parquet", None) else None


def template_file() -> bytes:
    """The blank return workbook as bytes."""
    return template.template_bytes()


def load_files(files: list[tuple[str, bytes]], lake_path: Path | None = None,
               today: dt.date | None = None, isolated: bool = False) -> list:
    """Load through etl.load.load_returns (one transaction for the batch), as the CLI does;
    with `isolated`, in a limited child process (a failure raises with one line)."""
    if not files:
        return []
    if isolated:
        return upload_worker.load_files(files, lake_path, today)
    return load.load_returns(files, lake_path, today=today)


def outcome_table(outcomes: list) -> pd.DataFrame:
    """One row per file the loader saw: what it did."""
    status_text = {"loaded": "loaded", "failed": "not loaded", "unchanged": "already loaded: nothing changed"}
    rows = [{"File": o.file_name, "Result": status_text.get(o.status, o.status), "Load": o.load_id,
             "Rows read": o.rows_read, "Accepted": o.accepted, "Rejected": o.rejected,
             "Message": o.message or ""} for o in outcomes]
    return pd.DataFrame(rows, columns=["File", "Result", "Load", "Rows read", "Accepted", "Rejected", "Message"])


# ------------------------------------------------------------------ codes
def codes_of(text: object) -> list[str]:
    """The codes stored with a rejected row (space-separated in the lake), in order."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return [UNKNOWN]
    return str(text).split() or [UNKNOWN]


def codes_shown(text: object) -> str:
    return ", ".join(codes_of(text))


def row_problems(problems: object, reasons: object) -> list[Problem]:
    """A rejected row's problems: from the lake's `problems` JSON, or recognised from its reasons."""
    if isinstance(problems, str) and problems:
        try:
            return [Problem(p.get("code") or UNKNOWN, p.get("column"), str(p.get("message", "")))
                    for p in json.loads(problems)]
        except (ValueError, TypeError, AttributeError):
            pass
    return [problem_for_message(m) for m in split_reasons(reasons)]


def resolved(rejects: pd.DataFrame) -> pd.Series:
    """True for each rejected row a later return for its school and year has resolved."""
    if rejects is None or rejects.empty or "resolved_by_load" not in rejects:
        return pd.Series(False, index=getattr(rejects, "index", None), dtype=bool)
    return rejects["resolved_by_load"].notna()


def code_counts(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows per code, still open and resolved (a row with several codes counts under each),
    with each code's meaning and what the school should do; the most open first."""
    columns = ["Code", "What it means", "What the school should do", "Open", "Resolved"]
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=columns)
    done = resolved(rejects)
    counts: dict[str, list[int]] = {}
    for text, is_done in zip(rejects["codes"], done):
        for code in dict.fromkeys(codes_of(text)):
            counts.setdefault(code, [0, 0])[int(bool(is_done))] += 1
    rows = []
    for code, (open_, closed) in counts.items():
        known = CODES.get(code, CODES[UNKNOWN])
        rows.append({"Code": code, "What it means": known.meaning, "What the school should do": known.fix,
                     "Open": open_, "Resolved": closed})
    frame = pd.DataFrame(rows, columns=columns)
    order = frame.assign(_all=frame.Open + frame.Resolved)
    return frame.loc[order.sort_values(["Open", "_all", "Code"], ascending=[False, False, True],
                                       kind="stable").index].reset_index(drop=True)


def codes_table() -> pd.DataFrame:
    """Every code a rejected row can have, with its meaning and fix."""
    return pd.DataFrame(problems_codes_table())
