"""Face data: FairFace (its own layout or the kit's sample layout) and the faces that ship offline.

Two FairFace layouts are understood:

- FairFace's own release: ``fairface_label_train.csv`` and/or ``fairface_label_val.csv``
  (columns ``file,age,gender,race,service_test``, ``file`` like ``val/12.jpg``) next to the
  ``train/`` and ``val/`` image folders.
- The kit's sample: ``labels.csv`` (columns ``file,age,gender,race``, ``file`` like
  ``images/ff_0001.jpg``).

Images are never copied: the table holds absolute paths into the operator's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import csv
from typing import TYPE_CHECKING

import numpy as np

from civicai.errors import UserError
from civicai.faces.config import configured_fairface_dir

if TYPE_CHECKING:  # pandas costs a kiosk kernel 33 MB: imported where a table is built
    import pandas as pd

RACES = ("Black", "East Asian", "Indian", "Latino_Hispanic", "Middle Eastern", "Southeast Asian", "White")
GENDERS = ("Female", "Male")
AGES = ("0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "more than 70")
ADULT_AGES = AGES[3:]

# French names of FairFace's categories (the data set's own words, translated; perceived categories).
RACE_FR = {
    "Black": "Noir", "East Asian": "Asiatique de l'Est", "Indian": "Indien",
    "Latino_Hispanic": "Latino-hispanique", "Middle Eastern": "Moyen-oriental",
    "Southeast Asian": "Asiatique du Sud-Est", "White": "Blanc",
}
GENDER_FR = {"Female": "Femme", "Male": "Homme"}

SAMPLE_LABELS = "labels.csv"
FAIRFACE_LABELS = ("fairface_label_val.csv", "fairface_label_train.csv")
REQUIRED_COLUMNS = ("file", "age", "gender", "race")


@dataclass(frozen=True)
class FaceSet:
    """A labelled set of face images.

    Attributes
    ----------
    root : Path
        The folder the operator pointed at.
    layout : str
        ``"echantillon"`` (the kit's sample) or ``"fairface"`` (FairFace's own release).
    table : pandas.DataFrame
        One row per image: ``file`` (relative), ``path`` (absolute), ``age``, ``gender``, ``race``,
        ``groupe`` and ``genre`` (French names).
    """

    root: Path
    layout: str
    table: pd.DataFrame

    def __len__(self) -> int:
        return len(self.table)


def _read_labels(csv: Path, root: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        table = pd.read_csv(csv, dtype=str)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise UserError(f"Le fichier {csv} est illisible ({exc}).") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(f"Le fichier {csv} n'a pas les colonnes attendues : il manque "
                        f"{', '.join(missing)}. Colonnes attendues : {', '.join(REQUIRED_COLUMNS)}.")
    table = table[list(REQUIRED_COLUMNS)].copy()
    for column, allowed in (("gender", GENDERS), ("race", RACES), ("age", AGES)):
        bad = sorted(set(table[column].dropna()) - set(allowed))
        if bad or table[column].isna().any():
            raise UserError(f"Le fichier {csv} contient des valeurs inconnues dans la colonne "
                            f"« {column} » : {', '.join(bad[:5]) or 'case vide'}. "
                            "Ce n'est pas le vocabulaire de FairFace.")
    table["path"] = [str(root / f) for f in table["file"]]
    return table


def _label_files(folder: str | Path) -> tuple[Path, str, list[Path]]:
    """``(root, layout, label files)`` of a FairFace folder in either layout, or a French error."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise UserError(f"Le dossier {root} n'existe pas (ou ce n'est pas un dossier). "
                        "Vérifiez le chemin donné pour FairFace.")
    root = root.resolve()
    if (root / SAMPLE_LABELS).is_file():
        return root, "echantillon", [root / SAMPLE_LABELS]
    files = [root / name for name in FAIRFACE_LABELS if (root / name).is_file()]
    if not files:
        raise UserError(
            f"Le dossier {root} ne ressemble pas à FairFace : il n'y a ni « {SAMPLE_LABELS} » "
            f"(format de l'échantillon du kit) ni « {FAIRFACE_LABELS[0]} » / "
            f"« {FAIRFACE_LABELS[1]} » (format de FairFace). "
            "Indiquez le dossier qui contient ces fichiers d'étiquettes.")
    return root, "fairface", files


def image_paths(folder: str | Path) -> list[Path]:
    """The images listed by a FairFace folder's labels, in file order, without pandas.

    For the kiosk's light demo, which needs pictures and no labels.
    """
    root, _, label_files = _label_files(folder)
    paths = []
    for label_file in label_files:
        try:
            with open(label_file, newline="", encoding="utf-8") as fh:
                paths += [root / row["file"] for row in csv.DictReader(fh)]
        except (OSError, KeyError, UnicodeDecodeError, csv.Error) as exc:
            raise UserError(f"Le fichier {label_file} est illisible ({exc}).") from None
    if not paths:
        raise UserError(f"Le fichier d'étiquettes de {root} est vide.")
    return sorted(paths, key=lambda p: p.relative_to(root).as_posix())


def read_faceset(folder: str | Path, *, check_images: bool = True) -> FaceSet:
    """Read a FairFace folder in either layout; raise :class:`UserError` in French if it is not one.

    >>> read_faceset("/nowhere")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    civicai.errors.UserError: Le dossier /nowhere n'existe pas...
    """
    import pandas as pd

    root, layout, label_files = _label_files(folder)
    parts = [_read_labels(labels, root) for labels in label_files]
    table = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    if table.empty:
        raise UserError(f"Le fichier d'étiquettes de {root} est vide.")
    if check_images:
        missing = [f for f, p in zip(table["file"], table["path"]) if not Path(p).is_file()]
        if missing:
            raise UserError(
                f"{len(missing)} image(s) listée(s) dans les étiquettes manquent dans {root}, "
                f"par exemple : {', '.join(missing[:3])}. Copiez les images à côté du fichier "
                "d'étiquettes (dossiers train/ et val/ pour FairFace, images/ pour l'échantillon).")
    table["groupe"] = table["race"].map(RACE_FR)
    table["genre"] = table["gender"].map(GENDER_FR)
    return FaceSet(root, layout, table.reset_index(drop=True))


