"""The SENCO return's columns, defined once.

Validation (etl.validate), the XLSX template (etl.template), the README's column table
and the data dictionary page all read this list, so a column is added or changed here
and nowhere else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.vocabularies import LIST_SEPARATOR, OFSTED_SEND_PROGRESS, PHASES, QUALIFICATION_COURSES, QUALIFICATIONS


@dataclass(frozen=True)
class Column:
    name: str                 # snake_case CSV header and lake column name
    label: str                # friendly label used by the XLSX template
    kind: str                 # urn | text | year | enum | count | hours | yesno | date | list
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    example: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def type_label(self) -> str:
        return {
            "urn": "integer, 6 digits",
            "text": "text",
            "year": "academic year YYYY/YY",
            "enum": "one of: " + ", ".join(self.choices),
            "count": "whole number ≥ %g" % (self.minimum or 0),
            "hours": "hours per week (number; '1.5 days' and '6 hrs' accepted)",
            "yesno": "yes / no",
            "date": "date (DD/MM/YYYY)",
            "list": f"list separated by '{LIST_SEPARATOR.strip()}'",
        }[self.kind]


COLUMNS: tuple[Column, ...] = (
    Column("urn", "URN", "urn", "DfE Unique Reference Number of the school (6 digits).",
           required=True, example="100000"),
    Column("school_name", "School name", "text", "Name of the school.", required=True,
           example="Example Primary School"),
    Column("academic_year", "Academic year", "year",
           "Academic year the return describes, e.g. 2025/26 (2025-26 and 2025/2026 are accepted).",
           required=True, example="2025/26"),
    Column("phase", "Phase", "enum", "Phase of education. Left blank, the phase comes from the register of schools.",
           choices=PHASES, example="primary"),
    Column("number_on_roll", "Number on roll", "count", "Pupils on roll.", minimum=0, maximum=10000, example="210"),
    Column("sen_support_pupils", "Pupils at SEN Support", "count", "Pupils at SEN Support.",
           minimum=0, maximum=10000, example="28"),
    Column("ehcp_pupils", "Pupils with an EHC plan", "count",
           "Pupils with an Education, Health and Care plan.", minimum=0, maximum=10000, example="4"),
    Column("senco_hours_per_week", "SENCO hours per week", "hours",
           "Designated SENCO time each week. '1.5 days' is converted with the configured school-day length.",
           minimum=0, maximum=60, example="9.75", aliases=("SENCO time each week",)),
    Column("senco_time_enough", "SENCO's view: enough time for the role", "yesno",
           "The SENCO's own view: is their allocated time enough to carry out the role? (The national SENCO "
           "workforce surveys ask SENCOs the same question.)", example="no"),
    Column("senco_teaching_hours_per_week", "SENCO teaching hours per week", "hours",
           "Hours a week the SENCO spends class teaching.", minimum=0, maximum=40, example="12"),
    Column("senco_on_slt", "SENCO on senior leadership team", "yesno",
           "Is the SENCO a member of the senior leadership team?", example="yes"),
    Column("senco_qualified_teacher", "SENCO is a qualified teacher", "yesno",
           "Statutory (SEND Regulations 2014 reg. 49): the SENCO must be a qualified teacher working at the "
           "school, unless the head teacher is the SENCO.", example="yes"),
    Column("senco_works_at_school", "SENCO works as a teacher at this school", "yesno",
           "Does the SENCO work as a teacher at this school (not only at another school or the trust)? "
           "Statutory (reg. 49), unless the head teacher is the SENCO.", example="yes"),
    Column("senco_qualification", "SENCO qualification", "enum",
           "The SENCO's mandatory qualification: held, in progress or not started.",
           choices=QUALIFICATIONS, example="NASENCO held"),
    Column("senco_qualification_course", "SENCO qualification course", "enum",
           "The course held or being taken. NASENCO counts only if started before 1 September 2024 and completed "
           "by 31 August 2027; a course started from 1 September 2024 must be the NPQ for SENCOs (reg. 49(7)).",
           choices=QUALIFICATION_COURSES, example="NASENCO"),
    Column("senco_qualification_course_started", "Date SENCO qualification course started", "date",
           "Date the SENCO started the course (decides whether NASENCO or the NPQ for SENCOs counts).",
           example="15/01/2022"),
    Column("senco_appointed_date", "Date SENCO appointed", "date",
           "Date the SENCO took up the role at this school (the qualification is due within 3 years).",
           example="01/09/2021"),
    Column("senco_first_senco_date", "Date SENCO first became a SENCO (any school)", "date",
           "Date the SENCO first became a SENCO at any school. A SENCO who had been one for more than 12 months "
           "before this appointment is exempt from the 3-year qualification rule, as is one appointed on or before "
           "1 September 2009.", example="01/09/2021"),
    Column("senco_other_roles", "SENCO's other roles", "list",
           "Other roles the SENCO holds, separated by ';' (e.g. DSL; class teacher). If the head teacher is the "
           "SENCO, include headteacher: the law then asks less of the SENCO.",
           example="DSL; class teacher"),
    Column("senco_shared_schools", "Schools this SENCO covers", "count",
           "Number of schools this SENCO works for (1 if only this school).", minimum=1, maximum=50, example="1"),
    Column("deputy_senco", "Deputy or assistant SENCO in post", "yesno",
           "Is there a deputy or assistant SENCO?", example="no"),
    Column("admin_support_hours_per_week", "SENCO admin support hours per week", "hours",
           "Dedicated administrative support for the SENCO each week (0 = none).", minimum=0, maximum=100, example="0"),
    Column("sen_information_report_published", "SEN information report published", "yesno",
           "Statutory: is the SEN information report published on the school website?", example="yes"),
    Column("sen_information_report_updated", "Date SEN information report last updated", "date",
           "Date the published SEN information report was last reviewed or updated (the Code of Practice asks "
           "for it to be updated every year).", example="15/09/2025"),
    Column("sen_governor", "SEN governor in post", "yesno", "Does the governing board have a SEN governor?",
           example="yes"),
    Column("ofsted_inspection_date", "Latest Ofsted inspection date", "date",
           "Date of the latest Ofsted inspection, as the school reports it.", example="14/03/2023"),
    Column("ofsted_send_progress", "School's view of SEND progress", "enum",
           "The school's own view of the progress of its pupils with SEND at the latest inspection. Ofsted has made no "
           "separate judgement of SEND progress since September 2019, so this is the school's view, not Ofsted's.",
           choices=OFSTED_SEND_PROGRESS, example="good or better",
           aliases=("Ofsted view of SEND progress",)),   # the label of templates before 2026
)

COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)


def header_key(text: object) -> str:
    """Fold a header for matching: case, spaces and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


_HEADER_INDEX: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.name, _c.label, *_c.aliases):
        _HEADER_INDEX[header_key(_h)] = _c.name


def match_header(text: object) -> str | None:
    """The column name a header means, or None when it is not one of the return's."""
    return _HEADER_INDEX.get(header_key(text))


def dictionary_rows() -> list[dict[str, str]]:
    """The data dictionary: one row per column, for the README and the About page."""
    return [
        {
            "Column (CSV header)": c.name,
            "Template label": c.label,
            "Type": c.type_label,
            "Required": "yes" if c.required else "no",
            "Description": c.description,
            "Example": c.example,
        }
        for c in COLUMNS
    ]


def markdown_table() -> str:
    """The data dictionary as a Markdown table (the README embeds it between markers)."""
    rows = dictionary_rows()
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join(str(r[h]).replace("|", "\\|") for h in head) + " |")
    return "\n".join(lines)
