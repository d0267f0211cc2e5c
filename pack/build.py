"""Building a meeting pack: the chosen pages of one shared view, collected and written out."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lake.api import LakeAPI
from lake.measures import measures_table
from pack import render
from pack.collect import PageContent, collect
from pack.link import Link, parse
from pack.pdf import print_pdf
from pack.summary import NoSchool, profile_only
from ui.navigation import PAGES, TITLES

Progress = Callable[[int, int, str], None]
# A school picked on a page (a profile, a comparison, a rejected row) is in its link by URN or row
# id: an anonymised pack prints its links without them, so no URN reaches the room.
IDENTIFYING = ("school", "compare", "row")
KIND_LABELS = {"returns": "SENCO returns (schools' annual returns)", "gias": "Register of schools (GIAS)",
               "census": "School census SEN counts", "ofsted": "Ofsted outcomes", "benchmarks": "National benchmarks",
               "demo": "Demo data (synthetic returns and Ofsted outcomes)"}
FILTER_LABELS = {"la": "Local authority", "phase": "Phase", "type": "School type", "size": "Size",
                 "time": "SENCO time", "slt": "Leadership", "role": "Role"}


class BadPages(ValueError):
    """Pages asked for that the dashboard does not have."""


@dataclass
class Built:
    html: Path
    pdf: Path | None
    pages: list[str]
    charts: int
    pdf_pages: int | None = None


def choose_pages(names: list[str] | None, link: Link) -> list[str]:
    """The pages to pack, in navigation order: 'all', the linked page (none given), or a list."""
    stems = [p.stem for p in PAGES]
    if not names:
        return [link.page]
    if names == ["all"]:
        return stems
    unknown = [n for n in names if n not in stems]
    if unknown:
        raise BadPages(f"No page called {', '.join(repr(u) for u in unknown)}: choose from {', '.join(stems)} or 'all'.")
    return [s for s in stems if s in names]


def _api():
    return LakeAPI()


def view_lines(link: Link, api) -> list[str]:
    """The view in words, for the pack's cover."""
    p = link.params
    year = (p.get("year") or [api.current_year() or "none"])[0]
    lines = [f"Academic year: {year}"]
    names = {}
    if p.get("la"):
        las = api.las()
        names = {str(c): n for c, n in zip(las.la_code, las.la_name.fillna(""))}
    for key, label in FILTER_LABELS.items():
        values = p.get(key)
        if values:
            shown = [f"{names.get(v) or 'LA'} ({v})" if key == "la" else v for v in values]
            lines.append(f"{label}: {', '.join(shown)}")
    if len(lines) == 1:
        lines.append("Filters: none (every school in the lake)")
    return lines


def as_at(api) -> tuple[str, pd.DataFrame]:
    fresh = api.lake_freshness()
    rows = [{"Data": KIND_LABELS.get(k, k), "Last loaded": pd.Timestamp(v["last_loaded"]).strftime("%d/%m/%Y %H:%M"),
             "Files loaded": v["files"]} for k, v in fresh.items() if v.get("last_loaded") is not None]
    latest = max((pd.Timestamp(v["last_loaded"]) for v in fresh.values() if v.get("last_loaded") is not None),
                 default=None)
    return (latest.strftime("%d %B %Y, %H:%M") if latest is not None else "unknown"), pd.DataFrame(rows)


def definitions() -> pd.DataFrame:
    return measures_table()[["Measure", "Definition", "Source"]]


def link_back(link: Link, page: str) -> str:
    if link.anonymised:
        link = Link(link.base, link.page, {k: v for k, v in link.params.items() if k not in IDENTIFYING})
    return link.url_for(page)


def build(share_link: str, out: Path, *, pages: list[str] | None = None, pdf: Path | None = None,
          progress: Progress | None = None, title: str | None = None, browser=None) -> Built:
    """Write the pack for `share_link` to `out` (HTML) and, if asked, `pdf`."""
    link = parse(share_link)
    chosen = choose_pages(pages, link)
    steps = len(chosen) + 1 + (1 if pdf else 0)
    say = progress or (lambda done, total, message: None)
    api = _api()
    collected: list[tuple[PageContent, str]] = []
    for i, stem in enumerate(chosen):
        say(i, steps, f"Collecting {TITLES[stem]}")
        collected.append((collect(stem, link.params_for(stem), TITLES[stem]), link_back(link, stem)))
    say(len(chosen), steps, "Writing the HTML file")
    when, sources = as_at(api)
    lines = view_lines(link, api)
    mode = "anonymised" if link.anonymised else "named"
    year = (link.params.get("year") or [api.current_year() or ""])[0]
    doc = render.document(
        collected, title=title or f"Meeting pack: SENCO returns {year}".strip(), view_lines=lines, as_at=when,
        made=dt.datetime.now().strftime("%d %B %Y, %H:%M"), definitions=definitions(), sources=sources,
        anonymised=link.anonymised)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(doc, encoding="utf-8")
    os.replace(tmp, out)
    charts = sum(_charts(p.blocks) for p, _ in collected)
    built = Built(html=out, pdf=None, pages=chosen, charts=charts)
    if pdf:
        say(len(chosen) + 1, steps, "Printing the PDF")
        built.pdf_pages = print_pdf(out, Path(pdf), footer=f"SENCO dashboard · {year} · {mode} · data as at {when}",
                                     browser=browser)
        built.pdf = Path(pdf)
    say(steps, steps, "Done")
    return built


def _charts(blocks) -> int:
    return sum(1 if b.kind == "chart" else _charts(b.items) if b.kind == "section" else 0 for b in blocks)


def build_summary(share_link: str, pdf: Path, *, html: Path | None = None, progress: Progress | None = None,
                  browser=None) -> Built:
    """The one-page PDF summary of the school a Schools-page link has open (and its HTML beside it)."""
    link = parse(share_link)
    if link.page != "schools" or not link.params.get("school"):
        raise NoSchool("This link does not choose a school: open a school's profile on the Schools page and copy "
                       "its link.")
    say = progress or (lambda done, total, message: None)
    api = _api()
    say(0, 3, "Collecting the school's profile")
    content = profile_only(collect("schools", link.params, TITLES["schools"]))
    name = next((b.text for b in content.blocks if b.kind == "subheader"), "School")
    content.blocks = [b for b in content.blocks if not (b.kind == "subheader" and b.text == name)]   # the title now
    content.title = render.plain(name).replace("&amp;", "&").replace("&#x27;", "'")
    say(1, 3, "Writing the summary")
    when, _ = as_at(api)
    year = (link.params.get("year") or [api.current_year() or ""])[0]
    doc = render.document([(content, link_back(link, "schools"))], title=f"School summary {year}", as_at=when,
                          view_lines=view_lines(link, api), made=dt.datetime.now().strftime("%d %B %Y, %H:%M"),
                          definitions=None, sources=None, anonymised=link.anonymised, compact=True)
    html = Path(html) if html else Path(pdf).with_suffix(".html")
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(doc, encoding="utf-8")
    say(2, 3, "Printing the one-page PDF")
    pages = print_pdf(html, Path(pdf), one_page=True, browser=browser,
                      footer=f"SENCO dashboard · school summary · {year} · data as at {when}")
    say(3, 3, "Done")
    return Built(html=html, pdf=Path(pdf), pages=["schools"], charts=_charts(content.blocks), pdf_pages=pages)
