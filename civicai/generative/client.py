"""How a notebook or a demo talks to the generative model: the OpenAI-compatible completions API.

In the hub, ``CIVICAI_IA_URL`` is the class's shared server (through the kit's front service, with the kernel's
``JUPYTERHUB_API_TOKEN``); a kiosk linked to a hub gives its visitor kernels the same address through the hub, with
its own one-scope token (``CIVICAI_IA_JETON``, civicai/kiosk/hub.py). Without a hub (a kiosk alone, tests, a
laptop) the kernel loads the configured GGUF itself with llama.cpp, which returns the same answers in the same
shape; this is also the benchmark's baseline. Both come from the settings object, never from ``os.environ``.
"""

from __future__ import annotations

import json
import math
import os
import urllib.error
import urllib.request
from typing import Iterator

from civicai.errors import UserError

N_CTX = 512


class RemoteModel:
    """A server that speaks the OpenAI completions API, plus llama-cpp-python's /extras/tokenize."""

    where = "le serveur partagé de la salle"

    def __init__(self, url: str, token: str | None = None, timeout: float = 120, bearer: bool = False):
        self.url, self.timeout = url if url.endswith("/") else url + "/", timeout
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"{'Bearer' if bearer else 'token'} {token}"

    def _open(self, path: str, body: dict):
        if self.url.endswith("/v1/") and path.startswith("v1/"):
            path = path[3:]  # the operator gave the API root itself
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), headers=self.headers)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            try:
                message = json.loads(e.read()).get("error")
            except (ValueError, AttributeError):
                message = None
            if not isinstance(message, str):
                message = None  # an OpenAI-style server's {"error": {...}} is English and technical
            raise UserError(message or f"Le serveur de l'IA a refusé la demande (code {e.code}). "
                            "Réessayez, ou prévenez la personne qui anime.") from None
        except OSError:
            raise UserError("Le serveur de l'IA ne répond pas. Réessayez dans un instant, "
                            "ou prévenez la personne qui anime.") from None

    last_headers = {}  # of the last answer: module 5 reads there the CPU seconds the shared server reports

    def post(self, path: str, body: dict) -> dict:
        with self._open(path, body) as r:
            self.last_headers = r.headers
            return json.loads(r.read())

    def completion(self, **body) -> dict:
        return self.post("v1/completions", body)

    def stream(self, on_wait=None, **body) -> Iterator[dict]:
        """Chunks of a streamed completion; lines starting with « : » (the queue's « Patientez… ») go to
        ``on_wait`` (a French sentence for people) if given, else are skipped."""
        with self._open("v1/completions", dict(body, stream=True)) as r:
            for raw in r:
                line = raw.decode("utf-8").strip()
                if line.startswith(": ") and on_wait:
                    on_wait(line[2:])
                elif line.startswith("data: ") and line != "data: [DONE]":
                    yield json.loads(line[6:])

    def tokenize(self, text: str) -> list[int]:
        return self.post("extras/tokenize", {"input": text})["tokens"]

    def detokenize(self, ids: list[int]) -> str:
        return self.post("extras/detokenize", {"tokens": ids})["text"]


class LocalModel:
    """The GGUF loaded in this process by llama.cpp (one copy of the model per kernel)."""

    where = "ce noyau (le modèle est chargé dans votre session)"

    def __init__(self, path, threads: int = 2):
        from llama_cpp import Llama

        if not os.path.isfile(path):
            raise UserError(f"Modèle introuvable : {path}. Lancez « civicai donnees modele » pour vérifier.")
        self.llm = Llama(model_path=str(path), n_ctx=N_CTX, n_threads=threads, logits_all=True, verbose=False)

    def completion(self, **body) -> dict:
        return self.llm.create_completion(**body)

    def stream(self, on_wait=None, **body) -> Iterator[dict]:
        return self.llm.create_completion(**dict(body, stream=True))  # nobody else in line: never waits

    def tokenize(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"))

    def detokenize(self, ids: list[int]) -> str:
        return self.llm.detokenize(ids).decode("utf-8", errors="replace")


_MODEL = None


def shared_server() -> tuple[str, str] | None:
    """The class's model service and the token for it, when this kernel was given them (a hub, a linked kiosk)."""
    from civicai.settings import settings

    kit = settings()
    return (kit.ia_url, kit.ia_token or kit.hub_api_token) if kit.ia_url else None


def connect():
    """The model of this session: the shared server if the hub gave one, else the configured GGUF, loaded once."""
    global _MODEL
    if _MODEL is None:
        from civicai.generative.settings import model_setting

        shared, setting = shared_server(), model_setting()
        if shared:
            _MODEL = RemoteModel(*shared)
        elif "url" in setting:
            _MODEL = RemoteModel(setting["url"], setting.get("cle"), bearer=True)
        else:
            _MODEL = LocalModel(setting["chemin"])
    return _MODEL


def pieces(model, text: str) -> list[str]:
    """The text cut as the model cuts it: one string per token (a leading space shows as « ▁ »)."""
    ids = model.tokenize(text)
    if ids and model.detokenize(ids[:1]) == "":
        ids = ids[1:]  # the start-of-text token <s>, whatever its number in this model
    out, before = [], ""
    for n in range(1, len(ids) + 1):  # decode growing prefixes: robust to pieces that are parts of a letter
        now = model.detokenize(ids[:n])
        out.append(now[len(before):].replace(" ", "\u2581"))
        before = now
    return out


def next_token_table(model, prompt: str, k: int = 10) -> list[tuple[str, float]]:
    """The k likeliest next tokens after ``prompt`` and their probabilities, as the model computes them."""
    r = model.completion(prompt=prompt, max_tokens=1, temperature=0, logprobs=k)
    top = r["choices"][0]["logprobs"]["top_logprobs"][0] or {}
    return sorted(((t, math.exp(lp)) for t, lp in top.items()), key=lambda x: -x[1])


def answer(model, prompt: str, max_tokens: int = 40, temperature: float = 0.7, seed: int = 0) -> str:
    r = model.completion(prompt=prompt, max_tokens=max_tokens, temperature=temperature, seed=seed, stop=["\n"])
    return r["choices"][0]["text"]
