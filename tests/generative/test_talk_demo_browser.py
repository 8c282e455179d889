"""« Parlez à une IA » in Chromium, on a real `civicai kiosque --hub` linked to a real hub whose ia-generative
service serves the kit's own GGUF: does a visitor watch the answer grow token by token, stop it, read the
warning, and does the question go through the hub and leave no trace anywhere?"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from civicai.generative.demo import QUESTIONS
from civicai.kiosk.catalog import kit_catalog
from testkit import REPO, axe_serious

sys.path.insert(0, str(REPO / "tests" / "kiosk"))
from kiosktools import KioskServer, open_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.hub, pytest.mark.slow]
DEMO = "parlez-a-une-ia"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
RECORD = """() => {
    const el = document.querySelector('.civicai-talk-answer');
    window.etats = [];
    const note = () => { const t = el.innerText; if (window.etats[window.etats.length - 1] !== t) window.etats.push(t); };
    new MutationObserver(note).observe(el, {subtree: true, childList: true, characterData: true});
}"""
DONE = """n => window.etats.length >= n
    && !document.querySelector('.civicai-talk button.mod-primary').disabled"""


@pytest.fixture(scope="module")
def kiosk(request, ia_hub, tmp_path_factory):
    """The kiosk on the one demo, told the hub's address; it reads its token in the hub's state folder (one
    machine), as the operator guide says."""
    catalog = kit_catalog()
    demo = catalog.by_id(DEMO)
    gallery = tmp_path_factory.mktemp("galerie-ia")
    shutil.copy(demo.notebook_path(catalog.root), gallery / "demo.ipynb")
    (gallery / "demos.yaml").write_text(json.dumps([{"id": DEMO, "notebook": "demo.ipynb", "title": demo.title,
                                                     "pitch": demo.pitch}], ensure_ascii=False))
    server = KioskServer(gallery / "demos.yaml", tmp_path_factory.mktemp("borne-ia"), hub=ia_hub.url,
                         env={"CIVICAI_STATE_DIR": str(ia_hub.state_dir), "CIVICAI_KIOSQUE_JETON": "",
                              "CIVICAI_IA_URL": "", "JUPYTERHUB_API_TOKEN": ""})
    failed = request.session.testsfailed
    try:
        yield server.start(n_pools=1)
    finally:
        server.stop()
        if request.session.testsfailed > failed:
            print(f"\n----- kiosk log -----\n{server.log()[-6000:]}")


@pytest.fixture(scope="module")
def kiosk_token(ia_hub):
    return json.loads((ia_hub.state_dir / "secrets.json").read_text())["kiosk_token"]


def _journal(ia_hub, token) -> list[dict]:
    r = requests.get(f"{ia_hub.url}/services/ia-generative/api/journal", headers={"Authorization": f"token {token}"},
                     timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["journal"]


def _answers(page) -> list[str]:
    """The answer's successive texts, as the visitor saw them (whitespace as displayed)."""
    states = page.evaluate("window.etats")
    found = [re.sub(r"\s+", " ", s.split("Réponse de l'IA :", 1)[1]).strip() for s in states if "Réponse de l'IA :" in s]
    return [a for a in found if a and a != "…" and not a.startswith("Patientez")]


def _ask(page, question: str | None = None, typed: str | None = None) -> None:
    page.evaluate(RECORD)
    if typed is not None:
        page.locator(".civicai-talk input[type=text]").fill(typed)
        page.get_by_role("button", name="Demander").click()
    else:
        page.locator(".civicai-talk select").select_option(question)


def _mapped(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_answer_grows_token_by_token_through_the_hub_and_stops_on_demand(page, kiosk, ia_hub, kiosk_token):
    assert "utilise le modèle de la salle, par le hub" in kiosk.log()
    hosts, blocked = [], []
    page.on("request", lambda r: hosts.append(r.url))
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    before = len(_journal(ia_hub, kiosk_token))
    open_demo(page, kiosk.url + f"demo/{DEMO}")
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=60_000)
    warning = page.get_by_role("note")
    assert warning.is_visible() and "se trompe souvent" in warning.inner_text()

    _ask(page, QUESTIONS[0])
    page.wait_for_function(DONE, arg=3, timeout=180_000)
    answers = _answers(page)
    assert len(answers) >= 3, f"the answer must be seen growing: {answers}"
    assert all(b.startswith(a) and len(b) > len(a) for a, b in zip(answers, answers[1:])), answers
    rows = page.locator(".civicai-talk-candidates tr").all_inner_texts()[1:]
    assert len(rows) >= 2 and all(re.search(r"\d+(,\d+)?\s?%", row) for row in rows), rows
    assert "[arrêté]" not in answers[-1]

    # through the hub: the service logged the request, and the visitor's kernel has no model of its own
    journal = _journal(ia_hub, kiosk_token)
    assert len(journal) > before and journal[-1]["route"] == "v1/completions"
    (kernel,) = kiosk.visitor_kernels()
    print(f"\nvisitor kernel after an answer: RSS {kernel['rss_mb']:.0f} MB")
    assert "libllama" not in _mapped(kernel["pid"]) and ".gguf" not in _mapped(kernel["pid"])
    import llama_cpp  # noqa: F401  (the check sees llama.cpp where it is loaded: here, in this test's process)
    assert "libllama" in _mapped(os.getpid())

    assert axe_serious(page) == []
    assert kiosk_token not in page.content() and kiosk_token not in kiosk.log()
    foreign = sorted({u for u in hosts if urlparse(u).hostname not in LOCAL_HOSTS and urlparse(u).scheme != "data"})
    assert foreign == [] and blocked == [], (foreign, blocked[:3])


