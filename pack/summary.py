"""A one-page school summary for a visit, from the Schools page's profile of one school.

It keeps the profile's headline figures, the key-figures comparison, statutory flags, the
SENCO hours by year and census and Ofsted facts, and leaves out what belongs on screen: the long
tables (similar schools, every return field, every submission, the register entry, Ofsted's full
record) and the year-by-year lines beside the LA.
The PDF is scaled to fit one A4 page.
"""
from __future__ import annotations

from pack.collect import Block, PageContent

PROFILE = "School profile"
LONG_TABLES = ("Similar schools", "Returns over the years", "Submissions received", "Register details",
               "Official Ofsted outcome")
LONG_HEADINGS = ("#### Similar schools", "#### Year by year", "#### Submissions received", "#### Register")


class NoSchool(ValueError):
    """The link does not pick a school on the Schools page."""


def profile_only(content: PageContent) -> PageContent:
    """The profile of the chosen school, without the long tables."""
    blocks = content.blocks
    start = next((i for i, b in enumerate(blocks) if b.kind == "header" and b.text == PROFILE), None)
    if start is None or not any(b.kind == "subheader" for b in blocks[start:]):
        raise NoSchool("This link does not choose a school: open a school's profile on the Schools page and "
                       "copy its link.")
    kept: list[Block] = []
    skipping = False
    for b in blocks[start + 1:]:
        if b.kind == "header":                        # the next part of the page (comparison)
            break
        if b.kind == "text" and b.text.startswith("####"):
            skipping = b.text.startswith(LONG_HEADINGS)
        if skipping or (b.kind == "table" and b.level.startswith(LONG_TABLES)):
            if b.kind == "table" and kept and kept[-1].kind == "caption":
                kept.pop()                            # that table's own caption goes with it
            continue
        kept.append(b)
    return PageContent(stem=content.stem, title=content.title, blocks=kept)
