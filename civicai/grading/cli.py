"""Teachers' commands: ``civicai cours ...`` (courses, class lists, assignments, grading, exports).

Standard library only at import time; nbgrader is imported by the handlers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

EPILOG = """Déroulé habituel :
  civicai cours creer seconde-b --devoirs m1-apprendre
  civicai cours inscrire seconde-b classe.csv
  civicai cours distribuer seconde-b m1-apprendre
  (les élèves récupèrent le devoir dans JupyterLab, le font, puis le rendent)
  civicai cours ramasser seconde-b m1-apprendre
  civicai cours corriger seconde-b m1-apprendre
  civicai cours retours seconde-b m1-apprendre
  civicai cours exporter seconde-b
Guide complet : grading/README.md"""


def register(sub) -> None:
    p = sub.add_parser("cours", help="gérer les cours et les devoirs notés (formateurs, enseignants)",
                       description="Cours et devoirs notés avec nbgrader : créer un cours, inscrire une classe, "
                       "distribuer un devoir, ramasser les copies, corriger automatiquement, rendre les "
                       "corrections, exporter les notes.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])
    actions = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))

    def action(name, help_text, description, handler):
        a = actions.add_parser(name, help=help_text, description=description)
        a.add_argument("--etat", "--state-dir", metavar="DOSSIER", default=None,
                       help="dossier d'état du hub (défaut : variable CIVICAI_STATE_DIR, sinon ./var)")
        a.set_defaults(handler=handler)
        return a

    a = action("creer", "créer un cours", "Crée le dossier du cours (configuration nbgrader, carnet de notes) "
               "et y prépare les devoirs choisis : version élève sans les solutions ni les tests cachés.",
               _creer)
    a.add_argument("cours", help="nom court du cours, par exemple seconde-b-2026")
    a.add_argument("--devoirs", metavar="NOMS", help="devoirs à inclure, séparés par des virgules "
                   "(défaut : tous ceux du dossier exercises/source)")
    a.add_argument("--source", metavar="DOSSIER", help="dossier des devoirs sources (défaut : exercises/source du kit)")
    a.add_argument("--delai-cellule", type=int, default=10, metavar="SECONDES",
                   help="temps maximum par cellule pendant la correction (défaut : 10)")
    a.add_argument("--formateurs", metavar="NOMS", help="identifiants sur le hub des personnes qui corrigent ce "
                   "cours, séparés par des virgules (défaut : les formateurs du hub, variable CIVICAI_FORMATEURS)")

    a = action("ajouter-devoir", "ajouter un devoir à un cours existant",
               "Copie un devoir source dans le cours et prépare sa version élève.", _ajouter)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("devoir", help="nom du devoir, par exemple m2-biais")
    a.add_argument("--source", metavar="DOSSIER", help="dossier des devoirs sources (défaut : exercises/source du kit)")

    action("liste", "lister les cours", "Affiche les cours, leurs devoirs et le nombre d'élèves inscrits.", _liste)

    a = action("inscrire", "inscrire une classe depuis un fichier CSV",
               "Importe une liste d'élèves (CSV) : colonnes identifiant, prénom, nom, email (en-têtes en "
               "français ou en anglais, séparateur virgule ou point-virgule). Le fichier est vérifié en "
               "entier d'abord : à la moindre erreur, rien n'est importé et chaque ligne fautive est citée.",
               _inscrire)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("fichier", help="fichier CSV de la classe")

    a = action("distribuer", "distribuer un devoir aux élèves",
               "Met la version élève du devoir à disposition dans l'espace d'échange : les élèves inscrits "
               "la récupèrent dans JupyterLab (menu Nbgrader, liste des devoirs).", _distribuer)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("devoir", help="nom du devoir")

    a = action("ramasser", "ramasser les copies rendues",
               "Copie les devoirs rendus par les élèves dans le dossier du cours (la dernière version "
               "rendue de chaque élève).", _ramasser)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("devoir", help="nom du devoir")

    a = action("corriger", "corriger automatiquement les copies ramassées",
               "Corrige chaque copie avec nbgrader, en parallèle et à l'abri : limite de temps par cellule "
               "et par copie, limite de mémoire et de processus, dossier de travail vide. Une copie qui "
               "pose problème est signalée et n'arrête pas les autres.", _corriger)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("devoir", help="nom du devoir")
    a.add_argument("--eleves", metavar="IDENTIFIANTS", help="ne corriger que ces élèves (séparés par des virgules)")
    a.add_argument("--processus", type=int, default=None, metavar="N",
                   help="nombre de copies corrigées en même temps (défaut : nombre de cœurs)")
    a.add_argument("--delai-cellule", type=int, default=None, metavar="SECONDES",
                   help="temps maximum par cellule (défaut : celui du cours)")
    a.add_argument("--delai-copie", type=float, default=120, metavar="SECONDES",
                   help="temps maximum pour une copie entière (défaut : 120)")
    a.add_argument("--memoire", type=int, default=3072, metavar="Mo",
                   help="mémoire maximum d'une copie, en mégaoctets (défaut : 3072)")

    a = action("retours", "préparer et rendre les corrections aux élèves",
               "Produit la correction commentée de chaque copie (HTML) et la dépose dans l'espace "
               "d'échange : chaque élève ne voit que la sienne.", _retours)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("devoir", help="nom du devoir")

    a = action("exporter", "exporter les notes (CSV en français et CSV pour Moodle)",
               "Écrit deux fichiers : notes-<cours>.csv (séparateur point-virgule, virgule décimale, pour "
               "un tableur en français) et moodle-<cours>.csv (à importer dans Moodle : Notes > Importer > "
               "Fichier CSV, utilisateur identifié par l'adresse de courriel).", _exporter)
    a.add_argument("cours", help="nom du cours")
    a.add_argument("--sortie", metavar="DOSSIER", default=".", help="dossier où écrire les fichiers (défaut : .)")
    a.add_argument("--devoirs", metavar="NOMS", help="devoirs à exporter, séparés par des virgules (défaut : tous)")


def _state(args):
    from pathlib import Path

    from civicai.grading.course import default_state_dir

    return Path(args.etat).expanduser().resolve() if args.etat else default_state_dir()


def _course(args):
    from civicai.grading.course import Course

    return Course(_state(args), args.cours).require()


def _split(text):
    return [x.strip() for x in text.split(",") if x.strip()] if text else None


def _quiet_warnings():
    import warnings

    warnings.filterwarnings("ignore")  # SQLAlchemy noise from nbgrader (stack notes)


def _creer(args) -> int:
    import json
    from pathlib import Path

    from civicai.grading.course import create_course

    _quiet_warnings()
    print(f"Création du cours « {args.cours} »...", flush=True)
    course = create_course(_state(args), args.cours, assignments=_split(args.devoirs),
                           source_root=Path(args.source) if args.source else None, cell_timeout=args.delai_cellule,
                           teachers=_split(args.formateurs))
    print(f"Cours créé : {course.root}")
    devoirs = course.source_assignments()
    print(f"Devoirs prêts : {', '.join(devoirs) if devoirs else 'aucun (ajoutez-en avec ajouter-devoir)'}")
    print("Correction confiée à : " + ", ".join(json.loads((course.root / "civicai-cours.json").read_text())["formateurs"]))
    print(f"Étape suivante : civicai cours inscrire {args.cours} classe.csv")
    print("Le hub prend en compte un nouveau cours (outil de correction, groupes) à son prochain démarrage.")
    return 0


def _ajouter(args) -> int:
    from pathlib import Path

    from civicai.grading.course import add_assignment

    _quiet_warnings()
    course = _course(args)
    add_assignment(course, args.devoir, source_root=Path(args.source) if args.source else None)
    print(f"Devoir « {args.devoir} » ajouté au cours « {args.cours} ».")
    return 0


def _liste(args) -> int:
    from civicai.catalog import course_ids
    from civicai.grading.course import Course

    _quiet_warnings()
    root = _state(args) / "courses"
    names = course_ids(root)
    if not names:
        print(f"Aucun cours dans {_state(args)}. Créez-en un avec « civicai cours creer NOM ».")
        return 0
    for name in names:
        course = Course(_state(args), name)
        with course.gradebook() as gb:
            n = len(gb.students)
        print(f"{name} : {n} élève(s) ; devoirs : {', '.join(course.source_assignments()) or 'aucun'}")
    return 0


def _inscrire(args) -> int:
    from pathlib import Path

    from civicai.grading.roster import import_roster

    _quiet_warnings()
    course = _course(args)
    added, updated = import_roster(course, Path(args.fichier))
    print(f"Classe importée dans « {args.cours} » : {added} élève(s) ajouté(s), {updated} mis à jour.")
    print("Sur le hub, ces identifiants voient les devoirs du cours au prochain démarrage du hub.")
    return 0


def _distribuer(args) -> int:
    from civicai.errors import UserError
    from civicai.grading.course import check_result

    _quiet_warnings()
    course = _course(args)
    if args.devoir not in course.released_assignments():
        raise UserError(f"Le devoir « {args.devoir} » n'est pas prêt dans ce cours. Devoirs prêts : "
                        f"{', '.join(course.released_assignments()) or 'aucun'}.")
    api = course.api()
    api.unrelease(args.devoir)  # releasing twice is an error in nbgrader: replace the old version
    check_result(api.release_assignment(args.devoir), "Distribution")
    print(f"Devoir « {args.devoir} » distribué : les élèves du cours « {args.cours} » peuvent le récupérer.")
    return 0


def _ramasser(args) -> int:
    from civicai.grading.course import check_result

    _quiet_warnings()
    course = _course(args)
    check_result(course.api().collect(args.devoir), "Ramassage")
    root = course.root / "submitted"
    n = len(list(root.glob(f"*/{args.devoir}"))) if root.is_dir() else 0
    print(f"Copies ramassées pour « {args.devoir} » : {n}.")
    return 0


def _corriger(args) -> int:
    from civicai.grading.autograde import Limits, autograde
    from civicai.grading.course import Course

    _quiet_warnings()
    course = _course(args)
    timeout = args.delai_cellule
    if timeout is None:
        timeout = int(course.config().Execute.get("timeout", 10))
    limits = Limits(cell_timeout=timeout, submission_timeout=args.delai_copie,
                    memory_bytes=args.memoire * 1024 * 1024)
    workers = args.processus or os.cpu_count() or 1
    print(f"Correction de « {args.devoir} » ({workers} copie(s) à la fois, {timeout} s maximum par cellule)...",
          flush=True)

    def progress(r):
        mark = "⚠" if r.flags or not r.ok else "✓"
        print(f"  {mark} {r.student} corrigé en {_num(r.seconds)} s", flush=True)

    t0 = time.perf_counter()
    results = autograde(course, args.devoir, students=_split(args.eleves), workers=workers, limits=limits,
                        progress=progress)
    elapsed = time.perf_counter() - t0
    if not results:
        print("Aucune copie à corriger. Avez-vous ramassé les copies (civicai cours ramasser) ?")
        return 1
    print(f"\n{len(results)} copie(s) corrigée(s) en {_num(elapsed)} s.")
    print("Notes :")
    for r in results:
        print(f"  {r.student} : {_num(r.score)} / {_num(r.max_score)}" + ("  (à vérifier)" if r.needs_review else ""))
    flagged = [r for r in results if r.flags]
    if flagged:
        print("\nAlertes pour l'enseignant ou l'enseignante :")
        for r in flagged:
            for f in r.flags:
                print(f"  ⚠ {r.student} : {f.text}")
        print("Les copies « à vérifier » sont marquées d'un drapeau dans l'outil de correction (formgrader).")
    print(f"Rapport complet : {course.root / 'rapports' / ('correction-' + args.devoir + '.json')}")
    return 0


def _retours(args) -> int:
    from civicai.grading.course import check_result

    _quiet_warnings()
    course = _course(args)
    api = course.api()
    check_result(api.generate_feedback(args.devoir), "Préparation des corrections")
    check_result(api.release_feedback(args.devoir), "Envoi des corrections")
    n = len(list((course.root / "feedback").glob(f"*/{args.devoir}"))) if (course.root / "feedback").is_dir() else 0
    print(f"Corrections prêtes et déposées pour {n} élève(s) : chacun et chacune récupère la sienne "
          "dans JupyterLab (menu Nbgrader, liste des devoirs).")
    return 0


def _exporter(args) -> int:
    from pathlib import Path

    from civicai.grading.export import export

    _quiet_warnings()
    course = _course(args)
    out = export(course, Path(args.sortie), _split(args.devoirs))
    print(f"Notes (tableur) : {out['francais']}")
    print(f"Notes (Moodle)  : {out['moodle']}")
    if out["sans_email"]:
        print(f"Absents du fichier Moodle faute d'adresse email : {', '.join(out['sans_email'])}")
    print("Dans Moodle : Notes > Importer > Fichier CSV ; « Identifier l'utilisateur par » : "
          "« Adresse de courriel » vers « Adresse de courriel ».")
    return 0


def _num(x) -> str:
    from civicai.french import number

    return number(x, 1, trim=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1)
