"""Load official open data into the lake: the GIAS register of schools, school-level
census counts (performance tables and "SEN in England" formats), Ofsted inspection
outcomes, and the national benchmarks file.

Each file is one transaction (lake.store.writing) and is accounted for like a return
file: a `loads` row with rows_read = accepted + rejected, the file kept as received,
rows that cannot be trusted kept in `rejects` with a reason, and loading the same bytes
again changes nothing. A file that is not the format asked for fails as a whole with one
line naming what is missing. Suppression markers in official statistics ('NA', 'z',
'x', 'c', ...) mean "not available" and load as empty values, not as errors.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.columns import header_key
from etl.load import FileOutcome, keep_raw, new_load_id, record_load, sha256
from etl.normalise import EXCEL_EPOCH, Invalid, parse_academic_year, parse_urn
from etl.readers import NotAReturn, decode_text
from etl.validate import RowResult
from lake import config
from lake.store import writing

KINDS = ("gias", "census", "ofsted")
LA_LOOKUP = config.ROOT / "data" / "open" / "la_region_lookup.csv"
BENCHMARKS_FILE = config.ROOT / "data" / "benchmarks.csv"

SOURCE_GIAS = "GIAS establishment download"
SOURCE_NAMES = "DfE school names list (GIAS-derived)"
SOURCE_CENSUS_PT = "DfE school census (performance tables)"
SOURCE_SEN_ENGLAND = "DfE Special educational needs in England (school level)"
SOURCE_OFSTED = "Ofsted state-funded schools inspections and outcomes (management information)"

# Markers official statistics use for "not available / not applicable / suppressed".
SUPPRESSED = {"", "na", "n/a", "n.a.", "z", "x", "c", "u", ":", ".", "..", "-", "null", "none",
              "low", "supp", "suppressed", "not applicable", "not available"}
REPORT_GRADES = ("exceptional", "strong standard", "expected standard", "needs attention",
                 "urgent improvement")
SAFEGUARDING_GRADES = ("met", "not met")
OEIF_WORDS = {"outstanding": 1, "good": 2, "requiresimprovement": 3, "inadequate": 4,
              "seriousweaknesses": 4, "specialmeasures": 4}
OEIF_NOT_JUDGED = {"9", "notjudged", "notapplicable", "doesnotapply", "noformaldesignation"}


class FileProblem(ValueError):
    """The whole file cannot be loaded as the kind asked for."""


# --------------------------------------------------------------- columns

@dataclass(frozen=True)
class Field:
    name: str                      # our name for the column
    label: str                     # the header as published
    aliases: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(header_key(h) for h in (self.label, self.name, *self.aliases))


GIAS_FIELDS = (
    Field("urn", "URN"),
    Field("la_code", "LA (code)", ("LA code", "LA number", "LEA")),
    Field("la_name", "LA (name)", ("LA name", "local authority")),
    Field("estab", "EstablishmentNumber", ("establishment number", "ESTAB")),
    Field("school_name", "EstablishmentName", ("establishment name",)),
    Field("school_type", "TypeOfEstablishment (name)", ("type of establishment",)),
    Field("type_group", "EstablishmentTypeGroup (name)", ("establishment type group",)),
    Field("status", "EstablishmentStatus (name)", ("establishment status",)),
    Field("phase", "PhaseOfEducation (name)", ("phase of education",)),
    Field("low_age", "StatutoryLowAge", ("statutory low age",)),
    Field("high_age", "StatutoryHighAge", ("statutory high age",)),
    Field("pupils", "NumberOfPupils", ("number of pupils",)),
    Field("postcode", "Postcode"),
    Field("town", "Town"),
    Field("open_date", "OpenDate", ("open date",)),
    Field("close_date", "CloseDate", ("close date",)),
    Field("region", "GOR (name)", ("region", "region name")),
)
GIAS_REQUIRED = ("urn", "school_name", "la_code")

NAMES_FIELDS = (
    Field("urn", "urn"),
    Field("school_name", "name", ("school name",)),
    Field("town", "town"),
    Field("postcode", "postcode"),
    Field("open_date", "open_date"),
    Field("close_date", "close_date"),
)
NAMES_REQUIRED = ("urn", "school_name")

CENSUS_PT_FIELDS = (
    Field("urn", "URN"),
    Field("la_code", "LA"),
    Field("estab", "ESTAB"),
    Field("school_type", "SCHOOLTYPE", ("school type",)),
    Field("number_on_roll", "NOR"),
    Field("ehcp", "TSENELSE"),
    Field("ehcp_pct", "PSENELSE"),
    Field("sen_support", "TSENELK"),
    Field("sen_support_pct", "PSENELK"),
)
CENSUS_PT_REQUIRED = ("urn", "number_on_roll", "ehcp", "sen_support")

SEN_ENGLAND_FIELDS = (
    Field("time_period", "time_period"),
    Field("la_code", "old_la_code", ("la code",)),
    Field("la_name", "la_name"),
    Field("urn", "URN", ("school_urn",)),
    Field("school_name", "school_name"),
    Field("phase_group", "phase_type_grouping"),
    Field("school_type", "type_of_establishment"),
    Field("number_on_roll", "Total pupils", ("total_pupils", "pupils")),
    Field("sen_support", "SEN support", ("SEN_support", "sen support pupils")),
    Field("ehcp", "EHC plan", ("EHC plans", "EHCP", "EHC_plan")),
)
SEN_ENGLAND_REQUIRED = ("time_period", "urn", "number_on_roll", "sen_support", "ehcp")

OFSTED_FIELDS = (
    Field("urn", "URN"),
    Field("laestab", "LAESTAB"),
    Field("school_name", "School name"),
    Field("ofsted_phase", "Ofsted phase"),
    Field("local_authority", "Local authority"),
    Field("inspection_date", "Inspection start date",
          ("inspection date", "latest inspection start date", "date of latest inspection",
           "latest inspection date", "inspection start date of latest inspection")),
    Field("overall_effectiveness", "Latest OEIF overall effectiveness",
          ("OEIF overall effectiveness", "overall effectiveness", "latest overall effectiveness")),
    Field("inclusion", "Inclusion", ("inclusion grade",)),
    Field("achievement", "Achievement"),
    Field("attendance_behaviour", "Attendance and behaviour"),
    Field("personal_development", "Personal development and wellbeing",
          ("personal development and well-being", "personal development")),
    Field("leadership_governance", "Leadership and governance"),
    Field("curriculum_teaching", "Curriculum and teaching"),
    Field("safeguarding", "Safeguarding standards", ("safeguarding",)),
)
OFSTED_GRADE_FIELDS = ("inclusion", "achievement", "attendance_behaviour", "personal_development",
                       "leadership_governance", "curriculum_teaching")


@dataclass
class Table:
    """Rows of a file: each row's cells by our field name, and by the file's own header."""
    headers: list[str]
    keys: set[str]
    rows: list[tuple[int, list[object]]]


def _label(fields: tuple[Field, ...], name: str) -> str:
    return next(f.label for f in fields if f.name == name)


def _columns(table: Table, fields: tuple[Field, ...]) -> dict[str, int]:
    """Our field name -> column index in the file, matching headers tolerantly."""
    index: dict[str, int] = {}
    keys = [header_key(h) for h in table.headers]
    for f in fields:
        for key in f.keys:
            if key in keys:
                index[f.name] = keys.index(key)
                break
    return index


def _require(table: Table, fields: tuple[Field, ...], required: tuple[str, ...], what: str) -> dict[str, int]:
    cols = _columns(table, fields)
    missing = [_label(fields, n) for n in required if n not in cols]
    if missing:
        raise FileProblem(f"not a {what}: required column(s) missing: " + ", ".join(missing))
    return cols


# ------------------------------------------------------------ reading files

def _read_table(data: bytes) -> Table:
    """The first table in a CSV (any common encoding and delimiter) or workbook whose
    header row names a URN column."""
    if not data.strip():
        raise FileProblem("the file is empty")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_workbook(data)
    try:
        text = decode_text(data)
    except NotAReturn:
        raise FileProblem("the file is not a CSV text file or a spreadsheet (it looks binary)") from None
    sample = text.splitlines()[:30]
    best, best_score = ",", -1
    for delim in (",", "\t", ";", "|"):
        score = max((len(r) for r in csv.reader(sample, delimiter=delim)
                     if any(header_key(c) in ("urn", "schoolurn") for c in r)), default=0)
        if score > best_score:
            best, best_score = delim, score
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    numbered: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for row in reader:
            numbered.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"the CSV is malformed near line {reader.line_num}: {exc}") from None
    if numbered and any(isinstance(c, str) and ("\n" in c or "\r" in c) for c in numbered[-1][1]):
        # A quote never closed makes the rest of the file one cell: its rows would vanish.
        tail = io.StringIO(text, newline="").readlines()[numbered[-1][0] - 1:]
        try:
            for _ in csv.reader(tail, delimiter=best, strict=True):
                pass
        except csv.Error:
            raise FileProblem(f"a quote (\") opened on line {numbered[-1][0]} is never closed, so the rest "
                              "of the file reads as one cell") from None
    return _table_from_grid(numbered)


def _read_workbook(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:
        raise FileProblem("the workbook could not be opened; save it again as .xlsx or CSV") from None
    for name in wb.sheet_names:
        try:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            continue
        try:
            return _table_from_grid([(i + 1, list(r)) for i, r in enumerate(grid)])
        except FileProblem:
            continue
    raise FileProblem("no sheet in the workbook has a header row with a URN column")


def _table_from_grid(numbered: list[tuple[int, list[object]]]) -> Table:
    for i, (_, row) in enumerate(numbered[:30]):
        keys = {header_key(c) for c in row if isinstance(c, str)}
        if keys & {"urn", "schoolurn"}:
            headers = [str(c).strip() if c is not None else "" for c in row]
            body = [(n, r) for n, r in numbered[i + 1:] if any(not _empty(c) for c in r)]
            return Table(headers=headers, keys={header_key(h) for h in headers}, rows=body)
    raise FileProblem("no header row with a URN column was found in the first 30 rows")


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _raw(table: Table, row: list[object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for j, v in enumerate(row):
        h = table.headers[j] if j < len(table.headers) and table.headers[j] else f"column {j + 1}"
        if not (_empty(v) and j >= len(table.headers)):
            out[h] = v
    return out


def _cell(row: list[object], cols: dict[str, int], name: str) -> object:
    j = cols.get(name)
    return row[j] if j is not None and j < len(row) else None


# --------------------------------------------------------------- values

def _text(v: object) -> str:
    if _empty(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", " ", str(v).replace("\u00a0", " ").replace("\ufeff", "")).strip()


def _suppressed(v: object) -> bool:
    return _text(v).lower() in SUPPRESSED


def _text_or_none(v: object) -> str | None:
    s = _text(v)
    return None if s.lower() in SUPPRESSED else s


def _count(v: object, label: str) -> int | None:
    if _suppressed(v):
        return None
    s = _text(v).replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise Invalid(f"{label} '{_text(v)}' is not a number") from None
    if not math.isfinite(value) or not value.is_integer():
        raise Invalid(f"{label} '{_text(v)}' is not a whole number")
    if value < 0:
        raise Invalid(f"{label} '{_text(v)}' is negative")
    return int(value)


def _share(v: object) -> float | None:
    """A published percentage as a share (12.6 -> 0.126); None when not a number."""
    if _suppressed(v):
        return None
    try:
        value = float(_text(v).rstrip("%"))
    except ValueError:
        return None
    return round(value / 100, 6) if math.isfinite(value) else None


def _la_code(v: object) -> int | None:
    s = _text(v)
    return int(s) if re.fullmatch(r"\d{3}", s) else None


def parse_official_date(v: object, label: str) -> dt.date | None:
    """Dates as DfE and Ofsted publish them: DD-MM-YYYY, DD/MM/YYYY, ISO, Excel serials.
    The register's placeholder 01-01-1900 (date not known) reads as empty."""
    if isinstance(v, dt.datetime):
        value = v.date()
    elif isinstance(v, dt.date):
        value = v
    elif _suppressed(v):
        return None
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if not 1 <= v <= 80000:
            raise Invalid(f"{label} '{v}' is not a date")
        value = EXCEL_EPOCH + dt.timedelta(days=int(v))
    else:
        s = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", _text(v))
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
                value = dt.date(int(m[1]), int(m[2]), int(m[3]))
            elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", s):
                year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
                if len(m[3]) == 2 and year > dt.date.today().year + 1:
                    year -= 100
                value = dt.date(year, int(m[2]), int(m[1]))
            else:
                raise ValueError
        except ValueError:
            raise Invalid(f"{label} '{_text(v)}' is not a date (expected DD/MM/YYYY)") from None
    if value.year <= 1900:
        return None
    return value


