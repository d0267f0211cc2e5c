"""A national-scale lake for the benchmark: every school in England, five years of returns.

`python -m bench.national OUT_DIR` writes, into OUT_DIR/inputs/, the files a national
collection would hand the ETL:

* the register: a copy of `data/open/census_2019_england.csv` (the real January 2019 census
  of every school in England, 152 LAs, with pupils on roll and SEN counts), loaded with
  `load_official('census')`, plus a DfE-names-list-style file of synthetic school names;
* one synthetic SENCO-return CSV per academic year (2022/23 to 2026/27), one row per
  state-funded school, typed the way people type (the same styles as `etl/synthetic.py`)
  with a few of the usual mistakes in each file;
* a synthetic Ofsted management-information CSV (latest inspection per school);

then loads them into OUT_DIR/senco.duckdb through the real loaders (`etl.official`,
`etl.load`). The inputs and the lake are build output (bench/out/ is gitignored).

The generator is deterministic and fast: every random draw is a counter-based hash of
(seed, URN, what is drawn, year), computed for all schools at once with numpy, so two runs
write identical bytes and adding or dropping a school (or an LA) never changes another
school's data. The model follows `etl/synthetic.py` (SENCO time log-normal by phase and
weakly tied to the SEND cohort, about a fifth of primary and half of secondary SENCOs on
SLT, admin support for ~15% / ~50%, SENCO turnover ~12% a year, 2025 report-card grades for
schools inspected since November 2025), reusing its constants, typing vocabularies and
mistakes.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from domain.columns import COLUMNS
from domain.vocabularies import (
    INDEPENDENT_SCHOOLS,
    NASENCO_HELD,
    NPQ_HELD,
    QUALIFICATION_IN_PROGRESS,
    QUALIFICATION_NOT_STARTED,
)
from etl import synthetic as syn
from etl.demo import _OFSTED_PHASE
from etl.load import load_returns
from etl.sources import la_lookup, load_benchmarks, load_official, phase_from_type
from etl.sources.ofsted import AREAS as CARD_AREAS
from etl.sources.ofsted import REPORT_CARD_LAYOUT_2026 as HEADER
from lake import config
from lake.store import raw_dir, writing

SEED = "senco-bench-national-v1"
YEARS = ("2022/23", "2023/24", "2024/25", "2025/26", "2026/27")
CURRENT_YEAR = YEARS[-1]
TODAY = syn.DEMO_TODAY                     # "today" for validating the returns (2026-11-20)
RETURN_RATE = {"past": 0.98, "current": 0.85}
MISTAKE_RATE = 0.0015                      # share of rows with one of the usual mistakes
CENSUS_FILE = config.ROOT / "data" / "open" / "census_2019_england.csv"
RETURN_HEADERS = [c.name for c in COLUMNS]

# ----------------------------------------------------------- random draws


def _key(*parts: object) -> np.uint64:
    digest = hashlib.blake2b("|".join(map(str, (SEED, *parts))).encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a good 64-bit hash of each element."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class Draws:
    """Uniform, normal, choice and integer draws for a fixed array of URNs, each keyed by
    (URN, what, year): a school's draws do not depend on which other schools exist."""

    def __init__(self, urns: np.ndarray):
        self.base = urns.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)

    def u(self, *what: object) -> np.ndarray:
        with np.errstate(over="ignore"):
            bits = _mix(self.base + _key(*what))
        return (bits >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))

    def normal(self, *what: object) -> np.ndarray:
        u1 = np.maximum(self.u(*what, "n1"), 1e-300)
        return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * self.u(*what, "n2"))

    def choice(self, options, *what: object, p=None) -> np.ndarray:
        """Index into options (weights p) for every school."""
        n = len(options)
        cum = np.cumsum(np.ones(n) if p is None else np.asarray(p, dtype=float))
        return np.minimum(np.searchsorted(cum / cum[-1], self.u(*what), side="right"), n - 1)

    def pick(self, options, *what: object, p=None) -> np.ndarray:
        return np.asarray(options, dtype=object)[self.choice(options, *what, p=p)]

    def randint(self, low: int, high: int, *what: object) -> np.ndarray:
        """Inclusive, like random.randint."""
        return low + np.floor(self.u(*what) * (high - low + 1)).astype(np.int64)


# ------------------------------------------------------------- schools

