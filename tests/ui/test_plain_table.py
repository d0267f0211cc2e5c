"""A short table drawn plain (ui/plain_table.py): its cells as DfE rounds them, school-typed text
kept as text (no link, emphasis or column break of its own), and read back whole by the page
tests and the meeting pack."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.plain_table import from_markdown, links_of, to_markdown

HOSTILE = ["[Click me](javascript:alert(1))", "<b>Bowmandale</b> Primary", "A | B Academy", "Back\\slash \\| school",
           "**Bold** _it_ `code`", "Line\nbreak", ":red[Red] :material/home:", "=HYPERLINK(\"x\")", "St Mary's (C of E)"]


def test_cells_are_rounded_half_up_and_said_in_words():
    frame = pd.DataFrame({"Rank": [1, 2], "URN": [117726, 100000], "Hours": [2.25, 0.05], "Share": [0.125, 0.5],
                          "Below recommended": np.array([True, False]), "Pupils": [1250, 7], "Median": [np.nan, 3.0]})
    text = to_markdown(frame, digits={"Hours": 1})
    rows = [ln for ln in text.splitlines()[2:]]
    assert "2\\.3" in rows[0] and "0\\.1" in rows[1]                 # half up, not to even
    assert "13%" in rows[0] and "50%" in rows[1]
    assert "Yes" in rows[0] and "No" in rows[1]
    assert "1,250" in rows[0] and "117726" in rows[0]                 # a URN is not a quantity
    assert "–" in rows[0]                                             # a blank is a dash, not "nan"
    back = from_markdown(text)
    assert back["URN"].tolist() == [117726, 100000] and back["Pupils"].tolist() == [1250, 7]
    assert back["Hours"].tolist() == [2.3, 0.1] and math.isnan(back["Median"][0]) and back["Median"][1] == 3.0
    assert back["Below recommended"].tolist() == ["Yes", "No"]


def test_numbers_line_up_on_the_right():
    rule = to_markdown(pd.DataFrame({"School": ["A"], "Hours": [1.5]})).splitlines()[1]
    assert rule == "|---|---:|"


def test_typed_names_stay_text_and_only_the_given_links_are_links():
    frame = pd.DataFrame({"School": HOSTILE, "Hours": range(len(HOSTILE))})
    links = [f"schools?school={i}" if i % 2 else None for i in range(len(HOSTILE))]
    text = to_markdown(frame, {"School": links})
    assert len(text.splitlines()) == len(HOSTILE) + 2                 # a line break typed is no new row
    assert text.count("](") == sum(1 for u in links if u)             # no link but the profile links
    assert "<b>" not in text and "**Bold**" not in text and ":red[" not in text
    back = from_markdown(text)
    assert back["School"].tolist() == [n.replace("\n", " ") for n in HOSTILE]
    assert back["Hours"].tolist() == list(range(len(HOSTILE)))
    assert links_of(text, "School") == links


def _not_a_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return text.strip() not in ("", "–")
    return False


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
                .filter(_not_a_number), min_size=1, max_size=5))
def test_any_name_reads_back_as_typed(names):
    frame = pd.DataFrame({"School": names, "URN": range(100000, 100000 + len(names))})
    links = [f"schools?school={u}" for u in frame.URN]
    text = to_markdown(frame, {"School": links})
    assert len(text.splitlines()) == len(names) + 2
    assert from_markdown(text)["School"].tolist() == [n.strip() for n in names]
    assert links_of(text, "School") == links


def test_text_that_is_not_a_table_is_none():
    assert from_markdown("**Schools ranked**") is None
    assert from_markdown("| a | b |\nnot a rule") is None
    assert from_markdown("") is None
