"""Check a built site: no broken internal link, no external asset.

Used by the tests; ``check_site(folder)`` returns what it found rather than raising, so a
caller can print every problem at once.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = ("href", "src", "srcset", "poster", "data", "action")


@dataclass
class LinkReport:
    pages: int = 0
    broken: list[str] = field(default_factory=list)           # "page -> target"
    external_assets: list[str] = field(default_factory=list)  # "page: <tag attr=url>"
    outbound: set[str] = field(default_factory=set)           # plain <a href> leaving the site
    missing_anchors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.broken or self.external_assets or self.missing_anchors)


def check_site(folder: Path) -> LinkReport:
    from bs4 import BeautifulSoup

    folder = Path(folder)
    report = LinkReport()
    ids: dict[str, set[str]] = {}
    soups = {}
    for html in sorted(folder.rglob("*.html")):
        rel = html.relative_to(folder).as_posix()
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        soups[rel] = soup
        ids[rel] = {t["id"] for t in soup.find_all(id=True)} | {
            t["name"] for t in soup.find_all("a", attrs={"name": True})}
    report.pages = len(soups)
    for rel, soup in soups.items():
        here = posixpath.dirname(rel)
        for tag in soup.find_all(True):
            for attr in URL_ATTRS:
                value = tag.get(attr)
                if not value or not isinstance(value, str):
                    continue
                parts = urlsplit(value.strip())
                if parts.scheme in ("data", "mailto", "tel"):
                    continue
                if parts.scheme or value.strip().startswith("//"):
                    if tag.name == "a" and attr == "href" and parts.scheme in ("http", "https"):
                        report.outbound.add(value)
                    else:
                        report.external_assets.append(f"{rel}: <{tag.name} {attr}={value}>")
                    continue
                target = rel if not parts.path else posixpath.normpath(
                    posixpath.join(here, unquote(parts.path)))
                if target.startswith("../") or not (folder / target).is_file():
                    report.broken.append(f"{rel} -> {value}")
                elif parts.fragment and target in ids and parts.fragment not in ids[target]:
                    report.missing_anchors.append(f"{rel} -> {value}")
    return report
