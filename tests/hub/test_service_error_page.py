"""Does every hub service with pages have the error page its shared base renders for people?"""

from __future__ import annotations

import importlib
import re

import pytest

from testkit import REPO

SERVICES = sorted(p for p in (REPO / "civicai").glob("*/service.py") if "service_base" in p.read_text())


def test_the_services_with_pages_are_found():
    with_pages = [p.parent.name for p in SERVICES if (p.parent / "pages").is_dir()]
    assert {"attestation", "debate", "room"} <= set(with_pages)


@pytest.mark.parametrize("service", [p for p in SERVICES if (p.parent / "pages").is_dir()],
                         ids=lambda p: p.parent.name)
def test_each_service_has_the_error_template_the_base_renders(service):
    base = (REPO / "civicai" / "hub" / "service_base.py").read_text()
    rendered = re.findall(r'self\.render\("([^"]+)"', base)
    assert rendered == ["error.html"]
    pages = importlib.import_module(f"civicai.{service.parent.name}.service").PAGES
    assert (pages / "error.html").is_file()
