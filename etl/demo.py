"""Build the demo lake: North Lincolnshire's real schools and census counts, plus clearly
labelled synthetic SENCO returns and Ofsted outcomes.

`python -m etl demo` deletes the demo lake (and its kept raw files) and rebuilds it through the
same loaders a real LA uses: every input is first written as a real file into
`<lake folder>/build/demo-inputs/` (gitignored) and then loaded, so the demo exercises
the readers, normalisers, rejects and load history exactly as real files would.

Real (DfE, Open Government Licence v3.0): the register of North Lincolnshire schools
(census school types, the DfE school names list, KS4 2023/24 school information for the
four establishments the names list lacks or places elsewhere) and the January 2019
school census counts, with England's national figures from the same file.
Synthetic (etl/synthetic.py, seeded, deterministic): every SENCO return for 2024/25,
2025/26 and 2026/27, every Ofsted outcome, and the register's contact details (head teachers'
names, telephones, websites; gias_contacts).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sys
import time
import zipfile
from pathlib import Path

import duckdb
from openpyxl.writer.excel import ExcelWriter

from domain.columns import COLUMN_BY_NAME, COLUMNS
from domain.vocabularies import INDEPENDENT_SCHOOLS, LIST_SEPARATOR
from etl import synthetic as syn
from etl.load import FileOutcome, load_returns
from etl.readers import FORM_SHEET
from etl.sources import BENCHMARKS_FILE, load_benchmarks, load_official
from etl.sources import gias as gias_source
from etl.sources import ofsted as ofsted_source
from etl.template import build_workbook
from lake import config
from lake.store import raw_dir, writing

OPEN = config.ROOT / "data" / "open"
CENSUS_FILE = OPEN / "census_2019_england.csv"
NAMES_FILE = OPEN / "school_names_la813_north_lincolnshire.csv"
KS4_FILE = OPEN / "ks4_school_information_2023_24_la813.csv"
LA_CODE, LA_NAME = 813, "North Lincolnshire"
# The Catholic voluntary academies send one batch a year, as a CSV saved from Excel
# (Windows-1252, friendly labels, a title line above the header).
TRUST_URNS = (138015, 138016, 138017, 138018, 138827)
UNCORRECTED_CURRENT = 5          # 2026/27 rows rejected and not yet resent

DEMO_DESCRIPTION = (
    "This is a demonstration lake for North Lincolnshire (LA 813). Real: the schools, their types, "
    "towns and postcodes (DfE school names list, July 2022; DfE KS4 2023/24 school information for "
    "four establishments) and each school's January 2019 school census counts of pupils on roll, "
    "pupils at SEN support and pupils with an EHC plan, with England's national figures from the same "
    "census (DfE school performance tables 2018/19). Contains public sector information licensed under "
    "the Open Government Licence v3.0. Synthetic: every SENCO return (2024/25, 2025/26 and 2026/27) and "
    "every Ofsted inspection outcome, and every head teacher's name, telephone number and website in the "
    "register (telephones in Ofcom's drama range, websites under the reserved .example domain), made up by a "
    "seeded generator (etl/demo.py, etl/synthetic.py); "
    "they describe no real school, SENCO or inspection. The pupil counts in the synthetic returns are the "
    "2019 census counts with small random yearly changes.")


# ------------------------------------------------------------------ helpers

def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _csv_text(rows: list[list[object]], null: str = "") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([[null if v is None else v for v in row] for row in rows])
    return buf.getvalue()


def holds_real_data(lake_path: Path) -> bool:
    """True when the lake has loads and is not a demo lake: rebuilding would destroy it."""
    if not lake_path.exists():
        return False
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake_path)])
        tables = {t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'").fetchall()}
        if "loads" not in tables or not con.execute("SELECT count(*) FROM lake.loads").fetchall()[0][0]:
            return False
        if "lake_info" not in tables:
            return True
        demo = con.execute("SELECT value FROM lake.lake_info WHERE key = 'demo'").fetchall()
        return not (demo and demo[0][0] == "true")
    except duckdb.Error:
        return False                      # not a readable lake: nothing to protect
    finally:
        con.close()


DEMO_MARK = ".made-by-demo"       # in the raw folder: the raw files the demo kept, one path a line


def foreign_data(lake_path: Path) -> str | None:
    """Why rebuilding the demo here would destroy what the demo did not make, or None.

    A lake holding real loads, a lake file that cannot be read (damaged: restore it rather
    than replace it), and raw files the demo's own list does not name (real returns kept by a
    load, perhaps beside a lake file that has since gone) are all left alone."""
    if holds_real_data(lake_path):
        return f"{lake_path} holds loaded data and is not a demo lake"
    raws = raw_dir(lake_path)
    made: set[str] = set()
    if lake_path.exists():
        con = duckdb.connect(":memory:")
        try:
            con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake_path)])
            # a demo lake (holds_real_data said so) names the raw files its own loads kept
            made |= {Path(p).name for (p,) in con.execute(
                "SELECT raw_path FROM lake.loads WHERE raw_path IS NOT NULL").fetchall()}
        except duckdb.Error as exc:
            if "Catalog" not in type(exc).__name__:
                return f"{lake_path} is there but cannot be read (a damaged lake: restore it from a backup)"
        finally:
            con.close()
    if raws.exists():
        try:
            made |= set((raws / DEMO_MARK).read_text(encoding="utf-8").splitlines())
        except OSError:
            pass
        theirs = [f for f in raws.rglob("*") if f.is_file() and f.name != DEMO_MARK
                  and f.relative_to(raws).as_posix() not in made and f.name not in made]
        if theirs:
            return f"{raws} holds {len(theirs)} raw return file(s) the demo did not make"
    return None


def _mark_demo_raw(lake_path: Path) -> None:
    raws = raw_dir(lake_path)
    if raws.exists():
        made = sorted(f.relative_to(raws).as_posix() for f in raws.rglob("*") if f.is_file() and f.name != DEMO_MARK)
        (raws / DEMO_MARK).write_text("\n".join(made) + "\n", encoding="utf-8")


def _clear(lake_path: Path, inputs: Path) -> None:
    """Remove the old lake, its raw files and old inputs. An app holding the old file open
    keeps reading it until the new one appears (POSIX unlink semantics)."""
    for p in (lake_path, Path(str(lake_path) + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(raw_dir(lake_path), ignore_errors=True)
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir(parents=True, exist_ok=True)


# ------------------------------------------------------------ official data

def census_extract(inputs: Path) -> Path:
    """The census file's North Lincolnshire rows plus its three national rows, header and
    encoding (UTF-8 with BOM) kept; named so the loader infers the January 2019 census."""
    text = CENSUS_FILE.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[1:2] == [str(LA_CODE)] or ln.startswith("NAT,")]
    return _write(inputs / "census_2019_la813_north_lincolnshire.csv",
                  ("\n".join(keep) + "\n").encode("utf-8-sig"))


_KS4_TYPES = {
    "Converter academies": ("Academy converter", "Academies"),
    "Sponsored academies": ("Academy sponsor led", "Academies"),
    "Independent schools": ("Other independent school", INDEPENDENT_SCHOOLS),   # (KS4 file's own wording)
    "Independent special schools": ("Other independent special school", INDEPENDENT_SCHOOLS),
    "University technical colleges (UTCs)": ("University technical college", "Free Schools"),
    "Community school": ("Community school", "Local authority maintained schools"),
}
def gias_extract(inputs: Path, known: set[int]) -> Path:
    """A file in the published GIAS layout (its full header line, Windows-1252) for the North
    Lincolnshire establishments in the KS4 2023/24 file that the 2019 census does not place in LA 813."""
    header = gias_source.PUBLISHED_HEADER
    rows: list[list[object]] = [list(header)]
    for r in csv.DictReader(io.StringIO(KS4_FILE.read_text(encoding="utf-8-sig"))):
        urn = int(r["school_urn"])
        if urn in known or r["old_la_code"] != str(LA_CODE):
            continue
        type_name, group = _KS4_TYPES.get(r["establishment_type_group"], (r["establishment_type_group"], ""))
        low, _, high = r["agerange"].partition(" to ")
        if group == INDEPENDENT_SCHOOLS:
            phase = "Not applicable"
        elif low.isdigit() and int(low) >= 11:
            phase = "Secondary"
        else:
            phase = "Primary"
        parts = [p.strip() for p in r["full_address"].split(",")]
        cells = {"URN": urn, "LA (code)": r["old_la_code"], "LA (name)": r["la_name"],
                 "EstablishmentNumber": r["school_laestab"][3:], "EstablishmentName": r["school_name"],
                 "TypeOfEstablishment (name)": type_name, "EstablishmentTypeGroup (name)": group,
                 "EstablishmentStatus (name)": "Open", "PhaseOfEducation (name)": phase, "StatutoryLowAge": low,
                 "StatutoryHighAge": high, "NumberOfPupils": "" if r["t_allks_pupils"] == "z" else r["t_allks_pupils"],
                 "Postcode": parts[-1], "Town": parts[-2] if len(parts) > 1 else ""}
        rows.append([cells.get(h, "") for h in header])
    return _write(inputs / "gias_extract_la813_from_ks4_2023_24.csv", _csv_text(rows).encode("cp1252"))


# Synthetic contact details. The real register publishes each head teacher's name, the school's
# telephone and website, but the bundled files do not hold them; made-up ones stand in, in forms
# that can reach nobody: Ofcom's drama range (01632 960000-960999) and the reserved .example domain.
_HEADS = (("Mrs", ("Amira", "Chloe", "Emma", "Fatima", "Hannah", "Karen", "Nadia", "Rachel")),
          ("Ms", ("Jess", "Megan", "Priya", "Sarah")),
          ("Miss", ("Laura", "Sophie")),
          ("Mr", ("Alex", "Ben", "Daniel", "George", "Imran", "Liam", "Oliver", "Tom")),
          ("Dr", ("Sam", "Helen", "Ravi")))
_LAST_NAMES = ("Ashworth", "Bennett", "Clarke", "Dawson", "Ellis", "Foster", "Gill", "Hughes", "Iqbal",
               "Jackson", "Kaur", "Lambert", "Morris", "Nolan", "Owen", "Patel", "Quinn", "Reid", "Shaw",
               "Turner", "Walsh", "Young")


def gias_contacts(inputs: Path, schools: list[syn.DemoSchool]) -> Path:
    """Synthetic head teachers' names, telephones and websites for the demo schools, in the published
    GIAS layout (Windows-1252), as an LA's own register download would give them. A few schools have
    no head recorded, as in the real register between appointments."""
    header = gias_source.PUBLISHED_HEADER
    rows: list[list[object]] = [list(header)]
    for number, s in enumerate(sorted(schools, key=lambda s: s.urn)):
        rng = syn.rng_for(s.urn, "head teacher")
        academy = "academy" in (s.school_type or "").lower()
        cells = {"URN": s.urn, "LA (code)": LA_CODE, "LA (name)": LA_NAME, "EstablishmentName": s.name,
                 "TelephoneNum": f"01632960{number % 1000:03d}",
                 "SchoolWebsite": "www." + "-".join([w for w in s.name.lower().replace("'", "").split()
                                                     if w.isalnum()][:4]) + ".example"}
        if rng.random() > 0.04:
            title, firsts = rng.choice(_HEADS)
            cells.update({"HeadTitle (name)": title, "HeadFirstName": rng.choice(firsts),
                          "HeadLastName": rng.choice(_LAST_NAMES),
                          "HeadPreferredJobTitle": "Principal" if academy and rng.random() < 0.5 else "Headteacher"})
        else:
            cells["HeadTitle (name)"] = "Not applicable"
        rows.append([cells.get(h, "") for h in header])
    return _write(inputs / "gias_contacts_la813_SYNTHETIC.csv", _csv_text(rows).encode("cp1252", "replace"))


def demo_schools(lake_path: Path, census_path: Path) -> list[syn.DemoSchool]:
    """The state-funded, open North Lincolnshire schools the LA collects returns from,
    as the loaders put them in the lake."""
    estab = {}
    for r in csv.DictReader(io.StringIO(census_path.read_text(encoding="utf-8-sig"))):
        if r["URN"].isdigit() and r["ESTAB"].isdigit():
            estab[int(r["URN"])] = LA_CODE * 10000 + int(r["ESTAB"])
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS lake (READ_ONLY)", [str(lake_path)])
        rows = con.execute("""
            SELECT s.urn, s.school_name, s.phase, s.school_type, c.number_on_roll, c.sen_support, c.ehcp,
                   c.urn IS NULL AS new
            FROM lake.schools s LEFT JOIN lake.census c ON c.urn = s.urn AND c.census_year = '2018/19'
            WHERE s.la_code = ? AND coalesce(s.type_group, '') <> ?
              AND (s.close_date IS NULL OR s.close_date > ?)
            ORDER BY s.urn""", [LA_CODE, INDEPENDENT_SCHOOLS, syn.DEMO_TODAY]).fetchall()
    finally:
        con.close()
    return [syn.DemoSchool(urn=u, name=n, phase=p, school_type=t, laestab=estab.get(u), roll=roll,
                           sen_support=sup, ehcp=e, new=new) for u, n, p, t, roll, sup, e, new in rows]


_OFSTED_PHASE = {"primary": "Primary", "secondary": "Secondary", "special": "Special",
                 "alternative provision": "PRU", "nursery": "Nursery"}
NOT_JUDGED_FROM = dt.date(2024, 9, 1)   # graded inspections from here have no overall effectiveness grade


def _oeif_cells(insp: syn.Inspection, latest: bool) -> dict[str, object]:
    """An OEIF graded inspection in the report-card layout's 'Latest OEIF' columns."""
    overall = "Not judged" if insp.date >= NOT_JUDGED_FROM else insp.oeif
    return {"Inspection start date of latest OEIF graded inspection": f"{insp.date:%d/%m/%Y}",
            "Publication date of latest OEIF graded inspection": f"{insp.date + dt.timedelta(days=35):%d/%m/%Y}",
            "Latest OEIF overall effectiveness": overall,
            **{h: insp.oeif for h in ("Latest OEIF quality of education", "Latest OEIF behaviour and attitudes",
                                      "Latest OEIF personal development",
                                      "Latest OEIF effectiveness of leadership and management")},
            "Latest OEIF  safeguarding is effective?": "Yes",
            **({"Inspection start date": f"{insp.date:%d/%m/%Y}",
                "Publication date": f"{insp.date + dt.timedelta(days=35):%d/%m/%Y}"} if latest else {})}


