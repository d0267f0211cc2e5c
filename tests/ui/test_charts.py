"""Charts (ui/charts.py): what reaches the browser."""
import numpy as np
import pandas as pd

from lake import analysis
from ui import chart_room, chart_style, charts, drill


def schools(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"phase": rng.choice(["primary", "secondary"], n), "send": rng.integers(5, 200, n),
                         "hours": rng.uniform(1, 30, n), "name": [f"School {i}" for i in range(n)]})


def test_a_school_name_is_shown_as_typed_never_as_markup():
    frame = schools(3).assign(name=["<b>Bold</b> & Co", "<script>alert(1)</script>", "Plain"])
    fig = charts.scatter(frame, "send", "hours", "phase", "name", "T", "SEND pupils", "Hours")
    texts = [t for trace in fig.data for t in (trace.text if trace.text is not None else [])]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in texts
    assert "Plain" in texts and not any("<script" in t for t in texts)
    bars = charts.grouped(pd.DataFrame({"label": ["<i>x</i>"], "Measure": ["Hours"], "Value": [3.0]}),
                          "label", "Measure", "Value", "T", "Hours")
    assert list(bars.data[0].y) == ["&lt;i&gt;x&lt;/i&gt;"]


def boxes(frame, value="hours", hover=None, ids=None, order=None):
    stats, points = analysis.box_stats(frame, "phase", value, order, tuple(c for c in (hover, ids) if c))
    return charts.boxes(stats, points, "phase", value, "T", "Hours", hover=hover, ids=ids)


def test_a_national_scatter_is_a_density_of_counts_naming_no_school():
    small, big = schools(80), schools(charts.DENSITY_POINTS + 1)
    assert {t.type for t in charts.scatter(small, "send", "hours", "phase", "name", "T", "x", "y").data} == {"scatter"}
    assert sum(len(t.x) for t in charts.scatter(small, "send", "hours", "phase", "name", "T", "x", "y").data) == 80
    fig = charts.scatter(big, "send", "hours", "phase", "name", "T", "SEND pupils", "SENCO hours", hline=9.75,
                         hline_label="Recommended", trend=(0.05, 3.0))
    heat = fig.data[0]
    assert heat.type == "heatmap" and [t.name for t in fig.data[1:]] == ["Fitted trend"]
    assert fig.layout.shapes[0].y0 == 9.75                                 # the recommended time stays
    counts = np.array([[c or 0 for c in row] for row in heat.z])
    assert counts.sum() == len(big)                                        # every school counted once
    blob = fig.to_json()
    assert "School 1\"" not in blob and "School 17" not in blob and len(blob) < 60_000
    # One school in a cell: its hover says where, in the chart's own words.
    one = big.iloc[[0]]
    cell = charts.scatter(pd.concat([one] * (charts.DENSITY_POINTS + 1)), "send", "hours", "phase", "name", "T",
                          "SEND pupils", "SENCO hours").data[0]
    text = next(t for row in cell.text for t in row if t)
    assert text.startswith(f"{charts.DENSITY_POINTS + 1:,} schools: SEND pupils ") and "SENCO hours" in text
    assert charts.density_note(len(big)) and "Filter to an LA or region" in charts.density_note(len(big))
    assert charts.density_note(len(small)) is None


def test_a_box_plot_sends_its_figures_and_only_the_schools_beyond_its_whiskers():
    frame = schools(charts.DENSITY_POINTS).assign(urn=range(100001, 100001 + charts.DENSITY_POINTS))
    frame.loc[0, "hours"] = 80.0                                            # far beyond the whiskers
    fig = boxes(frame, hover="name", ids="urn")
    box = {t.name: t for t in fig.data if t.type == "box"}
    table = analysis.summary_by(frame, "phase", "hours").set_index("phase")
    for name, t in box.items():                                            # the box is the table's figures
        assert (t.q1[0], t.median[0], t.q3[0]) == tuple(table.loc[name, ["Lower quartile", "Median",
                                                                          "Upper quartile"]])
        assert t.y is None and t.boxpoints is False
    dots = [t for t in fig.data if t.type == "scatter"]
    drawn = sum(len(t.y) for t in dots)
    assert 0 < drawn < len(frame) / 20
    assert any(80.0 in list(t.y) for t in dots) and all(len(t.text) == len(t.y) for t in dots)
    assert len(fig.to_json()) < 30_000


def test_reference_lines_and_labels_use_dark_text_on_white():
    fig = charts.scatter(schools(10), "send", "hours", "phase", "name", "T", "x", "y", hline=9.75,
                         hline_label="Recommended 1.5 days (9.75 h)", trend=(0.1, 2.0))
    layout = fig.layout
    assert layout.shapes[0].y0 == 9.75 and layout.shapes[0].line.dash == "dash"
    assert layout.annotations[0].text == "Recommended 1.5 days (9.75 h)"
    assert layout.annotations[0].font.color == charts.TEXT and layout.plot_bgcolor == "#ffffff"
    assert [t.name for t in fig.data][-1] == "Fitted trend"
    stacked = charts.stacked(pd.DataFrame({"g": ["a", "a"], "s": ["x", "y"], "v": [0.4, 0.6]}), "g", "s", "v", "T",
                             "Share", ["y", "x"])
    assert [t.name for t in stacked.data] == ["y", "x"] and stacked.layout.legend.traceorder == "normal"
    assert all(t.textfont.color == charts.text_on(t.marker.color) for t in stacked.data)


