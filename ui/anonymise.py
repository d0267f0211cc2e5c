"""Anonymised mode: stable labels instead of school names, nothing that lets the public data name them.

Labels ("School 4NE5C7Q") come from a keyed hash of the URN, so the same school keeps the same label in
every view and every session, but the label cannot be turned back into a URN without
the lake's key (a random key made when the lake is created, kept out of every export).

A label alone is not enough: the public register and census hold every school's phase,
type, roll, SEN support and EHC plan counts, and Ofsted publishes its inspections. So in
anonymised mode a labelled row shows only
- what a school shares with at least SMALL schools in its LA: phase, type and size band
  (a school whose phase, type and size band are shared by fewer is not listed at all, since
  the filters alone would single it out), and
- what only the school's return holds (SENCO hours, time band, SLT, role, admin support,
  qualification, flags, its own view of Ofsted).
Pupil counts (roll, SEND, SEN Support, EHCP) and anything worked out from them (SEND share, hours
per 10 SEND pupils: beside the exact SENCO hours even a band of it bounds the SEND count, and a
school with a tiny cohort stood out that way), census figures, official Ofsted outcomes and dates
are left out of labelled rows; they appear only as figures over at least SMALL schools (see
lake.analysis.hide_small_groups).
"""
from __future__ import annotations

import hashlib
import hmac
import os

import pandas as pd

SMALL = 5
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Seven characters (35 bits): with five, a national lake of 22,000 schools had about ten pairs of schools
# sharing a label; with seven, the chance of any pair is under 1%.
LABEL_LENGTH = 7
KEY_ENV = "SENCO_ANON_KEY"
NO_KEY = ("Anonymised mode is unavailable: this lake has no anonymisation key yet (it is made when the lake is "
          "created or upgraded; a replica reading a Parquet export needs SENCO_ANON_KEY, see docs/deployment.md).")
# Columns that name or identify a school, or hold text a school typed / a file name.
IDENTIFYING = ("urn", "school_name", "register_name", "source_file", "raw_values", "postcode", "town",
               "conversion_notes", "file_name", "laestab", "estab")
# Public figures that single a school out: the register's and census's counts, Ofsted's published outcomes
# and every date. Never shown beside a label; only as figures over at least SMALL schools.
QUASI_IDENTIFIERS = (
    "number_on_roll", "census_roll", "census_year", "census_sen_support", "census_ehcp", "sen_support", "ehcp",
    "sen_support_pupils", "ehcp_pupils", "send_pupils", "send_pct", "ehcp_pct", "hours_per_10_send",
    "statutory_low_age", "statutory_high_age", "open_date", "close_date", "status",
    "ofsted_shown", "ofsted_shown_source", "ofsted_shown_date", "ofsted_official_date", "ofsted_inspection_date",
    "official_overall", "overall_effectiveness", "ofsted_inclusion", "inclusion_expected_or_above",
    "inspection_date", "senco_appointed_date", "loaded_at", "load_id", "source_row", "row_number",
    "ofsted_oeif_overall", "oeif_overall", "ofsted_oeif_date", "inclusion", "ofsted_inclusion_date",
    "ofsted_ungraded_date", "ofsted_ungraded_outcome", "ofsted_category_of_concern", "ofsted_as_at",
)
# What a viewer can learn about a labelled school from the filters: each labelled school must share it
# with at least SMALL schools on the register.
CLASS_COLUMNS = ("la_code", "phase", "school_type", "size_band")


def key_for(info: dict | None) -> str | None:
    """The lake's anonymisation key: SENCO_ANON_KEY (a replica's copy), else the lake's own; None if neither.

    There is no fallback: a key anyone could guess would let anyone turn labels back into URNs."""
    key = os.environ.get(KEY_ENV) or (info or {}).get("anon_key")
    return key if isinstance(key, str) and key.strip() else None


def label_for(urn: object, key: str) -> str:
    if not key:
        raise ValueError("no anonymisation key")
    digest = hmac.new(key.encode(), str(int(urn)).encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(LABEL_LENGTH):
        n, r = divmod(n, len(ALPHABET))
        code += ALPHABET[r]
    return f"School {code}"


def labels(urns, key: str) -> dict:
    return {u: label_for(u, key) for u in pd.Series(urns).dropna().unique()}


def unlisted_urns(register_year: pd.DataFrame, small: int = SMALL) -> frozenset:
    """Schools whose LA, phase, type and size band are shared by fewer than `small` schools in the year's
    register frame (every school, whatever the filters): listing them under a label would name them."""
    if register_year is None or register_year.empty:
        return frozenset()
    cols = [c for c in CLASS_COLUMNS if c in register_year.columns]
    keys = register_year[cols].astype(object).where(register_year[cols].notna(), "")
    size = keys.groupby(cols, dropna=False)[cols[0]].transform("size")
    return frozenset(int(u) for u in register_year.loc[size < small, "urn"].dropna())


def anonymise(frame: pd.DataFrame, key: str, label_column: str = "School",
              unlisted: frozenset | set = frozenset()) -> pd.DataFrame:
    """A copy safe to show to a room of schools: labels for names, schools that would stand out left
    out, public figures, figures worked out from pupil counts and dates dropped. Every column left keeps
    its type (no text markers in numeric columns)."""
    out = frame.copy()
    if "urn" in out.columns:
        urns = pd.to_numeric(out["urn"], errors="coerce")
        out = out[~urns.isin(list(unlisted))].copy()
        out.insert(0, label_column, out["urn"].map(lambda u: label_for(u, key) if pd.notna(u) else "Unknown school"))
        out = out.drop(columns=[c for c in QUASI_IDENTIFIERS if c in out.columns])
    out = out.drop(columns=[c for c in IDENTIFYING if c in out.columns])
    if label_column in out.columns:
        out = out.sort_values(label_column, kind="stable").reset_index(drop=True)
    return out
