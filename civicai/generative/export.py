"""Write the trained network and its tokenizer as a GGUF file llama.cpp loads (architecture ``llama``)."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

from civicai.generative.model import TinyLlama
from civicai.generative.tokenizer import BOS, EOS, UNK, Tokenizer


def write_gguf(model: TinyLlama, tok: Tokenizer, path: Path, *, name: str, description: str) -> None:
    s = model.s
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(name)
    w.add_description(description)
    w.add_context_length(s.context)
    w.add_embedding_length(s.dim)
    w.add_block_count(s.layers)
    w.add_feed_forward_length(s.ffn)
    w.add_head_count(s.heads)
    w.add_head_count_kv(s.heads)
    w.add_rope_dimension_count(s.dim // s.heads)
    w.add_rope_freq_base(s.rope_base)
    w.add_layer_norm_rms_eps(s.eps)
    w.add_vocab_size(s.vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tok.pieces)
    w.add_token_scores(tok.scores)
    w.add_token_types(tok.types)
    w.add_bos_token_id(BOS)
    w.add_eos_token_id(EOS)
    w.add_unk_token_id(UNK)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)

    def put(tensor_name: str, t) -> None:
        w.add_tensor(tensor_name, np.ascontiguousarray(t.detach().float().numpy()))

    put("token_embd.weight", model.embed.weight)
    for i, b in enumerate(model.blocks):
        p = f"blk.{i}."
        put(p + "attn_norm.weight", b.attn_norm.weight)
        put(p + "attn_q.weight", b.q.weight)
        put(p + "attn_k.weight", b.k.weight)
        put(p + "attn_v.weight", b.v.weight)
        put(p + "attn_output.weight", b.o.weight)
        put(p + "ffn_norm.weight", b.ffn_norm.weight)
        put(p + "ffn_gate.weight", b.gate.weight)
        put(p + "ffn_up.weight", b.up.weight)
        put(p + "ffn_down.weight", b.down.weight)
    put("output_norm.weight", model.norm.weight)
    put("output.weight", model.embed.weight)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def read_tokenizer(path: Path) -> Tokenizer:
    """The tokenizer stored in a GGUF file written by :func:`write_gguf`."""
    r = gguf.GGUFReader(str(path))

    def field(name):
        f = r.fields[name]
        return [f.parts[i] for i in f.data]

    pieces = [bytes(p).decode("utf-8") for p in field("tokenizer.ggml.tokens")]
    scores = [float(p[0]) for p in field("tokenizer.ggml.scores")]
    return Tokenizer(pieces, scores)
