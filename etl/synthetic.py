"""Seeded synthetic SENCO returns and Ofsted outcomes for the demo lake.

No public file records SENCO time, SLT membership, admin support or qualification per
school, so the demo invents them: plausibly (shaped by the figures in the product brief:
an LA survey's 1 to 24 hours a week, weakly related to the SEND cohort; about a third of
SENCOs on SLT; admin support for ~15% of primary and ~49% of secondary SENCOs) and
deterministically (every random draw comes from `random.Random` seeded by the school's
URN and what is being drawn, so adding a school never changes another school's data and
two builds are identical). Nothing here reads the wall clock.

The values are written the way people type them ('1.5 days', '6 hrs', 'Y', 'TRUE',
'01/09/2021', 'n/a'), and a handful of rows each year carry the mistakes schools make,
so the loader's normalising and rejecting have real work to do.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace

from domain.columns import COLUMNS
from domain.vocabularies import (
    EXPECTED_OR_ABOVE,
    NASENCO,
    NASENCO_HELD,
    NPQ,
    NPQ_HELD,
    QUALIFICATION_IN_PROGRESS,
    QUALIFICATION_NOT_STARTED,
    REPORT_CARD_GRADES,
)

SEED = "senco-demo-north-lincolnshire-813"
YEARS = ("2024/25", "2025/26", "2026/27")
CURRENT_YEAR = YEARS[-1]
DEMO_TODAY = dt.date(2026, 11, 20)           # "today" for validating the demo returns
REPORT_CARDS_FROM = dt.date(2025, 11, 10)     # Ofsted report-card inspections began
NPQ_FROM = dt.date(2024, 9, 1)                # courses started from here must be the NPQ for SENCOs
DAY_HOURS = 6.5
CURRENT_RETURN_RATE = 0.85                    # share of schools that have returned 2026/27

REPORT_GRADES = REPORT_CARD_GRADES


def rng_for(*parts: object) -> random.Random:
    """A generator seeded by what is being drawn (string seeds are stable across runs)."""
    return random.Random("|".join(map(str, (SEED, *parts))))


def year_start(year: str) -> int:
    return int(year[:4])


def return_date(year: str) -> dt.date:
    """When the autumn-term return describes the school (values as at 1 October)."""
    return dt.date(year_start(year), 10, 1)


@dataclass
class DemoSchool:
    urn: int
    name: str
    phase: str | None                 # from the register
    school_type: str | None
    laestab: int | None = None
    roll: int | None = None           # January 2019 census
    sen_support: int | None = None
    ehcp: int | None = None
    new: bool = False                 # opened since the 2019 census: not yet inspected


@dataclass
class Senco:
    appointed: dt.date
    hours: float
    in_days: bool                     # the school thinks of the time in days
    teaching: float
    slt: bool
    qualified_teacher: bool
    started: dt.date | None           # started the mandatory qualification
    finished: dt.date | None          # gained it
    roles: list[str]
    shared: int = 1
    partner: int | None = None
    first_senco: dt.date | None = None  # first became a SENCO at any school (before appointed: experienced)
    works_here: bool = True           # works as a teacher at this school

    @property
    def course(self) -> str | None:
        """The course taken: the course start decides (reg. 49(7)), not the appointment."""
        if self.started is None:
            return None
        return NASENCO if self.started < NPQ_FROM else NPQ

    def qualification(self, on: dt.date) -> str:
        if self.finished and self.finished <= on:
            return NASENCO_HELD if self.course == NASENCO else NPQ_HELD
        if self.started and self.started <= on:
            return QUALIFICATION_IN_PROGRESS
        return QUALIFICATION_NOT_STARTED


@dataclass
class Inspection:
    date: dt.date
    oeif: int | None = None
    grades: dict[str, str] = field(default_factory=dict)   # report-card areas
    safeguarding: str | None = None

    @property
    def report_card(self) -> bool:
        return self.date >= REPORT_CARDS_FROM


@dataclass
class SchoolYear:
    """One school's true position in one year (before anyone types it into a form)."""
    school: DemoSchool
    year: str
    roll: int
    sen_support: int
    ehcp: int
    senco: Senco
    deputy: bool
    admin_hours: float
    sen_report: bool
    sen_governor: bool
    inspection: Inspection | None


