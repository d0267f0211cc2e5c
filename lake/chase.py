"""The chase list: schools in scope still to send an accepted SENCO return for a year, with what an
officer needs to chase them (no Streamlit here; ui/chase.py draws it).

Each school on the list is either one the LA has heard nothing from ("No return received") or one
whose file arrived but whose every row for the year was rejected; the latter carries the rejected
rows' reasons, which the loader wrote for a school to act on. Beside each school: the register's
contact details (GIAS: head teacher's name and job title, telephone, website; the register
publishes no email addresses), and the officer's latest "last chased" note, kept in the lake's
`chase_notes` table (every note is kept; the newest shows). The mail-merge frame gives each
school one row and a text of its own reasons, ready for a letter or an email.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd

from lake.api import Filters, LakeAPI
from lake.store import writing

NO_RETURN = "No return received"
ALL_REJECTED = "File received, every row rejected"
MAX_NOTE_CHARS = 500
CONTACTS = ("head_title", "head_first_name", "head_last_name", "head_job_title", "telephone", "website")
# GIAS's placeholders in a "(name)" column; the loader drops them, older lakes may hold them.
_NOT_A_VALUE = {"", "not applicable", "not known", "not recorded", "null"}

# The chase list's columns, in order.
COLUMNS = ("urn", "school_name", "phase", "school_type", "la_name", "status", "reasons", "head_name",
           "head_job_title", "telephone", "website", "last_chased_on", "last_chased_note")


class NoteProblem(ValueError):
    """A last-chased note that cannot be kept; the message says what to change."""


# ---------------------------------------------------------------------------- reading
def _safe_df(api: LakeAPI, key: tuple, sql: str, params: list | dict | None = None) -> pd.DataFrame | None:
    """A cached query, or None where the lake has no such table or column (a Parquet export written
    before the chase list existed: its replica then shows the list without those details)."""
    try:
        return api._cached(key, lambda: api._df(sql, params))
    except duckdb.Error:
        return None


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = re.sub(r"\s+", " ", str(value)).strip()
    return "" if text.lower() in _NOT_A_VALUE else text


def head_name(title: object, first: object, last: object) -> str:
    """'Mrs Jane Smith' from the register's three fields; what is there when some are blank, and
    nothing when the register names no one (a title alone names no one)."""
    if not _clean(first) and not _clean(last):
        return ""
    return " ".join(p for p in (_clean(title), _clean(first), _clean(last)) if p)


def salutation(title: object, first: object, last: object, job_title: object = None) -> str:
    """The greeting a letter to the head opens with: 'Dear Mrs Smith', or by role when the register
    has no title and surname ('Dear Headteacher')."""
    title, first, last = _clean(title), _clean(first), _clean(last)
    if last and title:
        return f"Dear {title} {last}"
    if last and first:
        return f"Dear {first} {last}"
    return f"Dear {_clean(job_title) or 'Headteacher'}"


def contacts(api: LakeAPI) -> pd.DataFrame:
    """The register's contact details per URN (blank columns where the lake has none)."""
    frame = _safe_df(api, ("chase-contacts",), "SELECT * FROM schools")
    if frame is None:
        frame = pd.DataFrame({"urn": pd.Series(dtype="int64")})
    for column in CONTACTS:
        if column not in frame.columns:
            frame[column] = None
    return frame[["urn", *CONTACTS]]


def reason_list(text: object) -> list[str]:
    """The reasons of a stored reasons string (the loader joins a row's reasons with '; ')."""
    text = _clean(text)
    return [text] if text else []


