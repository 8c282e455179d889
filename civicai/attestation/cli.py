"""``civicai organisation`` and ``civicai attestation``: the organisation's settings, the group's
attestations, the organisation's public key, and the offline check of a credential."""

from __future__ import annotations

ETAT_HELP = "dossier d'état du hub (défaut : ./var)"


def register(sub) -> None:
    o = sub.add_parser("organisation", help="indiquer le nom, le lieu et le logo de l'organisation",
                       description="Enregistre, une fois pour toutes, l'organisation qui forme : son nom et son "
                       "lieu (sur les attestations et les pages du hub), et son logo (PNG ou JPEG).",
                       epilog='Exemple : civicai organisation --nom "Médiathèque de Lunel" --lieu Lunel '
                       "--logo logo.png")
    o.add_argument("--etat", default="var", metavar="DOSSIER", help=ETAT_HELP)
    o.add_argument("--nom", help="nom de l'organisation")
    o.add_argument("--lieu", help="ville ou lieu de la formation")
    o.add_argument("--logo", metavar="FICHIER", help="image PNG ou JPEG de 1 Mo au plus")
    o.add_argument("--sans-logo", action="store_true", help="retirer le logo")
    o.set_defaults(handler=_organisation)

    p = sub.add_parser("attestation", help="attestations de formation : créer, vérifier, clé de l'organisation",
                       description="Les attestations de formation des participants et participantes : un PDF en "
                       "français et une version numérique signée (Open Badges 3.0), vérifiable sans connexion.")
    p.add_argument("--etat", default="var", metavar="DOSSIER", help=ETAT_HELP)
    asub = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])

    g = asub.add_parser("generer", help="créer les attestations d'un groupe",
                        description="Crée l'attestation de chaque personne d'un cours (ou de toutes les personnes "
                        "du hub) ; chacune la télécharge ensuite depuis le hub, page « Mon attestation ».",
                        epilog='Exemple : civicai attestation generer --cours seconde-b --formateur "Karim B."')
    g.add_argument("--cours", help="identifiant du cours nbgrader (défaut : toutes les personnes du hub)")
    g.add_argument("--formateur", required=True, metavar="NOM",
                   help="nom de la personne qui a animé la formation, tel qu'il doit apparaître")
    g.add_argument("--personnes", metavar="NOMS", help="seulement ces identifiants, séparés par des virgules")
    g.set_defaults(handler=_generate)

    k = asub.add_parser("cle", help="afficher ou exporter la clé publique de l'organisation",
                        description="Affiche l'identifiant public (did:key) qui signe les attestations. Donnez-le "
                        "à qui veut vérifier une attestation ; la clé privée ne quitte jamais le dossier d'état.")
    k.add_argument("--exporter", metavar="FICHIER", help="écrire aussi la clé publique (format PEM) dans ce fichier")
    k.set_defaults(handler=_key)

    v = asub.add_parser("verifier", help="vérifier une attestation numérique, sans connexion",
                        description="Vérifie la signature d'une attestation numérique (fichier attestation.json).",
                        epilog="Exemple : civicai attestation verifier attestation.json --cle did:key:z6Mk...")
    v.add_argument("fichier", help="le fichier attestation.json")
    v.add_argument("--cle", metavar="DID", help="l'identifiant public de l'organisation (civicai attestation cle) : "
                   "vérifie aussi que c'est bien elle qui a signé")
    v.set_defaults(handler=_verify)


def _organisation(args) -> int:
    from civicai.attestation import organisation

    if args.nom is None and args.lieu is None and args.logo is None and not args.sans_logo:
        current = organisation.load(args.etat)
        if current is None:
            print("Aucune organisation enregistrée. Exemple : civicai organisation --nom \"...\" --lieu \"...\"")
            return 0
        print(f"Nom : {current['name']}\nLieu : {current['place']}\nLogo : {current.get('logo') or 'aucun'}")
        return 0
    s = organisation.save(args.etat, name=args.nom, place=args.lieu, logo=args.logo, no_logo=args.sans_logo)
    print(f"Organisation enregistrée : {s['name']}, {s['place']}" + (", avec logo" if s.get("logo") else ""))
    return 0


def _generate(args) -> int:
    from datetime import datetime, timezone

    from civicai.attestation import issue

    names = issue.participants(args.etat, args.cours)
    if args.personnes:
        wanted = {n.strip() for n in args.personnes.split(",") if n.strip()}
        names = [n for n in names if n in wanted]
    when = datetime.now(timezone.utc)
    for name in names:
        folder = issue.issue(args.etat, name, facilitator=args.formateur, when=when, course=args.cours)
        print(f"{name} : {folder / 'attestation.pdf'}")
    print(f"{len(names)} attestation(s) créée(s). Chaque personne la télécharge depuis le hub : "
          "/services/attestation/")
    return 0


def _key(args) -> int:
    from pathlib import Path

    from civicai.attestation import keys

    public = keys.private_key(args.etat, create=False).public_key()
    print(keys.did_key(public))
    if args.exporter:
        Path(args.exporter).write_text(keys.public_pem(public), encoding="utf-8")
        print(f"Clé publique écrite dans {args.exporter}")
    return 0


def _verify(args) -> int:
    from civicai.attestation import credential

    cred = credential.verify(credential.load(args.fichier), trusted_did=args.cle)
    subject = cred["credentialSubject"]
    name = next((i.get("identityHash") for i in subject.get("identifier", []) if isinstance(i, dict)), "?")
    print(f"Attestation valide : délivrée par {cred['issuer']['name']} à {name}, le {cred['validFrom'][:10]}.")
    if not args.cle:
        print("Signée par la clé " + cred["issuer"]["id"] + " : comparez-la à celle que l'organisation publie "
              "(ou relancez avec --cle).")
    return 0
