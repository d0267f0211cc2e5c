"""Anonymised mode: stable labels instead of school names, small counts suppressed.

Labels come from a keyed hash of the URN, so the same school keeps the same label in
every view and every session, but the label cannot be turned back into a URN without
the lake's key. Pupil counts under 5 are replaced by a marker, and values derived from
them (percentages, hours per pupil) are withheld too.
"""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd

SMALL = 5
SUPPRESSED = "<5"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Columns that name or identify a school, or hold text a school typed / a file name.
IDENTIFYING = ("urn", "school_name", "register_name", "source_file", "raw_values", "postcode", "town",
               "conversion_notes", "file_name", "laestab", "estab")
PUPIL_COUNTS = ("sen_support_pupils", "ehcp_pupils", "send_pupils", "census_sen_support", "census_ehcp",
                "sen_support", "ehcp")
DERIVED_FROM_COUNTS = ("hours_per_10_send", "send_pct", "ehcp_pct")
# Pairs of counts that add up to a total shown elsewhere: if one is small, both are hidden.
PARTS = (("sen_support_pupils", "ehcp_pupils"), ("census_sen_support", "census_ehcp"), ("sen_support", "ehcp"))


def _shown_count(value: object) -> object:
    if isinstance(value, str) or value is None or pd.isna(value):
        return value
    return int(value)


def label_for(urn: object, key: str) -> str:
    digest = hmac.new(key.encode(), str(int(urn)).encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(5):
        n, r = divmod(n, len(ALPHABET))
        code += ALPHABET[r]
    return f"School {code}"


def labels(urns, key: str) -> dict:
    return {u: label_for(u, key) for u in pd.Series(urns).dropna().unique()}


def anonymise(frame: pd.DataFrame, key: str, label_column: str = "School") -> pd.DataFrame:
    """A copy safe to show to a room of schools: labels for names, small counts suppressed."""
    out = frame.copy()
    if "urn" in out.columns:
        out.insert(0, label_column, out["urn"].map(lambda u: label_for(u, key) if pd.notna(u) else "Unknown school"))
    numeric = {c: pd.to_numeric(out[c], errors="coerce") for c in PUPIL_COUNTS if c in out.columns}

    def is_small(col: str) -> pd.Series:
        n = numeric.get(col)
        return (n.notna() & (n < SMALL)) if n is not None else pd.Series(False, index=out.index)

    # The SEND total; worked out from its parts where the frame has no total column.
    if "send_pupils" in numeric:
        send = numeric["send_pupils"]
    elif {"sen_support_pupils", "ehcp_pupils"} <= set(numeric):
        send = numeric["sen_support_pupils"] + numeric["ehcp_pupils"]
    else:
        send = pd.Series(float("nan"), index=out.index)
    small_send = send.notna() & (send < SMALL)
    hide: dict[str, pd.Series] = {c: is_small(c) for c in numeric}
    # A small part hides its partner too, or it could be worked out from the total.
    for a, b in PARTS:
        if a in numeric and b in numeric:
            either = hide[a] | hide[b]
            hide[a], hide[b] = either, either
    for col in ("send_pupils", "sen_support_pupils", "ehcp_pupils"):
        if col in hide:
            hide[col] = hide[col] | small_send
    for col, mask in hide.items():
        out[col] = numeric[col].astype(object).where(~mask, SUPPRESSED).map(_shown_count)
    for col in DERIVED_FROM_COUNTS:
        if col in out.columns:
            out[col] = out[col].astype(object).where(~small_send, SUPPRESSED)
    out = out.drop(columns=[c for c in IDENTIFYING if c in out.columns])
    if label_column in out.columns:
        out = out.sort_values(label_column, kind="stable").reset_index(drop=True)
    return out
