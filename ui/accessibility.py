"""Known accessibility exceptions, shown in the About page's accessibility statement.

The browser test suite (tests/browser/test_accessibility.py) runs axe-core's WCAG 2.2 AA
rules on every page and allows exactly these exceptions, no others: a violation passes
only when its axe rule id equals `rule` and the offending element sits inside the CSS
selector `where`. Each exception must say why it cannot be fixed in this project (most
are inside Streamlit's own components) and what would lift it (`status`).

    {"rule": "axe rule id", "where": "CSS selector",
     "reason": "why it happens and why the project cannot change it",
     "status": "what would lift it, e.g. 'reported upstream: <link>; remove when fixed'"}

Add an entry only with a reason a reader of the accessibility statement can follow.
"""
from __future__ import annotations

ACCESSIBILITY_EXCEPTIONS: list[dict[str, str]] = [
    {"rule": "target-size",
     "where": "[data-testid='stMultiSelect'] [data-testid='stMultiSelectTagsContainer'] input[role='combobox']",
     "reason": "Streamlit's multiselect shrinks its type-to-search text box to whatever width the chosen items "
               "leave (about 18 px once several schools are chosen to compare). The whole field around the "
               "chosen items, at least 40 px tall and as wide as the page, opens the same list and focuses the "
               "same box when clicked or tapped, so an equivalent target of adequate size exists (WCAG 2.2 "
               "2.5.8 'equivalent' exception). The layout is inside Streamlit's component.",
     "status": "Streamlit component (1.67); re-check on each Streamlit upgrade and remove when the text box keeps "
               "24 px"},
]
