"""Anonymised mode: names and URNs gone, labels stable and keyed, public figures kept out of labelled
rows, schools that would stand out not listed, small groups blanked with their columns still numeric."""
from pathlib import Path

import pandas as pd
import pytest

from lake.analysis import hide_small_groups
from ui.anonymise import KEY_ENV, anonymise, key_for, label_for, unlisted_urns

ROOT = Path(__file__).resolve().parents[2]


def frame():
    return pd.DataFrame({
        "urn": [117725, 117726, 117727],
        "school_name": ["Alkborough Primary School", "Althorpe and Keadby Primary School", "Bottesford Junior"],
        "source_file": ["alkborough.csv", "althorpe.xlsx", "x.csv"], "phase": ["primary"] * 3,
        "number_on_roll": [64, 350, 202], "census_roll": [65, 334, 206],
        "sen_support_pupils": [3, 29, 22], "ehcp_pupils": [0, 8, 2], "send_pupils": [3, 37, 24],
        "hours_per_10_send": [30.0, 2.6, 4.1], "senco_hours_per_week": [9.0, 9.75, 10.0],
        "ofsted_official_date": pd.to_datetime(["2023-05-10", "2019-01-09", None]),
        "senco_on_slt": [True, False, None],
    })


def test_names_urns_and_files_are_removed():
    out = anonymise(frame(), "k")
    text = out.to_csv()
    for name in frame().school_name:
        assert name not in text
    for urn in frame().urn:
        assert str(urn) not in text
    assert "alkborough" not in text.lower()
    assert list(out.School) == sorted(out.School)     # ordered by label, not by name


def test_labels_are_stable_and_distinct_but_key_dependent():
    assert label_for(117725, "k") == label_for(117725, "k")
    assert label_for(117725, "k") != label_for(117726, "k")
    assert label_for(117725, "k") != label_for(117725, "other key")
    urns = range(100000, 100400)
    assert len({label_for(u, "k") for u in urns}) == 400
    with pytest.raises(ValueError):
        label_for(117725, "")


def test_public_counts_their_derivatives_and_dates_never_sit_beside_a_label():
    out = anonymise(frame(), "k")
    assert list(out.columns) == ["School", "phase", "senco_hours_per_week", "senco_on_slt"]
    assert out.senco_hours_per_week.dtype == float          # what only the return holds stays, as numbers


def test_a_school_whose_phase_type_and_size_are_shared_by_fewer_than_five_is_not_listed():
    register = pd.DataFrame({"urn": range(1, 9), "la_code": [813] * 8, "phase": ["primary"] * 6 + ["special"] * 2,
                             "school_type": ["State-funded primary"] * 6 + ["State-funded special school"] * 2,
                             "size_band": ["100–249"] * 5 + ["Under 100"] + ["Under 100"] * 2})
    hidden = unlisted_urns(register)
    assert hidden == {6, 7, 8}
    shown = anonymise(register.assign(senco_hours_per_week=5.0), "k", unlisted=hidden)
    assert len(shown) == 5 and set(shown.School) == {label_for(u, "k") for u in range(1, 6)}


def test_the_key_comes_from_the_environment_or_the_lake_and_is_never_guessed(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert key_for({}) is None and key_for(None) is None and key_for({"anon_key": " "}) is None
    assert key_for({"anon_key": "lake-key"}) == "lake-key"
    monkeypatch.setenv(KEY_ENV, "replica-key")
    assert key_for({"anon_key": "lake-key"}) == "replica-key"


def test_groups_of_fewer_than_five_schools_are_blank_and_stay_numeric():
    cut = pd.DataFrame({"phase": ["primary", "special"], "Share": [0.5, 1.0], "Schools (n)": [60, 2],
                        "Yes (count)": [30, 2]})
    out = hide_small_groups(cut, "Schools (n)", ["Share", "Yes (count)"])
    assert out.Share.tolist()[0] == 0.5 and pd.isna(out.Share[1]) and pd.isna(out["Yes (count)"][1])
    assert pd.api.types.is_float_dtype(out.Share) and pd.api.types.is_numeric_dtype(out["Yes (count)"])
    assert out.sort_values("Share").Share.iloc[0] == 0.5             # sorts as numbers, blanks last
    dist = pd.DataFrame({"g": ["a", "a", "b"], "v": ["x", "y", "x"], "Schools": [3, 3, 4], "Share": [.5, .5, 1.]})
    out = hide_small_groups(dist, "Schools", ["Schools", "Share"], group="g")
    assert out.Share.tolist()[:2] == [.5, .5] and pd.isna(out.Share[2])  # group a: 6 schools; group b: 4


def test_labels_stay_distinct_at_national_scale():
    """Every school in England gets its own label (five characters gave about ten shared pairs)."""
    urns = pd.to_numeric(pd.read_csv(ROOT / "data" / "open" / "census_2019_england.csv", usecols=["URN"],
                                     encoding="utf-8-sig").URN, errors="coerce").dropna().astype(int).unique()
    assert len(urns) > 20000
    assert len({label_for(u, "a national lake's key") for u in urns}) == len(urns)
