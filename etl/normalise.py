"""Turn values typed by people into clean values, or explain why they cannot be trusted.

Each parser takes the raw cell (str, number, date or None) and returns the clean value,
or raises `Invalid` with a message a school can act on. `None` means "left blank".
A parser may also return a `Noted` value when it had to convert something (for example
'1.5 days' into hours), so the lake can record that a conversion happened.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass

from domain.columns import Column

EXCEL_EPOCH = dt.date(1899, 12, 30)
NULL_TOKENS = {"", "na", "n/a", "n.a.", "n.a", "not applicable", "-", "--", "—", "–", "null",
               "nil return", "unknown", "not known", "tbc", "?"}
ZERO_TOKENS = {"none", "nil", "no", "zero", "nothing"}


class Invalid(ValueError):
    """A value that cannot be trusted; the message tells the school what to fix, the code
    (one of domain.problems.CODES) names the kind of problem."""

    def __init__(self, message: str, code: str = "unknown"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Noted:
    value: object
    note: str


_SPACES = re.compile(r"\s+")
# C0 control characters and DEL (tab and line breaks are whitespace, folded below): never
# typed on purpose, they break XLSX downloads and terminals, so they are never kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(raw: object) -> str:
    if type(raw) is str and raw.isascii() and raw.isprintable() and "  " not in raw:
        return raw.strip()            # its only whitespace is single spaces: nothing to fold
    if raw is None:
        return ""
    if isinstance(raw, float) and math.isnan(raw):
        return ""
    s = str(raw).replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")
    return _SPACES.sub(" ", _CONTROL.sub("", s)).strip()


def is_blank(raw: object) -> bool:
    return _text(raw).lower() in NULL_TOKENS


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_URN = re.compile(r"\d{6}")
URN_MIN, URN_MAX = 100_000, 999_999      # DfE URNs are six digits and start at 100000
_TRAILING_ZEROS = re.compile(r"\.0+$")


def _number(raw: object) -> float:
    """A plain number from a cell: 12, '12', ' 1,234 ', '12.0'."""
    if isinstance(raw, bool):
        raise Invalid("is not a number", "not-a-number")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise Invalid("is not a number", "not-a-number")
        return float(raw)
    s = _text(raw).replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise Invalid(f"'{_text(raw)}' is not a number", "not-a-number")
    return float(s)


def parse_urn(raw: object) -> int:
    s = _text(raw)
    if isinstance(raw, float) and raw.is_integer():
        s = str(int(raw))
    s = _TRAILING_ZEROS.sub("", s)
    if not _URN.fullmatch(s):
        raise Invalid(f"URN '{_text(raw)}' is not a 6-digit DfE URN (find it on Get Information about Schools)",
                      "urn-not-6-digits")
    if not URN_MIN <= int(s) <= URN_MAX:
        raise Invalid(f"URN '{s}' is not a DfE URN (they run from {URN_MIN} to {URN_MAX}; "
                      "find the school's on Get Information about Schools)", "urn-out-of-range")
    return int(s)


def parse_text(raw: object, max_length: int = 200) -> str:
    s = _text(raw)
    if len(s) > max_length:
        raise Invalid(f"is longer than {max_length} characters", "text-too-long")
    return s


_YEAR = re.compile(r"(\d{4})\s*(?:/|-|–|to|_|\s)\s*(\d{2}|\d{4})", flags=re.I)
_YEAR_RUN_TOGETHER = re.compile(r"(\d{4})(\d{2})")


def current_academic_year_start(today: dt.date) -> int:
    """The calendar year the academic year running on `today` began (it starts in September)."""
    return today.year if today.month >= 9 else today.year - 1


def parse_academic_year(raw: object, today: dt.date | None = None) -> str:
    """'2025/26' from the forms people write; a year more than one ahead of the current
    academic year (as on `today`) is refused: it would become every user's default year."""
    s = _text(raw)
    m = _YEAR.fullmatch(s) or _YEAR_RUN_TOGETHER.fullmatch(s)
    if not m:
        raise Invalid(f"academic year '{s}' should look like 2025/26", "year-not-recognised")
    start, end = int(m.group(1)), m.group(2)
    end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_full < start:
        end_full += 100
    if end_full != start + 1 or not 2000 <= start <= 2099:
        raise Invalid(f"academic year '{s}' should be two consecutive years, like 2025/26", "year-not-consecutive")
    if today is not None:
        now = current_academic_year_start(today)
        if start > now + 1:
            raise Invalid(f"academic year {start}/{str(start + 1)[2:]} is more than a year ahead of the current "
                          f"one ({now}/{str(now + 1)[2:]}); check the year", "year-out-of-range")
    return f"{start}/{str(start + 1)[2:]}"