def _fold(s: object) -> str:
    return re.sub(r"[^a-z0-9+]", "", _text(s).lower())


def phase_from_type(school_type: object) -> tuple[str | None, str | None]:
    """(phase, type group) from a census school type such as 'State-funded primary'."""
    t = _fold(school_type)
    if not t:
        return None, None
    if "independent" in t and "special" not in t:
        return None, "Independent schools"
    if "special" in t:
        return "special", ("Independent schools" if "independent" in t else "Special schools")
    if "pupilreferral" in t or "alternativeprovision" in t or t.endswith("apschool") or t == "ap":
        return "alternative provision", None
    for word, phase in (("nursery", "nursery"), ("allthrough", "all-through"), ("middle", "middle"),
                        ("primary", "primary"), ("secondary", "secondary"), ("16plus", "16 plus"),
                        ("post16", "16 plus")):
        if word in t:
            return phase, None
    return None, None


_GIAS_PHASES = {
    "nursery": "nursery", "primary": "primary", "middledeemedprimary": "middle",
    "middledeemedsecondary": "middle", "secondary": "secondary", "allthrough": "all-through",
    "16plus": "16 plus",
}


def gias_phase(phase: object, type_group: object, school_type: object) -> str | None:
    """The return's phase vocabulary from GIAS phase, type group and type of establishment."""
    t, g = _fold(school_type), _fold(type_group)
    if "pupilreferralunit" in t or "alternativeprovision" in t:
        return "alternative provision"
    if g == "specialschools" or "special" in t:
        return "special"
    return _GIAS_PHASES.get(_fold(phase))