def ofsted_file(inputs: Path, schools: list[syn.DemoSchool],
                history: dict[int, tuple[syn.Inspection, syn.Inspection]]) -> Path:
    """Synthetic outcomes in the published layout of Ofsted's management information from November
    2025 (report cards beside the latest OEIF graded inspection; Windows-1252; NULL for empty),
    named "as at" the demo's today as Ofsted names its files. Every school has a row; one never
    inspected has nothing but its details."""
    header = ofsted_source.REPORT_CARD_LAYOUT_2026
    rows: list[list[object]] = [header]
    for s in schools:
        cells: dict[str, object] = {"URN": s.urn, "LAESTAB": s.laestab, "School name": s.name,
                                    "Ofsted phase": _OFSTED_PHASE.get(s.phase or ""), "Local authority": LA_NAME}
        if s.urn in history:
            previous, latest = history[s.urn]
            if latest.grades:
                day = f"{latest.date:%d/%m/%Y}"
                cells.update({"Inspection start date": day,
                              "Publication date": f"{latest.date + dt.timedelta(days=35):%d/%m/%Y}",
                              "Safeguarding standards": (latest.safeguarding or "").capitalize() or None,
                              "Safeguarding standards - date of grade": day})
                for name, area, dated, _ in ofsted_source.AREAS:
                    if name in latest.grades:
                        cells[area], cells[dated] = latest.grades[name].capitalize(), day
                cells.update(_oeif_cells(previous, latest=False))
            else:
                cells.update(_oeif_cells(latest, latest=True))
        rows.append([cells.get(h) for h in header])
    name = (f"Management_information_-_state-funded_schools_-_latest_inspections_as_at_"
            f"{syn.DEMO_TODAY.day}_{syn.DEMO_TODAY:%b_%Y}_la813_SYNTHETIC.csv")
    return _write(inputs / name, _csv_text(rows, null="NULL").encode("cp1252"))


