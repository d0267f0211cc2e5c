"""Small text helpers every page and component shares: school-entered text made inert for
Markdown, and counted words."""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md_escape(text: object) -> str:
    """Text someone typed (a school name, a file name, a message), made inert for st.markdown / st.error.

    Every Markdown and Streamlit directive character is backslash-escaped (so no links,
    images, emphasis, ':material/...:' icons or ':red[...]' colours), and line breaks
    become spaces.
    """
    flat = re.sub(r"[\r\n\t]+", " ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", flat)


def plural(n: int, word: str = "school", many: str | None = None) -> str:
    """'1 school', '2 schools', '1,024 rows'."""
    n = int(n)
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