# ------------------------------------------------------------------ counts

_DEFAULTS = {  # (roll, SEN support share, EHCP share) for schools with no census counts
    "primary": (220, 0.13, 0.02), "secondary": (450, 0.12, 0.025), "special": (130, 0.02, 0.97),
    "alternative provision": (40, 0.55, 0.12),
}


def counts(school: DemoSchool, year: str) -> tuple[int, int, int]:
    """Roll, SEN support and EHC plans: the 2019 census with small seeded yearly drift
    (SEN support and, faster, EHC plans rising as they have nationally)."""
    base = rng_for(school.urn, "counts")
    phase = school.phase or "primary"
    roll0, sup_rate, ehcp_rate = _DEFAULTS.get(phase, _DEFAULTS["primary"])
    if school.roll:
        roll0 = school.roll
        sup_rate = (school.sen_support or 0) / school.roll
        ehcp_rate = (school.ehcp or 0) / school.roll
    else:
        roll0 = round(roll0 * base.uniform(0.8, 1.2))
    if phase not in ("special",):
        ehcp_rate = max(ehcp_rate, 0.006)
        sup_rate = max(sup_rate, 0.04)
    trend = base.gauss(0, 0.012)
    t = year_start(year) - 2019 + 0.7          # January 2019 to the autumn term
    noise = rng_for(school.urn, "counts", year)
    roll = max(8, round(roll0 * (1 + trend) ** t * (1 + noise.gauss(0, 0.015))))
    if phase == "special":
        sup = round(roll * sup_rate * (1 + noise.gauss(0, 0.2)))
        ehcp = roll - sup
    else:
        sup = round(roll * sup_rate * 1.025 ** t * (1 + noise.gauss(0, 0.05)))
        ehcp = round(roll * ehcp_rate * 1.07 ** t * (1 + noise.gauss(0, 0.08)))
    sup, ehcp = max(0, sup), max(0, ehcp)
    if sup + ehcp > roll:
        sup = max(0, roll - ehcp)
    return roll, sup, ehcp


# ------------------------------------------------------------------ SENCOs

def _snap(hours: float, in_days: bool) -> float:
    if in_days:
        return max(0.5, round(hours / DAY_HOURS * 2) / 2) * DAY_HOURS
    return max(1.0, round(hours * 2) / 2)


def _hours_for(phase: str, send: int, r: random.Random) -> float:
    if phase == "secondary":
        h = math.exp(r.gauss(math.log(11 + 0.04 * send), 0.3))
        return min(30.0, max(5.0, h))
    if phase == "special":
        return min(32.5, max(10.0, math.exp(r.gauss(math.log(19), 0.25))))
    if phase == "alternative provision":
        return min(24.0, max(5.0, math.exp(r.gauss(math.log(11), 0.3))))
    h = math.exp(r.gauss(math.log(4.5 + 0.04 * send), 0.7))
    return min(24.0, max(1.0, h))


def _appointed(r: random.Random, latest: dt.date, earliest_year: int = 2007) -> dt.date:
    # Turnover is high: recent appointments are more likely than old ones.
    year = latest.year - min(latest.year - earliest_year, int(r.expovariate(1 / 4.0)))
    month, day = r.choice([(9, 1), (9, 1), (9, 1), (9, 4), (1, 6), (4, 15), (6, 1), (11, 1)])
    when = dt.date(year, month, day)
    return when if when <= latest else dt.date(year - 1, 9, 1)


def _qualification_path(appointed: dt.date, r: random.Random) -> tuple[dt.date | None, dt.date | None]:
    """When the SENCO started and gained the mandatory qualification (None: not (yet))."""
    if r.random() < 0.07:                       # never gets round to it
        return (None, None) if r.random() < 0.5 else (appointed + dt.timedelta(days=r.randint(200, 500)), None)
    start = appointed + dt.timedelta(days=r.randint(20, 240))
    finish = start + dt.timedelta(days=r.randint(400, 760))
    return start, finish


