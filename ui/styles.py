"""The page's own stylesheet and one small script, injected once per page run (ui/context.view).

- Headline cards: a title wraps instead of being cut with "…", so it is whole on a 1280x720
  projector and at 200% zoom. On a screen that short, the page starts nearer the top (Streamlit
  leaves six lines of space above the title), so more of the figures show without scrolling.
- Print: the sidebar, header, toolbars and the share-link box are left out, and each chart is
  scaled to the printable width of an A4 page (Plotly draws charts at a fixed pixel width, so a
  stylesheet alone cannot shrink them: the script sets a zoom when the page is printed).
- Chart images: Plotly's toolbar offers PNG only; the script adds an SVG button beside it that
  asks the same chart for an SVG (by the toolbar's own download, with the format switched).
"""
from __future__ import annotations

import streamlit as st

# 210 mm less 10 mm margins each side, at 96 px to the inch.
A4_PRINT_WIDTH_PX = 718

CSS = f"""
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; height: auto !important; max-height: none !important; }}
[data-testid="stMetric"] label {{ height: auto !important; min-height: 0 !important; }}
[data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
.senco-svg-button {{ font-size: 11px; font-weight: bold; color: #0b0c0c; line-height: 1; }}
.stElementContainer:has(.senco-page-script), .element-container:has(.senco-page-script) {{ display: none; }}
@media (max-height: 800px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem !important; }}
}}
@media print {{
  @page {{ size: A4; margin: 10mm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  header, [data-testid="stToolbar"], [data-testid="stElementToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], .modebar-container, [data-testid="stDownloadButton"],
  [data-testid="stExpander"]:has([data-testid="stCode"]), [data-testid="stSkipLink"] {{ display: none !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"],
  .block-container {{ margin: 0 !important; padding: 0 !important; max-width: none !important;
                      width: {A4_PRINT_WIDTH_PX}px !important; overflow: visible !important; }}
  [data-testid="stApp"], [data-testid="stAppViewContainer"] {{ position: static !important; height: auto !important;
                                                              overflow: visible !important; }}
  [data-testid="stPlotlyChart"], .stPlotlyChart, [data-testid="stMetric"], [data-testid="stTable"] {{
    break-inside: avoid; page-break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
}}
</style>
"""

SCRIPT = f"""
<span class="senco-page-script"></span>
<script>
(function () {{
  var w = window.parent || window, doc = w.document;
  // Once run, the script element leaves the page: the page keeps no script of its own in its content.
  doc.querySelectorAll('.senco-page-script ~ script').forEach(function (el) {{ el.remove(); }});
  if (w.__sencoPageScript) return;
  w.__sencoPageScript = true;
  function fit(printing) {{
    doc.querySelectorAll('[data-testid="stPlotlyChart"]').forEach(function (el) {{
      el.style.zoom = '';
      if (printing) {{
        var width = el.getBoundingClientRect().width;
        if (width > {A4_PRINT_WIDTH_PX}) el.style.zoom = String({A4_PRINT_WIDTH_PX} / width);
      }}
    }});
  }}
  w.addEventListener('beforeprint', function () {{ fit(true); }});
  w.addEventListener('afterprint', function () {{ fit(false); }});
  var mq = w.matchMedia('print');
  if (mq.addEventListener) mq.addEventListener('change', function (e) {{ fit(e.matches); }});
  function addSvg(bar) {{
    var png = bar.querySelector('.modebar-btn[data-title^="Download plot"]');
    if (!png || bar.querySelector('.senco-svg-button')) return;
    var btn = doc.createElement('button');
    btn.type = 'button';
    btn.className = 'modebar-btn senco-svg-button';
    btn.setAttribute('rel', 'tooltip');
    btn.setAttribute('data-title', 'Download plot as an SVG');
    btn.setAttribute('aria-label', 'Download plot as an SVG');
    btn.textContent = 'SVG';
    btn.addEventListener('click', function () {{
      var gd = bar.closest('.js-plotly-plot');
      if (!gd || !gd._context) return;
      var opts = gd._context.toImageButtonOptions || {{}};
      var before = opts.format;
      opts.format = 'svg';
      gd._context.toImageButtonOptions = opts;
      png.click();
      opts.format = before || 'png';
    }});
    png.parentNode.insertBefore(btn, png.nextSibling);
  }}
  // Streamlit changes the page often while it draws: look for new toolbars at most every 300 ms.
  var queued = false;
  function scan() {{ queued = false; doc.querySelectorAll('.modebar-group').forEach(addSvg); }}
  new w.MutationObserver(function () {{ if (!queued) {{ queued = true; w.setTimeout(scan, 300); }} }})
    .observe(doc.body, {{childList: true, subtree: true}});
  scan();
}})();
</script>
"""


def inject() -> None:
    """Add the stylesheet and script to this page run (cheap: two small elements)."""
    st.html(CSS)
    st.html(SCRIPT, unsafe_allow_javascript=True)
