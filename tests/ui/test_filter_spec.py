"""One filter specification (domain/filters.py) drives the Filters type, its SQL, the link's query and
the reading of a link: each entry appears in all of them, and a link round-trips."""
from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

from domain import filters as spec
from ui import links

CHOICES = {"year": ["2025/26", "2024/25"], "la": ["813", "812"], "phase": ["primary", "secondary"],
           "type": ["Academy converter"], "size": list(spec.SIZE_BANDS), "time": list(spec.TIME_BANDS),
           "slt": list(spec.SLT_PROFILES), "role": list(spec.ROLE_PROFILES)}


def every_filter_chosen():
    return spec.make({f.param: CHOICES[f.param][:1] for f in spec.FILTERS})


def test_each_entry_is_a_field_a_parameter_and_a_condition():
    fields = [f.name for f in dataclasses.fields(spec.Filters)]
    assert fields == [f.field for f in spec.FILTERS] + [spec.AS_AT]
    assert len({f.param for f in spec.FILTERS}) == len(spec.FILTERS)
    where, params = spec.where_sql(every_filter_chosen())
    narrowing = [f for f in spec.FILTERS if f.column]
    assert len(where) == len(narrowing) and set(params) == {f.field for f in narrowing}
    assert all("$" + f.field in " ".join(where) for f in narrowing)        # values are parameters, never text
    assert set(spec.to_query(every_filter_chosen())) == {f.param for f in spec.FILTERS}


def test_a_link_round_trips_to_the_same_filters():
    chosen = every_filter_chosen()
    pinned = dataclasses.replace(chosen, as_at=dt.date(2026, 10, 1))
    query = spec.to_query(pinned, anonymised=True)
    assert query["year"] == "2025/26" and query["anon"] == "true" and query["as_at"] == "2026-10-01"
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    read, notes = spec.from_query(as_lists, CHOICES)
    assert notes == []
    assert spec.make(read, spec.parse_as_at(query["as_at"], dt.datetime(2026, 11, 30))) == pinned
    assert pinned.la == (813,)                                   # LA codes are numbers in the Filters


def test_unknown_link_values_are_dropped_and_named():
    read, notes = spec.from_query({"phase": ["primary", "<b>x</b>"], "year": ["1999/00"]}, CHOICES)
    assert read["phase"] == ["primary"] and read["year"] == []
    assert len(notes) == 2 and any("'<b>x</b>'" in n for n in notes)


def test_an_la_may_be_named_by_its_label():
    read, notes = spec.from_query({"la": ["North Lincolnshire (813)"]}, CHOICES,
                                  {"la": {"North Lincolnshire (813)": "813"}})
    assert read["la"] == ["813"] and not notes


def test_as_at_takes_a_date_or_a_moment_but_nothing_to_come():
    now = dt.datetime(2026, 11, 30, 12, 0)
    assert spec.parse_as_at("2026-10-01", now) == dt.date(2026, 10, 1)
    assert spec.parse_as_at("2026-11-30T11:59:00", now) == dt.datetime(2026, 11, 30, 11, 59)
    assert spec.parse_as_at("2026-12-01", now) is None
    assert spec.parse_as_at("yesterday", now) is None
    assert spec.as_at_end(dt.date(2026, 10, 1)) == dt.datetime(2026, 10, 2)


def test_previous_year_keeps_the_other_filters():
    f = spec.Filters(year="2025/26", phase=("primary",), as_at=dt.date(2026, 1, 1))
    assert f.previous_year() == spec.Filters(year="2024/25", phase=("primary",), as_at=dt.date(2026, 1, 1))


def test_only_a_link_to_this_computer_is_warned_about():
    for url in ("http://localhost:8501/?year=2025%2F26", "http://127.0.0.1:8501/senco_time", "http://[::1]:8501/",
                "http://app.localhost/"):
        assert "opens only on this computer" in links.local_warning(url), url
    for url in ("https://dashboard.example.gov.uk/?year=2025%2F26", "http://10.0.0.5:8501/", "/senco_time"):
        assert links.local_warning(url) is None, url


def test_the_pinned_link_is_the_team_link_at_this_moment():
    now = dt.datetime(2026, 11, 30, 14, 5, 9)
    link, when = links.pinned("https://dash.example/senco_time?year=2025%2F26&phase=primary", now)
    assert when == now
    query = dict(spec_query(link))
    assert query == {"year": ["2025/26"], "phase": ["primary"], "as_at": ["2026-11-30T14:05:09"]}
    assert spec.parse_as_at(query["as_at"][0], now) == now
    assert links.pinned(link, now) is None                       # pinned already


def spec_query(link: str):
    return parse_qs(urlsplit(link).query).items()
