"""``civicai salle``: the facilitators' commands for the room's store (erase a person's answers)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("salle", help="la salle des formateurs : effacer les réponses d'une personne",
                       description="Les réponses de la salle (service « salle ») : effacement des réponses "
                       "d'une personne qui le demande.")
    p.add_argument("--etat", metavar="DOSSIER",
                   help="dossier d'état du hub, qui contient salle.sqlite (défaut : variable CIVICAI_STATE_DIR, "
                   "sinon ./var)")
    ssub = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])
    er = ssub.add_parser("effacer", help="effacer les réponses et la progression d'une personne",
                         description="Efface toutes les réponses d'une personne aux questions des modules, "
                         "et donc sa progression. Les résultats de la salle sont recalculés sans elle.",
                         epilog="Exemple : civicai salle effacer camille")
    er.add_argument("nom", help="identifiant de la personne sur le hub")
    er.set_defaults(handler=_erase)


def _erase(args) -> int:
    from pathlib import Path

    from civicai.errors import UserError
    from civicai.paths import state_dir
    from civicai.room.store import AnswerStore

    path = Path(args.etat or state_dir()).expanduser() / "salle.sqlite"
    if not path.is_file():
        raise UserError(f"Aucune réponse trouvée : le fichier {path} n'existe pas. "
                        "Indiquez le dossier d'état du hub avec --etat.")
    names = dict.fromkeys([args.nom, args.nom.lower()])  # the hub writes names in lower case
    store = AnswerStore(path)
    gone = [row for name in names for row in store.forget(name)]
    if not gone:
        print(f"Aucune réponse trouvée pour « {args.nom} » : rien n'a été effacé.")
        return 0
    print(f"Effacé pour « {args.nom} » : {len(gone)} réponse{'s' if len(gone) > 1 else ''}, "
          "et la progression qui en venait.")
    for row in gone:
        print(f"  module {row['module']}, question {row['question']}")
    return 0
