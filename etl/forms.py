"""Online-form exports (Microsoft Forms, Google Forms, SurveyMonkey) read as SENCO returns.

Most LAs collect the return through an online form, whose export has the form's own
columns: a few fixed ones the form service adds (response id, times, the respondent),
then one column per question headed by the question's text. This module

- recognises an export by its fixed columns (`read_export`) and names the service;
- proposes a mapping from the form's questions to the return's columns, by matching each
  question's text to a column's label and description (`propose`), with value maps where the
  form's answers are worded differently from ours ("Yes – full member" -> yes);
- applies a mapping (`mapped_rows`): each response becomes one return row for the loader's
  own validation (`etl.load.check_returns`), so form responses are accepted, rejected and
  counted exactly as rows of a return file are. When one school responded more than once, the
  latest completed response is the return and each earlier one is kept as a rejected row
  whose reason names the response that superseded it, so every row read is still accounted for.

A mapping is saved in the lake under the form's question signature (lake.form_mappings), so
next year's export of the same form loads without mapping again.

The respondent's name, email and IP address are read only to be left out: they never reach a
row's raw values, the rejects table, a preview or an export. (The file itself is kept as
received, like every loaded file, in the lake's raw folder.)
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from domain.columns import COLUMN_BY_NAME, COLUMNS, REQUIRED, header_key
from domain.vocabularies import LIST_SEPARATOR
from etl import workbook_check
from etl.load import FileOutcome, check_returns, load_returns
from etl.normalise import Invalid, parse_academic_year, parse_enum, parse_yesno
from etl.readers import NotAReturn, ParsedFile, SourceRow, decode_text
from etl.validate import RowResult
from lake import form_mappings

# ------------------------------------------------------------------ the services' fixed columns

MS_FORMS, GOOGLE_FORMS, SURVEYMONKEY = "Microsoft Forms", "Google Forms", "SurveyMonkey"

# Folded header -> role. Roles: id, start, completed, modified, respondent (private), other (ignored).
_FIXED = {
    MS_FORMS: {"id": "id", "starttime": "start", "completiontime": "completed", "email": "respondent",
               "name": "respondent", "lastmodifiedtime": "modified", "totalpoints": "other",
               "quizfeedback": "other"},
    GOOGLE_FORMS: {"timestamp": "completed", "emailaddress": "respondent", "score": "other"},
    SURVEYMONKEY: {"respondentid": "id", "collectorid": "other", "startdate": "start", "enddate": "completed",
                   "ipaddress": "respondent", "emailaddress": "respondent", "firstname": "respondent",
                   "lastname": "respondent", "customdata1": "respondent", "customdata": "respondent"},
}
# How each service joins the options of a multiple-choice answer in one cell.
_JOINERS = {MS_FORMS: ";", GOOGLE_FORMS: ", ", SURVEYMONKEY: None}
# Dates in the services' CSV exports: Microsoft and SurveyMonkey write the account's locale (US
# month-first is common), a Google Sheet its own locale; the order is settled per file.
_SM_SECOND_ROW = {"response", "openendedresponse"}


def kind_of(header: list[object]) -> str | None:
    """Which service wrote an export, from its first header row; None when it is no form export."""
    keys = [header_key(h) for h in header]
    if {"id", "starttime", "completiontime"} <= set(keys[:8]):
        return MS_FORMS
    if keys and keys[0] == "timestamp":
        return GOOGLE_FORMS
    if {"respondentid", "collectorid"} <= set(keys[:4]):
        return SURVEYMONKEY
    return None


@dataclass
class Question:
    key: str                        # the folded question text (unique in the form)
    text: str                       # the question as the form shows it
    columns: list[int]              # the export's columns holding its answer
    options: list[str] = field(default_factory=list)   # SurveyMonkey: one option per column

    @property
    def spread(self) -> bool:
        """A multiple choice spread over one column per option (SurveyMonkey)."""
        return len(self.columns) > 1


@dataclass
class Response:
    row_number: int                 # as Excel or a text editor shows it
    cells: list[object]
    completed: dt.datetime | None = None


@dataclass
class FormExport:
    kind: str
    file_name: str
    questions: list[Question]
    responses: list[Response]
    header_rows: int
    fixed: dict[int, str]           # column -> role of the service's own columns
    header: list[str] = field(default_factory=list)
    month_first: bool | None = None # how the file writes dates (settled from its times)

    @property
    def signature(self) -> str:
        """The form's identity: its questions (and SurveyMonkey options), not their order or answers."""
        parts = sorted(q.key + "|" + "|".join(header_key(o) for o in q.options) for q in self.questions)
        return hashlib.sha256(("\n".join([self.kind, *parts])).encode("utf-8")).hexdigest()[:16]

    def answer(self, q: Question, r: Response) -> object:
        """One response's answer to a question: the cell, or a spread choice as a list of the options ticked."""
        if not q.spread:
            return _cell(r.cells, q.columns[0])
        ticked: list[str] = []
        for option, j in zip(q.options, q.columns):
            v = _cell(r.cells, j)
            if _blank(v):
                continue
            text = str(v).strip()
            # A ticked option holds its own text; an 'Other (please specify)' column holds what was typed.
            ticked.append(option if header_key(text) in ("1", header_key(option)) else text)
        return ticked

    def answers(self, q: Question, split: bool = True) -> list[str]:
        """The distinct answers in first-seen order; with `split`, each option of a multiple choice on
        its own (for a list column: a single-choice answer may itself contain ';' or ',')."""
        seen: dict[str, None] = {}
        for r in self.responses:
            a = self.answer(q, r)
            for item in (self.items(q, a) if split or isinstance(a, list) else [] if _blank(a) else [_text(a)]):
                seen.setdefault(item, None)
        return list(seen)

    def items(self, q: Question, answer: object) -> list[str]:
        """An answer as its separate choices (a single answer is one item)."""
        if isinstance(answer, list):
            return [a for a in answer if a]
        if _blank(answer):
            return []
        text = _text(answer)
        joiner = _JOINERS.get(self.kind)
        if joiner and joiner.strip() in text:
            return [p.strip() for p in text.split(joiner.strip()) if p.strip()]
        return [text]


