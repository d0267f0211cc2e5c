"""LA numbers, names and England's nine regions, from the bundled performance-tables lookup."""
from __future__ import annotations

import csv
import functools
import io

from etl.readers import decode_text
from etl.sources.reader import as_la_code
from lake import config

LA_LOOKUP = config.ROOT / "data" / "open" / "la_region_lookup.csv"

# The performance-tables lookup splits England into sub-regions ("North East A", "London Central",
# "South and West Yorkshire"); comparisons use the nine regions, named as the register (GIAS) names them.
_REGIONS = (("north east", "North East"), ("north west", "North West"),
            ("north yorkshire", "Yorkshire and the Humber"), ("south and west yorkshire", "Yorkshire and the Humber"),
            ("yorkshire", "Yorkshire and the Humber"),
            ("east midlands", "East Midlands"), ("west midlands", "West Midlands"),
            ("east of england", "East of England"), ("london", "London"), ("south east", "South East"),
            ("south west", "South West"))


def england_region(name: str | None) -> str | None:
    """One of England's nine regions for a performance-tables region or sub-region name."""
    folded = " ".join((name or "").lower().split())
    if not folded:
        return None
    return next((region for prefix, region in _REGIONS if folded.startswith(prefix)), name.strip())


@functools.lru_cache(maxsize=1)
def la_lookup() -> dict[int, tuple[str, str]]:
    """LA number -> (LA name, region name)."""
    if not LA_LOOKUP.exists():
        return {}
    out: dict[int, tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(decode_text(LA_LOOKUP.read_bytes()))):
        code = as_la_code(row.get("LEA"))
        if code is not None:
            out[code] = ((row.get("LA Name") or "").strip() or None, england_region(row.get("REGION NAME")))
    return out