def test_a_category_keeps_its_style_and_place_whatever_else_is_present():
    full = pd.DataFrame({"g": ["a"] * 4, "s": ["Outstanding", "Good", "Requires improvement", "Inadequate"],
                         "v": [0.25] * 4, "Schools": [5] * 4})
    some = pd.DataFrame({"g": ["a", "a"], "s": ["Requires improvement", "Good"], "v": [0.5, 0.5], "Schools": [5, 5]})
    good = [next(t for t in charts.stacked(f, "g", "s", "v", "T", "Share").data if t.name == "Good") for f in (full, some)]
    assert good[0].marker.color == good[1].marker.color == chart_style.STYLES["Good"].colour
    assert good[0].marker.pattern.shape == good[1].marker.pattern.shape
    assert [t.name for t in charts.stacked(some, "g", "s", "v", "T", "Share").data] == ["Good", "Requires improvement"]
    # Bands down the axis in their order, though the first segment drawn holds only the last band.
    bands = pd.DataFrame({"band": ["2.5 days or more", "Under 1 day", "Under 1 day", "1 to under 1.5 days"],
                          "s": ["not started", "not started", "in progress", "in progress"], "v": [1, 0.5, 0.5, 1],
                          "Schools": [6, 3, 3, 7]})
    fig = charts.stacked(bands, "band", "s", "v", "T", "Share")
    assert list(fig.layout.yaxis.categoryarray) == ["Under 1 day", "1 to under 1.5 days", "2.5 days or more"]


def test_a_label_on_a_patterned_segment_keeps_its_contrast_on_the_lines_too():
    for name, s in chart_style.STYLES.items():
        marker = chart_style.marker(name)
        text = chart_style.text_on(marker["color"])
        assert chart_style.contrast(text, marker["color"]) >= 4.5, name
        if s.pattern:
            assert marker["pattern"]["fillmode"] == "overlay"           # drawn over the fill, not instead of it
            assert chart_style.contrast(text, marker["pattern"]["fgcolor"]) >= 4.5, name
            assert marker["pattern"]["fgcolor"] != marker["color"]


def test_counts_have_whole_number_ticks_and_small_groups_are_said_not_drawn():
    counts = charts.bars(pd.DataFrame({"Reason": ["a", "b"], "n": [1, 3]}), "Reason", "n", "T", "Rows", counts=True)
    assert counts.layout.xaxis.dtick == 1 and counts.layout.xaxis.tickformat == ",d"
    shares = pd.DataFrame({"phase": ["primary", "special"], "Share": [0.4, 1.0], "Schools (n)": [20, 1]})
    fig = charts.bars(shares, "phase", "Share", "T", "Share", percent=True, n_column="Schools (n)")
    assert np.isnan(fig.data[0].x[1]) and fig.data[0].x[0] == 0.4
    assert fig.data[0].text[1] == "too few schools to chart (n = 1)"
    assert any(a.text == "too few schools to chart (n = 1)" and a.y == "special" for a in fig.layout.annotations)
    dist = pd.DataFrame({"g": ["primary", "primary", "special"], "s": ["Yes", "No", "Yes"], "v": [0.5, 0.5, 1.0],
                         "Schools": [10, 10, 2]})
    stack = charts.stacked(dist, "g", "s", "v", "T", "Share")
    assert all("special" not in list(t.y) for t in stack.data)
    assert "special" in list(stack.layout.yaxis.categoryarray)
    assert any(a.text == "too few schools to chart (n = 2)" for a in stack.layout.annotations)
    few = pd.DataFrame({"phase": ["primary"] * 6 + ["special"] * 2, "h": [1, 2, 3, 4, 5, 6, 7, 8]})
    box = boxes(few, value="h")
    assert [t.type for t in box.data] == ["box", "scatter"]
    assert "too few for a box" in box.data[1].x[0] and list(box.data[1].y) == [7, 8]


def test_measures_in_different_units_get_an_axis_each():
    long = pd.DataFrame({"label": ["A", "B", "A", "B"], "Value": [6.5, 9.75, 1.2, 3.0],
                         "Measure": ["SENCO hours a week"] * 2 + ["SENCO hours per 10 SEND pupils"] * 2})
    fig = charts.grouped(long, "label", "Measure", "Value", "T", "Hours",
                         units={"SENCO hours a week": "Hours a week",
                                "SENCO hours per 10 SEND pupils": "Hours a week per 10 SEND pupils"})
    assert [t.xaxis for t in fig.data] == ["x", "x2"]
    assert fig.layout.xaxis.title.text == "Hours a week"
    assert fig.layout.xaxis2.title.text == "Hours a week per 10 SEND pupils"
    assert fig.layout.xaxis.domain[1] <= fig.layout.xaxis2.domain[0]


