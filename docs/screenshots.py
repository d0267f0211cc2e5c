"""Save a screenshot of every page for the README: docs/screenshots/<page>.png.

    .venv/bin/python docs/screenshots.py [--lake PATH] [--out DIR]

Builds the demo lake in a temporary folder (unless --lake is given), starts the app on a
free port, opens each page in headless Chromium at 1400 px wide and saves the whole page;
then the Ofsted page and a school's profile as a 1280x720 projector first shows them
(docs/screenshots/<page>-1280x720.png).
Needs Chromium (Debian's /usr/bin/chromium, or set SENCO_CHROMIUM).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.app_server import CHROMIUM, LAUNCH_ARGS, serving  # noqa: E402
from ui.navigation import ADDRESSES  # noqa: E402

PAGES = ADDRESSES
WIDTH, HEIGHT, MAX_HEIGHT = 1400, 1000, 6000
WAIT_MS = 30_000


def wait_ready(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached",
                           timeout=WAIT_MS)
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=WAIT_MS)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-stale='true'], [data-testid='stSkeleton']\") && [...document.querySelectorAll("
        "\"[data-testid='stPlotlyChart']\")].every(c => c.querySelector('.main-svg'))", timeout=WAIT_MS)


PROJECTOR = (1280, 720)       # a meeting room's projector


def projector_pages(lake: Path) -> dict[str, str]:
    """The Ofsted page and the profile of the first school (by name) with a return this year."""
    from lake.api import Filters, LakeAPI
    from lake.store import Reader
    api = LakeAPI(Reader(path=lake))
    frame = api.school_year(Filters(year=api.current_year()))
    school = frame[frame.has_return].sort_values("school_name").urn.iloc[0]
    return {"ofsted-1280x720": "/ofsted", "school-profile-1280x720": f"/schools?school={int(school)}"}


def shoot(url: str, out: Path, pages: dict[str, str], size: tuple[int, int] = (WIDTH, HEIGHT),
          whole: bool = True) -> list[Path]:
    """Each page's screenshot: the whole page at this width, or (not `whole`) only what a screen of this
    size shows without scrolling."""
    width, height_min = size
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for name, path in pages.items():
                ctx = browser.new_context(viewport={"width": width, "height": height_min}, locale="en-GB")
                page = ctx.new_page()
                page.goto(url + path, wait_until="domcontentloaded", timeout=WAIT_MS)
                wait_ready(page)
                # The app scrolls inside its main section, so grow the window to the content's height.
                height = 0 if not whole else page.evaluate("""() => Math.max(
                    document.documentElement.scrollHeight,
                    ...[...document.querySelectorAll("[data-testid='stMain'], [data-testid='stAppViewContainer'],"
                        + " [data-testid='stMainBlockContainer']")].map(e => e.scrollHeight))""")
                page.set_viewport_size({"width": width, "height": max(height_min, min(MAX_HEIGHT, int(height) + 40))})
                page.wait_for_timeout(1000)    # the resized window redraws: elements show a skeleton meanwhile
                wait_ready(page)
                page.wait_for_timeout(500)     # let Plotly finish resizing to the new window
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=whole)
                saved.append(target)
                print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
                ctx.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, help="an existing lake to show (default: build the demo lake)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="senco-shots-") as tmp:
        lake = args.lake
        if lake is None:
            from etl.demo import build_demo
            lake = Path(tmp) / "senco.duckdb"
            if build_demo(lake) != 0:
                print("the demo lake did not build", file=sys.stderr)
                return 1
        with serving(lake.resolve(), Path(tmp) / "streamlit.log") as (_, url):
            shoot(url, args.out, PAGES)
            shoot(url, args.out, projector_pages(lake.resolve()), PROJECTOR, whole=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