def rejected_rows(api: LakeAPI, year: str) -> pd.DataFrame:
    """Rejected return rows for the year (or whose year could not be read) that name a school's URN,
    under the URN the school is in scope by now (a converted school's successor). Columns: urn,
    source_file, row_number, reasons."""
    sql = """
        WITH r AS (
          SELECT TRY_CAST(regexp_replace(r.urn, '\\s', '', 'g') AS INTEGER) AS urn, r.source_file, r.row_number,
                 r.reasons, r.load_id
          FROM rejects r JOIN loads l USING (load_id)
          WHERE l.kind = 'returns' AND (r.academic_year = $year OR r.academic_year IS NULL)
        )
        SELECT coalesce(m.link_urn, r.urn) AS urn, r.source_file, r.row_number, r.reasons
        FROM r LEFT JOIN (SELECT urn, min(link_urn) AS link_urn FROM school_links
                          WHERE link_type ILIKE 'successor%' GROUP BY urn) m ON m.urn = r.urn
        WHERE r.urn IS NOT NULL
        ORDER BY r.load_id, r.row_number"""
    frame = _safe_df(api, ("chase-rejects", year), sql, {"year": year})
    if frame is None:
        return pd.DataFrame(columns=["urn", "source_file", "row_number", "reasons"])
    return frame


def notes(api: LakeAPI, year: str) -> pd.DataFrame:
    """Every last-chased note for the year's collection, newest first."""
    frame = _safe_df(api, ("chase-notes", year),
                     "SELECT urn, academic_year, chased_on, note, entered_at FROM chase_notes "
                     "WHERE academic_year = ? ORDER BY chased_on DESC, entered_at DESC", [year])
    if frame is None:
        return pd.DataFrame(columns=["urn", "academic_year", "chased_on", "note", "entered_at"])
    return frame


def notes_available(api: LakeAPI) -> bool:
    """Whether this lake keeps last-chased notes (a Parquet export by a release before they were exported does not)."""
    return _safe_df(api, ("chase-notes-table",), "SELECT count(*) AS n FROM chase_notes") is not None


def plain_reasons(status: str, reasons: list[str]) -> str:
    """The text a school is sent: why it is on the list, in the loader's own words."""
    if status != ALL_REJECTED or not reasons:
        return NO_RETURN
    said = "; ".join(r[:1].upper() + r[1:] for r in reasons)
    return f"Your return was received but could not be loaded: {said}."


