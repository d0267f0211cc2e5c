"""GIAS links file, `links_edubasealldataYYYYMMDD.csv` (Windows-1252): one row per link between
two establishments, `URN, LinkURN, LinkName, LinkType, LinkEstablishedDate`. A school that converts
to an academy closes under its old URN and opens under a new one; the links say the new URN is the
"Successor" of the old (and the old the "Predecessor" of the new), so the two are one school's
history. Links of other kinds (federations, sixth-form centres) are kept as published and ignored.
"""
from __future__ import annotations

from etl.sources.reader import (
    Column,
    Parsed,
    Spec,
    Table,
    as_date,
    as_urn,
    run,
)

SOURCE = "GIAS links between establishments"

SPEC = Spec("GIAS links file (links_edubasealldataYYYYMMDD.csv)", (
    Column("urn", ("URN",), as_urn, required=True),
    Column("link_urn", ("LinkURN", "Link URN"), as_urn, required=True),
    Column("link_name", ("LinkName", "Link name")),
    Column("link_type", ("LinkType", "Link type"), required=True),
    Column("link_established_date", ("LinkEstablishedDate", "Link established date"), as_date),
))


def _typed(rec: dict) -> list[str]:
    return [] if rec.get("link_type") else ["LinkType is missing"]


def parse(table: Table) -> Parsed:
    parsed = Parsed(source=SOURCE, school_mode="none")
    good = run(SPEC, table, parsed, check=_typed)
    seen: dict[tuple, int] = {}
    for r in good:
        key = (r.rec["urn"], r.rec["link_urn"], r.rec["link_type"])
        if key in seen:           # the same link twice says nothing new: keep one, count both
            continue
        seen[key] = r.number
        parsed.links.append(r.rec | {"source": SOURCE})
    parsed.accepted = len(good)
    return parsed
