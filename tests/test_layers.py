"""Imports follow the data: files → etl → lake → ui → pages, with `domain` beside them all.

A layer may use the one before it, never the one after: the read API cannot depend on how
files are parsed, and no shared component on a page. `domain` holds the definitions every
layer shares and imports nothing of the project, so any layer can use it. The loader is the
lake's one writer, so `etl` uses the lake's write side (the store, its settings, schema
versions, saved form mappings, and the export and backup tools its command line runs), never
its read API. Every import is checked, at the top of a module or inside a function.
"""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"domain", "etl", "lake", "ui", "pages", "pack", "bench", "tests", "docs", "app"}
LAKE_WRITE_SIDE = {"lake", "lake.store", "lake.config", "lake.migrations", "lake.form_mappings", "lake.parquet",
                   "lake.backup", "lake.errors"}


def imports(package: str) -> list[tuple[str, str]]:
    """(file, module imported) for every import in the package's files."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path.relative_to(ROOT).as_posix(), a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((path.relative_to(ROOT).as_posix(), node.module))
                if node.module == "lake":          # `from lake import store` names the module store
                    found += [(path.relative_to(ROOT).as_posix(), f"lake.{a.name}") for a in node.names]
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def test_the_checker_sees_imports_inside_functions():
    assert ("lake/store.py", "lake.parquet") in imports("lake")
    assert any(f == "etl/__main__.py" and m == "lake.backup" for f, m in imports("etl"))


def test_domain_imports_only_the_standard_library():
    bad = [(f, m) for f, m in imports("domain")
           if top(m) != "domain" and (top(m) in PROJECT or top(m) not in sys.stdlib_module_names)]
    assert bad == []


@pytest.mark.parametrize("package, never", [
    ("etl", {"ui", "pages", "pack"}),
    ("lake", {"etl", "ui", "pages", "pack"}),
    ("ui", {"pages", "pack"}),
])
def test_no_layer_imports_a_later_one(package, never):
    assert [(f, m) for f, m in imports(package) if top(m) in never] == []


def test_etl_uses_only_the_lakes_write_side():
    assert [(f, m) for f, m in imports("etl") if top(m) == "lake" and m not in LAKE_WRITE_SIDE] == []
