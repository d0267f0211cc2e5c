"""The attacker of anonymised mode, as a reusable helper for tests/pages/test_reidentify.py.

They hold what is public about every school: the register (phase, type, LA, town, ages, dates),
the school census (roll, SEN Support, EHC plans per URN: the bundled national census file and
the lake's own census table), Ofsted's published outcomes, and, to be safe, the pupil counts
schools put in their returns (in a real LA those match the January census). They open every
anonymised page (every tab, cut and choice, each school's profile, schools side by side, and
the Schools list under every filter), read every table, chart and CSV download, and gather what
each label is shown with. A label resolves when exactly one school of its LA (which the LA filter
tells them) fits everything shown with it.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import ui.tables
from lake.analysis import OVERALL_EFFECTIVENESS
from tests.pages.apptest import page_text, run_page, tables
from ui.export import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
CENSUS = ROOT / "data" / "open" / "census_2019_england.csv"
LABEL = re.compile(r"^School [2-9A-HJ-NP-Z]{7}$")
# What the attacker can match a shown value against: the column headings pages use -> public attribute.
EQUAL = {
    "Phase": "phase", "School type": "school_type", "Size band": "size_band", "Local authority": "la_name",
    "LA code": "la_code", "Region": "region", "Town": "town", "Postcode": "postcode", "Opened": "open_date",
    "Closed": "close_date", "Lowest age": "statutory_low_age", "Highest age": "statutory_high_age",
    "Type group": "type_group",
    "Overall effectiveness (official, pre-2025)": "official_overall", "Overall effectiveness (pre-2025)":
    "official_overall", "Inclusion grade (official, 2025)": "inclusion", "Inclusion (2025 report card)": "inclusion",
    "Inspection date (official)": "ofsted_date", "Inspection date": "ofsted_date",
    "Inspection date (shown)": "ofsted_date", "Judgement shown": "ofsted_shown", "Shown": "ofsted_shown",
    "Ofsted (shown)": "ofsted_shown",
    "Overall effectiveness (latest OEIF graded inspection)": "official_overall",
    "Overall effectiveness (official, latest OEIF graded inspection)": "official_overall",
    "OEIF inspection date": "ofsted_date", "Inclusion (report card)": "inclusion",
    "Inclusion date of grade": "ofsted_date", "Latest ungraded inspection outcome": "ungraded_outcome",
    "Ungraded inspection date": "ofsted_date", "Category of concern": "category",
    "Number on roll": "roll", "Number on roll (register)": "roll", "SEN Support pupils": "sen", "SEN Support": "sen",
    "EHCP pupils": "ehcp", "EHC plans": "ehcp", "SEND pupils": "send", "SEND % of roll": "send_pct",
    "filter:phase": "phase", "filter:type": "school_type", "filter:size": "size_band",
}
HOURS = ("SENCO hours a week", "SENCO hours")
H10 = ("SENCO hours per 10 SEND pupils", "Hours per 10 SEND pupils")
H10_BAND = tuple(f"{h} (band)" for h in H10)
BAND_RANGE = {"Under 2": (0.0, 2.0), "2 to under 4": (2.0, 4.0), "4 to under 6": (4.0, 6.0),
              "6 or more": (6.0, math.inf)}


def norm(value: object) -> str | None:
    """A shown or known value as comparable text; None for a blank (which tells nothing)."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text in ("", "–", "nan", "None", "NaT", "<NA>"):
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    try:
        number = float(text.replace(",", ""))
        return str(int(number)) if number == int(number) else f"{number:g}"
    except ValueError:
        return text.lower()


@dataclass
class Seen:
    """Everything the attacker saw beside each label: rows of heading -> value."""
    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    year: str | None = None
    tables: int = 0
    downloads: int = 0
    runs: int = 0
    text: list[str] = field(default_factory=list)

    def add(self, label: str, row: dict) -> None:
        if LABEL.match(str(label)):
            self.rows[str(label)].append({k: v for k, v in row.items() if norm(v) is not None})

    def frame(self, frame: pd.DataFrame, profile: str | None) -> None:
        cols = [str(c) for c in frame.columns]
        wide = [c for c in cols if LABEL.match(c.split(" (")[0])]
        if "School" in cols:
            for row in frame.to_dict("records"):
                self.add(row.pop("School"), row)
        elif wide and "Field" in cols:                       # schools side by side: one column per label
            for c in wide:
                self.add(c.split(" (")[0], dict(zip(frame["Field"], frame[c])))
        elif profile and {"Field", "Value"} <= set(cols):    # one school's details
            self.add(profile, dict(zip(frame["Field"], frame["Value"])))
        elif profile and {"Figure", "This school"} <= set(cols):
            self.add(profile, dict(zip(frame["Figure"], frame["This school"])))


