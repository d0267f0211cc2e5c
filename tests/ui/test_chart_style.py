"""One visual grammar across the app: every chart on every page, drawn headless in named and in
anonymised mode on the demo lake, is checked as the browser would receive it (the figure JSON):

- a category (a grade, a time band, a qualification state, a phase) has one colour and pattern
  wherever it appears, the registry's (ui/chart_style.py);
- categories and segments run in their vocabulary's order;
- every text label reads at 4.5:1 or better against what is behind it: a label inside a bar
  against the bar's fill and against its pattern's lines, any other label against the background;
- chart text is at least 16 px; no bar is drawn for a group of fewer than 5 schools;
- in named mode every school's point names its school on hover; in anonymised mode no chart
  carries a school's name;
- a scatter of more schools than a dot each can show (national scale) is a density of counts: it
  names no school, counts each school once and says in each cell's hover how many and where.
"""
from __future__ import annotations

import json
import re

import pytest

from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.pages.apptest import plotly_values, run_page
from ui import chart_style, charts
from ui.anonymise import SMALL, label_for, unlisted_urns

# Each page once, plus the choices that change which charts it draws.
VIEWS = [
    ("overview", {}),
    ("senco_time", {}),
    ("senco_time", {"by": "Size band", "x": "EHCP pupils"}),
    ("leadership", {}),
    ("leadership", {"cut": "Size band"}),
    ("ofsted", {"profile": "SENCO time"}),
    ("ofsted", {"profile": "Admin support"}),
    ("schools", {"school": "<first>"}),
    ("schools", {"tab": "Compare schools", "compare": ["<first>", "<second>"]}),
    ("data_quality", {"tab": "Rejected rows"}),
    ("trends", {}),
]
MODES = ("named", "anonymised")
# The demo lake's scatter drawn as a national one would be: past the density threshold.
DENSITY_VIEWS = [("senco_time", {}), ("senco_time", {"x": "EHCP pupils"})]


def _schools(lake, anonymised: bool) -> list[str]:
    api = LakeAPI(Reader(path=lake))
    frame = api.school_year(Filters(year=api.current_year()))
    urns = [int(u) for u in frame[frame.has_return].urn]
    if not anonymised:
        return [str(u) for u in urns]
    key = api.info()["anon_key"]
    hidden = unlisted_urns(api.school_year(Filters(year=api.current_year())))
    return [label_for(u, key) for u in urns if u not in hidden]


