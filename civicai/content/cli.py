"""``civicai contenu``: dated facts of the modules, for maintainers.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations


def register(sub) -> None:
    c = sub.add_parser("contenu", help="dates de vérification des faits et de l'état du droit",
                       description="Les faits datés des modules (état du droit, sources des "
                       "notebooks), pour les personnes qui entretiennent le kit.")
    csub = c.add_subparsers(title="actions", metavar="ACTION", parser_class=type(c))
    c.set_defaults(handler=lambda args: (c.print_help(), 2)[1])
    v = csub.add_parser(
        "verifier", help="lister les faits vérifiés il y a plus de 12 mois",
        description="Liste chaque affirmation datée (entrées des fichiers etat-du-droit.yaml, "
        "dates « Faits vérifiés le » des notebooks) vérifiée il y a plus de 12 mois. C'est un "
        "rapport : la commande réussit même s'il y a des choses à revoir.",
        epilog="Exemple : civicai contenu verifier --date 2027-12-15")
    v.add_argument("--date", metavar="AAAA-MM-JJ",
                   help="la date du jour à utiliser (par défaut : aujourd'hui)")
    v.set_defaults(handler=_check)
    r = csub.add_parser(
        "rendre", help="régénérer les pages etat-du-droit.md à partir des fichiers YAML",
        description="Réécrit la page etat-du-droit.md de chaque module à partir de son fichier "
        "etat-du-droit.yaml.")
    r.set_defaults(handler=_render)


def _today(value):
    import datetime as dt

    from civicai.errors import UserError

    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"La date « {value} » n'est pas au format AAAA-MM-JJ "
                        "(par exemple 2027-12-15).") from None


def _check(args) -> int:
    from civicai.content.facts import report
    from civicai.paths import modules_dir

    print(report(modules_dir(), _today(args.date)))
    return 0


def _render(args) -> int:
    from civicai.content.facts import FILE
    from civicai.content.render import write
    from civicai.paths import modules_dir

    for module in sorted(p for p in modules_dir().iterdir() if (p / FILE).is_file()):
        print(f"Écrit : {write(module)}")
    return 0
