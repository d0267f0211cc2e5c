"""Pure functions over the read API's frames: cuts, distributions, correlation, change.

Nothing here touches Streamlit or the database, so every function is tested directly.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from domain.vocabularies import LIST_SEPARATOR, OEIF_GRADES
from lake import measures, rounding


def returned(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["has_return"].astype(bool)] if not frame.empty else frame


def share_by(frame: pd.DataFrame, group: str, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """Share of schools where `column` is true, per value of `group`, with the n it rests on."""
    cols = [group, "Share", "Schools (n)", "Yes (count)"]
    rows = frame[frame[column].notna() & frame[group].notna()] if not frame.empty else frame
    if rows.empty:
        return pd.DataFrame(columns=cols)
    g = rows.groupby(group, observed=True)[column]
    out = pd.DataFrame({"Share": g.apply(lambda s: s.astype(float).mean()), "Schools (n)": g.size(),
                        "Yes (count)": g.apply(lambda s: int(s.astype(bool).sum()))}).reset_index()
    if order:
        out[group] = pd.Categorical(out[group], categories=[o for o in order if o in set(out[group])], ordered=True)
        out = out.sort_values(group).reset_index(drop=True)
        out[group] = out[group].astype(str)
    return out[cols]


def overall_distribution(frame: pd.DataFrame, label: str, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """`distribution` of `column` over the whole frame, as one group named `label` (column "all_schools")."""
    return distribution(frame.assign(all_schools=label), "all_schools", column, order)


def distribution(frame: pd.DataFrame, group: str, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """Counts and shares of each value of a categorical `column` within each `group`."""
    rows = frame[frame[column].notna() & frame[group].notna()] if not frame.empty else frame
    if rows.empty:
        return pd.DataFrame(columns=[group, column, "Schools", "Share"])
    out = rows.groupby([group, column], observed=True).size().rename("Schools").reset_index()
    out["Share"] = out["Schools"] / out.groupby(group)["Schools"].transform("sum")
    if order:
        rank = {v: i for i, v in enumerate(order)}
        out = out.sort_values([group, column], key=lambda s: s.map(rank).fillna(99) if s.name == column else s)
    return out.reset_index(drop=True)


def summary_by(frame: pd.DataFrame, group: str, column: str) -> pd.DataFrame:
    """Median, quartiles and range of a numeric column per group."""
    rows = frame[frame[column].notna() & frame[group].notna()] if not frame.empty else frame
    cols = [group, "Schools (n)", "Median", "Lower quartile", "Upper quartile", "Min", "Max"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    out = _quartiles(rows.groupby(group, observed=True)[column]).reset_index()
    return out[cols]


def _shown(values: pd.Series) -> pd.Series:
    """Figures as tables show them: 1 decimal, rounded half up like the headline medians."""
    return values.map(lambda x: rounding.round_half_up(x, 1)).astype(float)


def _quartiles(g) -> pd.DataFrame:
    """n, median, quartiles and range of each group, as shown. The one computation behind the summary
    tables and the box plots (box_stats), so a box and its table never disagree."""
    out = pd.DataFrame({"Schools (n)": g.size(), "Median": g.median(), "Lower quartile": g.quantile(0.25),
                        "Upper quartile": g.quantile(0.75), "Min": g.min(), "Max": g.max()})
    for col in ("Median", "Lower quartile", "Upper quartile", "Min", "Max"):
        out[col] = _shown(out[col])
    return out


def spearman(frame: pd.DataFrame, x: str, y: str) -> tuple[float | None, int]:
    """Rank correlation of two columns over rows that have both, and its n."""
    rows = frame[[x, y]].dropna().astype(float) if not frame.empty else pd.DataFrame()
    n = len(rows)
    if n < 3 or rows[x].nunique() < 2 or rows[y].nunique() < 2:
        return None, n
    rho = rows[x].rank().corr(rows[y].rank())
    return (None if rho is None or math.isnan(rho) else float(rho)), n


MIN_CORRELATION_N = 10      # below this many schools a rank correlation says too little to report


def rho_interval(rho: float | None, n: int, level: float = 0.95) -> tuple[float, float] | None:
    """The confidence interval of Spearman's rho by Fisher's z transformation, with the standard
    error 1.06 / sqrt(n - 3) that Fieller, Hartley and Pearson (1957) give for rank correlations.
    None when there is no rho or too few schools (MIN_CORRELATION_N) for the approximation."""
    if rho is None or n < MIN_CORRELATION_N:
        return None
    z_crit = {0.95: 1.959964, 0.9: 1.644854, 0.99: 2.575829}[level]
    clipped = max(min(rho, 0.999999), -0.999999)
    z, se = math.atanh(clipped), 1.06 / math.sqrt(n - 3)
    return math.tanh(z - z_crit * se), math.tanh(z + z_crit * se)


def describe_rho(rho: float | None, n: int) -> str:
    """The rank correlation as a reader should weigh it: its value, its 95% interval and its n, or a
    plain statement that the sample is too small. Never a bare "moderate positive"."""
    if n < MIN_CORRELATION_N:
        return (f"too few schools to say (n = {n}; a rank correlation needs at least "
                f"{MIN_CORRELATION_N} schools with both figures)")
    if rho is None:
        return f"cannot be computed: every school gives the same value (n = {n})"
    low, high = rho_interval(rho, n)
    text = (f"Spearman's rho = {rounding.number(rho, 2)} (95% confidence interval "
            f"{rounding.number(low, 2)} to {rounding.number(high, 2)}), n = {n:,} schools")
    if low <= 0 <= high:
        text += "; the interval includes 0, so these schools show no clear link either way"
    return text


def linear_trend(frame: pd.DataFrame, x: str, y: str) -> tuple[float, float] | None:
    """Least-squares slope and intercept of y on x, or None with too few points."""
    rows = frame[[x, y]].dropna().astype(float) if not frame.empty else pd.DataFrame()
    if len(rows) < 3 or rows[x].nunique() < 2:
        return None
    slope, intercept = np.polyfit(rows[x], rows[y], 1)
    return float(slope), float(intercept)


def cohort_scatter(frame: pd.DataFrame, x: str, y: str, min_cohort: int = 0,
                   keep: tuple[str, ...] = ("urn", "school_name", "phase", "hours_per_10_send")):
    """The points of a y-against-cohort chart and what it says.

    Rows with both x and y (and, with `min_cohort`, x at least that: smaller cohorts are left
    out), keeping only the columns the chart and its table use; their rank correlation and n,
    the fitted trend, and how many rows the cohort rule left out.
    Returns (points, rho, n, trend, hidden)."""
    if frame.empty:
        return frame, None, 0, None, 0
    cols = list(dict.fromkeys([c for c in keep if c in frame.columns] + [x, y]))
    points = frame.loc[frame[x].notna() & frame[y].notna(), cols]
    hidden = 0
    if min_cohort:
        small = points[x] < min_cohort
        hidden = int(small.sum())
        points = points[~small]
    rho, n = spearman(points, x, y)
    return points.reset_index(drop=True), rho, n, linear_trend(points, x, y), hidden


SEND_BANDS = ((20, "Under 20"), (40, "20 to 39"), (80, "40 to 79"), (math.inf, "80 or more"))
EHCP_BANDS = ((5, "Under 5"), (10, "5 to 9"), (20, "10 to 19"), (math.inf, "20 or more"))


def cohort_band_summary(frame: pd.DataFrame, x: str, y: str, bands=SEND_BANDS) -> pd.DataFrame:
    """`y` summarised (median, quartiles, n) per band of the cohort `x`, bands in order: the
    anonymised form of a y-against-cohort scatter, whose points would each give a school's count."""
    rows = frame.loc[frame[x].notna() & frame[y].notna()] if not frame.empty else frame
    names = [name for _, name in bands]
    if rows.empty:
        return pd.DataFrame(columns=["Cohort", "Schools (n)", "Median", "Lower quartile", "Upper quartile"])
    counts = pd.to_numeric(rows[x], errors="coerce").astype(float)
    band = counts.map(lambda c: next(name for top, name in bands if c < top))
    out = summary_by(rows.assign(Cohort=band), "Cohort", y).drop(columns=["Min", "Max"])
    out["Cohort"] = pd.Categorical(out["Cohort"], categories=[n for n in names if n in set(out["Cohort"])],
                                   ordered=True)
    out = out.sort_values("Cohort").reset_index(drop=True)
    out["Cohort"] = out["Cohort"].astype(str)
    return out


