"""Settings read from the environment, with the defaults the project documents."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lake_path() -> Path:
    """The DuckDB lake file: $SENCO_LAKE, default lake/senco.duckdb."""
    return Path(os.environ.get("SENCO_LAKE") or ROOT / "lake" / "senco.duckdb").resolve()


def parquet_lake() -> str | None:
    """A Parquet lake (folder or object-store URL) to read instead of the DuckDB file."""
    return os.environ.get("SENCO_PARQUET_LAKE") or None


def school_day_hours() -> float:
    """Hours in a school day, for converting '1.5 days' (32.5-hour week / 5 = 6.5)."""
    return float(os.environ.get("SENCO_SCHOOL_DAY_HOURS", "6.5"))


def recommended_days() -> float:
    """Minimum protected SENCO time a week, in days (1.5): the 2018 National SENCO Workforce Survey
    report's recommendation to DfE."""
    return float(os.environ.get("SENCO_RECOMMENDED_DAYS", "1.5"))


def recommended_hours() -> float:
    return recommended_days() * school_day_hours()