@functools.lru_cache(maxsize=1)
def la_lookup() -> dict[int, tuple[str, str]]:
    """LA number -> (LA name, region name), from the bundled performance-tables lookup."""
    if not LA_LOOKUP.exists():
        return {}
    out: dict[int, tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(decode_text(LA_LOOKUP.read_bytes()))):
        code = _la_code(row.get("LEA"))
        if code is not None:
            out[code] = ((row.get("LA Name") or "").strip() or None, england_region(row.get("REGION NAME")))
    return out


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


def census_year_from_name(file_name: str) -> str | None:
    """'2018/19' from a name such as census_2019_england.csv (the January 2019 census) or
    census_2018-19.csv; None when the name gives no single year."""
    stem = Path(file_name).stem
    years = set()
    for m in re.finditer(r"(?<!\d)(20\d{2})[-_/]?(\d{2})(?!\d)", stem):
        start, end = int(m[1]), int(m[2])
        if end == (start + 1) % 100:
            years.add(f"{start}/{end:02d}")
    if not years:
        for m in re.finditer(r"(?<!\d)(20\d{2})(?!\d)", stem):
            jan = int(m[1])
            years.add(f"{jan - 1}/{jan % 100:02d}")
    return years.pop() if len(years) == 1 else None


def _normalise_census_year(value: str) -> str:
    s = str(value).strip()
    if re.fullmatch(r"20\d{2}", s):                # a census calendar year: January of it
        return f"{int(s) - 1}/{int(s) % 100:02d}"
    return parse_academic_year(s)


# ----------------------------------------------------------------- parsing

@dataclass
class Parsed:
    source: str
    rows_read: int = 0
    accepted: int = 0
    rejects: list[RowResult] = field(default_factory=list)
    schools: list[dict] = field(default_factory=list)
    school_mode: str = "replace"          # replace | fill | names
    census: list[dict] = field(default_factory=list)
    ofsted: list[dict] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)
    source_file: str = ""


def _reject(parsed: Parsed, table: Table, number: int, row: list[object], reasons: list[str],
            urn: object = None, name: object = None, year: str | None = None) -> None:
    parsed.rejects.append(RowResult(row_number=number, raw=_raw(table, row),
                                    record={"urn": _text(urn) or None, "school_name": _text(name) or None,
                                            "academic_year": year},
                                    reasons=reasons))