def observe(seen: Seen, at, profile: str | None, downloads: list[bytes]) -> None:
    seen.runs += 1
    for df in tables(at):
        seen.tables += 1
        seen.frame(df, profile)
    for data in downloads:
        seen.downloads += 1
        seen.frame(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig"), profile)
    for chart in at.get("plotly_chart"):                   # labels on chart bars or points, with their values
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            ys, xs = trace.get("y"), trace.get("x")
            if isinstance(ys, list) and isinstance(xs, list):
                for y, x in zip(ys, xs):
                    seen.add(str(y), {str(trace.get("name", "value")): x})
            for t in trace.get("text") or []:
                if LABEL.match(str(t)):
                    seen.add(str(t), {})
    seen.text.append(page_text(at))


def run(seen: Seen, monkeypatch, page: str, profile: str | None = None, **params):
    """Run a page anonymised, catching the CSV of every download it offers."""
    caught: list[bytes] = []
    monkeypatch.setattr(ui.tables, "downloads", lambda shown, *a, **k: caught.append(csv_bytes(shown)))
    at = run_page(page, anon="true", **params)
    observe(seen, at, profile, caught)
    return at


# Every state of every page that shows figures (the chase list and upload are off when anonymised).
PAGE_STATES = [
    ("overview", {}), ("about", {}),
    *[("senco_time", {"x": x, "by": by}) for x in ("SEND pupils", "EHCP pupils") for by in ("Phase", "Size band")],
    *[("leadership", {"cut": c}) for c in ("Phase", "Size band")],
    *[("ofsted", {"profile": p}) for p in ("SENCO time", "SLT membership", "SENCO-only or combined role",
                                           "Admin support")],
    *[("data_quality", {"tab": t}) for t in ("Chase list", "Rejected rows", "Load history", "Template")],
]


def school_options(at) -> list[str]:
    """The labels the Schools page offers (none when the filters leave no school)."""
    return [str(o) for w in at.selectbox if w.key == "school" for o in w.options]


def gather(monkeypatch, filters: dict[str, list[str]], profiles: int | None = None,
           first: list[str] = ()) -> Seen:
    """Open every anonymised page state, each school's profile (or `profiles` of them: the labels in
    `first`, then others spread evenly over the list), schools side by side in eights, and the Schools
    list under each single filter."""
    seen = Seen()
    for page, params in PAGE_STATES:
        run(seen, monkeypatch, page, **params)
    at = run(seen, monkeypatch, "schools")
    listed = school_options(at)
    if profiles is None:
        chosen = listed
    else:
        chosen = [label for label in dict.fromkeys(first) if label in listed][:profiles]
        rest = [label for label in listed if label not in chosen]
        chosen += rest[:: max(1, len(rest) // max(1, profiles - len(chosen)))][:profiles - len(chosen)]
    for label in chosen:
        run(seen, monkeypatch, "schools", profile=label, school=label)
    for i in range(0, len(chosen), 8):
        run(seen, monkeypatch, "schools", tab="Compare schools", compare=chosen[i:i + 8])
    # Each single filter tells which labels have that phase, type or size band; combining filters tells
    # nothing more (a label listed under phase=primary and under size=100-249 has both).
    combos = [{k: v} for k, values in filters.items() for v in values]
    for combo in combos:
        at = run(seen, monkeypatch, "schools", **combo)
        for label in school_options(at):
            seen.add(label, {f"filter:{k}": v for k, v in combo.items()})
    return seen


def _putter(known: dict[str, set]):
    def put(attr: str, *values) -> None:
        for value in values:
            if norm(value) is not None:
                known[attr].add(norm(value))
    return put


def public_knowledge(frame: pd.DataFrame, api) -> dict[int, dict[str, set[str]]]:
    """URN -> attribute -> every value the public data (and, to be safe, the return) holds for it."""
    census: dict[int, dict] = {}
    with CENSUS.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["URN"].isdigit():
                census[int(r["URN"])] = r
    ofsted = api._df("SELECT * FROM ofsted")
    ofsted = {int(r.urn): r for r in ofsted.itertuples()}
    register = api._df("SELECT * FROM schools")
    register = {int(r["urn"]): r for r in register.to_dict("records")}
    out: dict[int, dict[str, set[str]]] = {}
    for r in frame.to_dict("records"):
        urn = int(r["urn"])
        known: dict[str, set] = defaultdict(set)
        put = _putter(known)
        reg = register.get(urn, {})
        for attr in ("phase", "school_type", "size_band", "la_name", "la_code", "region"):
            put(attr, r.get(attr))
        # The register's own row too: for a school outside the year's scope (a non-maintained special school
        # with a return) the year's list has no LA or type, but the public register names both.
        for attr in ("town", "postcode", "open_date", "close_date", "statutory_low_age", "statutory_high_age",
                     "type_group", "phase", "school_type", "la_name", "la_code", "region"):
            put(attr, reg.get(attr))
        c = census.get(urn, {})
        put("roll", r.get("number_on_roll"), r.get("census_roll"), reg.get("number_on_roll"), c.get("NOR"))
        put("sen", r.get("sen_support_pupils"), r.get("census_sen_support"), c.get("TSENELK"))
        put("ehcp", r.get("ehcp_pupils"), r.get("census_ehcp"), c.get("TSENELSE"))
        sends = [r.get("send_pupils")]
        if r.get("census_sen_support") is not None and r.get("census_ehcp") is not None \
                and not pd.isna(r.get("census_sen_support")) and not pd.isna(r.get("census_ehcp")):
            sends.append(r["census_sen_support"] + r["census_ehcp"])
        put("send", *sends)
        known["send_values"] = {float(s) for s in sends if s is not None and not pd.isna(s)}
        o = ofsted.get(urn)
        if o is not None:
            put("ofsted_date", *(getattr(o, c, None) for c in ("inspection_date", "oeif_inspection_date",
                                                                "inclusion_date", "ungraded_inspection_date")))
            put("ungraded_outcome", getattr(o, "ungraded_outcome", None))
            put("category", getattr(o, "category_of_concern", None))
            put("official_overall", getattr(o, "overall_effectiveness_published", None))
            put("inclusion", o.inclusion)
            oe = None if pd.isna(o.overall_effectiveness) else OVERALL_EFFECTIVENESS.get(int(o.overall_effectiveness))
            put("official_overall", oe)
            put("ofsted_shown", o.inclusion, oe)
        put("ofsted_shown", r.get("ofsted_send_progress"))
        out[urn] = dict(known)
    return out


def _number(value) -> float | None:
    n = norm(value)
    try:
        return float(n) if n is not None else None
    except ValueError:
        return None


COUNTS = ("roll", "sen", "ehcp", "send", "send_pct")


def fits(known: dict[str, set], row: dict, year_ok: bool) -> bool:
    """Whether a school's public values agree with everything in one shown row.

    Counts are compared only in rows for the current year's return (other years' counts, and
    superseded submissions, are not in the attacker's table)."""
    for heading, value in row.items():
        attr = EQUAL.get(heading)
        if attr is None or attr == "send_pct":   # a rounded share: the counts beside it are stronger evidence
            continue
        if attr in COUNTS and not year_ok:
            continue
        shown = norm(value)
        if shown == "<5":            # a suppressed count (or its partner, hidden with it): taken as telling nothing
            continue
        if shown not in known.get(attr, set()):
            return False
    if not year_ok:
        return True
    hours = next((_number(row[h]) for h in HOURS if h in row), None)
    if hours is None or hours <= 0:
        return True
    exact = next((_number(row[h]) for h in H10 if h in row), None)
    band = next((BAND_RANGE.get(str(row[h])) for h in H10_BAND if h in row), None)
    if exact is not None and exact > 0:       # shown to 2 or 3 decimals: the SEND count to within one pupil
        lo, hi = 10 * hours / (exact + 0.006) - 1, 10 * hours / max(exact - 0.006, 1e-9) + 1
    elif band is not None:
        lo, hi = 10 * hours / band[1] if band[1] != math.inf else 0.0, 10 * hours / band[0] if band[0] else math.inf
    else:
        return True
    sends = known.get("send_values", set())
    return not sends or any(lo <= s <= hi for s in sends)


def current(row: dict, year: str) -> bool:
    """Whether a shown row holds the current year's return (not an earlier year's, nor a superseded one)."""
    if str(row.get("Status", "")).startswith("Superseded"):
        return False
    return norm(row.get("Academic year")) in (None, norm(year)) and "Census year" not in row


def attack(seen: Seen, truth: dict[str, int], knowledge: dict[int, dict], la_of: dict[int, object],
           year: str) -> dict[str, list[int]]:
    """Each label seen -> the schools of its LA that fit everything shown with it."""
    by_la: dict[object, list[int]] = defaultdict(list)
    for urn, la in la_of.items():
        by_la[la].append(urn)
    out = {}
    for label, shown in seen.rows.items():
        # The same row comes from the table and its download, and from page after page: judge each once.
        rows = list({tuple(sorted((k, str(v)) for k, v in r.items())): r for r in shown}.values())
        urn = truth.get(label)
        pool = by_la.get(la_of.get(urn), list(knowledge)) if urn is not None else list(knowledge)
        candidates = []
        for u in pool:
            known = knowledge.get(u, {})
            if all(fits(known, row, year_ok=current(row, year)) for row in rows):
                candidates.append(u)
        out[label] = candidates
    return out
