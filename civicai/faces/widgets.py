"""Widgets and plots of module 2: notebooks and kiosk demos.

Demos never use a camera and store nothing: every picture comes from the kit or from the
FairFace copy the operator configured. Each ``*_demo()`` returns the widget to display.
"""

from __future__ import annotations

import io

import numpy as np

from civicai.french import number, percent, significant

KIOSK_CSS = """
<style>
.civicai-kiosk, .civicai-kiosk .widget-label, .civicai-kiosk button, .civicai-kiosk .widget-readout,
.civicai-kiosk .widget-toggle-buttons button { font-size: 22px !important; }
.civicai-kiosk button { min-height: 56px; }
.civicai-kiosk .widget-toggle-buttons button { min-width: 150px; margin: 4px; }
.civicai-kiosk .widget-slider .noUi-handle, .civicai-kiosk .slider .noUi-handle
  { width: 40px !important; height: 40px !important; top: -14px !important; }
.civicai-kiosk h1 { font-size: 40px; margin: 8px 0; }
.civicai-kiosk .civicai-big { font-size: 40px; font-weight: bold; line-height: 1.2; }
.civicai-kiosk .widget-toggle-buttons .widget-toggle-button { width: auto !important; padding: 0 18px; }
.civicai-kiosk .widget-toggle-buttons { flex-wrap: wrap; }
.civicai-kiosk .civicai-intro { font-size: 24px; line-height: 1.4; max-width: 1100px; }
.civicai-kiosk .civicai-privacy { font-size: 18px; color: #333; background: #eef6ee;
  padding: 6px 12px; border-radius: 8px; display: inline-block; }
.civicai-kiosk .civicai-missing { font-size: 20px; background: #fff4e0; padding: 10px 16px;
  border-radius: 8px; max-width: 1100px; }
</style>
"""

PRIVACY_FR = ("Aucune caméra n'est utilisée et rien n'est enregistré : "
              "les images viennent du kit, pas de vous.")


def _w():
    import ipywidgets as w

    return w


def kiosk_header(title: str, sentences: tuple[str, str, str]):
    """Title, the three-sentence explanation and the privacy line of a kiosk demo."""
    w = _w()
    intro = " ".join(sentences)
    return w.HTML(f"{KIOSK_CSS}<h1>{title}</h1><p class='civicai-intro'>{intro}</p>"
                  f"<p class='civicai-privacy' id='civicai-privacy'>{PRIVACY_FR}</p>")


def kiosk_box(children):
    w = _w()
    box = w.VBox(children, layout=w.Layout(padding="12px"))
    box.add_class("civicai-kiosk")
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
    w = _w()
    colour = {True: "#1b7f3b", False: "#c62828", None: "#777"}[ok]
    img = w.Image(value=jpeg_bytes(image, side), format="jpeg",
                  layout=w.Layout(width=f"{side}px", height=f"{side}px",
                                  border=f"6px solid {colour}"))
    return w.VBox([img, w.HTML(f"<div style='width:{side + 12}px;font-size:16px'>{caption}</div>")],
                  layout=w.Layout(margin="4px"))


def tiles_box(tiles):
    w = _w()
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
    w = _w()
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


# --- Demo: the audit explorer ---------------------------------------------------------------