def _hold_the_only_place(ia_hub) -> tuple[threading.Thread, dict]:
    """A participant's long answer holds the model's one place (CIVICAI_IA_MAX=1) until it ends."""
    ia_hub.create_users("alice")
    participant = {"Authorization": f"token {ia_hub.user_token('alice')}"}
    body = {"prompt": "La ville", "max_tokens": 480, "temperature": 0.7, "logprobs": 5, "seed": 1, "stream": True}
    holder = threading.Thread(target=lambda: requests.post(f"{ia_hub.url}/services/ia-generative/v1/completions",
                                                           headers=participant, json=body, timeout=300).text)
    holder.start()
    deadline = time.monotonic() + 120
    while requests.get(f"{ia_hub.url}/services/ia-generative/api/journal", headers=participant,
                       timeout=30).json()["running"] == 0:
        assert time.monotonic() < deadline and holder.is_alive(), "the participant's answer never started"
        time.sleep(0.1)
    return holder, participant


def _wait_in_line(page, question: str) -> None:
    _ask(page, question)
    page.wait_for_function("() => window.etats.some(s => s.includes('Patientez… 1 demande(s) avant la vôtre'))",
                           timeout=60_000)


def test_a_visitor_behind_a_participant_sees_the_line_then_the_answer(page, kiosk, ia_hub, kiosk_token):
    open_demo(page, kiosk.url + f"demo/{DEMO}")
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=60_000)
    holder, _ = _hold_the_only_place(ia_hub)
    _wait_in_line(page, QUESTIONS[2])
    page.wait_for_function(DONE, arg=3, timeout=300_000)
    holder.join(300)
    answers = _answers(page)
    assert len(answers) >= 2 and "Patientez" not in answers[-1], answers[-3:]


def test_the_stop_button_ends_the_visitors_request_before_its_first_token(page, kiosk, ia_hub, kiosk_token):
    """Pressed while waiting in line, « Arrêter » ends the request: not one token of an answer is shown, whether
    the line is left at the next « Patientez » or the place came just before (the stop is seen at the first
    token). An answer of the small model takes under a second, so stopping one midway cannot be timed here."""
    open_demo(page, kiosk.url + f"demo/{DEMO}")
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=60_000)
    holder, participant = _hold_the_only_place(ia_hub)
    _wait_in_line(page, QUESTIONS[0])
    page.get_by_role("button", name="Arrêter").click()
    page.wait_for_function(DONE, arg=3, timeout=300_000)
    assert _answers(page)[-1] == "[arrêté]", _answers(page)[-3:]
    holder.join(300)
    deadline = time.monotonic() + 60  # given the place just as it left, the request runs out its few tokens
    while (line := requests.get(f"{ia_hub.url}/services/ia-generative/api/journal", headers=participant,
                                timeout=30).json())["running"] or line["waiting"]:
        assert time.monotonic() < deadline, f"the stopped request kept its place: {line}"
        time.sleep(0.2)


def test_nothing_a_visitor_types_is_stored_or_logged(page, kiosk, ia_hub, kiosk_token):
    marker = f"marqueur{uuid.uuid4().hex[:12]}"
    before = len(_journal(ia_hub, kiosk_token))
    open_demo(page, kiosk.url + f"demo/{DEMO}")
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=60_000)
    _ask(page, typed=f"Que veut dire {marker} ?")
    page.wait_for_function(DONE, arg=3, timeout=180_000)
    assert marker in page.locator(".civicai-talk-answer").inner_text()  # it did reach the model and back
    journal = _journal(ia_hub, kiosk_token)
    assert len(journal) > before
    time.sleep(1)  # let every log line of this request be written

    (kernel,) = kiosk.visitor_kernels()
    environ = Path(f"/proc/{kernel['pid']}/environ").read_bytes().split(b"\0")
    ipython_dir = next(e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"IPYTHONDIR="))
    places = {"journal du service": json.dumps(journal), "journal de la borne": kiosk.log(),
              "journal du hub et des services": ia_hub.log()}
    files = [p for root in (ia_hub.state_dir, kiosk.workdir, Path(ipython_dir)) for p in Path(root).rglob("*")
             if p.is_file() and not p.is_symlink()]
    assert len(files) > 10
    found = [name for name, text in places.items() if marker in text]
    found += [str(p) for p in files if marker.encode() in p.read_bytes()]
    assert found == [], f"the visitor's question was kept in: {found}"
