"""Widgets and plots of module 2 for the notebooks, and the pieces the kiosk demos (demos.py) share.

Demos never use a camera and store nothing: every picture comes from the kit or from the
FairFace copy the operator configured. Each ``*_demo()`` returns the widget to display.
"""

from __future__ import annotations

import io

import numpy as np

from civicai.kiosk.style import widgets_css

PRIVACY_FR = ("Aucune caméra n'est utilisée et rien n'est enregistré : "
              "les images viennent du kit, pas de vous.")


def ipywidgets():
    """ipywidgets, imported on first use (the charts' callers never need it)."""
    import ipywidgets as w

    return w


def kiosk_header(title: str, sentences: tuple[str, str, str]):
    """Title, the three-sentence explanation and the privacy line of a kiosk demo."""
    w = ipywidgets()
    intro = " ".join(sentences)
    return w.HTML(f"{widgets_css()}<h1>{title}</h1><p class='civicai-intro'>{intro}</p>"
                  f"<p class='civicai-privacy' id='civicai-privacy'>{PRIVACY_FR}</p>")


def kiosk_box(children):
    w = ipywidgets()
    box = w.VBox(children, layout=w.Layout(padding="12px"))
    box.add_class("civicai-kiosk")
    box.add_class("civicai-faces")
    return box


def jpeg_bytes(image: np.ndarray, side: int | None = None, quality: int = 85) -> bytes:
    """An RGB array as JPEG bytes (for ``ipywidgets.Image``), optionally resized."""
    from PIL import Image

    im = Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8))
    if side:
        im = im.resize((side, side))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def face_tile(image: np.ndarray, caption: str, *, ok: bool | None = None, side: int = 140):
    """A thumbnail with a coloured frame (green ok, red wrong, grey unknown) and a caption."""
    w = ipywidgets()
    colour = {True: "#1b7f3b", False: "#c62828", None: "#777"}[ok]
    img = w.Image(value=jpeg_bytes(image, side), format="jpeg",
                  layout=w.Layout(width=f"{side}px", height=f"{side}px",
                                  border=f"6px solid {colour}"))
    return w.VBox([img, w.HTML(f"<div style='width:{side + 12}px;font-size:16px'>{caption}</div>")],
                  layout=w.Layout(margin="4px"))


def tiles_box(tiles):
    w = ipywidgets()
    return w.Box(tiles, layout=w.Layout(display="flex", flex_flow="row wrap"))


def show_missing(message: str):
    """Display the French missing-data explanation (Markdown) in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown("> ⚠️ " + message.replace("\n", "\n> ")))


# --- Notebook 01: detection, then classification; score and threshold --------------------------

def show_detections(images, titles=None, *, detectors=("hog", "haar")):
    """A figure: each image with the boxes of each detector (green HOG, orange Haar)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from civicai.faces.detect import DETECTOR_FR, detect_faces

    colours = {"hog": "#1b7f3b", "haar": "#e67e00"}
    fig, axes = plt.subplots(1, len(images), figsize=(3 * len(images), 3.4), squeeze=False)
    found = []
    for i, (ax, img) in enumerate(zip(axes[0], images)):
        ax.imshow(img, cmap="gray")
        ax.set_axis_off()
        counts = []
        for det in detectors:
            boxes = detect_faces(img, det)
            counts.append(len(boxes))
            for left, top, right, bottom in boxes:
                ax.add_patch(Rectangle((left, top), right - left, bottom - top, fill=False,
                                       lw=2.5, ec=colours[det]))
        found.append(counts)
        label = titles[i] if titles else ""
        ax.set_title(label + "\n" + " / ".join(f"{DETECTOR_FR[d]} : {c}" for d, c in zip(detectors, counts)),
                     fontsize=9)
    fig.suptitle("Cadres verts : détecteur dlib HOG. Cadres orange : détecteur OpenCV Haar.", fontsize=10)
    fig.tight_layout()
    plt.show()
    return found