def audit_explorer_demo():
    """Kiosk demo: pick a group, see errors on real faces, move the threshold."""
    from civicai.faces import audit
    from civicai.faces.classify import quick_predictions, shipped_predictions
    from civicai.faces.data import GENDER_FR, RACE_FR, RACES, load_fairface

    w = _w()
    faces, missing = load_fairface()
    if faces is not None:
        preds = quick_predictions(faces.table)
        with_images = True
    else:
        preds = shipped_predictions()
        with_images = False
    header = kiosk_header(
        "Qui l'IA se trompe-t-elle ?",
        ("Une intelligence artificielle regarde des photos de visages et répond « femme » ou « homme ».",
         "Elle se trompe plus souvent pour certains groupes de personnes que pour d'autres.",
         "Choisissez un groupe pour voir ses erreurs, puis bougez le seuil : "
         "on déplace les erreurs, on ne les supprime pas."))
    parts = [header]
    if not with_images:
        parts.append(w.HTML(
            "<div class='civicai-missing' id='civicai-missing'><b>Les photos FairFace ne sont pas "
            "installées sur cette borne</b> : vous voyez les résultats enregistrés par l'équipe du kit "
            "(560 photos de l'échantillon FairFace), sans les visages.</div>"))
    options = [(RACE_FR[r], r) for r in RACES if r in set(preds["race"])]
    picker = w.ToggleButtons(options=options, value=options[0][1], description="",
                             style={"button_width": "auto"}, layout=w.Layout(width="auto"))
    threshold = w.FloatSlider(value=0.5, min=0.1, max=0.9, step=0.05, description="Seuil",
                              readout_format=".2f", continuous_update=False,
                              style={"description_width": "initial"},
                              layout=w.Layout(width="700px"))
    big = w.HTML()
    chart = w.Image(format="png", layout=w.Layout(width="900px"))
    gallery = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
    state = {}

    def update(*_):
        from matplotlib.figure import Figure

        t = threshold.value
        p = preds.copy()
        p["prediction"] = audit.predict_at_threshold(p, t) if t != 0.5 else p["prediction"]
        p["erreur"] = p["prediction"] != p["gender"]
        table = audit.quick_table(p, by=("race", "gender"))
        race = picker.value
        name = RACE_FR[race]
        bits = []
        for g in ("Female", "Male"):
            row = table.loc[(name, GENDER_FR[g])]
            who = "femmes" if g == "Female" else "hommes"
            bits.append(f"{int(row['erreurs'])} {who} sur {int(row['n'])}")
        total = audit.overall(p)
        big.value = (f"<p class='civicai-big' id='civicai-result'>Groupe « {name} » : "
                     f"erreurs pour {' et '.join(bits)}.</p>"
                     f"<p style='font-size:22px'>Sur toutes les photos : {total['erreurs']} erreurs sur "
                     f"{total['n']} ({percent(total['taux'])}). Seuil : {number(t, 2)}.</p>")
        fig = Figure(figsize=(9, 5.2))  # drawn to PNG: no pyplot state, works with any backend
        ax = fig.subplots()
        plot_error_rates(table, title="Taux d'erreur par groupe perçu et genre perçu",
                         highlight=name, ax=ax)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        chart.value = buf.getvalue()
        if with_images:
            sub = p[p["race"] == race]
            gallery.children = error_gallery(sub, n=10, side=120, only_errors=False).children
        state["table"] = table

    picker.observe(update, "value")
    threshold.observe(update, "value")
    update()
    note = w.HTML("<p style='font-size:18px'>Photos : FairFace (Kärkkäinen et Joo, 2021, licence "
                  "CC BY 4.0). Les groupes sont des catégories <i>perçues</i> par des annotateurs, pas "
                  "l'identité des personnes. 40 photos par case : les écarts sont incertains.</p>")
    parts += [picker, threshold, big, chart]
    if with_images:
        parts.append(w.HTML("<p style='font-size:20px'>Cadre rouge : l'IA s'est trompée. "
                            "Cadre vert : elle a bien répondu.</p>"))
        parts.append(gallery)
    parts.append(note)
    box = kiosk_box(parts)
    box.state = state
    box.controls = {"groupe": picker, "seuil": threshold}
    return box


# --- Demo and notebook 03: light and camera -------------------------------------------------

EXPOSURE_STEPS = ((1 / 128, "128 fois moins"), (1 / 64, "64 fois moins"), (1 / 32, "32 fois moins"), (1 / 16, "16 fois moins"), (1 / 8, "8 fois moins"),
                  (1 / 4, "4 fois moins"), (1 / 2, "2 fois moins"), (1.0, "normale"),
                  (2.0, "2 fois plus"), (4.0, "4 fois plus"), (8.0, "8 fois plus"))


