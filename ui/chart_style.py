"""One style per category, used by every chart: its colour, its pattern (so a chart reads without
colour), its marker shape, and its place in the order of its vocabulary.

A category keeps its style whatever else a chart holds: "Good" is the same blue in every chart,
whether or not "Outstanding" is present, and SENCO-time bands always run from "Under 1 day" up.
The names come from each vocabulary's one definition (etl/columns.py, lake/api.py,
lake/measures.py, lake/analysis.py); a category the registry does not know (an area, a school)
gets the project palette by its position, as before.

Labels on a fill take white or near-black text, whichever reads at 4.5:1 or better (WCAG 1.4.3).
A pattern is drawn over the fill in a darker shade of it under white text, a lighter one under dark
text, so the text keeps its contrast on the pattern's lines as well as on the fill between them.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.vocabularies import OFSTED_SEND_PROGRESS, PHASES, QUALIFICATION_COURSES, QUALIFICATIONS
from lake.analysis import ADMIN_PROFILES, OVERALL_EFFECTIVENESS, SHOWN_SOURCES
from lake.api import ROLE_PROFILES, SIZE_BANDS, SLT_PROFILES, TIME_BANDS
from lake.measures import INCLUSION_GRADES

TEXT = "#0b0c0c"
FONT_SIZE = 16             # every chart's text, readable on a projector at the back of a room
WHITE = "#ffffff"
MIN_CONTRAST = 4.5
# GOV.UK design system colours, each at least 3:1 against white.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#912b88", "#505a5f", "#003078", "#28a197"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "hexagon"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
YES_NO = ("Yes", "No", "Not known")
COMPARE_MEASURES = ("SENCO hours a week", "SENCO hours per 10 SEND pupils")


@dataclass(frozen=True)
class Style:
    colour: str
    pattern: str = ""
    symbol: str = "circle"


def _vocabulary(names, colours, patterns, symbols=None) -> dict[str, Style]:
    names = tuple(names)
    assert len(colours) >= len(names) and len(patterns) >= len(names), names
    symbols = symbols or SYMBOLS
    return {n: Style(colours[i], patterns[i], symbols[i % len(symbols)]) for i, n in enumerate(names)}


# Each vocabulary in its natural order. Graded scales run from the best outcome (dark green) to the
# worst (red); "not known"-like answers are grey. Patterns differ within a vocabulary, and the three
# Ofsted vocabularies (shown together on the Ofsted page) never share a colour and pattern pair.
VOCABULARIES: dict[str, dict[str, Style]] = {
    "inclusion": _vocabulary(INCLUSION_GRADES, ["#005a30", "#00703c", "#1d70b8", "#b35c00", "#b0281a"],
                             ["", "/", ".", "x", "\\"]),
    "overall": _vocabulary(OVERALL_EFFECTIVENESS.values(), ["#003078", "#5694ca", "#f47738", "#942514"],
                           ["|", "-", "+", "x"]),
    "send_progress": _vocabulary(OFSTED_SEND_PROGRESS, ["#28a197", "#912b88", "#505a5f"], ["/", "\\", "."]),
    "qualification": _vocabulary(QUALIFICATIONS, ["#00703c", "#1d70b8", "#b58840", "#d4351c"],
                                 ["", "/", ".", "x"]),
    "course": _vocabulary(QUALIFICATION_COURSES, ["#4c2c92", "#28a197"], ["", "/"]),
    "time_band": _vocabulary(TIME_BANDS, ["#d4351c", "#f47738", "#1d70b8", "#003078"], ["x", "\\", "/", ""]),
    "yes_no": _vocabulary(YES_NO, ["#00703c", "#d4351c", "#505a5f"], ["", "x", "."]),
    "slt": _vocabulary(SLT_PROFILES, ["#1d70b8", "#d4351c"], ["", "x"]),
    "role": _vocabulary(ROLE_PROFILES, ["#1d70b8", "#b58840"], ["", "/"]),
    "admin": _vocabulary(ADMIN_PROFILES, ["#1d70b8", "#d4351c"], ["", "x"]),
    "phase": _vocabulary(PHASES, PALETTE, PATTERNS),
    "size_band": _vocabulary(SIZE_BANDS, ["#5694ca", "#1d70b8", "#003078", "#4c2c92", "#912b88"],
                             ["", "/", ".", "x", "\\"]),
    "shown_source": _vocabulary(SHOWN_SOURCES, ["#005a30", "#003078", "#505a5f"], ["", "/", "."]),
    "compare_measure": _vocabulary(COMPARE_MEASURES, ["#1d70b8", "#00703c"], ["", "/"]),
}
STYLES: dict[str, Style] = {}
ORDER: dict[str, int] = {}
VOCABULARY_OF: dict[str, str] = {}
for _vocab, _styles in VOCABULARIES.items():
    for _i, (_name, _style) in enumerate(_styles.items()):
        if _name in STYLES and STYLES[_name] != _style:
            raise ValueError(f"{_name!r} has two styles")
        STYLES[_name] = _style
        ORDER.setdefault(_name, _i)
        VOCABULARY_OF.setdefault(_name, _vocab)


def style(name: object, position: int = 0) -> Style:
    """The category's fixed style, or for a category outside the registry the palette by position."""
    known = STYLES.get(str(name))
    if known is not None:
        return known
    return Style(PALETTE[position % len(PALETTE)], PATTERNS[position % len(PATTERNS)],
                 SYMBOLS[position % len(SYMBOLS)])


def in_order(names) -> list:
    """Distinct names in their vocabulary's order when the registry knows them all (grouped by
    vocabulary in the order first met), else in the order given."""
    names = list(dict.fromkeys(str(n) for n in names))
    if not names or not all(n in STYLES for n in names):
        return names
    vocabs = list(dict.fromkeys(VOCABULARY_OF[n] for n in names))
    return sorted(names, key=lambda n: (vocabs.index(VOCABULARY_OF[n]), ORDER[n]))


# ------------------------------------------------------------------ contrast
def luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """White or near-black, whichever reads better on the fill (always 4.5:1 or more)."""
    return WHITE if contrast(WHITE, fill) >= contrast(TEXT, fill) else TEXT


def _mix(colour: str, towards: str, share: float) -> str:
    a = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(towards.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))


def pattern_ink(fill: str) -> str:
    """The colour a pattern's lines are drawn in over `fill`: visibly different from the fill, and
    further from the label's colour than the fill is, so the label keeps its contrast on the lines."""
    return _mix(fill, "#000000", 0.45) if text_on(fill) == WHITE else _mix(fill, WHITE, 0.55)


def marker(name: object, position: int = 0) -> dict:
    """A bar's fill: the category's colour, its pattern drawn over it (never in place of it)."""
    s = style(name, position)
    out: dict = {"color": s.colour}
    if s.pattern:
        out["pattern"] = {"shape": s.pattern, "fillmode": "overlay", "fgcolor": pattern_ink(s.colour),
                          "fgopacity": 1, "solidity": 0.25}
    return out
