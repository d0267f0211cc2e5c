"""The problems a return row can have, each with a stable code, defined once.

Validation reports every problem it finds in a row as a `Problem(code, column, message)`: the
message is written for the school (and printed, stored and shown exactly as before), the code is
a short stable name the lake keeps and the data-quality page groups by, and the column is the
return column the problem is about (None when it is about the row as a whole). `CODES` lists
every code once with its meaning and what the school should do: the README's table of codes
(`python -m etl codes`) and the Returns & data quality page are made from it.

Rejects stored before codes existed hold only their message; `code_for_message` recognises the
messages this software has written (each code's `pattern`) and gives `unknown` for any other.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from domain.columns import COLUMNS


@dataclass(frozen=True)
class Problem:
    code: str                  # a key of CODES
    column: str | None         # the return column it is about; None for the row as a whole
    message: str               # for the school: what is wrong and how to put it right

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str               # plain English: what was wrong with the row
    fix: str                   # what the school should do
    pattern: str               # recognises the message (after any "<column label>: ") in stored rejects


_CODES = (
    Code("required-missing", "A required field (URN, school name or academic year) is blank.",
         "Fill it in: every row needs the school's URN, its name and the academic year.",
         r".+ is missing$"),
    Code("urn-not-6-digits", "The URN is not a 6-digit number.",
         "Give the school's 6-digit URN, as shown on Get Information about Schools.",
         r"URN '.*' is not a 6-digit DfE URN"),
    Code("urn-out-of-range", "The URN has 6 digits but is not a DfE URN (they run from 100000 to 999999).",
         "Check the URN on Get Information about Schools; a leading zero is not part of a URN.",
         r"URN '.*' is not a DfE URN \(they run"),
    Code("year-not-recognised", "The academic year is not written as a year.",
         "Write the academic year as 2025/26.", r"academic year '.*' should look like"),
    Code("year-not-consecutive", "The academic year is not two consecutive years from 2000 on.",
         "Write the academic year as two consecutive years, like 2025/26.",
         r"academic year '.*' should be two consecutive years"),
    Code("year-out-of-range", "The academic year is more than a year ahead of the current one.",
         "Check the academic year the return describes.", r"academic year .* is more than a year ahead"),
    Code("text-too-long", "A text field is longer than 200 characters.",
         "Shorten it to the name or value asked for.", r"is longer than \d+ characters"),
    Code("not-a-number", "A number field holds something that is not a number.",
         "Type the number as a plain number.", r"(?:'.*' )?is not a number$"),
    Code("not-a-whole-number", "A count of pupils or schools is not a whole number.",
         "Give a whole number (0 for none).", r"'.*' is not a whole number"),
    Code("below-minimum", "A number is below the smallest value it can take (a negative count or hours).",
         "Check the figure: counts and hours cannot be negative, and a SENCO covers at least 1 school.",
         r"-?[\d.e+]+ (?:hours )?is below the minimum of"),
    Code("above-maximum", "A count is larger than any school's could be.",
         "Check the figure is a count of pupils (or schools), not a total for a trust or the LA.",
         r"-?[\d.e+]+ is above the maximum of"),
    Code("hours-not-hours", "An hours field is not a number of hours a week.",
         "Write the hours a week as a number, e.g. 6, '6 hrs' or '1.5 days'.",
         r"'.*' is not a number of hours a week"),
    Code("hours-as-share", "An hours field gives a share of time (a percentage or FTE), not hours.",
         "Give the hours a week, not a share of the week (the reason gives 1.5 days in hours).",
         r"'.*' is a share of time, not hours a week"),
    Code("hours-formatted-as-date", "An hours cell is formatted as a date or time in Excel.",
         "Format the cell as General or Number and type the hours a week.",
         r"the cell is formatted as a date or time in Excel"),
    Code("hours-over-week", "More hours a week than the role could take: probably hours per term or year.",
         "Give the hours per week.", r"[\d.e+]+ hours a week is more than"),
    Code("not-yes-no", "A yes/no field holds something other than yes or no.",
         "Answer yes or no.", r"'.*' should be yes or no"),
    Code("not-a-choice", "A field with fixed choices holds something else.",
         "Use one of the choices listed in the template.", r"'.*' is not one of: "),
    Code("date-unreadable", "A date cannot be read as a date.",
         "Write the date as DD/MM/YYYY, e.g. 01/09/2021.", r"'.*' is not a date"),
    Code("date-too-early", "A date is before 1980, so cannot be right.",
         "Check the date, in DD/MM/YYYY.", r"date .* is too early to be right"),
    Code("date-in-future", "A date is in the future.",
         "Check the date (day first: 01/09/2021 is 1 September).", r"date .* is in the future"),
    Code("send-above-roll", "More pupils with SEND (SEN Support plus EHC plans) than on roll.",
         "Check the number on roll and the SEN Support and EHC plan counts are for this school, this year.",
         r"(?:SEND pupils|pupils at SEN Support|pupils with an EHC plan) \(.*\) (?:are|is) more than the number on roll"),
    Code("time-plus-teaching-over-65", "SENCO time and teaching time add up to more than 65 hours a week.",
         "Check both are hours per week (not per term or year).",
         r"SENCO time \(.*\) plus teaching \(.*\) is more than 65 hours a week"),
    Code("duplicate-in-file", "The same school and academic year appear more than once in one file.",
         "Send one row per school per year: remove the extra rows and send the file again.",
         r"URN \S+ appears \d+ times for"),
    Code("superseded-by-later-response", "An online form response replaced by the school's later response.",
         "Nothing to do: the school's latest response is its return.", r"superseded: "),
    Code("unknown", "A reason stored before reasons had codes, not recognised.",
         "Read the reason given with the row.", r"(?!)"),
)
CODES: dict[str, Code] = {c.code: c for c in _CODES}
UNKNOWN = "unknown"

_LABELS = sorted(((c.label, c.name) for c in COLUMNS), key=lambda x: len(x[0]), reverse=True)
_COMPILED = [(c.code, re.compile(c.pattern)) for c in _CODES if c.code != "required-missing"]


def problem_for_message(message: str) -> Problem:
    """The problem a stored message describes: its code (UNKNOWN when not recognised) and column."""
    message = str(message)
    for label, name in _LABELS:
        if message == f"{label} is missing":
            return Problem("required-missing", name, message)
        if message.startswith(label + ": "):
            rest = message[len(label) + 2:]
            code = next((code for code, rx in _COMPILED if rx.match(rest)), UNKNOWN)
            return Problem(code, name, message)
    for code, rx in _COMPILED:
        if rx.match(message):
            return Problem(code, _ROW_COLUMNS.get(code), message)
    return Problem(UNKNOWN, None, message)


def code_for_message(message: str) -> str:
    return problem_for_message(message).code


# The column a row-level problem is reported against (validate.CROSS_RULES and duplicates use the same).
_ROW_COLUMNS = {"send-above-roll": "number_on_roll", "time-plus-teaching-over-65": "senco_hours_per_week",
                "duplicate-in-file": "urn"}


def split_reasons(text: object) -> list[str]:
    """The single reasons in a reasons string stored before codes (joined with '; ' by the loader).

    A reason may itself contain '; ' (the duplicate-row reason does, and values a school typed
    may): a piece that does not start like a reason is glued back to the one before."""
    if text is None or (isinstance(text, float) and text != text):
        return []
    out: list[str] = []
    for piece in str(text).split("; "):
        if out and not _starts_reason(piece):
            out[-1] += "; " + piece
        elif piece:
            out.append(piece)
    return out


def _starts_reason(text: str) -> bool:
    if any(text == f"{label} is missing" or text.startswith(label + ": ") for label, _ in _LABELS):
        return True
    return any(rx.match(text) for code, rx in _COMPILED if code in _ROW_COLUMNS or code == "superseded-by-later-response")


def codes_table() -> list[dict[str, str]]:
    """Every code with its meaning and fix: for the README and the data-quality page."""
    return [{"Code": c.code, "What it means": c.meaning, "What the school should do": c.fix} for c in _CODES]


def markdown_table() -> str:
    rows = codes_table()
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(f"`{r[h]}`" if h == "Code" else r[h].replace("|", "\\|") for h in head) + " |"
              for r in rows]
    return "\n".join(lines)


def codes_text(problems: list[Problem]) -> str:
    """The distinct codes of a row's problems, in order, space-separated (the rejects table's `codes`)."""
    return " ".join(dict.fromkeys(p.code for p in problems))


def problems_json(problems: list[Problem]) -> str:
    """A row's problems as the rejects table keeps them (`problems`)."""
    return json.dumps([{"code": p.code, "column": p.column, "message": p.message} for p in problems],
                      ensure_ascii=False)
