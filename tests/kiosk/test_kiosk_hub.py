"""The kiosk's link to the class's model through the hub, without a hub: where the address and the token come
from, what the operator's log says, what the hub's configuration grants the kiosk, what a visitor sees."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from traitlets.config import Config

from civicai.errors import UserError
from civicai.generative import client
from civicai.generative.hubconfig import ACCESS, KIOSK, configure
from civicai.hub.config import kiosk_token
from civicai.kiosk import hub
from civicai.settings import Settings
from testkit import free_port

TOKEN = "jeton-de-la-borne-0123456789"


@pytest.fixture
def clean(monkeypatch, tmp_path):
    for name in ("CIVICAI_KIOSQUE_HUB", "CIVICAI_KIOSQUE_JETON", "CIVICAI_IA_URL", "CIVICAI_IA_JETON",
                 "JUPYTERHUB_API_TOKEN", "CIVICAI_IA_MODELE", "CIVICAI_IA_AMONT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CIVICAI_STATE_DIR", str(tmp_path / "etat"))
    monkeypatch.setenv("CIVICAI_CONFIG_DIR", str(tmp_path / "conf"))
    monkeypatch.setattr(client, "_MODEL", None)
    return tmp_path / "etat"


class FakeService:
    """A loopback stand-in for the service's request log: 200 for TOKEN, the service's French 403 otherwise."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                ok = self.headers.get("Authorization") == f"token {TOKEN}" and self.path.endswith("/api/journal")
                self.send_response(200 if ok else 403)
                self.end_headers()
                self.wfile.write(json.dumps({"journal": []} if ok else {"error": "Connectez-vous"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_without_a_hub_the_kiosk_keeps_its_own_model_and_says_so(clean):
    assert hub.link() is None and hub.link("") is None
    assert "--hub" in hub.NO_HUB and "CIVICAI_KIOSQUE_HUB" in hub.NO_HUB


def test_the_address_comes_from_the_option_or_the_setting_and_must_be_a_full_url(clean, monkeypatch):
    monkeypatch.setenv("CIVICAI_KIOSQUE_JETON", TOKEN)
    with pytest.raises(UserError, match="Adresse du hub invalide"):
        hub.link("127.0.0.1:8000")
    monkeypatch.setenv("CIVICAI_KIOSQUE_HUB", "http://salle.local:8000/")
    found = hub.link()
    assert found.url == "http://salle.local:8000/services/ia-generative/"
    assert hub.link("http://127.0.0.1:8001").url == "http://127.0.0.1:8001/services/ia-generative/"
    assert found.kernel_env() == {"CIVICAI_IA_URL": found.url, "CIVICAI_IA_JETON": TOKEN}
    assert TOKEN not in repr(found)


def test_the_token_comes_from_the_setting_else_from_the_hubs_secrets_when_readable(clean, monkeypatch):
    with pytest.raises(UserError, match="kiosk_token.*CIVICAI_KIOSQUE_JETON"):
        hub.link("http://127.0.0.1:8000")  # no secrets.json here yet
    stored = kiosk_token(clean)  # what the hub makes and keeps (0600) in its state folder
    assert hub.link("http://127.0.0.1:8000").token == stored
    assert stored == kiosk_token(clean) and (clean / "secrets.json").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("CIVICAI_KIOSQUE_JETON", TOKEN)  # the operator's setting wins
    assert hub.link("http://127.0.0.1:8000").token == TOKEN


def test_an_older_secrets_file_gains_a_kiosk_token_and_keeps_the_rest(clean):
    clean.mkdir()
    old = {"workshop_code": "abcd-efgh", "admin_password": "x" * 24, "api_token": "t" * 64, "room_key": "k" * 64}
    (clean / "secrets.json").write_text(json.dumps(old))
    token = kiosk_token(clean)
    now = json.loads((clean / "secrets.json").read_text())
    assert len(token) == 64 and now == {**old, "kiosk_token": token}


def test_the_kiosk_token_is_a_secret_setting_for_its_process_only():
    env = {"CIVICAI_KIOSQUE_JETON": TOKEN, "CIVICAI_IA_JETON": TOKEN, "JUPYTERHUB_API_TOKEN": TOKEN,
           "CIVICAI_IA_URL": "http://h/services/ia-generative/", "CIVICAI_KIOSQUE_HUB": "http://h"}
    chosen = Settings.load(env)
    assert (chosen.kiosk_token, chosen.ia_token, chosen.hub_api_token) == (TOKEN, TOKEN, TOKEN)
    assert TOKEN not in repr(chosen)
    assert TOKEN not in json.dumps(chosen.to_file())  # never written to the hub's settings file
    assert set(chosen.forwarded) == {"CIVICAI_IA_URL", "CIVICAI_KIOSQUE_HUB"}  # never handed to user servers


def test_the_check_tells_the_operator_and_stops_on_a_refused_token(clean):
    service = FakeService()
    try:
        good = hub.HubLink(hub=service.url, url=f"{service.url}/services/ia-generative/", token=TOKEN)
        assert hub.check(good) == f"La démo « Parlez à une IA » utilise le modèle de la salle, par le hub {service.url}."
        with pytest.raises(UserError, match="refuse le jeton de la borne"):
            hub.check(hub.HubLink(hub=service.url, url=good.url, token="mauvais"))
    finally:
        service.close()
    down = f"http://127.0.0.1:{free_port()}"
    line = hub.check(hub.HubLink(hub=down, url=f"{down}/services/ia-generative/", token=TOKEN), timeout=2)
    assert line.startswith("Attention : le hub") and "ne répond pas" in line and TOKEN not in line


def test_the_hub_grants_the_kiosk_the_model_service_and_nothing_else(clean):
    c = Config()
    configure(c, state_dir=clean, kiosk_token=TOKEN)
    configure(c, state_dir=clean, kiosk_token=TOKEN)  # twice: the same configuration
    (kiosk,) = [s for s in c.JupyterHub.services if s["name"] == KIOSK]
    assert kiosk == {"name": KIOSK, "api_token": TOKEN, "display": False}  # no command, no url: a credential
    (role,) = [r for r in c.JupyterHub.load_roles if KIOSK in r.get("services", [])]
    assert role["scopes"] == [ACCESS] == ["access:services!service=ia-generative"]
    assert TOKEN not in json.dumps(c.Spawner.environment)
    bare = Config()
    configure(bare, state_dir=clean)
    assert KIOSK not in [s["name"] for s in bare.JupyterHub.services]


def test_kernels_find_the_shared_server_in_the_settings(clean, monkeypatch):
    assert client.shared_server() is None
    monkeypatch.setenv("CIVICAI_IA_URL", "http://127.0.0.1:9/services/ia-generative/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "jeton-du-serveur")  # a participant's server
    assert client.shared_server() == ("http://127.0.0.1:9/services/ia-generative/", "jeton-du-serveur")
    monkeypatch.setenv("CIVICAI_IA_JETON", TOKEN)  # a kiosk's visitor kernel
    assert client.shared_server()[1] == TOKEN
    model = client.connect()
    assert isinstance(model, client.RemoteModel) and model.headers["Authorization"] == f"token {TOKEN}"


class _Broken:
    def __init__(self, error):
        self.error = error

    def stream(self, **body):
        raise self.error


@pytest.mark.parametrize("error, shown", [
    (UserError("Le serveur de l'IA ne répond pas. Réessayez dans un instant."), "Le serveur de l'IA ne répond pas"),
    (ConnectionResetError("[Errno 104] Connection reset by peer"), "L'IA ne répond pas pour le moment"),
    (KeyError("choices"), "L'IA ne répond pas pour le moment"),
])
def test_a_visitor_sees_a_french_sentence_when_the_model_is_away(error, shown):
    from civicai.generative.demo import TalkDemo

    demo = TalkDemo(model=_Broken(error))
    demo.run("Bonjour ?")
    assert shown in demo.answer.value
    assert "Errno" not in demo.answer.value and "choices" not in demo.answer.value
    assert not demo.ask.disabled and demo.halt.disabled


class _Queued:
    """A model whose first answer waits in the class's line, as the shared service says it."""

    def __init__(self):
        self.seen = []

    def stream(self, on_wait=None, **body):
        on_wait("Patientez… 2 demande(s) avant la vôtre.")
        self.seen.append(self.demo.answer.value)
        for piece in (" La", " ville"):
            yield {"choices": [{"text": piece, "logprobs": None}]}


def test_a_visitor_waiting_in_the_class_line_reads_where_they_are():
    from civicai.generative.demo import TalkDemo

    model = _Queued()
    model.demo = demo = TalkDemo(model=model)
    demo.run("Bonjour ?")
    assert "<i>Patientez… 2 demande(s) avant la vôtre.</i>" in model.seen[0]
    assert demo.answer.value.endswith("La ville</p>") and "Patientez" not in demo.answer.value
