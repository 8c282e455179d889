"""``civicai donnees modele --construire``: rebuild the kit's small French model from the text it ships.

The result (``modele/petit-modele-fr.gguf``) is committed with ``modele/construction.json`` (corpus hash, sources,
shape, recipe, measured cost, file hash): a fresh machine has the model without training, and anyone can rebuild
and compare. Same seed, same corpus, same torch: same loss curve on the same CPU (float sums may differ elsewhere).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from civicai.generative import corpus
from civicai.generative.settings import default_model_dir

MODEL_FILE = "petit-modele-fr.gguf"
RECORD_FILE = "construction.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def token_stream(tok, text: str) -> list[int]:
    """One sequence per line, each starting with <s> as a prompt does."""
    ids: list[int] = []
    for line in text.splitlines():
        if line.strip():
            ids += tok.encode(line)
    return ids


def build(out_dir: Path | None = None, log=print) -> dict:
    from civicai.generative.export import write_gguf
    from civicai.generative.model import Recipe, Shape, train
    from civicai.generative.tokenizer import Tokenizer

    out_dir = Path(out_dir or default_model_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    text, files = corpus.training_text()
    shape = Shape()
    tok = Tokenizer.train(text, shape.vocab)
    shape = replace(shape, vocab=len(tok.pieces))
    ids = token_stream(tok, text)
    log(f"Corpus : {len(text)} caractères, {len(ids)} jetons, {len(files)} fichiers ; vocabulaire {shape.vocab}.")
    model, cost = train(ids, shape, Recipe(), log=log)
    path = out_dir / MODEL_FILE
    write_gguf(model, tok, path, name="civicai-petit-modele-fr",
               description="Petit modèle de langue du kit civic-ai-kit, entraîné sur ses propres textes.")
    root = corpus.modules_dir().parent
    record = {"fichier": MODEL_FILE, "sha256": sha256_file(path), "octets": path.stat().st_size,
              "corpus_sha256": corpus.digest(text), "corpus_caracteres": len(text), "corpus_jetons": len(ids),
              "sources": [str(p.relative_to(root)) for p in files], **cost}
    (out_dir / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"Modèle écrit : {path} ({record['octets'] // 1024} Ko), entraîné en {cost['secondes']} s "
        f"({cost['secondes_cpu']} s de processeur).")
    return record
