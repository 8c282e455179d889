"""The kiosk's one stylesheet, ``static/kiosk.css``, and the part of it a demo carries into JupyterLab.

Why: the demos' widget rules used to be four ``<style>`` strings in four packages. They now live in the
kiosk's stylesheet (the kiosk's pages and Voila template link it); a demo shown in JupyterLab, where that
file is not linked, inlines its "Demo widgets" section, and only that: the rest styles whole pages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STYLESHEET = Path(__file__).with_name("static") / "kiosk.css"
START, END = "/* ---- Demo widgets ----", "/* ---- end of demo widgets ---- */"


@lru_cache(maxsize=1)
def widgets_css() -> str:
    """The demos' widget rules of the kiosk stylesheet, as a ``<style>`` element."""
    text = STYLESHEET.read_text(encoding="utf-8")
    return f"<style>\n{text[text.index(START):text.index(END) + len(END)]}\n</style>"
