"""The blank SENCO return workbook a school fills in (one workbook = one school's return).

Everything comes from domain.columns.COLUMNS: the form sheet lists one field per row
(label in column A, the school's answer in column B, guidance in column C), with
dropdowns for choice and yes/no fields, whole-number checks for counts and an input
message on every answer cell. etl.readers reads the filled-in form back by its labels,
so the label text in column A is exactly each column's `label`.

The output is byte-for-byte repeatable: document dates are fixed and the zip entries get
a fixed timestamp, so the template can be checked into a site or compared in tests.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from domain.columns import COLUMNS, Column
from etl.readers import FORM_SHEET
from lake import config

LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"
YES_NO = ("Yes", "No")
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
MAX_INLINE_LIST = 255          # Excel's limit for a list typed into a validation formula
MAX_PROMPT = 255               # Excel's limit for an input message
MAX_PROMPT_TITLE = 32          # ... and for its title

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")        # light yellow: type here
KEY_FILL = PatternFill("solid", fgColor="DDEBF7")           # URN / academic year rows
KEY_ANSWER_FILL = PatternFill("solid", fgColor="FFE699")    # a stronger yellow for those
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
KEY_KINDS = ("urn", "year")    # identify the return: shown first and emphasised


def form_columns() -> list[Column]:
    """Columns in form order: the identifying fields (URN, academic year) first."""
    return sorted(COLUMNS, key=lambda c: KEY_KINDS.index(c.kind) if c.kind in KEY_KINDS else len(KEY_KINDS))


def dropdown_choices(column: Column) -> tuple[str, ...]:
    """The values offered in a field's dropdown (empty for free-typed fields)."""
    if column.kind == "enum":
        return column.choices
    if column.kind == "yesno":
        return YES_NO
    return ()


def _hint(column: Column, day_hours: float) -> str:
    """A short 'how to answer' for the input message."""
    kind = column.kind
    if kind == "urn":
        return f"The school's 6-digit DfE URN, e.g. {column.example}."
    if kind == "year":
        return f"The academic year, e.g. {column.example} (2025-26 and 2025/2026 are accepted)."
    if kind in ("enum", "yesno"):
        return "Pick from the list: " + ", ".join(dropdown_choices(column)) + "."
    if kind == "count":
        text = f"A whole number, {column.minimum or 0:g} or more"
        if column.maximum is not None:
            text += f" (at most {column.maximum:g})"
        return text + "."
    if kind == "hours":
        return (f"Hours per week, e.g. 6. '6 hrs' and '1.5 days' are accepted "
                f"(1 day = {day_hours:g} hours).")
    if kind == "date":
        return "DD/MM/YYYY, e.g. " + (column.example or "01/09/2021") + "."
    if kind == "list":
        return "Separate items with ';', e.g. " + (column.example or "DSL; class teacher") + ". Leave blank if none."
    return ""


def guidance(column: Column, day_hours: float | None = None) -> str:
    """Column C of the form: required or not, what the field means, accepted formats, example."""
    day_hours = day_hours or config.school_day_hours()
    parts = ["Required." if column.required else "Optional."]
    parts.append(column.description)
    accepted = column.type_label
    if column.kind == "hours":
        accepted += f"; 1 day = {day_hours:g} hours"
    parts.append(f"Accepted: {accepted}.")
    if column.example:
        parts.append(f"Example: {column.example}")
    return " ".join(parts)


def prompt(column: Column, day_hours: float | None = None) -> str:
    """The input message shown when the answer cell is selected (Excel allows 255 characters)."""
    day_hours = day_hours or config.school_day_hours()
    text = ("Required. " if column.required else "") + _hint(column, day_hours)
    text = (text + " " + column.description).strip()
    if len(text) > MAX_PROMPT:
        text = text[:MAX_PROMPT - 1].rstrip() + "…"
    return text


def _validation(column: Column, lists: dict[str, str], day_hours: float) -> DataValidation:
    title = column.label if len(column.label) <= MAX_PROMPT_TITLE else column.label[:MAX_PROMPT_TITLE - 1] + "…"
    common = dict(showInputMessage=True, promptTitle=title, prompt=prompt(column, day_hours),
                  allow_blank=True)
    choices = dropdown_choices(column)
    if choices:
        return DataValidation(type="list", formula1=lists[column.name], showErrorMessage=True,
                              errorStyle="stop", errorTitle="Pick from the list",
                              error=("Choose one of: " + ", ".join(choices))[:MAX_PROMPT], **common)
    if column.kind == "count":
        low = int(column.minimum or 0)
        if column.maximum is not None:
            return DataValidation(type="whole", operator="between", formula1=str(low),
                                  formula2=str(int(column.maximum)), showErrorMessage=True,
                                  errorTitle="Whole number", error=f"Type a whole number from {low} to "
                                  f"{int(column.maximum)}.", **common)
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(low),
                              showErrorMessage=True, errorTitle="Whole number",
                              error=f"Type a whole number, {low} or more.", **common)
    if column.kind == "urn":
        return DataValidation(type="whole", operator="between", formula1="100000", formula2="999999",
                              showErrorMessage=True, errorTitle="URN",
                              error="The URN is the school's 6-digit DfE Unique Reference Number.", **common)
    # Hours ('1.5 days'), dates, text and lists are typed freely; the message guides.
    return DataValidation(showErrorMessage=False, **common)


