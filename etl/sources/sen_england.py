"""Special educational needs in England, the school-level underlying data: one row per school
with pupils on roll, SEN support and EHC plans (statements before 2019), from the January census.

Its layout has changed over the years; every one since 2014/15 reads (and the two before it):
  - 2019/20 on (`sen_school_level_underlying_data.csv`, explore education statistics):
    `time_period`, `old_la_code`, `la_name`, `URN`, `school_name`, `phase_type_grouping`,
    `type_of_establishment`, `Total pupils`, `SEN support`, `EHC plan`, the primary-need counts
    `EHC_Primary_need_<need>` / `SUP_Primary_need_<need>`, `SEN_Unit`, `RP_Unit`;
  - 2016/17 to 2018/19 (`SEN_2019_Underlying_Data.csv`): `Total pupils`, `SEN support`,
    `Statement / EHC plan`, no `time_period`;
  - 2014/15 and 2015/16 (`SFR25_2015_UD.csv`): `Total Pupils`, `SEN support`, `Statement/ EHC plan`;
  - 2012/13 and 2013/14: `Total Pupils`, `No_Statement`, `Statement` (before SEN support, pupils
    without a statement were at School Action or School Action Plus).
A file without `time_period` takes its year from its name (the January census it holds) or as given.
"""
from __future__ import annotations

import json
import re

from etl.normalise import Invalid, parse_academic_year
from etl.sources.census_pt import phase_from_type, send_checks
from etl.sources.census_year import census_year
from etl.sources.reader import (
    Column,
    FileProblem,
    Parsed,
    Spec,
    Table,
    as_count,
    as_la_code,
    as_urn,
    reject,
    reject_duplicates,
    run,
    text,
)
from etl.sources.regions import la_lookup

SOURCE = "DfE Special educational needs in England (school level)"


def _period(v: object, label: str) -> str | None:
    s = text(v)
    if not s:
        return None
    try:
        return parse_academic_year(s)
    except Invalid as exc:
        raise Invalid(f"{label}: {exc}") from None


SPEC = Spec("SEN in England school-level file", (
    Column("census_year", ("time_period",), _period),
    Column("la_code", ("old_la_code", "la_code_old", "LA"), as_la_code),
    Column("la_name", ("la_name", "LA Name")),
    Column("urn", ("URN", "school_urn"), as_urn, required=True),
    Column("school_name", ("school_name", "School Name")),
    Column("phase_group", ("phase_type_grouping",)),
    Column("school_type", ("type_of_establishment",)),
    Column("number_on_roll", ("Total pupils", "Total Pupils", "total_pupils", "Pupils"), as_count, required=True),
    Column("sen_support", ("SEN support", "SEN_support", "No_Statement", "No_statements", "NoStatements"), as_count),
    Column("school_action", ("School_Action", "SchoolAction", "school_action"), as_count),
    Column("school_action_plus", ("School_Action_Plus", "SchoolActionPlus", "school_action_plus"), as_count),
    Column("ehcp", ("EHC plan", "EHC_plan", "Statement / EHC plan", "Statement/ EHC plan", "Statement",
                    "Statements"), as_count, required=True),
    Column("sen_unit", ("SEN_Unit",), as_count),
    Column("rp_unit", ("RP_Unit",), as_count),
), )

NEED = re.compile(r"^(EHC|SUP)_Primary_need_([A-Za-z]+)$")


def looks_like(table: Table) -> bool:
    return bool({"timeperiod", "ehcplan", "totalpupils", "statementehcplan", "statement", "statements"}
                & table.keys) and not {"tsenelse", "tsenelk"} & table.keys


def parse(table: Table, file_name: str, given_year: str | None) -> Parsed:
    if not ({"sensupport", "nostatement", "nostatements", "schoolaction"} & table.keys):
        raise_missing()
    has_period = "timeperiod" in table.keys
    fixed_year = None if has_period else census_year(file_name, given_year)
    needs = [(j, m[1].upper(), m[2].lower()) for j, h in enumerate(table.headers) if (m := NEED.match(h.strip()))]
    parsed = Parsed(source=SOURCE, school_mode="fill")

    def check(rec: dict) -> list[str]:
        reasons = []
        if rec["census_year"] is None:
            rec["census_year"] = fixed_year
            if rec["census_year"] is None:
                reasons.append("time_period is missing")
        if rec["sen_support"] is None and (rec["school_action"] is not None or rec["school_action_plus"] is not None):
            rec["sen_support"] = (rec["school_action"] or 0) + (rec["school_action_plus"] or 0)
        return reasons or send_checks(rec)

    good = run(SPEC, table, parsed, check=check)
    kept = []
    for r in good:
        try:
            counts = {f"{kind}_{need}": as_count(r.cells[j] if j < len(r.cells) else None, table.headers[j])
                      for j, kind, need in needs}
        except Invalid as exc:
            reject(parsed, table, r.number, r.cells, [str(exc)], r.rec)
            continue
        r.rec["primary_need"] = json.dumps({k: v for k, v in counts.items() if v is not None}) if needs else None
        kept.append(r)
    good = reject_duplicates(parsed, table, kept, lambda rec: (rec["urn"], rec["census_year"]), " for the same year")
    lookup = la_lookup()
    latest: dict[int, tuple[dict, str]] = {}
    for r in good:
        rec = r.rec
        parsed.census.append({k: rec.get(k) for k in ("urn", "census_year", "la_code", "number_on_roll",
                                                      "sen_support", "ehcp", "sen_unit", "rp_unit",
                                                      "primary_need")} | {"source": SOURCE})
        phase, group = phase_from_type(rec["phase_group"] or rec["school_type"])
        la_name, region = lookup.get(rec["la_code"], (None, None))
        school = {"urn": rec["urn"], "school_name": rec["school_name"], "la_code": rec["la_code"],
                  "la_name": rec["la_name"] or la_name, "region": region, "school_type": rec["school_type"],
                  "phase": phase, "type_group": group, "source": f"{SOURCE} {rec['census_year']}"}
        # One schools row per URN (a file may hold several years): the latest year's.
        if rec["urn"] not in latest or rec["census_year"] >= latest[rec["urn"]][1]:
            latest[rec["urn"]] = (school, rec["census_year"])
    parsed.schools = [s for s, _ in latest.values()]
    parsed.accepted = len(good)
    return parsed


def raise_missing() -> None:
    raise FileProblem("not a SEN in England school-level file: required column(s) missing: SEN support "
                      "(or, before 2014/15, No_Statement or School_Action)")
