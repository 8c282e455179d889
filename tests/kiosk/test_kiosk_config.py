"""The Voila configuration behind the kiosk: what is preheated, loaded, allowed."""

from __future__ import annotations

import re

from civicai.kiosk import app as kiosk_app
from civicai.kiosk.app import ALLOWED_MESSAGE_TYPES, KioskOptions, voila_config
from civicai.kiosk.catalog import load_catalog
from kiosktools import FIXTURE_DEMOS


def _config():
    cat = load_catalog(FIXTURE_DEMOS)
    opts = KioskOptions(catalog=cat, port=1234, pool_size=2)
    opts.demos = cat.available()
    return voila_config(opts)


def test_only_listed_demos_get_a_preheated_pool():
    c = _config()
    assert c.VoilaConfiguration.preheat_kernel is True
    pools = c.VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 0
    assert pools["demo-curseur.ipynb"]["pool_size"] == 2
    assert pools["demo-reseau.ipynb"]["pool_size"] == 2
    assert len(pools) == 3


def test_pages_are_french_and_cannot_switch_template():
    c = _config()
    assert c.HTMLExporter.language_code == "fr"
    assert c.VoilaConfiguration.template == kiosk_app.TEMPLATE
    assert c.VoilaConfiguration.allow_template_override == "NO"
    assert c.VoilaConfiguration.show_tracebacks is False
    assert c.VoilaConfiguration.file_allowlist == []


def test_no_execute_request_reaches_a_kernel():
    assert "execute_request" not in ALLOWED_MESSAGE_TYPES
    assert set(ALLOWED_MESSAGE_TYPES) <= {"comm_open", "comm_close", "comm_msg",
                                          "comm_info_request", "kernel_info_request"}


def test_kiosk_files_link_to_no_other_host():
    """Templates, pages, styles and scripts of the kiosk: no http(s) URL at all."""
    files = [p for p in kiosk_app.PACKAGE.rglob("*") if p.suffix in {".j2", ".html", ".css", ".js"}]
    assert len(files) >= 6
    for p in files:
        urls = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", p.read_text(encoding="utf-8"))
        assert urls == [], f"{p.name} links to {urls}"


def test_mathjax_is_local():
    assert _config().Voila.mathjax_url.startswith("/kiosque/static/")


def test_kernels_keep_no_history_on_disk():
    d = kiosk_app.private_ipython_dir()
    config = (d / "profile_default" / "ipython_kernel_config.py").read_text()
    assert "c.HistoryManager.enabled = False" in config


def test_stray_voila_config_files_are_ignored():
    """A voila.json/voila.py in the working folder or ~/.jupyter must not reopen anything."""
    assert kiosk_app.KioskApp().config_file_paths == []


def _texts(widget) -> list[str]:
    """Every text a widget tree shows (HTML values, labels, children)."""
    out = [str(getattr(widget, "value", "")), str(getattr(widget, "description", ""))]
    for child in getattr(widget, "children", ()):
        out += _texts(child)
    return out


def test_the_fairface_command_goes_to_the_operator_log_not_to_visitors(monkeypatch):
    from civicai.faces.demos import audit_explorer_demo

    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", "")          # FairFace not configured
    notices = kiosk_app.operator_notices()
    assert any("civicai donnees fairface --chemin" in line for line in notices)
    shown = " ".join(_texts(audit_explorer_demo()))
    assert "ne sont pas installées sur cette borne" in shown
    assert "civicai donnees" not in shown and "--chemin" not in shown
