"""Printing a pack's HTML to PDF with headless Chromium (Debian's package), offline.

The page is opened from its file with every other request refused, laid out at A4 width so
the charts are drawn to fit the paper, and printed once every chart reports it is drawn.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("SENCO_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
A4_CSS_WIDTH = 794           # 210 mm at 96 px per inch: charts drawn at this width fit the page
DRAW_TIMEOUT_MS = 180_000


class PrintFailed(RuntimeError):
    """Chromium could not print the pack; the message says why."""


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def print_pdf(html_path: Path, pdf_path: Path, *, one_page: bool = False, footer: str = "", browser=None) -> int:
    """Print `html_path` to `pdf_path`; returns the number of pages. With one_page, the print is
    scaled down (to no less than half size) until it fits a single A4 page. `browser`: a Playwright
    Chromium already running in this thread (else one is started and stopped here)."""
    if browser is not None:
        pdf = _print(browser, Path(html_path), one_page, footer)
    else:
        if not Path(CHROMIUM).exists():
            raise PrintFailed(f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' package "
                              "(or set SENCO_CHROMIUM) to make PDFs.")
        try:
            with sync_playwright() as pw:
                own = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                try:
                    pdf = _print(own, Path(html_path), one_page, footer)
                finally:
                    own.close()
        except PlaywrightError as exc:
            raise PrintFailed(f"Chromium could not print the pack: {str(exc).splitlines()[0][:200]}") from exc
    Path(pdf_path).write_bytes(pdf)
    return _page_count(pdf)


def _print(browser, html_path: Path, one_page: bool, footer: str) -> bytes:
    url = html_path.resolve().as_uri()
    ctx = browser.new_context(viewport={"width": A4_CSS_WIDTH, "height": 1123}, locale="en-GB")
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
              else route.abort())
    page = ctx.new_page()
    page.emulate_media(media="print")
    page.goto(url, wait_until="load", timeout=DRAW_TIMEOUT_MS)
    page.wait_for_selector("body[data-charts-drawn]", state="attached", timeout=DRAW_TIMEOUT_MS)
    template = ('<div style="font-size:8px;width:100%;padding:0 12mm;color:#505a5f;'
                'display:flex;justify-content:space-between"><span>' + _esc(footer) + '</span>'
                '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
                '</span></div>')
    opts = {"format": "A4", "print_background": True, "display_header_footer": True,
            "header_template": "<span></span>", "footer_template": template,
            "margin": {"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}}
    scale = 1.0
    pdf = page.pdf(**opts, scale=scale)
    while one_page and _page_count(pdf) > 1 and scale > 0.5:
        scale = round(scale - 0.08, 2)
        pdf = page.pdf(**opts, scale=scale)
    ctx.close()
    return pdf


def _esc(text: str) -> str:
    return html.escape(text)
