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

ACCESSIBILITY_EXCEPTIONS: list[dict[str, str]] = []