def test_a_click_on_a_schools_point_finds_that_school_and_a_click_on_a_box_finds_none():
    frame = schools(40).assign(urn=range(100001, 100041))
    frame.loc[frame.phase == "primary", "hours"] = 5.0
    frame.loc[frame[frame.phase == "primary"].index[:2], "hours"] = [40.0, 41.0]     # two beyond the whiskers
    fig = boxes(frame, hover="name", ids="urn")
    curve = next(i for i, t in enumerate(fig.data) if t.type == "scatter" and t.name == "primary")
    dots = fig.data[curve]
    assert sorted(dots.y) == [40.0, 41.0] and len(dots.text) == 2
    i = list(dots.y).index(41.0)
    urn = int(frame[frame.hours == 41.0].urn.iloc[0])
    assert dots.text[i] == frame[frame.urn == urn].name.iloc[0]
    assert drill.clicked_school(fig, {"selection": {"points": [{"curve_number": curve, "point_index": i,
                                                                "y": 41.0}]}}) == urn
    box = next(i for i, t in enumerate(fig.data) if t.type == "box" and t.name == "primary")
    assert drill.clicked_school(fig, {"selection": {"points": [{"curve_number": box, "point_index": 0,
                                                                "y": 5.0}]}}) is None
    assert drill.clicked_school(fig, {"selection": {"points": []}}) is None
    scatter = charts.scatter(frame, "send", "hours", "phase", "name", "T", "x", "y", ids="urn")
    p = scatter.data[1]
    urn = frame[(frame.phase == p.name)].urn.tolist()[0]
    assert drill.clicked_school(scatter, {"selection": {"points": [
        {"curve_number": 1, "point_index": 0, "x": float(p.x[0]), "y": float(p.y[0])}]}}) == urn
    # Which school a point is stays on the server: no URN in what the browser receives.
    assert "100001" not in fig.to_json() and "100001" not in scatter.to_json()
    # Anonymised: the dots name no school.
    anonymised = boxes(frame, ids="urn")
    assert [len(t.y) for t in anonymised.data if t.type == "scatter" and t.name == "primary"] == [2]
    assert "School" not in anonymised.to_json()


def test_a_chart_keeps_room_for_its_longest_label_its_titles_legend_and_colour_bar():
    roles = pd.DataFrame({"role": ["Teacher", "Deputy headteacher and designated safeguarding lead"],
                          "share": [0.4, 0.2]})
    short = charts.bars(roles.iloc[:1], "role", "share", "Roles", "Share of SENCOs", percent=True)
    long = charts.bars(roles, "role", "share", "Roles", "Share of SENCOs", percent=True)
    # The longer name needs its own width (in Arial at the charts' size) more room on the left.
    extra = chart_room.text_px(roles.role[1]) - chart_room.text_px(roles.role[0])
    assert long.layout.margin.l - short.layout.margin.l >= round(extra) - 1 > 250
    # A value axis with a title keeps a line for it under the ticks; a legend another line.
    assert short.layout.margin.b >= 2 * chart_room.LINE_PX
    marks = pd.DataFrame({"role": ["Teacher"], "England figure": [0.5]})
    with_legend = charts.bars(roles.iloc[:1], "role", "share", "Roles", "Share of SENCOs", percent=True,
                              marks=marks, marks_name="National survey")
    assert with_legend.layout.margin.b >= short.layout.margin.b + chart_room.LINE_PX
    # A density's colour bar sits to the right of the plot; a scatter needs no room there.
    frame = pd.DataFrame({"send": np.arange(3000) % 90, "hours": (np.arange(3000) % 30) / 2,
                          "phase": "primary", "name": "x"})
    density = charts.scatter(frame, "send", "hours", "phase", "name", "t", "SEND pupils", "SENCO hours")
    few = charts.scatter(frame.iloc[:50], "send", "hours", "phase", "name", "t", "SEND pupils", "SENCO hours")
    assert density.layout.margin.r >= chart_room.COLOUR_BAR_PX > few.layout.margin.r
    # Room is only ever added: a taller title the chart asked for is kept, and automargin stays on.
    assert all(f.layout.margin.t >= 50 and f.layout.yaxis.automargin for f in (short, long, density, few))


def test_text_is_reckoned_in_arial_widths_never_narrower():
    assert chart_room.text_px("iii") < chart_room.text_px("MMM")               # proportional, not per character
    assert chart_room.text_px("1,000") >= 16 * (4 * 0.556 + 0.278)          # Arial's own digit and comma widths
    assert chart_room.text_px("Ysgol Gymraeg Bro Ogwr – ✓") > chart_room.text_px("Ysgol Gymraeg Bro Ogwr")
    assert chart_room.text_px("") == 0