def _text(v: object) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()


def _cell(cells: list[object], j: int) -> object:
    return cells[j] if j < len(cells) else None


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------ reading an export

def _grid(data: bytes, file_name: str) -> list[list[object]]:
    """The first sheet or the CSV as rows of cells; only the first row unless it is a form export's
    header (so checking an ordinary return file costs one row's reading)."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":

        try:        # never hand calamine a workbook past a return's size (the reader says why)
            if data[:4] == b"PK\x03\x04":
                workbook_check.check_xlsx(data)
            elif len(data) > workbook_check.MAX_XLS_BYTES:
                return []
        except Exception:        # noqa: BLE001 - too big or not a zip: not a form export
            return []
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            first = next(iter(sheet.iter_rows()), [])
            if kind_of([("" if v is None else str(v)).strip() for v in first]) is None:
                return [list(first)]
            return [list(r) for r in sheet.to_python(skip_empty_area=False)]
        except BaseException as exc:   # noqa: BLE001 - calamine raises several types (and panics, a BaseException);
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):   # the ordinary reader explains the file
                raise
            return []
    try:
        text = decode_text(data[:4096] if len(data) > 4096 else data)
        first = text.split("\n", 1)[0]
        delim = max((",", ";", "\t"), key=first.count)
        header = next(csv.reader([first.rstrip("\r")], delimiter=delim), [])
        if kind_of(header) is None:
            return [header]
        text = decode_text(data)
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    except (NotAReturn, csv.Error, UnicodeError):
        return []


def read_export(data: bytes, file_name: str) -> FormExport | None:
    """The export's questions and responses, or None when the file is not an online-form export."""
    grid = _grid(data, file_name)
    if not grid:
        return None
    header = [("" if v is None else str(v)).strip() for v in grid[0]]
    kind = kind_of(header)
    if kind is None:
        return None
    fixed: dict[int, str] = {}
    header_rows = 1
    questions: list[Question] = []
    seen_keys: dict[str, int] = {}

    def add(text: str, columns: list[int], options: list[str] | None = None) -> None:
        key = header_key(text) or f"column{columns[0] + 1}"
        if key in seen_keys:                       # the same question text twice: number the later ones
            seen_keys[key] += 1
            key = f"{key}#{seen_keys[key]}"
        else:
            seen_keys[key] = 1
        questions.append(Question(key, text or f"column {columns[0] + 1}", columns, options or []))

    if kind == SURVEYMONKEY:
        header_rows = 2
        second = [("" if v is None else str(v)).strip() for v in (grid[1] if len(grid) > 1 else [])]
        j = 0
        while j < len(header):
            role = _FIXED[kind].get(header_key(header[j]))
            if role:
                fixed[j] = role
                j += 1
                continue
            if not header[j]:                      # a blank under no question: an empty column
                j += 1
                continue
            span = [j]
            while j + len(span) < len(header) and not header[j + len(span)]:
                span.append(j + len(span))
            labels = [second[c] if c < len(second) else "" for c in span]
            if len(span) == 1 and header_key(labels[0]) in _SM_SECOND_ROW | {""}:
                add(header[j], span)
            else:
                add(header[j], span, [lab or f"option {i + 1}" for i, lab in enumerate(labels)])
            j += len(span)
    else:
        for j, h in enumerate(header):
            role = _FIXED[kind].get(header_key(h))
            if role and j < 8:
                fixed[j] = role
            elif kind == MS_FORMS and re.match(r"(points|feedback) - ", h, re.IGNORECASE):
                fixed[j] = "other"                 # a quiz's marks, not an answer
            elif h:
                add(h, [j])
    responses = [Response(i + 1, list(row)) for i, row in enumerate(grid) if i >= header_rows
                 and any(not _blank(v) for v in row)]
    month_first = _completion_times(kind, fixed, responses)
    return FormExport(kind, Path(file_name).name, questions, responses, header_rows, fixed, header, month_first)


