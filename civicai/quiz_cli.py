"""``civicai quiz rapport``: the anonymous before/after summary of a module's quiz.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    q = sub.add_parser("quiz", help="résumé anonyme des quiz avant/après",
                       description="Les quiz des modules, vus par les formateurs et formatrices.")
    qsub = q.add_subparsers(title="actions", metavar="ACTION", parser_class=type(q))
    q.set_defaults(handler=lambda args: (q.print_help(), 2)[1])
    r = qsub.add_parser(
        "rapport", help="résumer les réponses de tous les espaces personnels, sans aucun nom",
        description="Lit les réponses enregistrées dans l'espace personnel de chaque participant·e "
        "et affiche, pour chaque module, le nombre de réponses, le score moyen et la part de bonnes "
        "réponses par question, avant et après l'atelier. Aucun nom ni aucune réponse individuelle "
        "n'est affiché.",
        epilog="Exemple : civicai quiz rapport --etat var --module 01-comment-une-ia-apprend")
    r.add_argument("--etat", default="var", metavar="DOSSIER",
                   help="dossier d'état du hub, qui contient homes/ (par défaut : var)")
    r.add_argument("--module", metavar="MODULE", help="un seul module (par défaut : tous)")
    r.set_defaults(handler=_report)


def _report(args) -> int:
    from civicai.errors import UserError
    from civicai.paths import modules_dir
    from civicai.quiz import Quiz, report

    homes = Path(args.etat) / "homes"
    if not homes.is_dir():
        raise UserError(f"Aucun dossier {homes} : indiquez le dossier d'état du hub avec --etat.")
    quizzes = sorted(modules_dir().glob("*/quiz.yaml"))
    if args.module:
        quizzes = [p for p in quizzes if p.parent.name == args.module]
        if not quizzes:
            raise UserError(f"Module inconnu ou sans quiz : {args.module}.")
    print("\n\n".join(report(Quiz.load(p), homes) for p in quizzes))
    return 0
