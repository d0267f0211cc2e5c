"""The app's pages, defined once: file, title, icon and address.

app.py builds its navigation from this; the browser tests, the benchmark and the screenshot
script take each page's address from it. Each address is its file's name: Streamlit resolves
the very first link a fresh server is opened with against the files in pages/ before app.py
has run, and any other name shows a "Page not found" dialog on that first visit.
"""
from __future__ import annotations

from dataclasses import dataclass

from ui.meeting import PAGES as MEETING_PAGES


@dataclass(frozen=True)
class PageSpec:
    stem: str                  # pages/<stem>.py, and its url_path
    title: str
    icon: str
    default: bool = False

    @property
    def address(self) -> str:
        """Where a user opens it: the default page lives at "/", not at its url_path."""
        return "/" if self.default else f"/{self.stem}"


PAGES = (
    PageSpec("overview", "Overview", ":material/dashboard:", default=True),
    PageSpec("senco_time", "SENCO time", ":material/schedule:"),
    PageSpec("leadership", "Leadership & support", ":material/groups:"),
    PageSpec("ofsted", "Ofsted & outcomes", ":material/verified:"),
    PageSpec("schools", "Schools", ":material/domain:"),
    PageSpec("data_quality", "Returns & data quality", ":material/fact_check:"),
    PageSpec("trends", "Trends", ":material/trending_up:"),
    PageSpec("since", "What changed since", ":material/update:"),
    PageSpec("about", "About", ":material/info:"),
)
ADDRESSES = {p.stem: p.address for p in PAGES}


def pages_for(meeting: bool = False) -> tuple[PageSpec, ...]:
    """The pages a session may open: all of them, or for a meeting link's holder (ui/meeting.py)
    only the summaries, never the Schools page or Returns & data quality (names, uploads)."""
    return tuple(p for p in PAGES if not meeting or p.stem in MEETING_PAGES)
TITLES = {p.stem: p.title for p in PAGES}
