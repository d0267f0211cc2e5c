"""The read API the pages use. Every query is parameterised; results are DataFrames.

`school_year(filters)` is the workhorse: one row per school in scope for the chosen
academic year, with its return (if any), register details, latest census counts, official
Ofsted outcome and the derived columns the measures use. Results are cached per lake
version, so a load that swaps in a new lake file is seen on the next call.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import replace

import pandas as pd

from domain.filters import Filters, as_at_end, where_sql
from domain.vocabularies import (
    INDEPENDENT_SCHOOLS,
    ROLE_PROFILES,
    SIZE_BANDS,
    SLT_PROFILES,
    TIME_BANDS,
    sql_literal,
)
from lake import analysis, config, measures, migrations, trends
from lake.measures import MEASURE_BY_ID, Measure, answered, compute, scoped
from lake.store import Reader, upgrade


def size_band_sql(col: str) -> str:
    return (f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} < 100 THEN '{SIZE_BANDS[0]}' "
            f"WHEN {col} < 250 THEN '{SIZE_BANDS[1]}' WHEN {col} < 500 THEN '{SIZE_BANDS[2]}' "
            f"WHEN {col} < 1000 THEN '{SIZE_BANDS[3]}' ELSE '{SIZE_BANDS[4]}' END")


def time_band_sql(col: str, day: float) -> str:
    return (f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} < {day} THEN '{TIME_BANDS[0]}' "
            f"WHEN {col} < {1.5 * day} THEN '{TIME_BANDS[1]}' WHEN {col} < {2.5 * day} THEN '{TIME_BANDS[2]}' "
            f"ELSE '{TIME_BANDS[3]}' END")


def _school_year_sql() -> str:
    day = float(config.school_day_hours())
    return f"""
WITH yr AS (
  SELECT make_date(CAST(substr($year, 1, 4) AS INTEGER), 9, 1) AS year_start,
         make_date(CAST(substr($year, 1, 4) AS INTEGER) + 1, 8, 31) AS year_end
),
-- In scope for a year: a state-funded school (LA-maintained, including nursery schools and PRUs;
-- academies and free schools; state-funded special schools) open at some point in the year.
-- Independent and non-maintained special schools, FE colleges, Welsh establishments and schools
-- still proposed to open are out. Census-only rows (no register type group) go by census type.
register AS (
  SELECT s.*,
         CASE WHEN s.type_group IS NOT NULL
              THEN s.type_group IN ('Local authority maintained schools', 'Academies', 'Free Schools',
                                    'Special schools')
              ELSE coalesce(s.school_type, '') NOT ILIKE '%independent%' END
           AND coalesce(s.school_type, '') NOT ILIKE 'non-maintained%'
           AND coalesce(s.status, '') NOT ILIKE 'proposed to open%'
           AND (s.open_date IS NULL OR s.open_date <= yr.year_end)
           AND (s.close_date IS NULL OR s.close_date >= yr.year_start) AS in_year
  FROM schools s, yr
),
-- A school that converted (GIAS link: its new URN is the 'Successor') is one school: counted once,
-- under the newer URN when that is in scope for the year, with returns sent under the old URN.
moved AS (
  SELECT DISTINCT l.urn AS old_urn, l.link_urn AS new_urn
  FROM school_links l JOIN register n ON n.urn = l.link_urn AND n.in_year
  WHERE l.link_type ILIKE 'successor%'
),
scope AS (
  SELECT s.urn, s.school_name AS register_name, s.la_code, s.la_name, s.region, s.phase AS register_phase,
         s.school_type, s.type_group, s.close_date
  FROM register s
  WHERE s.in_year AND s.urn NOT IN (SELECT old_urn FROM moved)
),
ret AS (
  SELECT r.* REPLACE (coalesce(m.new_urn, r.urn) AS urn,
                      CASE WHEN m.new_urn IS NULL THEN r.school_name END AS school_name),
         r.urn AS return_urn
  FROM returns r LEFT JOIN moved m ON m.old_urn = r.urn
  WHERE r.academic_year = $year
  QUALIFY row_number() OVER (PARTITION BY coalesce(m.new_urn, r.urn) ORDER BY m.new_urn IS NULL DESC) = 1
),
cen AS (
  SELECT urn, census_year, number_on_roll AS census_roll, sen_support AS census_sen_support, ehcp AS census_ehcp
  FROM census QUALIFY row_number() OVER (PARTITION BY urn ORDER BY census_year DESC) = 1
),
joined AS (
  SELECT coalesce(sc.urn, r.urn) AS urn,
         coalesce(r.school_name, sc.register_name) AS school_name,
         sc.la_code, sc.la_name, sc.region, sc.school_type,
         coalesce(r.phase, sc.register_phase) AS phase,
         r.urn IS NOT NULL AS has_return,
         sc.urn IS NOT NULL AS on_register,
         r.* EXCLUDE (urn, school_name, phase),
         cen.census_year, cen.census_roll, cen.census_sen_support, cen.census_ehcp,
         o.overall_effectiveness, o.overall_effectiveness_published AS ofsted_oeif_overall,
         o.oeif_inspection_date AS ofsted_oeif_date,
         o.inclusion AS ofsted_inclusion, o.inclusion_date AS ofsted_inclusion_date,
         CASE WHEN o.inclusion IS NOT NULL THEN o.inclusion_date ELSE o.oeif_inspection_date END
           AS ofsted_official_date,
         o.ungraded_inspection_date AS ofsted_ungraded_date, o.ungraded_outcome AS ofsted_ungraded_outcome,
         o.category_of_concern AS ofsted_category_of_concern, o.as_at AS ofsted_as_at
  FROM scope sc
  FULL OUTER JOIN ret r ON r.urn = sc.urn
  LEFT JOIN cen ON cen.urn = coalesce(sc.urn, r.urn)
  LEFT JOIN ofsted o ON o.urn = coalesce(sc.urn, r.urn)
),
-- The helper columns the measures read (lake.measures.HELPERS: which duties cover the school, ...).
helpers AS (
  SELECT *,
  {measures.helper_select()}
  FROM joined
)
-- Filter bands, then every measure's per-school column, generated from lake.measures.MEASURES.
SELECT *,
  {size_band_sql('coalesce(number_on_roll, census_roll)')} AS size_band,
  {time_band_sql('senco_hours_per_week', day)} AS time_band,
  CASE WHEN senco_on_slt THEN {sql_literal(SLT_PROFILES[0])} WHEN NOT senco_on_slt THEN {sql_literal(SLT_PROFILES[1])}
  END AS slt_profile,
  CASE WHEN NOT has_return THEN NULL WHEN coalesce(senco_other_roles, '') = '' THEN {sql_literal(ROLE_PROFILES[0])}
       ELSE {sql_literal(ROLE_PROFILES[1])} END AS role_profile,
  {measures.derived_select()}
