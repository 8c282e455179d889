"""The kiosk demos of module 2: the audit explorer, light and camera, the crowd and the list.

Each ``*_demo()`` returns the widget a Voilà page shows; the notebook helpers and the shared pieces they
build on (kiosk header, face tiles, charts) live in :mod:`civicai.faces.widgets`.
"""

from __future__ import annotations

import itertools

from civicai.faces.widgets import (error_gallery, face_tile, ipywidgets, kiosk_box, kiosk_header,
                                   plot_error_rates)
from civicai.figures import image_bytes
from civicai.french import number, percent, significant

# --- Demo: the audit explorer ---------------------------------------------------------------

def audit_explorer_demo():
    """Kiosk demo: pick a group, see errors on real faces, move the threshold."""
    from civicai.faces import audit
    from civicai.faces.classify import quick_predictions, shipped_predictions
    from civicai.faces.data import GENDER_FR, RACE_FR, RACES, load_fairface

    w = ipywidgets()
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
        chart.value = image_bytes(fig, "png", dpi=80)
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

    def first_found(images) -> list:  # images are read one by one, until n faces are found
        found = (img for img in map(prepare, images) if detect_faces(img, detector))
        return list(itertools.islice(found, n))

    paths, missing = load_fairface_images()
    if paths is not None:
        return first_found(map(load_rgb, paths)), "FairFace (Kärkkäinen et Joo, 2021, CC BY 4.0)", ""
    return first_found(shipped_faces(40)), "scikit-image (photo de la NASA et visages LFW)", missing


def light_demo(n: int = 6, detector: str = "haar"):
    """Kiosk demo: an exposure slider; the detector's hits and misses update live.

    OpenCV's Haar detector by default: it loads in 0.1 s where dlib's HOG takes 2 to 3 s.
    """
    from civicai.faces.detect import DETECTOR_FR, apply_condition, detect_faces, draw_boxes

    w = ipywidgets()
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


# --- Demo and notebook 04: the crowd and the list ---------------------------------------------

PASSERS_CHOICES = (1_000, 10_000, 50_000, 100_000, 300_000, 700_000)
WATCHLIST_CHOICES = (10, 100, 1_000, 10_000, 100_000)


def crowd_demo(*, kiosk: bool = True):
    """The 1:N false-alarm simulator: sliders in, alarms out (HTML only: starts instantly)."""
    from civicai.faces.crowd import FMR_CHOICES, crowd_alarms, fmt_fmr
    from civicai.french import integer as fmt_int

    w = ipywidgets()
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
