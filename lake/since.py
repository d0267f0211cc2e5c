"""What changed since a date: returns received or resubmitted, schools crossing the recommended
time or a statutory flag (both ways), and new official Ofsted outcomes.

It reads the load history the lake keeps: every accepted submission is in `returns_history`
with the load that brought it (`loads.loaded_at`) and, once replaced, `superseded_by_load`.
So the lake as it stood on any date can be read back (`LakeAPI.school_year_as_of`), and each
school's newest return now is compared with the newest it had then. A school that had no return
then is compared with its previous return in the lake (e.g. last year's), so a first meeting of
the year still sees who moved.

`LakeAPI.changes_since` caches `changes`; the rest are pure functions over frames.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from lake.api import Filters
from lake.measures import MEASURE_BY_ID, STATUTORY, flags

# The thresholds and flags a meeting follows: the recommended SENCO time, every statutory flag, and the
# shared-head check.
WATCHED = ("below_recommended", *[m.id for m in flags(STATUTORY)], "flag_shared_head")
RAISED, CLEARED = "Raised", "Cleared"
# How each direction reads for the recommended time (a flag is simply raised or cleared).
WORDS = {"below_recommended": ("Moved below the recommended time", "Moved up to the recommended time or above")}

CROSSING_COLUMNS = ["urn", "school_name", "measure_id", "change", "direction", "before_year", "before_basis",
                    "after_year", "before_hours", "after_hours"]


def parse_since(text: str | None, today: dt.date) -> dt.date | None:
    """A `since` value from a link: an ISO date (2026-10-01) no later than today, else None."""
    if not isinstance(text, str):
        return None
    try:
        day = dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
    return day if day <= today else None


def default_since(today: dt.date) -> dt.date:
    """With no date chosen: four weeks back, about the gap between a team's meetings."""
    return today - dt.timedelta(days=28)


def received(submissions: pd.DataFrame) -> pd.DataFrame:
    """The submissions list as a meeting reads it: new return or resubmission, still current or
    replaced since by a later one. `submissions` is `LakeAPI.submissions_since`."""
    if submissions.empty:
        return submissions.assign(kind=pd.Series(dtype=object), status=pd.Series(dtype=object))
    out = submissions.copy()
    out["kind"] = out["earlier"].map(lambda n: "Resubmission" if n else "New return")
    out["status"] = out["superseded_by_load"].map(lambda s: "Current" if pd.isna(s) else "Replaced by a later submission")
    return out.sort_values(["loaded_at", "load_id", "school_name"], ascending=[False, False, True]).reset_index(drop=True)


def _returns_long(frames: dict[str, pd.DataFrame], urns: pd.Series, columns: list[str]) -> pd.DataFrame:
    """The returns of these schools in every year's school_year frame, one row per school and year."""
    parts = []
    for year, frame in frames.items():
        if frame.empty:
            continue
        rows = frame[frame.has_return.astype(bool) & frame.urn.isin(urns)]
        parts.append(rows[["urn", "school_name", "load_id", *columns]].assign(year=year))
    if not parts:
        return pd.DataFrame(columns=["urn", "school_name", "load_id", *columns, "year"])
    out = pd.concat(parts, ignore_index=True)
    out["urn"] = out["urn"].astype("int64")
    return out


def _newest(long: pd.DataFrame) -> pd.DataFrame:
    """Each school's newest year in a long frame of returns."""
    return long.sort_values(["urn", "year"], ascending=[True, False]).drop_duplicates("urn")


