"""Reading a share link ("Link to this view") into the page it names and its filters."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from ui.navigation import ADDRESSES, PAGES

# Query parameters that belong to one page (its own widgets), not to the shared view: a pack of
# several pages gives each page only the shared filters plus, for the linked page, its own.
SHARED = ("year", "la", "phase", "type", "size", "time", "slt", "role", "anon")


class BadLink(ValueError):
    """A share link the pack cannot read; the message says what to fix."""


@dataclass
class Link:
    base: str                      # scheme://host[:port] and any path prefix before the page, or ""
    page: str                      # the page's stem, e.g. "senco_time"
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def anonymised(self) -> bool:
        return any(v.lower() == "true" for v in self.params.get("anon", []))

    def shared(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.params.items() if k in SHARED}

    def params_for(self, page: str) -> dict[str, list[str]]:
        """The linked page keeps every parameter; other pages get the shared filters."""
        return dict(self.params) if page == self.page else self.shared()

    def url_for(self, page: str) -> str:
        """The live view of `page` with the same filters: the link back printed in the pack."""
        query = urlencode(self.params_for(page), doseq=True)
        return f"{self.base}{ADDRESSES[page]}" + (f"?{query}" if query else "")


def parse(link: str) -> Link:
    """Read a share link: a full address (http://host/senco_time?year=...), or a path and query."""
    text = (link or "").strip()
    if not text:
        raise BadLink("No share link given: copy it from 'Link to this view' on any page.")
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise BadLink(f"'{text[:80]}' is not a web address: copy the link from 'Link to this view'.")
    path = parts.path.rstrip("/")
    stems = {p.stem for p in PAGES}
    last = path.rsplit("/", 1)[-1] if path else ""
    if last in stems:
        page, prefix = last, path[: -len(last)].rstrip("/")
    else:
        page, prefix = next(p.stem for p in PAGES if p.default), path
    base = f"{parts.scheme}://{parts.netloc}{prefix}" if parts.netloc else prefix
    params = {k: v for k, v in parse_qs(parts.query, keep_blank_values=False).items()}
    return Link(base=base, page=page, params=params)
