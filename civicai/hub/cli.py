"""Sub-commands of the hub: ``civicai servir`` and ``civicai modules``."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "servir", help="lancer le hub JupyterHub sur cette machine",
        description="Lance le hub sur cette machine : base SQLite, un espace par personne "
        "dans le dossier d'état, modules copiés dans chaque espace, interface en français. "
        "Le code d'atelier et le mot de passe formateur s'affichent au démarrage.",
        epilog="Exemple : civicai servir --ip 0.0.0.0 --port 8000 --formateurs alice,karim")
    p.add_argument("--etat", "--state-dir", metavar="DOSSIER",
                   help="dossier où le hub garde sa base, ses secrets et les espaces (défaut : ./var)")
    p.add_argument("--ip", help="adresse d'écoute (défaut : 127.0.0.1 ; "
                   "0.0.0.0 pour toute la salle)")
    p.add_argument("--port", type=int, help="port d'écoute (défaut : 8000)")
    p.add_argument("--formateurs", metavar="NOMS",
                   help="identifiants des formateurs et formatrices, séparés par des virgules "
                   "(défaut : formateur)")
    p.add_argument("--code", metavar="CODE", help="code d'atelier à utiliser (défaut : un code tiré "
                   "au hasard et gardé dans le dossier d'état)")
    p.add_argument("--module", metavar="N",
                   help="numéro du module du jour : la page d'accueil des participants mène à son "
                   "premier notebook (défaut : elle propose tous les modules)")
    p.add_argument("--mode-demonstration", action="store_true",
                   help="pour une démonstration par une seule personne : pas de compte séparé par "
                   "participant, tout le monde peut voir les fichiers des autres (le hub l'affiche). "
                   "Sans cette option, le hub doit être lancé en root pour accueillir des participants")
    p.add_argument("--inscription", action="store_true",
                   help="chaque personne crée son compte (un pseudonyme suffit) et une personne qui anime le "
                   "valide, au lieu du code d'atelier commun")
    p.add_argument("jupyterhub_args", nargs=argparse.REMAINDER,
                   help="options passées telles quelles à JupyterHub (après --)")
    p.set_defaults(handler=_serve)

    m = sub.add_parser("modules", help="récupérer une copie neuve d'un notebook",
                       description="Remet la version d'origine d'un fichier des modules dans votre "
                       "espace. Votre version est gardée à côté, sous le nom « … (ma version) ».")
    m.add_argument("fichier", help="chemin du fichier, par exemple "
                   "modules/01-comment-une-ia-apprend/01-apprendre-par-l-exemple.ipynb")
    m.add_argument("--espace", default="~", help="votre dossier personnel (défaut : ~)")
    m.set_defaults(handler=_restore)


def _serve(args) -> int:
    from civicai.hub.serve import serve

    if args.jupyterhub_args[:1] == ["--"]:
        args.jupyterhub_args = args.jupyterhub_args[1:]
    return serve(args)


def _restore(args) -> int:
    from pathlib import Path

    from civicai.errors import UserError
    from civicai.hub.sync import restore
    from civicai.paths import modules_dir

    home = Path(args.espace).expanduser().resolve()
    target = Path(args.fichier).expanduser()
    rel = (target.resolve().relative_to(home) if target.is_absolute() else target).as_posix()
    try:
        saved = restore(home, rel, modules_dir())
    except (FileNotFoundError, ValueError):
        raise UserError(f"{args.fichier} ne fait pas partie des modules du kit. "
                        "Donnez un chemin qui commence par modules/.") from None
    print(f"Copie neuve remise : {rel}")
    if saved:
        print(f"Votre version est gardée ici : {saved.relative_to(home)}")
    return 0
