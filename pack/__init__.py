"""Meeting packs: the chosen pages of a shared view, as one self-contained HTML file (charts
drawn offline by an inlined plotly.js) and a PDF of it printed by headless Chromium.

The pack consumes the pages (files -> etl -> lake -> ui -> pages -> pack): each page is run
headless with the share link's query parameters and what it shows is collected and written out.
"""