_TIME_FORMATS = ("%m/%d/%y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%Y %H:%M",
                 "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M:%S %p")


def _parse_times(values: list[object], month_first: bool) -> list[dt.datetime | None] | None:
    out: list[dt.datetime | None] = []
    formats = _TIME_FORMATS if month_first else tuple(f.replace("%m/%d", "%d/%m") for f in _TIME_FORMATS)
    for v in values:
        if isinstance(v, dt.datetime):
            out.append(v.replace(tzinfo=None))
            continue
        if isinstance(v, dt.date):
            out.append(dt.datetime.combine(v, dt.time()))
            continue
        text = re.sub(r"\s+(GMT|UTC|BST)([+-]\d+)?$", "", str(v or "").strip())
        if not text:
            out.append(None)
            continue
        try:
            out.append(dt.datetime.fromisoformat(text.replace("/", "-")).replace(tzinfo=None))
            continue
        except ValueError:
            pass
        for f in formats:
            try:
                out.append(dt.datetime.strptime(text, f))
                break
            except ValueError:
                continue
        else:
            return None                            # this order cannot read every time
    return out


def _completion_times(kind: str, fixed: dict[int, str], responses: list[Response]) -> bool | None:
    """Each response's completion time (its last edit, when the service records one). Month-first
    or day-first is settled for the whole file: the order that reads every time, month-first for
    Microsoft and SurveyMonkey when both do (their US default), day-first for a Google Sheet.
    Returns whether the file writes dates month-first (None when its times do not say)."""
    cols = [j for j, role in fixed.items() if role in ("start", "completed", "modified")]
    per_col, month_first = {}, None
    for j in cols:
        values = [_cell(r.cells, j) for r in responses]
        texts = [v for v in values if isinstance(v, str) and "/" in v]
        for order in ((True, False) if kind != GOOGLE_FORMS else (False, True)):
            times = _parse_times(values, order)
            if times is not None:
                per_col[j] = times
                if texts and (month_first is None or fixed[j] != "start"):
                    month_first = order
                break
    for i, r in enumerate(responses):
        known = [t[i] for j, t in per_col.items() if fixed[j] != "start" and t[i] is not None]
        r.completed = max(known) if known else None
    return month_first


# ------------------------------------------------------------------ proposing a mapping

_STOP_WORDS = ("a an and are as at be by can do does for from given has have how i in is it many much of "
               "on or our per please s the their there this to what when which who with you your")
