"""School performance tables census download (`england_census.csv`, UTF-8 with BOM, `NA` for not
applicable): pupils on roll (NOR), EHC plans (TSENELSE / PSENELSE) and SEN support (TSENELK /
PSENELK) for every school, and three national rows (URN `NAT`) that give England's shares by
phase. The file carries no year: it comes from the file's name or is given (--census-year).
"""
from __future__ import annotations

from domain.vocabularies import INDEPENDENT_SCHOOLS
from etl.normalise import Invalid, parse_urn
from etl.sources.census_year import census_year
from etl.sources.reader import (
    Column,
    Parsed,
    Spec,
    Table,
    as_count,
    as_la_code,
    as_share,
    fold,
    reject,
    reject_duplicates,
    run,
    text,
)
from etl.sources.regions import la_lookup

SOURCE = "DfE school census (performance tables)"

SPEC = Spec("performance tables census file", (
    Column("urn", ("URN",), lambda v, label: v, required=True),     # 'NAT' rows are national totals
    Column("la_code", ("LA",), as_la_code),
    Column("estab", ("ESTAB",)),
    Column("school_type", ("SCHOOLTYPE", "school type")),
    Column("number_on_roll", ("NOR",), lambda v, label: v, required=True),
    Column("ehcp", ("TSENELSE",), lambda v, label: v, required=True),
    Column("ehcp_pct", ("PSENELSE",), lambda v, label: v),
    Column("sen_support", ("TSENELK",), lambda v, label: v, required=True),
    Column("sen_support_pct", ("PSENELK",), lambda v, label: v),
))


def looks_like(table: Table) -> bool:
    return bool({"tsenelse", "tsenelk", "nor"} & table.keys)


def phase_from_type(school_type: object) -> tuple[str | None, str | None]:
    """(phase, type group) from a census school type such as 'State-funded primary'."""
    t = fold(school_type)
    if not t:
        return None, None
    if "independent" in t and "special" not in t:
        return None, INDEPENDENT_SCHOOLS
    if "nonmaintained" in t:
        return "special", "Special schools"
    if "special" in t:
        return "special", (INDEPENDENT_SCHOOLS if "independent" in t else "Special schools")
    if "pupilreferral" in t or "alternativeprovision" in t or t.endswith("apschool") or t == "ap":
        return "alternative provision", None
    for word, phase in (("nursery", "nursery"), ("allthrough", "all-through"), ("middle", "middle"),
                        ("primary", "primary"), ("secondary", "secondary"), ("16plus", "16 plus"),
                        ("post16", "16 plus")):
        if word in t:
            return phase, None
    return None, None


def send_checks(rec: dict) -> list[str]:
    roll, sup, ehcp = rec.get("number_on_roll"), rec.get("sen_support"), rec.get("ehcp")
    if roll is not None and (sup or 0) + (ehcp or 0) > roll:
        return [f"pupils with SEN (SEN support {sup if sup is not None else 'n/a'} + EHC plans "
                f"{ehcp if ehcp is not None else 'n/a'}) are more than the {roll} pupils on roll"]
    return []


def _counts(rec: dict) -> list[str]:
    reasons = []
    for name, label in (("number_on_roll", "NOR (pupils on roll)"), ("ehcp", "TSENELSE (EHC plans)"),
                        ("sen_support", "TSENELK (SEN support)")):
        try:
            rec[name] = as_count(rec[name], label)
        except Invalid as exc:
            reasons.append(str(exc))
    return reasons


def parse(table: Table, file_name: str, given_year: str | None) -> Parsed:
    year = census_year(file_name, given_year)
    parsed = Parsed(source=SOURCE, school_mode="fill")
    rows = run(SPEC, table, parsed, fixed={"census_year": year})
    national = [r for r in rows if text(r.rec["urn"]).upper() == "NAT"]
    good = []
    for r in rows:
        if r in national:
            continue
        reasons = []
        try:
            r.rec["urn"] = parse_urn(r.rec["urn"])
        except Invalid as exc:
            reasons.append(str(exc))
        reasons += _counts(r.rec)
        reasons += [] if reasons else send_checks(r.rec)
        if reasons:
            reject(parsed, table, r.number, r.cells, reasons, r.rec)
        else:
            good.append(r)
    good = reject_duplicates(parsed, table, good, lambda rec: rec["urn"], f" for the {year} census")
    lookup = la_lookup()
    for r in good:
        rec = r.rec
        parsed.census.append({k: rec.get(k) for k in ("urn", "census_year", "la_code", "number_on_roll",
                                                      "sen_support", "ehcp")} | {"source": SOURCE})
        phase, group = phase_from_type(rec["school_type"])
        la_name, region = lookup.get(rec["la_code"], (None, None))
        parsed.schools.append({"urn": rec["urn"], "la_code": rec["la_code"], "la_name": la_name,
                               "region": region, "school_type": rec["school_type"], "phase": phase,
                               "type_group": group, "number_on_roll": rec["number_on_roll"],
                               "source": f"{SOURCE} {year}"})
    national_ok = 0
    for r in national:
        phase, _ = phase_from_type(r.rec["school_type"])
        phase = phase or {"PRI": "primary", "SEC": "secondary", "SPE": "special"}.get(text(r.rec["estab"]).upper())
        try:
            shares = _national_shares(r.rec)
        except Invalid as exc:
            reject(parsed, table, r.number, r.cells, [f"national row: {exc}"], {"urn": "NAT", "census_year": year})
            continue
        if phase is None or shares is None:
            reject(parsed, table, r.number, r.cells,
                   ["national row without a recognisable school type or percentages"],
                   {"urn": "NAT", "census_year": year})
            continue
        national_ok += 1
        jan = int(year[:4]) + 1
        for bid, value, what in (("send_pct", shares[0] + shares[1], "pupils with SEN (EHC plan or SEN support)"),
                                 ("ehcp_pct", shares[0], "pupils with an EHC plan"),
                                 ("sen_support_pct", shares[1], "pupils at SEN support")):
            parsed.benchmarks.append({
                "benchmark_id": bid, "phase": phase, "value": round(value, 6), "unit": "share of pupils",
                "source": SOURCE, "year": year,
                "note": f"England, {text(r.rec['school_type']) or phase}: {what}, January {jan} school census"})
    parsed.accepted = len(good) + national_ok
    return parsed


def _national_shares(rec: dict) -> tuple[float, float] | None:
    """(EHC plan share, SEN support share) of a national row: the published percentages,
    else the counts over the roll."""
    ehcp, sup = as_share(rec["ehcp_pct"]), as_share(rec["sen_support_pct"])
    if ehcp is not None and sup is not None:
        return ehcp, sup
    roll, e, s = (as_count(rec["number_on_roll"], "NOR"), as_count(rec["ehcp"], "TSENELSE"),
                  as_count(rec["sen_support"], "TSENELK"))
    if not roll or e is None or s is None:
        return None
    return e / roll, s / roll