FROM helpers
"""


def _what(row) -> str:
    """What the benchmark counts, in its own words (from data/benchmarks.csv), without the phase."""
    note = getattr(row, "note", None)
    if not isinstance(note, str) or not note.strip():
        return ""
    note = re.sub(r"^England, State-funded \w+( school)?: ", "", note.strip())
    return " – " + re.sub(r"\b(primary|secondary|special) ", "", note)


CENSUS_SHARES = ("send_pct", "ehcp_pct")
CENSUS_SOURCE = "DfE, Special educational needs in England (school-level census counts loaded)"
NATIONAL_MIN_LAS = 140      # a census year whose schools span this many of England's 153 LAs is England's


def _who(row) -> str:
    """Who a benchmark counts: "England" for official statistics, "National survey" for a survey sample."""
    return "National survey" if "survey" in str(getattr(row, "unit", "") or "").lower() else "England"


def _nearest_year(rows: pd.DataFrame, year: str | None, always: bool = False) -> tuple[pd.DataFrame, str]:
    """The rows of the benchmark's year nearest the year in view (the same or earlier, else the earliest),
    and a note when that is not the year in view: for academic-year figures (`always`) whenever it differs,
    for surveys only when the benchmark is held for several years."""
    years = sorted(set(rows.year.astype(str)))
    if not year or (len(years) == 1 and not always):
        return rows, ""
    earlier = [y for y in years if y <= year]
    used = earlier[-1] if earlier else years[0]
    note = "" if used == year else f" ({used}, the nearest year held to {year})"
    return rows[rows.year.astype(str) == used], note


class _Cache:
    """Answers per lake version: the newest few versions, each an LRU of answers.

    More than one version is kept because sessions drawing when a load lands still read the
    version they started on (`LakeAPI.snapshot`) while newer sessions read the new one."""
    VERSIONS = 2

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.by_version: dict = {}
        self.first_seen: dict = {}          # version -> when first asked for: later is newer
        self.computing: dict = {}           # (version, key) -> lock held while one session computes it

    def _age(self, version: tuple) -> int:
        return self.first_seen.setdefault(version, len(self.first_seen))

    def get(self, version: tuple, key: tuple):
        with self.lock:
            self._age(version)
            items = self.by_version.get(version)
            if items is None or key not in items:
                return _MISS
            items.move_to_end(key)
            return items[key]

    def put(self, version: tuple, key: tuple, value) -> None:
        with self.lock:
            items = self.by_version.get(version)
            if items is None:
                kept = sorted(self.by_version, key=self._age)
                if len(kept) >= self.VERSIONS and self._age(version) < self._age(kept[0]):
                    return                  # a draw still on an old version: answer it, keep nothing
                items = self.by_version[version] = OrderedDict()
                for old in kept[:max(0, len(kept) + 1 - self.VERSIONS)]:
                    del self.by_version[old]
            items[key] = value
            while len(items) > self.size:
                items.popitem(last=False)

    def get_or_compute(self, version: tuple, key: tuple, compute):
        """The answer for `key`, computing it once however many sessions ask at the same moment:
        ten people opening one link after a load would otherwise each run the same queries, and
        all wait for ten times the work. The others wait for the first and take its answer."""
        hit = self.get(version, key)
        if hit is not _MISS:
            return hit
        with self.lock:
            flight = self.computing.setdefault((version, key), threading.Lock())
        try:
            with flight:
                hit = self.get(version, key)
                if hit is _MISS:
                    hit = compute()
                    self.put(version, key, hit)
            return hit
        finally:
            with self.lock:
                if self.computing.get((version, key)) is flight and not flight.locked():
                    del self.computing[(version, key)]


_MISS = object()


class LakeAPI:
    """Read-only questions the pages ask of the lake."""

    def __init__(self, reader: Reader | None = None, cache_size: int = 64, _cache: _Cache | None = None):
        self.reader = reader or Reader()
        self._cache = _cache or _Cache(cache_size)

    def snapshot(self) -> LakeAPI:
        """The same questions, all answered from the lake as it is now (one page draw), sharing
        this API's cache. A load landing during the draw shows on the next draw, never half-way."""
        return LakeAPI(self.reader.snapshot(), _cache=self._cache)

    # ---------------------------------------------------------------- plumbing
    def version(self) -> tuple:
        return self.reader.version()

    def upgrade_if_needed(self) -> bool:
        """Migrate a lake file written by an earlier release to the current schema, so pages never
        meet a lake without the columns they read. True when it did. (A Parquet lake is exported
        by the loading server, whose loads migrate its lake.)"""
        if self.reader.parquet:
            return False
        # Asked at the start of every page run: checked once per lake version (a load or an
        # upgrade swaps in a new file, which is a new version), not with a query every run.
        if not self._cached(("needs_upgrade",), self._needs_upgrade):
            return False
        upgrade(self.reader.path)
        return True

    def _needs_upgrade(self) -> bool:
        cur = self.reader.cursor()
        try:
            return migrations.needs_upgrade(migrations.version_of(cur))
        finally:
            cur.close()

    def _cached(self, key: tuple, compute):
        hit = self._cache.get_or_compute(self.reader.version(), key, compute)
        # A shallow copy is enough: pandas 3 copies on write, so a caller changing its frame
        # never changes the cached one (and a deep copy of a national frame is not free).
        return hit.copy(deep=False) if isinstance(hit, pd.DataFrame) else hit

    def derived(self, fn, filters: Filters, *args, returned: bool = False, via=None):
        """`fn(frame, *args)` over the filters' school-year frame, cached per lake version like
        every read here. With `returned`, the frame holds only schools with a return; with
        `via`, it is `via(frame)` (itself cached), e.g. the Ofsted outcomes of those schools.

        Pages ask for their cuts and tables through this, so a warm page does no pandas work
        over the national frame: `fn` and `via` must be pure functions of their arguments
        (lake.analysis holds them), and each argument a value (lists are keyed as tuples)."""
        year = filters.year or self.current_year()
        source = via or (self._returned_rows if returned else None)
        key = ("derived", fn.__module__, fn.__qualname__, replace(filters, year=year),
               source and (source.__module__, source.__qualname__),
               tuple(tuple(a) if isinstance(a, list) else a for a in args))

        def compute():
            frame = self.derived(source, filters) if source else self.school_year(filters)
            return fn(frame, *args)
        return self._cached(key, compute)

    def similar_schools(self, filters: Filters, urn: int) -> pd.DataFrame:
        """lake.analysis.similar_schools over the filters' frame, matched also on the lake's peer facts;
        cached like `derived` (the facts are the lake version's, which the cache is keyed on)."""
        year = filters.year or self.current_year()
        return self._cached(("similar", replace(filters, year=year), int(urn)), lambda: analysis.similar_schools(
            self.school_year(filters), int(urn), facts=self.peer_facts()))

    def _df(self, sql: str, params=None) -> pd.DataFrame:
        return self.reader.df(sql, params)

    # ------------------------------------------------------------------ lookups
    def info(self) -> dict[str, str]:
        return self._cached(("info",), lambda: dict(self._df("SELECT key, value FROM lake_info").values.tolist()))

    def years(self) -> list[str]:
        """Academic years with returns, newest first."""
        return self._cached(("years",), lambda: self._df(
            "SELECT DISTINCT academic_year FROM returns ORDER BY 1 DESC")["academic_year"].tolist())

    def current_year(self) -> str | None:
        years = self.years()
        return years[0] if years else None

    def las(self) -> pd.DataFrame:
        return self._cached(("las",), lambda: self._df(
            "SELECT la_code, any_value(la_name) AS la_name, count(*) AS schools FROM schools "
            f"WHERE la_code IS NOT NULL AND coalesce(type_group, '') <> {sql_literal(INDEPENDENT_SCHOOLS)} "
            "GROUP BY la_code ORDER BY la_name NULLS LAST, la_code"))

    def options(self, column: str) -> list[str]:
        """Distinct values of a filterable column across the lake, for filter widgets."""
        allowed = {"phase": "coalesce(r.phase, s.phase)", "school_type": "s.school_type"}
        if column not in allowed:
            raise ValueError(column)
        expr = allowed[column]
        independent = sql_literal(INDEPENDENT_SCHOOLS)
        return self._cached(("options", column), lambda: self._df(
            f"SELECT DISTINCT {expr} AS v FROM schools s FULL OUTER JOIN returns r ON r.urn = s.urn "
            f"WHERE coalesce(s.type_group, '') <> {independent} AND v IS NOT NULL ORDER BY 1")["v"].tolist())

    def benchmarks(self) -> pd.DataFrame:
        return self._cached(("benchmarks",), lambda: self._df("SELECT * FROM benchmarks ORDER BY benchmark_id, phase"))

    def benchmark(self, measure: Measure, phases: tuple[str, ...] = (), year: str | None = None) -> dict | None:
        """The national figure to set beside a measure, like for like: for the chosen phase if there is
        one, and for SEND shares the England figure of the year in view (or the nearest earlier year
        loaded, saying so). A dict of value (None when only per-phase figures exist), source, year,
        label (what was counted, in words) and, for census figures, the census year used."""
        if not measure.benchmark_id:
            return None
        year = year or self.current_year()
        found = self._cached(("benchmark", measure.id, tuple(phases), year, config.recommended_days(),
                              config.school_day_hours()), lambda: self._benchmark(measure, tuple(phases), year))
        return dict(found) if found is not None else None

    def _benchmark(self, measure: Measure, phases: tuple[str, ...], year: str | None) -> dict | None:
        bm = self.benchmarks()
        if measure.benchmark_id == "recommended_senco_hours":
            rows = bm[bm.benchmark_id == "recommended_senco_days"]
            if rows.empty:
                return None
            row = rows.iloc[0]
            return {"value": config.recommended_hours(), "source": row.source, "year": row.year,
                    "label": f"recommended minimum {config.recommended_days():g} days a week"}
        if measure.benchmark_id in CENSUS_SHARES:
            found = self._census_national(measure, phases, year)
            if found is not None:
                return found
        rows = bm[bm.benchmark_id == measure.benchmark_id]
        if rows.empty:
            return None
        rows, note = _nearest_year(rows, year, always=measure.benchmark_id in CENSUS_SHARES)
        if len(phases) == 1 and (rows.phase == phases[0]).any():
            row = rows[rows.phase == phases[0]].iloc[0]
        elif (rows.phase == "all").any():
            row = rows[rows.phase == "all"].iloc[0]
        else:
            parts = "; ".join(f"{r.phase} {measure.format(r.value)}" for r in rows.itertuples())
            return {"value": None, "source": rows.iloc[0].source, "year": rows.iloc[0].year,
                    "label": f"{_who(rows.iloc[0])}: {parts}" + _what(rows.iloc[0]) + note}
        phase = f" {row.phase}" if row.phase != "all" else ""
        return {"value": float(row.value), "source": row.source, "year": row.year,
                "label": f"{_who(row)}{phase} {measure.format(row.value)}" + _what(row) + note}

    def census_years(self) -> pd.DataFrame:
        """Each census year loaded, with how many LAs its school rows cover and whether that is England."""
        return self._cached(("census_years",), lambda: self._df(
            "SELECT c.census_year, count(DISTINCT coalesce(c.la_code, s.la_code)) AS las "
            "FROM census c LEFT JOIN schools s USING (urn) GROUP BY 1 ORDER BY 1").assign(
            england=lambda f: f["las"] >= NATIONAL_MIN_LAS))

    def _census_national(self, measure: Measure, phases: tuple[str, ...], year: str | None) -> dict | None:
        """England's SEND (or EHC plan) share of pupils for the year in view, from the school-level census
        counts loaded: the same year when its census covers England, else the nearest earlier one."""
        years = self.census_years()
        national = years[years.england] if not years.empty else years
        if national.empty:
            return None
        if year:
            earlier = national[national.census_year <= year]
            used = earlier.census_year.max() if not earlier.empty else national.census_year.min()
        else:
            used = national.census_year.max()
        numerator = "sen_support + ehcp" if measure.benchmark_id == "send_pct" else "ehcp"
        phase_sql, params = "", {"y": used}
        if phases:                      # like for like: the same phases as the view
            phase_sql, params["phases"] = " AND s.phase IN (SELECT unnest($phases))", list(phases)
        frame = self._df(
            f"SELECT sum({numerator}) AS pupils, sum(c.number_on_roll) AS roll FROM census c "
            f"LEFT JOIN schools s USING (urn) WHERE c.census_year = $y AND c.number_on_roll > 0 "
            f"AND {numerator} IS NOT NULL{phase_sql}", params)
        pupils, roll = frame.pupils.iloc[0], frame.roll.iloc[0]
        if pd.isna(roll) or not roll:
            return None
        jan = int(used[:4]) + 1
        what = {"send_pct": "pupils with SEN (EHC plan or SEN support)",
                "ehcp_pct": "pupils with an EHC plan"}[measure.benchmark_id]
        phase = f" {', '.join(phases)}" if phases else ""
        value = float(pupils) / float(roll)
        label = f"England{phase} {measure.format(value)} – {what}, January {jan} school census"
        if year and used != year:
            label += (f" (the nearest earlier year loaded: no England census for {year})" if used < year
                      else f" (the earliest year loaded: none for {year} or before)")
        return {"value": value, "source": CENSUS_SOURCE, "year": used, "label": label, "census_year": used}

    # -------------------------------------------------------------- the frame
    def school_year(self, filters: Filters) -> pd.DataFrame:
        """One row per school in scope for the year, with its return and derived columns. With
        `filters.as_at`, each school's return is the one it had at the end of that day."""
        year = filters.year or self.current_year()
        if not year:
            return pd.DataFrame()
        where, params = where_sql(filters)
        params.update({"year": year, "asof": as_of(year, filters.as_at)})
        base = _school_year_sql()
        if filters.as_at:
            base = _returns_as_at(base, "$as_at_end")
            params["as_at_end"] = as_at_end(filters.as_at)
        sql = f"SELECT * FROM ({base}) WHERE {' AND '.join(where or ['1=1'])} ORDER BY school_name, urn"
        key = ("school_year", replace(filters, year=year), params["asof"])
        return self._cached(key, lambda: self._df(sql, params))

    def measure_value(self, measure_id: str, filters: Filters) -> tuple[float | None, float | None, int]:
        """(value this year, value last year, n) for a measure under the filters."""
        measure = MEASURE_BY_ID[measure_id]
        year = filters.year or self.current_year()
        key = ("measure", measure.id, replace(filters, year=year))
        return self._cached(key, lambda: self._measure_value(measure, filters))

    def _measure_scope(self, measure: Measure, filters: Filters) -> pd.DataFrame:
        """The rows a measure is computed over: every school in scope, or those with a return (its scope)."""
        if measure.scope.all_schools:
            return self.school_year(filters)
        year = filters.year or self.current_year()
        return self._cached(("returned", replace(filters, year=year)),
                            lambda: self._returned_rows(self.school_year(filters)))

    @staticmethod
    def _returned_rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame.has_return] if not frame.empty else frame

    def _measure_value(self, measure: Measure, filters: Filters) -> tuple[float | None, float | None, int]:
        scope = self._measure_scope(measure, filters)
        value = compute(measure, scope)
        previous = None
        prev_filters = filters.previous_year() if filters.year else Filters(**{**filters.__dict__,
                                                                                "year": self.current_year()}).previous_year()
        if prev_filters and prev_filters.year in self.years():
            previous = compute(measure, self._measure_scope(measure, prev_filters))
        return value, previous, answered(measure, scope)

    def comparison_by_area(self, measure_id: str, filters: Filters) -> pd.DataFrame:
        """A measure for the selected LA(s) beside their region(s) and England, like for like.

        Every filter but the LA applies at every level, so a primary-only view compares primary
        schools throughout. One row per selected LA (when no LA is selected and the lake holds
        one LA, that LA), then one per region those LAs are in, then England: every school in
        the lake, labelled 'England' only when the lake holds every region's schools (the
        national collection) and 'All LAs in this lake' otherwise. Columns: level (LA | Region
        | England), area, la_code, region, value, previous (last year), change, n (schools the
        value rests on), schools (in scope), formatted. Empty when there is no year.
        """
        measure = MEASURE_BY_ID[measure_id]
        year = filters.year or self.current_year()
        cols = ["level", "area", "la_code", "region", "value", "previous", "change", "n", "schools", "formatted"]
        if not year:
            return pd.DataFrame(columns=cols)
        every = replace(filters, year=year, la=())
        key = ("comparison", measure.id, replace(filters, year=year))
        return self._cached(key, lambda: self._comparison(measure, filters, every, cols))

    def _comparison(self, measure: Measure, filters: Filters, every: Filters, cols: list[str]) -> pd.DataFrame:
        now_all = self.school_year(every)
        prev_f = every.previous_year()
        before_all = self.school_year(prev_f) if prev_f and prev_f.year in self.years() else None
        las = self.las()
        names = dict(zip(las.la_code.tolist(), las.la_name.tolist()))
        selected = list(filters.la) or (las.la_code.tolist() if len(las) == 1 else [])
        region_of = self._regions()

        def scope(frame: pd.DataFrame | None, mask_of) -> pd.DataFrame | None:
            if frame is None or frame.empty:
                return frame
            rows = frame[mask_of(frame)]
            return scoped(measure, rows)

        def row(level: str, area: str, la_code, region, mask_of) -> dict:
            now = scope(now_all, mask_of)
            value = compute(measure, now)
            previous = compute(measure, scope(before_all, mask_of)) if before_all is not None else None
            change = None if value is None or previous is None else value - previous
            in_scope = 0 if now_all.empty else int(mask_of(now_all).sum())
            return {"level": level, "area": area, "la_code": la_code, "region": region, "value": value,
                    "previous": previous, "change": change, "n": answered(measure, now), "schools": in_scope,
                    "formatted": measure.format(value)}

        out = []
        for code in selected:
            out.append(row("LA", names.get(code) or f"LA {code}", int(code), region_of.get(code),
                           lambda f, c=code: f.la_code == c))
        for region in dict.fromkeys(region_of.get(c) for c in selected):
            if region:
                out.append(row("Region", region, None, region, lambda f, r=region: f.region == r))
        national = len(set(region_of.values()) - {None}) >= 9 and len(las) >= 100
        out.append(row("England", "England" if national else "All LAs in this lake", None, None,
                       lambda f: pd.Series(True, index=f.index)))
        return pd.DataFrame(out, columns=cols)

    def _regions(self) -> dict[int, str | None]:
        """LA code -> region, from the register."""
        frame = self._cached(("regions",), lambda: self._df(
            "SELECT la_code, any_value(region) AS region FROM schools WHERE la_code IS NOT NULL GROUP BY la_code"))
        return {int(c): (r if isinstance(r, str) else None) for c, r in zip(frame.la_code, frame.region)}

    # ----------------------------------------------------------- per school
    def school_history(self, urn: int) -> pd.DataFrame:
        """The school's returns, with those sent under the URN it had before converting (GIAS links)."""
        return self._cached(("history", urn), lambda: self._df(
            "SELECT * FROM returns WHERE urn = $urn OR urn IN (SELECT link_urn FROM school_links "
            "WHERE urn = $urn AND link_type ILIKE 'predecessor%') ORDER BY academic_year, urn = $urn",
            {"urn": int(urn)}))

    def school_submissions(self, urn: int) -> pd.DataFrame:
        return self._cached(("submissions", urn), lambda: self._df(
            "SELECT h.*, l.loaded_at FROM returns_history h JOIN loads l USING (load_id) WHERE h.urn = ? "
            "ORDER BY h.academic_year, h.load_id", [int(urn)]))

    def school_census(self, urn: int) -> pd.DataFrame:
        return self._cached(("census", urn), lambda: self._df(
            "SELECT * FROM census WHERE urn = ? ORDER BY census_year", [int(urn)]))

    def school_register(self, urn: int) -> dict | None:
        frame = self._cached(("register", urn), lambda: self._df("SELECT * FROM schools WHERE urn = ?", [int(urn)]))
        return None if frame.empty else frame.iloc[0].to_dict()

    def school_ofsted(self, urn: int) -> dict | None:
        frame = self._cached(("ofsted", urn), lambda: self._df("SELECT * FROM ofsted WHERE urn = ?", [int(urn)]))
        return None if frame.empty else frame.iloc[0].to_dict()

    def peer_facts(self) -> pd.DataFrame:
        """Per school, what similar schools are matched on beyond the return (lake.analysis.similar_schools):
        the register's age range and the latest census's SEN unit and resourced provision counts."""
        return self._cached(("peer_facts",), lambda: self._df(
            "SELECT s.urn, s.statutory_low_age, s.statutory_high_age, c.sen_unit, c.rp_unit FROM schools s "
            "LEFT JOIN (SELECT urn, sen_unit, rp_unit FROM census QUALIFY row_number() OVER "
            "(PARTITION BY urn ORDER BY census_year DESC) = 1) c USING (urn)"))

    # ------------------------------------------------------- data quality
    def loads(self) -> pd.DataFrame:
        return self._cached(("loads",), lambda: self._df(
            "SELECT load_id, kind, file_name, loaded_at, rows_read, accepted, rejected, status, message, sha256 "
            "FROM loads ORDER BY load_id DESC"))

    def rejects(self, year: str | None = None) -> pd.DataFrame:
        sql = ("SELECT r.load_id, l.kind, l.loaded_at, r.source_file, r.row_number, r.urn, r.school_name, "
               "r.academic_year, r.reasons, r.raw_values, coalesce(r.codes, 'unknown') AS codes, r.problems, "
               "r.resolved_by_load, rl.loaded_at AS resolved_at, rl.file_name AS resolved_by_file "
               "FROM rejects r JOIN loads l USING (load_id) LEFT JOIN loads rl ON rl.load_id = r.resolved_by_load")
        params: list = []
        if year:
            sql += " WHERE r.academic_year = ? OR r.academic_year IS NULL"
            params.append(year)
        sql += " ORDER BY r.load_id DESC, r.row_number"
        return self._cached(("rejects", year), lambda: self._df(sql, params))

    def missing_returns(self, filters: Filters) -> pd.DataFrame:
        """Schools on the register in scope with no accepted return for the year: the chase list."""
        frame = self.school_year(filters)
        if frame.empty:
            return frame
        out = frame[(~frame.has_return.astype(bool)) & frame.on_register.astype(bool)]
        return out[["urn", "school_name", "phase", "school_type", "la_name"]].reset_index(drop=True)

    def lake_freshness(self) -> dict:
        frame = self._cached(("fresh",), lambda: self._df(
            "SELECT kind, max(loaded_at) AS last_loaded, count(*) AS files FROM loads GROUP BY kind ORDER BY kind"))
        return {r.kind: {"last_loaded": r.last_loaded, "files": int(r.files)} for r in frame.itertuples()}

    # ------------------------------------------- over the years, and since a date
    def trend(self, measure_id: str, filters: Filters) -> pd.DataFrame:
        """A measure for every year in the lake (lake.trends.trend_table); the year filter is ignored."""
        key = ("trend", measure_id, replace(filters, year=None))
        return self._cached(key, lambda: trends.trend_table(self, MEASURE_BY_ID[measure_id], filters))

    def submissions_since(self, since: dt.date) -> pd.DataFrame:
        """Every accepted submission loaded on or after `since`, with when it came, whether an
        earlier submission for the same school and year came before it (`earlier`), and whether a
        later one has replaced it (`superseded_by_load`)."""
        return self._cached(("submissions_since", since), lambda: self._df(
            "SELECT * FROM (SELECT h.urn, h.school_name, h.academic_year, h.load_id, h.source_file, "
            "h.superseded_by_load, l.loaded_at, l.file_name, "
            "count(*) OVER (PARTITION BY h.urn, h.academic_year ORDER BY h.load_id "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier "
            "FROM returns_history h JOIN loads l USING (load_id)) WHERE loaded_at >= $since "
            "ORDER BY loaded_at DESC, load_id DESC, school_name", {"since": since}))

    def school_year_as_of(self, year: str, since: dt.date) -> pd.DataFrame:
        """`school_year(Filters(year=year))` as the lake stood at the start of `since`: each school's
        return is the latest submission loaded before then (from returns_history). The register,
        census and Ofsted columns are today's; the return's own columns and flags are as they were."""
        sql = _returns_as_at(_school_year_sql(), "$since") + " ORDER BY school_name, urn"
        asof = as_of(year)
        return self._cached(("school_year_as_of", year, since, asof), lambda: self._df(
            sql, {"year": year, "since": since, "asof": asof}))

    def ofsted_since(self, since: dt.date) -> pd.DataFrame:
        """Official Ofsted outcomes in the lake for inspections on or after `since`, newest first."""
        return self._cached(("ofsted_since", since), lambda: self._df(
            "SELECT o.urn, s.school_name, s.la_code, o.inspection_date, o.overall_effectiveness, o.inclusion, "
            "o.source FROM ofsted o LEFT JOIN schools s USING (urn) WHERE o.inspection_date >= $since "
            "ORDER BY o.inspection_date DESC, s.school_name", {"since": since}))

    def changes_since(self, filters: Filters, since: dt.date) -> dict[str, pd.DataFrame]:
        """What changed on or after `since` for the schools in the filter (lake.since.changes)."""
        from lake import since as since_  # noqa: PLC0415 (lake.since imports Filters from this module)
        year = filters.year or self.current_year()
        return self._cached(("changes_since", replace(filters, year=year), since),
                            lambda: since_.changes(self, replace(filters, year=year), since))


