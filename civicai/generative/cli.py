"""``civicai donnees modele``: which generative model the kit serves, and rebuilding its own small one.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations

import json


def register(sub) -> None:
    from civicai.cli import dataset_parsers

    m = dataset_parsers(sub).add_parser(
        "modele", help="choisir le modèle d'IA générative de la salle, ou reconstruire celui du kit",
        description="Sans option : affiche le modèle utilisé. --construire réentraîne le petit modèle du kit "
        "à partir de ses propres textes (environ 3 minutes). --chemin ou --url indiquent un plus grand "
        "modèle : un fichier GGUF sur cette machine, ou un serveur compatible OpenAI de votre réseau "
        "(par exemple celui de l'université). --par-defaut revient au modèle du kit.",
        epilog="Exemples : civicai donnees modele --chemin /srv/modeles/mistral-7b.Q4_K_M.gguf ; "
        "civicai donnees modele --url http://10.0.0.5:8080/v1/")
    g = m.add_mutually_exclusive_group()
    g.add_argument("--construire", action="store_true", help="réentraîner le petit modèle du kit")
    g.add_argument("--chemin", metavar="FICHIER.gguf", help="utiliser ce fichier GGUF")
    g.add_argument("--url", metavar="ADRESSE", help="utiliser ce serveur compatible OpenAI (http://...)")
    g.add_argument("--par-defaut", action="store_true", help="revenir au petit modèle du kit")
    m.add_argument("--cle", metavar="CLE", help="avec --url : la clé d'accès du serveur, s'il en demande une")
    m.set_defaults(handler=_model)


def _model(args) -> int:
    from pathlib import Path
    from urllib.parse import urlparse

    from civicai.errors import UserError
    from civicai.generative import settings

    if args.construire:
        from civicai.generative.build import build

        build()
        return 0
    if args.chemin:
        path = Path(args.chemin).expanduser().resolve()
        with open(path, "rb") if path.is_file() else _missing(path) as f:
            if f.read(4) != b"GGUF":
                raise UserError(f"{path} n'est pas un fichier GGUF. Indiquez un modèle au format GGUF.")
        _save({"chemin": str(path)})
    elif args.url:
        u = urlparse(args.url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise UserError("Adresse invalide : écrivez-la en entier, par exemple http://10.0.0.5:8080/v1/")
        _save({"url": args.url if args.url.endswith("/") else args.url + "/", "cle": args.cle})
    elif args.par_defaut:
        settings.config_file().unlink(missing_ok=True)
    s = settings.model_setting()
    print(f"Modèle utilisé : {s.get('url') or s['chemin']} ({s['origine']}).")
    print("Redémarrez le hub (civicai serve) pour que la salle l'utilise.")
    return 0


def _missing(path):
    from civicai.errors import UserError

    raise UserError(f"Fichier introuvable : {path}. Vérifiez le chemin du fichier GGUF.")


def _save(value: dict) -> None:
    from civicai.generative import settings

    path = settings.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # it may hold a key
    path.write_text(json.dumps(value, ensure_ascii=False) + "\n", encoding="utf-8")
