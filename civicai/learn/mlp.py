"""A tiny fully connected network in numpy: softmax output, 0 or more hidden layers, Adam.

Used by the playground (live training in a kiosk kernel, no torch) and by the drawing demo
(a shipped model file, a numpy forward pass). With ``hidden=()`` it is a linear model
(multinomial logistic regression).

>>> import numpy as np
>>> X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]]); y = np.array([0, 1, 1, 0])
>>> net = TinyMLP(hidden=(8,), n_classes=2, seed=0, lr=0.05)
>>> _ = net.fit(X, y, steps=500)
>>> net.predict(X).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_ACTIVATIONS = ("tanh", "relu")


class TinyMLP:
    """Fully connected classifier trained with full-batch (or mini-batch) Adam."""

    def __init__(self, hidden=(16,), n_classes: int = 2, *, activation: str = "tanh",
                 lr: float = 0.03, l2: float = 1e-4, seed: int = 0):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {_ACTIVATIONS}")
        self.hidden = tuple(int(h) for h in hidden)
        self.n_classes = int(n_classes)
        self.activation = activation
        self.lr, self.l2, self.seed = lr, l2, seed
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        self.n_steps = 0

    # --- parameters -------------------------------------------------------------------------
    def _init(self, n_features: int) -> None:
        rng = np.random.default_rng(self.seed)
        sizes = [n_features, *self.hidden, self.n_classes]
        self.weights = [rng.normal(0, np.sqrt(2.0 / (a + b)), (a, b)) for a, b in zip(sizes, sizes[1:])]
        self.biases = [np.zeros(b) for b in sizes[1:]]
        self._m = [np.zeros_like(p) for p in self.weights + self.biases]
        self._v = [np.zeros_like(p) for p in self.weights + self.biases]
        self.n_steps = 0

    @property
    def n_parameters(self) -> int:
        """Number of numbers the network learns (weights and biases)."""
        return int(sum(w.size for w in self.weights) + sum(b.size for b in self.biases))

    # --- forward / backward -----------------------------------------------------------------
    def _act(self, z):
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0)

    def _act_grad(self, a):
        return 1 - a * a if self.activation == "tanh" else (a > 0).astype(a.dtype)

    def _forward(self, X):
        acts = [np.asarray(X, dtype=float)]
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = acts[-1] @ w + b
            acts.append(z if i == len(self.weights) - 1 else self._act(z))
        logits = acts[-1]
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return acts, p / p.sum(axis=1, keepdims=True)

    def predict_proba(self, X) -> np.ndarray:
        if not self.weights:
            raise RuntimeError("the network is not trained yet: call fit() first")
        return self._forward(X)[1]

    def predict(self, X) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)

    def score(self, X, y) -> float:
        """Accuracy: the share of examples whose class is predicted right."""
        return float((self.predict(X) == np.asarray(y)).mean())

    def loss(self, X, y) -> float:
        """Mean cross-entropy (the "error" the training makes smaller)."""
        p = self.predict_proba(X)
        return float(-np.log(np.clip(p[np.arange(len(y)), np.asarray(y)], 1e-12, None)).mean())

    def _ready(self, X, y):
        """(X, y) as arrays; the weights are drawn on the first call, when the number of inputs is known."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=int)
        if not self.weights:
            self._init(X.shape[1])
        return X, y

    def step(self, X, y) -> float:
        """One Adam step on (X, y); returns the loss before the step."""
        X, y = self._ready(X, y)
        acts, p = self._forward(X)
        n = len(y)
        loss = float(-np.log(np.clip(p[np.arange(n), y], 1e-12, None)).mean())
        delta = p.copy()
        delta[np.arange(n), y] -= 1
        delta /= n
        grads_w, grads_b = [], []
        for i in range(len(self.weights) - 1, -1, -1):
            grads_w.insert(0, acts[i].T @ delta + self.l2 * self.weights[i])
            grads_b.insert(0, delta.sum(axis=0))
            if i:
                delta = (delta @ self.weights[i].T) * self._act_grad(acts[i])
        self.n_steps += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        params = self.weights + self.biases
        for j, (prm, g) in enumerate(zip(params, grads_w + grads_b)):
            self._m[j] = b1 * self._m[j] + (1 - b1) * g
            self._v[j] = b2 * self._v[j] + (1 - b2) * g * g
            mhat = self._m[j] / (1 - b1 ** self.n_steps)
            vhat = self._v[j] / (1 - b2 ** self.n_steps)
            prm -= self.lr * mhat / (np.sqrt(vhat) + eps)
        return loss

    def fit(self, X, y, *, steps: int = 300, batch_size: int | None = None) -> "TinyMLP":
        """Train for ``steps`` Adam steps (full batch, or random mini-batches of ``batch_size``)."""
        X, y = self._ready(X, y)
        rng = np.random.default_rng(self.seed + 1)
        for _ in range(steps):
            if batch_size and batch_size < len(y):
                idx = rng.choice(len(y), batch_size, replace=False)
                self.step(X[idx], y[idx])
            else:
                self.step(X, y)
        return self

    # --- files ------------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Save weights and settings to a small ``.npz`` file (float32)."""
        path = Path(path)
        arrays = {f"w{i}": w.astype(np.float32) for i, w in enumerate(self.weights)}
        arrays.update({f"b{i}": b.astype(np.float32) for i, b in enumerate(self.biases)})
        np.savez_compressed(path, hidden=np.array(self.hidden, dtype=int), n_classes=self.n_classes,
                            activation=self.activation, **arrays)
        return path

    @classmethod
    def load(cls, path) -> "TinyMLP":
        with np.load(path) as data:
            net = cls(hidden=tuple(data["hidden"].tolist()), n_classes=int(data["n_classes"]),
                      activation=str(data["activation"]))
            n = len(net.hidden) + 1
            net.weights = [data[f"w{i}"].astype(float) for i in range(n)]
            net.biases = [data[f"b{i}"].astype(float) for i in range(n)]
        return net