def demo_faces(n: int = 6, detector: str = "haar"):
    """Faces for the light demo: the first ``n`` FairFace images (file order) whose face the
    ``detector`` finds in normal light; the shipped faces when FairFace is not configured.

    Returns ``(images, source text, missing message or "")``.
    """
    from civicai.faces.data import load_fairface_images, load_rgb, shipped_faces
    from civicai.faces.detect import detect_faces, prepare

    paths, missing = load_fairface_images()
    out = []
    if paths is not None:
        for path in paths:
            img = prepare(load_rgb(path))
            if detect_faces(img, detector):
                out.append(img)
            if len(out) == n:
                break
        return out, "FairFace (Kärkkäinen et Joo, 2021, CC BY 4.0)", ""
    for img in shipped_faces(40):
        img = prepare(img)
        if detect_faces(img, detector):
            out.append(img)
        if len(out) == n:
            break
    return out, "scikit-image (photo de la NASA et visages LFW)", missing


def light_demo(n: int = 6, detector: str = "haar"):
    """Kiosk demo: an exposure slider; the detector's hits and misses update live.

    OpenCV's Haar detector by default: it loads in 0.1 s where dlib's HOG takes 2 to 3 s.
    """
    from civicai.faces.detect import DETECTOR_FR, apply_condition, detect_faces, draw_boxes

    w = _w()
    images, source, missing = demo_faces(n, detector)
    header = kiosk_header(
        "Lumière et caméra",
        ("Une machine cherche des visages dans des photos, comme le ferait une caméra.",
         "Faites glisser le curseur pour donner moins ou plus de lumière à la photo.",
         "Dans le noir, la machine ne voit plus de visage : ce sont les conditions de prise de vue "
         "qui changent, pas les personnes."))
    parts = [header]
    if missing:
        parts.append(w.HTML("<div class='civicai-missing' id='civicai-missing'><b>Les photos "
                            "FairFace ne sont pas installées sur cette borne</b> : la démonstration "
                            "utilise les visages fournis avec le logiciel scikit-image.</div>"))
    slider = w.SelectionSlider(options=[(label, v) for v, label in EXPOSURE_STEPS], value=1.0,
                               description="Lumière", continuous_update=True,
                               style={"description_width": "initial"},
                               layout=w.Layout(width="800px"))
    big = w.HTML()
    grid = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
    state = {}

    def update(*_):
        level = slider.value
        tiles, found = [], 0
        for i, img in enumerate(images):
            changed = apply_condition(img, "exposition", level, seed=i)
            boxes = detect_faces(changed, detector)
            found += bool(boxes)
            shown = draw_boxes(changed, boxes) if boxes else changed
            tiles.append(face_tile(shown, "visage trouvé" if boxes else "<b>aucun visage</b>",
                                   ok=bool(boxes), side=170))
        grid.children = tiles
        state["found"] = found
        big.value = (f"<p class='civicai-big' id='civicai-result'>Visages trouvés : {found} sur "
                     f"{len(images)}</p><p style='font-size:22px'>Lumière : {slider.label}.</p>")

    slider.observe(update, "value")
    update()
    parts += [slider, big, grid,
              w.HTML(f"<p style='font-size:18px'>Détecteur : {DETECTOR_FR[detector]}. Photos : {source}. "
                     "Quand une caméra rate un visage, le système peut rejeter une personne "
                     "(porte qui ne s'ouvre pas) : les mauvaises conditions de lumière touchent "
                     "d'abord celles et ceux qui sont mal éclairés.</p>")]
    box = kiosk_box(parts)
    box.state = state
    box.controls = {"lumiere": slider}
    return box


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

    w = _w()
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


# --- Demo and notebook 04: the crowd and the list ---------------------------------------------

PASSERS_CHOICES = (1_000, 10_000, 50_000, 100_000, 300_000, 700_000)
WATCHLIST_CHOICES = (10, 100, 1_000, 10_000, 100_000)