_STOP = frozenset(_STOP_WORDS.split())
_SYNONYMS = {"ehcp": "ehc plan", "ehcps": "ehc plan", "slt": "senior leadership team", "nor": "number on roll",
             "sendco": "senco", "inco": "senco", "dob": "date", "sir": "sen information report",
             "npq": "npq", "nasenco": "nasenco", "qts": "qualified teacher", "dfe": "dfe"}


def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", str(text).lower().replace("'s", ""))
    out: set[str] = set()
    for w in words:
        for part in _SYNONYMS.get(w, w).split():
            if part in _STOP:
                continue
            if len(part) > 3 and part.endswith("s") and not part.endswith("ss"):
                part = part[:-1]
            out.add(part)
    return out


def match_score(question: str, column: str) -> float:
    """How well a question's text matches a return column (0..1): its label (or name, or alias)
    wholly in the question, else the words the question shares with the label or description."""
    c = COLUMN_BY_NAME[column]
    q = _tokens(question)
    if not q:
        return 0.0
    best = 0.0
    for text in (c.label, c.name.replace("_", " "), *c.aliases):
        t = _tokens(text)
        if t and t <= q:
            best = max(best, 0.6 + 0.4 * len(t) / len(q))
        elif t:
            best = max(best, 2 * len(q & t) / (len(q) + len(t)))
    d = _tokens(c.description)
    if d:
        best = max(best, 0.9 * 2 * len(q & d) / (len(q) + len(d)))
    return round(best, 3)


PROPOSE_AT = 0.45       # below this a question is left unmapped for the officer to choose
SURE_AT = 0.75          # at or above this a proposal is shown as a good match


@dataclass
class FieldMap:
    question: str                   # Question.key
    text: str                       # the question as the form shows it
    column: str | None              # a return column name, or None: not used
    values: dict[str, str] = field(default_factory=dict)    # an answer (or option) -> our value
    score: float = 0.0              # how sure the proposal was (1.0: chosen or saved)


@dataclass
class Mapping:
    kind: str
    signature: str
    fields: list[FieldMap]

    def column_of(self, question_key: str) -> str | None:
        return next((f.column for f in self.fields if f.question == question_key), None)

    def problems(self) -> list[str]:
        """Why this mapping cannot load returns, in words an officer can act on (empty when it can)."""
        out: list[str] = []
        used: dict[str, str] = {}
        for f in self.fields:
            if f.column is None:
                continue
            if f.column not in COLUMN_BY_NAME:
                out.append(f"'{f.text}' is mapped to '{f.column}', which is not a column of the return")
            elif f.column in used:
                out.append(f"'{COLUMN_BY_NAME[f.column].label}' is chosen for two questions: "
                           f"'{used[f.column]}' and '{f.text}'; choose it for one")
            else:
                used[f.column] = f.text
        for name in REQUIRED:
            if name not in used:
                out.append(f"no question is mapped to '{COLUMN_BY_NAME[name].label}', which every return needs")
        return out

    def to_json(self) -> str:
        return json.dumps({"form": self.kind, "signature": self.signature,
                           "questions": [{"question": f.text, "key": f.question, "column": f.column,
                                          **({"values": f.values} if f.values else {})} for f in self.fields]},
                          indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Mapping:
        """A mapping saved by `to_json` (or written by hand: 'key' may be left out)."""
        try:
            d = json.loads(text)
            fields = [FieldMap(question=q.get("key") or header_key(q["question"]), text=str(q["question"]),
                               column=q.get("column") or None,
                               values={str(k): str(v) for k, v in (q.get("values") or {}).items()}, score=1.0)
                      for q in d["questions"]]
            return cls(kind=str(d.get("form", "")), signature=str(d.get("signature", "")), fields=fields)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"the mapping file is not a saved form mapping ({type(exc).__name__}: {exc})") from None

    def for_export(self, export: FormExport) -> Mapping:
        """This mapping applied to an export, by question text: a question the mapping does not know is
        left unmapped (so next year's form with one new question still loads what it knows)."""
        by_key = {f.question: f for f in self.fields}
        fields = [FieldMap(q.key, q.text, by_key[q.key].column, dict(by_key[q.key].values), 1.0)
                  if q.key in by_key else FieldMap(q.key, q.text, None) for q in export.questions]
        return Mapping(export.kind, export.signature, fields)


