"""What date a page's figures are as at: a pinned link's date (?as_at=...), or the latest load."""
from __future__ import annotations

import datetime as dt

import pandas as pd


def when(value) -> str:
    """'1 October 2026', or with a time '30 November 2026, 20:10'."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return f"{value:%-d %B %Y, %H:%M}"
    return f"{value:%-d %B %Y}"


def pinned_line(as_at: dt.date) -> str:
    moment = "then" if isinstance(as_at, dt.datetime) else "at the end of that day"
    return (f"**Figures as at {when(as_at)}**: each school's SENCO return as it stood {moment}; "
            "returns and resubmissions loaded later are left out. The register, census counts and Ofsted outcomes "
            "are as loaded now. Remove `as_at` from the link for the latest figures.")
