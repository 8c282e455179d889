"""A small neural network in torch, trained on the digits in a few seconds on a CPU.

The network: 64 pixels in, one hidden layer of ``hidden`` neurons (ReLU), 10 scores out. Training shows
a progress bar (tqdm) and, in a notebook, a loss curve redrawn as it goes.

>>> from civicai.learn.digits import load_split
>>> res = train_digits_net(load_split(), hidden=16, epochs=3, live=False)
>>> 0 <= res.test_accuracy <= 1, len(res.losses) == 3, res.test_losses == []
(True, True, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from civicai.french import number

SEED = 0


@dataclass
class TrainingResult:
    model: nn.Module
    losses: list[float]
    test_losses: list[float]
    train_accuracy: float
    test_accuracy: float
    seconds: float
    n_parameters: int
    n_train: int
    hidden: int
    notes: dict = field(default_factory=dict)


def make_net(hidden: int = 64, *, seed: int = SEED) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def count_parameters(model: nn.Module) -> int:
    """How many numbers the network learns."""
    return sum(p.numel() for p in model.parameters())


def _tensors(X, y):
    return torch.tensor(np.asarray(X) / 16, dtype=torch.float32), torch.tensor(np.asarray(y), dtype=torch.long)


def accuracy(model: nn.Module, X, y) -> float:
    Xt, yt = _tensors(X, y)
    with torch.no_grad():
        return float((model(Xt).argmax(1) == yt).float().mean())


class _LivePlot:
    """A loss curve redrawn in place in a notebook, as a small SVG (cheap: no figure rendering per update)."""

    W, H, PAD = 600, 260, 50

    def __init__(self, epochs: int, with_test: bool):
        from IPython.display import HTML, display

        self.HTML, self.display = HTML, display
        self.epochs, self.with_test = epochs, with_test
        self.handle = None
        self.ymax = None

    def _points(self, values) -> str:
        w, h, p = self.W, self.H, self.PAD
        return " ".join(f"{p + (i + 0.5) / self.epochs * (w - 1.5 * p):.1f},"
                        f"{h - p + 10 - min(v, self.ymax) / self.ymax * (h - 1.5 * p):.1f}"
                        for i, v in enumerate(values))

    def svg(self, losses, test_losses) -> str:
        w, h, p = self.W, self.H, self.PAD
        if self.ymax is None:
            self.ymax = max(losses[0], test_losses[0] if test_losses else 0) * 1.1 or 1.0
        base = h - p + 10
        lines = [f"<polyline fill='none' stroke='#1f77b4' stroke-width='3' points='{self._points(losses)}'/>"]
        if self.with_test:
            lines.append(f"<polyline fill='none' stroke='#ff7f0e' stroke-width='3' stroke-dasharray='6 4' "
                         f"points='{self._points(test_losses)}'/>")
        ticks = "".join(f"<text x='{p - 8}' y='{base - f * (h - 1.5 * p) + 4:.0f}' text-anchor='end' "
                        f"font-size='12'>{number(f * self.ymax, 1)}</text>" for f in (0, 0.5, 1))
        return (f"<svg width='{w}' height='{h}' xmlns='http://www.w3.org/2000/svg' "
                "style='font-family:sans-serif;background:white'>"
                f"<text x='{w / 2}' y='18' text-anchor='middle' font-size='15'>"
                "L'erreur baisse pendant l'apprentissage</text>"
                f"<line x1='{p}' y1='{base}' x2='{w - p / 2}' y2='{base}' stroke='#333'/>"
                f"<line x1='{p}' y1='{base}' x2='{p}' y2='{p / 2}' stroke='#333'/>{ticks}"
                f"<text x='{w / 2}' y='{h - 8}' text-anchor='middle' font-size='13'>"
                f"passage sur les données (époque {len(losses)} sur {self.epochs})</text>"
                f"<text x='14' y='{h / 2}' font-size='13' transform='rotate(-90 14 {h / 2})' "
                "text-anchor='middle'>erreur (perte)</text>" + "".join(lines) +
                f"<text x='{w - 200}' y='40' font-size='13' fill='#1f77b4'>— erreur sur l'entraînement</text>"
                + (f"<text x='{w - 200}' y='58' font-size='13' fill='#ff7f0e'>- - erreur sur le test</text>"
                   if self.with_test else "") + "</svg>")

    def update(self, losses, test_losses):
        html = self.HTML(self.svg(losses, test_losses))
        if self.handle is None:             # first drawing: show it; later ones replace it in place
            self.handle = self.display(html, display_id=True)
        else:
            self.handle.update(html)


def train_digits_net(data, *, hidden: int = 64, n_train: int | None = None, epochs: int = 30,
                     batch_size: int = 128, lr: float = 0.01, weight_decay: float = 0.0,
                     live: bool = True, progress: bool = True, every: int = 1, track_test: bool = False,
                     seed: int = SEED) -> TrainingResult:
    """Train a network with ``hidden`` neurons on the first ``n_train`` training digits (all by default).

    ``live`` redraws the loss curve every ``every`` epochs (in a notebook); ``progress`` shows a tqdm bar;
    the test error per epoch (``test_losses``) is computed when ``live`` or ``track_test``.
    """
    torch.manual_seed(seed)
    torch.set_num_threads(1)           # tiny network: one thread is fastest and fair on a shared machine
    X_train, y_train = data.X_train, data.y_train
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    Xt, yt = _tensors(X_train, y_train)
    Xv, yv = _tensors(data.X_test, data.y_test)
    model = make_net(hidden, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    plot = _LivePlot(epochs, with_test=True) if live else None
    losses, test_losses = [], []
    epochs_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs_iter = tqdm(epochs_iter, desc="Apprentissage", unit="époque")
    start = time.perf_counter()
    for epoch in epochs_iter:
        model.train()
        perm = torch.randperm(len(yt), generator=gen)
        total = 0.0
        for i in range(0, len(yt), batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / len(yt))
        if plot is not None or track_test:          # the test error per epoch is only needed for curves
            with torch.no_grad():
                test_losses.append(float(loss_fn(model(Xv), yv)))
        if plot is not None and ((epoch + 1) % every == 0 or epoch + 1 == epochs):
            plot.update(losses, test_losses)
    seconds = time.perf_counter() - start
    model.eval()
    return TrainingResult(model, losses, test_losses, accuracy(model, X_train, y_train),
                          accuracy(model, data.X_test, data.y_test), seconds, count_parameters(model),
                          len(y_train), hidden)


def plot_first_layer(model: nn.Module, *, n: int = 16, cols: int = 8):
    """The weights of the first ``n`` hidden neurons, each drawn as an 8x8 picture.

    Red pixels push the neuron up, blue pixels push it down: each neuron looks for a pattern of ink.
    """
    import matplotlib.pyplot as plt

    w = model[0].weight.detach().numpy()[:n]
    rows = -(-len(w) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.2))
    lim = float(np.abs(w).max())
    for i, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.axis("off")
        if i < len(w):
            ax.imshow(w[i].reshape(8, 8), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(f"n° {i + 1}", fontsize=8)
    fig.suptitle("Ce que regardent les neurones de la première couche")
    fig.tight_layout()
    return fig


def sweep(data, *, hidden_sizes=(64,), train_sizes=(None,), epochs: int = 8):
    """Test accuracy (%) for every network size and amount of training data, as a pandas table.

    Rows are network sizes, columns amounts of training examples. Small data sets get more epochs, so
    that every network makes a comparable number of weight updates.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    full = len(data.y_train)
    rows = {}
    combos = [(h, n) for h in hidden_sizes for n in train_sizes]
    for h, n in tqdm(combos, desc="Expériences", unit="réseau"):
        size = n or full
        ep = int(min(120, epochs * (full / size) ** 0.5))
        res = train_digits_net(data, hidden=h, n_train=n, epochs=ep, live=False, progress=False)
        rows.setdefault(f"{h} neurones", {})[f"{size} exemples"] = round(100 * res.test_accuracy, 1)
    return pd.DataFrame(rows).T


def _warm_up() -> None:
    """One tiny optimiser step at import: torch loads its optimiser machinery lazily (seconds on a busy
    machine), so the notebook's setup cell pays for it instead of the first training cell."""
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    (w ** 2).sum().backward()
    opt.step()


_warm_up()