def propose(export: FormExport, known: list[Mapping] | None = None) -> Mapping:
    """A mapping for an export: questions any saved mapping already knows keep their column and value
    maps; the rest are matched by text, each return column to at most one question, best match first."""
    fields: dict[str, FieldMap] = {}
    taken: set[str] = set()
    for m in known or []:
        for f in m.fields:
            if f.column and f.column not in taken and f.question not in fields and \
                    any(q.key == f.question for q in export.questions):
                fields[f.question] = FieldMap(f.question, f.text, f.column, dict(f.values), 1.0)
                taken.add(f.column)
    pairs = sorted(((match_score(q.text, c.name), q.key, c.name) for q in export.questions if q.key not in fields
                    for c in COLUMNS), reverse=True)
    for score, key, column in pairs:
        if score < PROPOSE_AT:
            break
        if key in fields or column in taken:
            continue
        fields[key] = FieldMap(key, "", column, score=score)
        taken.add(column)
    out: list[FieldMap] = []
    for q in export.questions:
        f = fields.get(q.key) or FieldMap(q.key, q.text, None)
        f.text = q.text
        if f.column and not f.values:
            f.values = propose_values(export, q, f.column)
        out.append(f)
    return Mapping(export.kind, export.signature, out)


def propose_values(export: FormExport, q: Question, column: str) -> dict[str, str]:
    """Value maps for the answers our validation would not read as they are."""
    c = COLUMN_BY_NAME[column]
    out: dict[str, str] = {}
    for answer in export.answers(q, split=c.kind == "list"):
        guess = guess_value(answer, column)
        if guess is not None and guess != answer:
            out[answer] = guess
    return out if c.kind in ("yesno", "enum", "list") else {}


def needs_value(answer: str, column: str) -> bool:
    """Whether our validation would not read this answer as it is (so it needs a value map)."""
    c = COLUMN_BY_NAME[column]
    try:
        parse_yesno(answer) if c.kind == "yesno" else parse_enum(answer, c) if c.kind == "enum" else None
    except Invalid:
        return True
    return False


def guess_value(answer: str, column: str) -> str | None:
    """Our value for one of a form's answers, when it is worded differently; None when no guess."""
    c = COLUMN_BY_NAME[column]
    if c.kind == "yesno":
        try:
            parse_yesno(answer)
            return None
        except Invalid:
            first = re.split(r"[\s,–—\-:;(]+", answer.strip().lower(), maxsplit=1)[0]
            return {"yes": "yes", "no": "no", "y": "yes", "n": "no"}.get(first)
    if c.kind == "enum":
        try:
            parse_enum(answer, c)
            return None
        except Invalid:
            a = _tokens(answer)
            scored = sorted(((len(a & _tokens(ch)) / max(len(_tokens(ch)), 1), ch) for ch in c.choices), reverse=True)
            if scored and scored[0][0] >= 0.5 and (len(scored) < 2 or scored[0][0] > scored[1][0]):
                return scored[0][1]
            close = difflib.get_close_matches(answer.lower(), [ch.lower() for ch in c.choices], n=1, cutoff=0.6)
            return next((ch for ch in c.choices if close and ch.lower() == close[0]), None)
    if c.kind == "list" and "," in answer:
        return answer.replace(",", "")        # an option with a comma in it is one item, not two
    return None


# ------------------------------------------------------------------ applying a mapping

@dataclass
class Superseded:
    row_number: int
    raw: dict[str, object]
    record: dict[str, object]
    by_row: int
    reason: str


@dataclass
class MappedExport:
    parsed: ParsedFile              # the latest response from each school, as return rows
    superseded: list[Superseded]


def _value(export: FormExport, q: Question, f: FieldMap, answer: object) -> object:
    column = COLUMN_BY_NAME[f.column]
    maps = {header_key(k): v for k, v in f.values.items()}

    def mapped(item: str) -> str:
        return f.values.get(item, maps.get(header_key(item), item))

    if column.kind == "date" and export.month_first and isinstance(answer, str):
        us = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\s*", answer)
        if us:                               # the form wrote it month-first: our reader takes DD/MM/YYYY
            m, d, y = (int(x) for x in us.groups())
            answer = f"{y + 2000 if y < 100 else y:04d}-{m:02d}-{d:02d}"
    if column.kind == "list":
        items = [mapped(i) for i in export.items(q, answer)]
        return LIST_SEPARATOR.join(i for i in items if i) or None
    if isinstance(answer, list):
        return LIST_SEPARATOR.join(mapped(a) for a in answer) or None
    if isinstance(answer, str) and answer.strip():
        return mapped(answer.strip())
    return answer