def new_senco(school: DemoSchool, send: int, year: str, r: random.Random, *, slt: bool,
              appointed: dt.date | None = None) -> Senco:
    phase = school.phase or "primary"
    appointed = appointed or _appointed(r, return_date(year))
    in_days = r.random() < 0.35
    hours = _snap(_hours_for(phase, send, r), in_days)
    roles: list[str] = []
    if slt:
        roles.append(r.choices(["deputy head", "assistant head", ""], [0.45, 0.4, 0.15])[0])
    if phase == "primary":
        class_teacher = r.random() < 0.55
        if class_teacher:
            roles.append("class teacher")
        teaching = r.choice([12.5, 15, 17.5, 20, 22.5, 25]) if class_teacher else r.choice([0, 0, 2.5, 5])
    elif phase == "secondary":
        teaching = r.choice([2, 4, 5, 6, 8, 10, 12])
        if r.random() < 0.35:
            roles.append("class teacher")
    else:
        teaching = r.choice([0, 2.5, 5, 7.5])
    for role, p in (("DSL", 0.3), ("designated teacher for looked-after children", 0.25),
                    ("EAL co-ordinator", 0.05), ("mental health lead", 0.1)):
        if r.random() < p:
            roles.append(role)
    teaching = min(teaching, 55 - hours)
    started, finished = _qualification_path(appointed, r)
    if appointed.year < 2012:                   # long-serving SENCOs hold NASENCO
        started, finished = appointed + dt.timedelta(days=60), appointed + dt.timedelta(days=600)
    senco = Senco(appointed=appointed, hours=hours, in_days=in_days, teaching=float(teaching), slt=slt,
                  qualified_teacher=r.random() > 0.03, started=started, finished=finished,
                  roles=[x for x in roles if x])
    # Drawn from their own stream, so the rest of the demo stays as it was before these fields existed.
    extra = rng_for(school.urn, "senco-history", appointed)
    senco.first_senco = (appointed if extra.random() < 0.75
                         else appointed - dt.timedelta(days=extra.randint(200, 3000)))
    senco.works_here = extra.random() > 0.03
    return senco


def _drift(senco: Senco, r: random.Random) -> Senco:
    """The same SENCO next year: mostly the same time, sometimes a little more or less."""
    if r.random() < 0.7:
        return replace(senco, roles=list(senco.roles))
    step = DAY_HOURS / 2 if senco.in_days else r.choice([0.5, 1, 1.5, 2, 2.5])
    hours = senco.hours + step * r.choice([-1, 1, 1])
    return replace(senco, hours=_snap(min(30.0, max(1.0, hours)), senco.in_days), roles=list(senco.roles))


# ----------------------------------------------------------------- Ofsted

def _weekday(d: dt.date) -> dt.date:
    """The next Tuesday in term time (no inspections in August or over Christmas)."""
    if d.month == 8 or (d.month == 7 and d.day > 15):
        d -= dt.timedelta(days=40)
    elif (d.month == 12 and d.day > 16) or (d.month == 1 and d.day < 6):
        d -= dt.timedelta(days=21)
    return d + dt.timedelta(days=(1 - d.weekday()) % 7)


def _between(r: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=r.randint(0, (b - a).days))


def quality(school: DemoSchool, sy: SchoolYear) -> float:
    """A hidden school-quality score: mostly noise, a little SENCO time and SLT status, so the
    Ofsted cuts by SENCO profile show a weak pattern rather than none or a perfect one."""
    send = sy.sen_support + sy.ehcp
    per_send = sy.senco.hours / max(send, 1) * 10
    return (rng_for(school.urn, "quality").gauss(0, 0.9)
            + 0.35 * max(-1.5, min(1.5, math.log(max(per_send, 0.1) / 3)))
            + (0.25 if sy.senco.slt else 0))


def inspections(school: DemoSchool, q: float) -> tuple[Inspection, Inspection]:
    """(previous, latest) inspections as at the demo's today."""
    r = rng_for(school.urn, "ofsted")
    if r.random() < 0.22:
        latest_date = _weekday(_between(r, REPORT_CARDS_FROM, DEMO_TODAY - dt.timedelta(days=10)))
    else:
        latest_date = _weekday(_between(r, dt.date(2016, 9, 1), dt.date(2025, 7, 8)))
    previous_date = _weekday(latest_date - dt.timedelta(days=r.randint(1200, 2100)))

    def oeif(score: float) -> int:
        return 1 if score > 1.35 else 2 if score > -1.0 else 3 if score > -2.0 else 4

    previous = Inspection(previous_date, oeif=oeif(q + r.gauss(0, 0.6)))
    if latest_date >= REPORT_CARDS_FROM:
        def grade(score: float) -> str:
            return ("exceptional" if score > 2.1 else "strong standard" if score > 0.9 else
                    "expected standard" if score > -0.9 else "needs attention" if score > -1.9 else
                    "urgent improvement")
        grades = {area: grade(q + r.gauss(0, 0.45)) for area in
                  ("inclusion", "achievement", "attendance_behaviour", "personal_development",
                   "leadership_governance", "curriculum_teaching")}
        latest = Inspection(latest_date, grades=grades, safeguarding="met" if r.random() > 0.03 else "not met")
    else:
        latest = Inspection(latest_date, oeif=oeif(q + r.gauss(0, 0.35)))
    return previous, latest