def read_census(path: Path = CENSUS_FILE, las: set[int] | None = None) -> tuple[pd.DataFrame, str]:
    """(state-funded schools as a frame, the census file's text for the LAs asked for)."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if las:
        body = [r for r in body if r[0] == "NAT" or (r[1].isdigit() and int(r[1]) in las)]
        text = "\n".join(",".join(_csv_cell(c) for c in r) for r in [header, *body]) + "\n"
    ix = {h: i for i, h in enumerate(header)}
    recs = []
    for r in body:
        if not r[ix["URN"]].isdigit():
            continue
        phase, group = phase_from_type(r[ix["SCHOOLTYPE"]])
        if group == INDEPENDENT_SCHOOLS:
            continue

        def n(col: str, r=r) -> float:
            v = r[ix[col]]
            return float(v) if v.isdigit() else np.nan
        recs.append((int(r[ix["URN"]]), int(r[ix["LA"]]), int(r[ix["ESTAB"]] or 0), phase or "primary",
                     r[ix["SCHOOLTYPE"]], n("NOR"), n("TSENELK"), n("TSENELSE")))
    frame = pd.DataFrame(recs, columns=["urn", "la_code", "estab", "phase", "school_type", "roll", "sen_support",
                                        "ehcp"]).sort_values("urn", ignore_index=True)
    return frame, text


def _csv_cell(v: str) -> str:
    return f'"{v}"' if any(ch in v for ch in ',"\n') else v


_PLACES = ("Oakfield", "Ashby", "Brookside", "Castleford", "Dale View", "Elmwood", "Fairfield", "Greenacres",
           "Hillside", "Ivy Lane", "Kingsway", "Lakeside", "Meadowbank", "Northgate", "Orchard", "Parkland",
           "Queensbury", "Riverside", "Southfields", "Thornbury", "Upton", "Valley Road", "Westfield", "Yew Tree",
           "Abbey", "Beacon", "Church Lane", "Deer Park", "East End", "Forest", "Grange", "Holywell", "Longcroft",
           "Millbrook", "Newlands", "Oldfield", "Priory", "Redhill", "Sandford", "Tollbar", "Woodlands", "Ashgrove",
           "Bramley", "Coppice", "Downs", "Highfield", "Lark Rise", "Moorside", "Pinewood", "Springwell")
_SAINTS = ("St Mary's", "St John's", "St Peter's", "St Joseph's", "Holy Trinity", "St Michael's", "All Saints",
           "Christ Church", "St Andrew's", "Our Lady's")
_KINDS = {
    "primary": (("Primary School", 0.45), ("Primary Academy", 0.2), ("Infant School", 0.08),
                ("Junior School", 0.07), ("C of E Primary School", 0.12), ("Catholic Primary School", 0.08)),
    "secondary": (("Academy", 0.4), ("High School", 0.3), ("School", 0.15), ("Catholic High School", 0.07),
                  ("Community College", 0.08)),
    "special": (("School", 0.5), ("Special School", 0.3), ("Academy", 0.2)),
    "alternative provision": (("Pupil Referral Unit", 0.5), ("Learning Centre", 0.3), ("Academy", 0.2)),
    "nursery": (("Nursery School", 1.0),),
}


def school_names(schools: pd.DataFrame) -> np.ndarray:
    """Synthetic but plausible names, stable per URN."""
    d = Draws(schools.urn.to_numpy())
    place = d.pick(_PLACES, "name", "place")
    saint = d.pick(_SAINTS, "name", "saint")
    names = np.empty(len(schools), dtype=object)
    for phase in schools.phase.unique():
        kinds = _KINDS.get(phase, _KINDS["primary"])
        mask = (schools.phase == phase).to_numpy()
        kind = d.pick([k for k, _ in kinds], "name", "kind", p=[w for _, w in kinds])[mask]
        religious = np.array(["C of E" in k or "Catholic" in k for k in kind])
        names[mask] = [f"{s if rel else p} {k}" for p, s, k, rel in zip(place[mask], saint[mask], kind, religious)]
    return names


# ------------------------------------------------------------- the model

_SLT = {"primary": 0.2, "secondary": 0.5, "special": 0.5, "alternative provision": 1.0}
_ADMIN = {"primary": 0.15, "secondary": 0.5, "special": 0.5, "alternative provision": 0.0}
_DEPUTY = {"primary": 0.12, "secondary": 0.65, "special": 0.6}
_DEFAULTS = syn._DEFAULTS
DAY = syn.DAY_HOURS


def _by_phase(phase: np.ndarray, table: dict, default: float) -> np.ndarray:
    return np.array([table.get(p, default) for p in phase])


def _snap(hours: np.ndarray, in_days: np.ndarray) -> np.ndarray:
    days = np.maximum(0.5, np.round(hours / DAY * 2) / 2) * DAY
    plain = np.maximum(1.0, np.round(hours * 2) / 2)
    return np.where(in_days, days, plain)


def _days(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]")


def _date(y: int, m: int, d: int) -> np.datetime64:
    return np.datetime64(dt.date(y, m, d), "D")


def _weekday(d: np.ndarray) -> np.ndarray:
    """synthetic._weekday for arrays: out of the summer and Christmas holidays, then the next Tuesday."""
    idx = pd.DatetimeIndex(d)
    month, day = idx.month.to_numpy(), idx.day.to_numpy()
    summer = (month == 8) | ((month == 7) & (day > 15))
    xmas = ((month == 12) & (day > 16)) | ((month == 1) & (day < 6))
    d = d - np.where(summer, 40, np.where(xmas, 21, 0)).astype("timedelta64[D]")
    wd = pd.DatetimeIndex(d).day_of_week.to_numpy()
    return d + ((1 - wd) % 7).astype("timedelta64[D]")


def _hours_for(phase: np.ndarray, send: np.ndarray, z: np.ndarray) -> np.ndarray:
    sec = np.clip(np.exp(np.log(11 + 0.04 * send) + 0.3 * z), 5.0, 30.0)
    spe = np.clip(np.exp(np.log(19) + 0.25 * z), 10.0, 32.5)
    ap = np.clip(np.exp(np.log(11) + 0.3 * z), 5.0, 24.0)
    other = np.clip(np.exp(np.log(4.5 + 0.04 * send) + 0.7 * z), 1.0, 24.0)
    return np.select([phase == "secondary", phase == "special", phase == "alternative provision"], [sec, spe, ap],
                     other)


ROLES = ("deputy head", "assistant head", "class teacher", "DSL", "designated teacher for looked-after children",
         "EAL co-ordinator", "mental health lead", "headteacher")
HEAD_DROPS = ("headteacher", "deputy head", "assistant head", "class teacher")


def _new_senco(d: Draws, phase: np.ndarray, send: np.ndarray, year: str, slt: np.ndarray,
               appointed: np.ndarray | None) -> dict[str, np.ndarray]:
    """synthetic.new_senco for every school at once."""
    start = syn.year_start(year)
    if appointed is None:                  # _appointed: recent appointments more likely
        latest = _date(start, 10, 1)
        back = np.minimum(start - 2007, np.floor(-4.0 * np.log1p(-d.u("ap", year))).astype(int))
        md = d.choice(range(8), "ap-md", year)
        months = np.array([9, 9, 9, 9, 1, 4, 6, 11])[md]
        days = np.array([1, 1, 1, 4, 6, 15, 1, 1])[md]
        years = start - back
        appointed = pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": days})).to_numpy()
        appointed = _days(appointed)
        late = appointed > latest
        appointed = np.where(late, _days(pd.to_datetime(pd.DataFrame(
            {"year": years - 1, "month": 9, "day": 1})).to_numpy()), appointed)
    in_days = d.u("in_days", year) < 0.35
    hours = _snap(_hours_for(phase, send, d.normal("hours", year)), in_days)
    roles = np.zeros((len(phase), len(ROLES)), dtype=bool)
    lead = d.choice(range(3), "slt-role", year, p=[0.45, 0.4, 0.15])
    roles[:, 0] = slt & (lead == 0)
    roles[:, 1] = slt & (lead == 1)
    primary, secondary = phase == "primary", phase == "secondary"
    class_teacher = np.where(primary, d.u("class", year) < 0.55, secondary & (d.u("class", year) < 0.35))
    roles[:, 2] = class_teacher
    teaching = np.select(
        [primary & class_teacher, primary, secondary],
        [d.pick([12.5, 15, 17.5, 20, 22.5, 25], "teach-ct", year).astype(float),
         d.pick([0, 0, 2.5, 5], "teach-p", year).astype(float),
         d.pick([2, 4, 5, 6, 8, 10, 12], "teach-s", year).astype(float)],
        d.pick([0, 2.5, 5, 7.5], "teach-o", year).astype(float))
    for j, (role, p) in enumerate((("DSL", 0.3), ("designated teacher for looked-after children", 0.25),
                                   ("EAL co-ordinator", 0.05), ("mental health lead", 0.1)), start=3):
        roles[:, j] = d.u("role", role, year) < p
    teaching = np.minimum(teaching, 55 - hours)
    never = d.u("qual-never", year) < 0.07
    started = appointed + d.randint(20, 240, "qual-start", year).astype("timedelta64[D]")
    finished = started + d.randint(400, 760, "qual-finish", year).astype("timedelta64[D]")
    late_start = appointed + d.randint(200, 500, "qual-late", year).astype("timedelta64[D]")
    nat = np.datetime64("NaT", "D")
    half = d.u("qual-half", year) < 0.5
    started = np.where(never, np.where(half, nat, late_start), started)
    finished = np.where(never, nat, finished)
    old = pd.DatetimeIndex(appointed).year.to_numpy() < 2012
    started = np.where(old, appointed + np.timedelta64(60, "D"), started)
    finished = np.where(old, appointed + np.timedelta64(600, "D"), finished)
    return {"appointed": appointed, "hours": hours, "in_days": in_days, "teaching": teaching, "slt": slt.copy(),
            "qualified_teacher": d.u("qt", year) > 0.03, "started": started, "finished": finished,
            "roles": roles, "shared": np.ones(len(phase), dtype=int)}


def _drift(d: Draws, s: dict[str, np.ndarray], year: str) -> dict[str, np.ndarray]:
    """synthetic._drift: mostly the same time, sometimes half a day (or an hour or two) more or less."""
    s = {k: v.copy() for k, v in s.items()}
    move = d.u("drift", year) >= 0.7
    step = np.where(s["in_days"], DAY / 2, d.pick([0.5, 1, 1.5, 2, 2.5], "drift-step", year).astype(float))
    sign = d.pick([-1, 1, 1], "drift-sign", year).astype(float)
    moved = _snap(np.clip(s["hours"] + step * sign, 1.0, 30.0), s["in_days"])
    s["hours"] = np.where(move, moved, s["hours"])
    return s


def _where(mask: np.ndarray, a: dict, b: dict) -> dict:
    out = {}
    for k in a:
        m = mask[:, None] if a[k].ndim == 2 else mask
        out[k] = np.where(m, a[k], b[k])
    return out


def counts(d: Draws, schools: pd.DataFrame, year: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """synthetic.counts for arrays: the 2019 census with small yearly drift."""
    phase = schools.phase.to_numpy()
    roll_c, sup_c, ehcp_c = (schools[c].to_numpy() for c in ("roll", "sen_support", "ehcp"))
    known = np.isfinite(roll_c) & (roll_c > 0)
    d_roll = np.array([_DEFAULTS.get(p, _DEFAULTS["primary"])[0] for p in phase], dtype=float)
    d_sup = np.array([_DEFAULTS.get(p, _DEFAULTS["primary"])[1] for p in phase])
    d_ehcp = np.array([_DEFAULTS.get(p, _DEFAULTS["primary"])[2] for p in phase])
    with np.errstate(invalid="ignore", divide="ignore"):
        roll0 = np.where(known, roll_c, np.round(d_roll * (0.8 + 0.4 * d.u("counts-size"))))
        sup_rate = np.where(known, np.nan_to_num(sup_c) / roll_c, d_sup)
        ehcp_rate = np.where(known, np.nan_to_num(ehcp_c) / roll_c, d_ehcp)
    special = phase == "special"
    ehcp_rate = np.where(special, ehcp_rate, np.maximum(ehcp_rate, 0.006))
    sup_rate = np.where(special, sup_rate, np.maximum(sup_rate, 0.04))
    trend = 0.012 * d.normal("counts-trend")
    t = syn.year_start(year) - 2019 + 0.7
    roll = np.maximum(8, np.round(roll0 * (1 + trend) ** t * (1 + 0.015 * d.normal("counts-roll", year))))
    sup_s = np.round(roll * sup_rate * (1 + 0.2 * d.normal("counts-sup", year)))
    sup = np.where(special, sup_s, np.round(roll * sup_rate * 1.025 ** t * (1 + 0.05 * d.normal("counts-sup", year))))
    ehcp = np.where(special, roll - sup_s,
                    np.round(roll * ehcp_rate * 1.07 ** t * (1 + 0.08 * d.normal("counts-ehcp", year))))
    sup, ehcp = np.maximum(0, sup), np.maximum(0, ehcp)
    sup = np.where(sup + ehcp > roll, np.maximum(0, roll - ehcp), sup)
    return roll.astype(int), sup.astype(int), ehcp.astype(int)


def simulate(schools: pd.DataFrame, years: tuple[str, ...] = YEARS) -> dict:
    """Every school's true position for each year (arrays per year), and its inspections."""
    d = Draws(schools.urn.to_numpy())
    phase = schools.phase.to_numpy()
    roll_c = schools.roll.to_numpy()
    small_primary = (phase == "primary") & (np.nan_to_num(roll_c, nan=999) < 130)
    on_slt = d.u("plan-slt") < _by_phase(phase, _SLT, 0.33)
    head_senco = small_primary & (d.u("plan-head") < 0.03)
    shared = small_primary & ~head_senco & (d.u("plan-shared") < 0.04)
    shared_head = shared & (d.u("plan-shared-head") < 0.5)
    on_slt = on_slt | head_senco | shared_head
    admin = d.u("plan-admin") < _by_phase(phase, _ADMIN, 0.2)
    admin_hours = np.where(phase == "primary", d.pick([2, 3, 4, 5, 6], "admin").astype(float),
                           d.pick([5, 7.5, 10, 12.5, 15], "admin").astype(float))
    admin_hours = np.where(admin, admin_hours, 0.0)
    deputy = d.u("deputy") < _by_phase(phase, _DEPUTY, 0.3)
    no_report = d.u("plan-no-report") < 0.035
    governor = d.u("governor") < 0.85
    out: dict[str, dict] = {}
    senco = None
    for year in years:
        roll, sup, ehcp = counts(d, schools, year)
        send = sup + ehcp
        if senco is None:
            senco = _new_senco(d, phase, send, year, on_slt, None)
        else:
            replaced = d.u("replace", year) < 0.12
            flip = d.u("replace-slt", year) <= 0.2
            start = syn.year_start(year)
            when = np.array([_date(start, 9, 1), _date(start, 4, 20), _date(start, 1, 6)])[
                d.choice(range(3), "replace-when", year)]
            fresh = _new_senco(d, phase, send, year, np.where(flip, ~on_slt, on_slt), when)
            senco = _where(replaced, fresh, _drift(d, senco, year))
        s = {k: v.copy() for k, v in senco.items()}
        heads = head_senco | shared_head
        s["roles"][heads] = s["roles"][heads] & ~np.isin(np.array(ROLES), HEAD_DROPS)
        s["roles"][heads, ROLES.index("headteacher")] = True
        s["slt"] = s["slt"] | heads
        s["shared"] = np.where(shared, 2, 1)
        cap_shared = _snap(2.5 + 5 * d.u("shared-hours"), s["in_days"])
        cap_head = _snap(2 + 3 * d.u("head-hours"), s["in_days"])
        s["hours"] = np.where(shared, np.minimum(s["hours"], cap_shared),
                              np.where(head_senco, np.minimum(s["hours"], cap_head), s["hours"]))
        s["teaching"] = np.where(shared_head, 0.0, np.where(head_senco, np.minimum(s["teaching"], 5.0),
                                                            s["teaching"]))
        senco = s                                  # next year starts from this year's SENCO
        current = year == years[-1]
        rate = RETURN_RATE["current" if current else "past"]
        out[year] = {
            "roll": roll, "sen_support": sup, "ehcp": ehcp, "senco": s, "deputy": deputy, "admin_hours": admin_hours,
            "sen_report": ~no_report | (current & (d.u("report", year) < 0.3)),
            "sen_governor": governor | (d.u("governor", year) < 0.1),
            "returned": d.u("returned", year) < rate,
        }
    return {"years": out, "inspections": inspections(d, schools, out[years[0]])}


