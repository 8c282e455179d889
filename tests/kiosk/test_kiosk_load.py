"""50 visitors on loopback: no failed render, never more kernels than the cap, memory comes back."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import requests
import websocket

from kiosktools import ONE_DEMO, KioskServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(720)]

VISITORS = 50
WORKERS = 6
CAP = 4


def _total_rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def _visit(kiosk: KioskServer, n: int, deadline: float) -> dict:
    """One visitor: open the demo (waiting politely when full), talk to it, leave."""
    s = requests.Session()
    waited = 0
    while True:
        r = s.get(kiosk.url + "demo/curseur", timeout=300)
        if r.status_code == 200:
            break
        if r.status_code != 503 or "Un instant" not in r.text or time.monotonic() > deadline:
            return {"ok": False, "why": f"status {r.status_code}"}
        waited += 1
        time.sleep(1.0)
    m = re.search(r'"kernelId": "([0-9a-f-]+)"', r.text)
    if not m or "widget" not in r.text:
        return {"ok": False, "why": "no kernel id or no widget in the page"}
    kernel = m.group(1)
    try:
        ws = websocket.create_connection(
            kiosk.url.replace("http", "ws") + f"api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}",
            cookie="; ".join(f"{k}={v}" for k, v in s.cookies.items()), timeout=30)
    except websocket.WebSocketBadStatusException as exc:
        return {"ok": False, "why": f"kernel websocket refused ({exc.status_code}): the page came too late"}
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "comm_info_request", "username": "v",
                                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                            "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell",
                            "buffers": []}))
        replied = False
        end = time.monotonic() + 60
        while time.monotonic() < end:
            reply = json.loads(ws.recv())
            if reply.get("parent_header", {}).get("msg_id") == msg_id and \
                    reply["header"]["msg_type"] == "comm_info_reply":
                replied = bool(reply["content"].get("comms"))
                break
        time.sleep(0.5)   # the visitor "looks" at the demo
    finally:
        ws.close()
    if n % 2 == 0:        # half leave through the page's shutdown request, half just vanish
        xsrf = s.cookies.get("_xsrf")
        s.post(kiosk.url + f"voila/api/shutdown/{kernel}", headers={"X-XSRFToken": xsrf}, timeout=30)
    return {"ok": replied, "why": "" if replied else "the kernel has no widget comm", "waited": waited}


def test_fifty_visitors_stay_bounded_and_clean_up(tmp_path):
    kiosk = KioskServer(ONE_DEMO, tmp_path, max_visitors=CAP, pool=2, orphan=4)
    kiosk.start(n_pools=1)
    try:
        time.sleep(3)
        baseline = _total_rss_mb(kiosk.proc.pid)
        peak = {"visitors": 0, "kernels": 0}
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                try:
                    st = kiosk.status()
                except requests.RequestException:
                    continue
                peak["visitors"] = max(peak["visitors"], st["visitors"])
                peak["kernels"] = max(peak["kernels"], len(st["kernels"]))
                visitor_rss = [k["rss_mb"] for k in st["kernels"] if k["visitor"] and k["rss_mb"]]
                peak.setdefault("rss", []).extend(visitor_rss)
                time.sleep(0.3)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        t0 = time.monotonic()
        deadline = t0 + 480
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(lambda n: _visit(kiosk, n, deadline), range(VISITORS)))
        elapsed = time.monotonic() - t0
        stop.set()
        watcher.join(5)
        failed = [r for r in results if not r["ok"]]
        assert not failed, f"{len(failed)} failed renders: {failed[:3]}"
        assert peak["visitors"] <= CAP, f"{peak['visitors']} visitor kernels at once (cap {CAP})"
        assert max(peak["rss"]) <= 150, f"a visitor kernel used {max(peak['rss']):.0f} MB"
        kiosk.wait_visitors(0, timeout=60)
        # Back to the pool only, and memory back near the baseline.
        end = time.monotonic() + 60
        while len(kiosk.status()["kernels"]) > 2 and time.monotonic() < end:
            time.sleep(0.5)
        time.sleep(3)
        after = _total_rss_mb(kiosk.proc.pid)
        print(f"\n{VISITORS} visitors in {elapsed:.0f} s; peak {peak['visitors']} visitor kernels "
              f"(cap {CAP}), {peak['kernels']} kernels in all; visitor kernel RSS max "
              f"{max(peak['rss']):.0f} MB; memory {baseline:.0f} MB -> {after:.0f} MB; "
              f"{sum(r.get('waited', 0) for r in results)} 'Un instant' pages served; "
              f"{kiosk.log().count('had missed a kernel message')} renders woken up")
        assert len(kiosk.status()["kernels"]) == 2
        assert after <= baseline * 1.15 + 20, f"memory {baseline:.0f} MB -> {after:.0f} MB"
        assert elapsed < 600
    finally:
        kiosk.stop()
