"""The welcome page, its settings and the links of `civicai serve`, without a hub."""

from __future__ import annotations

import pytest
from traitlets.config import Config

from civicai.errors import UserError
from civicai.welcome import hubconfig, links, page, serverconfig
from civicai.welcome.modules import ENV_VAR, chosen_module, list_modules, parse_choice

MODULES = list_modules()


def test_every_module_has_a_title_and_a_first_notebook():
    assert [m.number for m in MODULES][:3] == [1, 2, 3]
    for m in MODULES:
        assert m.first_notebook.startswith("01-") and m.title


def test_choice_of_module(monkeypatch):
    assert parse_choice("02", MODULES).number == 2 and parse_choice(None, MODULES) is None
    with pytest.raises(UserError, match="n'existe pas"):
        parse_choice("9", MODULES)
    with pytest.raises(UserError):
        parse_choice("../../etc", MODULES)
    monkeypatch.setenv(ENV_VAR, "pas-un-numero")
    assert chosen_module(MODULES) is None  # a participant's page still opens, with every module


def test_page_leads_to_the_chosen_module_and_says_how_to_get_help():
    html = page.render("/user/eleve/", MODULES, MODULES[1])
    first = f'href="/user/eleve/lab/tree/{MODULES[1].first_path}"'
    assert html.index(first) < html.index("Besoin d'aide")
    assert "Levez la main" in html and 'lang="fr"' in html
    for word in ("civicai", "terminal", "sudo", "$ "):
        assert word not in html.split("<main>")[1].lower().replace("civicai/", ""), word


def test_page_without_a_choice_offers_every_module():
    html = page.render("/user/eleve/", MODULES, None)
    assert html.count('class="commencer"') == len(MODULES)


def test_hub_and_server_configuration_are_idempotent(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, "2")
    c = Config()
    c.Spawner.environment = {"LANG": "fr_FR.UTF-8"}
    hubconfig.configure(c, state_dir=tmp_path)
    hubconfig.configure(c, state_dir=tmp_path)
    assert c.Spawner.default_url == "/civicai/bienvenue"
    assert c.Spawner.environment == {"LANG": "fr_FR.UTF-8", ENV_VAR: "2"}
    s = Config()
    s.ServerApp.jpserver_extensions = {"jupyter_lsp": False}
    serverconfig.configure(s)
    serverconfig.configure(s)
    assert s.ServerApp.jpserver_extensions == {"jupyter_lsp": False, "civicai.welcome": True}
    assert "demos.yaml" in s.ContentsManager.hide_globs and "__pycache__" in s.ContentsManager.hide_globs


def test_serve_links_have_a_qr_code_per_module():
    text = links.banner_links("http://192.168.1.10:8000/", MODULES)
    for m in MODULES:
        assert f"http://192.168.1.10:8000/hub/user-redirect/lab/tree/{m.first_path}" in text
    assert text.count("█") > 100 or text.count("▀") > 100  # drawn QR codes
    only = links.banner_links("http://h:8000", MODULES, MODULES[2])
    assert MODULES[2].first_path in only and MODULES[0].first_path not in only


def _decode_terminal_qr(text: str) -> str:
    """Read back a QR code drawn with half blocks (a block is light, as on a dark terminal)."""
    import cv2
    import numpy as np

    top = {"█": 1, "▀": 1, "▄": 0, " ": 0}
    bottom = {"█": 1, "▀": 0, "▄": 1, " ": 0}
    rows = []
    for line in text.splitlines():
        if line:
            rows += [[top[ch] for ch in line], [bottom[ch] for ch in line]]
    light = np.array(rows, dtype=np.uint8) * 255
    image = cv2.resize(light, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    value, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return value


def test_the_printed_qr_code_reads_back_as_the_link():
    for module in MODULES:
        url = links.module_link("http://10.0.0.2:8000", module)
        assert _decode_terminal_qr(links.qr_text(url)) == url


def test_the_local_hub_opens_servers_on_the_welcome_page(monkeypatch, tmp_path):
    from civicai.hub.config import configure_local

    monkeypatch.setenv("CIVICAI_MODE", "demonstration")
    monkeypatch.setenv(ENV_VAR, "3")
    c = Config()
    configure_local(c, state_dir=tmp_path)
    assert c.Spawner.default_url == "/civicai/bienvenue"
    assert c.Spawner.environment[ENV_VAR] == "3"


def test_participant_server_config_enables_the_page():
    from civicai.paths import hub_dir

    c = Config()
    source = (hub_dir() / "singleuser" / "jupyter_server_config.py").read_text(encoding="utf-8")
    exec(compile(source, "jupyter_server_config.py", "exec"),
         {"get_config": lambda: c, "__file__": str(hub_dir() / "singleuser" / "jupyter_server_config.py")})
    assert c.ServerApp.jpserver_extensions["civicai.welcome"] is True
    assert c.ServerApp.jpserver_extensions["jupyter_lsp"] is False  # the kit's own choices are kept