@pytest.fixture(scope="module")
def figures(demo_lake) -> dict[str, list[tuple[str, dict]]]:
    """Every chart's figure JSON by mode, each with the view it came from."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for mode in MODES:
        anonymised = mode == "anonymised"
        schools = _schools(demo_lake, anonymised)
        drawn = []
        for page, params in VIEWS:
            params = {k: ([schools[0], schools[1]] if isinstance(v, list) else schools[0]) if "<" in str(v) else v
                      for k, v in params.items()}
            if anonymised:
                params["anon"] = "true"
            at = run_page(page, **params)
            for chart in at.get("plotly_chart"):
                drawn.append((f"{page} {params}", json.loads(chart.proto.spec)))
        out[mode] = drawn
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "DENSITY_POINTS", 5)
        out["density"] = [(f"{page} {params} (density)", json.loads(chart.proto.spec))
                          for page, params in DENSITY_VIEWS for chart in run_page(page, **params).get("plotly_chart")]
    return out


def _all(figures):
    return [(mode, where, fig) for mode, drawn in figures.items() for where, fig in drawn]


def test_every_page_draws_its_charts(figures):
    assert any(t.get("type") == "heatmap" for _, fig in figures["density"] for t in fig["data"])
    for mode in MODES:
        pages = {where.split()[0] for where, _ in figures[mode]}
        assert pages >= {"overview", "senco_time", "leadership", "ofsted", "schools", "trends"}, (mode, pages)
    assert any("Open rejected rows by code" in fig["layout"]["title"]["text"] for _, _, fig in _all(figures))


def _style_of(trace) -> tuple[str, str]:
    marker = trace.get("marker") or {}
    return marker.get("color"), (marker.get("pattern") or {}).get("shape", "")


def test_each_category_has_one_style_across_the_app(figures):
    seen: dict[str, set] = {}
    checked = 0
    for _mode, where, fig in _all(figures):
        for trace in fig["data"]:
            name = trace.get("name")
            if name not in chart_style.STYLES or trace.get("type") not in ("bar", "box", "scatter", "scattergl"):
                continue
            colour, pattern = _style_of(trace)
            if trace["type"] != "bar":
                pattern = chart_style.STYLES[name].pattern     # markers carry a shape, not a pattern
            seen.setdefault(name, set()).add((colour, pattern))
            expected = chart_style.STYLES[name]
            assert (colour, pattern) == (expected.colour, expected.pattern), (where, name, colour, pattern)
            checked += 1
    assert checked > 20
    assert all(len(styles) == 1 for styles in seen.values()), seen
    # The graded scales are among them: the same grade, the same look, on every page that draws it.
    assert {"expected standard", "Good", "in progress", "primary"} <= set(seen), sorted(seen)


def _ranks(names):
    return [chart_style.ORDER[n] for n in names]


def test_categories_run_in_their_vocabularys_order(figures):
    checked = 0
    for _mode, where, fig in _all(figures):
        # Segments of a stack, within each vocabulary, in its order.
        stacked = [t["name"] for t in fig["data"] if t.get("type") == "bar" and t.get("name") in chart_style.STYLES
                   and fig["layout"].get("barmode") == "stack"]
        for vocab in {chart_style.VOCABULARY_OF[n] for n in stacked}:
            names = [n for n in stacked if chart_style.VOCABULARY_OF[n] == vocab]
            assert _ranks(names) == sorted(_ranks(names)), (where, names)
            checked += 1
        # Groups down a bar chart's axis.
        axis = (fig["layout"].get("yaxis") or {}).get("categoryarray")
        if axis and all(c in chart_style.STYLES for c in axis):
            assert axis == chart_style.in_order(axis), (where, axis)
            checked += 1
        # Boxes along the axis.
        boxes = [t["name"] for t in fig["data"] if t.get("type") == "box"]
        if boxes and all(b in chart_style.STYLES for b in boxes):
            assert _ranks(boxes) == sorted(_ranks(boxes)), (where, boxes)
            checked += 1
    assert checked > 10
    time_axes = [(fig["layout"].get("yaxis") or {}).get("categoryarray") for _, _, fig in _all(figures)]
    time_axes = [a for a in time_axes if a and set(a) <= set(chart_style.VOCABULARIES["time_band"])]
    assert time_axes and all(a == [b for b in chart_style.VOCABULARIES["time_band"] if b in a] for a in time_axes)


def _fails_contrast(text: str, behind: str) -> bool:
    return chart_style.contrast(text, behind) < chart_style.MIN_CONTRAST


def test_every_label_reads_against_what_is_behind_it(figures):
    checked = 0
    for _mode, where, fig in _all(figures):
        layout = fig["layout"]
        background = layout.get("plot_bgcolor", "#ffffff")
        default = (layout.get("font") or {}).get("color")
        for trace in fig["data"]:
            if trace.get("type") != "bar" or not trace.get("text"):
                continue
            colour = (trace.get("textfont") or {}).get("color") or default
            assert colour, (where, trace.get("name"), "label colour left to Plotly")
            if trace.get("textposition") == "inside":
                fill, pattern = trace["marker"]["color"], trace["marker"].get("pattern") or {}
                assert not _fails_contrast(colour, fill), (where, trace["name"], colour, fill)
                if pattern.get("shape"):
                    assert pattern.get("fillmode") == "overlay", (where, trace["name"], "pattern replaces the fill")
                    assert not _fails_contrast(colour, pattern["fgcolor"]), (where, trace["name"], pattern)
            else:
                assert not _fails_contrast(colour, background), (where, trace.get("name"), colour)
            checked += 1
        for note in layout.get("annotations") or []:
            colour = (note.get("font") or {}).get("color") or default
            assert not _fails_contrast(colour, note.get("bgcolor") or background), (where, note.get("text"))
    assert checked > 20


def test_chart_text_is_readable_on_a_projector(figures):
    for _mode, where, fig in _all(figures):
        layout = fig["layout"]
        assert layout["font"]["size"] >= 16, where
        assert layout.get("uniformtext", {}).get("minsize", 0) >= 16, where
        sizes = [(t.get("textfont") or {}).get("size") for t in fig["data"]]
        sizes += [(a.get("font") or {}).get("size") for a in layout.get("annotations") or []]
        sizes += [(layout.get(k) or {}).get("tickfont", {}).get("size") for k in layout if k.startswith(("xaxis", "yaxis"))]
        assert all(s is None or s >= 16 for s in sizes), (where, sizes)


SHARE_OF = re.compile(r"\((\d+) of (\d+)\)")


def test_no_bar_is_drawn_for_a_group_of_too_few_schools(figures):
    for _mode, where, fig in _all(figures):
        for trace in fig["data"]:
            if trace.get("type") != "bar":
                continue
            for text in trace.get("text") or []:
                match = SHARE_OF.search(str(text))
                assert not match or int(match.group(2)) >= SMALL, (where, text)


def _point_count(trace) -> int:
    y = trace.get("y")
    if isinstance(y, dict) and "bdata" in y:
        return len(plotly_values(y))
    return len(y or [])


def test_school_points_name_their_school_in_named_mode_only(figures, demo_lake):
    named_points = 0
    for where, fig in figures["named"] + figures["density"]:
        for trace in fig["data"]:
            if trace.get("type") == "box" or (trace.get("type", "scatter") in ("scatter", "scattergl")
                                              and trace.get("mode") == "markers" and "phase" not in where
                                              and trace.get("name") in chart_style.STYLES):
                assert len(trace.get("text") or []) == _point_count(trace), (where, trace.get("name"))
                named_points += _point_count(trace)
    assert named_points > 50
    api = LakeAPI(Reader(path=demo_lake))
    names = {n for n in api.school_year(Filters(year=api.current_year())).school_name if isinstance(n, str)}
    for where, fig in figures["anonymised"]:
        blob = json.dumps(fig)
        for trace in fig["data"]:
            assert trace.get("type") != "box" or not trace.get("text"), where
        leaked = [n for n in names if len(n) > 8 and json.dumps(n)[1:-1] in blob]
        assert not leaked, (where, leaked[:3])


def test_a_density_names_no_school_and_says_what_each_cell_holds(figures, demo_lake):
    """Past the threshold the scatter is a density: no school point to name, so instead each cell says
    how many schools it holds and their range, every school in scope is counted once, and the
    recommended time and the trend stay. The other charts keep their points (and names)."""
    api = LakeAPI(Reader(path=demo_lake))
    frame = api.school_year(Filters(year=api.current_year()))
    has = frame[frame.has_return & frame.senco_hours_per_week.notna()]
    names = {n for n in frame.school_name if isinstance(n, str) and len(n) > 8}
    checked = 0
    for where, fig in figures["density"]:
        heat = [t for t in fig["data"] if t.get("type") == "heatmap"]
        if not heat:
            continue
        x = "ehcp_pupils" if "EHCP" in where else "send_pupils"
        counts = [c for row in heat[0]["z"] for c in row if c]
        assert sum(counts) == int(has[x].notna().sum()), where
        texts = [t for row in heat[0]["text"] for t in row if t]
        assert len(texts) == len(counts) and all(re.match(r"^\d[\d,]* schools?: ", t) for t in texts), where
        assert heat[0]["hovertemplate"] == "%{text}<extra></extra>"
        assert not [n for n in names if json.dumps(n)[1:-1] in json.dumps(fig)], where
        assert [t.get("name") for t in fig["data"][1:]] == ["Fitted trend"]
        assert any(s.get("y0") == 9.75 for s in fig["layout"]["shapes"]), where
        colorbar = heat[0]["colorbar"]
        assert colorbar["title"]["font"]["color"] == chart_style.TEXT and colorbar["tickfont"]["color"] == chart_style.TEXT
        checked += 1
    assert checked == len(DENSITY_VIEWS)