REPORT_CARDS_FROM = np.datetime64(syn.REPORT_CARDS_FROM, "D")
AREAS = ("inclusion", "achievement", "attendance_behaviour", "personal_development", "leadership_governance",
         "curriculum_teaching")


def _between(d: Draws, a: dt.date, b: dt.date, *what: object) -> np.ndarray:
    return np.datetime64(a, "D") + d.randint(0, (b - a).days, *what).astype("timedelta64[D]")


def inspections(d: Draws, schools: pd.DataFrame, first: dict) -> dict[str, np.ndarray]:
    """synthetic.quality and synthetic.inspections for arrays: (previous, latest) inspection."""
    s = first["senco"]
    per_send = s["hours"] / np.maximum(first["sen_support"] + first["ehcp"], 1) * 10
    q = (0.9 * d.normal("quality") + 0.35 * np.clip(np.log(np.maximum(per_send, 0.1) / 3), -1.5, 1.5)
         + np.where(s["slt"], 0.25, 0.0))
    report_card = d.u("ofsted-rc") < 0.22
    latest = np.where(report_card, _between(d, syn.REPORT_CARDS_FROM, TODAY - dt.timedelta(days=10), "ofsted-rcd"),
                      _between(d, dt.date(2016, 9, 1), dt.date(2025, 7, 8), "ofsted-old"))
    latest = _weekday(latest)
    previous = _weekday(latest - d.randint(1200, 2100, "ofsted-gap").astype("timedelta64[D]"))

    def oeif(score: np.ndarray) -> np.ndarray:
        return np.select([score > 1.35, score > -1.0, score > -2.0], [1, 2, 3], 4)

    def grade(score: np.ndarray) -> np.ndarray:
        return np.select([score > 2.1, score > 0.9, score > -0.9, score > -1.9],
                         list(syn.REPORT_GRADES[:4]), syn.REPORT_GRADES[4]).astype(object)

    is_rc = latest >= REPORT_CARDS_FROM
    grades = {a: np.where(is_rc, grade(q + 0.45 * d.normal("grade", a)), None) for a in AREAS}
    return {
        "inspected": d.u("ofsted-new") >= 0.02,      # a few opened since and are not yet inspected
        "latest": latest, "previous": previous, "report_card": is_rc,
        "latest_oeif": np.where(is_rc, 0, oeif(q + 0.35 * d.normal("oeif-latest"))),
        "previous_oeif": oeif(q + 0.6 * d.normal("oeif-previous")),
        "grades": grades,
        "safeguarding": np.where(is_rc, np.where(d.u("safeguarding") > 0.03, "met", "not met"), None),
    }