def parse_count(raw: object, minimum: float = 0, maximum: float | None = None) -> int:
    if _text(raw).lower() in ZERO_TOKENS:
        value = 0.0
    else:
        try:
            value = _number(raw)
        except Invalid:
            raise Invalid(f"'{_text(raw)}' is not a whole number", "not-a-whole-number") from None
    if not value.is_integer():
        raise Invalid(f"'{_text(raw)}' is not a whole number", "not-a-whole-number")
    if value < minimum:
        raise Invalid(f"{value:g} is below the minimum of {minimum:g}", "below-minimum")
    if maximum is not None and value > maximum:
        raise Invalid(f"{value:g} is above the maximum of {maximum:g}", "above-maximum")
    return int(value)


_HOURS_RE = re.compile(
    r"(?P<approx>(?:approx(?:imately)?\.?|about|around|roughly|c\.|circa|~)\s*)?"
    r"(?P<num>\d+(?:\.\d+)?|\d*\.\d+|half(?: a)?|one|two|three|four|five)\s*"
    r"(?P<unit>hours?|hrs?|h|days?|d)?\.?"
    r"(?:\s*(?:per|a|each|/|p/?)\s*(?:week|wk|w))?",
    re.I,
)
_WORDS = {"half": 0.5, "half a": 0.5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def parse_hours(raw: object, day_hours: float, minimum: float = 0,
                maximum: float | None = None) -> float | Noted:
    """Hours per week from '6', '6 hrs', '1.5 days', 'half a day', '2 days per week'."""
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        raise Invalid("the cell is formatted as a date or time in Excel; type the hours a week as a plain "
                      "number (format the cell as General or Number)", "hours-formatted-as-date")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value, note = _number(raw), None
    else:
        s = _text(raw)
        low = s.lower()
        if low in ZERO_TOKENS:
            return 0.0
        if "%" in s or "fte" in low or "percent" in low:
            raise Invalid(f"'{s}' is a share of time, not hours a week; give the hours (e.g. 1.5 days = "
                          f"{1.5 * day_hours:g} hours)", "hours-as-share")
        m = _HOURS_RE.fullmatch(low.replace(",", "."))
        if not m:
            raise Invalid(f"'{s}' is not a number of hours a week (write e.g. 6, '6 hrs' or '1.5 days')",
                          "hours-not-hours")
        num = m.group("num")
        value = float(_WORDS.get(num, num) if num in _WORDS else num)
        unit = (m.group("unit") or "h").lower()
        note = None
        if unit.startswith("d"):
            note = f"converted '{s}' at {day_hours:g} hours a day"
            value = value * day_hours
        elif m.group("approx"):
            note = f"approximate value '{s}' taken as {value:g}"
    if value < minimum:
        raise Invalid(f"{value:g} hours is below the minimum of {minimum:g}", "below-minimum")
    if maximum is not None and value > maximum:
        raise Invalid(f"{value:g} hours a week is more than {maximum:g}; give hours per week, not per term or year",
                      "hours-over-week")
    value = round(value, 2)
    return Noted(value, note) if note else value


_YES = {"yes", "y", "true", "t", "1", "x", "ja", "yes.", "✓", "✔", "yep", "correct"}
_NO = {"no", "n", "false", "f", "0", "no.", "✗", "✘", "nope", "none"}


def parse_yesno(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    s = _text(raw).lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise Invalid(f"'{_text(raw)}' should be yes or no", "not-yes-no")


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def parse_date(raw: object, today: dt.date | None = None) -> dt.date:
    """UK day-first, ISO, '1 September 2021', Excel dates and serial numbers."""
    today = today or dt.date.today()
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = _from_serial(float(raw), raw)
    else:
        value = _date_from_text(_text(raw), today)
    if value.year < 1980:
        raise Invalid(f"date {value:%d/%m/%Y} is too early to be right", "date-too-early")
    if value > today:
        raise Invalid(f"date {value:%d/%m/%Y} is in the future", "date-in-future")
    return value


def _from_serial(serial: float, raw: object) -> dt.date:
    if not 20000 <= serial <= 80000:
        raise Invalid(f"'{raw}' is not a date (write DD/MM/YYYY)", "date-unreadable")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


_MIDNIGHT = re.compile(r"[T ]00:00(:00)?(\.0+)?$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_WORDY_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?(?:\s+|\s*-\s*)([a-z]+)\.?,?(?:\s+|\s*-\s*)(\d{4}|\d{2})",
                         flags=re.I)
_SERIAL_DATE = re.compile(r"\d{5}(\.\d+)?")


def _date_from_text(s: str, today: dt.date | None = None) -> dt.date:
    s2 = _MIDNIGHT.sub("", s)
    try:
        if m := _ISO_DATE.fullmatch(s2):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY_DATE.fullmatch(s2):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            if len(m[3]) == 2 and year > (today or dt.date.today()).year:
                year -= 100
            return dt.date(year, int(m[2]), int(m[1]))
        if m := _WORDY_DATE.fullmatch(s2):
            # '1 September 2021', and Excel's own d-mmm-yy display ('01-Sep-21')
            month = _MONTHS.get(m[2][:3].lower())
            if month:
                year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
                if len(m[3]) == 2 and year > (today or dt.date.today()).year:
                    year -= 100
                return dt.date(year, month, int(m[1]))
        if _SERIAL_DATE.fullmatch(s2):
            return _from_serial(float(s2), s)
    except ValueError:
        raise _unreadable_date(s) from None
    raise _unreadable_date(s)


def _unreadable_date(s: str) -> Invalid:
    return Invalid(f"'{s}' is not a date we can read (write DD/MM/YYYY, e.g. 01/09/2021)", "date-unreadable")


_NOT_FOLDED = re.compile(r"[^a-z0-9+]")


@functools.lru_cache(maxsize=8192)
def _fold(s: str) -> str:
    return _NOT_FOLDED.sub("", s.lower())


_PHASE_SYNONYMS = {
    "nursery": "nursery", "earlyyears": "nursery",
    "primary": "primary", "infant": "primary", "infants": "primary", "junior": "primary",
    "juniors": "primary", "first": "primary", "firstschool": "primary", "infantandjunior": "primary",
    "middle": "middle", "middledeemedprimary": "middle", "middledeemedsecondary": "middle",
    "secondary": "secondary", "highschool": "secondary", "upper": "secondary",
    "allthrough": "all-through", "throughschool": "all-through",
    "special": "special", "specialschool": "special",
    "alternativeprovision": "alternative provision", "ap": "alternative provision",
    "pru": "alternative provision", "pupilreferralunit": "alternative provision",
    "16plus": "16 plus", "16+": "16 plus", "post16": "16 plus", "16to19": "16 plus", "1619": "16 plus",
    "sixthform": "16 plus", "sixthformcollege": "16 plus",
}
_QUAL_SYNONYMS = {
    "nasencoheld": "NASENCO held", "nasenco": "NASENCO held", "nasencoaward": "NASENCO held",
    "nasencoawardheld": "NASENCO held", "nationalawardforsencoordination": "NASENCO held",
    "npqforsencosheld": "NPQ for SENCOs held", "npqforsencos": "NPQ for SENCOs held",
    "npqsenco": "NPQ for SENCOs held", "npq": "NPQ for SENCOs held", "npqheld": "NPQ for SENCOs held",
    "npqsencoheld": "NPQ for SENCOs held",
    "inprogress": "in progress", "studying": "in progress", "started": "in progress",
    "ongoing": "in progress", "undertaking": "in progress", "enrolled": "in progress",
    "notstarted": "not started", "none": "not started", "no": "not started", "notyetstarted": "not started",
}
_OFSTED_SYNONYMS = {
    "goodorbetter": "good or better", "good": "good or better", "outstanding": "good or better",
    "lessthangood": "less than good", "requiresimprovement": "less than good", "ri": "less than good",
    "inadequate": "less than good", "notjudged": "not judged", "notinspected": "not judged",
}
_COURSE_SYNONYMS = {
    "nationalaward": "NASENCO", "nationalawardforsenco": "NASENCO", "nationalawardsenco": "NASENCO",
    "nationalawardforspecialeducationalneedscoordination": "NASENCO", "nasc": "NASENCO", "nasenco": "NASENCO",
    "npq": "NPQ for SENCOs", "npqsenco": "NPQ for SENCOs", "npqsencos": "NPQ for SENCOs",
    "npqforsenco": "NPQ for SENCOs", "npqforsencos": "NPQ for SENCOs",
    "nationalprofessionalqualificationforsencos": "NPQ for SENCOs",
    "nationalprofessionalqualificationforspecialeducationalneedscoordinators": "NPQ for SENCOs",
}
ENUM_SYNONYMS = {"phase": _PHASE_SYNONYMS, "senco_qualification": _QUAL_SYNONYMS,
                 "ofsted_send_progress": _OFSTED_SYNONYMS, "senco_qualification_course": _COURSE_SYNONYMS}


def parse_enum(raw: object, column: Column) -> str:
    s = _text(raw)
    key = _fold(s)
    for choice in column.choices:
        if key == _fold(choice):
            return choice
    mapped = ENUM_SYNONYMS.get(column.name, {}).get(key)
    if mapped:
        return mapped
    raise Invalid(f"'{s}' is not one of: {', '.join(column.choices)}", "not-a-choice")


_ROLE_SYNONYMS = {
    "dsl": "DSL", "designatedsafeguardinglead": "DSL", "safeguardinglead": "DSL", "ddsl": "deputy DSL",
    "deputydsl": "deputy DSL",
    "designatedteacher": "designated teacher for looked-after children",
    "designatedteacherforlookedafterchildren": "designated teacher for looked-after children",
    "designatedteacherforlac": "designated teacher for looked-after children",
    "lac": "designated teacher for looked-after children", "cla": "designated teacher for looked-after children",
    "eal": "EAL co-ordinator", "ealcoordinator": "EAL co-ordinator", "ealcoord": "EAL co-ordinator",
    "ealco": "EAL co-ordinator",
    "head": "headteacher", "headteacher": "headteacher", "ht": "headteacher", "headofschool": "headteacher",
    "executiveheadteacher": "headteacher", "principal": "headteacher",
    "deputyhead": "deputy head", "deputyheadteacher": "deputy head", "dht": "deputy head",
    "deputyheadteacherdht": "deputy head", "viceprincipal": "deputy head",
    "assistanthead": "assistant head", "assistantheadteacher": "assistant head", "aht": "assistant head",
    "classteacher": "class teacher", "teacher": "class teacher", "classteaching": "class teacher",
    "mentalhealthlead": "mental health lead", "seniormentalhealthlead": "mental health lead",
    "attendancelead": "attendance lead", "pupilpremiumlead": "pupil premium lead",
}


_LINE_BREAKS = re.compile(r"[\r\n]+")
_LIST_SEPARATORS = re.compile(r"[;,\n/|]|\band\b(?=\s)")
_PLAIN_SEPARATORS = re.compile(r"[;,\n/|]")       # the same split for text without 'and'
_NO_ROLE = frozenset({"none", "no", "nil", "na", "noneother"})


def parse_list(raw: object) -> list[str]:
    if isinstance(raw, str):      # a line break in the cell (Alt+Enter) separates items; _text would join them
        raw = _LINE_BREAKS.sub(";", raw)
    s = _text(raw)
    roles: list[str] = []
    for p in (_LIST_SEPARATORS if "and" in s else _PLAIN_SEPARATORS).split(s):
        p = p.strip(" .")
        if not p:
            continue
        key = _fold(p)
        if key in _NO_ROLE:
            continue
        role = _ROLE_SYNONYMS.get(key, p)
        if role not in roles:
            roles.append(role)
    return roles


# ------------------------------------------------------- conversions, for the upload preview

def shown(kind: str, value: object) -> str:
    """A clean value as the dashboard writes it: 'yes', '01/09/2021', '16.25 h', '2025/26'."""
    if value is None:
        return ""
    if kind == "yesno":
        return "yes" if value else "no"
    if kind == "date" and isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if kind == "hours":
        return f"{value:g} h"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def conversion(column: Column, raw: object, value: object) -> str | None:
    """What a typed value became, shown as the lake holds it ('2.5 days' -> '16.25 h', 'Y' -> 'yes',
    '2025-26' -> '2025/26', 'Infant' -> 'primary'), or None when it was taken as written: the same
    text but for case and spaces, a number cell read as that number, a date cell as that date."""
    if value is None or raw is None:
        return None
    kind = column.kind
    if kind == "text":
        return None                              # only spaces and control characters are ever changed
    if isinstance(raw, bool):
        return None if kind == "yesno" else shown(kind, value)
    if isinstance(raw, (dt.date, dt.datetime)):
        return None
    if isinstance(raw, (int, float)):
        if kind in ("count", "hours", "urn"):
            return None
        return shown(kind, value)               # 1 -> yes, an Excel serial number -> its date
    typed = _text(raw)
    if kind in ("count", "urn"):
        return None if _TRAILING_ZEROS.sub("", typed) == str(value) else shown(kind, value)
    if kind == "hours":
        try:
            return None if _number(typed) == value else shown(kind, value)
        except Invalid:
            return shown(kind, value)
    text = shown(kind, value)
    if kind == "date":
        return None if _MIDNIGHT.sub("", typed) == text else text
    if kind == "year":
        return None if typed == text else text
    if kind == "enum":
        return None if _fold(typed) == _fold(text) else text
    return None if typed.lower() == text.lower() else text