def _reject_duplicates(parsed: Parsed, table: Table, good: list[tuple[int, list[object], dict]],
                       key: callable, what: str) -> list[tuple[int, list[object], dict]]:
    """Reject every row whose key repeats another row's: which one is right is unknowable."""
    groups: dict[object, list[int]] = {}
    for number, _, rec in good:
        groups.setdefault(key(rec), []).append(number)
    kept = []
    for number, row, rec in good:
        numbers = groups[key(rec)]
        if len(numbers) > 1:
            _reject(parsed, table, number, row,
                    [f"URN {rec['urn']} appears {len(numbers)} times{what} (rows "
                     f"{', '.join(map(str, numbers))}); the file should have one row per school"],
                    rec["urn"], rec.get("school_name"), rec.get("census_year"))
        else:
            kept.append((number, row, rec))
    return kept


def _parse_gias(table: Table) -> Parsed:
    if "establishmentname" not in table.keys and "name" in table.keys:
        return _parse_names(table)
    cols = _require(table, GIAS_FIELDS, GIAS_REQUIRED,
                    "GIAS establishment download (edubasealldataYYYYMMDD.csv) or DfE school names list")
    parsed = Parsed(source=SOURCE_GIAS)
    lookup = la_lookup()
    good = []
    for number, row in table.rows:
        parsed.rows_read += 1
        c = functools.partial(_cell, row, cols)
        reasons: list[str] = []
        rec: dict[str, object] = {}
        try:
            rec["urn"] = parse_urn(c("urn"))
        except Invalid as exc:
            reasons.append(str(exc))
        rec["school_name"] = _text_or_none(c("school_name"))
        if not rec["school_name"]:
            reasons.append("EstablishmentName is missing")
        rec["la_code"] = _la_code(c("la_code"))
        for name, src, label in (("statutory_low_age", "low_age", "StatutoryLowAge"),
                                 ("statutory_high_age", "high_age", "StatutoryHighAge"),
                                 ("number_on_roll", "pupils", "NumberOfPupils")):
            try:
                rec[name] = _count(c(src), label)
            except Invalid as exc:
                reasons.append(str(exc))
        for name, label in (("open_date", "OpenDate"), ("close_date", "CloseDate")):
            try:
                rec[name] = parse_official_date(c(name), label)
            except Invalid as exc:
                reasons.append(str(exc))
        if reasons:
            _reject(parsed, table, number, row, reasons, c("urn"), c("school_name"))
            continue
        la_name, region = lookup.get(rec["la_code"], (None, None))
        rec.update(
            la_name=_text_or_none(c("la_name")) or la_name,
            region=_text_or_none(c("region")) or region,
            school_type=_text_or_none(c("school_type")),
            type_group=_text_or_none(c("type_group")),
            status=_text_or_none(c("status")),
            phase=gias_phase(c("phase"), c("type_group"), c("school_type")),
            town=_text_or_none(c("town")),
            postcode=_text_or_none(c("postcode")),
            source=SOURCE_GIAS,
        )
        good.append((number, row, rec))
    good = _reject_duplicates(parsed, table, good, lambda r: r["urn"], " in the register file")
    parsed.schools = [rec for _, _, rec in good]
    parsed.accepted = len(good)
    return parsed


def _parse_names(table: Table) -> Parsed:
    cols = _require(table, NAMES_FIELDS, NAMES_REQUIRED, "DfE school names list")
    parsed = Parsed(source=SOURCE_NAMES, school_mode="names")
    good = []
    for number, row in table.rows:
        parsed.rows_read += 1
        c = functools.partial(_cell, row, cols)
        reasons: list[str] = []
        rec: dict[str, object] = {}
        try:
            rec["urn"] = parse_urn(c("urn"))
        except Invalid as exc:
            reasons.append(str(exc))
        rec["school_name"] = _text_or_none(c("school_name"))
        if not rec["school_name"]:
            reasons.append("name is missing")
        for name in ("open_date", "close_date"):
            try:
                rec[name] = parse_official_date(c(name), name)
            except Invalid as exc:
                reasons.append(str(exc))
        if reasons:
            _reject(parsed, table, number, row, reasons, c("urn"), c("school_name"))
            continue
        rec.update(town=_text_or_none(c("town")), postcode=_text_or_none(c("postcode")), source=SOURCE_NAMES)
        good.append((number, row, rec))
    good = _reject_duplicates(parsed, table, good, lambda r: r["urn"], " in the names list")
    parsed.schools = [rec for _, _, rec in good]
    parsed.accepted = len(good)
    return parsed


def _send_checks(rec: dict) -> list[str]:
    roll, sup, ehcp = rec.get("number_on_roll"), rec.get("sen_support"), rec.get("ehcp")
    if roll is not None and (sup or 0) + (ehcp or 0) > roll:
        return [f"pupils with SEN (SEN support {sup if sup is not None else 'n/a'} + EHC plans "
                f"{ehcp if ehcp is not None else 'n/a'}) are more than the {roll} pupils on roll"]
    return []


