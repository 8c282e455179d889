"""Learning from examples: scikit-learn's handwritten digits (bundled, offline).

1,797 grey 8x8 pictures of the digits 0 to 9, each pixel a value from 0 (white) to 16 (black):
the "Optical Recognition of Handwritten Digits" set of the UCI repository (Alpaydin and Kaynak, 1998),
shipped inside scikit-learn. Functions return familiar objects (numpy arrays, pandas tables,
matplotlib figures) so notebooks stay a few calls long.

>>> data = load_split(seed=0)
>>> data.X_train.shape[1], len(data.X_train) + len(data.X_test)
(64, 1797)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEED = 0


@dataclass(frozen=True)
class DigitsSplit:
    """The digits cut in two: examples to learn from (train) and examples kept aside (test)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray

    @property
    def sizes(self) -> str:
        return f"{len(self.y_train)} exemples d'entraînement, {len(self.y_test)} exemples de test"


def _digits_file():
    """scikit-learn's bundled copy of the digits, found without importing scikit-learn (slow to import)."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("sklearn")
    if spec is None or spec.origin is None:
        from civicai.errors import UserError

        raise UserError("La bibliothèque scikit-learn est introuvable : installez le kit avec « make setup ».")
    return Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"


def load_all() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits: ``X`` (n, 64) with values 0..16 and ``y`` (n,) the true digit."""
    raw = np.loadtxt(_digits_file(), delimiter=",")
    return raw[:, :-1], raw[:, -1].astype(int)


def split(X, y, *, test_size: float = 0.25, seed: int = SEED):
    """Random split that keeps the share of each class in both parts (stratified), numpy only.

    >>> X = np.arange(40).reshape(20, 2); y = np.array([0] * 10 + [1] * 10)
    >>> Xtr, Xte, ytr, yte = split(X, y, test_size=0.3, seed=0)
    >>> len(ytr), len(yte), int(yte.sum())
    (14, 6, 3)
    """
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(seed)
    test_idx = []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        test_idx.extend(idx[:int(round(test_size * len(idx)))])
    mask = np.zeros(len(y), dtype=bool)
    mask[test_idx] = True
    train_order = rng.permutation(np.flatnonzero(~mask))
    test_order = rng.permutation(np.flatnonzero(mask))
    return X[train_order], X[test_order], y[train_order], y[test_order]


def load_split(*, test_size: float = 0.25, seed: int = SEED) -> DigitsSplit:
    """Split the digits at random (fixed seed), keeping the share of each digit in both parts."""
    X, y = load_all()
    return DigitsSplit(*split(X, y, test_size=test_size, seed=seed))


def show_digits(X, y=None, *, n: int = 20, cols: int = 10, titles=None, title: str | None = None):
    """Draw ``n`` digits as pictures, with their label (or ``titles``) above each one."""
    import matplotlib.pyplot as plt

    n = min(n, len(X))
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.5))
    for i, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(np.asarray(X[i]).reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
        elif y is not None:
            ax.set_title(str(y[i]), fontsize=11)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_pixels(image):
    """One digit with the value of every pixel written on it: what the computer really "sees"."""
    import matplotlib.pyplot as plt

    img = np.asarray(image).reshape(8, 8)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(img, cmap="gray_r", vmin=0, vmax=16)
    for (r, c), v in np.ndenumerate(img):
        ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=9, color="white" if v > 8 else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    return fig


def nearest_neighbours(k: int = 1):
    """A k-nearest-neighbours classifier: it answers like the ``k`` most similar training pictures."""
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=k)


def linear_model():
    """A linear model: one weighted sum of the 64 pixels per digit, the largest sum wins."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=SEED))


def accuracy(y_true, y_pred) -> float:
    """Share of right answers, between 0 and 1.

    >>> accuracy([1, 2, 3, 4], [1, 2, 0, 4])
    0.75
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred) or not len(y_true):
        raise ValueError("y_true and y_pred must have the same, non-zero length")
    return float((y_true == y_pred).mean())


def scores(model, data: DigitsSplit) -> dict[str, float]:
    """Fit ``model`` on the training part; return its accuracy on both parts."""
    model.fit(data.X_train, data.y_train)
    return {"entraînement": accuracy(data.y_train, model.predict(data.X_train)),
            "test": accuracy(data.y_test, model.predict(data.X_test))}


def confusion(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """``m[i, j]`` = how many pictures of digit ``i`` the model called ``j``.

    >>> confusion([0, 1, 1], [0, 1, 0], n_classes=2).tolist()
    [[1, 0], [1, 1]]
    """
    m = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(m, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return m


def plot_confusion(y_true, y_pred, *, title: str = "Qui est pris pour qui ?"):
    """The confusion matrix as a picture: the diagonal is right, everything else is a mistake."""
    import matplotlib.pyplot as plt

    m = confusion(y_true, y_pred)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(m, cmap="Blues")
    for (r, c), v in np.ndenumerate(m):
        if v:
            ax.text(c, r, str(v), ha="center", va="center", fontsize=9,
                    color="white" if v > m.max() / 2 else ("#b00020" if r != c else "black"),
                    fontweight="bold" if r != c else "normal")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("réponse du modèle")
    ax.set_ylabel("vrai chiffre")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def failures(model, X, y) -> np.ndarray:
    """Indices of the examples the (fitted) model gets wrong."""
    return np.flatnonzero(model.predict(X) != np.asarray(y))


def show_failures(model, X, y, *, n: int = 12):
    """The pictures the model got wrong, titled « vrai → réponse »."""
    idx = failures(model, X, y)[:n]
    pred = model.predict(X[idx]) if len(idx) else []
    titles = [f"{y[i]} → {p}" for i, p in zip(idx, pred)]
    return show_digits(X[idx], titles=titles, n=len(idx), cols=min(6, max(1, len(idx))),
                       title="Erreurs (vrai chiffre → réponse du modèle)")


def overfitting_curve(data: DigitsSplit, depths=range(1, 16)):
    """Train decision trees of growing depth; return a table of accuracy on train and test.

    A deeper tree asks more yes/no questions about pixels: it can learn the training pictures by
    heart (100 %) while doing no better, or worse, on new pictures: that is *overfitting*.
    """
    import pandas as pd
    from sklearn.tree import DecisionTreeClassifier

    rows = []
    for d in depths:
        tree = DecisionTreeClassifier(max_depth=d, random_state=SEED)
        s = scores(tree, data)
        rows.append({"profondeur": d, **s})
    return pd.DataFrame(rows).set_index("profondeur")


def plot_curve(table, *, xlabel: str, title: str = "Entraînement ou test : l'écart qui trahit"):
    """Plot the two columns of a train/test accuracy table against its index."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(table.index, 100 * table["entraînement"], "o-", label="exemples d'entraînement (déjà vus)")
    ax.plot(table.index, 100 * table["test"], "s-", label="exemples de test (jamais vus)")
    best = table["test"].idxmax()
    ax.axvline(best, color="grey", ls=":", label=f"meilleur test : {best}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("réponses justes (%)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
