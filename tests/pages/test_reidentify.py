"""Anonymised mode against an attacker holding the public census and register (tests/pages/reidentify.py).

Every anonymised page, tab, cut, profile, side-by-side view, filter and CSV download is read, and
each label is matched to the schools that fit everything shown with it. No label may narrow to one
school, on the demo lake and on the national benchmark lake; and no label can be worked out
without the lake's key.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import time

import pandas as pd
import pytest

from bench import national
from domain.vocabularies import SIZE_BANDS
from lake.api import Filters, LakeAPI
from lake.parquet import export
from lake.store import Reader, writing
from tests.pages import reidentify
from tests.pages.apptest import run_page, serving, tables
from ui.anonymise import SMALL, label_for, unlisted_urns


def setting(api: LakeAPI):
    key = os.environ.get("SENCO_ANON_KEY") or api.info()["anon_key"]     # made with the lake (lake/migrations.py)
    year = api.current_year()
    frame = api.school_year(Filters(year=year))
    truth = {label_for(u, key): int(u) for u in frame.urn.dropna()}
    la_of = {int(u): la for u, la in zip(frame.urn, frame.la_code)}
    filters = {"phase": sorted(frame.phase.dropna().unique()), "type": sorted(frame.school_type.dropna().unique()),
               "size": list(SIZE_BANDS)}
    return key, year, frame, truth, la_of, filters


def attack_report(seen, api):
    _, year, frame, truth, la_of, _ = setting(api)
    knowledge = reidentify.public_knowledge(frame, api)
    result = reidentify.attack(seen, truth, knowledge, la_of, year)
    return result, truth


def check(seen, api, listed_at_least: int):
    # A label of a URN outside the year's schools (a rejected row's, say) has no public figures to match:
    # it may be shown with nothing the register, census or Ofsted hold.
    key = os.environ.get("SENCO_ANON_KEY") or api.info()["anon_key"]
    held = set(api._df("SELECT urn FROM schools").urn.dropna().astype(int))
    held |= set(pd.to_numeric(api._df("SELECT urn FROM rejects").urn, errors="coerce").dropna().astype(int))
    elsewhere = {label_for(u, key): u for u in held}
    result, truth = attack_report(seen, api)
    outside = [label for label in result if label not in truth]
    assert all(label in elsewhere for label in outside), f"labels of no URN in this lake: {outside[:5]}"
    assert not [r for label in outside for r in seen.rows[label] if set(r) & set(reidentify.EQUAL)]
    result = {label: cands for label, cands in result.items() if label in truth}
    assert len(result) >= listed_at_least, f"only {len(result)} labels seen: the attacker saw too little to judge"
    # The attack is sound: the school behind each label always fits what was shown with it.
    missed = [label for label, cands in result.items() if truth[label] not in cands]
    assert not missed, f"the attacker's matching lost the true school for {missed[:5]}"
    resolved = sorted(label for label, cands in result.items() if len(cands) == 1)
    print(f"attack: {seen.runs} page runs, {seen.tables} tables, {seen.downloads} downloads; {len(result)} labels "
          f"seen, {len(resolved)} resolved to one school, smallest candidate set "
          f"{min((len(c) for c in result.values()), default=0)}")
    assert resolved == [], (f"{len(resolved)} labels name exactly one school: {resolved[:5]}; shown with "
                            f"{[r for r in seen.rows[resolved[0]] if r][:12] if resolved else ''}")
    return result


def test_no_label_names_a_school_on_the_demo_lake(demo_lake, lake_api, lake_kind, monkeypatch):
    if lake_kind == "parquet":      # ~110 page runs: once is enough; a replica draws the same pages (its key: below)
        pytest.skip("the attack runs once, on the DuckDB lake; the key tests run on both")
    _, _, frame, _, _, filters = setting(lake_api)
    seen = reidentify.gather(monkeypatch, filters)
    result = check(seen, lake_api, listed_at_least=len(frame) // 2)
    assert seen.downloads > 20 and seen.tables > 20
    smallest = min(len(c) for c in result.values())
    assert smallest >= 2


def test_the_attacker_names_schools_when_public_counts_are_shown(demo_lake, lake_api):
    """The same attacker, given what the anonymised profile used to show (census roll, SEN Support and
    EHC plans beside each label), names most schools: the test above can fail."""
    key, _, frame, _, _, _ = setting(lake_api)
    seen = reidentify.Seen()
    for r in frame.itertuples():
        seen.add(label_for(r.urn, key), {"Number on roll": r.census_roll, "SEN Support": r.census_sen_support,
                                         "EHC plans": r.census_ehcp})
    result, _ = attack_report(seen, lake_api)
    resolved = [label for label, cands in result.items() if len(cands) == 1]
    assert len(resolved) >= 0.8 * len(frame)


def test_labels_cannot_be_worked_out_without_the_key(demo_lake, lake_api, monkeypatch, tmp_path):
    key, _, frame, _, _, _ = setting(lake_api)
    seen = reidentify.Seen()
    reidentify.run(seen, monkeypatch, "leadership")
    shown = set(seen.rows) | set(reidentify.school_options(reidentify.run(seen, monkeypatch, "schools")))
    assert len(shown) >= len(frame) // 2, "too few labels shown to judge"
    urns = pd.to_numeric(pd.read_csv(reidentify.CENSUS, usecols=["URN"], encoding="utf-8-sig").URN,
                         errors="coerce").dropna().astype(int)
    for guess in ("senco-dashboard", "", secrets.token_urlsafe(32)):
        if not guess:
            with pytest.raises(ValueError):
                label_for(100000, guess)
            continue
        guessed = {label_for(u, guess) for u in urns}
        assert not (shown & guessed), f"labels recomputed with the key {guess!r}"
    # The key is in no page, no download and no Parquet export.
    assert len(key) >= 32
    text = "\n".join(seen.text)
    assert key not in text
    out = export(demo_lake, tmp_path / "export")
    exported = Reader(parquet=str(out)).df("SELECT * FROM lake_info")
    assert "anon_key" not in set(exported.key) and key not in exported.to_csv()
    assert not any(key.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_a_school_outside_the_years_register_shows_only_what_it_is_listed_by(demo_lake, lake_kind, tmp_path,
                                                                            monkeypatch):
    """Schools outside the year's scope that still send a return (four independent special schools and a
    non-maintained one) are listed with no LA or type. Their anonymised profiles once showed the register's
    row, whose type named the non-maintained school to anyone holding the register."""
    if lake_kind == "parquet":      # the test edits a copy of the lake file: once is enough
        pytest.skip("runs on the DuckDB lake")
    lake = tmp_path / "outside.duckdb"
    shutil.copy2(demo_lake, lake)
    api = LakeAPI(Reader(path=lake))
    year = api.current_year()
    frame = api.school_year(Filters(year=year))
    # Schools whose return gives their phase: off the register's scope, the return is all that says it.
    given = api._df("SELECT urn FROM returns WHERE academic_year = ? AND phase IS NOT NULL", [year]).urn
    returned = frame[frame.has_return.astype(bool) & frame.urn.isin(given)]
    phase, size_band = returned.groupby(["phase", "size_band"]).size().idxmax()    # five listed alike
    alike = returned[(returned.phase == phase) & (returned.size_band == size_band)]
    outside = [int(u) for u in alike.urn.sort_values()[:5]]
    types = ["Other independent special school"] * 4 + ["Non-maintained special school"]
    with writing(lake) as con:
        for urn, school_type in zip(outside, types):
            con.execute("UPDATE schools SET school_type = ?, type_group = ? WHERE urn = ?",
                        [school_type, "Independent schools" if "independent" in school_type else "Special schools",
                         urn])
    with serving(lake):
        api = LakeAPI(Reader(path=lake))
        key, year, frame, truth, la_of, _ = setting(api)
        assert not frame[frame.urn.isin(outside)].on_register.astype(bool).any()
        seen = reidentify.Seen()
        for urn in outside:
            label = label_for(urn, key)
            at = reidentify.run(seen, monkeypatch, "schools", profile=label, school=label)
            assert any(label in s.value for s in at.subheader), "the school is not listed"
            assert any("not one of the state-funded schools" in c.value for c in at.caption)
            assert not any(t in df.to_csv() for df in tables(at) for t in types)
        result = reidentify.attack(seen, truth, reidentify.public_knowledge(frame, api), la_of, year)
        assert all(truth[label] in cands and len(cands) >= SMALL for label, cands in result.items()), \
            {label: len(cands) for label, cands in result.items()}


def test_a_converted_schools_profile_shows_its_earlier_returns_under_its_own_label(demo_lake, lake_kind, tmp_path,
                                                                                   monkeypatch):
    """A school that converted (GIAS: its old URN is its 'Predecessor') has its returns sent under the old URN
    in its profile. Anonymised, each row once carried the old URN's own label, which said "these two labels are
    one school that converted in this year": conversion dates are public, so that narrows the label."""
    if lake_kind == "parquet":      # the test edits a copy of the lake file: once is enough
        pytest.skip("runs on the DuckDB lake")
    lake = tmp_path / "converted.duckdb"
    shutil.copy2(demo_lake, lake)
    api = LakeAPI(Reader(path=lake))
    key, year, frame, truth, _, _ = setting(api)
    listed = [u for u in truth.values() if u not in unlisted_urns(api.school_year(Filters(year=year)))]
    years = api._df("SELECT urn, count(DISTINCT academic_year) AS n FROM returns GROUP BY urn")
    urn = int(years[years.urn.isin(listed) & (years.n >= 2)].urn.min())
    old = int(api._df("SELECT max(urn) AS m FROM schools").m.iloc[0]) + 1
    with writing(lake) as con:       # its earlier returns were sent under the URN it had before converting
        first = con.execute("SELECT min(academic_year) FROM returns WHERE urn = ?", [urn]).fetchone()[0]
        con.execute("UPDATE returns SET urn = ? WHERE urn = ? AND academic_year = ?", [old, urn, first])
        con.execute("INSERT INTO school_links (urn, link_urn, link_type) VALUES (?, ?, 'Predecessor')", [urn, old])
    with serving(lake):
        label, old_label = label_for(urn, key), label_for(old, key)
        at = reidentify.run(reidentify.Seen(), monkeypatch, "schools", profile=label, school=label)
        assert any(label in s.value for s in at.subheader), "the school is not listed"
        shown = " ".join(df.to_csv() for df in tables(at))
        history = next(df.value for df in at.dataframe if "Academic year" in df.value.columns
                       and first in set(df.value["Academic year"]))
        assert set(history["School"]) == {label}
        assert old_label not in shown and str(old) not in shown