def _parse_census(table: Table, file_name: str, census_year: str | None) -> Parsed:
    if {"timeperiod", "ehcplan", "totalpupils"} & table.keys:
        return _parse_sen_england(table)
    if not {"tsenelse", "tsenelk", "nor"} & table.keys:
        raise FileProblem(
            "not a school census file: expected the performance tables census columns "
            "(URN, NOR, TSENELSE, TSENELK) or the SEN in England columns "
            "(time_period, URN, Total pupils, SEN support, EHC plan)")
    cols = _require(table, CENSUS_PT_FIELDS, CENSUS_PT_REQUIRED, "performance tables census file")
    if census_year:
        try:
            year = _normalise_census_year(census_year)
        except Invalid as exc:
            raise FileProblem(f"census year: {exc}") from None
    else:
        year = census_year_from_name(file_name)
        if not year:
            raise FileProblem(
                f"cannot tell which January census '{file_name}' holds: put the census year in the "
                "file name (e.g. census_2019_england.csv for January 2019) or give the census year")
    parsed = Parsed(source=SOURCE_CENSUS_PT, school_mode="fill")
    lookup = la_lookup()
    good = []
    national: list[tuple[int, list[object]]] = []
    for number, row in table.rows:
        parsed.rows_read += 1
        c = functools.partial(_cell, row, cols)
        if _text(c("urn")).upper() == "NAT":
            national.append((number, row))
            continue
        reasons: list[str] = []
        rec: dict[str, object] = {"census_year": year}
        try:
            rec["urn"] = parse_urn(c("urn"))
        except Invalid as exc:
            reasons.append(str(exc))
        for name, label in (("number_on_roll", "NOR (pupils on roll)"), ("ehcp", "TSENELSE (EHC plans)"),
                            ("sen_support", "TSENELK (SEN support)")):
            try:
                rec[name] = _count(c(name), label)
            except Invalid as exc:
                reasons.append(str(exc))
        if not reasons:
            reasons += _send_checks(rec)
        if reasons:
            _reject(parsed, table, number, row, reasons, c("urn"), None, year)
            continue
        rec["la_code"] = _la_code(c("la_code"))
        rec["school_type"] = _text_or_none(c("school_type"))
        good.append((number, row, rec))
    good = _reject_duplicates(parsed, table, good, lambda r: r["urn"], f" for the {year} census")
    for _, _, rec in good:
        parsed.census.append({k: rec.get(k) for k in ("urn", "census_year", "la_code", "number_on_roll",
                                                      "sen_support", "ehcp")} | {"source": SOURCE_CENSUS_PT})
        phase, group = phase_from_type(rec["school_type"])
        la_name, region = lookup.get(rec["la_code"], (None, None))
        parsed.schools.append({"urn": rec["urn"], "la_code": rec["la_code"], "la_name": la_name,
                               "region": region, "school_type": rec["school_type"], "phase": phase,
                               "type_group": group, "number_on_roll": rec["number_on_roll"],
                               "source": f"{SOURCE_CENSUS_PT} {year}"})
    national_ok = 0
    for number, row in national:
        c = functools.partial(_cell, row, cols)
        phase, _ = phase_from_type(c("school_type"))
        phase = phase or {"PRI": "primary", "SEC": "secondary", "SPE": "special"}.get(_text(c("estab")).upper())
        try:
            shares = _national_shares(c)
        except Invalid as exc:
            _reject(parsed, table, number, row, [f"national row: {exc}"], "NAT", None, year)
            continue
        if phase is None or shares is None:
            _reject(parsed, table, number, row,
                    ["national row without a recognisable school type or percentages"], "NAT", None, year)
            continue
        national_ok += 1
        jan = int(year[:4]) + 1
        for bid, value, what in (("send_pct", shares[0] + shares[1], "pupils with SEN (EHC plan or SEN support)"),
                                 ("ehcp_pct", shares[0], "pupils with an EHC plan"),
                                 ("sen_support_pct", shares[1], "pupils at SEN support")):
            parsed.benchmarks.append({
                "benchmark_id": bid, "phase": phase, "value": round(value, 6), "unit": "share of pupils",
                "source": SOURCE_CENSUS_PT, "year": year,
                "note": f"England, {_text(c('school_type')) or phase}: {what}, January {jan} school census"})
    parsed.accepted = len(good) + national_ok
    return parsed


def _national_shares(c) -> tuple[float, float] | None:
    """(EHC plan share, SEN support share) of a national row: the published percentages,
    else the counts over the roll."""
    ehcp, sup = _share(c("ehcp_pct")), _share(c("sen_support_pct"))
    if ehcp is not None and sup is not None:
        return ehcp, sup
    roll, e, s = _count(c("number_on_roll"), "NOR"), _count(c("ehcp"), "TSENELSE"), _count(c("sen_support"), "TSENELK")
    if not roll or e is None or s is None:
        return None
    return e / roll, s / roll


def _parse_sen_england(table: Table) -> Parsed:
    cols = _require(table, SEN_ENGLAND_FIELDS, SEN_ENGLAND_REQUIRED, "SEN in England school-level file")
    parsed = Parsed(source=SOURCE_SEN_ENGLAND, school_mode="fill")
    lookup = la_lookup()
    good = []
    for number, row in table.rows:
        parsed.rows_read += 1
        c = functools.partial(_cell, row, cols)
        reasons: list[str] = []
        rec: dict[str, object] = {"census_year": None}
        try:
            rec["census_year"] = parse_academic_year(_text(c("time_period")))
        except Invalid as exc:
            reasons.append(f"time_period: {exc}")
        try:
            rec["urn"] = parse_urn(c("urn"))
        except Invalid as exc:
            reasons.append(str(exc))
        for name, label in (("number_on_roll", "Total pupils"), ("sen_support", "SEN support"), ("ehcp", "EHC plan")):
            try:
                rec[name] = _count(c(name), label)
            except Invalid as exc:
                reasons.append(str(exc))
        if not reasons:
            reasons += _send_checks(rec)
        if reasons:
            _reject(parsed, table, number, row, reasons, c("urn"), c("school_name"), rec["census_year"])
            continue
        rec["la_code"] = _la_code(c("la_code"))
        good.append((number, row, rec))
    good = _reject_duplicates(parsed, table, good, lambda r: (r["urn"], r["census_year"]), " for the same year")
    for number, row, rec in good:
        c = functools.partial(_cell, row, cols)
        parsed.census.append({k: rec.get(k) for k in ("urn", "census_year", "la_code", "number_on_roll",
                                                      "sen_support", "ehcp")} | {"source": SOURCE_SEN_ENGLAND})
        phase, group = phase_from_type(c("phase_group"))
        la_name, region = lookup.get(rec["la_code"], (None, None))
        parsed.schools.append({"urn": rec["urn"], "school_name": _text_or_none(c("school_name")),
                               "la_code": rec["la_code"], "la_name": _text_or_none(c("la_name")) or la_name,
                               "region": region, "school_type": _text_or_none(c("school_type")),
                               "phase": phase, "type_group": group,
                               "source": f"{SOURCE_SEN_ENGLAND} {rec['census_year']}"})
    # One schools row per URN (a file may hold several years): keep the latest year's.
    latest: dict[int, tuple[dict, str]] = {}
    for s, r in zip(parsed.schools, parsed.census):
        if s["urn"] not in latest or r["census_year"] >= latest[s["urn"]][1]:
            latest[s["urn"]] = (s, r["census_year"])
    parsed.schools = [s for s, _ in latest.values()]
    parsed.accepted = len(good)
    return parsed