def inspection_known(previous: Inspection, latest: Inspection, on: dt.date) -> Inspection | None:
    if latest.date <= on:
        return latest
    return previous if previous.date <= on else None


# ------------------------------------------------------------ the LA's year

@dataclass
class Plan:
    """School-level choices made once for the whole LA, so quotas come out as intended."""
    slt: set[int]
    admin: set[int]
    shared: dict[int, tuple[int, bool]]        # urn -> (partner urn, SENCO is also the head)
    head_senco: set[int]                       # small schools whose head is the SENCO
    no_report: set[int]
    not_returned: set[int]                     # no accepted return for the current year yet


def make_plan(schools: list[DemoSchool], rejected_current: int = 0) -> Plan:
    """rejected_current: schools whose only current-year return is rejected, so count as
    not returned already."""
    r = rng_for("plan")
    by_phase: dict[str, list[DemoSchool]] = {}
    for s in sorted(schools, key=lambda s: s.urn):
        by_phase.setdefault(s.phase or "primary", []).append(s)
    slt_share = {"primary": 0.2, "secondary": 0.5, "special": 0.5, "alternative provision": 1.0}
    admin_share = {"primary": 0.15, "secondary": 0.5, "special": 0.5, "alternative provision": 0.0}
    slt: set[int] = set()
    admin: set[int] = set()
    for phase, group in by_phase.items():
        order = group[:]
        r.shuffle(order)
        slt |= {s.urn for s in order[:round(len(order) * slt_share.get(phase, 0.33))]}
        r.shuffle(order)
        admin |= {s.urn for s in order[:round(len(order) * admin_share.get(phase, 0.2))]}
    small = sorted((s for s in by_phase.get("primary", []) if (s.roll or 999) < 130), key=lambda s: s.urn)
    r.shuffle(small)
    shared: dict[int, tuple[int, bool]] = {}
    for i in range(0, min(8, len(small) - 1), 2):        # up to four federated pairs
        a, b = small[i].urn, small[i + 1].urn
        is_head = i < 4                                  # two pairs: executive head is also SENCO
        shared[a], shared[b] = (b, is_head), (a, is_head)
        if is_head:
            slt |= {a, b}
    head_senco = {s.urn for s in small[8:11]}
    slt |= head_senco
    everyone = sorted(s.urn for s in schools)
    no_report = set(r.sample(everyone, 3))
    missing = max(0, round(len(everyone) * (1 - CURRENT_RETURN_RATE)) - rejected_current)
    not_returned = set(r.sample(everyone, missing))
    return Plan(slt=slt, admin=admin, shared=shared, head_senco=head_senco, no_report=no_report,
                not_returned=not_returned)