def raw_answers(export: FormExport, r: Response) -> dict[str, object]:
    """A response's answers by question, as received, without the respondent's name, email or IP address."""
    raw: dict[str, object] = {}
    for j, role in sorted(export.fixed.items()):
        if role in ("id", "start", "completed", "modified"):
            raw[str(_cell(export.header, j))] = _cell(r.cells, j)
    for q in export.questions:
        a = export.answer(q, r)
        raw[q.text] = "; ".join(a) if isinstance(a, list) else a
    return raw


def mapped_rows(export: FormExport, mapping: Mapping) -> MappedExport:
    """The export's responses as return rows through a mapping; one school's earlier responses for a
    year are set aside as superseded by its latest."""
    problems = mapping.problems()
    if problems:
        raise NotAReturn(f"the {export.kind} export cannot load with this mapping: " + "; ".join(problems))
    fields = {f.question: f for f in mapping.fields if f.column}
    rows: list[SourceRow] = []
    for r in export.responses:
        cells: dict[str, object] = {}
        for q in export.questions:
            f = fields.get(q.key)
            if f is not None:
                cells[f.column] = _value(export, q, f, export.answer(q, r))
        rows.append(SourceRow(r.row_number, cells, raw_answers(export, r)))
    latest: dict[tuple, tuple] = {}
    for i, (r, row) in enumerate(zip(export.responses, rows)):
        key = _school_key(row.cells)
        if key is None:
            continue
        rank = (r.completed or dt.datetime.min, i)     # same time or none: the later row in the file
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, row.row_number)
    kept, superseded = [], []
    for _response, row in zip(export.responses, rows):
        key = _school_key(row.cells)
        if key is None or latest[key][1] == row.row_number:
            kept.append(row)
            continue
        by = latest[key][1]
        later = next(x for x in export.responses if x.row_number == by)
        when = f", completed {later.completed:%d/%m/%Y %H:%M}" if later.completed else ""
        superseded.append(Superseded(row.row_number, row.raw, dict(row.cells), by,
                                     f"superseded: the same school sent a later response for this year "
                                     f"(row {by}{when}); only the latest response is the school's return"))
    unused = [q.text for q in export.questions if q.key not in fields]
    return MappedExport(ParsedFile(rows=kept, layout="table", ignored_headers=unused), superseded)


def _school_key(cells: dict[str, object]) -> tuple | None:
    urn, year = cells.get("urn"), cells.get("academic_year")
    if _blank(urn) or _blank(year):
        return None
    if isinstance(urn, float) and urn.is_integer():
        urn = int(urn)
    try:
        year = parse_academic_year(year)
    except Invalid:
        year = header_key(year)
    return (re.sub(r"\D", "", str(urn)) or str(urn).strip(), str(year))


# ------------------------------------------------------------------ checking and loading

def check_form(data: bytes, file_name: str, mapping: Mapping, today: dt.date | None = None,
               export: FormExport | None = None):
    """A form export checked as a return file is (etl.load.check_returns), through a mapping. The
    outcome counts every response: loaded, rejected with its reasons, or superseded."""
    export = export or read_export(data, file_name)
    if export is None:
        return check_returns(data, file_name, today=today)
    mapping = mapping.for_export(export) if mapping.signature != export.signature else mapping
    try:
        mapped = mapped_rows(export, mapping)
    except NotAReturn as exc:
        return FileOutcome(file_name=file_name, status="failed", message=str(exc))
    if not mapped.parsed.rows and not mapped.superseded:
        return FileOutcome(file_name=file_name, status="failed", message=f"the {export.kind} export has no responses")
    outcome = check_returns(data, file_name, today=today, reader=lambda _path, _data: mapped.parsed)
    if mapped.superseded:
        results = list(outcome.results) + [
            RowResult(s.row_number, s.raw, s.record, [s.reason]) for s in mapped.superseded]
        outcome.results = sorted(results, key=lambda r: r.row_number)
        outcome.rows_read += len(mapped.superseded)
        outcome.rejected += len(mapped.superseded)
        if outcome.status == "failed" and outcome.rows_read:
            outcome.status, outcome.message = "loaded", ""
    return outcome


