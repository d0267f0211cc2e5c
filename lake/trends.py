"""Measures over the years: one value per academic year in the lake, per area.

The Trends page asks `LakeAPI.trend(measure_id, filters)`, which caches `trend_table`. Each
year's value is the very figure the other pages show for that year (`LakeAPI.measure_value`,
or `LakeAPI.comparison_by_area` when the lake holds several LAs), so a trend never disagrees
with a headline card. The rest here are pure functions over that table.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import replace

import pandas as pd

from lake.measures import MEASURE_BY_ID, Measure

COLUMNS = ["year", "level", "area", "value", "n", "formatted"]
FEW = "fewer than {small} schools"


def academic_years(years: list[str]) -> list[str]:
    """Years oldest first, the way a trend is read left to right."""
    return sorted(years)


def trend_table(api, measure: Measure, filters) -> pd.DataFrame:
    """The measure for every year with returns, one row per year and area.

    With one LA in the lake (or none chosen among several), one line: the schools in the filter.
    With LAs chosen among several, each LA beside its region and England (every filter but the
    LA applied at each level, as `comparison_by_area` does). `filters.year` is ignored."""
    las = api.las()
    several = len(las) > 1
    rows = []
    for year in academic_years(api.years()):
        f = replace(filters, year=year)
        if several:
            for r in api.comparison_by_area(measure.id, f).itertuples(index=False):
                rows.append({"year": year, "level": r.level, "area": r.area, "value": r.value, "n": int(r.n),
                             "formatted": measure.format(r.value)})
        else:
            value, _, n = api.measure_value(measure.id, f)
            area = las.la_name.iloc[0] if len(las) == 1 and isinstance(las.la_name.iloc[0], str) else "This lake"
            rows.append({"year": year, "level": "LA", "area": area, "value": value, "n": int(n),
                         "formatted": measure.format(value)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def withheld(measure: Measure, value, n: int, small: int) -> bool:
    """Whether anonymised mode withholds a figure: it rests on fewer than `small` schools, or it is
    a count under `small`."""
    if not small:
        return False
    return n < small or (measure.unit in ("count", "pupils") and not _missing(value) and value < small)


def suppress(table: pd.DataFrame, measure: Measure, small: int) -> pd.DataFrame:
    """For anonymised mode: blank every value resting on fewer than `small` schools, and every
    count under `small`, saying why in `formatted`. `small` = 0 leaves the table as it is."""
    out = table.copy()
    if not small or out.empty:
        return out
    few = pd.Series([withheld(measure, v, n, small) for v, n in zip(out["value"], out["n"])], index=out.index)
    out["value"] = out["value"].astype(object).where(~few, None)
    out["formatted"] = out["formatted"].where(~few, FEW.format(small=small))
    out["n"] = out["n"].astype(object).where(~few, f"<{small}")
    return out


def wide(table: pd.DataFrame) -> pd.DataFrame:
    """Years down, areas across, each cell the figure as shown and the schools it rests on: the
    table alternative to a trend chart."""
    if table.empty:
        return pd.DataFrame(columns=["Academic year"])
    label = table.apply(lambda r: r.area if r.level in ("LA", "England") else f"{r.area} ({r.level})", axis=1)
    cell = table.apply(lambda r: r.formatted if _missing(r.value) else f"{r.formatted} (n = {r.n:,})"
                       if isinstance(r.n, numbers.Integral) else r.formatted, axis=1)
    out = pd.DataFrame({"Academic year": table.year, "area": label, "cell": cell})
    areas = list(dict.fromkeys(label))
    out = out.pivot(index="Academic year", columns="area", values="cell").reset_index()
    return out[["Academic year", *areas]].rename_axis(columns=None)


def change_words(table: pd.DataFrame, measure: Measure) -> list[str]:
    """One sentence per area: first shown year to last, and the change in words (for the caption
    a screen reader reads after the chart)."""
    out = []
    for area, rows in table.groupby("area", sort=False):
        shown = rows[rows.value.map(lambda x: not _missing(x))]
        if shown.empty:
            out.append(f"{area}: no figure to show.")
            continue
        first, last = shown.iloc[0], shown.iloc[-1]
        if first.year == last.year:
            out.append(f"{area}: {last.formatted} in {last.year} (the only year with a figure).")
            continue
        change = measure.format_change(float(last.value) - float(first.value))
        direction = "" if change is None else (" (no change)" if change == "no change" else f" ({change})")
        out.append(f"{area}: {first.formatted} in {first.year}, {last.formatted} in {last.year}{direction}.")
    return out


def benchmark_point(benchmark: dict | None, years: list[str]) -> dict | None:
    """The national benchmark to plot on a trend, only when its year is one of the years shown
    (like compared with like); None otherwise."""
    if not benchmark or benchmark.get("value") is None:
        return None
    year = str(benchmark.get("year"))
    return {"year": year, "value": float(benchmark["value"])} if year in years else None


def all_measures_by_year(api, filters, small: int = 0) -> pd.DataFrame:
    """Every measure down, every year across, for the schools in the filter: the page's summary
    table. Values from fewer than `small` schools (anonymised mode) are withheld."""
    years = academic_years(api.years())
    rows = []
    for measure in MEASURE_BY_ID.values():
        row = {"Measure": measure.name}
        for year in years:
            value, _, n = api.measure_value(measure.id, replace(filters, year=year))
            row[year] = FEW.format(small=small) if withheld(measure, value, n, small) else measure.format(value)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Measure", *years])
