"""Pictures of module 1's kiosk tiles (``modules/01-comment-une-ia-apprend/images/<demo-id>.png``).

Rebuild with ``python -m civicai.learn.tiles``; each picture is drawn from the demo's own data and model.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from civicai.figures import save

SIZE = (4.8, 3.0)      # inches at 100 dpi: 480 x 300 pixels


def _fig():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.figure(figsize=SIZE, dpi=100)


def draw_digit_tile(path: Path) -> Path:
    from civicai.learn.digits import load_all
    from civicai.learn.draw import guess

    X, y = load_all()
    fig = _fig()
    ax = fig.add_axes((0.03, 0.08, 0.45, 0.84))
    ax.imshow(X[np.flatnonzero(y == 3)[0]].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.axis("off")
    top = guess([[(100, 60), (250, 60), (170, 170), (250, 240), (220, 310), (100, 300)]])
    ax2 = fig.add_axes((0.56, 0.14, 0.36, 0.76))
    digits_, probs = zip(*top)
    ax2.barh([str(d) for d in digits_][::-1], [100 * p for p in probs][::-1], color="#1f6f3f")
    ax2.set_xlim(0, 100)
    ax2.tick_params(labelsize=16)
    ax2.set_xlabel("%", fontsize=14)
    for s in ("top", "right"):
        ax2.spines[s].set_visible(False)
    return save(fig, path)


def words_tile(path: Path) -> Path:
    from civicai.learn.words import invent, word_model

    model = word_model()
    fig = _fig()
    fig.patch.set_facecolor("#fdf6e3")
    words = invent(model, 6, temperature=1.0, seed=3)
    for i, w in enumerate(words):
        fig.text(0.05 + 0.48 * (i % 2), 0.8 - 0.25 * (i // 2), w, fontsize=17, fontweight="bold",
                 color="#5b3a00")
    return save(fig, path, facecolor=fig.get_facecolor())


def playground_tile(path: Path) -> Path:
    from civicai.learn import playground as pgm

    X, y = pgm.make_preset("cercles", n=90, seed=0)
    model = pgm.make_model("petit réseau").fit(X, y, steps=400)
    fig = _fig()
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(pgm.boundary_colours(model, 80).reshape(80, 80, 3), extent=(-1.6, 1.6, -1, 1), aspect="auto")
    ax.scatter(X[:, 0] * 1.6, X[:, 1], c=[pgm.COLOURS[k] for k in y], s=40, edgecolors="white")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1, 1)
    ax.axis("off")
    return save(fig, path)


TILES = {"dessine-un-chiffre": draw_digit_tile, "invente-des-mots": words_tile, "terrain-de-jeu": playground_tile}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder / f"{name}.png") for name, make in TILES.items()]


if __name__ == "__main__":
    from civicai.paths import modules_dir

    for p in build(modules_dir() / "01-comment-une-ia-apprend" / "images"):
        print(p, p.stat().st_size, "bytes")
    sys.exit(0)
