"""Writing a collected pack as one self-contained HTML file.

Everything is inline: the stylesheet, plotly.js (from the installed plotly package, so charts
draw and stay interactive offline) and each figure's JSON. A Content-Security-Policy forbids
every network fetch, so opening the file makes no request even if something tried. Text the
pages show (which can hold school-entered names) is escaped; only a small, fixed subset of
Markdown (bold, italics, code, links, lists) is turned into markup after escaping.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache

import pandas as pd
from plotly.offline import get_plotlyjs

from pack.collect import Block, PageContent
from ui.plain_table import cell

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
       "font-src data:")
CHANGE_PREFIX = "Change since last year"

STYLE = """
:root { --text: #0b0c0c; --muted: #505a5f; --rule: #b1b4b6; --link: #1d70b8; --panel: #f3f2f1; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--text); margin: 0 auto; max-width: 1100px;
       padding: 16px 24px 48px; line-height: 1.45; font-size: 16px; }
a { color: var(--link); overflow-wrap: anywhere; }
h1 { font-size: 2rem; margin: 0.4em 0; }
h2 { font-size: 1.6rem; margin: 1.2em 0 0.3em; border-top: 4px solid var(--link); padding-top: 0.4em; }
h3 { font-size: 1.25rem; margin: 1.1em 0 0.3em; }
h4 { font-size: 1.05rem; margin: 0.9em 0 0.3em; }
.meta { color: var(--muted); margin: 0.2em 0; }
.caption { color: var(--muted); font-size: 0.95rem; margin: 0.3em 0 0.6em; }
.notice { border-left: 5px solid var(--link); background: var(--panel); padding: 8px 12px; margin: 0.6em 0; }
.notice.warning, .notice.error { border-left-color: #d4351c; }
.notice.success { border-left-color: #00703c; }
.choice { font-weight: bold; margin: 0.4em 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin: 0.6em 0 1em; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card-title { font-size: 0.95rem; margin: 0; overflow-wrap: anywhere; }
.card-value { font-size: 1.8rem; font-weight: bold; margin: 0.1em 0; }
.card-change, .card-note { font-size: 0.9rem; color: var(--muted); margin: 0.2em 0 0; }
figure.chart { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
.plot { width: 100%; height: 440px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 0.4em 0 1em; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
section.page { break-before: page; page-break-before: always; }
section.page:first-of-type { break-before: auto; page-break-before: auto; }
.section-alt h4 { color: var(--muted); }
nav ol { padding-left: 1.4em; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .modebar-container { display: none !important; }
  .plot { height: 380px; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  a { color: var(--text); }
  tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
}
@page { size: A4; margin: 14mm 12mm; }
body.compact { font-size: 13px; line-height: 1.3; }
body.compact h1 { font-size: 1.5rem; }
body.compact h2 { font-size: 1.25rem; margin-top: 0.5em; }
body.compact h5 { font-size: 1rem; margin: 0.6em 0 0.2em; }
body.compact .plot { height: 260px; }
body.compact .card-value { font-size: 1.3rem; }
body.compact table { font-size: 12px; }
"""

SCRIPT = """
(function () {
  var config = {displaylogo: false, responsive: true,
    toImageButtonOptions: {format: 'png', scale: 2},
    modeBarButtonsToRemove: ['select2d', 'lasso2d'],
    modeBarButtonsToAdd: [{name: 'Download as SVG', title: 'Download chart as SVG',
      icon: Plotly.Icons.camera, click: function (gd) {
        Plotly.downloadImage(gd, {format: 'svg', filename: gd.getAttribute('data-name') || 'chart'}); }}]};
  var nodes = document.querySelectorAll('script.figure');
  var pending = nodes.length;
  if (!pending) { document.body.setAttribute('data-charts-drawn', '0'); }
  nodes.forEach(function (node) {
    var target = document.getElementById(node.getAttribute('data-target'));
    var fig = JSON.parse(node.textContent);
    var layout = Object.assign({}, fig.layout || {}, {autosize: true});
    delete layout.width;
    var cfg = Object.assign({}, config, {toImageButtonOptions: Object.assign({}, config.toImageButtonOptions,
      {filename: target.getAttribute('data-name')})});
    Plotly.newPlot(target, fig.data || [], layout, cfg).then(function () {
      target.setAttribute('data-drawn', 'true');
      pending -= 1;
      if (pending === 0) { document.body.setAttribute('data-charts-drawn', String(nodes.length)); }
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('.plot[data-drawn]').forEach(function (el) { Plotly.Plots.resize(el); });
  });
})();
"""


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as shipped inside the plotly package: no CDN, so charts draw offline."""
    return get_plotlyjs()


# ------------------------------------------------------------------ text

def esc(text) -> str:
    return html.escape(str(text), quote=True)


_ICON = re.compile(r":material/[a-z0-9_]+:")
_COLOUR = re.compile(r":(?:red|blue|green|orange|violet|gray|grey|rainbow|primary)(?:-background)?\[([^\]]*)\]")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def inline(text: str) -> str:
    """One line of the pages' Markdown, escaped first so nothing typed becomes markup."""
    t = _COLOUR.sub(r"\1", _ICON.sub("", str(text)))
    t = esc(t)
    t = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', t)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    t = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", t)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    return t.replace("\\", "")


_BULLET = re.compile(r"^\s*([-*]|\d+\.)\s+")


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def plain(text: str) -> str:
    """A heading's text: Markdown's escapes ("\\(") removed, then escaped for HTML."""
    return esc(re.sub(r"\\(.)", r"\1", _ICON.sub("", str(text))))


def markdown(text: str, cls: str = "", level: int = 4) -> str:
    out = []
    attr = f' class="{cls}"' if cls else ""
    for para in re.split(r"\n\s*\n", str(text).strip()):
        lines = [ln for ln in para.splitlines() if ln.strip()]
        heading = _HEADING.match(lines[0].strip()) if len(lines) == 1 else None
        if heading:                      # "#### Key figures": a heading below the page's own
            h = min(6, level + 1)
            out.append(f"<h{h}>{plain(heading.group(2))}</h{h}>")
        elif lines and all(_BULLET.match(ln) for ln in lines):
            bullets = [inline(_BULLET.sub("", ln)) for ln in lines]
            out.append(f"<ul{attr}>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>")
        elif lines:
            out.append(f"<p{attr}>{'<br>'.join(inline(ln) for ln in lines)}</p>")
    return "\n".join(out)


# ---------------------------------------------------------------- tables

def table_html(frame: pd.DataFrame, title: str) -> str:
    cols = [str(c) for c in frame.columns]
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in cols)
    rows = []
    for rec in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(cols, rec):
            text, num = cell(value, col)
            cells.append(f'<td class="num">{esc(text)}</td>' if num else f"<td>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(title)}</caption>" if title else ""
    # A wide table scrolls sideways: the scrolling box takes keyboard focus and is named by its title.
    label = esc(title or "Table")
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}"><table>{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


# ---------------------------------------------------------------- blocks

class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _json_script(obj) -> str:
    text = json.dumps(obj, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_title(figure: dict) -> str:
    title = ((figure.get("layout") or {}).get("title") or {})
    return str(title.get("text", "") if isinstance(title, dict) else title)


def _card(card: tuple) -> str:
    label, value, delta, _definition, captions = (list(card) + [[]])[:5]
    parts = [f'<p class="card-title">{esc(label)}</p>', f'<p class="card-value">{esc(value)}</p>']
    if delta:
        parts.append(f'<p class="card-change">{esc(delta)}</p>')
    for c in captions or []:
        if not str(c).startswith(CHANGE_PREFIX):
            parts.append(f'<p class="card-note">{inline(c)}</p>')
    return f'<div class="card">{"".join(parts)}</div>'


def blocks_html(blocks: list[Block], counter: _Counter, page: str, level: int = 3) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "title":
            continue                     # the page's title is the section heading
        if b.kind == "header":
            out.append(f"<h{level}>{plain(b.text)}</h{level}>")
        elif b.kind == "subheader":
            out.append(f"<h{level + 1}>{plain(b.text)}</h{level + 1}>")
        elif b.kind == "text":
            out.append(markdown(b.text, level=level + 1))
        elif b.kind == "caption":
            out.append(markdown(b.text, "caption"))
        elif b.kind == "notice":
            out.append(f'<div class="notice {esc(b.level)}">{markdown(b.text)}</div>')
        elif b.kind == "choice":
            out.append(f'<p class="choice">{esc(b.text)}</p>')
        elif b.kind == "metrics":
            out.append(f'<div class="cards">{"".join(_card(c) for c in b.items)}</div>')
        elif b.kind == "table" and b.frame is not None:
            out.append(table_html(b.frame, b.level))
        elif b.kind == "chart" and b.figure:
            n = counter.next()
            title = chart_title(b.figure) or f"Chart {n}"
            name = re.sub(r"[^a-z0-9]+", "-", f"{page} {title}".lower()).strip("-")[:80]
            out.append(f'<figure class="chart"><div class="plot" id="chart-{n}" data-name="{esc(name)}"></div>'
                       f'<figcaption class="sr-only">Chart: {esc(title)}. Its table alternative follows.</figcaption>'
                       f'<script type="application/json" class="figure" data-target="chart-{n}">'
                       f"{_json_script(b.figure)}</script></figure>")
        elif b.kind == "section":
            inner = blocks_html(b.items, counter, page, level + 1)
            out.append(f'<div class="section-alt"><h{level + 1}>{esc(b.text)}</h{level + 1}>{inner}</div>')
    return "\n".join(out)


def page_html(content: PageContent, url: str, counter: _Counter) -> str:
    link = f'<p class="meta">Live view: <a href="{esc(url)}">{esc(url)}</a></p>' if url else ""
    return (f'<section class="page" id="page-{esc(content.stem)}" aria-labelledby="h-{esc(content.stem)}">'
            f'<h2 id="h-{esc(content.stem)}">{esc(content.title)}</h2>{link}'
            f"{blocks_html(content.blocks, counter, content.stem)}</section>")


def document(pages: list[tuple[PageContent, str]], *, title: str, view_lines: list[str], as_at: str,
             made: str, definitions: pd.DataFrame | None, sources: pd.DataFrame | None,
             anonymised: bool, compact: bool = False) -> str:
    counter = _Counter()
    body = "\n".join(page_html(p, url, counter) for p, url in pages)
    toc = "".join(f'<li><a href="#page-{esc(p.stem)}">{esc(p.title)}</a></li>' for p, _ in pages)
    view = "".join(f"<li>{esc(line)}</li>" for line in view_lines)
    mode = ("Anonymised: school names are replaced by stable labels and counts under 5 pupils are hidden."
            if anonymised else "Named: this pack names schools. Share it only with people entitled to see them.")
    ref = []
    if definitions is not None and not definitions.empty:
        ref.append("<h3>Definitions</h3>" + table_html(definitions, "How each measure is defined"))
    if sources is not None and not sources.empty:
        ref.append("<h3>Sources</h3>" + table_html(sources, "Data in the lake, and when each was last loaded"))
    reference = (f'<section class="page" id="page-reference" aria-labelledby="h-reference">'
                 f'<h2 id="h-reference">Definitions and sources</h2>{"".join(ref)}</section>') if ref else ""
    toc += '<li><a href="#page-reference">Definitions and sources</a></li>' if reference else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body{' class="compact"' if compact else ""}>
<header>
<h1>{esc(title)}</h1>
<p class="meta">Data as at {esc(as_at)} · pack made {esc(made)}</p>
<p class="meta">{esc(mode)}</p>
<ul class="meta">{view}</ul>
{"" if compact else f'<nav aria-label="Pages in this pack"><ol>{toc}</ol></nav>'}
</header>
<main>
{body}
{reference}
</main>
<script>{plotly_js()}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
