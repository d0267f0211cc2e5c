"""The words the return, the official data and the pages share, each defined once.

A vocabulary used in SQL reaches it from here (as a parameter, or through `sql_list` into an
f-string), never as a copied literal, so renaming a value or adding one is one change.
Orders matter: charts and tables list the values in the order given here.
"""
from __future__ import annotations

# The return's enumerations (domain.columns), in the order the template and charts list them.
PHASES = (
    "nursery", "primary", "middle", "secondary", "all-through", "special",
    "alternative provision", "16 plus",
)
# Phases the SENCO duty (Children and Families Act 2014 s.67) does not cover; the SEN
# information report duty (s.69) also covers special schools.
PHASES_WITHOUT_SENCO_DUTY = ("special", "alternative provision", "16 plus")
PHASES_WITHOUT_REPORT_DUTY = ("alternative provision", "16 plus")

NASENCO_HELD = "NASENCO held"
NPQ_HELD = "NPQ for SENCOs held"
QUALIFICATION_IN_PROGRESS = "in progress"
QUALIFICATION_NOT_STARTED = "not started"
QUALIFICATIONS = (NASENCO_HELD, NPQ_HELD, QUALIFICATION_IN_PROGRESS, QUALIFICATION_NOT_STARTED)
QUALIFICATIONS_HELD = (NASENCO_HELD, NPQ_HELD)
NASENCO = "NASENCO"
NPQ = "NPQ for SENCOs"
QUALIFICATION_COURSES = (NASENCO, NPQ)

GOOD_OR_BETTER = "good or better"
LESS_THAN_GOOD = "less than good"
OFSTED_SEND_PROGRESS = (GOOD_OR_BETTER, LESS_THAN_GOOD, "not judged")

OTHER_ROLE_EXAMPLES = (
    "DSL", "designated teacher for looked-after children", "EAL co-ordinator",
    "headteacher", "deputy head", "assistant head", "class teacher",
)
HEADTEACHER = "headteacher"        # the role that lets a head be the SENCO (reg. 49(3))
# How a list of roles is stored in the lake: the parsed items joined with this.
LIST_SEPARATOR = "; "

# Ofsted: report-card grades (from November 2025), best first, and the 'expected standard
# or above' the inclusion measure counts; OEIF overall effectiveness (to August 2025).
REPORT_CARD_GRADES = ("exceptional", "strong standard", "expected standard", "needs attention",
                      "urgent improvement")
EXPECTED_OR_ABOVE = REPORT_CARD_GRADES[:3]
OEIF_GRADES = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}

# GIAS establishment type group of the schools the LA collects no return from.
INDEPENDENT_SCHOOLS = "Independent schools"

# The bands pages cut by: school size (pupils on roll) and SENCO time (in school days).
SIZE_BANDS = ("Under 100", "100–249", "250–499", "500–999", "1,000 or more")
TIME_BANDS = ("Under 1 day", "1 to under 1.5 days", "1.5 to under 2.5 days", "2.5 days or more")
ROLE_PROFILES = ("SENCO only", "Combined role")
SLT_PROFILES = ("On SLT", "Not on SLT")


def sql_literal(value: str) -> str:
    """A vocabulary word as an SQL string literal (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    """Vocabulary words as the inside of an SQL IN (...) list."""
    return ", ".join(sql_literal(v) for v in values)