# -------------------------------------------------------- as people type

def _fmt(x: float) -> str:
    return f"{x:g}"


def _typed_dates(d: Draws, dates: np.ndarray, *what: object) -> np.ndarray:
    """synthetic.typed_date for arrays (NaT -> '')."""
    idx = pd.DatetimeIndex(dates)
    missing = np.isnat(dates)
    style = d.u("date-style", *what)
    out = np.empty(len(dates), dtype=object)
    y, m, dd = (np.nan_to_num(a.to_numpy(dtype=float), nan=1).astype(int) for a in (idx.year, idx.month, idx.day))
    month_names = np.array(["", "January", "February", "March", "April", "May", "June", "July", "August",
                            "September", "October", "November", "December"], dtype=object)
    for i in range(len(dates)):
        if missing[i]:
            out[i] = ""
        elif style[i] < 0.55:
            out[i] = f"{dd[i]:02d}/{m[i]:02d}/{y[i]:04d}"
        elif style[i] < 0.8:
            out[i] = f"{y[i]:04d}-{m[i]:02d}-{dd[i]:02d}"
        elif style[i] < 0.92:
            out[i] = f"{dd[i]} {month_names[m[i]]} {y[i]}"
        else:
            out[i] = f"{dd[i]}/{m[i]}/{y[i] % 100:02d}"
    return out


