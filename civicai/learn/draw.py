"""« Dessine un chiffre »: turn strokes drawn on a canvas into an 8x8 digit, and guess it.

The drawing is turned into a picture like scikit-learn's digits (Alpaydin and Kaynak, 1998: a 32x32
black-and-white bitmap cut into 4x4 blocks, each block counting its black pixels, 0 to 16), then a small
numpy network shipped with the package (``data/digits_mlp.npz``, ~20 kB, rebuilt by
``python -m civicai.learn.draw build``) gives a probability for each digit. No torch, no scikit-learn
at run time: the kiosk kernel stays light and starts fast.

>>> strokes = [[(50, 10), (50, 90)]]          # one vertical stroke: a "1"
>>> img = strokes_to_digit(strokes)
>>> img.shape, float(img.max()) <= 16
((64,), True)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("data") / "digits_mlp.npz"
_HIDDEN = (64,)


def strokes_to_digit(strokes, *, pen: float = 2.0, box: int = 32, fill: float = 26.0) -> np.ndarray:
    """Rasterise strokes (lists of (x, y) points, any scale) into a 64-vector of values 0..16.

    The drawing is scaled so that its larger side spans ``fill`` of the ``box`` pixels and centred,
    drawn with a pen of radius ``pen`` pixels, then cut into 4x4 blocks whose black pixels are counted.
    Returns zeros for an empty drawing.
    """
    pts = [np.asarray(s, dtype=float).reshape(-1, 2) for s in strokes if len(s)]
    if not pts:
        return np.zeros(box * box // 16)
    allp = np.vstack(pts)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    span = max(float((hi - lo).max()), 1e-9)
    scale = fill / span
    centre = (lo + hi) / 2
    segs = []
    for s in pts:
        s = (s - centre) * scale + box / 2
        if len(s) == 1:
            s = np.vstack([s, s])
        segs.append(np.stack([s[:-1], s[1:]], axis=1))
    segs = np.concatenate(segs)                              # (m, 2, 2)
    yy, xx = np.mgrid[0:box, 0:box] + 0.5
    pix = np.stack([xx.ravel(), yy.ravel()], axis=1)          # (box*box, 2) as (x, y)
    a, b = segs[:, 0], segs[:, 1]
    ab = b - a
    denom = np.maximum((ab ** 2).sum(axis=1), 1e-12)
    t = np.clip(((pix[:, None, :] - a[None]) * ab[None]).sum(axis=2) / denom[None], 0, 1)
    closest = a[None] + t[..., None] * ab[None]
    dist = np.sqrt(((pix[:, None, :] - closest) ** 2).sum(axis=2)).min(axis=1)
    bitmap = (dist <= pen).reshape(box, box)
    blocks = bitmap.reshape(box // 4, 4, box // 4, 4).sum(axis=(1, 3))
    return blocks.ravel().astype(float)


def _shift(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    imgs = X.reshape(-1, 8, 8)
    out = np.zeros_like(imgs)
    src = imgs[:, max(0, -dy):8 - max(0, dy), max(0, -dx):8 - max(0, dx)]
    out[:, max(0, dy):8 - max(0, -dy), max(0, dx):8 - max(0, -dx)] = src
    return out.reshape(len(X), 64)


def augment(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training digits plus copies shifted by one pixel in each direction (drawings are rarely centred
    like the originals)."""
    shifts = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
    return np.vstack([_shift(X, dx, dy) for dx, dy in shifts]), np.concatenate([y] * len(shifts))


def build_model(path: Path | None = MODEL_FILE, *, seed: int = 0, steps: int = 1500):
    """Train the drawing demo's network on the training part of the digits; save it; return (net, test acc)."""
    from civicai.learn.digits import load_split
    from civicai.learn.mlp import TinyMLP

    data = load_split(seed=seed)
    X, y = augment(data.X_train, data.y_train)
    net = TinyMLP(hidden=_HIDDEN, n_classes=10, activation="relu", lr=0.01, l2=1e-4, seed=seed)
    net.fit(X / 16, y, steps=steps, batch_size=256)
    acc = net.score(data.X_test / 16, data.y_test)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        net.save(path)
    return net, acc


_MODEL = None


def load_model():
    """The shipped network (loaded once per kernel)."""
    global _MODEL
    if _MODEL is None:
        from civicai.errors import UserError
        from civicai.learn.mlp import TinyMLP

        if not MODEL_FILE.is_file():
            raise UserError(f"Modèle introuvable : {MODEL_FILE}. Reconstruisez-le avec "
                            "« python -m civicai.learn.draw build ».")
        _MODEL = TinyMLP.load(MODEL_FILE)
    return _MODEL


def guess(strokes, *, top: int = 3) -> list[tuple[int, float]]:
    """The ``top`` most likely digits for a drawing, as (digit, probability), most likely first."""
    img = strokes_to_digit(strokes)
    if not img.any():
        return []
    p = load_model().predict_proba(img[None] / 16)[0]
    order = np.argsort(-p)[:top]
    return [(int(d), float(p[d])) for d in order]


# --- the kiosk widget ---------------------------------------------------------------------