# ----------------------------------------------------------------- returns

def _slug(year: str) -> str:
    return year.replace("/", "-")


def _xlsx_bytes(wb) -> bytes:
    """A workbook as .xlsx bytes with fixed timestamps, so rebuilding gives the same file."""
    fixed = (2025, 1, 1, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        items = sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename != "_rels/.rels"))
        for item in items:
            info = zipfile.ZipInfo(item.filename, date_time=fixed)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def form_values(sy: syn.SchoolYear, r) -> dict[str, object]:
    """A school's answers as typed into the template workbook (Excel keeps numbers and dates)."""
    c = sy.senco
    insp = sy.inspection
    progress = syn.send_progress(insp, r)
    progress = {"good": "good or better", "Good or better": "good or better", "Less than good": "less than good",
                "requires improvement": "less than good", "Not judged": "not judged"}.get(progress, progress)
    return {
        "urn": sy.school.urn, "school_name": sy.school.name, "academic_year": sy.year,
        "phase": sy.school.phase, "number_on_roll": sy.roll, "sen_support_pupils": sy.sen_support,
        "ehcp_pupils": sy.ehcp,
        "senco_hours_per_week": syn.typed_hours(c.hours, True, r) if c.in_days else c.hours,
        "senco_teaching_hours_per_week": c.teaching,
        "senco_on_slt": "Yes" if c.slt else "No",
        "senco_qualified_teacher": "Yes" if c.qualified_teacher else "No",
        "senco_qualification": c.qualification(syn.return_date(sy.year)),
        "senco_appointed_date": c.appointed,
        "senco_other_roles": LIST_SEPARATOR.join(c.roles) or None,
        "senco_shared_schools": c.shared,
        "deputy_senco": "Yes" if sy.deputy else "No",
        "admin_support_hours_per_week": sy.admin_hours,
        "sen_information_report_published": "Yes" if sy.sen_report else "No",
        "sen_governor": "Yes" if sy.sen_governor else "No",
        "ofsted_inspection_date": insp.date if insp else None,
        "ofsted_send_progress": progress or None,
    }


