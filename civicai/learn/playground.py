"""The playground: points of two colours on a square, a model, and the boundary it learns.

Point sets live in the square [-1, 1] x [-1, 1]. Presets: two circles (one inside the other), two
spirals, XOR (the four corners, opposite corners of the same colour), and two separate clouds. The
models are :class:`civicai.learn.mlp.TinyMLP`: ``hidden=()`` is a linear model (a straight boundary),
``hidden=(8, 8)`` a small network. numpy only, so the kiosk kernel stays light.

>>> X, y = make_preset("xor", n=80, seed=0)
>>> X.shape, sorted(set(y.tolist()))
((80, 2), [0, 1])
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from civicai.kiosk.style import widgets_css

PRESETS = {"nuages": "deux nuages", "xor": "XOR", "cercles": "cercles", "spirales": "spirales"}
MODELS = {"linéaire": (), "petit réseau": (8, 8)}
COLOURS = ("#1f77b4", "#ff7f0e")          # class 0 blue, class 1 orange
_RGB = np.array([[31, 119, 180], [255, 127, 14]], dtype=float)


def make_preset(name: str, *, n: int = 120, noise: float = 0.06, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of a classic shape: ``nuages``, ``xor``, ``cercles`` or ``spirales``."""
    rng = np.random.default_rng(seed)
    half = n // 2
    y = np.array([0] * half + [1] * (n - half))
    if name == "nuages":
        centres = np.where(y[:, None] == 0, [-0.45, -0.35], [0.45, 0.35])
        X = centres + rng.normal(0, 0.2, (n, 2))
    elif name == "xor":
        X = rng.uniform(-0.9, 0.9, (n, 2))
        X = X + np.sign(X) * 0.08
        y = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int)
    elif name == "cercles":
        angle = rng.uniform(0, 2 * np.pi, n)
        radius = np.where(y == 0, rng.uniform(0, 0.35, n), rng.uniform(0.6, 0.9, n))
        X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    elif name == "spirales":
        t = rng.uniform(0.25, 1, n) ** 0.5 * 3.2 * np.pi / 1.0
        r = t / (3.4 * np.pi)
        turn = np.where(y == 0, 0, np.pi)
        X = np.c_[r * np.cos(t + turn), r * np.sin(t + turn)]
    else:
        raise ValueError(f"unknown preset {name!r}: choose among {sorted(PRESETS)}")
    X = X + rng.normal(0, noise, X.shape)
    return np.clip(X, -0.98, 0.98), y


def make_model(kind: str = "petit réseau", *, seed: int = 0):
    """A fresh model: ``linéaire`` (straight boundary) or ``petit réseau`` (two hidden layers of 8)."""
    from civicai.learn.mlp import TinyMLP

    if kind not in MODELS:
        raise ValueError(f"unknown model {kind!r}: choose among {list(MODELS)}")
    return TinyMLP(hidden=MODELS[kind], n_classes=2, activation="tanh", lr=0.05, seed=seed)


def train(model, X, y, *, steps: int = 400, every: int = 50, callback=None):
    """Train ``steps`` steps; call ``callback(step, loss, accuracy)`` every ``every`` steps. Returns history."""
    history = []
    for s in range(1, steps + 1):
        loss = model.step(X, y)
        if s % every == 0 or s == steps:
            acc = model.score(X, y)
            history.append((s, loss, acc))
            if callback is not None:
                callback(s, loss, acc)
    return history


def grid(resolution: int = 40) -> np.ndarray:
    """Centres of a ``resolution`` x ``resolution`` grid over the square, row by row from the top."""
    c = (np.arange(resolution) + 0.5) / resolution * 2 - 1
    gx, gy = np.meshgrid(c, -c)
    return np.c_[gx.ravel(), gy.ravel()]


def boundary_colours(model, resolution: int = 40) -> np.ndarray:
    """Colour of each grid cell: blue where the model says class 0, orange for class 1, paler where it hesitates."""
    p1 = model.predict_proba(grid(resolution))[:, 1]
    rgb = _RGB[(p1 > 0.5).astype(int)]
    strength = 0.25 + 0.35 * np.abs(2 * p1 - 1)[:, None]
    return (strength * rgb + (1 - strength) * 255).astype(np.uint8)