def school_years(schools: list[DemoSchool], plan: Plan) -> list[SchoolYear]:
    """Every school's true position for each demo year, with SENCO continuity across years."""
    out: list[SchoolYear] = []
    by_urn = {s.urn: s for s in schools}
    sencos: dict[int, Senco] = {}
    for year in YEARS:
        for school in sorted(schools, key=lambda s: s.urn):
            roll, sup, ehcp = counts(school, year)
            r = rng_for(school.urn, "senco", year)
            prior = sencos.get(school.urn)
            on_slt = school.urn in plan.slt
            if prior is None or r.random() < 0.12:
                appointed = None if prior is None else r.choice(
                    [dt.date(year_start(year), 9, 1), dt.date(year_start(year), 4, 20),
                     dt.date(year_start(year), 1, 6)])
                senco = new_senco(school, sup + ehcp, year, r, slt=on_slt if prior is None or r.random() > 0.2
                                  else not on_slt, appointed=appointed)
            else:
                senco = _drift(prior, r)
            if school.urn in plan.shared:
                partner, is_head = plan.shared[school.urn]
                senco.shared, senco.partner = 2, partner
                if school.urn > partner and partner in sencos and by_urn.get(partner):
                    lead = sencos[partner]                 # same person: same appointment and path
                    senco.appointed, senco.started, senco.finished = lead.appointed, lead.started, lead.finished
                    senco.qualified_teacher, senco.first_senco = lead.qualified_teacher, lead.first_senco
                senco.hours = min(senco.hours, _snap(rng_for(school.urn, "shared").uniform(2.5, 7.5), senco.in_days))
                if is_head:
                    senco.roles = ["headteacher"] + [x for x in senco.roles if x not in
                                                     ("headteacher", "deputy head", "assistant head", "class teacher")]
                    senco.teaching, senco.slt = 0.0, True
            elif school.urn in plan.head_senco:
                senco.roles = ["headteacher"] + [x for x in senco.roles if x not in
                                                 ("headteacher", "deputy head", "assistant head", "class teacher")]
                senco.hours = min(senco.hours, _snap(rng_for(school.urn, "head").uniform(2, 5), senco.in_days))
                senco.slt = True
                senco.teaching = min(senco.teaching, 5.0)
            sencos[school.urn] = senco
            admin = 0.0
            if school.urn in plan.admin:
                base = rng_for(school.urn, "admin")
                admin = (base.choice([2, 3, 4, 5, 6]) if (school.phase or "primary") == "primary"
                         else base.choice([5, 7.5, 10, 12.5, 15]))
            deputy_p = {"primary": 0.12, "secondary": 0.65, "special": 0.6}.get(school.phase or "primary", 0.3)
            deputy = rng_for(school.urn, "deputy").random() < deputy_p
            out.append(SchoolYear(
                school=school, year=year, roll=roll, sen_support=sup, ehcp=ehcp, senco=senco,
                deputy=deputy, admin_hours=admin,
                sen_report=school.urn not in plan.no_report or (year == CURRENT_YEAR and r.random() < 0.3),
                sen_governor=rng_for(school.urn, "governor").random() < 0.85 or r.random() < 0.1,
                inspection=None))
    return out


def attach_inspections(years: list[SchoolYear]) -> dict[int, tuple[Inspection, Inspection]]:
    """Each school's (previous, latest) inspection, and the one it knows of each year."""
    first: dict[int, SchoolYear] = {}
    for sy in years:
        first.setdefault(sy.school.urn, sy)
    history = {urn: inspections(sy.school, quality(sy.school, sy))
               for urn, sy in first.items() if not sy.school.new}
    for sy in years:
        if sy.school.urn in history:
            sy.inspection = inspection_known(*history[sy.school.urn], return_date(sy.year))
    return history


# ------------------------------------------------------------ as people type

def typed_yesno(value: bool, r: random.Random) -> str:
    return r.choice(["Yes", "Yes", "yes", "Y", "TRUE", "1"] if value else ["No", "No", "no", "N", "FALSE", "0"])


def typed_date(value: dt.date, r: random.Random) -> str:
    style = r.random()
    if style < 0.55:
        return value.strftime("%d/%m/%Y")
    if style < 0.8:
        return value.isoformat()
    if style < 0.92:
        return f"{value.day} {value:%B %Y}"
    return f"{value.day}/{value.month}/{value:%y}"


def typed_hours(hours: float, in_days: bool, r: random.Random) -> str:
    if in_days:
        days = hours / DAY_HOURS
        if days == 0.5 and r.random() < 0.5:
            return "half a day"
        text = f"{days:g} day" + ("" if days == 1 else "s")
        return text + (" per week" if r.random() < 0.3 else "")
    style = r.random()
    if style < 0.5:
        return f"{hours:g}"
    if style < 0.7:
        return f"{hours:g} hrs"
    if style < 0.85:
        return f"{hours:g} hours"
    if style < 0.93:
        return f"{hours:g}h"
    return f"approx {hours:g}"


