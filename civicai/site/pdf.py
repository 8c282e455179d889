"""Print HTML pages to PDF with headless Chromium (Debian's, driven by Playwright).

nbconvert's ``webpdf`` exporter wants to download its own Chromium, which does not work
offline; the system browser does.
"""

from __future__ import annotations

import re
from pathlib import Path

from civicai.errors import UserError
from civicai.settings import settings

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def count_pages(pdf: Path) -> int:
    """Number of pages of a PDF written by Chromium (counts its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", Path(pdf).read_bytes()))


def print_to_pdf(jobs: list[tuple[Path, Path]]) -> None:
    """Print each (html file, pdf file) pair, A4, with the page's print stylesheet."""
    if not jobs:
        return
    chromium = settings().chromium
    if not Path(chromium).exists():
        raise UserError(f"Chromium est introuvable ({chromium}) : il sert à produire les PDF. "
                        "Installez le paquet Debian « chromium », ou construisez avec --sans-pdf.")
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                # No network: a page of the site only loads files next to it.
                page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                for html, pdf in jobs:
                    page.goto(Path(html).resolve().as_uri(), wait_until="load")
                    page.pdf(path=str(pdf), format="A4", print_background=False,
                             prefer_css_page_size=True)
            finally:
                browser.close()
    except Error as exc:
        raise UserError(f"Chromium n'a pas pu produire les PDF ({exc}). "
                        "Construisez avec --sans-pdf pour vous en passer.") from None