def crowd_demo(*, kiosk: bool = True):
    """The 1:N false-alarm simulator: sliders in, alarms out (HTML only: starts instantly)."""
    from civicai.faces.crowd import FMR_CHOICES, crowd_alarms, fmt_fmr
    from civicai.french import integer as fmt_int

    w = _w()
    passers = w.SelectionSlider(options=[(fmt_int(v), v) for v in PASSERS_CHOICES], value=100_000,
                                description="Passants par jour", style={"description_width": "initial"},
                                layout=w.Layout(width="800px"))
    watch = w.SelectionSlider(options=[(fmt_int(v), v) for v in WATCHLIST_CHOICES], value=1_000,
                              description="Visages sur la liste", style={"description_width": "initial"},
                              layout=w.Layout(width="800px"))
    fmr = w.SelectionSlider(options=[(fmt_fmr(v), v) for v in FMR_CHOICES], value=1e-5,
                            description="Erreur par comparaison", style={"description_width": "initial"},
                            layout=w.Layout(width="800px"))
    wanted = w.IntSlider(value=2, min=0, max=20, description="Personnes recherchées qui passent",
                         style={"description_width": "initial"}, layout=w.Layout(width="800px"))
    out = w.HTML()
    state = {}

    def update(*_):
        r = crowd_alarms(fmr=fmr.value, watchlist=watch.value, passers=passers.value,
                         wanted=wanted.value, hit_rate=0.9)
        state.update(r)
        false, true = r["fausses_alertes"], r["vraies_alertes"]
        share = r["part_vraies"]
        dots = 100
        red = round(dots * (1 - share)) if (false + true) else 0
        grid = "".join("<span style='color:#c62828'>●</span>" if i < red else
                       "<span style='color:#1b7f3b'>●</span>" for i in range(dots))
        if false + true == 0:
            verdict = "Aucune alerte."
        elif share < 0.5:
            verdict = (f"Sur 100 alertes, environ <b>{round(100 * share)}</b> concernent vraiment une "
                       "personne recherchée : presque toutes les alertes visent des innocents.")
        else:
            verdict = (f"Sur 100 alertes, environ <b>{round(100 * share)}</b> concernent vraiment une "
                       "personne recherchée.")
        out.value = (
            f"<p class='civicai-big' id='civicai-result'>{fmt_int(false)} fausse(s) alerte(s) par jour</p>"
            f"<p style='font-size:24px'>{true:.1f} vraie(s) alerte(s) par jour "
            f"(si la machine reconnaît 9 personnes recherchées sur 10).</p>"
            f"<p style='font-size:24px'>{verdict}</p>"
            f"<div style='font-size:26px;line-height:1;max-width:700px;word-wrap:break-word'>{grid}</div>"
            f"<p style='font-size:18px'>Rouge : fausse alerte (une personne innocente signalée, puis "
            f"contrôlée). Vert : vraie alerte. Chaque passant est comparé aux {fmt_int(watch.value)} "
            f"visages de la liste ; chaque comparaison se trompe {fmt_fmr(fmr.value)} fois. "
            f"Risque pour un passant innocent d'être signalé : "
            f"{significant(r['p_passant'] * 100, 3)} %.</p>")

    for s in (passers, watch, fmr, wanted):
        s.observe(update, "value")
    update()
    controls = [passers, watch, fmr, wanted, out]
    if kiosk:
        header = kiosk_header(
            "La foule et la liste",
            ("Dans une gare, une caméra compare le visage de chaque passant à une liste de personnes "
             "recherchées.",
             "Chaque comparaison a une toute petite chance de se tromper, mais il y a des milliers de "
             "passants et de visages sur la liste.",
             "Bougez les curseurs et comptez les fausses alertes : les chiffres sont des hypothèses, "
             "pas ceux d'un vrai système."))
        box = kiosk_box([header] + controls)
    else:
        box = w.VBox(controls)
    box.state = state
    box.controls = {"passants": passers, "liste": watch, "fmr": fmr, "recherches": wanted}
    return box


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