@lru_cache(maxsize=32)
def fitted(name: str, kind: str, *, steps: int = 300, seed: int = 0):
    """The preset's points and a model trained on them (cached: the comparison and the plots share them)."""
    X, y = make_preset(name, seed=seed)
    return X, y, make_model(kind, seed=seed).fit(X, y, steps=steps)


def compare(presets=("nuages", "xor", "cercles", "spirales"), *, steps: int = 300, seed: int = 0):
    """Accuracy on the points of each preset, for each model: a pandas table."""
    import pandas as pd

    rows = []
    for name in presets:
        row = {"forme": PRESETS[name]}
        for kind in MODELS:
            X, y, model = fitted(name, kind, steps=steps, seed=seed)
            row[kind] = model.score(X, y)
        rows.append(row)
    return pd.DataFrame(rows).set_index("forme")


def plot_boundaries(presets=("xor", "cercles", "spirales"), *, steps: int = 300, seed: int = 0):
    """For each preset, the boundary of the linear model and of the small network, side by side."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(MODELS), len(presets), figsize=(3.2 * len(presets), 6.4))
    for j, name in enumerate(presets):
        for i, kind in enumerate(MODELS):
            ax = axes[i, j]
            X, y, m = fitted(name, kind, steps=steps, seed=seed)
            img = boundary_colours(m, 60).reshape(60, 60, 3)
            ax.imshow(img, extent=(-1, 1, -1, 1))
            ax.scatter(X[:, 0], X[:, 1], c=[COLOURS[k] for k in y], s=14, edgecolors="white", linewidths=0.5)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{PRESETS[name]}, {kind} : {100 * m.score(X, y):.0f} %", fontsize=10)
    fig.tight_layout()
    return fig




class Playground:
    """Click (or touch) to place points, pick a model, train live, watch the boundary."""

    def __init__(self, size: int = 420, *, resolution: int = 30, big: bool = False):
        import ipywidgets as w
        from ipycanvas import Canvas

        self.size, self.resolution = size, resolution
        self.radius = 10 if big else 7
        self.X = np.zeros((0, 2))
        self.y = np.zeros(0, dtype=int)
        self.model = None
        font = "26px" if big else "16px"
        self.canvas = Canvas(width=size, height=size,
                             layout=w.Layout(width=f"{size}px", height=f"{size}px", border="3px solid #333"))
        self.canvas.add_class("civicai-playground")
        self.colour = w.ToggleButtons(options=[("● bleu", 0), ("● orange", 1)], value=0,
                                      description="Couleur :")
        self.kind = w.ToggleButtons(options=list(MODELS), value="petit réseau", description="Modèle :")
        self.preset = w.Dropdown(options=[("(choisir une forme)", "")] + [(v, k) for k, v in PRESETS.items()],
                                 value="", description="Forme :",
                                 layout=w.Layout(width="470px" if big else "auto"))
        self.train_button = w.Button(description="Entraîner", button_style="success", icon="play",
                                     layout=w.Layout(width="200px", height="60px"))
        self.clear_button = w.Button(description="Tout effacer", icon="eraser",
                                     layout=w.Layout(width="200px", height="60px"))
        for b in (self.train_button, self.clear_button):
            b.style.font_size = font
        self.status = w.HTML(self._status("Cliquez dans le carré pour placer des points."))
        self.status.add_class("civicai-status")
        self.canvas.on_client_ready(self.redraw)
        self.canvas.on_mouse_down(self._click)
        self.canvas.on_touch_start(lambda t: t and self._click(*t[0]))
        self.preset.observe(self._on_preset, "value")
        self.kind.observe(lambda _: self._reset_model(), "value")
        self.train_button.on_click(lambda _: self.train())
        self.clear_button.on_click(lambda _: self.set_points(np.zeros((0, 2)), np.zeros(0, dtype=int)))
        self.big = big
        self.redraw()
        controls = w.VBox([self.colour, self.preset, self.kind, w.HBox([self.train_button, self.clear_button]),
                           self.status], layout=w.Layout(margin="0 0 0 30px"))
        if big:
            controls.add_class("civicai-playground")
            controls.children = (w.HTML(widgets_css()),) + controls.children
        self.widget = w.HBox([self.canvas, controls], layout=w.Layout(gap="30px", align_items="flex-start"))

    def _status(self, text: str) -> str:
        size = "26px" if getattr(self, "big", False) else "16px"
        return f"<div style='font-size:{size};max-width:520px'>{text}</div>"

    # --- coordinates ----------------------------------------------------------------------------
    def to_canvas(self, X: np.ndarray) -> np.ndarray:
        return np.c_[(X[:, 0] + 1) / 2 * self.size, (1 - X[:, 1]) / 2 * self.size]

    def to_square(self, px: float, py: float) -> tuple[float, float]:
        return px / self.size * 2 - 1, 1 - py / self.size * 2

    # --- events ---------------------------------------------------------------------------------
    def _click(self, px, py):
        x, yv = self.to_square(px, py)
        self.set_points(np.vstack([self.X, [[x, yv]]]), np.append(self.y, self.colour.value), keep_model=True)

    def _on_preset(self, change):
        if change["new"]:
            X, y = make_preset(change["new"], seed=0)
            self.set_points(X, y)

    def _reset_model(self):
        self.model = None
        self.redraw()
        self.status.value = self._status("Nouveau modèle : appuyez sur « Entraîner ».")

    def set_points(self, X, y, *, keep_model: bool = False):
        self.X, self.y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y, dtype=int)
        if not keep_model:
            self.model = None
        self.redraw()
        n0, n1 = int((self.y == 0).sum()), int((self.y == 1).sum())
        self.status.value = self._status(f"{n0} points bleus, {n1} points orange. "
                                         "Appuyez sur « Entraîner » quand vous voulez.")

    def train(self, steps: int = 300, every: int = 30):
        """Train the chosen model live on the current points, redrawing the boundary as it learns."""
        if len(set(self.y.tolist())) < 2:
            self.status.value = self._status("Il faut des points des deux couleurs pour entraîner.")
            return None
        if self.model is None:
            self.model = make_model(self.kind.value)

        def show(step, loss, acc):
            self.redraw()
            self.status.value = self._status(
                f"Étape {self.model.n_steps} : {100 * acc:.0f} % des points du bon côté.")

        history = train(self.model, self.X, self.y, steps=steps, every=every, callback=show)
        acc = history[-1][2]
        verdict = ("Toutes les couleurs sont du bon côté." if acc == 1 else
                   "Certains points restent du mauvais côté : "
                   + ("une ligne droite ne suffit pas ici. Essayez le petit réseau."
                      if self.kind.value == "linéaire" else "entraînez encore, ou ajoutez des points."))
        self.status.value = self._status(f"Étape {self.model.n_steps} : {100 * acc:.0f} % des points du bon "
                                         f"côté. {verdict}")
        return acc

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self):
        from ipycanvas import hold_canvas

        from civicai.upstream.ipycanvas import forget_target

        c, s, r = self.canvas, self.size, self.resolution
        cell = s / r
        forget_target(c)
        with hold_canvas(c):
            c.clear()
            if self.model is not None:
                cols = boundary_colours(self.model, r)
                idx = np.arange(r * r)
                c.fill_styled_rects((idx % r) * cell, (idx // r) * cell, cell + 0.5, cell + 0.5, color=cols)
            else:
                c.fill_style = "#f4f4f4"
                c.fill_rect(0, 0, s, s)
            if len(self.y):
                pts = self.to_canvas(self.X)
                for k in (0, 1):
                    sel = pts[self.y == k]
                    if len(sel):
                        c.fill_style = COLOURS[k]
                        c.fill_circles(sel[:, 0], sel[:, 1], self.radius)
                        c.stroke_style = "white"
                        c.line_width = 1.5
                        c.stroke_circles(sel[:, 0], sel[:, 1], self.radius)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
