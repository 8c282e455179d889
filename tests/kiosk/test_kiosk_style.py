"""One kiosk stylesheet: the demos' widget rules live in ``civicai/kiosk/static/kiosk.css`` only."""

from __future__ import annotations

import re

from civicai.kiosk import style
from testkit import REPO

PACKAGE = REPO / "civicai"
# Whole pages that are not the kiosk's and carry their own small stylesheet (printed sheets, the
# participants' welcome page): they never style a demo widget.
OTHER_PAGES = {"civicai/site/sheets.py", "civicai/welcome/page.py"}


def test_no_demo_carries_a_style_element_of_its_own():
    """Does any Python file but the stylesheet's reader still write a ``<style>`` element?"""
    writers = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")
               if "<style" in p.read_text(encoding="utf-8")}
    assert writers - OTHER_PAGES == {"civicai/kiosk/style.py"}


def test_every_demo_scope_has_its_rules_in_the_widgets_section():
    """Is every class a demo adds to its root widget styled by the section JupyterLab inlines?"""
    css = style.widgets_css()
    assert css.startswith("<style>") and css.rstrip().endswith("</style>")
    sources = "".join(p.read_text(encoding="utf-8") for area in ("learn", "faces", "disinfo")
                      for p in (PACKAGE / area).glob("*.py"))
    scopes = {"civicai-temperature", "civicai-words", "civicai-playground", "civicai-faces", "civicai-disinfo"}
    for scope in scopes:
        assert f'add_class("{scope}")' in sources, f"no demo adds {scope}"
        assert f".{scope} " in css, f"no rule for .{scope}"


def test_widget_rules_are_scoped_by_a_demo():
    """Does every rule of the widgets section start with a demo's class (no rule reaching another demo)?"""
    section = re.sub(r"/\*.*?\*/", "", style.widgets_css()[len("<style>"):-len("</style>")], flags=re.S)
    scopes = ("civicai-temperature", "civicai-words", "civicai-playground", "civicai-faces", "civicai-disinfo")
    for rule in re.findall(r"([^{}]+)\{[^}]*\}", section):
        for selector in rule.split(","):
            assert selector.strip().lstrip(".").startswith(scopes), f"unscoped selector: {selector.strip()}"
