"""Command line: python -m etl load|template|demo|gias|census|ofsted ...

Exit codes: 0 every row of every file accepted; 1 any row rejected or any file
unreadable (the readable rest still loads); 2 usage errors (a path that does not exist,
a demo refused because the folder holds real data); 3 the lake, a folder or a setting
cannot be used (damaged lake, disk full, no permission, SENCO_SCHOOL_DAY_HOURS=abc):
nothing was changed, and one line says what to do.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_PROBLEM = 3


def main(argv: list[str] | None = None) -> int:
    """Run a command; any fault of the lake, the disk or a setting ends in one line, not a traceback."""
    import errno

    import duckdb

    from lake.config import SettingError
    from lake.migrations import LakeTooNew
    from lake.store import LakeDamaged
    try:
        return _main(argv)
    except SettingError as exc:
        print(f"setting problem: {exc}", file=sys.stderr)
    except (LakeDamaged, LakeTooNew) as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        hint = {errno.ENOSPC: "free some disk space and run it again",
                errno.EDQUOT: "free some disk space and run it again",
                errno.EACCES: "check the folder's permissions (or use --lake / SENCO_LAKE for another path)",
                errno.EPERM: "check the folder's permissions (or use --lake / SENCO_LAKE for another path)",
                errno.EROFS: "the folder is read-only; use --lake / SENCO_LAKE for another path",
                }.get(exc.errno, "check the path and the disk, and run it again")
        print(f"could not write or read{where}: {exc.strerror or exc}; nothing was changed: {hint}", file=sys.stderr)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        hint = ("free some disk space and run it again" if "space" in first.lower()
                else "check the lake (python -m etl backup / restore) and run it again")
        print(f"the lake could not be written ({first}); nothing was changed: {hint}", file=sys.stderr)
    except MemoryError:
        print("the command ran out of memory; nothing was changed: load fewer files at once", file=sys.stderr)
    return EXIT_PROBLEM


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Load SENCO returns and open data into the lake.")
    parser.add_argument("--lake", type=Path, help="lake file (default $SENCO_LAKE or lake/senco.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load", help="load return files (CSV/XLSX) or folders of them")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--mapping", type=Path, help="a saved online-form mapping (JSON) for form exports among the "
                   "files; saved in the lake, so later exports of the same form load without it")
    p = sub.add_parser("template", help="write the blank return workbook schools fill in")
    p.add_argument("out", type=Path)
    sub.add_parser("demo", help="(re)build the demo lake")
    sub.add_parser("columns", help="print the return's columns as a Markdown table")
    sub.add_parser("codes", help="print the codes of rejected rows' problems as a Markdown table")
    p = sub.add_parser("backup", help="back up the lake and the raw files to a .tar.gz")
    p.add_argument("out", type=Path)
    p = sub.add_parser("restore", help="restore the lake from a backup made by 'backup'")
    p.add_argument("archive", type=Path)
    p = sub.add_parser("export-parquet", help="export the lake as Parquet partitioned by year and LA")
    p.add_argument("out", type=Path)
    for kind, text in (("gias", "the GIAS register (edubasealldataYYYYMMDD.csv) or its links file "
                                "(links_edubasealldataYYYYMMDD.csv)"),
                       ("census", "school-level census counts: SEN in England (sen_school_level_underlying_data.csv "
                                  "and earlier layouts) or the performance tables census (england_census.csv)"),
                       ("ofsted", "Ofsted management information, latest inspections as at a date (CSV)")):
        p = sub.add_parser(kind, help=f"load {text}")
        p.add_argument("file", type=Path)
        if kind == "census":
            p.add_argument("--census-year", help="academic year of a census file with no time_period column whose "
                           "name has no year, e.g. 2018/19 (or 2019 for the January 2019 census)")
        if kind == "ofsted":
            p.add_argument("--as-at", help="the file's 'as at' date (DD/MM/YYYY) when its name no longer says, "
                           "e.g. 31/01/2026 for ..._latest_inspections_as_at_31_Jan_2026.csv")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    lake = args.lake.resolve() if args.lake else None
    from lake import config
    config.check()

    if args.command == "load":
        from etl.forms import load_forms, read_mapping_file
        from etl.load import FileOutcome, expand_paths, printable
        files = expand_paths(args.paths)
        missing = [printable(p) for p in files if not p.exists()]
        if missing:
            print("no such file: " + ", ".join(missing), file=sys.stderr)
            return 2
        if not files:
            print("no return files found in " + ", ".join(map(printable, args.paths)), file=sys.stderr)
            return 2
        try:
            given = read_mapping_file(args.mapping) if args.mapping else None
        except ValueError as exc:
            print(f"{printable(args.mapping)}: {printable(exc)}", file=sys.stderr)
            return 2
        readable, unreadable = [], []
        for f in files:                      # a file that cannot be opened is that file's problem only
            try:
                readable.append((f.name, f.read_bytes()))
            except OSError as exc:
                unreadable.append(FileOutcome(file_name=printable(f.name), status="failed",
                                              message=f"the file cannot be opened ({exc.strerror or exc}); "
                                                      "check its permissions and load it again"))
        # (online-form exports go through --mapping or the mapping the lake has for their form)
        outcomes = unreadable + (load_forms(readable, lake, given) if readable else [])
        for o in outcomes:
            print("\n".join(o.report_lines()))
        total = sum(o.rows_read for o in outcomes)
        accepted = sum(o.accepted for o in outcomes)
        print(f"total: {len(outcomes)} files, {total} rows read, {accepted} accepted, {total - accepted} rejected")
        return 0 if all(o.clean for o in outcomes) else 1
    if args.command == "template":
        from etl.template import write_template
        write_template(args.out)
        print(f"wrote {args.out}")
        return 0
    if args.command == "export-parquet":
        from lake import config
        from lake.parquet import export
        export(lake or config.lake_path(), args.out)
        print(f"exported the lake to {args.out}")
        return 0
    if args.command in ("backup", "restore"):
        from lake import backup as bk
        try:
            if args.command == "backup":
                m = bk.backup(args.out, lake)
                print(f"backed up the lake and {len(m['raw'])} raw files to {args.out}")
            else:
                m = bk.restore(args.archive, lake)
                print(f"restored the lake and {len(m['raw'])} raw files from {args.archive}")
        except bk.BackupError as exc:
            print(f"{args.command} failed: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "columns":
        from domain.columns import markdown_table
        print(markdown_table())
        return 0
    if args.command == "codes":
        from domain.problems import markdown_table as codes_table
        print(codes_table())
        return 0
    if args.command == "demo":
        from etl.demo import build_demo
        return build_demo(lake)
    if args.command in ("gias", "census", "ofsted"):
        from etl import sources
        if not args.file.exists():
            print(f"no such file: {args.file}", file=sys.stderr)
            return 2
        as_at = None
        if getattr(args, "as_at", None):
            from etl.normalise import Invalid
            from etl.sources.reader import as_date
            try:
                as_at = as_date(args.as_at, "--as-at")
            except Invalid as exc:
                print(str(exc), file=sys.stderr)
                return 2
        outcome = sources.load_official(args.command, args.file.name, args.file.read_bytes(), lake,
                                        census_year=getattr(args, "census_year", None), as_at=as_at)
        print("\n".join(outcome.report_lines()))
        if outcome.status == "loaded" and outcome.message:
            print("  " + outcome.message)
        return 0 if outcome.clean else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