def pairs(submissions: pd.DataFrame, now: dict[str, pd.DataFrame], then: dict[str, pd.DataFrame],
          since: dt.date) -> pd.DataFrame:
    """For each school whose newest return now arrived on or after `since`: that return beside
    the one to compare it with (the newest the lake held on `since`, or else its previous return).

    `now` and `then` map each academic year to its school_year frame now and as of `since`.
    One row per school: urn, school_name, before_year, before_basis, after_year, and for each
    watched column `before_<col>` / `after_<col>` (None when unknown). Whole frames at a time,
    so a national collection's first week (every school arriving at once) stays quick."""
    watched = [MEASURE_BY_ID[m].column for m in WATCHED] + ["senco_hours_per_week"]
    columns = ["urn", "school_name", "before_year", "before_basis", "after_year"]
    columns += [f"{p}_{c}" for c in watched for p in ("before", "after")]
    if submissions.empty:
        return pd.DataFrame(columns=columns)
    arrived = pd.DataFrame({"urn": submissions.urn.astype("int64"), "year": submissions.academic_year,
                            "load_id": submissions.load_id.astype("int64")}).drop_duplicates()
    urns = arrived.urn.drop_duplicates()
    now_long = _returns_long(now, urns, watched)
    after = _newest(now_long)
    after = after.assign(load_id=after.load_id.astype("int64")).merge(arrived, on=["urn", "year", "load_id"])
    if after.empty:
        return pd.DataFrame(columns=columns)
    held = _newest(_returns_long(then, after.urn, watched)).assign(before_basis=f"as held on {since:%-d %B %Y}")
    earlier = now_long.merge(after[["urn", "year"]].rename(columns={"year": "after_year"}), on="urn")
    earlier = _newest(earlier[earlier.year < earlier.after_year].drop(columns=["after_year"]))
    earlier = earlier[~earlier.urn.isin(held.urn)].assign(before_basis="previous return")
    before = pd.concat([held, earlier], ignore_index=True)   # a school with neither is a first return: left out
    out = after.merge(before.drop(columns=["school_name", "load_id"]), on="urn", suffixes=("_after", "_before"))
    out = out.rename(columns={"year_after": "after_year", "year_before": "before_year",
                              **{f"{c}_after": f"after_{c}" for c in watched},
                              **{f"{c}_before": f"before_{c}" for c in watched}})
    out = out.sort_values("urn").reset_index(drop=True)[columns].astype(object)
    return out.where(out.notna(), None)


def crossings(pairs_: pd.DataFrame) -> pd.DataFrame:
    """One row per school and watched threshold or flag it crossed, either way. A value not
    known on either side (a blank answer) is no crossing."""
    out = []
    for r in pairs_.to_dict("records"):
        for mid in WATCHED:
            col = MEASURE_BY_ID[mid].column
            before, after = r[f"before_{col}"], r[f"after_{col}"]
            if before is None or after is None or bool(before) == bool(after):
                continue
            direction = RAISED if bool(after) else CLEARED
            raised, cleared = WORDS.get(mid, ("Flag raised", "Flag cleared"))
            out.append({"urn": r["urn"], "school_name": r["school_name"], "measure_id": mid,
                        "change": raised if direction == RAISED else cleared, "direction": direction,
                        "before_year": r["before_year"], "before_basis": r["before_basis"],
                        "after_year": r["after_year"], "before_hours": r["before_senco_hours_per_week"],
                        "after_hours": r["after_senco_hours_per_week"]})
    frame = pd.DataFrame(out, columns=CROSSING_COLUMNS)
    frame["measure"] = frame["measure_id"].map(watched_name)
    return frame


def watched_name(measure_id: str) -> str:
    """A watched threshold or flag as a meeting reads it: 'SENCO not a qualified teacher'."""
    name = MEASURE_BY_ID[measure_id].name.removeprefix("Flag: ")
    return name[:1].upper() + name[1:]


def crossing_counts(crossings_: pd.DataFrame) -> pd.DataFrame:
    """Per watched threshold or flag: how many schools crossed it each way (zeros included)."""
    rows = []
    for mid in WATCHED:
        part = crossings_[crossings_.measure_id == mid]
        rows.append({"measure_id": mid, "measure": watched_name(mid),
                     RAISED: int((part.direction == RAISED).sum()), CLEARED: int((part.direction == CLEARED).sum())})
    return pd.DataFrame(rows, columns=["measure_id", "measure", RAISED, CLEARED])


def changes(api, filters, since: dt.date) -> dict[str, pd.DataFrame]:
    """Everything the "since" view shows, for the schools in the filter: `received` (each
    submission loaded on or after `since`), `crossings`, `ofsted` (official outcomes of
    inspections on or after `since`) and `ofsted_loads` (Ofsted files loaded since)."""
    scope = api.school_year(filters)
    urns = set() if scope.empty else {int(u) for u in scope.urn}
    subs = api.submissions_since(since)
    subs = subs[subs.urn.isin(urns)] if not subs.empty else subs
    years = api.years() if not subs.empty else []       # nothing arrived: no frame to read
    now = {y: api.school_year(Filters(year=y)) for y in years}
    then = {y: api.school_year_as_of(y, since) for y in years}
    crossed = crossings(pairs(subs, now, then, since))
    ofsted = api.ofsted_since(since)
    ofsted = ofsted[ofsted.urn.isin(urns)].reset_index(drop=True) if not ofsted.empty else ofsted
    loads = api.loads()
    start = pd.Timestamp(since)
    ofsted_loads = loads[(loads.kind == "ofsted") & (pd.to_datetime(loads.loaded_at) >= start)] \
        if not loads.empty else loads
    return {"received": received(subs), "crossings": crossed, "ofsted": ofsted,
            "ofsted_loads": ofsted_loads.reset_index(drop=True)}
