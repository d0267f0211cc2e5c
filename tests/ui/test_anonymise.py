"""Anonymised mode: names and URNs gone, labels stable, small counts suppressed."""
import pandas as pd

from ui.anonymise import SUPPRESSED, anonymise, label_for


def frame():
    return pd.DataFrame({
        "urn": [117725, 117726, 117727],
        "school_name": ["Alkborough Primary School", "Althorpe and Keadby Primary School", "Bottesford Junior"],
        "source_file": ["alkborough.csv", "althorpe.xlsx", "x.csv"],
        "sen_support_pupils": [3, 29, 22], "ehcp_pupils": [0, 8, 2], "send_pupils": [3, 37, 24],
        "hours_per_10_send": [30.0, 2.6, 4.1], "senco_hours_per_week": [9.0, 9.75, 10.0],
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


def test_small_counts_and_values_derived_from_them_are_suppressed():
    out = anonymise(frame(), "k").set_index("School")
    small = out.loc[label_for(117725, "k")]
    assert small.sen_support_pupils == SUPPRESSED and small.ehcp_pupils == SUPPRESSED
    assert small.send_pupils == SUPPRESSED and small.hours_per_10_send == SUPPRESSED
    assert small.senco_hours_per_week == 9.0          # not a pupil count: still shown
    big = out.loc[label_for(117726, "k")]
    assert big.send_pupils == 37 and big.sen_support_pupils == 29 and big.ehcp_pupils == 8
    partly = out.loc[label_for(117727, "k")]                  # 22 at SEN Support + 2 EHCP = 24
    assert partly.ehcp_pupils == SUPPRESSED
    assert partly.sen_support_pupils == SUPPRESSED           # else EHCP = 24 - 22 could be worked out
    assert partly.send_pupils == 24 and partly.hours_per_10_send == 4.1