def read_mapping_file(path: Path) -> Mapping:
    """A mapping file saved from the upload page (or written by hand), with a one-line error when it is not one."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the mapping file ({exc.strerror or exc})") from None
    mapping = Mapping.from_json(data)
    unknown = [f.column for f in mapping.fields if f.column and f.column not in COLUMN_BY_NAME]
    if unknown:
        raise ValueError("the mapping names column(s) the return does not have: " + ", ".join(unknown))
    return mapping


def checker(mappings: dict[str, Mapping], given: Mapping | None = None) -> Callable:
    """A check for etl.load.load_returns: a form export goes through `given` or the mapping saved for
    its form; any other file is checked as a return file."""

    def check(data: bytes, file_name: str, today: dt.date | None = None):
        export = read_export(data, file_name)
        if export is None:
            return check_returns(data, file_name, today=today)
        # --mapping is for its own form; another form in the batch keeps the mapping saved for it
        use_given = given is not None and (given.signature == export.signature or export.signature not in mappings)
        mapping = given if use_given else mappings.get(export.signature)
        if mapping is None:
            return FileOutcome(file_name=file_name, status="failed", message=(
                f"this is a {export.kind} export whose questions have not been matched to the return's columns "
                "yet: map them once on the Returns & data quality page (Upload returns), or give the saved "
                "mapping file with --mapping"))
        return check_form(data, file_name, mapping, today, export)
    return check


def saved_mappings(lake_path: Path | None = None, reader=None) -> dict[str, Mapping]:
    """signature -> the Mapping in use, for every form the lake has a mapping for."""
    return {sig: Mapping.from_json(text) for sig, text in form_mappings.current(lake_path, reader).items()}


def load_forms(files: list[tuple[str, bytes]], lake_path: Path | None = None, given: Mapping | None = None,
               today: dt.date | None = None) -> list:
    """Load files, form exports among them, through etl.load.load_returns (one transaction). A form
    export uses `given` (saved in the lake first, under the form's signature) or the lake's saved mapping."""
    saved = saved_mappings(lake_path)
    if given is not None:
        for name, data in files:
            export = read_export(data, name)
            if export is not None and (given.signature == export.signature or export.signature not in saved) \
                    and not given.for_export(export).problems():
                form_mappings.save(given.for_export(export) if given.signature != export.signature else given,
                                   lake_path)
    return load_returns(files, lake_path, today=today, check=checker(saved, given))


# ------------------------------------------------------------------ previewing

def preview_rows(export: FormExport, outcome, mapping: Mapping | None = None) -> list[dict[str, object]]:
    """One row per response: what happens to it and the values it gives (a value that cannot be read
    as the answer mapped, when `mapping` is given), for the officer to check before loading. The
    respondent is not shown."""
    by_row = {r.row_number: r for r in outcome.results} if outcome is not None and outcome.results else {}
    typed: dict[int, dict[str, object]] = {}
    if mapping is not None and not mapping.problems():
        mapped = mapped_rows(export, mapping)
        typed = {row.row_number: row.cells for row in mapped.parsed.rows}
        typed.update({s.row_number: s.record for s in mapped.superseded})
    out = []
    for resp in export.responses:
        r = by_row.get(resp.row_number)
        if r is None:
            continue
        if r.ok:
            what = "loads"
        elif r.reasons and r.reasons[0].startswith("superseded:"):
            what = "superseded"
        else:
            what = "rejected"
        row = {"Row": r.row_number, "What happens": what,
               "Completed": f"{resp.completed:%d/%m/%Y %H:%M}" if resp.completed else "",
               "Reasons": "; ".join(r.reasons)}
        for c in COLUMNS:
            v = r.record.get(c.name)
            if v is None and not r.ok:
                v = typed.get(r.row_number, {}).get(c.name)
            if v is not None and not _blank(v):     # as text: a rejected row holds what was typed
                row[c.label] = (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else
                                ("yes" if v else "no") if isinstance(v, bool) else f"{v:g}" if isinstance(v, float)
                                else str(v))
        out.append(row)
    return out
