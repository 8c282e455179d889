"""``civicai quiz rapport`` and ``civicai quiz verifier``: the modules' quizzes, for facilitators
and for the people who write them.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    q = sub.add_parser("quiz", help="quiz avant/après : résumé anonyme, vérification",
                       description="Les quiz des modules, vus par les formateurs et les formatrices.")
    qsub = q.add_subparsers(title="actions", metavar="ACTION", parser_class=type(q))
    q.set_defaults(handler=lambda args: (q.print_help(), 2)[1])
    r = qsub.add_parser(
        "rapport", help="résumer les réponses de tous les espaces personnels, sans aucun nom",
        description="Lit les réponses enregistrées dans l'espace personnel de chaque participant "
        "ou participante et affiche, pour chaque module : le score moyen avant et après l'atelier, "
        "le progrès moyen avec son intervalle de confiance à 95 % et sa taille d'effet, et la part "
        "de bonnes réponses par question. Aucun nom ni aucune réponse individuelle n'est affiché, "
        "et rien n'est affiché pour un module où moins de 5 personnes ont répondu.",
        epilog="Exemple : civicai quiz rapport --etat var --module 01-comment-une-ia-apprend")
    r.add_argument("--etat", "--state-dir", default=None, metavar="DOSSIER",
                   help="dossier d'état du hub, qui contient homes/ "
                   "(par défaut : variable CIVICAI_STATE_DIR, sinon var)")
    r.add_argument("--module", metavar="MODULE", help="un seul module (par défaut : tous)")
    r.set_defaults(handler=_report)
    v = qsub.add_parser(
        "verifier", help="vérifier qu'aucune astuce ne bat le hasard de plus de 15 points",
        description="Joue sur chaque quiz les astuces habituelles des tests (toujours la réponse "
        "la plus longue, toujours la même lettre, la réponse qui reprend les mots de la question…) "
        "et affiche le score de chacune. Un quiz qui mesure ce qu'on apprend ne se laisse pas "
        "deviner : aucune astuce ne doit dépasser le hasard de plus de 15 points.",
        epilog="Exemple : civicai quiz verifier --module 03-desinformation")
    v.add_argument("--module", metavar="MODULE", help="un seul module (par défaut : tous)")
    v.add_argument("fichiers", nargs="*", metavar="QUIZ.YAML",
                   help="des fichiers de quiz à vérifier (par défaut : ceux des modules)")
    v.set_defaults(handler=_check)


def _quizzes(module: str | None) -> list[Path]:
    from civicai.catalog import load_modules
    from civicai.errors import UserError
    from civicai.paths import modules_dir

    quizzes = [m.quiz for m in load_modules(modules_dir()) if m.quiz]
    if module:
        quizzes = [p for p in quizzes if p.parent.name == module]
        if not quizzes:
            raise UserError(f"Module inconnu ou sans quiz : {module}.")
    return quizzes


def _report(args) -> int:
    from civicai.errors import UserError
    from civicai.quiz import Quiz
    from civicai.quiz_report import report

    from civicai.paths import state_dir

    homes = Path(args.etat or state_dir()) / "homes"
    if not homes.is_dir():
        raise UserError(f"Aucun dossier {homes} : indiquez le dossier d'état du hub avec --etat.")
    print("\n\n".join(report(Quiz.load(p), homes) for p in _quizzes(args.module)))
    return 0


def _check(args) -> int:
    from civicai.quiz import Quiz
    from civicai.quiz_strategies import table

    paths = [Path(f) for f in args.fichiers] or _quizzes(args.module)
    results = [table(Quiz.load(p)) for p in paths]
    print("\n\n".join(text for text, _ in results))
    if all(ok for _, ok in results):
        print("\nAucune astuce ne dépasse la limite : elles ne permettent pas de réussir ces quiz sans savoir.")
        return 0
    print("\nAu moins une astuce dépasse la limite : réécrivez les choix marqués « TROP HAUT ».")
    return 1