def form_workbook(values: dict[str, object]) -> bytes:
    """The project's template (etl/template.py) filled in as a school would."""
    wb = build_workbook(syn.DAY_HOURS)
    ws = wb[FORM_SHEET]
    by_label = {c.label: c.name for c in COLUMNS}
    for row in range(2, ws.max_row + 1):
        name = by_label.get(ws.cell(row=row, column=1).value)
        if name and values.get(name) not in (None, ""):
            ws.cell(row=row, column=2).value = values[name]
    return _xlsx_bytes(wb)


def _table_csv(rows: list[dict[str, str]], extra: dict[str, list[str]] | None = None) -> str:
    names = [c.name for c in COLUMNS]
    extra = extra or {}
    header = list(extra) + names
    body = [[*(extra[k][i] for k in extra), *(row.get(n, "") for n in names)] for i, row in enumerate(rows)]
    return _csv_text([header, *body])


def return_files(inputs: Path, years: list[syn.SchoolYear], plan: syn.Plan) -> list[Path]:
    """Each year's return files, in the order the LA received them."""
    files: list[Path] = []
    by_year: dict[str, list[syn.SchoolYear]] = {}
    for sy in years:
        by_year.setdefault(sy.year, []).append(sy)
    for year in syn.YEARS:
        slug = _slug(year)
        current = year == syn.CURRENT_YEAR
        pool = [sy for sy in by_year[year] if not (current and sy.school.urn in plan.not_returned)]
        r = syn.rng_for("files", year)
        trust = [sy for sy in pool if sy.school.urn in TRUST_URNS]
        rest = [sy for sy in pool if sy.school.urn not in TRUST_URNS]
        xlsx = r.sample(rest, 4)
        main = [sy for sy in rest if sy not in xlsx]
        mistakes = list(syn.MISTAKES)
        r.shuffle(mistakes)
        mistakes = mistakes[:10]
        wrong = r.sample(main, len(mistakes))
        corrected = wrong if not current else wrong[UNCORRECTED_CURRENT:]
        resubmit = next(sy for sy in main if sy not in wrong) if current else None

        rows: list[dict[str, str]] = []
        for sy in main:
            rr = syn.rng_for(sy.school.urn, "typing", year)
            row = syn.return_row(sy, rr)
            if sy in wrong:
                rows += syn.with_mistake(row, mistakes[wrong.index(sy)], sy, rr)
                continue
            if sy is resubmit:                 # first sent with the hours of last year's SENCO
                row["senco_hours_per_week"] = syn.typed_hours(max(1.0, sy.senco.hours - 3), False, rr)
                row["admin_support_hours_per_week"] = "0"
            rows.append(row)
        r.shuffle(rows)
        start = dt.datetime(syn.year_start(year), 10, 1, 8, 0)
        stamps = sorted(start + dt.timedelta(minutes=r.randint(0, 60 * 24 * 40)) for _ in rows)
        files.append(_write(inputs / f"senco_returns_{slug}_online_form_export.csv",
                            _table_csv(rows, {"submitted_at": [s.strftime("%d/%m/%Y %H:%M") for s in stamps]})
                            .encode("utf-8")))
        for sy in xlsx:
            rr = syn.rng_for(sy.school.urn, "form", year)
            files.append(_write(inputs / f"SENCO_return_{sy.school.urn}_{slug}.xlsx",
                                form_workbook(form_values(sy, rr))))
        if trust:
            labels = [COLUMN_BY_NAME[c.name].label for c in COLUMNS]
            body = []
            for sy in trust:
                rr = syn.rng_for(sy.school.urn, "trust", year)
                row = syn.return_row(sy, rr, name=sy.school.name.replace("'", "\u2019"))
                body.append([row[c.name] for c in COLUMNS])
            text = _csv_text([[f"Catholic voluntary academies, North Lincolnshire \u2013 SENCO returns {year}"], [],
                              labels, *body])
            files.append(_write(inputs / f"Catholic_academies_SENCO_returns_{slug}.csv", text.encode("cp1252")))
        if corrected:
            fixed = [syn.return_row(sy, syn.rng_for(sy.school.urn, "corrected", year)) for sy in corrected]
            files.append(_write(inputs / f"senco_returns_{slug}_corrections.csv", _table_csv(fixed).encode("utf-8")))
        if resubmit is not None:
            rr = syn.rng_for(resubmit.school.urn, "resubmission", year)
            files.append(_write(inputs / f"SENCO_return_{resubmit.school.urn}_{slug}_corrected.xlsx",
                                form_workbook(form_values(resubmit, rr))))
    return files


