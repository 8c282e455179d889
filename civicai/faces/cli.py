"""``civicai donnees fairface``: point the kit at a FairFace copy, or try the official download.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

from civicai.settings import settings

# FairFace's official release (https://github.com/joojs/fairface, README): Google Drive files.
# FairFace publishes no checksums. The download therefore checks what can be checked: every
# member's CRC-32 inside the zip, the columns and values of the label files, and, when the
# destination already holds a ``SHA256SUMS`` file (from an earlier download or written by the
# operator), the SHA-256 of every file against it. A new download writes that file.
GDRIVE = "https://drive.usercontent.google.com/download?export=download&confirm=t&id="
RELEASE = {
    "fairface_label_train.csv": GDRIVE + "1i1L3Yqwaio7YSOCj7ftgk8ZZchPG7dmH",
    "fairface_label_val.csv": GDRIVE + "1wOdja-ezstMEp81tX1a-EYkFebev4h7D",
    "fairface-img-margin125-trainval.zip": GDRIVE + "1g7qNOZz9wC7OfOhcPqH1EZ5bk1UFGmlL",
}
ARCHIVE = "fairface-img-margin125-trainval.zip"
SUMS_FILE = "SHA256SUMS"
TIMEOUT_S = 20


def register(sub) -> None:
    from civicai.cli import dataset_parsers

    dsub = dataset_parsers(sub)
    f = dsub.add_parser(
        "fairface", help="photos FairFace pour le module 2 (audit d'un classifieur)",
        description="FairFace (Kärkkäinen et Joo, 2021, licence CC BY 4.0) : photos de visages "
        "étiquetées, utilisées par le module 2. Donnez le dossier d'une copie (format de FairFace "
        "ou de l'échantillon du kit), ou tentez le téléchargement officiel.",
        epilog="Exemples : civicai donnees fairface --chemin /srv/donnees/fairface-sample ; "
        "civicai donnees fairface --telecharger --chemin /srv/donnees/fairface ; "
        "civicai donnees fairface (affiche le réglage actuel)")
    f.add_argument("--chemin", metavar="DOSSIER",
                   help="dossier de FairFace (avec --telecharger : dossier où l'enregistrer)")
    f.add_argument("--telecharger", action="store_true",
                   help="télécharger la version officielle (plusieurs centaines de Mo, accès Internet nécessaire)")
    f.set_defaults(handler=_fairface)


def _fairface(args) -> int:
    from civicai.errors import UserError
    from civicai.faces.config import configured_fairface_dir, save_fairface_dir

    if args.telecharger:
        target = Path(args.chemin or Path.home() / ".local" / "share" / "civicai" / "fairface")
        download_release(target.expanduser())
        args.chemin = str(target)
    if not args.chemin:
        folder, origin = configured_fairface_dir()
        if folder is None:
            print("Aucun dossier FairFace n'est réglé. Indiquez-en un avec : "
                  "civicai donnees fairface --chemin DOSSIER")
            return 1
        print(f"FairFace : {folder} (réglé par : {origin})")
        from civicai.faces.data import read_faceset
        try:
            read_faceset(folder)
        except UserError as exc:
            print(f"Ce réglage est inutilisable : {exc}")
            return 1
        return 0
    from civicai.faces.data import read_faceset

    faces = read_faceset(args.chemin)  # raises UserError in French when it is not FairFace
    if faces.layout == "fairface" and not (faces.root / "val").is_dir():
        raise UserError(f"Le dossier {faces.root} a les étiquettes de FairFace mais pas le dossier "
                        "« val » des images. Décompressez l'archive des images dans ce dossier.")
    path = save_fairface_dir(faces.root, layout=faces.layout, images=len(faces))
    kind = "échantillon du kit" if faces.layout == "echantillon" else "version complète de FairFace"
    print(f"C'est noté : {len(faces)} images ({kind}) dans {faces.root}.")
    print(f"Réglage enregistré dans {path}.")
    if settings().fairface_dir:
        print("Attention : la variable CIVICAI_FAIRFACE_DIR est définie et passe avant ce réglage.")
    return 0


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(url: str, dest: Path) -> None:
    import urllib.error
    import urllib.request

    from civicai.errors import UserError

    tmp = dest.with_name(dest.name + ".partiel")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, open(tmp, "wb") as out:
            if resp.headers.get_content_type() == "text/html":
                raise UserError(
                    f"Le serveur a renvoyé une page web au lieu du fichier {dest.name} "
                    "(lien changé, ou quota de téléchargement dépassé). Téléchargez FairFace "
                    "à la main depuis https://github.com/joojs/fairface, puis lancez : "
                    "civicai donnees fairface --chemin DOSSIER")
            while block := resp.read(1 << 20):
                out.write(block)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"Téléchargement impossible de {dest.name} : pas d'accès à Internet depuis cette "
            f"machine, ou serveur injoignable ({getattr(exc, 'reason', exc)}). Le kit fonctionne "
            "hors ligne : copiez FairFace (ou l'échantillon du kit) depuis une clé USB ou un autre "
            "ordinateur, puis lancez : civicai donnees fairface --chemin DOSSIER") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dest)


def _check_sums(folder: Path, names) -> dict[str, str]:
    """Compare with ``SHA256SUMS`` when there is one; return the measured sums."""
    from civicai.errors import UserError

    known = {}
    sums = folder / SUMS_FILE
    if sums.is_file():
        for line in sums.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, name = line.split(maxsplit=1)
                known[name.strip().lstrip("*")] = digest.lower()
    measured = {name: sha256_file(folder / name) for name in names}
    for name, digest in measured.items():
        if name in known and known[name] != digest:
            raise UserError(f"Le fichier {name} ne correspond pas à l'empreinte SHA-256 attendue "
                            f"({SUMS_FILE}) : il est abîmé ou a changé. Supprimez-le et recommencez.")
    return measured


def download_release(folder: Path) -> Path:
    """Download FairFace's label files and padding-1.25 images into ``folder`` and check them."""
    from civicai.errors import UserError

    folder.mkdir(parents=True, exist_ok=True)
    for name, url in RELEASE.items():
        if not (folder / name).is_file():
            print(f"Téléchargement de {name}…", file=sys.stderr)
            _fetch(url, folder / name)
    measured = _check_sums(folder, RELEASE)
    archive = folder / ARCHIVE
    try:
        with zipfile.ZipFile(archive) as zf:
            bad = zf.testzip()  # reads every member and checks its CRC-32
            if bad is not None:
                raise UserError(f"L'archive {archive.name} est abîmée (somme de contrôle fausse pour "
                                f"{bad}). Supprimez-la et recommencez.")
            zf.extractall(folder)
    except zipfile.BadZipFile:
        raise UserError(f"{archive.name} n'est pas une archive zip valide. Supprimez-la et "
                        "recommencez, ou téléchargez FairFace à la main.") from None
    (folder / SUMS_FILE).write_text("".join(f"{d}  {n}\n" for n, d in sorted(measured.items())),
                                    encoding="utf-8")
    return folder