def typed_phase(phase: str | None, school: DemoSchool, r: random.Random) -> str:
    if r.random() < 0.15 or not phase:
        return ""                                   # left blank: comes from the register
    name = school.name.lower()
    if phase == "primary" and "infant" in name and r.random() < 0.5:
        return "Infant"
    if phase == "primary" and "junior" in name and r.random() < 0.5:
        return "Junior"
    if phase == "alternative provision":
        return r.choice(["PRU", "Alternative provision", "AP"])
    if phase == "special":
        return r.choice(["Special", "special school"])
    return r.choice([phase, phase.capitalize(), phase.capitalize()])


_ROLE_TYPING = {
    "DSL": ["DSL", "DSL", "Designated Safeguarding Lead", "D.S.L."],
    "deputy head": ["Deputy Head", "Deputy Headteacher", "DHT"],
    "assistant head": ["Assistant Head", "AHT", "Assistant Headteacher"],
    "headteacher": ["Headteacher", "Head", "Executive Headteacher"],
    "class teacher": ["class teacher", "Class Teacher", "teacher"],
    "designated teacher for looked-after children": ["Designated Teacher for LAC", "designated teacher",
                                                     "Designated teacher for looked after children"],
    "EAL co-ordinator": ["EAL co-ordinator", "EAL coord"],
    "mental health lead": ["Senior Mental Health Lead", "Mental Health Lead"],
}


def typed_roles(roles: list[str], r: random.Random) -> str:
    if not roles:
        return r.choice(["", "", "None", "n/a"])
    sep = r.choice(["; ", "; ", ", ", " / "])
    return sep.join(r.choice(_ROLE_TYPING.get(x, [x])) for x in roles)


_QUAL_TYPING = {
    "NASENCO held": ["NASENCO held", "NASENCO", "NASENCO award held"],
    "NPQ for SENCOs held": ["NPQ for SENCOs held", "NPQ SENCO", "NPQ for SENCOs"],
    "in progress": ["in progress", "In progress", "studying", "ongoing"],
    "not started": ["not started", "Not started", "not yet started", "none"],
}


def send_progress(insp: Inspection | None, r: random.Random) -> str:
    if insp is None:
        return ""
    if r.random() < 0.08:
        return r.choice(["not judged", "Not judged", ""])
    if insp.report_card:
        good = insp.grades.get("inclusion") in EXPECTED_OR_ABOVE
    else:
        good = insp.oeif is not None and (insp.oeif <= 2 if r.random() > 0.1 else insp.oeif <= 1)
    return r.choice(["good or better", "Good or better", "good"] if good else
                    ["less than good", "Less than good", "requires improvement"])


def return_row(sy: SchoolYear, r: random.Random, *, name: str | None = None) -> dict[str, str]:
    """The school's return as typed into a form (column name -> text)."""
    s, c = sy.school, sy.senco
    on = return_date(sy.year)
    year_text = r.choice([sy.year, sy.year, sy.year.replace("/", "-"),
                          f"{sy.year[:4]}/{year_start(sy.year) + 1}"])
    admin = (f"{sy.admin_hours:g}" + r.choice(["", "", " hrs"]) if sy.admin_hours
             else r.choice(["0", "0", "0", "none", "nil", "0"]))
    insp = sy.inspection
    typed = {
        "urn": str(s.urn),
        "school_name": name or s.name,
        "academic_year": year_text,
        "phase": typed_phase(s.phase, s, r),
        "number_on_roll": f"{sy.roll:,}" if sy.roll >= 1000 and r.random() < 0.5 else str(sy.roll),
        "sen_support_pupils": str(sy.sen_support),
        "ehcp_pupils": str(sy.ehcp),
        "senco_hours_per_week": typed_hours(c.hours, c.in_days, r),
        "senco_teaching_hours_per_week": f"{c.teaching:g}" if c.teaching or r.random() < 0.7 else "none",
        "senco_on_slt": typed_yesno(c.slt, r),
        "senco_qualified_teacher": typed_yesno(c.qualified_teacher, r),
        "senco_qualification": r.choice(_QUAL_TYPING[c.qualification(on)]),
        "senco_appointed_date": typed_date(c.appointed, r),
        "senco_other_roles": typed_roles(c.roles, r),
        "senco_shared_schools": str(c.shared),
        "deputy_senco": typed_yesno(sy.deputy, r) if r.random() > 0.05 else "n/a",
        "admin_support_hours_per_week": admin,
        "sen_information_report_published": typed_yesno(sy.sen_report, r),
        "sen_governor": typed_yesno(sy.sen_governor, r),
        "ofsted_inspection_date": typed_date(insp.date, r) if insp else "",
        "ofsted_send_progress": send_progress(insp, r),
        **extra_fields(sy, on),
    }
    # A column added to the return that is not simulated here is left blank, as on an older template.
    return {c.name: typed.get(c.name, "") for c in COLUMNS}