BOX_STATS = ("Schools (n)", "Median", "Lower quartile", "Upper quartile", "Lower fence", "Upper fence")


def box_stats(frame: pd.DataFrame, group: str, column: str, order: tuple[str, ...] | None = None,
              keep: tuple[str, ...] = (), small: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A box plot's figures, worked out here rather than by the browser from every school's value.

    Returns (stats, points). `stats`: one row per group (in `order` when given, then the rest
    sorted), its n, median and quartiles as the summary tables show them (`_quartiles`), and its
    fences: the furthest values within 1.5 times the interquartile range of the box (Tukey's
    whiskers, as Plotly draws them). A group of fewer than `small` schools has its n only: quartiles
    of two schools mislead. `points`: the schools a chart still draws one by one (beyond the fences,
    or in a group too small for a box), with `group`, `column` and `keep` (e.g. the school, for its
    hover and drill-through), flagged `outlier` (False: in a small group)."""
    cols = [group, *BOX_STATS]
    keep_cols = [c for c in keep if c in frame.columns and c not in (group, column)]
    rows = frame.loc[frame[group].notna() & frame[column].notna(), [group, column, *keep_cols]] \
        if not frame.empty else pd.DataFrame(columns=[group, column, *keep_cols])
    rows = rows.assign(**{column: pd.to_numeric(rows[column], errors="coerce").astype(float)})
    points_cols = [group, column, *keep_cols, "outlier"]
    if rows.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=points_cols)
    names = sorted(set(rows[group].astype(str)))
    if order:
        names = [o for o in order if o in names] + [n for n in names if n not in order]
    key = rows[group].astype(str)
    stats = _quartiles(rows.groupby(key)[column]).drop(columns=["Min", "Max"]).reindex(names)
    low_fence, high_fence, beyond = {}, {}, pd.Series(False, index=rows.index)
    for name, values in rows.groupby(key)[column]:
        if len(values) < small:
            continue
        q1, q3 = values.quantile(0.25), values.quantile(0.75)
        reach = 1.5 * (q3 - q1)
        inside = values.between(q1 - reach, q3 + reach)
        low_fence[name], high_fence[name] = values[inside].min(), values[inside].max()
        beyond.loc[values.index] = ~inside
    stats["Lower fence"] = _shown(pd.Series(low_fence, dtype=float).reindex(names))
    stats["Upper fence"] = _shown(pd.Series(high_fence, dtype=float).reindex(names))
    too_few = stats["Schools (n)"] < small
    stats.loc[too_few, list(BOX_STATS[1:])] = np.nan
    small_group = key.isin(list(stats.index[too_few]))
    stats = stats.rename_axis(group).reset_index()
    points = rows[beyond | small_group].assign(outlier=beyond[beyond | small_group])
    points = points.assign(**{group: points[group].astype(str)})
    return stats[cols], points[points_cols].reset_index(drop=True)


def density_counts(frame: pd.DataFrame, x: str, y: str, max_bins: int = 30) -> dict:
    """How many rows fall in each cell of a grid over (x, y): the counts a density chart draws in
    place of thousands of overplotted points.

    Each axis is cut into at most `max_bins` bins of a round width (1, 2, 5, 10, ... times a power
    of ten; whole numbers for a count such as SEND pupils) from a multiple of that width. Returns
    the bins' lower edges and width per axis, whether the axis holds whole numbers, and the counts
    (rows by y bin, columns by x bin)."""
    rows = frame[[x, y]].apply(pd.to_numeric, errors="coerce").dropna().astype(float) \
        if not frame.empty else pd.DataFrame(columns=[x, y], dtype=float)
    axes = {}
    for col in (x, y):
        values = rows[col]
        whole = bool(len(values)) and bool((values == values.round()).all())
        width = _round_width(values, max_bins, whole)
        start = math.floor(values.min() / width) * width if len(values) else 0.0
        n_bins = max(1, math.floor((values.max() - start) / width) + 1) if len(values) else 1
        index = np.clip(np.floor((values.to_numpy() - start) / width).astype(int), 0, n_bins - 1)
        axes[col] = {"start": float(start), "width": float(width), "bins": n_bins, "whole": whole, "index": index}
    counts = np.zeros((axes[y]["bins"], axes[x]["bins"]), dtype=int)
    np.add.at(counts, (axes[y]["index"], axes[x]["index"]), 1)
    out = {a: {k: v for k, v in axes[c].items() if k != "index"} for a, c in (("x", x), ("y", y))}
    out["counts"] = counts
    return out


def _round_width(values: pd.Series, max_bins: int, whole: bool) -> float:
    span = float(values.max() - values.min()) if len(values) else 0.0
    if span <= 0:                  # one value (or none): one cell of unit width holds it
        return 1.0
    raw = span / max_bins
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        width = step * power
        if width >= raw and (values.max() - math.floor(values.min() / width) * width) / width < max_bins:
            break
    else:
        width = 20 * power
    return float(max(1, round(width))) if whole else float(width)


def ranked(frame: pd.DataFrame, column: str, ascending: bool = True) -> pd.DataFrame:
    rows = frame[frame[column].notna()] if not frame.empty else frame
    out = rows.sort_values([column, "school_name"], ascending=[ascending, True]).reset_index(drop=True)
    out.insert(0, "Rank", range(1, len(out) + 1))
    return out


def role_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many SENCOs carry each other role."""
    rows = returned(frame)
    total = len(rows)
    if not total:
        return pd.DataFrame(columns=["Other role", "SENCOs", "Share"])
    roles = rows["senco_other_roles"].dropna().str.split(LIST_SEPARATOR).explode()
    roles = roles[roles.astype(str).str.len() > 0]
    out = roles.value_counts().rename_axis("Other role").rename("SENCOs").reset_index()
    none = int((rows["senco_other_roles"].fillna("") == "").sum())
    out = pd.concat([out, pd.DataFrame([{"Other role": "no other role", "SENCOs": none}])], ignore_index=True)
    out["Share"] = out["SENCOs"] / total
    return out


def change_by_school(now: pd.DataFrame, before: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per-school change in a column between two years (schools with both)."""
    if now.empty or before.empty:
        return pd.DataFrame(columns=["urn", "school_name", "before", "now", "change"])
    a = returned(before)[["urn", column]].rename(columns={column: "before"})
    b = returned(now)[["urn", "school_name", column]].rename(columns={column: "now"})
    out = b.merge(a, on="urn").dropna(subset=["before", "now"])
    out["change"] = out["now"].astype(float) - out["before"].astype(float)
    return out[["urn", "school_name", "before", "now", "change"]].sort_values("change").reset_index(drop=True)


# How much each difference counts towards a similar school's distance (0 = the same school on
# every count). One point is roughly: a roll twice or half the size (log scale, so 30 vs 60 counts
# as much as 600 vs 1,200); 10 percentage points of SEND share; 2 points of EHC plan share (a
# special school's EHCP share sits near 100%, a mainstream school's near 2%); a different age
# range (an infant or junior school beside a full primary); resourced provision (an SEN unit or
# resourced provision in the census) on one side only. A different school type adds half a point.
PEER_WEIGHTS = {"roll": 1 / math.log(2), "send": 1 / 10, "ehcp": 1 / 2, "ages": 1.0, "provision": 1.0, "type": 0.5}
PEER_UNKNOWN = 1.0        # a difference that cannot be measured (a blank count) counts as one point


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    out = with_send_figures(frame)
    roll = pd.to_numeric(out["number_on_roll"], errors="coerce").astype(float)
    ehcp = pd.to_numeric(out["ehcp_pupils"], errors="coerce").astype(float)
    out["ehcp_pct"] = (ehcp / roll.where(roll > 0)).map(lambda x: rounding.percent_value(x, 1)).astype(float)
    units = [c for c in ("sen_unit", "rp_unit") if c in out.columns]
    out["resourced_provision"] = (out[units].fillna(0).astype(float).sum(axis=1) > 0) if units else pd.NA
    return out


def similar_schools(frame: pd.DataFrame, urn: int, k: int = 10, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `k` returned schools most like this one, nearest first, with their `distance`.

    Only schools of the same phase are peers (a special school is compared with special schools,
    AP with AP), whatever LA they are in: on a lake of several LAs, peers come from all of them.
    Within the phase, distance adds up differences in roll, SEND and EHC plan shares, age range
    and resourced provision (PEER_WEIGHTS says how much each counts), and `similar_because` says
    in words how the peer compares. `facts` adds register ages and census units by URN
    (LakeAPI.peer_facts). Empty when the school has no return or no other school shares its phase.
    """
    rows = _shares(returned(frame.merge(facts, on="urn", how="left") if facts is not None and not frame.empty
                            else frame))
    me = rows[rows.urn == urn]
    if me.empty or pd.isna(me.iloc[0].phase):
        return rows.iloc[0:0].assign(distance=pd.Series(dtype=float), similar_because=pd.Series(dtype=object))
    me = me.iloc[0]
    peers = rows[(rows.urn != urn) & (rows.phase == me.phase)].copy()
    if peers.empty:
        return peers.assign(distance=pd.Series(dtype=float), similar_because=pd.Series(dtype=object))
    roll = pd.to_numeric(peers.number_on_roll, errors="coerce").astype(float)
    my_roll = float(me.number_on_roll) if pd.notna(me.number_on_roll) else math.nan
    parts = {
        "roll": (np.log(roll.where(roll > 0)) - (math.log(my_roll) if my_roll > 0 else math.nan)).abs(),
        "send": (peers.send_pct - me.send_pct).abs(),
        "ehcp": (peers.ehcp_pct - me.ehcp_pct).abs(),
        "type": (peers.school_type.fillna("") != ("" if pd.isna(me.get("school_type")) else me.school_type))
        .astype(float) if "school_type" in peers.columns else pd.Series(0.0, index=peers.index),
    }
    if {"statutory_low_age", "statutory_high_age"} <= set(peers.columns):
        same = ((peers.statutory_low_age == me.statutory_low_age) & (peers.statutory_high_age == me.statutory_high_age))
        known = peers.statutory_low_age.notna() & pd.notna(me.statutory_low_age)
        parts["ages"] = (~same.fillna(False)).astype(float).where(known, 0.0)
    if "resourced_provision" in peers.columns and pd.notna(me.resourced_provision):
        parts["provision"] = (peers.resourced_provision.astype("boolean") != bool(me.resourced_provision)) \
            .fillna(False).astype(float)
    distance = sum((parts[p] * PEER_WEIGHTS[p]).fillna(PEER_UNKNOWN) for p in parts)
    peers["distance"] = distance.map(lambda d: rounding.round_half_up(d, 2)).astype(float)
    peers["similar_because"] = [_because(r, me) for r in peers.itertuples(index=False)]
    return peers.sort_values(["distance", "urn"]).head(k).reset_index(drop=True)


def _because(peer, me) -> str:
    """How a peer compares with the school, in words: roll, SEND and EHCP shares, provision, LA."""
    bits = []
    if pd.notna(peer.number_on_roll):
        bits.append(f"roll {int(peer.number_on_roll)}")
    for col, name in (("send_pct", "SEND"), ("ehcp_pct", "EHCP")):
        value = getattr(peer, col)
        if pd.notna(value):
            bits.append(f"{name} {rounding.trimmed(value, 1)}%")
    provision = getattr(peer, "resourced_provision", pd.NA)
    if provision is not pd.NA and pd.notna(provision) and bool(provision):
        bits.append("resourced provision")
    la = getattr(peer, "la_name", None)
    if isinstance(la, str) and la != me.get("la_name"):
        bits.append(f"in {la}")
    return ", ".join(bits) or "–"


# ------------------------------------------------- Leadership, Ofsted & outcomes, Schools pages

OVERALL_EFFECTIVENESS = OEIF_GRADES
ADMIN_PROFILES = ("Admin support", "No admin support")
SOURCE_INCLUSION = "Official: 2025 report card inclusion grade"
SOURCE_OVERALL = "Official: overall effectiveness (pre-2025)"
SOURCE_SELF = "Self-reported in the return: SEND progress"
SHOWN_SOURCES = (SOURCE_INCLUSION, SOURCE_OVERALL, SOURCE_SELF)


def yes_no(frame: pd.DataFrame, columns, unknown: str = "Not known") -> pd.DataFrame:
    """Copy with true/false columns spelled Yes / No (and `unknown` where the return left them blank)."""
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(lambda x: unknown if pd.isna(x) else ("Yes" if bool(x) else "No")).astype(object)
    return out


def flagged_schools(frame: pd.DataFrame, flag_columns) -> pd.DataFrame:
    """Returned schools raising at least one of the flags, most flags first, flags as Yes / No."""
    rows = returned(frame)
    cols = [c for c in flag_columns if c in rows.columns]
    if rows.empty or not cols:
        return rows.iloc[0:0].assign(flags_raised=pd.Series(dtype="Int64"))
    flags = rows[cols].astype("boolean").fillna(False)
    hit = rows[flags.any(axis=1)].assign(flags_raised=flags[flags.any(axis=1)].sum(axis=1).astype("Int64"))
    hit = hit.sort_values(["flags_raised", "school_name", "urn"], ascending=[False, True, True])
    return yes_no(hit, cols).reset_index(drop=True)


def with_reference(table: pd.DataFrame, group: str, values: dict, column: str = "England figure") -> pd.DataFrame:
    """Add the national figure for each group (NaN where there is none) beside a cut."""
    out = table.copy()
    out[column] = pd.to_numeric(out[group].map(lambda g: values.get(g)), errors="coerce") if not out.empty \
        else pd.Series(dtype=float)
    return out


def with_send_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """SEND pupils, hours per 10 SEND pupils and SEND % of roll (0-100) for each row, where not already there."""
    out = frame.copy()
    if out.empty:
        return out.assign(send_pupils=pd.Series(dtype="Float64"), hours_per_10_send=pd.Series(dtype=float),
                          send_pct=pd.Series(dtype=float))
    # A school's returns over the years have no derived columns: work them out by the measures' own
    # definitions (lake.measures), as the school-year frame does.
    missing = [c for c in ("send_pupils", "hours_per_10_send") if c not in out.columns]
    if missing:
        computed = measures.per_school(out, missing)
        for col in missing:
            out[col] = computed[col]
    send = pd.to_numeric(out["send_pupils"], errors="coerce").astype(float)
    roll = pd.to_numeric(out["number_on_roll"], errors="coerce").astype(float)
    out["send_pct"] = (send / roll.where(roll > 0)).map(lambda x: rounding.percent_value(x, 1)).astype(float)
    return out


SEND_COUNTS = ("send_pupils", "sen_support_pupils", "ehcp_pupils")


def small_cohort(frame: pd.DataFrame, small: int = 5, columns=SEND_COUNTS) -> pd.Series:
    """True for rows where any of the pupil counts is under `small` (unknown counts are not small)."""
    flags = pd.Series(False, index=frame.index)
    for col in columns:
        if col in frame.columns:
            counts = pd.to_numeric(frame[col], errors="coerce")
            flags |= (counts.notna() & (counts < small)).astype(bool)
    return flags


def drop_small(frame: pd.DataFrame, small: int = 5, columns=SEND_COUNTS) -> tuple[pd.DataFrame, int]:
    """Rows with any pupil count under `small` removed (as anonymised tables hide them), and how many went."""
    if frame.empty:
        return frame, 0
    is_small = small_cohort(frame, small, columns)
    return frame[~is_small], int(is_small.sum())


def hide_small_groups(table: pd.DataFrame, n_column: str, values, small: int = 5,
                      group: str | None = None) -> pd.DataFrame:
    """Copy with the figures (`values`) of rows resting on fewer than `small` schools blanked (NaN), as
    anonymised mode shows them: the column stays numeric and sorts as numbers.

    n is the row's own `n_column`, or with `group`, its sum over the rows of that group (a
    distribution's rows each hold one answer's count; the share rests on the group's total)."""
    out = table.copy()
    if out.empty or n_column not in out.columns:
        return out
    n = pd.to_numeric(out[n_column], errors="coerce").fillna(0)
    if group is not None and group in out.columns:
        n = n.groupby(out[group].astype(object)).transform("sum")
    small_rows = n < small
    for col in values:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~small_rows)
    return out


def ofsted_outcomes(frame: pd.DataFrame, returned_only: bool = True) -> pd.DataFrame:
    """Returned schools (or all rows) with their Ofsted view: the official outcome where there is one, else
    the return's.

    Adds `official_overall` (pre-2025 overall effectiveness 1-4 in words), `admin_profile`,
    `ofsted_shown` / `ofsted_shown_source` / `ofsted_shown_date` (the 2025 inclusion grade if
    published, else the official overall effectiveness, else what the school reported) and
    `ofsted_both` (the school reported a judgement and an official one exists, so the official
    one is shown instead).
    """
    rows = (returned(frame) if returned_only else frame).copy()
    extra = ["official_overall", "admin_profile", "ofsted_shown", "ofsted_shown_source", "ofsted_shown_date",
             "ofsted_both"]
    if rows.empty:
        return rows.assign(**{c: pd.Series(dtype=object) for c in extra})
    oe = pd.to_numeric(rows["overall_effectiveness"], errors="coerce")
    official = oe.map(lambda x: OVERALL_EFFECTIVENESS.get(int(x)) if pd.notna(x) else None).astype(object)
    rows["official_overall"] = official
    rows["admin_profile"] = rows["admin_support"].map(
        lambda x: None if pd.isna(x) else ADMIN_PROFILES[0] if bool(x) else ADMIN_PROFILES[1]).astype(object)
    incl = rows["ofsted_inclusion"].astype(object).where(rows["ofsted_inclusion"].notna(), None)
    own = rows["ofsted_send_progress"].astype(object).where(rows["ofsted_send_progress"].notna(), None)
    has_incl, has_oe, has_own = incl.notna(), official.notna(), own.notna()
    rows["ofsted_shown"] = incl.where(has_incl, official.where(has_oe, own))
    rows["ofsted_shown_source"] = pd.Series(
        [SOURCE_INCLUSION if a else SOURCE_OVERALL if b else SOURCE_SELF if c else None
         for a, b, c in zip(has_incl, has_oe, has_own)], index=rows.index, dtype=object)
    official_date = pd.to_datetime(rows["ofsted_official_date"], errors="coerce")
    own_date = pd.to_datetime(rows["ofsted_inspection_date"], errors="coerce")
    rows["ofsted_shown_date"] = official_date.where(has_incl | has_oe, own_date)
    rows["ofsted_both"] = has_own & (has_incl | has_oe)
    return rows


def ofsted_by_profile(frame: pd.DataFrame, group: str, order: list[str] | None = None,
                      total_label: str | None = "All schools in scope") -> pd.DataFrame:
    """Per SENCO-profile group: share good or better (self-reported) and share at expected standard or
    above (official inclusion grade), each with the n it rests on; an all-schools row first."""
    cols = [group, "Schools (n)", "Good or better (self-reported)", "Good or better (count)",
            "Judged (self-reported, n)", "Expected or above (official inclusion)", "Expected or above (count)",
            "Inclusion graded (official, n)"]
    rows = frame[frame[group].notna()] if not frame.empty else frame
    if rows.empty:
        return pd.DataFrame(columns=cols)
    if total_label:
        rows = pd.concat([rows.assign(**{group: total_label}), rows], ignore_index=True)
        order = [total_label, *(order or sorted(set(frame[group].dropna())))]
    own = share_by(rows, group, "ofsted_send_good").rename(columns={
        "Share": "Good or better (self-reported)", "Schools (n)": "Judged (self-reported, n)",
        "Yes (count)": "Good or better (count)"})
    off = share_by(rows, group, "inclusion_expected_or_above").rename(columns={
        "Share": "Expected or above (official inclusion)", "Schools (n)": "Inclusion graded (official, n)",
        "Yes (count)": "Expected or above (count)"})
    sizes = rows.groupby(group, observed=True).size().rename("Schools (n)").reset_index()
    out = sizes.merge(own, on=group, how="left").merge(off, on=group, how="left")
    for col in ("Good or better (count)", "Judged (self-reported, n)", "Expected or above (count)",
                "Inclusion graded (official, n)"):
        out[col] = out[col].fillna(0).astype(int)
    if order:
        rank = {g: i for i, g in enumerate(order)}
        out = out.sort_values(group, key=lambda s: s.map(rank).fillna(len(rank))).reset_index(drop=True)
    return out[cols]


# (label, column, drawn from pupil counts, the measure whose rounding the figure is shown with)
KEY_FIGURES = (("SENCO hours a week", "senco_hours_per_week", False, "median_senco_hours"),
               ("SENCO hours per 10 SEND pupils", "hours_per_10_send", True, "median_hours_per_10_send"),
               ("SEND pupils, % of roll", "send_pct", True, "send_pct"),
               ("Admin support hours a week", "admin_support_hours_per_week", False, "median_admin_hours"))
# Decimals each key figure is shown to: its measure's, so a school's profile says what every card,
# table and chart says ("0.3 h", never "0.27 h" there and "0.3 h" elsewhere).
KEY_FIGURE_DIGITS = {label: measures.MEASURE_BY_ID[mid].rounding for label, _, _, mid in KEY_FIGURES}


def school_key_figures(school: pd.DataFrame, la_rows: pd.DataFrame, peers: pd.DataFrame,
                       small: int | None = None) -> pd.DataFrame:
    """One school's key figures beside the LA median and the median of similar schools.

    `school` is the school's row (a one-row frame), `la_rows` the LA's returns for the year,
    `peers` its similar schools. With `small` (anonymised mode), this school's figures derived from
    pupil counts are left blank, and so is any median over fewer than `small` schools.
    """
    cols = ["Figure", "This school", "LA median", "Difference from LA median", "Similar schools median",
            "Schools in LA (n)", "Similar schools (n)"]
    me = with_send_figures(school)
    la = with_send_figures(returned(la_rows))
    peer = with_send_figures(peers)
    if me.empty:
        return pd.DataFrame(columns=cols)
    row = me.iloc[0]
    # Anonymised (`small` given): this school's figures drawn from its pupil counts are hidden (with its
    # exact SENCO hours beside them they give its SEND count, which the census would name it by), and
    # medians over fewer than `small` schools are too.
    hide = small is not None
    out = []
    for label, col, derived, _ in KEY_FIGURES:
        digits = KEY_FIGURE_DIGITS[label]
        mine = pd.to_numeric(pd.Series([row.get(col)]), errors="coerce").iloc[0]
        la_vals = pd.to_numeric(la[col], errors="coerce").dropna() if col in la.columns else pd.Series(dtype=float)
        peer_vals = (pd.to_numeric(peer[col], errors="coerce").dropna() if col in peer.columns
                     else pd.Series(dtype=float))
        enough = small or 1                  # anonymised: no median of fewer than `small` schools
        # Each figure and the difference rounded half up from the unrounded figures (DfE's way).
        la_raw = la_vals.median() if len(la_vals) >= enough else None
        peer_med = rounding.round_half_up(peer_vals.median(), digits) if len(peer_vals) >= enough else None
        la_med = None if la_raw is None else rounding.round_half_up(la_raw, digits)
        value = None if pd.isna(mine) else rounding.round_half_up(mine, digits)
        diff = None if value is None or la_raw is None else rounding.round_half_up(mine - la_raw, digits)
        if hide and derived:
            value, diff = None, None
        out.append({"Figure": label, "This school": value, "LA median": la_med, "Difference from LA median": diff,
                    "Similar schools median": peer_med, "Schools in LA (n)": int(len(la_vals)),
                    "Similar schools (n)": int(len(peer_vals))})
    return pd.DataFrame(out, columns=cols)


def submissions_status(subs: pd.DataFrame) -> pd.DataFrame:
    """A school's submissions with a Status column: current, or superseded by a later load."""
    out = subs.copy()
    if out.empty:
        return out.assign(status=pd.Series(dtype=object))
    sup = out["superseded_by_load"] if "superseded_by_load" in out.columns else pd.Series(pd.NA, index=out.index)
    out["status"] = [("Superseded by load " + str(int(s))) if pd.notna(s) else "Current" for s in sup]
    return out


def _display(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return rounding.trimmed(value, 2)
    return str(value)


def field_values(record: dict, labels: dict[str, str]) -> pd.DataFrame:
    """A record as a two-column Field / Value table, in the order of `labels`, values as text."""
    rows = [{"Field": label, "Value": _display(record.get(key))} for key, label in labels.items() if key in record]
    return pd.DataFrame(rows, columns=["Field", "Value"])


def side_by_side(shown: pd.DataFrame, label: str = "School", extra: str | None = "URN") -> pd.DataFrame:
    """Rows of a display table turned into one column per school (headed by its label), values as text."""
    if shown.empty or label not in shown.columns:
        return pd.DataFrame(columns=["Field"])
    headers, seen = [], {}
    for _, r in shown.iterrows():
        h = str(r[label]) + (f" ({_display(r[extra])})" if extra and extra in shown.columns else "")
        seen[h] = seen.get(h, 0) + 1
        headers.append(h if seen[h] == 1 else f"{h} #{seen[h]}")
    fields = [c for c in shown.columns if c not in (label, extra)]
    data = {"Field": fields}
    for h, (_, r) in zip(headers, shown.iterrows()):
        data[h] = [_display(r[c]) for c in fields]
    return pd.DataFrame(data)


def per_school_long(frame: pd.DataFrame, label: str, values: dict[str, str]) -> pd.DataFrame:
    """Long form (school label, measure, value) for grouped per-school charts; blanks left out."""
    parts = []
    for col, name in values.items():
        if col in frame.columns:
            part = frame[[label, col]].rename(columns={col: "Value"}).assign(Measure=name)
            part["Value"] = pd.to_numeric(part["Value"], errors="coerce")
            parts.append(part.dropna(subset=["Value"]))
    if not parts:
        return pd.DataFrame(columns=[label, "Measure", "Value"])
    return pd.concat(parts, ignore_index=True)[[label, "Measure", "Value"]]


def compare_rows(frame: pd.DataFrame, urns: list[int]) -> pd.DataFrame:
    """The chosen schools' rows of a school_year frame, in the order chosen, with SEND figures and the
    Ofsted judgement to show (official where there is one)."""
    rows = frame[frame["urn"].isin(urns)] if not frame.empty else frame
    rows = with_send_figures(ofsted_outcomes(rows, returned_only=False))
    rank = {u: i for i, u in enumerate(urns)}
    return rows.sort_values("urn", key=lambda s: s.map(rank)).reset_index(drop=True)


def as_percent(table: pd.DataFrame, columns, decimals: int = 1) -> pd.DataFrame:
    """Copy with share columns (0-1) shown as percentages, each renamed "<name> (%)"."""
    out = table.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").map(
                lambda x: rounding.percent_value(x, decimals)).astype(float)
            out = out.rename(columns={col: f"{col} (%)"})
    return out


def area_table(comparisons: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Measures down, areas across: one row per measure, one column per area (LA, region,
    England) holding the measure's formatted value and the number of schools it rests on.

    `comparisons` pairs each measure's name with its `LakeAPI.comparison_by_area` frame."""
    rows, areas = [], {}
    for name, cmp in comparisons:
        row = {"Measure": name}
        for r in cmp.itertuples(index=False):
            label = f"{r.area} ({r.level})" if r.level != "England" else r.area
            areas.setdefault(label, None)
            row[label] = r.formatted if r.value is None or pd.isna(r.value) else f"{r.formatted} (n = {r.n:,})"
        rows.append(row)
    return pd.DataFrame(rows, columns=["Measure", *areas])
