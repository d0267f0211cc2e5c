"""Meeting packs built from a share link: every page, both modes, against the lake."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from lake.api import Filters
from pack.link import BadLink, parse
from pack.render import inline, table_html
from tests.pack.conftest import identifying_text
from tests.pages.apptest import ROOT, run_page
from ui.navigation import PAGES

FIGURE = re.compile(r'<script type="application/json" class="figure" data-target="chart-\d+">(.*?)</script>', re.DOTALL)


def test_a_share_link_names_its_page_and_filters():
    link = parse("https://senco.example.gov.uk/senco_time?year=2026%2F27&phase=primary&phase=secondary&x=EHCP+pupils")
    assert link.page == "senco_time" and link.base == "https://senco.example.gov.uk"
    assert link.params["phase"] == ["primary", "secondary"] and link.params["year"] == ["2026/27"]
    # The linked page keeps its own choice; other pages get only the shared filters.
    assert link.params_for("senco_time")["x"] == ["EHCP pupils"] and "x" not in link.params_for("overview")
    assert link.url_for("overview") == "https://senco.example.gov.uk/?year=2026%2F27&phase=primary&phase=secondary"
    assert parse("/?anon=true").page == "overview" and parse("/?anon=true").anonymised


@pytest.mark.parametrize("bad", ["", "   ", "ftp://host/senco_time", "javascript:alert(1)"])
def test_a_link_that_is_not_a_web_address_is_refused_clearly(bad):
    with pytest.raises(BadLink, match="link"):
        parse(bad)


def test_text_from_schools_is_never_markup():
    assert inline("<script>alert('x')</script> & **bold**") == \
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; <strong>bold</strong>"
    out = table_html(pd.DataFrame({"School": ["<img src=x onerror=alert(1)>"], "Share": [0.125]}), "t")
    assert "<img" not in out and "&lt;img" in out and ">13%<" in out         # DfE rounding: half up


def test_every_page_is_in_the_pack_with_its_charts(packs, demo_lake):
    for mode, made in packs.items():
        html = made["html"]
        for spec in PAGES:
            assert f'<h2 id="h-{spec.stem}">{spec.title.replace("&", "&amp;")}</h2>' in html, (mode, spec.stem)
        figures = [json.loads(f) for f in FIGURE.findall(html)]
        assert figures and all(f.get("data") for f in figures)
        assert len(figures) == made["built"].charts
        # As many charts as the pages draw for the same view, each with its table alternative.
        params = {"phase": ["primary", "secondary"], "year": made["year"]} | (
            {"anon": "true"} if mode == "anonymised" else {})
        drawn = sum(len(run_page(p.stem, **params).get("plotly_chart")) for p in PAGES)
        assert len(figures) == drawn, mode
        assert html.count("Table alternative:") >= drawn


def test_the_pack_says_its_view_its_date_and_links_back(packs, lake_api):
    html = packs["named"]["html"]
    assert "Academic year: " + packs["named"]["year"] in html and "Phase: primary, secondary" in html
    assert "Data as at " in html and "Definitions and sources" in html
    assert 'href="http://dashboard.example/senco_time?year=' in html
    assert "Median SENCO hours per 10 SEND pupils" in html and "nasen" in html      # definitions and sources
    # The step-by-step progress a long build shows, ending at done.
    steps = packs["named"]["steps"]
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1] and len(steps) == len(PAGES) + 2


def test_headline_figures_in_the_pack_match_the_lake(packs, lake_api):
    year = packs["named"]["year"]
    scope = lake_api.school_year(Filters(year=year, phase=("primary", "secondary")))
    card = re.search(r'<p class="card-title">Schools in scope</p><p class="card-value">([^<]+)</p>',
                     packs["named"]["html"])
    assert card and card.group(1) == f"{len(scope):,}"


def test_the_pack_fetches_nothing(packs):
    for made in packs.values():
        html = made["html"]
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?https?:""", html, re.IGNORECASE)
        assert "Plotly.newPlot" in html and len(html) > 3_000_000        # plotly.js is inside the file


def test_an_anonymised_pack_names_no_school(packs, demo_lake):
    names, urns = identifying_text(demo_lake)
    named, anon = packs["named"]["html"], packs["anonymised"]["html"]
    assert any(n in named for n in names)                  # the check can find names when they are there
    leaked = [n for n in names if n in anon] + [u for u in urns if re.search(rf"(?<!\d){u}(?!\d)", anon)]
    assert not leaked, leaked[:10]
    assert "Anonymised: school names are replaced" in anon


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pack", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, **(env or {})})


def test_command_line_makes_the_pack_and_says_what_it_wrote(demo_lake, tmp_path):
    out = tmp_path / "pack.html"
    proc = _cli("/senco_time?phase=special", "--out", str(out), "--lake", str(demo_lake))
    assert proc.returncode == 0, proc.stderr
    assert "[1/2] Writing the HTML file" in proc.stdout and f"wrote {out}" in proc.stdout
    assert '<h2 id="h-senco_time">SENCO time</h2>' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "code", "says"), [
    (["mailto:someone@example.org"], 2, "not a web address"),
    (["/senco_time", "--pages", "overview,trendz"], 2, "No page called 'trendz'"),
    (["/senco_time", "--lake", "/nonexistent/senco.duckdb"], 2, "no lake at"),
])
def test_command_line_mistakes_get_one_line_and_no_traceback(args, code, says, tmp_path):
    proc = _cli(*args, "--out", str(tmp_path / "p.html"))
    assert proc.returncode == code, proc.stderr
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.html").exists()


def test_a_missing_lake_in_the_environment_is_one_line(tmp_path):
    proc = _cli("/", "--out", str(tmp_path / "p.html"), env={"SENCO_LAKE": str(tmp_path / "none.duckdb")})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.startswith("error:")


def test_a_pages_plain_tables_are_tables_in_the_pack(packs):
    """The ranked list's first schools and the teaching-hours table are drawn plain on the page
    (ui/plain_table.py): in the pack they are tables with their titles, not lines of pipes, and
    hold no link that works only inside the app."""
    html = packs["named"]["html"]
    for title in ("Schools ranked by SENCO hours per 10 SEND pupils", "SENCO class-teaching hours a week, by phase"):
        found = re.search(rf"<caption>{re.escape(title)}</caption><thead><tr>(.*?)</tr></thead><tbody>(.*?)</tbody>",
                          html, re.DOTALL)
        assert found, title
        assert '<th scope="col">Phase</th>' in found.group(1)
    ranked = re.search(r"<caption>Schools ranked by SENCO hours per 10 SEND pupils</caption>.*?<tbody>(.*?)</tbody>",
                       html, re.DOTALL).group(1)
    assert ranked.count("<tr>") == 10
    assert "| Rank |" not in html and 'href="schools?' not in html