def _grade(v: object, label: str, choices: tuple[str, ...]) -> str | None:
    if _suppressed(v):
        return None
    key = _fold(v)
    for choice in choices:
        if key == _fold(choice) or (choice.endswith(" standard") and key == _fold(choice[:-9])):
            return choice
    if choices is SAFEGUARDING_GRADES and key in ("standardsmet", "effective", "yes"):
        return "met"
    if choices is SAFEGUARDING_GRADES and key in ("standardsnotmet", "noteffective", "no"):
        return "not met"
    raise Invalid(f"{label} '{_text(v)}' is not one of: {', '.join(choices)}")


def _oeif(v: object) -> int | None:
    if _suppressed(v) or _fold(v) in OEIF_NOT_JUDGED:
        return None
    key = _fold(v)
    if key in ("1", "2", "3", "4"):
        return int(key)
    if key in OEIF_WORDS:
        return OEIF_WORDS[key]
    raise Invalid(f"Latest OEIF overall effectiveness '{_text(v)}' should be 1, 2, 3 or 4")


def _parse_ofsted(table: Table) -> Parsed:
    cols = _columns(table, OFSTED_FIELDS)
    missing = [_label(OFSTED_FIELDS, n) for n in ("urn", "inspection_date") if n not in cols]
    need_one = "overall_effectiveness" not in cols and "inclusion" not in cols
    if missing or need_one:
        parts = []
        if missing:
            parts.append("required column(s) missing: " + ", ".join(missing))
        if need_one:
            parts.append("needs at least one of: Latest OEIF overall effectiveness, Inclusion")
        raise FileProblem("not an Ofsted inspection outcomes file: " + "; ".join(parts))
    parsed = Parsed(source=SOURCE_OFSTED)
    latest: dict[int, dict] = {}
    for number, row in table.rows:
        parsed.rows_read += 1
        c = functools.partial(_cell, row, cols)
        reasons: list[str] = []
        rec: dict[str, object] = {}
        try:
            rec["urn"] = parse_urn(c("urn"))
        except Invalid as exc:
            reasons.append(str(exc))
        try:
            rec["inspection_date"] = parse_official_date(c("inspection_date"), "Inspection start date")
            if rec["inspection_date"] is None:
                reasons.append("Inspection start date is missing")
        except Invalid as exc:
            reasons.append(str(exc))
        try:
            rec["overall_effectiveness"] = _oeif(c("overall_effectiveness"))
        except Invalid as exc:
            reasons.append(str(exc))
        for name in OFSTED_GRADE_FIELDS:
            try:
                rec[name] = _grade(c(name), _label(OFSTED_FIELDS, name), REPORT_GRADES)
            except Invalid as exc:
                reasons.append(str(exc))
        try:
            rec["safeguarding"] = _grade(c("safeguarding"), "Safeguarding standards", SAFEGUARDING_GRADES)
        except Invalid as exc:
            reasons.append(str(exc))
        if reasons:
            _reject(parsed, table, number, row, reasons, c("urn"), c("school_name"))
            continue
        rec["source"] = SOURCE_OFSTED
        parsed.accepted += 1
        held = latest.get(rec["urn"])
        if held is None or rec["inspection_date"] >= held["inspection_date"]:
            latest[rec["urn"]] = rec
    parsed.ofsted = list(latest.values())
    return parsed


def parse_official(kind: str, file_name: str, data: bytes, census_year: str | None = None) -> Parsed:
    """Read and check one official file without touching the lake; FileProblem if unusable."""
    table = _read_table(data)
    if kind == "gias":
        return _parse_gias(table)
    if kind == "census":
        return _parse_census(table, file_name, census_year)
    if kind == "ofsted":
        return _parse_ofsted(table)
    raise ValueError(f"unknown kind of official data: {kind!r} (expected one of {', '.join(KINDS)})")


# ---------------------------------------------------------------- writing

SCHOOL_COLUMNS = ("urn", "school_name", "la_code", "la_name", "region", "phase", "school_type",
                  "type_group", "status", "statutory_low_age", "statutory_high_age", "number_on_roll",
                  "town", "postcode", "open_date", "close_date", "source", "load_id")
SCHOOL_TYPES = {"urn": "INTEGER", "la_code": "INTEGER", "statutory_low_age": "INTEGER",
                "statutory_high_age": "INTEGER", "number_on_roll": "INTEGER", "open_date": "DATE",
                "close_date": "DATE", "load_id": "INTEGER"}
NAMES_COLUMNS = ("school_name", "town", "postcode", "open_date", "close_date")


def _frame(rows: list[dict], columns: tuple[str, ...], load_id: int) -> pd.DataFrame:
    return pd.DataFrame([{c: (load_id if c == "load_id" else r.get(c)) for c in columns} for r in rows],
                        columns=list(columns), dtype=object)


def _select(columns: tuple[str, ...], types: dict[str, str]) -> str:
    return ", ".join(f"CAST({c} AS {types.get(c, 'VARCHAR')}) AS {c}" for c in columns)


