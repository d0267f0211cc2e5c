"""Pure functions over the read API's frames: cuts, distributions, correlation, change.

Nothing here touches Streamlit or the database, so every function is tested directly.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


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
    g = rows.groupby(group, observed=True)[column]
    out = pd.DataFrame({"Schools (n)": g.size(), "Median": g.median(), "Lower quartile": g.quantile(0.25),
                        "Upper quartile": g.quantile(0.75), "Min": g.min(), "Max": g.max()}).reset_index()
    return out[cols]


def spearman(frame: pd.DataFrame, x: str, y: str) -> tuple[float | None, int]:
    """Rank correlation of two columns over rows that have both, and its n."""
    rows = frame[[x, y]].dropna().astype(float) if not frame.empty else pd.DataFrame()
    n = len(rows)
    if n < 3 or rows[x].nunique() < 2 or rows[y].nunique() < 2:
        return None, n
    rho = rows[x].rank().corr(rows[y].rank())
    return (None if rho is None or math.isnan(rho) else float(rho)), n


def describe_rho(rho: float | None) -> str:
    if rho is None:
        return "not enough schools to say"
    size = abs(rho)
    word = "very weak" if size < 0.2 else "weak" if size < 0.4 else "moderate" if size < 0.6 else "strong"
    return f"{word} {'positive' if rho > 0 else 'negative'}"


def linear_trend(frame: pd.DataFrame, x: str, y: str) -> tuple[float, float] | None:
    """Least-squares slope and intercept of y on x, or None with too few points."""
    rows = frame[[x, y]].dropna().astype(float) if not frame.empty else pd.DataFrame()
    if len(rows) < 3 or rows[x].nunique() < 2:
        return None
    slope, intercept = np.polyfit(rows[x], rows[y], 1)
    return float(slope), float(intercept)


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
    roles = rows["senco_other_roles"].dropna().str.split("; ").explode()
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


def similar_schools(frame: pd.DataFrame, urn: int, k: int = 10) -> pd.DataFrame:
    """Schools of the same phase with the nearest roll and SEND share."""
    rows = returned(frame)
    me = rows[rows.urn == urn]
    if me.empty:
        return rows.iloc[0:0]
    me = me.iloc[0]
    peers = rows[(rows.urn != urn) & (rows.phase == me.phase)].copy()
    if peers.empty or pd.isna(me.number_on_roll):
        return peers.iloc[0:0]
    send_share = peers.send_pupils / peers.number_on_roll.where(peers.number_on_roll > 0)
    my_share = (me.send_pupils / me.number_on_roll) if me.number_on_roll else 0
    roll_scale = max(float(rows.number_on_roll.std() or 1), 1.0)
    peers["distance"] = ((peers.number_on_roll - me.number_on_roll).abs() / roll_scale
                         + (send_share - my_share).abs().fillna(1) * 5)
    return peers.nsmallest(k, "distance")
