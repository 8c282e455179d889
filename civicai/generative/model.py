"""A tiny llama-architecture network in torch, trained on CPU with a fixed seed, in the layout llama.cpp expects.

RoPE rotates adjacent pairs (llama.cpp's ``LLAMA_ROPE_TYPE_NORM``), so the weights go to GGUF without the
q/k permutation Hugging Face checkpoints need. Input and output embeddings are tied (one matrix, written twice).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class Shape:
    vocab: int = 1024
    dim: int = 64
    layers: int = 2
    heads: int = 4
    ffn: int = 192
    context: int = 256
    eps: float = 1e-5
    rope_base: float = 10000.0


@dataclass(frozen=True)
class Recipe:
    seed: int = 20261202
    steps: int = 500
    batch: int = 16
    seq: int = 64
    lr: float = 5e-3
    threads: int = 1


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps, self.weight = eps, nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x: torch.Tensor, base: float) -> torch.Tensor:
    """x: (batch, heads, time, head_dim); rotate pairs (0,1), (2,3)... by position-dependent angles."""
    t, d = x.shape[-2], x.shape[-1]
    inv = base ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    ang = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]
    cos, sin = ang.cos(), ang.sin()
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.s = s
        self.attn_norm, self.ffn_norm = RMSNorm(s.dim, s.eps), RMSNorm(s.dim, s.eps)
        self.q, self.k, self.v, self.o = (nn.Linear(s.dim, s.dim, bias=False) for _ in range(4))
        self.gate, self.up = nn.Linear(s.dim, s.ffn, bias=False), nn.Linear(s.dim, s.ffn, bias=False)
        self.down = nn.Linear(s.ffn, s.dim, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        h = self.attn_norm(x)
        split = lambda y: y.view(b, t, self.s.heads, -1).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        q, k = rope(q, self.s.rope_base), rope(k, self.s.rope_base)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, -1))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class TinyLlama(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.s = s
        self.embed = nn.Embedding(s.vocab, s.dim)
        self.blocks = nn.ModuleList(Block(s) for _ in range(s.layers))
        self.norm = RMSNorm(s.dim, s.eps)
        nn.init.normal_(self.embed.weight, std=0.02)

    def forward(self, ids):
        x = self.embed(ids)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x) @ self.embed.weight.T

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())


def train(ids: list[int], shape: Shape, recipe: Recipe, log=print) -> tuple[TinyLlama, dict]:
    """Train on the token stream; returns the model and its measured cost (wall time, CPU seconds)."""
    torch.manual_seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    data = torch.tensor(ids, dtype=torch.long)
    model = TinyLlama(shape)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=0.01)
    gen = torch.Generator().manual_seed(recipe.seed)
    wall, cpu = time.perf_counter(), time.process_time()
    loss = torch.tensor(0.0)
    for step in range(recipe.steps):
        lr = recipe.lr * min(1.0, (step + 1) / 20) * 0.5 * (1 + math.cos(math.pi * step / recipe.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        start = torch.randint(0, len(data) - recipe.seq - 1, (recipe.batch,), generator=gen)
        x = torch.stack([data[i:i + recipe.seq] for i in start])
        y = torch.stack([data[i + 1:i + recipe.seq + 1] for i in start])
        loss = F.cross_entropy(model(x).view(-1, shape.vocab), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == recipe.steps - 1:
            log(f"étape {step + 1}/{recipe.steps} : perte {loss.item():.3f}")
    cost = {"secondes": round(time.perf_counter() - wall, 1), "secondes_cpu": round(time.process_time() - cpu, 1),
            "perte_finale": round(loss.item(), 3), "parametres": model.n_params(),
            "forme": asdict(shape), "recette": asdict(recipe)}
    return model.eval(), cost