def balanced_sample(faces: FaceSet, *, per_cell: int = 40, seed: int = 0) -> FaceSet:
    """An audit set with the same number of adults in every group x gender cell.

    FairFace's own release is large (about 100,000 images): the audit takes the validation
    split if there is one, adults only, ``per_cell`` faces per cell drawn with a fixed seed.
    The kit's sample is already balanced and is returned unchanged when ``per_cell`` covers it.
    """
    import pandas as pd

    table = faces.table
    if faces.layout == "fairface" and table["file"].str.startswith("val/").any():
        table = table[table["file"].str.startswith("val/")]
    table = table[table["age"].isin(ADULT_AGES)]
    cells = []
    for _, cell in table.groupby(["race", "gender"], sort=True):
        n = min(per_cell, len(cell))
        cells.append(cell.sample(n=n, random_state=seed) if n < len(cell) else cell)
    out = pd.concat(cells).sort_values("file").reset_index(drop=True)
    return FaceSet(faces.root, faces.layout, out)


def missing_fairface_message() -> str:
    """The French explanation shown to learners and visitors wherever FairFace is missing (Markdown).

    No command and no setting here: they are for the person who runs the hub, in the guides
    (modules/02-.../guide-animation.md, civicai/kiosk/README-operateur.md), and
    ``civicai donnees fairface`` tells them what is wrong with a setting.
    """
    return (
        "**Les photos FairFace ne sont pas installées sur cette machine.** "
        "Ce notebook continue avec les visages fournis avec le logiciel *scikit-image* "
        "(de petites photos sans étiquettes de groupe), donc **sans l'audit par groupe**.\n\n"
        "*FairFace* est un jeu de photos de visages publié par des chercheurs (Kärkkäinen et Joo, 2021), "
        "sous licence CC BY 4.0. Chaque photo y porte des étiquettes : un groupe perçu et un genre perçu. "
        "Sans ces étiquettes, on ne peut pas compter les erreurs par groupe.\n\n"
        "Pour avoir les photos, prévenez la personne qui anime l'atelier : la marche à suivre est dans "
        "son guide."
    )


def load_fairface() -> tuple[FaceSet | None, str]:
    """The configured FairFace set, or ``(None, French explanation)`` when there is none.

    Never raises for a missing or broken configuration: notebooks and demos fall back to the
    shipped faces and show the explanation.
    """
    return _from_configured(read_faceset)


def load_fairface_images() -> tuple[list[Path] | None, str]:
    """Like :func:`load_fairface`, but only the image paths (no pandas: for kiosk demos)."""
    return _from_configured(image_paths)


def _from_configured(read):
    folder, _ = configured_fairface_dir()
    if folder is None:
        return None, missing_fairface_message()
    try:
        return read(folder), ""
    except UserError:  # the reason is for the operator: `civicai donnees fairface` shows it
        return None, missing_fairface_message()


# --- Faces that ship with scikit-image (offline, no group labels) ---------------------------

def shipped_faces(n: int = 12, *, size: int = 200) -> list[np.ndarray]:
    """RGB uint8 faces available offline: NASA's astronaut photo, then LFW crops (scaled up).

    ``skimage.data.lfw_subset()`` holds 100 grey 25x25 face crops then 100 non-faces; they are
    upscaled so that detectors have something to work with, which also blurs them.
    """
    out = [_astronaut_face(size)]
    for img in _lfw_subset()[: max(0, min(n - 1, 100))]:
        out.append(_grey_to_rgb(img, size))
    return out[:n]


def shipped_non_faces(n: int = 12, *, size: int = 200) -> list[np.ndarray]:
    """The non-face crops of ``lfw_subset`` (to show detectors saying "no face")."""
    return [_grey_to_rgb(img, size) for img in _lfw_subset()[100: 100 + n]]


# scikit-image ships these two files; reading them directly (and resizing with OpenCV, already
# loaded for detection) spares a kiosk kernel imageio and SciPy: about 60 MB.
def _skimage_data_file(name: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("skimage")
    path = Path(spec.origin).parent / "data" / name if spec and spec.origin else None
    return path if path is not None and path.is_file() else None


def _lfw_subset() -> np.ndarray:
    path = _skimage_data_file("lfw_subset.npy")
    if path is None:
        from skimage import data

        return data.lfw_subset()
    return np.load(path)


def _grey_to_rgb(img: np.ndarray, size: int) -> np.ndarray:
    import cv2

    big = cv2.resize(np.asarray(img, dtype=np.float32), (size, size), interpolation=cv2.INTER_LINEAR)
    grey = (np.clip(big, 0, 1) * 255).astype(np.uint8)
    return np.stack([grey] * 3, axis=-1)


def astronaut() -> np.ndarray:
    """NASA's portrait of Eileen Collins (public domain), shipped with scikit-image."""
    path = _skimage_data_file("astronaut.png")
    if path is None:
        from skimage import data

        return data.astronaut()
    return load_rgb(path)


def _astronaut_face(size: int) -> np.ndarray:
    import cv2

    img = astronaut()[0:300, 100:400]  # head and shoulders
    return cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)


def load_rgb(path: str | Path) -> np.ndarray:
    """An image file as an RGB uint8 array."""
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))
