"""The form to send: the return's questions, ready to paste into Microsoft Forms or Google Forms.

The blank workbook's companion for LAs that collect the return with an online form. Each
question is a column of the return (domain.columns): its label is the question's text, so the
form's export maps itself (etl.forms.propose matches every question at once, and no answer
needs a value map); the description is the help text; fixed choices are the answer options.
"""
from __future__ import annotations

from domain.columns import COLUMNS, Column
from domain.vocabularies import OTHER_ROLE_EXAMPLES

# The question type to choose, in each service's own words.
_TYPES = {
    "urn": ("Text (number, 6 digits)", "Short answer (response validation: number)"),
    "text": ("Text", "Short answer"),
    "year": ("Text", "Short answer"),
    "enum": ("Choice (one answer)", "Multiple choice"),
    "count": ("Text (number)", "Short answer (response validation: number)"),
    "hours": ("Text", "Short answer"),
    "yesno": ("Choice (one answer)", "Multiple choice"),
    "date": ("Date", "Date"),
    "list": ("Choice (multiple answers, with 'Other')", "Checkboxes (with 'Other')"),
}


def options(c: Column) -> list[str]:
    if c.kind == "enum":
        return list(c.choices)
    if c.kind == "yesno":
        return ["Yes", "No"]
    if c.kind == "list":
        return list(OTHER_ROLE_EXAMPLES)
    return []


def help_text(c: Column) -> str:
    extra = {
        "count": f" A whole number from {c.minimum or 0:g} to {c.maximum:g}." if c.maximum else "",
        "hours": " Hours a week (e.g. 7.5); days such as '1.5 days' are accepted.",
        "year": " Write it as 2025/26.",
        "urn": " Find it on Get Information about Schools.",
    }.get(c.kind, "")
    return c.description + extra


def questions() -> list[dict[str, object]]:
    """One entry per question, in the return's order."""
    return [{"number": i, "question": c.label, "column": c.name, "required": c.required,
             "microsoft_forms": _TYPES[c.kind][0], "google_forms": _TYPES[c.kind][1],
             "options": options(c), "help": help_text(c)} for i, c in enumerate(COLUMNS, 1)]


def form_text() -> str:
    """The form to send as plain text: one block per question, to copy question by question."""
    lines = [
        "SENCO return: the questions for an online form (Microsoft Forms or Google Forms)",
        "",
        "Add one question per block below. Copy the question text exactly as written: the",
        "dashboard then recognises your form's export and loads it without any mapping.",
        "Turn on 'Required' where it says so. Add the help text as the question's subtitle",
        "(Microsoft Forms) or description (Google Forms).",
        "",
    ]
    for q in questions():
        lines += [f"{q['number']}. {q['question']}" + (" (required)" if q["required"] else ""),
                  f"   Microsoft Forms question type: {q['microsoft_forms']}",
                  f"   Google Forms question type: {q['google_forms']}"]
        if q["options"]:
            lines.append("   Answer options, one per line:")
            lines += [f"      {o}" for o in q["options"]]
        lines += [f"   Help text: {q['help']}", ""]
    return "\n".join(lines)


def form_bytes() -> bytes:
    """The form to send as a UTF-8 text file (with a BOM, so Notepad and Excel read it right)."""
    return ("\ufeff" + form_text().replace("\n", "\r\n")).encode("utf-8")
