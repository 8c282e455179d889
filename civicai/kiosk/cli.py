"""``civicai kiosque``: the library kiosk (standard library only at import time)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "kiosque", help="lancer la borne de médiathèque (galerie des démos, sans compte)",
        description="Lance la borne : une galerie en français des démos du kit, chacune "
        "servie par Voilà. Aucun compte, aucun code exécutable depuis le navigateur, rien "
        "d'enregistré. Après un temps sans geste, l'écran revient à la galerie.",
        epilog="Exemple : civicai kiosque --port 8866 --inactivite 180 --max-visiteurs 3")
    p.add_argument("--ip", default="127.0.0.1",
                   help="adresse d'écoute (défaut : 127.0.0.1, l'écran de la borne seulement)")
    p.add_argument("--port", type=int, default=8866, help="port d'écoute (défaut : 8866)")
    p.add_argument("--demos", metavar="FICHIER",
                   help="liste des démos (défaut : les démos des modules du kit, fichiers module.yaml)")
    p.add_argument("--inactivite", type=float, default=180, metavar="SECONDES",
                   help="retour à la galerie après ce temps sans geste (défaut : 180)")
    p.add_argument("--max-visiteurs", type=int, default=3, metavar="N",
                   help="nombre de démos ouvertes en même temps au plus (défaut : 3)")
    p.add_argument("--reserve", type=int, default=1, metavar="N",
                   help="noyaux préchauffés qui attendent pour chaque démo (défaut : 1)")
    p.add_argument("--delai-abandon", type=float, default=15, metavar="SECONDES",
                   help="une démo quittée sans être fermée (onglet perdu, coupure) est arrêtée "
                   "après ce délai (défaut : 15)")
    p.add_argument("--sans-prechauffage", action="store_true",
                   help="ne pas préparer le navigateur : sans cela, la galerie ouvre une fois la "
                   "première démo, cachée, pour que la première vraie visite soit aussi rapide que les autres")
    p.add_argument("--hub", metavar="ADRESSE",
                   help="adresse du hub de la salle, par exemple http://127.0.0.1:8000 : la démo « Parlez "
                   "à une IA » utilise alors le modèle de la salle, par le hub (défaut : réglage "
                   "CIVICAI_KIOSQUE_HUB ; sans hub, chaque noyau de visiteur charge le petit modèle)")
    p.add_argument("--verifier", action="store_true",
                   help="vérifier la liste des démos sans lancer la borne")
    p.set_defaults(handler=_kiosk)


def check_upstreams() -> None:
    """Refuse to go on (French :class:`UserError`) if an upstream the kiosk patches has changed.

    Fail closed: a changed Voila, jupyter_server, pyzmq or ipycanvas would otherwise silently
    stop the cap, the reaper, the render wake-up or the drawing demos.
    """
    from civicai.upstream import ipycanvas, jupyter_server, voila, zmq

    for adapter in (voila, jupyter_server, zmq, ipycanvas):
        adapter.check()


def _kiosk(args) -> int:
    from pathlib import Path

    from civicai.errors import UserError
    from civicai.kiosk.catalog import kit_catalog, load_catalog

    if args.inactivite < 5:
        raise UserError("--inactivite doit valoir au moins 5 secondes.")
    if args.max_visiteurs < 1 or args.reserve < 0:
        raise UserError("--max-visiteurs doit valoir au moins 1, et --reserve au moins 0.")
    catalog = load_catalog(Path(args.demos)) if args.demos else kit_catalog()
    if args.verifier:
        missing = catalog.missing()
        for demo in catalog.demos:
            state = "MANQUANTE" if demo in missing else "ok"
            print(f"{state:9} {demo.id:24} {demo.notebook}")
        return 1 if missing else 0

    # Fail closed before anything of Voila is set up (the list check above needs none of it).
    check_upstreams()
    from civicai.kiosk.app import KioskOptions, run

    return run(KioskOptions(catalog=catalog, ip=args.ip, port=args.port,
                            idle_seconds=args.inactivite, max_visitors=args.max_visiteurs,
                            pool_size=args.reserve, orphan_grace=args.delai_abandon,
                            warmup=not args.sans_prechauffage, hub=args.hub or "",
                            reap_interval=min(5.0, max(1.0, args.delai_abandon / 3))))
