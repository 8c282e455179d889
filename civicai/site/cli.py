"""Sub-command of the public site: ``civicai site construire``."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "site", help="construire le site public et les fiches à imprimer",
        description="Le site public du kit : une page d'accueil, une page par module, "
        "les notebooks avec leurs résultats, les guides d'animation, les fiches des données, "
        "et les fiches PDF à imprimer.")
    ssub = p.add_subparsers(title="commandes", metavar="COMMANDE", parser_class=type(p))
    b = ssub.add_parser(
        "construire", help="construire le site (sans réseau)",
        description="Construit le site statique à partir des modules du dépôt. Les notebooks "
        "sont exécutés pendant la construction pour montrer leurs résultats (graphiques "
        "compris). Aucun accès au réseau n'est nécessaire. Le site précédent n'est remplacé "
        "qu'à la fin, si tout a réussi.",
        epilog="Exemple :\n  civicai site construire --sortie site/_build --cache var/notebooks-executes",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--sortie", metavar="DOSSIER", default=None,
                   help="dossier où écrire le site (défaut : site/_build dans le dépôt)")
    b.add_argument("--modules", metavar="DOSSIER", default=None,
                   help="dossier des modules (défaut : modules/ du dépôt)")
    b.add_argument("--donnees", metavar="DOSSIER", default=None,
                   help="dossier des jeux de données (défaut : datasets/ du dépôt)")
    b.add_argument("--config", metavar="FICHIER", default=None,
                   help="configuration du site : titre, adresses du hub et de la borne "
                   "(défaut : site/site.yaml du dépôt)")
    b.add_argument("--cache", metavar="DOSSIER", default=None,
                   help="dossier où garder les notebooks déjà exécutés, pour ne pas les "
                   "relancer s'ils n'ont pas changé (défaut : variable CIVICAI_EXECUTED_CACHE, "
                   "sinon pas de cache)")
    b.add_argument("--paralleles", metavar="N", type=int, default=1,
                   help="nombre de notebooks exécutés en même temps (défaut : 1)")
    b.add_argument("--delai", metavar="SECONDES", type=int, default=300,
                   help="temps maximal d'une cellule de notebook avant d'arrêter la "
                   "construction (défaut : 300)")
    b.add_argument("--sans-execution", action="store_true",
                   help="ne pas exécuter les notebooks : montrer le code sans résultats "
                   "(aperçu rapide)")
    b.add_argument("--sans-pdf", action="store_true",
                   help="ne pas produire les fiches PDF (pas besoin de Chromium)")
    b.set_defaults(handler=_build)


def _build(args) -> int:
    from pathlib import Path

    from civicai.settings import settings
    from civicai.site.build import build_site, default_paths

    paths = default_paths()
    out = Path(args.sortie) if args.sortie else paths["out"]
    report = build_site(
        out,
        modules=Path(args.modules) if args.modules else paths["modules"],
        datasets=Path(args.donnees) if args.donnees else paths["datasets"],
        config=Path(args.config) if args.config else paths["config"],
        cache=Path(cache) if (cache := args.cache or settings().executed_cache) else None,
        jobs=args.paralleles,
        execute=not args.sans_execution,
        pdf=not args.sans_pdf,
        timeout=args.delai,
    )
    print(report.summary())
    return 0