# ------------------------------------------------------------------- build

def _info(con: duckdb.DuckDBPyConnection) -> None:
    info = {
        "demo": "true",
        "demo_description": DEMO_DESCRIPTION,
        "la_code": str(LA_CODE),
        "la_name": LA_NAME,
        "current_year": syn.CURRENT_YEAR,
        "synthetic": "SENCO returns; Ofsted outcomes; head teachers' names and school contact details",
        "demo_generator": f"etl/demo.py with etl/synthetic.py, seed '{syn.SEED}'",
        "attribution": "Contains public sector information licensed under the Open Government Licence v3.0.",
    }
    for key, value in info.items():
        con.execute("INSERT OR REPLACE INTO lake_info VALUES (?, ?)", [key, value])


def build_demo(lake_path: Path | None = None, quiet: bool = False) -> int:
    """Rebuild the demo lake from scratch; returns the exit code (0 when every file loaded,
    2 when the path holds a real, non-demo lake, which is left untouched)."""
    started = time.perf_counter()
    lake_path = Path(lake_path or config.lake_path()).resolve()
    inputs = lake_path.parent / "build" / "demo-inputs"
    why = foreign_data(lake_path)
    if why:
        print(f"not building the demo: {why}; nothing was deleted. Give another path with --lake "
              "(or set SENCO_LAKE).", file=sys.stderr)
        return 2
    _clear(lake_path, inputs)
    outcomes: list[FileOutcome] = []

    census = census_extract(inputs)
    outcomes.append(load_official("census", census.name, census.read_bytes(), lake_path))
    outcomes.append(load_official("gias", NAMES_FILE.name, NAMES_FILE.read_bytes(), lake_path))
    known = {int(ln.split(",")[0]) for ln in census.read_text(encoding="utf-8-sig").splitlines()[1:]
             if ln[:6].isdigit()}
    extract = gias_extract(inputs, known)
    outcomes.append(load_official("gias", extract.name, extract.read_bytes(), lake_path))

    schools = demo_schools(lake_path, census)
    contacts = gias_contacts(inputs, schools)
    outcomes.append(load_official("gias", contacts.name, contacts.read_bytes(), lake_path))
    plan = syn.make_plan(schools, rejected_current=UNCORRECTED_CURRENT)
    years = syn.school_years(schools, plan)
    history = syn.attach_inspections(years)
    ofsted = ofsted_file(inputs, schools, history)
    outcomes.append(load_official("ofsted", ofsted.name, ofsted.read_bytes(), lake_path))

    files = return_files(inputs, years, plan)
    outcomes += load_returns([(f.name, f.read_bytes()) for f in files], lake_path, today=syn.DEMO_TODAY)

    with writing(lake_path) as con:
        outcomes.append(load_benchmarks(BENCHMARKS_FILE, con, lake_path))
        _info(con)
        per_year = dict(con.execute("SELECT academic_year, count(*) FROM returns GROUP BY 1").fetchall())
    _mark_demo_raw(lake_path)

    seconds = time.perf_counter() - started
    failed = [o for o in outcomes if o.status == "failed"]
    if not quiet:
        rows = sum(o.rows_read for o in outcomes)
        accepted = sum(o.accepted for o in outcomes)
        print(f"demo lake: {lake_path}")
        print(f"  {len(schools)} state-funded {LA_NAME} schools; returns "
              + ", ".join(f"{y}: {per_year.get(y, 0)}" for y in syn.YEARS))
        print(f"  {len(outcomes)} files, {rows} rows read, {accepted} accepted, {rows - accepted} rejected "
              f"(the rejects are deliberate: synthetic mistakes for the data-quality page)")
        for o in failed:
            print("  " + o.report_lines()[0])
        print(f"  built in {seconds:.1f} s (inputs written to {inputs})")
    return 1 if failed else 0