def test_without_a_key_anonymised_mode_shows_nothing(demo_lake, tmp_path):
    lake = tmp_path / "nokey.duckdb"
    shutil.copy2(demo_lake, lake)
    with writing(lake) as con:
        con.execute("DELETE FROM lake_info WHERE key = 'anon_key'")
    env = os.environ.pop("SENCO_ANON_KEY", None)
    try:
        with serving(lake):         # (setting the lake back also sets back the key a Parquet run had)
            os.environ.pop("SENCO_ANON_KEY", None)
            for page in ("overview", "senco_time", "schools"):
                at = run_page(page, anon="true")
                assert any("Anonymised mode is unavailable" in e.value for e in at.error)
                assert len(tables(at)) == 0 and len(at.metric) == 0
            # Named mode still works for the LA's own team.
            assert len(run_page("senco_time").dataframe) > 0
    finally:
        if env and "SENCO_ANON_KEY" not in os.environ:
            os.environ["SENCO_ANON_KEY"] = env


# ------------------------------------------------------------------ the national benchmark lake
@pytest.fixture(scope="module")
def national_lake(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    started = time.perf_counter()
    national.build(folder, quiet=True)
    lake = folder / "senco.duckdb"
    print(f"national lake built in {time.perf_counter() - started:.1f} s")
    with serving(lake):
        yield lake


def telling_profiles(api: LakeAPI, frame: pd.DataFrame, key: str) -> list[str]:
    """The listed schools whose profiles would most likely give one away, whatever the key: those the
    public register describes otherwise than the year's list (a school outside the year's scope, such as
    a non-maintained special school that sent a return: rarest register class first), then one school
    with a return per phase (its similar schools come from every LA) and one without a return."""
    listed = frame[~frame.urn.astype(int).isin(unlisted_urns(frame))]
    register = api._df("SELECT urn, la_code, la_name, region, phase, school_type FROM schools")
    both = listed.merge(register, on="urn", suffixes=("", "_register"))
    cols = ["la_code", "la_name", "region", "phase", "school_type"]
    differs = pd.Series(False, index=both.index)
    for c in cols:
        mine, theirs = both[c].astype(object), both[f"{c}_register"].astype(object)
        differs |= theirs.notna() & (mine.isna() | (mine.astype(str) != theirs.astype(str)))
    odd = both[differs].copy()
    group = [f"{c}_register" for c in ("la_code", "phase", "school_type")]
    odd["alike"] = odd.fillna({c: "" for c in group}).groupby(group)["urn"].transform("size")
    urns = list(odd.sort_values(["alike", "urn"]).urn.astype(int)[:3])
    returned = listed[listed.has_return.astype(bool)]
    urns += [int(g.urn.min()) for _, g in returned.groupby("phase")]
    urns += list(listed[~listed.has_return.astype(bool)].urn.astype(int).sort_values()[:1])
    return [label_for(u, key) for u in dict.fromkeys(urns)]


@pytest.mark.slow
def test_no_label_names_a_school_on_the_national_lake(national_lake, monkeypatch):
    started = time.perf_counter()
    api = LakeAPI(Reader(path=national_lake))
    key, _, frame, _, _, filters = setting(api)
    first = telling_profiles(api, frame, key)
    assert len(first) >= 6, "too few telling profiles to judge"
    seen = reidentify.gather(monkeypatch, filters, profiles=16, first=first)
    print(f"national attack with {seen.runs} page runs took {time.perf_counter() - started:.0f} s")
    check(seen, api, listed_at_least=SMALL)


@pytest.mark.parametrize("page", ["overview", "senco_time", "leadership", "ofsted"])
def test_a_filter_leaving_fewer_than_five_schools_shows_no_figures(demo_lake, lake_api, page):
    """The LA's only pupil referral unit: named, its answers show as '100%'; anonymised, nothing does."""
    frame = lake_api.school_year(Filters(year=lake_api.current_year()))
    few = frame[frame.has_return.astype(bool)].school_type.value_counts()
    school_type = few[few < SMALL].index[0]
    named = run_page(page, type=school_type)
    assert len(named.metric) or len(named.dataframe)
    at = run_page(page, anon="true", type=school_type)
    assert len(at.metric) == 0 and len(tables(at)) == 0 and not at.get("plotly_chart")
    assert any(f"Fewer than {SMALL} schools" in i.value for i in at.info)


def test_small_groups_are_blank_numbers_with_the_reason_given(demo_lake):
    at = run_page("leadership", anon="true")
    cut = next(df.value for df in at.dataframe if "Schools answering (n)" in df.value.columns)
    small = cut["Schools answering (n)"] < SMALL
    assert small.any() and cut.loc[small, "Share (%)"].isna().all() and cut.loc[~small, "Share (%)"].notna().all()
    assert pd.api.types.is_float_dtype(cut["Share (%)"])
    assert any("left blank" in c.value for c in at.caption)
    chart = next(t for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"])
    assert any("fewer than 5 schools" in str(t) for t in chart["text"])
