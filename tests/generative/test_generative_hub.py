"""The class's shared model on a real hub, with the kit's real GGUF served by llama-cpp-python: access through
the hub only, the line beyond the cap, answers in a participant's kernel, a request log without content."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psutil

import pytest
import requests

pytestmark = [pytest.mark.hub, pytest.mark.slow]
SECRET_QUESTION = "Quelle est la couleur du cheval zébré de Mireille"


def _service(hub, path):
    return f"{hub.url}/services/ia-generative/{path}"


def _model_server(hub) -> psutil.Process:
    found = [p for p in psutil.Process(hub.proc.pid).children(recursive=True)
             if "llama_cpp.server" in " ".join(p.cmdline())]
    assert len(found) == 1, "one model server for the whole class"
    return found[0]


@pytest.fixture(scope="module")
def token(ia_hub):
    ia_hub.create_users("alice")
    return ia_hub.user_token("alice")


def test_a_participant_gets_an_answer_through_the_hub(ia_hub, token):
    r = requests.post(_service(ia_hub, "v1/completions"), headers={"Authorization": f"token {token}"},
                      json={"prompt": "La médiathèque", "max_tokens": 8, "temperature": 0, "logprobs": 5}, timeout=120)
    assert r.status_code == 200, r.text
    choice = r.json()["choices"][0]
    assert choice["text"] and len(choice["logprobs"]["top_logprobs"][0]) == 5


def test_nobody_reaches_the_model_without_logging_in(ia_hub):
    body = {"prompt": "La ville", "max_tokens": 4}
    for headers in ({}, {"Authorization": "token pas-un-vrai-jeton"}):
        r = requests.post(_service(ia_hub, "v1/completions"), headers=headers, json=body, timeout=30,
                          allow_redirects=False)
        assert r.status_code == 403
        assert "Connectez-vous" in r.json()["error"]
    # the model server itself listens on the loopback only, and refuses anyone without the service's key
    (conn,) = [c for c in _model_server(ia_hub).net_connections() if c.status == psutil.CONN_LISTEN]
    assert conn.laddr.ip == "127.0.0.1"
    raw = f"http://127.0.0.1:{conn.laddr.port}/v1/completions"
    for headers in ({}, {"Authorization": "Bearer mauvaise-cle"}):
        assert requests.post(raw, headers=headers, json=body, timeout=30).status_code == 401
    assert "api_key" not in " ".join(_model_server(ia_hub).cmdline())  # not readable in the process list


def test_requests_beyond_the_cap_wait_in_line_then_succeed(ia_hub, token):
    start = threading.Barrier(8)  # the small model answers fast: the requests must really arrive together

    def ask(i):
        start.wait()
        with requests.post(_service(ia_hub, "v1/completions"), headers={"Authorization": f"token {token}"},
                           json={"prompt": f"La ville {i}", "max_tokens": 200, "temperature": 0.7, "seed": i,
                                 "stream": True}, stream=True, timeout=180) as r:
            return r.status_code, r.text

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, range(8)))
    assert [code for code, _ in results] == [200] * 8
    assert all("data: [DONE]" in text for _, text in results)
    waited = [text for _, text in results if ": Patientez…" in text]
    assert waited, "with one place, at least one of eight simultaneous requests must wait"
    assert "demande(s) avant la vôtre" in waited[0]


def test_a_participant_kernel_talks_to_the_shared_server_and_sees_a_log_without_content(ia_hub, token):
    ia_hub.spawn("alice")
    code = ("from civicai.generative import client, lesson\n"
            "m = client.connect()\n"
            f"a = client.answer(m, {SECRET_QUESTION!r}, max_tokens=6)\n"
            "log = lesson.request_log()\n"
            "print(type(m).__name__, bool(a), len(log), sorted(log.columns))\n")
    out = ia_hub.run_code("alice", token, code, timeout=120)
    assert out["error"] is None, out
    kind, answered, rows, columns = out["stdout"].split(" ", 3)
    assert (kind, answered) == ("RemoteModel", "True") and int(rows) >= 1
    assert set(json.loads(columns.replace("'", '"'))) <= {
        "heure", "route", "jetons", "jetons_question", "attente_s", "duree_s", "premier_jeton_s"}
    journal = requests.get(_service(ia_hub, "api/journal"), headers={"Authorization": f"token {token}"}, timeout=30)
    assert SECRET_QUESTION not in journal.text and SECRET_QUESTION not in ia_hub.log()


def test_the_kiosks_token_opens_the_model_service_and_nothing_else(ia_hub, token):
    """The hub's « borne » token (secrets.json) uses ia-generative; users, servers, tokens and other services
    stay closed to it; a wrong token gets the service's French 403."""
    kiosk = json.loads((ia_hub.state_dir / "secrets.json").read_text())["kiosk_token"]
    as_kiosk = {"Authorization": f"token {kiosk}"}
    r = requests.post(_service(ia_hub, "v1/completions"), headers=as_kiosk, timeout=120,
                      json={"prompt": "La borne", "max_tokens": 4, "temperature": 0})
    assert r.status_code == 200 and r.json()["choices"][0]["text"], r.text
    assert requests.get(_service(ia_hub, "api/journal"), headers=as_kiosk, timeout=30).status_code == 200
    assert ia_hub.api("GET", "/user", kiosk).json()["kind"] == "service"  # it may say who it is, that is all
    for method, path in (("GET", "/users"), ("GET", "/users/alice"), ("POST", "/users/alice/server"),
                         ("POST", "/users/alice/tokens"), ("GET", "/services"), ("GET", "/groups")):
        got = ia_hub.api(method, path, kiosk, json={} if method == "POST" else None)
        assert got.status_code in (403, 404), (method, path, got.status_code, got.text[:200])
    for url in (f"{ia_hub.url}/user/alice/api/kernels", f"{ia_hub.url}/services/debat/api/debats"):
        got = requests.get(url, headers=as_kiosk, timeout=30, allow_redirects=False)
        assert got.status_code == 403, (url, got.status_code)
    wrong = requests.post(_service(ia_hub, "v1/completions"), headers={"Authorization": f"token {kiosk[:-4]}abcd"},
                          json={"prompt": "La borne", "max_tokens": 4}, timeout=30, allow_redirects=False)
    assert wrong.status_code == 403 and wrong.json()["error"].startswith("Connectez-vous au hub")


def test_the_model_server_stops_with_the_hub(ia_hub):
    server = _model_server(ia_hub)
    ia_hub.stop()
    psutil.wait_procs([server], timeout=20)
    assert not server.is_running()
