"""A tiny character-level language model: it writes French-looking words one letter at a time.

The model counts, in a list of words, which letter follows each group of ``order`` letters
(an *n-gram* model). To write, it draws the next letter at random with those probabilities,
sharpened or flattened by a *temperature*. numpy only, so a kiosk kernel stays light.

>>> lm = CharLM(order=2).fit(["bonjour", "bonsoir", "bonbon"])
>>> round(float(lm.next_probs("bo")["n"]), 2) > 0.5
True
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from civicai.french import number

START, END = "^", "$"


class CharLM:
    """Character n-gram model with add-``alpha`` smoothing and back-off to shorter contexts."""

    def __init__(self, order: int = 3, *, alpha: float = 0.01):
        if order < 1:
            raise ValueError("order must be >= 1")
        self.order = order
        self.alpha = alpha
        self.vocab: list[str] = []
        self.counts: dict[str, np.ndarray] = {}
        self.words: set[str] = set()

    # --- training ---------------------------------------------------------------------------
    def fit(self, words) -> "CharLM":
        """Count, for every context of 0 to ``order`` letters, which letter comes next."""
        words = [w for w in words if w]
        self.words = set(words)
        letters = sorted({c for w in words for c in w})
        self.vocab = letters + [END]
        index = {c: i for i, c in enumerate(self.vocab)}
        pad = START * self.order
        # Count (longest context, next letter) pairs once (Counter runs in C), then add up shorter contexts.
        full = Counter((text[i - self.order:i], text[i])
                       for text in (pad + w + END for w in words) for i in range(self.order, len(text)))
        raw: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for (ctx, nxt), k in full.items():
            j = index[nxt]
            for n in range(self.order + 1):
                raw[ctx[len(ctx) - n:]][j] += k
        size = len(self.vocab)
        self.counts = {}
        for ctx, d in raw.items():
            arr = np.zeros(size)
            arr[list(d)] = list(d.values())
            self.counts[ctx] = arr
        return self

    @property
    def n_parameters(self) -> int:
        """How many numbers the model stores (one count per context and next letter)."""
        return len(self.counts) * len(self.vocab)

    # --- prediction -------------------------------------------------------------------------
    def _probs(self, context: str) -> np.ndarray:
        if not self.vocab:
            raise RuntimeError("call fit() first")
        ctx = (START * self.order + context)[-self.order:] if self.order else ""
        # Back off to the longest context seen in training.
        while ctx not in self.counts:
            ctx = ctx[1:]
        c = self.counts[ctx] + self.alpha
        return c / c.sum()

    def next_probs(self, context: str = "", *, temperature: float = 1.0) -> dict[str, float]:
        """Probability of each next letter (``$`` means "the word ends here"), highest first."""
        p = apply_temperature(self._probs(context), temperature)
        order = np.argsort(-p)
        return {self.vocab[i]: float(p[i]) for i in order}

    def generate_word(self, rng: np.random.Generator, *, temperature: float = 1.0,
                      prefix: str = "", max_len: int = 20) -> str:
        """Draw one word, letter by letter."""
        word = prefix
        while len(word) < max_len:
            p = apply_temperature(self._probs(word), temperature)
            c = self.vocab[rng.choice(len(p), p=p)]
            if c == END:
                if word:
                    break
                continue
            word += c
        return word

    def generate(self, n: int = 10, *, temperature: float = 1.0, seed: int | None = 0,
                 prefix: str = "") -> list[str]:
        """``n`` invented words (the same ones for the same seed)."""
        rng = np.random.default_rng(seed)
        return [self.generate_word(rng, temperature=temperature, prefix=prefix) for _ in range(n)]

    def share_existing(self, words, dictionary=None) -> float:
        """Share of ``words`` found in ``dictionary`` (default: the training words)."""
        words = list(words)
        known = self.words if dictionary is None else set(dictionary)
        return sum(w in known for w in words) / len(words) if words else 0.0


def apply_temperature(p: np.ndarray, temperature: float) -> np.ndarray:
    """Sharpen (``temperature`` < 1) or flatten (> 1) a probability vector.

    >>> apply_temperature(np.array([0.5, 0.25, 0.25]), 1.0).round(2).tolist()
    [0.5, 0.25, 0.25]
    """
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    logp = np.log(np.clip(p, 1e-12, None)) / temperature
    q = np.exp(logp - logp.max())
    return q / q.sum()


def plot_next_probs(model: CharLM, context: str, *, top: int = 12, temperature: float = 1.0, ax=None):
    """Bar chart of the most likely next letters after ``context``."""
    import matplotlib.pyplot as plt

    probs = list(model.next_probs(context, temperature=temperature).items())[:top]
    labels = ["fin" if c == END else c for c, _ in probs]
    values = [100 * p for _, p in probs]
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.2))
    else:
        fig = ax.figure
    ax.bar(labels, values, color="#3b6fb6")
    ax.set_ylabel("probabilité (%)")
    ax.set_title(f"Après « {context} », la lettre suivante est…")
    for i, v in enumerate(values):
        ax.text(i, v + 0.5, f"{v:.0f}", ha="center", fontsize=9)
    ax.set_ylim(0, max(values) * 1.2 + 1)
    fig.tight_layout()
    return fig


def temperature_table(model: CharLM, temperatures=(0.3, 1.0, 2.0), *, n: int = 8, seed: int = 0):
    """A table: for each temperature, ``n`` invented words and the share that exist."""
    import pandas as pd

    rows = []
    for t in temperatures:
        words = model.generate(n * 5, temperature=t, seed=seed)
        rows.append({"température": t, "exemples": ", ".join(words[:n]),
                     "mots qui existent (%)": round(100 * model.share_existing(words), 0),
                     "mots différents (%)": round(100 * len(set(words)) / len(words), 0)})
    return pd.DataFrame(rows)


def temperature_explorer(model: CharLM, context: str = "mai", *, n: int = 8):
    """A temperature slider: the bar chart of the next letter and invented words change with it."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    slider = w.FloatLogSlider(value=1.0, base=10, min=-0.7, max=0.5, step=0.05, description="température",
                              continuous_update=False, style={"description_width": "initial"},
                              layout=w.Layout(width="500px"))
    out = w.Output()

    def draw(_=None):
        t = slider.value
        with out:
            out.clear_output(wait=True)
            fig = plot_next_probs(model, context, temperature=t)
            display(fig)
            plt.close(fig)
            words = model.generate(n, temperature=t, seed=0)
            print(f"Température {number(t, 2)} : " + ", ".join(words))

    slider.observe(draw, "value")
    draw()
    box = w.VBox([slider, out])
    display(box)
    return box
