"""SENCO time page, run headless against the demo lake."""
import json

from tests.pages.apptest import page_text, plotly_values, run_page


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


def test_anonymised_scatter_hides_names_and_small_cohorts(demo_lake, lake_api):
    at = run_page("senco_time", anon="true")
    text = page_text(at) + json.dumps(charts(at))
    names = lake_api._df("SELECT school_name FROM schools")["school_name"].dropna()
    assert not [n for n in names if n in text]
    scatter = charts(at)[0]
    xs = [x for t in scatter["data"] if t.get("mode") == "markers" for x in plotly_values(t.get("x"))]
    assert xs and min(xs) >= 5


def test_empty_filter_says_so(demo_lake):
    at = run_page("senco_time", phase="special", size="1,000 or more")
    assert any("No schools match" in i.value for i in at.info)


def test_share_link_carries_the_chart_options(demo_lake):
    at = run_page("senco_time", x="EHCP pupils", by="Size band", phase="primary")
    link = [c.value for c in at.code][0]
    assert "x=EHCP+pupils" in link and "by=Size+band" in link and "phase=primary" in link
