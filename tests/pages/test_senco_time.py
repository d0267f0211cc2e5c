"""SENCO time page, run headless against the demo lake."""
import json
import re
from urllib.parse import parse_qs, urlparse

import pandas as pd

from tests.pages.apptest import page_text, plotly_values, run_page
from tests.pages.apptest import tables as page_tables
from ui import charts as ui_charts
from ui import tables
from ui.details import open_every_detail
from ui.plain_table import from_markdown, links_of


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_scatter_has_recommended_line_trend_and_correlation(demo_lake):
    at = run_page("senco_time")
    assert at.title[0].value == "SENCO time"
    figs = charts(at)
    scatter = figs[0]
    assert any(t.get("name") == "Fitted trend" for t in scatter["data"])
    shapes = scatter["layout"].get("shapes", [])
    assert any(s.get("y0") == 9.75 for s in shapes)                 # the 1.5-day line
    text = page_text(at)
    assert "Spearman" in text and "n = " in text


def test_chart_option_from_the_url(demo_lake):
    at = run_page("senco_time", x="EHCP pupils", by="Size band")
    assert at.radio(key="x").value == "EHCP pupils"
    fig = charts(at)[0]
    assert "EHCP" in fig["layout"]["xaxis"]["title"]["text"]
    assert at.radio(key="by").value == "Size band"


def test_ranked_table_lowest_hours_per_send_first(demo_lake):
    at = run_page("senco_time")
    ranked = next(df.value for df in at.dataframe if "Hours per 10 SEND pupils" in df.value.columns
                  and "Rank" in df.value.columns)
    values = ranked["Hours per 10 SEND pupils"].astype(float).tolist()
    assert values == sorted(values) and len(values) > 10


def test_anonymised_page_shows_cohort_bands_not_schools(demo_lake, lake_api):
    """Each point of the scatter would give a school's exact SEND count: anonymised, it is bands of cohort
    size with the median hours, and hours per 10 SEND pupils is shown per group, never per school."""
    at = run_page("senco_time", anon="true")
    text = page_text(at) + json.dumps(charts(at))
    names = lake_api._df("SELECT school_name FROM schools")["school_name"].dropna()
    assert not [n for n in names if n in text]
    first = charts(at)[0]
    assert not [t for t in first["data"] if t.get("mode") == "markers"]
    bands = [y for t in first["data"] if t.get("type") == "bar" for y in plotly_values(t.get("y"))]
    assert bands and set(bands) <= {"Under 20", "20 to 39", "40 to 79", "80 or more"}
    for df in page_tables(at):
        if "School" in df.columns:                # a labelled row: no count nor anything worked out from one
            assert not {"SEND pupils", "EHCP pupils", "Hours per 10 SEND pupils"} & set(df.columns)
        if "SEND pupils" in df.columns:           # the cohort, as bands
            assert set(df["SEND pupils"]) <= {"Under 20", "20 to 39", "40 to 79", "80 or more"}
        if "Schools (n)" in df.columns:         # groups of fewer than 5 schools are blank, still numeric
            small = df[df["Schools (n)"] < 5]
            assert small.drop(columns=[c for c in small.columns if not c.startswith(("Median", "Share"))]
                              ).isna().all().all()
            assert all(pd.api.types.is_numeric_dtype(df[c]) for c in df.columns
                       if c.startswith(("Median", "Share")))


def test_empty_filter_says_so(demo_lake):
    at = run_page("senco_time", phase="special", size="1,000 or more")
    assert any("No schools match" in i.value for i in at.info)


def test_share_link_carries_the_chart_options(demo_lake):
    at = run_page("senco_time", x="EHCP pupils", by="Size band", phase="primary")
    link = [c.value for c in at.code][0]
    assert "x=EHCP+pupils" in link and "by=Size+band" in link and "phase=primary" in link


def test_the_box_plot_and_its_table_give_the_same_figures(demo_lake):
    """The boxes' quartiles come with the chart (not worked out by the browser from every school), and
    they are the table alternative's figures; only schools beyond the whiskers are dots, named."""
    at = run_page("senco_time")
    fig = next(f for f in charts(at) if f["layout"]["title"]["text"].startswith("SENCO hours a week by"))
    table = next(df.value for df in at.dataframe if "Lower quartile" in df.value.columns and "phase" in df.value.columns)
    table = table.set_index("phase")
    boxes = [t for t in fig["data"] if t["type"] == "box"]
    assert boxes
    for box in boxes:
        row = table.loc[box["name"]]
        assert (box["q1"][0], box["median"][0], box["q3"][0]) == (row["Lower quartile"], row["Median"],
                                                                   row["Upper quartile"])
        assert "y" not in box and box["lowerfence"][0] >= row["Min"] and box["upperfence"][0] <= row["Max"]
    for dots in (t for t in fig["data"] if t["type"] == "scatter"):
        assert len(dots["text"]) == len(plotly_values(dots["y"]))
        if "too few" not in dots["x"][0]:                       # beyond the whiskers, never inside them
            box = next(b for b in boxes if b["name"] == dots["name"])
            assert all(y < box["lowerfence"][0] or y > box["upperfence"][0] for y in plotly_values(dots["y"]))
    anonymised = next(f for f in charts(run_page("senco_time", anon="true"))
                      if f["layout"]["title"]["text"].startswith("SENCO hours a week by"))
    for dots in (t for t in anonymised["data"] if t["type"] == "scatter"):
        assert "text" not in dots and "too few" not in dots["x"][0]   # unnamed, and no group too small for a box


def test_a_national_view_draws_a_density_and_shows_the_first_rows(demo_lake, monkeypatch):
    """What a national view does, on the demo lake with the thresholds lowered: the scatter becomes a
    density that says why, and the ranked table shows its first rows and says the downloads hold all."""
    monkeypatch.setattr(ui_charts, "DENSITY_POINTS", 5)
    monkeypatch.setattr(tables, "GRID_ROWS", 7)
    at = run_page("senco_time")
    assert charts(at)[0]["data"][0]["type"] == "heatmap"
    text = page_text(at)
    assert "Filter to an LA or region to see each school." in text
    ranked = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
    assert ranked["Rank"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert re.search(r"The first 7 of \d+ rows are shown; the downloads hold them all\.", text)


def test_the_ranked_list_shows_its_first_schools_each_linking_its_profile(demo_lake):
    """A shared link opens on the ten schools with the least time, as a plain table whose names open
    each profile with the view's filters; the whole list's grid is drawn only when opened."""
    at = run_page("senco_time", closed=True, phase="primary")
    text = next(m.value for m in at.markdown if (f := from_markdown(m.value)) is not None and "Rank" in f.columns)
    first = from_markdown(text)
    assert not [df for df in at.dataframe if "Rank" in df.value.columns]          # no grid until opened
    assert first["Rank"].tolist() == list(range(1, 11))
    year = at.selectbox(key="year").value
    for urn, link in zip(first["URN"], links_of(text, "School")):
        address = urlparse(link)
        assert address.path == "schools"                           # beside this page, wherever the app is served
        assert parse_qs(address.query) == {"school": [str(urn)], "phase": ["primary"], "year": [year]}
    open_every_detail(at)
    whole = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
    assert len(whole) > 10 and whole["School"].head(10).tolist() == first["School"].tolist()
    assert whole["URN"].head(10).astype(int).tolist() == first["URN"].tolist()
    caption = f"The 10 of {len(whole)} schools with the least time for their cohort."
    assert any(c.value.startswith(caption) for c in at.caption)