def _write_schools(con: duckdb.DuckDBPyConnection, parsed: Parsed, load_id: int) -> None:
    if not parsed.schools:
        return
    params: list[object] = []
    con.register("incoming_schools", _frame(parsed.schools, SCHOOL_COLUMNS, load_id))
    cols = ", ".join(SCHOOL_COLUMNS)
    source_merge = ("source = CASE WHEN schools.source IS NULL THEN excluded.source "
                    "WHEN contains(schools.source, excluded.source) THEN schools.source "
                    "ELSE schools.source || '; ' || excluded.source END")
    others = [c for c in SCHOOL_COLUMNS if c not in ("urn", "source", "load_id")]
    if parsed.school_mode == "replace":
        # The full register is the richest source: its values win, gaps keep what was known.
        sets = [f"{c} = coalesce(excluded.{c}, schools.{c})" for c in others]
        sets += ["source = excluded.source", "load_id = excluded.load_id"]
    elif parsed.school_mode == "names":
        # A names list fills names, towns, postcodes and dates; it defers to the full register.
        sets = [f"{c} = CASE WHEN starts_with(coalesce(schools.source, ''), ?) "
                f"THEN coalesce(schools.{c}, excluded.{c}) ELSE coalesce(excluded.{c}, schools.{c}) END"
                for c in NAMES_COLUMNS]
        params = [SOURCE_GIAS] * len(NAMES_COLUMNS)
        sets.append(source_merge)
    else:
        # Census files give a school's LA and type: fill gaps, never overwrite the register.
        sets = [f"{c} = coalesce(schools.{c}, excluded.{c})" for c in others]
        sets.append(source_merge)
    con.execute(f"INSERT INTO schools ({cols}) SELECT {_select(SCHOOL_COLUMNS, SCHOOL_TYPES)} "
                f"FROM incoming_schools ON CONFLICT (urn) DO UPDATE SET {', '.join(sets)}", params)
    con.unregister("incoming_schools")


CENSUS_COLUMNS = ("urn", "census_year", "la_code", "number_on_roll", "sen_support", "ehcp", "source", "load_id")
CENSUS_TYPES = {"urn": "INTEGER", "la_code": "INTEGER", "number_on_roll": "INTEGER", "sen_support": "INTEGER",
                "ehcp": "INTEGER", "load_id": "INTEGER"}
OFSTED_COLUMNS = ("urn", "inspection_date", "overall_effectiveness", *OFSTED_GRADE_FIELDS, "safeguarding",
                  "source", "load_id")
OFSTED_TYPES = {"urn": "INTEGER", "inspection_date": "DATE", "overall_effectiveness": "INTEGER",
                "load_id": "INTEGER"}
BENCHMARK_COLUMNS = ("benchmark_id", "phase", "value", "unit", "source", "year", "note")


def _write_parsed(con: duckdb.DuckDBPyConnection, parsed: Parsed, load_id: int) -> None:
    _write_schools(con, parsed, load_id)
    if parsed.census:
        con.register("incoming_census", _frame(parsed.census, CENSUS_COLUMNS, load_id))
        con.execute(f"INSERT OR REPLACE INTO census ({', '.join(CENSUS_COLUMNS)}) "
                    f"SELECT {_select(CENSUS_COLUMNS, CENSUS_TYPES)} FROM incoming_census")
        con.unregister("incoming_census")
    if parsed.ofsted:
        con.register("incoming_ofsted", _frame(parsed.ofsted, OFSTED_COLUMNS, load_id))
        sets = ", ".join(f"{c} = excluded.{c}" for c in OFSTED_COLUMNS if c != "urn")
        con.execute(f"INSERT INTO ofsted ({', '.join(OFSTED_COLUMNS)}) "
                    f"SELECT {_select(OFSTED_COLUMNS, OFSTED_TYPES)} FROM incoming_ofsted "
                    f"ON CONFLICT (urn) DO UPDATE SET {sets} "
                    "WHERE ofsted.inspection_date IS NULL OR excluded.inspection_date >= ofsted.inspection_date")
        con.unregister("incoming_ofsted")
    if parsed.benchmarks:
        _replace_benchmarks(con, parsed.benchmarks, by_year=True)
    _write_rejects(con, parsed.rejects, load_id, parsed.source_file)


def _replace_benchmarks(con: duckdb.DuckDBPyConnection, rows: list[dict], by_year: bool) -> None:
    frame = pd.DataFrame(rows, columns=list(BENCHMARK_COLUMNS), dtype=object)
    con.register("incoming_benchmarks", frame)
    match = "b.benchmark_id = i.benchmark_id AND b.phase = i.phase"
    if by_year:
        match += " AND b.year = i.year"
    con.execute(f"DELETE FROM benchmarks b USING incoming_benchmarks i WHERE {match}")
    con.execute("INSERT INTO benchmarks SELECT benchmark_id, phase, CAST(value AS DOUBLE), unit, source, "
                "year, note FROM incoming_benchmarks")
    con.unregister("incoming_benchmarks")


def _json_safe(v: object) -> object:
    if v is None or isinstance(v, (str, int, bool)):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    return str(v)


def _write_rejects(con: duckdb.DuckDBPyConnection, rejects: list[RowResult], load_id: int, file_name: str) -> None:
    if not rejects:
        return
    frame = pd.DataFrame([{
        "load_id": load_id, "source_file": file_name, "row_number": r.row_number,
        "urn": r.record.get("urn"), "school_name": r.record.get("school_name"),
        "academic_year": r.record.get("academic_year"),
        "raw_values": json.dumps({str(k): _json_safe(v) for k, v in r.raw.items()}, ensure_ascii=False),
        "reasons": "; ".join(r.reasons)} for r in rejects], dtype=object)
    con.register("incoming_rejects", frame)
    con.execute("INSERT INTO rejects SELECT CAST(load_id AS INTEGER), source_file, CAST(row_number AS INTEGER), "
                "urn, school_name, academic_year, raw_values, reasons FROM incoming_rejects")
    con.unregister("incoming_rejects")