def _typed_yesno(d: Draws, value: np.ndarray, *what: object) -> np.ndarray:
    yes = d.pick(["Yes", "Yes", "yes", "Y", "TRUE", "1"], "yn", *what)
    no = d.pick(["No", "No", "no", "N", "FALSE", "0"], "yn", *what)
    return np.where(value, yes, no)


def _typed_hours(d: Draws, hours: np.ndarray, in_days: np.ndarray, *what: object) -> np.ndarray:
    style, half, week = d.u("hours-style", *what), d.u("hours-half", *what), d.u("hours-week", *what)
    out = np.empty(len(hours), dtype=object)
    for i, (h, days_) in enumerate(zip(hours.tolist(), in_days.tolist())):
        if days_:
            n = h / DAY
            if n == 0.5 and half[i] < 0.5:
                out[i] = "half a day"
                continue
            out[i] = f"{n:g} day" + ("" if n == 1 else "s") + (" per week" if week[i] < 0.3 else "")
        elif style[i] < 0.5:
            out[i] = f"{h:g}"
        elif style[i] < 0.7:
            out[i] = f"{h:g} hrs"
        elif style[i] < 0.85:
            out[i] = f"{h:g} hours"
        elif style[i] < 0.93:
            out[i] = f"{h:g}h"
        else:
            out[i] = f"approx {h:g}"
    return out


def _typed_roles(d: Draws, roles: np.ndarray, year: str) -> np.ndarray:
    none = d.pick(["", "", "None", "n/a"], "roles-none", year)
    sep = d.pick(["; ", "; ", ", ", " / "], "roles-sep", year)
    variants = [syn._ROLE_TYPING.get(r, [r]) for r in ROLES]
    picks = [d.choice(v, "roles-typing", r, year) for r, v in zip(ROLES, variants)]
    order = [ROLES.index(r) for r in ("headteacher", "deputy head", "assistant head", "class teacher", "DSL",
                                      "designated teacher for looked-after children", "EAL co-ordinator",
                                      "mental health lead")]
    out = np.empty(len(roles), dtype=object)
    for i, row in enumerate(roles):
        held = [variants[j][picks[j][i]] for j in order if row[j]]
        out[i] = sep[i].join(held) if held else none[i]
    return out


def _qualification(s: dict, on: dt.date) -> np.ndarray:
    on64 = np.datetime64(on, "D")
    finished = ~np.isnat(s["finished"]) & (s["finished"] <= on64)
    started = ~np.isnat(s["started"]) & (s["started"] <= on64)
    held = np.where(s["appointed"] < np.datetime64(syn.NPQ_FROM, "D"), NASENCO_HELD, NPQ_HELD)
    return np.where(finished, held, np.where(started, QUALIFICATION_IN_PROGRESS, QUALIFICATION_NOT_STARTED))


_PHASE_TYPING = {"alternative provision": ["PRU", "Alternative provision", "AP"],
                 "special": ["Special", "special school"]}