def chase_list(api: LakeAPI, filters: Filters) -> pd.DataFrame:
    """One row per school in scope without an accepted return for `filters.year`, with its status,
    reasons, the register's contact details and the newest last-chased note (COLUMNS)."""
    year = filters.year or api.current_year()
    missing = api.missing_returns(Filters(**{**filters.__dict__, "year": year}))
    if missing.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    out = missing.merge(contacts(api), on="urn", how="left")

    rejected = rejected_rows(api, year)
    by_urn: dict[int, list[str]] = {}
    for r in rejected.itertuples():
        seen = by_urn.setdefault(int(r.urn), [])
        for reason in reason_list(r.reasons):
            if reason not in seen:
                seen.append(reason)
    out["status"] = [ALL_REJECTED if int(u) in by_urn else NO_RETURN for u in out.urn]
    out["reasons"] = [plain_reasons(s, by_urn.get(int(u), [])) for u, s in zip(out.urn, out.status)]
    out["head_name"] = [head_name(r.head_title, r.head_first_name, r.head_last_name) for r in out.itertuples()]
    for column in ("head_job_title", "telephone", "website"):
        out[column] = out[column].map(_clean)

    latest = notes(api, year).drop_duplicates("urn")           # newest first, so the first is the latest
    latest = latest.rename(columns={"chased_on": "last_chased_on", "note": "last_chased_note"})
    out = out.merge(latest[["urn", "last_chased_on", "last_chased_note"]], on="urn", how="left")
    out["last_chased_on"] = pd.to_datetime(out["last_chased_on"]).dt.date
    # Rejected files first (the school believes it has returned), then by name.
    out = out.sort_values(["status", "school_name", "urn"], key=lambda s: s.map(
        {ALL_REJECTED: 0, NO_RETURN: 1}) if s.name == "status" else s.astype(str).str.lower())
    return out[list(COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------------------- the deadline
def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    """Days from today to the deadline (0 on the day, negative once it has passed)."""
    return None if deadline is None else (deadline - today).days


def deadline_text(deadline: dt.date | None, today: dt.date) -> str:
    """'Returns are due by Friday 18 December 2026: 18 days left.' or what applies instead."""
    if deadline is None:
        return ("No deadline is set for this collection (set SENCO_COLLECTION_DEADLINE to the date returns are "
                "due, as YYYY-MM-DD).")
    when = f"{deadline:%A} {deadline.day} {deadline:%B %Y}"
    left = days_left(deadline, today)
    if left > 1:
        return f"Returns are due by {when}: {left} days left."
    if left == 1:
        return f"Returns are due by {when}: 1 day left."
    if left == 0:
        return f"Returns are due today, {when}."
    late = -left
    return f"Returns were due by {when}: {late} day{'s' if late != 1 else ''} ago."


# ---------------------------------------------------------------------------- mail merge
MAIL_MERGE_COLUMNS = {
    "urn": "URN", "school_name": "School", "head_title": "Head's title", "head_first_name": "Head's first name",
    "head_last_name": "Head's last name", "head_name": "Head's name", "head_job_title": "Head's job title",
    "salutation": "Salutation", "telephone": "Telephone", "website": "Website", "academic_year": "Academic year",
    "deadline": "Deadline", "status": "Status", "reasons": "Reasons",
}


def mail_merge(chase: pd.DataFrame, api: LakeAPI, year: str, deadline: dt.date | None) -> pd.DataFrame:
    """One row per school on the chase list, for a mail merge: who to write to, the deadline, and
    the school's own reasons. Email addresses are not in the register; add them from the LA's own list."""
    people = contacts(api)
    rows = chase.merge(people[["urn", "head_title", "head_first_name", "head_last_name"]], on="urn", how="left")
    out = pd.DataFrame({
        "urn": rows.urn.astype(int),
        "school_name": rows.school_name,
        "head_title": rows.head_title.map(_clean),
        "head_first_name": rows.head_first_name.map(_clean),
        "head_last_name": rows.head_last_name.map(_clean),
        "head_name": rows.head_name,
        "head_job_title": rows.head_job_title,
        "salutation": [salutation(r.head_title, r.head_first_name, r.head_last_name, r.head_job_title)
                       for r in rows.itertuples()],
        "telephone": rows.telephone,
        "website": rows.website,
        "academic_year": year,
        "deadline": f"{deadline.day} {deadline:%B %Y}" if deadline else "",
        "status": rows.status,
        "reasons": rows.reasons,
    })
    return out.rename(columns=MAIL_MERGE_COLUMNS)


# ---------------------------------------------------------------------------- writing a note
def check_note(urn: object, year: object, chased_on: object, note: object, today: dt.date) -> tuple:
    """The note as it will be kept, or NoteProblem with one line saying what to change."""
    try:
        urn = int(urn)
    except (TypeError, ValueError):
        raise NoteProblem("choose a school from the chase list") from None
    if not isinstance(year, str) or not re.fullmatch(r"\d{4}/\d{2}", year):
        raise NoteProblem("choose an academic year first")
    if not isinstance(chased_on, dt.date):
        raise NoteProblem("give the date the school was chased")
    if isinstance(chased_on, dt.datetime):
        chased_on = chased_on.date()
    if chased_on > today:
        raise NoteProblem("the date chased cannot be in the future")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(note or "")).strip()
    if not text:
        raise NoteProblem("write a short note of how the school was chased (e.g. 'Phoned the office')")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteProblem(f"the note is {len(text)} characters; keep it to {MAX_NOTE_CHARS}")
    return urn, year, chased_on, text


def record_note(lake: Path | None, urn: object, year: object, chased_on: object, note: object,
                today: dt.date | None = None) -> None:
    """Keep a last-chased note in the lake (one atomic write; earlier notes stay)."""
    today = today or dt.date.today()
    urn, year, chased_on, text = check_note(urn, year, chased_on, note, today)
    with writing(lake) as con:
        con.execute("INSERT INTO chase_notes VALUES (?, ?, ?, ?, ?)",
                    [urn, year, chased_on, text, dt.datetime.now().replace(microsecond=0)])
