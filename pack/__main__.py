"""python -m pack "<share link>" --pages all --out pack.html --pdf pack.pdf

Makes a meeting pack from a share link ("Link to this view"), e.g. from a scheduled job before
each meeting. Exits 0 on success, 1 when the pack could not be built, 2 on usage errors.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pack", description="Make a meeting pack (HTML, and PDF) from a share link.")
    ap.add_argument("link", help="a share link copied from 'Link to this view' (the address, or just its path and query)")
    ap.add_argument("--pages", default="", help="comma-separated page names (e.g. overview,senco_time), or 'all'; "
                    "default: the linked page")
    ap.add_argument("--out", type=Path, default=Path("meeting-pack.html"), help="the HTML file to write")
    ap.add_argument("--pdf", type=Path, help="also print the pack to this PDF (needs Chromium)")
    ap.add_argument("--summary", action="store_true",
                    help="a one-page PDF summary of the school a Schools-page link has open (written to --pdf)")
    ap.add_argument("--lake", type=Path, help="the lake to read (default $SENCO_LAKE, else lake/senco.duckdb)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if args.lake:
        if not args.lake.exists():
            print(f"error: no lake at {args.lake}", file=sys.stderr)
            return 2
        os.environ["SENCO_LAKE"] = str(args.lake)
    from pack.build import BadPages, build, build_summary
    from pack.collect import PageFailed
    from pack.link import BadLink
    from pack.pdf import PrintFailed
    from pack.summary import NoSchool

    def progress(done: int, total: int, message: str) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {message}", flush=True)

    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    try:
        if args.summary:
            built = build_summary(args.link, args.pdf or Path("school-summary.pdf"), progress=progress)
        else:
            built = build(args.link, args.out, pages=pages, pdf=args.pdf, progress=progress)
    except (BadLink, BadPages, NoSchool) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (PageFailed, PrintFailed, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:   # noqa: BLE001 (a lake that cannot be read: one line, not a traceback)
        print(f"error: the pack could not be built: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return 1
    print(f"wrote {built.html} ({len(built.pages)} pages, {built.charts} charts)"
          + (f" and {built.pdf} ({built.pdf_pages} PDF pages)" if built.pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