def _earlier_load(con: duckdb.DuckDBPyConnection, digest: str, kind: str) -> int | None:
    """The load that already took these exact bytes (a failed attempt does not count, so a
    file that failed for want of, say, a census year can be loaded once that is given)."""
    rows = con.execute("SELECT min(load_id) FROM loads WHERE sha256 = ? AND kind = ? AND status <> 'failed'",
                       [digest, kind]).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def load_official_into(con: duckdb.DuckDBPyConnection, kind: str, file_name: str, data: bytes,
                       lake_path: Path, census_year: str | None = None) -> FileOutcome:
    """Load one official file through an open `writing()` connection."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of official data: {kind!r} (expected one of {', '.join(KINDS)})")
    digest = sha256(data)
    earlier = _earlier_load(con, digest, kind)
    if earlier is not None:
        return FileOutcome(file_name=file_name, status="unchanged", load_id=earlier)
    outcome = FileOutcome(file_name=file_name)
    try:
        parsed = parse_official(kind, file_name, data, census_year)
        if parsed.rows_read == 0:
            raise FileProblem("the file has a header row but no rows of data")
    except FileProblem as exc:
        parsed = None
        outcome.status, outcome.message = "failed", str(exc)
    raw = keep_raw(data, file_name, lake_path)
    load_id = new_load_id(con)
    outcome.load_id = load_id
    if parsed is not None:
        parsed.source_file = file_name
        outcome.rows_read, outcome.accepted = parsed.rows_read, parsed.accepted
        outcome.rejected = len(parsed.rejects)
        outcome.results = parsed.rejects
        _write_parsed(con, parsed, load_id)
    record_load(con, load_id, kind, file_name, digest, outcome.rows_read, outcome.accepted,
                outcome.rejected, outcome.status, outcome.message, str(raw))
    return outcome


def load_official(kind: str, file_name: str, data: bytes, lake_path: Path | None = None,
                  census_year: str | None = None) -> FileOutcome:
    """Load one GIAS, census or Ofsted file into the lake in one transaction.

    census_year (e.g. '2018/19', or 2019 for the January 2019 census) is needed only for a
    performance-tables census file whose name carries no year.
    """
    lake_path = Path(lake_path or config.lake_path())
    with writing(lake_path) as con:
        return load_official_into(con, kind, file_name, data, lake_path, census_year)


# ------------------------------------------------------------- benchmarks

def load_benchmarks(path: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
                    lake_path: Path | None = None) -> FileOutcome:
    """Load data/benchmarks.csv: each row replaces the row with the same benchmark_id and
    phase. With no connection, opens its own transaction on the lake."""
    path = Path(path or BENCHMARKS_FILE)
    if con is None:
        lake_path = Path(lake_path or config.lake_path())
        with writing(lake_path) as own:
            return load_benchmarks(path, own, lake_path)
    data = path.read_bytes()
    digest = sha256(data)
    earlier = _earlier_load(con, digest, "benchmarks")
    if earlier is not None:
        return FileOutcome(file_name=path.name, status="unchanged", load_id=earlier)
    outcome = FileOutcome(file_name=path.name)
    raw = keep_raw(data, path.name, lake_path) if lake_path else path
    load_id = new_load_id(con)
    outcome.load_id = load_id
    rows: list[dict] = []
    rejects: list[RowResult] = []
    try:
        reader = csv.DictReader(io.StringIO(decode_text(data), newline=""))
        fields = {header_key(h): h for h in reader.fieldnames or []}
        missing = [c for c in ("benchmark_id", "phase", "value", "source", "year") if header_key(c) not in fields]
        if missing:
            raise FileProblem("not a benchmarks file: required column(s) missing: " + ", ".join(missing))
        for row in reader:
            number = reader.line_num
            cell = {c: _text(row.get(fields.get(header_key(c), ""), "")) for c in BENCHMARK_COLUMNS}
            reasons = [f"{c} is missing" for c in ("benchmark_id", "phase", "value", "source", "year") if not cell[c]]
            try:
                value = float(cell["value"])
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                reasons.append(f"value '{cell['value']}' is not a number")
                value = None
            if reasons:
                rejects.append(RowResult(number, dict(row), {"urn": None}, reasons))
                continue
            rows.append({**cell, "value": value, "unit": cell["unit"] or None, "note": cell["note"] or None,
                         "_line": number, "_raw": dict(row)})
    except (FileProblem, NotAReturn, csv.Error) as exc:
        outcome.status, outcome.message = "failed", str(exc)
    else:
        keys = [(r["benchmark_id"], r["phase"]) for r in rows]
        dupes = {k for k in keys if keys.count(k) > 1}
        for r in [r for r in rows if (r["benchmark_id"], r["phase"]) in dupes]:
            rejects.append(RowResult(r["_line"], r["_raw"], {"urn": None},
                                     [f"benchmark {r['benchmark_id']} for {r['phase']} appears more than once"]))
        rows = [r for r in rows if (r["benchmark_id"], r["phase"]) not in dupes]
        if rows:
            _replace_benchmarks(con, rows, by_year=False)
        _write_rejects(con, rejects, load_id, path.name)
        outcome.accepted, outcome.rejected = len(rows), len(rejects)
        outcome.rows_read = outcome.accepted + outcome.rejected
        outcome.results = rejects
    record_load(con, load_id, "benchmarks", path.name, digest, outcome.rows_read, outcome.accepted,
                outcome.rejected, outcome.status, outcome.message, str(raw))
    return outcome