def return_rows(schools: pd.DataFrame, names: np.ndarray, sim: dict, year: str) -> pd.DataFrame:
    """One year's returns as typed into the online form (strings), in submission order."""
    y = sim["years"][year]
    s = y["senco"]
    d = Draws(schools.urn.to_numpy())
    n = len(schools)
    phase = schools.phase.to_numpy()
    on = syn.return_date(year)
    start = syn.year_start(year)
    year_text = np.array([year, year, year.replace("/", "-"), f"{start}/{start + 1}"], dtype=object)[
        d.choice(range(4), "year-text", year)]
    phase_pick = d.u("phase-typing", year)
    phase_text = np.empty(n, dtype=object)
    for i, p in enumerate(phase):
        options = _PHASE_TYPING.get(p, [p, p.capitalize(), p.capitalize()])
        phase_text[i] = options[min(int(phase_pick[i] * len(options)), len(options) - 1)]
    phase_text = np.where(d.u("phase-blank", year) < 0.15, "", phase_text)
    roll = y["roll"]
    comma = (roll >= 1000) & (d.u("roll-comma", year) < 0.5)
    roll_text = np.array([f"{r:,}" if c else str(r) for r, c in zip(roll.tolist(), comma.tolist())], dtype=object)
    teaching = s["teaching"]
    teach_text = np.array([_fmt(t) for t in teaching.tolist()], dtype=object)
    teach_text = np.where((teaching == 0) & (d.u("teach-none", year) >= 0.7), "none", teach_text)
    qual = _qualification(s, on)
    qual_text = np.empty(n, dtype=object)
    qual_pick = d.u("qual-typing", year)
    for status, variants in syn._QUAL_TYPING.items():
        mask = qual == status
        qual_text[mask] = np.asarray(variants, dtype=object)[np.minimum((qual_pick[mask] * len(variants)).astype(int),
                                                                        len(variants) - 1)]
    admin = y["admin_hours"]
    admin_text = np.where(admin > 0,
                          np.array([_fmt(a) for a in admin.tolist()], dtype=object)
                          + d.pick(["", "", " hrs"], "admin-unit", year),
                          d.pick(["0", "0", "0", "none", "nil", "0"], "admin-zero", year))
    deputy_text = np.where(d.u("deputy-na", year) > 0.05, _typed_yesno(d, y["deputy"], "deputy", year), "n/a")
    insp = sim["inspections"]
    on64 = np.datetime64(on, "D")
    known_latest = insp["inspected"] & (insp["latest"] <= on64)
    known_prev = insp["inspected"] & ~known_latest & (insp["previous"] <= on64)
    known_date = np.where(known_latest, insp["latest"], np.where(known_prev, insp["previous"], np.datetime64("NaT")))
    rc = known_latest & insp["report_card"]
    oeif = np.where(known_latest, insp["latest_oeif"], insp["previous_oeif"])
    strict = d.u("progress-strict", year) > 0.1
    good = np.where(rc, np.isin(insp["grades"]["inclusion"].astype(str), syn.REPORT_GRADES[:3]),
                    np.where(strict, oeif <= 2, oeif <= 1))
    progress = np.where(good, d.pick(["good or better", "Good or better", "good"], "progress", year),
                        d.pick(["less than good", "Less than good", "requires improvement"], "progress", year))
    progress = np.where(d.u("progress-nj", year) < 0.08, d.pick(["not judged", "Not judged", ""], "progress-nj-text",
                                                                  year), progress)
    progress = np.where(known_latest | known_prev, progress, "")
    frame = pd.DataFrame({
        "urn": schools.urn.astype(str).to_numpy(),
        "school_name": names,
        "academic_year": year_text,
        "phase": phase_text,
        "number_on_roll": roll_text,
        "sen_support_pupils": y["sen_support"].astype(str),
        "ehcp_pupils": y["ehcp"].astype(str),
        "senco_hours_per_week": _typed_hours(d, s["hours"], s["in_days"], year),
        "senco_teaching_hours_per_week": teach_text,
        "senco_on_slt": _typed_yesno(d, s["slt"], "slt", year),
        "senco_qualified_teacher": _typed_yesno(d, s["qualified_teacher"], "qt", year),
        "senco_qualification": qual_text,
        "senco_appointed_date": _typed_dates(d, s["appointed"], "appointed", year),
        "senco_other_roles": _typed_roles(d, s["roles"], year),
        "senco_shared_schools": s["shared"].astype(str),
        "deputy_senco": deputy_text,
        "admin_support_hours_per_week": admin_text,
        "sen_information_report_published": _typed_yesno(d, y["sen_report"], "report", year),
        "sen_governor": _typed_yesno(d, y["sen_governor"], "governor", year),
        "ofsted_inspection_date": _typed_dates(d, known_date, "ofsted", year),
        "ofsted_send_progress": progress,
        **_fields_added_2026(d, s, y, year),
    })
    for name in RETURN_HEADERS:      # a column added to the return and not simulated here: left blank
        if name not in frame:
            frame[name] = ""
    frame = _with_mistakes(frame, schools, sim, year, d)
    frame = frame[frame._returned.to_numpy(dtype=bool)]
    order = np.argsort(d.u("submitted", year)[frame._school.to_numpy()], kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    begin = dt.datetime(start, 10, 1, 8, 0)
    minutes = np.sort(d.randint(0, 60 * 24 * 40, "stamp", year)[frame._school.to_numpy()])
    frame = frame.drop(columns=["_school", "_returned"])
    frame.insert(0, "submitted_at", [(begin + dt.timedelta(minutes=int(m))).strftime("%d/%m/%Y %H:%M")
                                     for m in minutes])
    return frame


def _fields_added_2026(d: Draws, s: dict, y: dict, year: str) -> dict[str, np.ndarray]:
    """The fields the return gained in 2026 (as synthetic.extra_fields): the SENCO's view of their time,
    whether they teach here and when they first became a SENCO; course and report dates left blank."""
    hours = np.asarray(s["hours"], dtype=float)
    p_not = np.where(hours < syn.DAY_HOURS, 0.85, np.where(hours < 1.5 * syn.DAY_HOURS, 0.65, 0.4))
    blank = np.full(len(hours), "", dtype=object)
    return {
        "senco_time_enough": _typed_yesno(d, d.u("time-enough", year) >= p_not, "time-enough", year),
        "senco_works_at_school": _typed_yesno(d, d.u("works-here", year) > 0.03, "works-here", year),
        "senco_qualification_course": blank, "senco_qualification_course_started": blank,
        "senco_first_senco_date": _typed_dates(d, s["appointed"], "first-senco", year),
        "sen_information_report_updated": blank,
    }


def _with_mistakes(frame: pd.DataFrame, schools: pd.DataFrame, sim: dict, year: str, d: Draws) -> pd.DataFrame:
    """Apply synthetic.with_mistake to a few rows (a duplicate adds a second row)."""
    y = sim["years"][year]
    frame = frame.assign(_school=np.arange(len(frame)), _returned=y["returned"])
    wrong = np.flatnonzero((d.u("mistake", year) < MISTAKE_RATE) & y["returned"])
    kinds = d.pick(list(syn.MISTAKES), "mistake-kind", year)
    insp = sim["inspections"]
    extra = []
    for i in wrong:
        s = y["senco"]
        sy = SimpleNamespace(
            roll=int(y["roll"][i]), ehcp=int(y["ehcp"][i]), year=year,
            school=SimpleNamespace(urn=int(schools.urn.iat[i])),
            senco=SimpleNamespace(hours=float(s["hours"][i]),
                                  appointed=pd.Timestamp(s["appointed"][i]).date()),
            inspection=SimpleNamespace(date=pd.Timestamp(insp["latest"][i]).date()) if insp["inspected"][i] else None)
        r = syn.rng_for("national", int(schools.urn.iat[i]), "mistake", year)
        row = {c: frame.at[i, c] for c in RETURN_HEADERS}
        rows = syn.with_mistake(row, str(kinds[i]), sy, r)
        for c in RETURN_HEADERS:
            frame.iat[i, frame.columns.get_loc(c)] = rows[0][c]
        for again in rows[1:]:
            extra.append({**again, "_school": i, "_returned": True})
    if extra:
        frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    return frame


def ofsted_rows(schools: pd.DataFrame, names: np.ndarray, sim: dict) -> list[list[object]]:
    """Latest inspections per school, in the published layout of Ofsted's management information
    from November 2025: report-card grades with their dates of grade beside the latest OEIF
    graded inspection with its own date; NULL where there is nothing."""
    lookup = la_lookup()
    insp = sim["inspections"]
    rows: list[list[object]] = [list(HEADER)]
    latest = pd.DatetimeIndex(insp["latest"]).strftime("%d/%m/%Y")
    previous = pd.DatetimeIndex(insp["previous"]).strftime("%d/%m/%Y")
    for i, school in enumerate(schools.itertuples(index=False)):
        cells: dict[str, object] = {
            "URN": school.urn, "LAESTAB": school.la_code * 10000 + school.estab, "School name": names[i],
            "Ofsted phase": _OFSTED_PHASE.get(school.phase, ""),
            "Local authority": lookup.get(school.la_code, ("",))[0] or ""}
        if insp["inspected"][i]:
            cells["Inspection start date"] = latest[i]
            if insp["report_card"][i]:
                for name, area, dated, _ in CARD_AREAS:
                    grade = insp["grades"][name][i] if name in insp["grades"] else None
                    if grade:
                        cells[area], cells[dated] = grade.capitalize(), latest[i]
                cells["Safeguarding standards"] = (insp["safeguarding"][i] or "").capitalize() or None
                cells["Safeguarding standards - date of grade"] = latest[i]
                oeif, oeif_date = int(insp["previous_oeif"][i]), previous[i]
            else:
                oeif, oeif_date = int(insp["latest_oeif"][i]), latest[i]
            cells["Inspection start date of latest OEIF graded inspection"] = oeif_date
            cells["Latest OEIF overall effectiveness"] = oeif
        rows.append(["NULL" if cells.get(h) is None else cells[h] for h in HEADER])
    return rows


# ------------------------------------------------------------ the files

def _csv_bytes(rows, header: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if header:
        w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _slug(year: str) -> str:
    return year.replace("/", "-")


def generate(out_dir: Path, las: set[int] | None = None, years: tuple[str, ...] = YEARS,
             quiet: bool = True) -> dict[str, object]:
    """Write the national inputs into out_dir; returns their paths and counts."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    schools, census_text = read_census(las=las)
    names = school_names(schools)
    census = out_dir / ("census_2019_england.csv" if not las else "census_2019_subset.csv")
    if las:
        census.write_bytes(census_text.encode("utf-8-sig"))
    else:
        shutil.copyfile(CENSUS_FILE, census)
    names_file = out_dir / "school_names_england_SYNTHETIC.csv"
    names_file.write_bytes(_csv_bytes(
        ([u, n, "", "", "", ""] for u, n in zip(schools.urn.tolist(), names.tolist())),
        ["urn", "name", "town", "postcode", "open_date", "close_date"]))
    sim = simulate(schools, years)
    ofsted = out_dir / ("Management_information_-_state-funded_schools_-_latest_inspections_as_at_"
                        f"{TODAY.day}_{TODAY:%b_%Y}_england_SYNTHETIC.csv")
    ofsted.write_bytes(_csv_bytes(ofsted_rows(schools, names, sim)))
    returns: list[Path] = []
    rows = 0
    for year in years:
        frame = return_rows(schools, names, sim, year)
        path = out_dir / f"senco_returns_{_slug(year)}_national_SYNTHETIC.csv"
        path.write_bytes(_csv_bytes(frame.itertuples(index=False, name=None), list(frame.columns)))
        returns.append(path)
        rows += len(frame)
    seconds = time.perf_counter() - started
    if not quiet:
        print(f"generated {len(schools)} schools in {schools.la_code.nunique()} LAs, {rows} return rows over "
              f"{len(years)} years in {seconds:.1f} s -> {out_dir}")
    return {"census": census, "names": names_file, "ofsted": ofsted, "returns": returns, "schools": len(schools),
            "las": int(schools.la_code.nunique()), "return_rows": rows, "seconds": seconds}


def etl_file(path: Path, rows: int = 120_000) -> Path:
    """One returns CSV of exactly `rows` rows for the ETL benchmark: every school, six years
    (2021/22 to 2026/27, all returned), cut at `rows`."""
    schools, _ = read_census()
    names = school_names(schools)
    years = ("2021/22", *YEARS)
    sim = simulate(schools, years)
    for y in sim["years"].values():
        y["returned"] = np.ones(len(schools), dtype=bool)
    frames = [return_rows(schools, names, sim, y) for y in years]
    frame = pd.concat(frames, ignore_index=True).iloc[:rows]
    if len(frame) < rows:
        raise ValueError(f"only {len(frame)} rows available")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_bytes(frame.itertuples(index=False, name=None), list(frame.columns)))
    return path


# ------------------------------------------------------------ the lake

INFO = {
    "national_bench": "true",
    "synthetic": "SENCO returns; Ofsted outcomes; school names",
    "bench_description": (
        "Benchmark lake at national scale. Real: every school in England and its January 2019 census counts "
        "(DfE school performance tables 2018/19; Open Government Licence v3.0). Synthetic: school names, every "
        "SENCO return (2022/23 to 2026/27) and every Ofsted outcome, from bench/national.py (seeded)."),
    "bench_generator": f"bench/national.py, seed '{SEED}'",
    "current_year": CURRENT_YEAR,
}


def build(out_dir: Path, lake_path: Path | None = None, las: set[int] | None = None,
          quiet: bool = False) -> dict[str, object]:
    """Generate the inputs into out_dir/inputs and load them into a fresh lake through the real
    loaders; returns counts and the time each step took."""
    out_dir = Path(out_dir)
    lake_path = Path(lake_path or out_dir / "senco.duckdb").resolve()
    for p in (lake_path, Path(str(lake_path) + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(raw_dir(lake_path), ignore_errors=True)
    files = generate(out_dir / "inputs", las=las, quiet=quiet)
    timings: dict[str, float] = {"generate": files["seconds"]}
    outcomes = []
    for kind, key in (("census", "census"), ("gias", "names"), ("ofsted", "ofsted")):
        t = time.perf_counter()
        path = files[key]
        outcomes.append(load_official(kind, path.name, path.read_bytes(), lake_path))
        timings[f"load_{key}"] = time.perf_counter() - t
    t = time.perf_counter()
    outcomes += load_returns([(p.name, p.read_bytes()) for p in files["returns"]], lake_path, today=TODAY)
    timings["load_returns"] = time.perf_counter() - t
    with writing(lake_path) as con:
        outcomes.append(load_benchmarks(con=con, lake_path=lake_path))
        for key, value in INFO.items():
            con.execute("INSERT OR REPLACE INTO lake_info VALUES (?, ?)", [key, value])
        per_year = dict(con.execute("SELECT academic_year, count(*) FROM returns GROUP BY 1 ORDER BY 1").fetchall())
    failed = [o for o in outcomes if o.status == "failed"]
    summary = {"lake": str(lake_path), "schools": files["schools"], "las": files["las"],
               "return_rows": files["return_rows"], "returns_per_year": per_year,
               "rows_read": sum(o.rows_read for o in outcomes), "accepted": sum(o.accepted for o in outcomes),
               "rejected": sum(o.rejected for o in outcomes), "failed": [o.report_lines()[0] for o in failed],
               "timings": timings, "lake_mb": lake_path.stat().st_size / 2**20}
    if not quiet:
        print(f"national lake: {lake_path} ({summary['lake_mb']:.0f} MB)")
        print("  returns per year: " + ", ".join(f"{y}: {n}" for y, n in per_year.items()))
        print(f"  {summary['rows_read']} rows read, {summary['accepted']} accepted, {summary['rejected']} rejected")
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        for line in summary["failed"]:
            print("  " + line)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path, help="folder for inputs/ and the lake (e.g. bench/out/national)")
    ap.add_argument("--las", help="only these LA codes, comma-separated (e.g. 813,812)")
    ap.add_argument("--no-lake", action="store_true", help="write the input files only")
    ap.add_argument("--lake", type=Path, help="lake file (default OUT_DIR/senco.duckdb)")
    args = ap.parse_args(argv)
    las = {int(x) for x in args.las.split(",")} if args.las else None
    if args.no_lake:
        generate(args.out_dir / "inputs", las=las, quiet=False)
        return 0
    summary = build(args.out_dir, args.lake, las=las)
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