EXTRA_FIELDS = ("senco_time_enough", "senco_works_at_school", "senco_qualification_course",
                "senco_qualification_course_started", "senco_first_senco_date", "sen_information_report_updated")


def extra_fields(sy: SchoolYear, on: dt.date) -> dict[str, str]:
    """The fields added to the return in 2026 (the law's flags and the SENCO's view of their time), drawn
    from their own stream so the rest of each row is as before. Older demo years leave some blank, as
    schools using an older template would."""
    s, c = sy.school, sy.senco
    x = rng_for(s.urn, "return-2026-fields", sy.year)
    if sy.year != CURRENT_YEAR and x.random() < 0.4:
        return dict.fromkeys(EXTRA_FIELDS, "")
    day = DAY_HOURS
    p_not_enough = 0.85 if c.hours < day else 0.65 if c.hours < 1.5 * day else 0.4 if c.hours < 2.5 * day else 0.2
    updated = None
    if sy.sen_report:
        updated = on - dt.timedelta(days=x.randint(20, 350) if x.random() < 0.85 else x.randint(380, 700))
    return {
        "senco_time_enough": typed_yesno(x.random() >= p_not_enough, x),
        "senco_works_at_school": typed_yesno(c.works_here, x),
        "senco_qualification_course": (c.course or "") if c.started and c.started <= on else "",
        "senco_qualification_course_started": typed_date(c.started, x) if c.started and c.started <= on else "",
        "senco_first_senco_date": typed_date(c.first_senco or c.appointed, x) if x.random() > 0.05 else "",
        "sen_information_report_updated": typed_date(updated, x) if updated else "",
    }


# --------------------------------------------------------- the usual mistakes

MISTAKES = ("send_above_roll", "hours_percent", "missing_urn", "duplicate", "impossible_date",
            "negative_count", "bad_urn", "hours_per_term", "future_date", "hours_per_year",
            "unclear_yesno", "wrong_year")


def with_mistake(row: dict[str, str], mistake: str, sy: SchoolYear, r: random.Random) -> list[dict[str, str]]:
    """The rows a school sent when it made this mistake (two rows for a duplicate)."""
    bad = dict(row)
    if mistake == "send_above_roll":              # typed the roll into the SEN support box
        bad["sen_support_pupils"] = str(sy.roll + (0 if sy.ehcp else 7))
    elif mistake == "hours_percent":
        bad["senco_hours_per_week"] = r.choice(["20%", "0.4 FTE", "40%"])
    elif mistake == "missing_urn":
        bad["urn"] = ""
    elif mistake == "duplicate":
        again = dict(row)
        again["senco_hours_per_week"] = typed_hours(sy.senco.hours + 1, False, r)
        return [bad, again]
    elif mistake == "impossible_date":
        bad["senco_appointed_date"] = f"31/02/{sy.senco.appointed.year}"
    elif mistake == "negative_count":
        bad["ehcp_pupils"] = "-" + str(max(1, sy.ehcp))
    elif mistake == "bad_urn":
        bad["urn"] = str(sy.school.urn)[:5]
    elif mistake == "hours_per_term":
        bad["senco_hours_per_week"] = "2 days per term"
    elif mistake == "future_date":
        when = sy.inspection.date if sy.inspection else dt.date(2023, 3, 14)
        bad["ofsted_inspection_date"] = f"{when:%d/%m}/{DEMO_TODAY.year + 1}"
    elif mistake == "hours_per_year":
        bad["senco_hours_per_week"] = str(max(120, round(sy.senco.hours * 39)))
    elif mistake == "unclear_yesno":
        bad["senco_on_slt"] = r.choice(["sometimes", "attends some meetings"])
    elif mistake == "wrong_year":
        bad["academic_year"] = sy.year[:4]
    else:
        raise ValueError(mistake)
    return [bad]
