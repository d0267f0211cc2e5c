"""Settings read from the environment, with the defaults the project documents.

Each setting is checked when read: a value that makes no sense raises `SettingError`
with one line naming the variable, what it holds and what it should hold (the command
line prints it and exits 3; the app shows it instead of its pages). `check()` reads them
all, for the start of a command or a page.
"""
from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """An environment setting holds a value the tool cannot use."""


def _number(name: str, default: float, low: float, high: float, meaning: str) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        shown = text.strip()[:40].encode("ascii", "replace").decode()
        raise SettingError(f"{name}={shown!r} is not usable: it should be {meaning}, a number from "
                           f"{low:g} to {high:g} (default {default:g}); fix or unset it and start again")
    return value


def lake_path() -> Path:
    """The DuckDB lake file: $SENCO_LAKE, default lake/senco.duckdb."""
    return Path(os.environ.get("SENCO_LAKE") or ROOT / "lake" / "senco.duckdb").resolve()


def parquet_lake() -> str | None:
    """A Parquet lake (folder or object-store URL) to read instead of the DuckDB file."""
    return os.environ.get("SENCO_PARQUET_LAKE") or None


def school_day_hours() -> float:
    """Hours in a school day, for converting '1.5 days' (32.5-hour week / 5 = 6.5).
    From 1 to 12: 0 would turn '1.5 days' into 0 hours."""
    return _number("SENCO_SCHOOL_DAY_HOURS", 6.5, 1, 12, "the hours in a school day")


def recommended_days() -> float:
    """Minimum protected SENCO time a week, in days (1.5): the 2018 National SENCO Workforce Survey
    report's recommendation to DfE."""
    return _number("SENCO_RECOMMENDED_DAYS", 1.5, 0.1, 5, "the days a week of SENCO time recommended")


def recommended_hours() -> float:
    return recommended_days() * school_day_hours()


def collection_deadline() -> date | None:
    """The date this year's returns are due ($SENCO_COLLECTION_DEADLINE, YYYY-MM-DD), or None when unset.
    Until it passes, the latest year's collection is still open: its figures are partial, the chase
    list counts down to it, and it is compared with last year's collection at the same point or not at all."""
    text = (os.environ.get("SENCO_COLLECTION_DEADLINE") or "").strip()
    if not text:
        return None
    try:
        when = date.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or not (2000 <= when.year <= 2100) or len(text) != 10:
        shown = text[:40].encode("ascii", "replace").decode()
        raise SettingError(f"SENCO_COLLECTION_DEADLINE={shown!r} is not usable: it should be the date returns "
                           f"are due, as YYYY-MM-DD (e.g. 2026-12-18); fix or unset it and start again")
    return when


def team_contact() -> str | None:
    """How to reach the team that runs this dashboard ($SENCO_TEAM_CONTACT, plain text such as
    "SEND inclusion team, inclusion@example.gov.uk, 01234 567890"), shown on About and in the sidebar;
    None when unset. Plain text only: shown escaped, never as HTML or Markdown."""
    text = (os.environ.get("SENCO_TEAM_CONTACT") or "").strip()
    if not text:
        return None
    if len(text) > 300 or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise SettingError("SENCO_TEAM_CONTACT is not usable: it should be one line of plain text of at most 300 "
                           "characters (a team name, email address or telephone number); fix or unset it and start "
                           "again")
    return text


def check() -> None:
    """Read every setting once; raises SettingError on the first unusable one."""
    team_contact()
    collection_deadline()
    school_day_hours()
    recommended_days()
    lake_path()
