"""Can a visitor run code, reach Jupyter, write a file, or leave a trace in the log?"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
import requests
import websocket

from kiosk_with_new_route import MARKER
from kiosktools import FIXTURES, interact_once, open_demo

pytestmark = pytest.mark.browser


def _take_kernel(kiosk, demo_id="curseur"):
    """Render a demo over plain HTTP (as a browser would) and return its kernel id."""
    s = requests.Session()
    r = s.get(kiosk.url + f"demo/{demo_id}", timeout=60)
    assert r.status_code == 200
    config = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>',
                       r.text, re.S)
    return json.loads(config.group(1))["kernelId"], s


def _message(msg_type, content, channel="shell"):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "visiteur",
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}


def _replies(ws, seconds):
    got, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        ws.settimeout(max(0.1, end - time.monotonic()))
        try:
            got.append(json.loads(ws.recv()))
        except websocket.WebSocketTimeoutException:
            break
    return got


def _visitor_channels(kiosk):
    """A websocket on the channels of a visitor's kernel, with that visitor's cookies."""
    kernel_id, session = _take_kernel(kiosk)
    return websocket.create_connection(
        kiosk.url.replace("http", "ws") + f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}",
        cookie="; ".join(f"{k}={v}" for k, v in session.cookies.items()), timeout=10)


def test_execute_request_over_the_websocket_runs_nothing(kiosk_fixture_demos, tmp_path):
    kiosk = kiosk_fixture_demos
    proof = tmp_path / "ran.txt"
    ws = _visitor_channels(kiosk)
    try:
        execute = _message("execute_request", {
            "code": f"open({str(proof)!r}, 'w').write('ran')", "silent": False,
            "store_history": False, "user_expressions": {}, "allow_stdin": False})
        ws.send(json.dumps(execute))
        # A request the kiosk does allow, after it: proves the channel and the kernel work.
        info = _message("kernel_info_request", {})
        ws.send(json.dumps(info))
        replies = _replies(ws, 8)
    finally:
        ws.close()
    to_execute = [m for m in replies if m.get("parent_header", {}).get("msg_id") == execute["header"]["msg_id"]]
    to_info = [m for m in replies if m.get("parent_header", {}).get("msg_id") == info["header"]["msg_id"]]
    assert any(m["header"]["msg_type"] == "kernel_info_reply" for m in to_info), "the kernel did not answer at all"
    assert to_execute == [], f"the kernel reacted to execute_request: {[m['header']['msg_type'] for m in to_execute]}"
    time.sleep(1)
    assert not proof.exists(), "code sent from the browser was executed"


def test_comm_messages_from_a_visitor_are_not_logged(kiosk_fixture_demos):
    kiosk = kiosk_fixture_demos
    marker = f"saisie-privee-{uuid.uuid4().hex[:8]}"
    ws = _visitor_channels(kiosk)
    try:
        ws.send(json.dumps(_message("comm_msg", {"comm_id": uuid.uuid4().hex,
                                                 "data": {"method": "update", "state": {"value": marker}}})))
        _replies(ws, 2)
    finally:
        ws.close()
    time.sleep(1)
    assert marker not in kiosk.log()


@pytest.mark.parametrize("path", [
    "lab", "tree", "tree/", "notebooks/demo-curseur.ipynb", "terminals/1", "api/terminals",
    "api/contents", "api/contents/demo-curseur.ipynb", "api/kernels", "api/sessions", "api/kernelspecs",
    "voila/tree", "voila/api/contents", "voila/api/contents/demo-curseur.ipynb",
    "voila/files/demo-curseur.ipynb", "voila/files/demos.yaml", "voila/render/autre.ipynb",
    "files/demo-curseur.ipynb", "login", "logout", "edit/demo-curseur.ipynb", "api/status",
    "voila/render/../demos.yaml", "demo/inconnue", "kiosque/image/curseur",
    "api/kernels/", "api/kernelspecs/python3", "api/config/notebook", "api/nbconvert", "api/me",
    "lab/tree/demo-curseur.ipynb", "terminals/websocket/1", "files/demos.yaml", "view/demo-curseur.ipynb",
    "voila/execution/00000000-0000-0000-0000-000000000000", "voila/api/themes/../demos.yaml",
])
def test_nothing_of_jupyter_is_reachable(kiosk_fixture_demos, path):
    r = requests.get(kiosk_fixture_demos.url + path, timeout=10, allow_redirects=False)
    assert r.status_code == 404, f"/{path} answered {r.status_code}"


def test_a_route_a_newer_voila_adds_does_not_exist(one_demo_server):
    """Allow-list: routes Voila registers but the kiosk does not list answer the French 404."""
    kiosk = one_demo_server(launcher=Path(__file__).with_name("kiosk_with_new_route.py"))
    assert MARKER in kiosk.log(), "the new routes were not registered: this test shows nothing"
    for path in ("voila/nouveau/x", "api/kernels", "api/sessions"):
        r = requests.get(kiosk.url + path, timeout=10, allow_redirects=False)
        assert r.status_code == 404 and "nouveau Voila" not in r.text, f"/{path} answered {r.status_code}"


def test_only_a_visitors_kernel_is_reachable_not_a_pool_kernel(kiosk_fixture_demos):
    kiosk = kiosk_fixture_demos
    visitor, session = _take_kernel(kiosk)
    assert session.get(kiosk.url + f"api/kernels/{visitor}", timeout=10).status_code == 200
    pool = [k["id"] for k in kiosk.status()["kernels"] if not k["visitor"]]
    assert pool, "no pool kernel to probe"
    for kid in pool:
        assert session.get(kiosk.url + f"api/kernels/{kid}", timeout=10).status_code == 404
        r = session.post(kiosk.url + f"voila/api/shutdown/{kid}", timeout=10,
                         headers={"X-XSRFToken": session.cookies.get("_xsrf", "")})
        assert r.status_code == 404
        with pytest.raises(websocket.WebSocketBadStatusException):
            websocket.create_connection(
                kiosk.url.replace("http", "ws") + f"api/kernels/{kid}/channels?session_id=x",
                cookie="; ".join(f"{k}={v}" for k, v in session.cookies.items()), timeout=10)
    assert set(pool) <= {k["id"] for k in kiosk.status()["kernels"]}, "a pool kernel was shut down"
    r = session.post(kiosk.url + f"voila/api/shutdown/{visitor}", timeout=10,
                     headers={"X-XSRFToken": session.cookies.get("_xsrf", "")})
    assert r.status_code == 204, "the visitor's own kernel could not be shut down"


def test_a_listed_notebook_url_goes_to_its_demo_page(kiosk_fixture_demos):
    r = requests.get(kiosk_fixture_demos.url + "voila/render/demo-curseur.ipynb", timeout=10,
                     allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/demo/curseur")


def test_404_page_is_french(kiosk_fixture_demos):
    r = requests.get(kiosk_fixture_demos.url + "lab", timeout=10)
    assert '<html lang="fr">' in r.text and "Retour à la galerie" in r.text


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def test_a_visit_writes_no_file(kiosk_fixture_demos, page):
    kiosk = kiosk_fixture_demos
    roots = [FIXTURES, kiosk.workdir / "jupyter_data_dir", kiosk.workdir / "ipythondir"]
    before = [_tree(r) for r in roots if r.exists()]
    for demo_id in ("curseur", "reseau"):
        open_demo(page, kiosk.url + f"demo/{demo_id}")
        interact_once(page)
        page.goto(kiosk.url)
    time.sleep(1)
    after = [_tree(r) for r in roots if r.exists()]
    assert after == before
