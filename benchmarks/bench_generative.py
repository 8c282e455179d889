"""Module 4: 20 participants ask at once. One shared llama.cpp server vs each kernel loading the model itself.

Same run, same model (the kit's GGUF unless --modele), same prompt and answer length. Reports total memory
(PSS, so shared library pages count once), time to first token (median, max) and tokens per second overall.
The shared server is llama-cpp-python's, started as the ia-generative service starts it (loopback, api key).
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from civicai.generative.settings import default_model  # noqa: E402

PROMPT = "Question : Comment une IA apprend-elle ?\nRéponse :"
CHILD = r"""
import json, sys, time
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=1, verbose=False)
print("pret", flush=True)
sys.stdin.readline()
t0 = time.perf_counter(); first = None; n = 0
for chunk in llm.create_completion(prompt=sys.argv[2], max_tokens=int(sys.argv[3]), temperature=0, stream=True):
    first = first or time.perf_counter() - t0; n += 1
print(json.dumps({"ttft": first, "n": n, "s": time.perf_counter() - t0}), flush=True)
"""


def pss_mb(procs) -> float:
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            pass
    return total / 2**20


def _ask_all(url: str, headers: list[dict], tokens: int, measured) -> tuple[list, float, float, float]:
    """Everyone asks at the same instant, streamed; memory of ``measured()`` sampled until the last answer."""
    idle = pss_mb(measured())
    results, peak, start = [], [idle], threading.Event()

    def ask(h: dict) -> None:
        start.wait()
        t0, first, count = time.perf_counter(), None, 0
        with requests.post(url, headers=h, stream=True, timeout=600, json={
                "prompt": PROMPT, "max_tokens": tokens, "temperature": 0, "stream": True}) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if line.startswith(b"data: {"):
                    first, count = first or time.perf_counter() - t0, count + 1
        results.append({"ttft": first, "n": count})

    threads = [threading.Thread(target=ask, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start.set()
    while any(t.is_alive() for t in threads):
        peak.append(pss_mb(measured()))
        time.sleep(0.1)
    return results, time.perf_counter() - t0, idle, max(peak)


def shared(model: Path, n: int, tokens: int) -> dict:
    """llama-cpp-python's server alone, asked directly (no hub, no line in front of it)."""
    port, key = 18000 + secrets.randbelow(2000), secrets.token_urlsafe(16)
    conf = Path(tempfile.mkdtemp()) / "llama.json"
    conf.write_text(json.dumps({"host": "127.0.0.1", "port": port, "api_key": key, "interrupt_requests": False,
                                "models": [{"model": str(model), "n_ctx": 512, "n_threads": 2, "verbose": False}]}))
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server"], env={"CONFIG_FILE": str(conf),
                            "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, headers = f"http://127.0.0.1:{port}/v1/completions", {"Authorization": f"Bearer {key}"}
    try:
        for _ in range(600):
            try:
                requests.get(url.replace("completions", "models"), headers=headers, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        results, wall, idle, peak = _ask_all(url, [headers] * n, tokens, lambda: [psutil.Process(proc.pid)])
    finally:
        proc.terminate()
        proc.wait(30)
    return _summary(results, wall, idle, peak, n)


def through_hub(n: int, tokens: int) -> tuple[dict, dict]:
    """The kit's real path: a `civicai servir` hub, each participant with a token of their own, through the
    proxy and the ``ia-generative`` service's login check and line. Memory: the service and its model server.
    Twice: everyone's first question (each new token is checked with the hub), then everyone asking again."""
    from hubtools import RunningHub, served

    with tempfile.TemporaryDirectory() as tmp, served(RunningHub(Path(tmp) / "var"), timeout=600, quiet=True) as hub:
        names = [f"p{i:02d}" for i in range(n)]
        hub.create_users(*names)
        headers = [{"Authorization": f"token {hub.user_token(name)}"} for name in names]
        url = f"{hub.url}/services/ia-generative/v1/completions"
        requests.post(url, headers=headers[0], json={"prompt": PROMPT, "max_tokens": 1}, timeout=600).raise_for_status()
        (service,) = [p for p in psutil.Process(hub.proc.pid).children(recursive=True)
                      if "civicai.generative.service" in " ".join(p.cmdline())]

        def measured() -> list:
            return [service, *service.children(recursive=True)]

        first = _summary(*_ask_all(url, headers, tokens, measured), n)
        again = _summary(*_ask_all(url, headers, tokens, measured), n)
    return first, again


def per_kernel(model: Path, n: int, tokens: int) -> dict:
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(model), PROMPT, str(tokens)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(n)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "pret"
        idle = pss_mb([psutil.Process(p.pid) for p in procs])
        t0 = time.perf_counter()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [json.loads(p.stdout.readline()) for p in procs]
        wall = time.perf_counter() - t0
    finally:
        for p in procs:
            p.kill()
    return _summary(results, wall, idle, idle, n)


def _summary(results, wall, idle, peak, n) -> dict:  # the order _ask_all returns
    ttft = [r["ttft"] for r in results if r["ttft"] is not None]
    return {"participants": n, "answers": len(ttft), "fewest_tokens": min(r["n"] for r in results),
            "idle_memory_mb": round(idle, 1), "peak_memory_mb": round(peak, 1),
            "first_token_median_s": round(statistics.median(ttft), 2), "first_token_max_s": round(max(ttft), 2),
            "tokens_per_s": round(sum(r["n"] for r in results) / wall, 1), "duration_s": round(wall, 2)}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--jetons", type=int, default=32)
    parser.add_argument("--modele", type=Path, default=default_model())
    parser.add_argument("--sans-hub", action="store_true", help="skip the run through a real hub")
    args = parser.parse_args(sys.argv[1:])
    out = {"shared": shared(args.modele, args.participants, args.jetons),
           "one_per_kernel": per_kernel(args.modele, args.participants, args.jetons)}
    if not args.sans_hub:
        out["through_hub"], out["through_hub_again"] = through_hub(args.participants, args.jetons)
    s, k = out["shared"], out["one_per_kernel"]
    out["memory_ratio"] = round(k["peak_memory_mb"] / s["peak_memory_mb"], 1)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    print(f"Mémoire : {s['peak_memory_mb']} Mo partagé contre {k['peak_memory_mb']} Mo (×{out['memory_ratio']}) ; "
          f"dernier premier jeton : {s['first_token_max_s']} s contre {k['first_token_max_s']} s.")
    if "through_hub" in out:
        for key, when in (("through_hub", "première question"), ("through_hub_again", "deuxième question")):
            h = out[key]
            print(f"Par le hub, {when} : {h['peak_memory_mb']} Mo ; premier jeton médian {h['first_token_median_s']}"
                  f" s, dernier {h['first_token_max_s']} s ; {h['tokens_per_s']} jetons/s.")
    return out


if __name__ == "__main__":
    main()