def threshold_explorer(images, scores, labels=None):
    """Slider over the threshold: each face is called « femme » when its score reaches it.

    ``scores`` are the classifier's probabilities for "female"; ``labels`` (FairFace's
    ``Female``/``Male``) are optional: with them, tiles turn red when the answer is wrong.
    """
    w = ipywidgets()
    slider = w.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="Seuil",
                           readout_format=".2f", continuous_update=True,
                           layout=w.Layout(width="600px"))
    box = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
    summary = w.HTML()

    def update(*_):
        t = slider.value
        tiles, wrong = [], 0
        for img, s, lab in zip(images, scores, labels if labels is not None else [None] * len(images)):
            answer = "Female" if s >= t else "Male"
            ok = None if lab is None else answer == lab
            wrong += ok is False
            word = "femme" if answer == "Female" else "homme"
            tiles.append(face_tile(img, f"score {s:.2f} → « {word} »", ok=ok, side=110))
        box.children = tiles
        summary.value = (f"<b>Seuil {t:.2f}</b> : un score au-dessus du seuil donne « femme », "
                         "en dessous « homme »."
                         + (f" Erreurs : <b>{wrong} sur {len(images)}</b>." if labels is not None else ""))

    slider.observe(update, "value")
    update()
    return w.VBox([slider, summary, box])


# --- Notebook 02 and the audit explorer: charts ----------------------------------------------