def _list_formulas(wb: Workbook) -> dict[str, str]:
    """Validation list formulas: inline when short enough, else a range on a hidden sheet."""
    formulas: dict[str, str] = {}
    long_lists: list[Column] = []
    for column in COLUMNS:
        choices = dropdown_choices(column)
        if not choices:
            continue
        inline = '"' + ",".join(choices) + '"'
        if len(inline) - 2 <= MAX_INLINE_LIST and not any(("," in c or '"' in c) for c in choices):
            formulas[column.name] = inline
        else:
            long_lists.append(column)
    if long_lists:
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        for j, column in enumerate(long_lists, start=1):
            letter = get_column_letter(j)
            # Not the bare label: a header equal to a label would make the sheet look like a return.
            ws.cell(row=1, column=j, value=f"Choices for {column.label}").font = Font(bold=True)
            choices = dropdown_choices(column)
            for i, choice in enumerate(choices, start=2):
                ws.cell(row=i, column=j, value=choice)
            ws.column_dimensions[letter].width = max(20, max(len(c) for c in choices) + 2)
            formulas[column.name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
    return formulas


def _form_sheet(wb: Workbook, day_hours: float) -> None:
    ws = wb.active
    ws.title = FORM_SHEET
    for j, text in enumerate(("Field", "Your answer", "Guidance"), start=1):
        cell = ws.cell(row=1, column=j, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        cell.border = BOX
    lists = _list_formulas(wb)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(form_columns(), start=2):
        key = column.kind in KEY_KINDS
        label = ws.cell(row=i, column=1, value=column.label)
        label.font = Font(bold=column.required, size=12 if key else 11)
        label.alignment = wrap
        label.border = BOX
        if key:
            label.fill = KEY_FILL
        answer = ws.cell(row=i, column=2)
        answer.fill = KEY_ANSWER_FILL if key else ANSWER_FILL
        answer.protection = Protection(locked=False)
        answer.border = BOX
        answer.font = Font(bold=key, size=12 if key else 11)
        answer.alignment = Alignment(vertical="top", wrap_text=column.kind in ("text", "list"))
        if column.kind == "date":
            answer.number_format = "DD/MM/YYYY"
        elif column.kind in ("text", "year", "list"):
            answer.number_format = "@"        # keep '2025/26' or '2025-26' as typed
        note = ws.cell(row=i, column=3, value=guidance(column, day_hours))
        note.alignment = wrap
        note.border = BOX
        note.font = Font(bold=column.required, color="404040")
        if key:
            note.fill = KEY_FILL
        dv = _validation(column, lists, day_hours)
        ws.add_data_validation(dv)
        dv.add(answer)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 32
    ws.column_dimensions["C"].width = 100
    ws.freeze_panes = "B2"
    ws.sheet_view.selection[0].activeCell = "B2"
    ws.sheet_view.selection[0].sqref = "B2"
    # Labels are what the loader reads, so they are locked; answers are not. No password:
    # Review > Unprotect Sheet lifts it if a school really needs to.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _instructions_sheet(wb: Workbook, day_hours: float) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET, index=1)
    required = ", ".join(c.label for c in form_columns() if c.required)
    dated = ", ".join(c.label for c in COLUMNS if c.kind == "date")
    lines = [
        ("How to fill in the SENCO return", True),
        ("", False),
        ("1. One workbook is one school's return for one academic year. Use a fresh copy of this "
         "template for each school (and each year).", False),
        (f"2. On the '{FORM_SHEET}' sheet, type or pick each answer in the yellow 'Your answer' "
         "column (column B). Select a yellow cell to see what it needs.", False),
        (f"3. Required fields: {required}. Rows with these missing cannot be loaded.", False),
        ("4. Do not change the text in the 'Field' column, rename the sheet or add rows: the "
         "local authority's loader reads your answers by those labels.", False),
        ("5. Fields with a dropdown (yes/no and fixed choices): click the cell, then the arrow.", False),
        (f"6. Dates ({dated}): type DD/MM/YYYY, e.g. 01/09/2021.", False),
        (f"7. Hours are hours per week. You may write '6 hrs' or '1.5 days'; days are converted at "
         f"{day_hours:g} hours a day. Do not give a percentage or FTE.", False),
        ("8. Leave an optional field blank if it does not apply or you do not know.", False),
        ("9. Save the workbook as .xlsx (Excel Workbook) and send it to the local authority "
         "inclusion team. Do not send it as a PDF.", False),
        ("", False),
        ("If any answer cannot be used, the load report names the field and what to change; "
         "correct it in this workbook and send it again. A new return for the same school and "
         "year replaces the earlier one.", False),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text or None)
        cell.font = Font(bold=bold, size=14 if bold else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110


def build_workbook(day_hours: float | None = None) -> Workbook:
    day_hours = day_hours or config.school_day_hours()
    wb = Workbook()
    _form_sheet(wb, day_hours)
    _instructions_sheet(wb, day_hours)
    wb.active = 0
    props = wb.properties
    props.title = "SENCO return"
    props.subject = "Annual SENCO return to the local authority"
    props.creator = "SENCO oversight dashboard"
    props.lastModifiedBy = "SENCO oversight dashboard"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


def template_bytes(day_hours: float | None = None) -> bytes:
    """The template as .xlsx bytes, identical on every call (for downloads and tests)."""
    wb = build_workbook(day_hours)
    buf = io.BytesIO()
    # openpyxl's save() stamps 'modified' with the current time; the writer itself does not.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    # Zip entries carry the time they were written; give every entry the same fixed time.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        # [Content_Types].xml first, as Excel writes it: a reader can tell a damaged
        # workbook from any other zip by its opening bytes.
        items = sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml",
                                                      i.filename != "_rels/.rels"))
        for item in items:
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_template(out: Path) -> None:
    """Write the blank return workbook to `out` (an .xlsx path)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(template_bytes())
    tmp.replace(out)
