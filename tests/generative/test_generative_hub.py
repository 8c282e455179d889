"""The class's shared model on a real hub, with the kit's real GGUF served by llama-cpp-python: access through
the hub only, the line beyond the cap, answers in a participant's kernel, a request log without content, and the
CPU seconds of each answer (module 5), never invented for an operator's server."""

from __future__ import annotations

import json
import statistics
import threading
from concurrent.futures import ThreadPoolExecutor

import psutil

import pytest
import requests

from hubtools import RunningHub, served
from testkit import run_async

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
    assert set(json.loads(columns.replace("'", '"'))) <= {  # the learner reads French headers
        "heure", "adresse", "jetons écrits", "jetons de la question", "attente (s)", "durée (s)",
        "premier jeton (s)", "processeur du modèle (s)"}
    journal = requests.get(_service(ia_hub, "api/journal"), headers={"Authorization": f"token {token}"}, timeout=30)
    assert SECRET_QUESTION not in journal.text and SECRET_QUESTION not in ia_hub.log()


def _cpu_of_an_answer(hub, token, tokens: int) -> float:
    r = requests.post(_service(hub, "v1/completions"), headers={"Authorization": f"token {token}"},
                      json={"prompt": "La ville", "max_tokens": tokens, "temperature": 0}, timeout=120)
    assert r.status_code == 200 and r.json()["usage"]["completion_tokens"] == tokens, r.text
    return float(r.headers["X-Civicai-Cpu-Seconds"])


def test_each_answer_reports_the_model_servers_cpu_seconds_and_more_tokens_cost_more(ia_hub, token):
    """With one place, the model server's CPU delta belongs to one request. Ten times more tokens, clearly more
    CPU (medians of five: the machine is shared)."""
    small = [_cpu_of_an_answer(ia_hub, token, 20) for _ in range(5)]
    big = [_cpu_of_an_answer(ia_hub, token, 200) for _ in range(5)]
    print(f"\nCPU seconds, 20 tokens: {small}; 200 tokens: {big}")
    assert min(small) > 0
    assert statistics.median(big) > 3 * statistics.median(small)
    journal = requests.get(_service(ia_hub, "api/journal"), headers={"Authorization": f"token {token}"},
                           timeout=30).json()
    assert journal["slots"] == 1 and journal["running"] == 0 and journal["waiting"] == 0
    last = journal["journal"][-1]
    assert last["model_cpu_s"] == big[-1] and last["tokens"] == 200 and last["prompt_tokens"] > 0


def test_module_5_measures_an_answer_of_the_shared_server_from_a_kernel(ia_hub, token):
    """The kernel barely computes: module 5's figure is the server's CPU time for this answer, said « estimé »."""
    ia_hub.spawn("alice")
    code = ("from civicai.energy import experiments\n"
            "r = experiments.generative_answer_energy(max_tokens=30)\n"
            "print(r.energy.status, r.energy.cpu_seconds > 0, r.tokens, r.how.startswith('le temps de calcul du "
            "serveur'), 'serveur du modèle' in r.energy.method)\n")
    out = ia_hub.run_code("alice", token, code, timeout=120)
    assert out["error"] is None, out
    assert out["stdout"].split() == ["estimé", "True", "30", "True", "True"]


def test_with_an_operators_server_there_is_no_cpu_figure(tmp_path):
    """A hub whose service forwards to an operator's OpenAI-compatible server (here a llama-cpp-python server with
    its own key, as a university would run): the answer comes back (the key set by CIVICAI_IA_AMONT_CLE reaches the
    service), and neither the header nor the log carries a figure this machine cannot measure."""
    from civicai.generative.service import Upstream
    from civicai.generative.settings import default_model

    operator = Upstream.start_llama(str(default_model()), 1, 512)
    try:
        run_async(operator.ready(timeout=120))
        other = RunningHub(tmp_path / "var", extra_env={"CIVICAI_IA_AMONT": operator.base,
                                                        "CIVICAI_IA_AMONT_CLE": operator.key})
        with served(other, timeout=300):
            other.create_users("bruno")
            bruno = other.user_token("bruno")
            r = requests.post(_service(other, "v1/completions"), headers={"Authorization": f"token {bruno}"},
                              json={"prompt": "La ville", "max_tokens": 8, "temperature": 0}, timeout=120)
            assert r.status_code == 200 and r.json()["choices"][0]["text"], r.text
            assert "X-Civicai-Cpu-Seconds" not in r.headers
            last = requests.get(_service(other, "api/journal"), headers={"Authorization": f"token {bruno}"},
                                timeout=30).json()["journal"][-1]
            assert last["model_cpu_s"] is None and last["tokens"] == 8
    finally:
        operator.stop()


def test_with_two_places_overlapping_answers_get_no_figure_rather_than_a_wrong_share(tmp_path):
    """CIVICAI_IA_MAX=2: two answers in front of the model at once cannot split its CPU time honestly, so both
    say « shared » (module 5 then shows no figure); an answer alone still gets its own seconds."""
    hub = RunningHub(tmp_path / "var", extra_env={"CIVICAI_IA_MAX": "2", "CIVICAI_IA_THREADS": "1"})
    with served(hub, timeout=300):
        hub.create_users("chloe")
        token = hub.user_token("chloe")
        assert _cpu_of_an_answer(hub, token, 20) > 0
        for _ in range(3):  # the two must really overlap: try again if the machine served one before the other
            start = threading.Barrier(2)

            def ask(i):
                start.wait()
                return requests.post(_service(hub, "v1/completions"), headers={"Authorization": f"token {token}"},
                                     json={"prompt": f"La ville {i}", "max_tokens": 400, "temperature": 0},
                                     timeout=120).headers.get("X-Civicai-Cpu-Seconds")

            with ThreadPoolExecutor(2) as pool:
                figures = list(pool.map(ask, range(2)))
            if "shared" in figures:
                break
        assert figures == ["shared", "shared"], figures
        log = requests.get(_service(hub, "api/journal"), headers={"Authorization": f"token {token}"},
                           timeout=30).json()["journal"]
        assert [e["model_cpu_s"] for e in log[-2:]] == ["shared", "shared"]


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
    for url in (f"{ia_hub.url}/user/alice/api/kernels", f"{ia_hub.url}/services/debat/api/debates"):
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