def _returns_as_at(sql: str, before: str) -> str:
    """The frame's SQL with each school's return as it stood before `before` (a SQL parameter):
    the latest submission loaded before then, from returns_history."""
    sql = sql.lstrip()
    if not sql.startswith("WITH "):           # the frame's SQL changed shape: fail loudly, not wrongly
        raise AssertionError("school_year SQL no longer starts with a WITH clause")
    # A CTE named `returns` stands in for the table inside the frame's own SQL.
    history = ("WITH returns AS (SELECT h.* EXCLUDE (superseded_by_load) FROM returns_history h "
               f"JOIN loads l USING (load_id) WHERE l.loaded_at < {before} AND h.academic_year = $year "
               "QUALIFY row_number() OVER (PARTITION BY h.urn, h.academic_year ORDER BY h.load_id DESC) = 1), ")
    return history + sql.removeprefix("WITH ")


def today() -> dt.date:
    return dt.date.today()


def as_of(year: str, as_at: dt.date | None = None) -> dt.date:
    """The date a year's return is judged at for the dated flags: the end of that academic year
    (31 August), or today while the year is still running; for a link pinned to an earlier date
    (`as_at`), that date, so its figures stay as they were."""
    pinned = as_at.date() if isinstance(as_at, dt.datetime) else as_at
    try:
        end = dt.date(int(year[:4]) + 1, 8, 31)
    except ValueError:
        return min(today(), pinned or today())
    return min(today(), end, pinned or end)
