"""The upload flow of the Returns & data quality page, as pure functions (no Streamlit).

Files arrive as (file name, bytes). `preview_files` checks each file's size and type and
runs the loader's own validation (`etl.load.check_returns`) without touching the lake, so
the page can say what will load and what will be rejected and why. `load_files` hands the
files to `etl.load.load_returns`, the same loader the command line uses. With
`isolated=True` (as the page calls them) both run in a child process with memory and time
limits (ui.upload_worker): the worst a file can do is fail its own preview.

Also here: splitting a reject's stored reasons back into single reasons and naming the
category of each, for the "rejects by reason" count; and escaping file names and other
text people typed before it goes into Markdown.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.columns import COLUMNS
from ui.text import md_escape, plural  # noqa: F401  (ui.upload.md_escape and .plural: used by the upload views)

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


def _check(name: str, data: bytes, today: dt.date | None, isolated: bool) -> tuple[object | None, dict, str | None]:
    """(outcome, accepted keys, problem): check_returns here, or in a limited child process."""
    if isolated:
        from ui import upload_worker
        try:
            answer = upload_worker.check_file(name, data, today)
        except upload_worker.IsolatedFailure as exc:
            return None, {}, str(exc)
        return answer["outcome"], answer["keys"], None
    from etl.load import accepted_keys, check_returns
    outcome = check_returns(data, name, today=today)
    return outcome, accepted_keys(outcome), None


def preview_file(name: str, data: bytes, loaded_hashes: dict[str, int] | None = None,
                 max_bytes: int = MAX_UPLOAD_BYTES, today: dt.date | None = None,
                 cache: dict | None = None, isolated: bool = False) -> Preview:
    """Check one file without touching the lake. `cache` (any dict) keeps validation
    results by file name and hash, so a page rerun does not validate the same file again."""
    from etl.load import printable

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
    outcome, preview.keys, problem = checked
    if problem:
        preview.problem = problem
        return preview
    preview.outcome = outcome
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
    """A file's rejected rows: row number, URN and school as read, and the reasons."""
    rows = [{"Row": r.row_number,
             "URN": "" if r.record.get("urn") is None else str(r.record.get("urn")),
             "School": r.record.get("school_name") or "",
             "Reasons": "; ".join(r.reasons)} for r in (outcome.rejects if outcome is not None else [])]
    return pd.DataFrame(rows, columns=["Row", "URN", "School", "Reasons"])


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


def template_file() -> bytes | None:
    """The blank return workbook as bytes, or None while etl.template is not installed."""
    try:
        from etl import template
    except ImportError:
        return None
    if hasattr(template, "template_bytes"):
        return template.template_bytes()
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "senco-return-template.xlsx"
        template.write_template(path)
        return path.read_bytes()


def load_files(files: list[tuple[str, bytes]], lake_path: Path | None = None,
               today: dt.date | None = None, isolated: bool = False) -> list:
    """Load through etl.load.load_returns (one transaction for the batch), as the CLI does;
    with `isolated`, in a limited child process (a failure raises with one line)."""
    if not files:
        return []
    if isolated:
        from ui import upload_worker
        return upload_worker.load_files(files, lake_path, today)
    from etl.load import load_returns
    return load_returns(files, lake_path, today=today)


def outcome_table(outcomes: list) -> pd.DataFrame:
    """One row per file the loader saw: what it did."""
    status_text = {"loaded": "loaded", "failed": "not loaded", "unchanged": "already loaded: nothing changed"}
    rows = [{"File": o.file_name, "Result": status_text.get(o.status, o.status), "Load": o.load_id,
             "Rows read": o.rows_read, "Accepted": o.accepted, "Rejected": o.rejected,
             "Message": o.message or ""} for o in outcomes]
    return pd.DataFrame(rows, columns=["File", "Result", "Load", "Rows read", "Accepted", "Rejected", "Message"])


# ------------------------------------------------------------------ reasons
_CROSS_CHECKS = (
    ("SEND pupils (", "SEND pupils more than the number on roll"),
    ("pupils at SEN Support (", "SEND pupils more than the number on roll"),
    ("pupils with an EHC plan (", "SEND pupils more than the number on roll"),
    ("SENCO time (", "SENCO time plus teaching over 65 hours a week"),
)
_DUPLICATE = re.compile(r"URN \S+ appears \d+ times")
DUPLICATE = "Same school and year twice in one file"
OTHER = "Other"
_LABELS = sorted((c.label for c in COLUMNS), key=len, reverse=True)


def _starts_reason(text: str) -> bool:
    if any(text.startswith(prefix) for prefix, _ in _CROSS_CHECKS) or _DUPLICATE.match(text):
        return True
    return any(text.startswith(label + ":") or text == label + " is missing" or
               text.startswith(label + " is missing") for label in _LABELS)


def split_reasons(text: object) -> list[str]:
    """The single reasons in a stored reasons string (joined with '; ' by the loader).

    A reason may itself contain '; ' (the duplicate-row reason does, and values a school
    typed may); a piece that does not start like a reason is glued back to the one before.
    A typed value that itself reads like the start of a reason ('x; URN is missing') can
    still split wrongly; that only affects the count by category, never the stored text.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    out: list[str] = []
    for piece in str(text).split("; "):
        if out and not _starts_reason(piece):
            out[-1] += "; " + piece
        elif piece:
            out.append(piece)
    return out


def reason_category(reason: str) -> str:
    """A short, stable category for one reason, naming the field where there is one."""
    for prefix, category in _CROSS_CHECKS:
        if reason.startswith(prefix):
            return category
    if _DUPLICATE.match(reason):
        return DUPLICATE
    for label in _LABELS:
        if reason.startswith(label + " is missing"):
            return f"{label}: missing"
        if reason.startswith(label + ":"):
            return f"{label}: not valid"
    return OTHER


def categories(text: object) -> list[str]:
    """The distinct categories of a stored reasons string, in order of first appearance."""
    seen: list[str] = []
    for reason in split_reasons(text):
        cat = reason_category(reason)
        if cat not in seen:
            seen.append(cat)
    return seen


def reason_counts(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows per reason category (a row with several problems counts under each)."""
    counts: dict[str, int] = {}
    if rejects is not None and not rejects.empty:
        for text in rejects["reasons"]:
            for cat in categories(text):
                counts[cat] = counts.get(cat, 0) + 1
    frame = pd.DataFrame({"Reason": list(counts), "Rejected rows": list(counts.values())},
                         columns=["Reason", "Rejected rows"])
    return frame.sort_values(["Rejected rows", "Reason"], ascending=[False, True], kind="stable") \
        .reset_index(drop=True)