def plot_error_rates(table, *, title="Taux d'erreur du classifieur de genre", highlight=None, ax=None,
                     reference=None):
    """Horizontal bars of the error rate per group, with bootstrap intervals and ``n``.

    ``table`` is :func:`civicai.faces.audit.audit_table`'s output (one or two index levels).
    """
    import matplotlib.pyplot as plt

    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(8, 0.38 * len(table) + 1.2))
    labels = [" · ".join(k) if isinstance(k, tuple) else str(k) for k in table.index]
    y = np.arange(len(table))[::-1]
    colours = ["#c62828" if highlight and highlight in lab else "#4a6fa5" for lab in labels]
    ax.barh(y, table["taux"] * 100, color=colours)
    if "ic_bas" in table:
        lo = (table["taux"] - table["ic_bas"]).clip(lower=0) * 100
        hi = (table["ic_haut"] - table["taux"]).clip(lower=0) * 100
        ax.errorbar(table["taux"] * 100, y, xerr=[lo, hi], fmt="none", ecolor="#222", capsize=3, lw=1)
    for yi, (rate, err, n) in zip(y, zip(table["taux"], table["erreurs"], table["n"])):
        ax.text(1, yi, f"{err}/{n}", va="center", ha="left", color="white", fontsize=9, weight="bold")
    if reference is not None:
        ax.axvline(reference * 100, color="#333", ls="--", lw=1)
        ax.text(reference * 100, y.max() + 0.7, " ensemble", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlabel("taux d'erreur (%) ; trait noir : intervalle de confiance à 95 %")
    ax.set_xlim(0, max(50, float(table.get("ic_haut", table["taux"]).max()) * 100 + 5))
    ax.set_title(title)
    if own:
        fig.tight_layout()
        plt.show()
    return ax


def plot_threshold_sweep(sweep, *, column="genre", current=None):
    """Error rate of each group as the threshold moves (from :func:`audit.threshold_sweep`)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for group, part in sweep.groupby(column):
        ax.plot(part["seuil"], part["taux"] * 100, marker="o", ms=3, label=str(group))
    if current is not None:
        ax.axvline(current, color="#333", ls="--", lw=1)
    ax.set_xlabel("seuil (score minimum pour répondre « femme »)")
    ax.set_ylabel("taux d'erreur (%)")
    ax.legend(title=column)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.show()


def error_gallery(preds, *, race=None, n=12, side=110, only_errors=True, seed=0):
    """Thumbnails of faces of one group, errors first (red frame); needs the images."""
    from civicai.faces.data import GENDER_FR, load_rgb

    table = preds if race is None else preds[preds["race"] == race]
    wrong = table[table["erreur"]]
    right = table[~table["erreur"]].sample(frac=1, random_state=seed)
    if only_errors:
        pick = wrong
    else:
        import pandas as pd

        pick = pd.concat([wrong, right])
    tiles = []
    for _, row in pick.head(n).iterrows():
        said = GENDER_FR[row["prediction"]].lower()
        tiles.append(face_tile(load_rgb(row["path"]), f"étiquette : {GENDER_FR[row['gender']].lower()}"
                               f"<br>réponse : {said}", ok=not row["erreur"], side=side))
    return tiles_box(tiles)


def plot_detection_rates(rates):
    """One small plot per condition: detection rate against the level, per detector."""
    import matplotlib.pyplot as plt

    from civicai.faces.detect import CONDITIONS, DETECTOR_FR

    conds = list(dict.fromkeys(rates["condition"]))
    fig, axes = plt.subplots(1, len(conds), figsize=(3.6 * len(conds), 3.3), squeeze=False)
    for ax, cond in zip(axes[0], conds):
        label, _, neutral, unit = CONDITIONS[cond]
        part = rates[rates["condition"] == cond]
        for det, d in part.groupby("detecteur"):
            ax.plot(d["niveau"], d["taux"] * 100, marker="o", label=DETECTOR_FR[det])
        if cond == "exposition":
            ax.set_xscale("log", base=2)
        ax.axvline(neutral, color="#999", ls=":", lw=1)
        ax.set_title(label)
        ax.set_xlabel(unit, fontsize=8)
        ax.set_ylim(-3, 103)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("visages trouvés (%)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    plt.show()


def condition_explorer(images):
    """Notebook widget: choose a condition and a level, see the images and the detections."""
    from civicai.faces.detect import CONDITIONS, apply_condition, detect_faces, draw_boxes

    w = ipywidgets()
    cond = w.Dropdown(options=[(v[0], k) for k, v in CONDITIONS.items()], value="exposition",
                      description="Condition")
    level = w.SelectionSlider(options=list(CONDITIONS["exposition"][1]), value=1.0, description="Niveau",
                              layout=w.Layout(width="500px"))
    grid = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
    text = w.HTML()

    def on_cond(*_):
        levels = list(CONDITIONS[cond.value][1])
        level.options = levels
        level.value = CONDITIONS[cond.value][2]
        update()

    def update(*_):
        tiles, found = [], 0
        for i, img in enumerate(images):
            changed = apply_condition(img, cond.value, level.value, seed=i)
            boxes = detect_faces(changed, "hog")
            found += bool(boxes)
            tiles.append(face_tile(draw_boxes(changed, boxes), "trouvé" if boxes else "raté",
                                   ok=bool(boxes), side=110))
        grid.children = tiles
        text.value = f"<b>{found} visage(s) trouvé(s) sur {len(images)}</b> ({CONDITIONS[cond.value][3]} : {level.value})"

    cond.observe(on_cond, "value")
    level.observe(update, "value")
    update()
    return w.VBox([cond, level, text, grid])


def plot_one_vs_many(fmr: float = 1e-5):
    """Chance that one innocent person is flagged, as the watchlist grows (log scales)."""
    import matplotlib.pyplot as plt

    from civicai.faces.crowd import fmt_fmr, verification_vs_identification

    table = verification_vs_identification(fmr)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.loglog(table["taille_liste"], table["p_fausse_alerte"] * 100, marker="o")
    ax.set_xlabel("nombre de visages sur la liste (1 = vérification 1:1)")
    ax.set_ylabel("risque de fausse alerte (%)")
    ax.set_title(f"Une personne innocente, erreur par comparaison : {fmt_fmr(fmr)}")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    plt.show()
    return table
