"""A SentencePiece-style tokenizer that llama.cpp reads (``tokenizer.ggml.model = "llama"``).

Trained here by byte-pair merges inside words; encoding follows llama.cpp's SPM algorithm exactly (merge the
adjacent pair whose concatenation is a token with the highest score, leftmost first; unknown characters fall
back to byte tokens), so the torch training and the GGUF model cut text the same way (tests/generative checks it).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter

SPACE = "\u2581"  # « ▁ », SentencePiece's visible space
SPECIALS = ["<unk>", "<s>", "</s>"]
UNK, BOS, EOS = 0, 1, 2
# llama.cpp token types
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6


def normalize(text: str) -> str:
    """What llama.cpp does before cutting: a space in front, spaces shown as ▁."""
    return SPACE + text.replace(" ", SPACE)


def _words(text: str) -> list[str]:
    return re.findall(f"{SPACE}?[^{SPACE}\n]+|\n|{SPACE}", normalize(text))


class Tokenizer:
    def __init__(self, pieces: list[str], scores: list[float]):
        self.pieces, self.scores = pieces, scores
        self.types = [CONTROL if p in SPECIALS[1:] else UNKNOWN if p == "<unk>"
                      else BYTE if re.fullmatch(r"<0x[0-9A-F]{2}>", p) else NORMAL for p in pieces]
        self.ids = {p: i for i, p in enumerate(pieces) if self.types[i] == NORMAL}

    @classmethod
    def train(cls, text: str, vocab_size: int, min_count: int = 8) -> "Tokenizer":
        """Learn merges inside words until ``vocab_size`` pieces or pairs rarer than ``min_count``."""
        words = Counter(_words(text))
        chars = Counter()
        for w, n in words.items():
            for ch in w:
                chars[ch] += n
        alphabet = sorted(ch for ch, n in chars.items() if n >= min_count)
        pieces = SPECIALS + [f"<0x{b:02X}>" for b in range(256)] + alphabet
        scores = [0.0] * len(pieces)
        known = set(alphabet)
        seqs = {w: list(w) for w in words}
        pairs: Counter = Counter()
        where: dict[tuple[str, str], set[str]] = {}

        def count(w: str, sign: int) -> None:
            seq = seqs[w]
            for a, b in zip(seq, seq[1:]):
                if a in known and b in known and "\n" not in a + b:
                    pairs[(a, b)] += sign * words[w]
                    where.setdefault((a, b), set()).add(w)

        for w in seqs:
            count(w, 1)
        while len(pieces) < vocab_size:
            best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]), default=None)
            if best is None or best[1] < min_count:
                break
            (a, b), new = best[0], best[0][0] + best[0][1]
            known.add(new)  # before recounting, so that pairs with the new piece count
            for w in where.pop((a, b)):
                count(w, -1)
                seq, i, out = seqs[w], 0, []
                while i < len(seq):
                    if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                        out.append(new)
                        i += 2
                    else:
                        out.append(seq[i])
                        i += 1
                seqs[w] = out
                count(w, 1)
            del pairs[(a, b)]
            pieces.append(new)
            scores.append(-float(len(pieces)))
        return cls(pieces, scores)

    def encode(self, text: str, bos: bool = True) -> list[int]:
        """llama.cpp's ``llm_tokenizer_spm``: best-scoring merges first, then byte fallback."""
        chars = list(normalize(text)) if text else []
        prev = list(range(-1, len(chars) - 1))
        nxt = list(range(1, len(chars) + 1))
        nxt[-1:] = [-1] if chars else []
        syms = list(chars)
        heap: list = []

        def push(left: int) -> None:
            right = nxt[left]
            if right == -1:
                return
            tid = self.ids.get(syms[left] + syms[right])
            if tid is not None:
                heapq.heappush(heap, (-self.scores[tid], left, syms[left], syms[right]))

        for i in range(len(chars) - 1):
            push(i)
        while heap:
            _, left, a, b = heapq.heappop(heap)
            right = nxt[left]
            if right == -1 or syms[left] != a or syms[right] != b:
                continue  # stale: one side was merged since
            syms[left], syms[right] = a + b, ""
            nxt[left] = nxt[right]
            if nxt[right] != -1:
                prev[nxt[right]] = left
            if prev[left] != -1:
                push(prev[left])
            push(left)
        out = [BOS] if bos else []
        i = 0 if chars else -1
        while i != -1:
            tid = self.ids.get(syms[i])
            out += [tid] if tid is not None else [3 + byte for byte in syms[i].encode("utf-8")]
            i = nxt[i]
        return out

    def decode(self, ids: list[int]) -> str:
        data = bytearray()
        for i in ids:
            if self.types[i] == BYTE:
                data.append(int(self.pieces[i][3:5], 16))
            elif self.types[i] == NORMAL:
                data += self.pieces[i].replace(SPACE, " ").encode("utf-8")
        text = data.decode("utf-8", errors="replace")
        return text[1:] if text.startswith(" ") else text
