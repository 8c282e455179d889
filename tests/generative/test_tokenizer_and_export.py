"""The kit's tokenizer and GGUF export against llama.cpp itself: same cut, same numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from civicai.generative.export import read_tokenizer, write_gguf
from civicai.generative.model import Shape, TinyLlama
from civicai.generative.settings import default_model
from civicai.generative.tokenizer import BOS, Tokenizer

TEXT = ("La médiathèque ouvre le samedi. Les élèves apprennent l'IA à la médiathèque.\n"
        "Une IA apprend à partir d'exemples ; elle se trompe parfois. ") * 20
SENTENCES = ["Bonjour la ville !", "Le modèle apprend à partir d'exemples.", "Œuf, ça, 🙂 et 12,5 %",
             "  deux  espaces", "anticonstitutionnellement", ""]


def test_training_learns_frequent_words_and_round_trips():
    tok = Tokenizer.train(TEXT, vocab_size=400, min_count=2)
    assert "▁médiathèque" in tok.pieces
    for s in SENTENCES:
        ids = tok.encode(s)
        assert ids[0] == BOS
        assert tok.decode(ids[1:]) == s
    assert len(tok.encode("La médiathèque")) == 3  # <s> ▁La ▁médiathèque


def test_merges_stop_at_rare_pairs():
    assert len(Tokenizer.train(TEXT, vocab_size=5000, min_count=5).pieces) < 5000


@pytest.mark.slow
def test_llama_cpp_cuts_text_exactly_like_the_kit(tmp_path):
    from llama_cpp import Llama

    tok = Tokenizer.train(TEXT, vocab_size=400, min_count=2)
    path = tmp_path / "t.gguf"
    write_gguf(TinyLlama(Shape(vocab=len(tok.pieces), dim=32, layers=1, heads=2, ffn=64, context=64)), tok, path,
               name="test", description="test")
    llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    for s in SENTENCES + TEXT.splitlines():
        assert llm.tokenize(s.encode("utf-8")) == tok.encode(s), s
    assert read_tokenizer(path).pieces == tok.pieces


@pytest.mark.slow
def test_llama_cpp_computes_the_same_next_token_probabilities_as_torch(tmp_path):
    from llama_cpp import Llama

    tok = Tokenizer.train(TEXT, vocab_size=300, min_count=2)
    torch.manual_seed(0)
    model = TinyLlama(Shape(vocab=len(tok.pieces), dim=64, layers=2, heads=4, ffn=96, context=64)).eval()
    for p in model.parameters():  # random weights everywhere, norms included, so any layout error shows
        torch.nn.init.normal_(p, std=0.2)
    path = tmp_path / "m.gguf"
    write_gguf(model, tok, path, name="test", description="test")
    ids = tok.encode("Les élèves apprennent l'IA à la médiathèque.")
    with torch.no_grad():
        expected = torch.log_softmax(model(torch.tensor([ids]))[0], -1).numpy()
    llm = Llama(model_path=str(path), n_ctx=64, logits_all=True, verbose=False, n_threads=1)
    llm.eval(ids)
    got = np.array([Llama.logits_to_logprobs(llm.scores[i]) for i in range(len(ids))])
    assert np.abs(got - expected).max() < 1e-3


def test_the_committed_model_is_the_one_its_record_and_datasheet_describe():
    import json

    import gguf

    from civicai.generative.build import RECORD_FILE, sha256_file

    path = default_model()
    record = json.loads((path.parent / RECORD_FILE).read_text(encoding="utf-8"))
    assert sha256_file(path) == record["sha256"] and path.stat().st_size <= 15_000_000
    r = gguf.GGUFReader(str(path))
    assert bytes(r.fields["general.architecture"].parts[-1]).decode() == "llama"
    shape = record["forme"]
    tensors = {t.name: tuple(int(n) for n in t.shape) for t in r.tensors}
    assert len(tensors) == 3 + 9 * shape["layers"]
    assert tensors["token_embd.weight"] == (shape["dim"], shape["vocab"])  # GGUF lists the fastest axis first
    assert tensors["blk.0.ffn_down.weight"] == (shape["ffn"], shape["dim"])
    assert len(read_tokenizer(path).pieces) == shape["vocab"]
    sheet = (path.parent.parent / "fiche-du-modele.md").read_text(encoding="utf-8")
    for figure in (record["secondes"], record["secondes_cpu"], record["parametres"], record["corpus_caracteres"]):
        assert f"{figure:_}".replace("_", "\u202f").replace(".", ",") in sheet, figure
