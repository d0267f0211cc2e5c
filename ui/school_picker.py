"""Choosing schools on the Schools page: how a school is named in its widgets and links, and reading
the schools a shared link names.

A link may name a school by bare URN (as other pages and people write it), by the widget's own
label "Name (URN)" (what the page writes), or by "Any name (URN)" after a rename; in anonymised mode
only by its label, since a link naming a URN would tell its holder that school's label.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui.anonymise import label_for
from ui.page import respell
from ui.text import md_escape

URN_AT_END = re.compile(r"\((\d{6,7})\)\s*$")


class SchoolPicker:
    """The schools a page offers (`options`, URNs as text, in the order shown) and their names."""

    def __init__(self, frame: pd.DataFrame, anonymised: bool, anon_key: str | None, hidden: set[int] = frozenset()):
        self.anonymised, self.anon_key = anonymised, anon_key
        self.names = {str(u): (n if isinstance(n, str) and n.strip() else "Unnamed school")
                      for u, n in zip(frame.urn.astype(int), frame.school_name)}
        if anonymised:
            # Not by name (the order would tell), and without the schools whose phase, type and size band name them.
            self.options = sorted((u for u in self.names if int(u) not in hidden),
                                  key=lambda u: label_for(u, anon_key))
        else:
            self.options = sorted(self.names, key=lambda u: (self.names[u].lower(), u))

    def fmt(self, urn: str) -> str:
        """How a school is named in the widgets and the URL: "Name (URN)", or only its label when anonymised."""
        return label_for(urn, self.anon_key) if self.anonymised else \
            f"{self.names.get(urn, 'Unnamed school')} ({urn})"

    def link_urn(self, value: str, by_label: dict[str, str]) -> str | None:
        """The school a link value names, or None."""
        value = value.strip()
        if self.anonymised:
            return by_label.get(value)
        if value in self.names:
            return value
        if value in by_label:
            return by_label[value]
        match = URN_AT_END.search(value)
        return match.group(1) if match and match.group(1) in self.names else None

    def read_link(self, given: list[str], multi: bool, limit: int) -> tuple[list[str], list[str]]:
        """(schools chosen, values not recognised) from a link's values for one widget."""
        by_label = {self.fmt(u): u for u in self.options}
        chosen = [self.link_urn(g, by_label) for g in given]
        bad = [g for g, c in zip(given, chosen) if c is None]
        chosen = list(dict.fromkeys(c for c in chosen if c is not None))
        return (chosen[:limit] if multi else chosen[:1]), bad

    def needs_translation(self, given: list[str]) -> bool:
        """Whether the widget would not read these values itself (only its own exact labels)."""
        by_label = {self.fmt(u) for u in self.options}
        return any(g not in by_label for g in given)


def from_link(picker: SchoolPicker, key: str, multi: bool, limit: int) -> None:
    """Accept the schools a link names under `key` before its widget is drawn; note unknown ones."""
    try:
        given = st.query_params.get_all(key)
    except Exception:
        return
    chosen, bad = picker.read_link(given, multi, limit)
    if bad:
        st.session_state.setdefault("_link_notices", []).append(
            f"'{key}': {', '.join(md_escape(repr(b[:40])) for b in bad[:3])} not a school in this view")
    if chosen and key not in st.session_state and picker.needs_translation(given):
        if not bad:             # the address then names them as the widget does, and keeps them (reruns)
            respell(key, [picker.fmt(c) for c in (chosen if multi else chosen[:1])])
        st.session_state[key] = chosen if multi else chosen[0]