_BAR = ("<div style='display:flex;align-items:center;gap:14px;margin:8px 0;font-size:30px'>"
        "<span style='font-size:56px;font-weight:bold;width:50px;text-align:center'>{d}</span>"
        "<span style='display:inline-block;height:34px;width:{w}px;background:{c};border-radius:6px'></span>"
        "<span>{p} %</span></div>")


def guesses_html(guesses) -> str:
    """Big, readable bars for the top guesses (French)."""
    if not guesses:
        return ("<p class='civicai-guess' style='font-size:28px;color:#555'>"
                "Dessinez un chiffre de 0 à 9 dans le cadre.</p>")
    rows = "".join(_BAR.format(d=d, w=max(4, int(300 * p)), p=round(100 * p),
                               c="#1f6f3f" if i == 0 else "#9bb8a5") for i, (d, p) in enumerate(guesses))
    return (f"<div class='civicai-guess'><p style='font-size:28px;margin:0 0 6px'>"
            f"Je pense que c'est un <b data-guess='{guesses[0][0]}'>{guesses[0][0]}</b>.</p>{rows}</div>")


def seen_html(img: np.ndarray) -> str:
    """What the model sees: the 8x8 grid of grey values, as HTML squares."""
    cells = "".join(f"<span style='width:18px;height:18px;background:rgb({g},{g},{g})'></span>"
                    for g in (255 - np.asarray(img) * 255 / 16).astype(int))
    return ("<div style='font-size:20px'>Ce que l'IA voit (8 × 8 cases) :</div>"
            "<div style='display:grid;grid-template-columns:repeat(8,18px);gap:1px;background:#ccc;"
            f"width:max-content;border:1px solid #999'>{cells}</div>")


class DrawingDemo:
    """A canvas to draw on with a mouse or a finger, live guesses, and an « Effacer » button."""

    def __init__(self, size: int = 360, *, line_width: float = 22):
        import ipywidgets as w
        from ipycanvas import Canvas

        self.size, self.line_width = size, line_width
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False
        self.canvas = Canvas(width=size, height=size,
                             layout=w.Layout(width=f"{size}px", height=f"{size}px",
                                             border="3px solid #333", border_radius="8px"))
        self.canvas.add_class("civicai-draw")
        self.result = w.HTML(guesses_html([]))
        self.seen = w.HTML(seen_html(np.zeros(64)))
        self.clear_button = w.Button(description="Effacer", icon="eraser",
                                     layout=w.Layout(width="220px", height="70px"))
        self.clear_button.style.font_size = "28px"
        self.clear_button.add_class("civicai-effacer")
        self.clear_button.on_click(lambda _: self.clear())
        self.canvas.on_client_ready(self._redraw)
        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._up)
        self.canvas.on_touch_start(lambda t: t and self._down(*t[0]))
        self.canvas.on_touch_move(lambda t: t and self._move(*t[0]))
        self.canvas.on_touch_end(lambda t: self._up())
        self._clear_canvas()
        self.widget = w.HBox([w.VBox([self.canvas, self.clear_button]), w.VBox([self.result, self.seen])],
                             layout=w.Layout(gap="40px", align_items="flex-start"))

    def _clear_canvas(self):
        from civicai.upstream.ipycanvas import forget_target

        forget_target(self.canvas)
        self.canvas.fill_style = "white"
        self.canvas.fill_rect(0, 0, self.size, self.size)
        self.canvas.stroke_style = "black"
        self.canvas.line_width = self.line_width
        self.canvas.line_cap = "round"
        self.canvas.line_join = "round"

    def _redraw(self):
        """Draw the current strokes again (when a page connects or reconnects)."""
        self._clear_canvas()
        for stroke in self.strokes:
            for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
                self.canvas.stroke_line(x0, y0, x1, y1)

    def clear(self):
        self.strokes = []
        self._drawing = False
        self._clear_canvas()
        self.update()

    def _down(self, x, y):
        from civicai.upstream.ipycanvas import forget_target

        forget_target(self.canvas)
        self._drawing = True
        self.strokes.append([(x, y)])
        self.canvas.fill_style = "black"
        self.canvas.fill_circle(x, y, self.line_width / 2)
        self.canvas.stroke_style = "black"
        self.canvas.line_width = self.line_width

    def _move(self, x, y):
        if not self._drawing:
            return
        stroke = self.strokes[-1]
        x0, y0 = stroke[-1]
        if (x - x0) ** 2 + (y - y0) ** 2 < 9:
            return
        stroke.append((x, y))
        self.canvas.stroke_line(x0, y0, x, y)
        if len(stroke) % 8 == 0:
            self.update()

    def _up(self, *_):
        if self._drawing:
            self._drawing = False
            self.update()

    def update(self):
        self.result.value = guesses_html(guess(self.strokes))
        self.seen.value = seen_html(strokes_to_digit(self.strokes))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        _, acc = build_model()
        print(f"saved {MODEL_FILE} ({MODEL_FILE.stat().st_size} bytes), test accuracy {acc:.3f}")
    else:
        print("usage: python -m civicai.learn.draw build", file=sys.stderr)
        raise SystemExit(2)
