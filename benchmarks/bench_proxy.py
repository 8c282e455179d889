"""Proxy benchmark: configurable-http-proxy from npm (ours) against the pure-Python port from PyPI.

Both proxy the same local HTTP target; figures: start (launch to API answering), median and p95
latency of 500 proxied GETs (after 50 warm-up requests), PSS (memory) of the proxy. `make bench`
installs the Python port (PyPI `configurable-http-proxy`) in a venv of its own, `.venv-bench/`.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

import psutil
import requests

from civicai.net import free_port

REPO = Path(__file__).resolve().parent.parent
CANDIDATES = {
    "npm (ours)": REPO / "node_modules" / ".bin" / "configurable-http-proxy",
    "python port": REPO / ".venv-bench" / "bin" / "configurable-http-proxy",
}


class _Target(http.server.BaseHTTPRequestHandler):
    body = b"x" * 2000

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def measure(command: Path, target: int, requests_n: int) -> dict:
    port, api = free_port(), free_port()
    env = dict(os.environ, CONFIGPROXY_AUTH_TOKEN="bench")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(command), "--ip", "127.0.0.1", "--port", str(port), "--api-ip", "127.0.0.1",
                             "--api-port", str(api), "--default-target", f"http://127.0.0.1:{target}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - t0 > 60:
                raise RuntimeError(f"{command} did not start")
            try:
                if requests.get(f"http://127.0.0.1:{api}/api/routes", timeout=1,
                                headers={"Authorization": "token bench"}).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.01)
        start = time.perf_counter() - t0
        session, latencies = requests.Session(), []
        for _ in range(50):
            session.get(f"http://127.0.0.1:{port}/warm-up")
        for _ in range(requests_n):
            t = time.perf_counter()
            assert session.get(f"http://127.0.0.1:{port}/page").status_code == 200
            latencies.append(time.perf_counter() - t)
        root = psutil.Process(proc.pid)
        pss = sum(p.memory_full_info().pss for p in [root, *root.children(recursive=True)])
    finally:
        proc.terminate()
        proc.wait(10)
    latencies.sort()
    return {"start_s": start, "median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(0.95 * len(latencies))] * 1000, "pss_mb": pss / 1e6}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="proxied requests per proxy (default 500)")
    args = parser.parse_args()
    missing = [str(path) for path in CANDIDATES.values() if not path.exists() and not shutil.which(path.name)]
    if missing:
        raise SystemExit(f"missing proxy: {', '.join(missing)} (run `make bench`, which installs both)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = {label: measure(path, server.server_port, args.requests) for label, path in CANDIDATES.items()}
    server.shutdown()
    ours, other = results["npm (ours)"], results["python port"]
    print(f"\nProxy benchmark, {args.requests} proxied GETs (lower is better)")
    print(f"{'':22s}{'npm (ours)':>12s}{'python port':>13s}{'ours/python':>13s}")
    for key, label in (("start_s", "start (s)"), ("median_ms", "median latency (ms)"),
                       ("p95_ms", "p95 latency (ms)"), ("pss_mb", "memory, PSS (MB)")):
        print(f"{label:22s}{ours[key]:12.2f}{other[key]:13.2f}{ours[key] / other[key]:13.2f}")
    return results


if __name__ == "__main__":
    main()
