"""``civicai debat``: the facilitators' commands for the debates (list, export, erase a person's data)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("debat", help="débats « La carte des opinions » : lister, exporter, effacer",
                       description="Les débats du hub (service « debat ») : leur liste, les fichiers pour la "
                       "convention, et l'effacement des données d'une personne qui le demande.")
    p.add_argument("--etat", metavar="DOSSIER",
                   help="dossier d'état du hub, qui contient debat.sqlite (défaut : variable CIVICAI_STATE_DIR, "
                   "sinon ./var)")
    dsub = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])

    ls = dsub.add_parser("liste", help="lister les débats", description="Liste les débats et leur état.")
    ls.set_defaults(handler=_list)

    ex = dsub.add_parser("exporter", help="écrire la synthèse PDF et les tableaux CSV d'un débat",
                         description="Écrit la synthèse (PDF), les résultats (CSV) et les propositions pour "
                         "Decidim (CSV) d'un débat. Ni nom ni vote individuel.")
    ex.add_argument("debat", help="adresse courte du débat (voir « civicai debat liste »)")
    ex.add_argument("--dossier", default=".", help="où écrire les fichiers (défaut : dossier courant)")
    ex.set_defaults(handler=_export)

    er = dsub.add_parser("effacer", help="effacer les votes et les phrases d'une personne",
                         description="Efface, dans tous les débats, les votes et les phrases d'une personne "
                         "qui le demande (avec les votes des autres sur ses phrases).",
                         epilog="Exemple : civicai debat effacer camille")
    er.add_argument("nom", help="identifiant de la personne sur le hub")
    er.set_defaults(handler=_erase)


def _store(args):
    from pathlib import Path

    from civicai.debate.store import DebateStore
    from civicai.errors import UserError
    from civicai.paths import state_dir

    path = Path(args.etat or state_dir()).expanduser() / "debat.sqlite"
    if not path.is_file():
        raise UserError(f"Aucun débat trouvé : le fichier {path} n'existe pas. "
                        "Indiquez le dossier d'état du hub avec --etat.")
    return DebateStore(path)


def _list(args) -> int:
    from civicai.debate.store import CLOSED, OPEN

    in_french = {OPEN: "ouvert", CLOSED: "fermé"}
    store = _store(args)
    debates = store.debates()
    for d in debates:
        print(f"{d['slug']}  ({in_french[d['status']]})  {d['title']} : {d['question']}")
    if not debates:
        print("Aucun débat pour l'instant.")
    return 0


def _export(args) -> int:
    from pathlib import Path

    from civicai.debate import export
    from civicai.debate.summary import summarize
    from civicai.errors import UserError

    store = _store(args)
    try:
        debate = store.debate(args.debat)
    except KeyError:
        raise UserError(f"Débat inconnu : « {args.debat} ». "
                        "Voyez la liste avec « civicai debat liste ».") from None
    summary = summarize(store.all_votes(args.debat), {s.id: s.text for s in store.statements(args.debat)})
    folder = Path(args.dossier)
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in (("synthese.pdf", export.summary_pdf), ("resultats.csv", export.results_csv),
                       ("decidim.csv", export.decidim_csv)):
        target = folder / f"{debate['slug']}-{name}"
        target.write_bytes(make(debate, summary))
        print(f"Écrit : {target}")
    return 0


def _erase(args) -> int:
    import getpass

    counts = _store(args).erase(args.nom, by=f"cli:{getpass.getuser()}")
    if not counts:
        print(f"Aucune donnée trouvée pour « {args.nom} ».")
    for slug, n in counts.items():
        print(f"Débat {slug} : {n} votes et phrases effacés.")
    return 0
