"""``civicai kubernetes``: write the kit's zero-to-jupyterhub values, check a values file (stdlib at import)."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("kubernetes", help="installer le kit sur Kubernetes : écrire et vérifier les réglages",
                       description="Réglages du kit pour le paquet d'installation officiel de JupyterHub "
                       "sur Kubernetes (zero-to-jupyterhub).")
    ksub = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])
    w = ksub.add_parser("valeurs", help="écrire le fichier de réglages tiré des réglages du kit",
                        description="Écrit sur la sortie le fichier values.yaml tiré des réglages du kit "
                        "(groupes, service de débat, mémoire mesurée, chemins).",
                        epilog="Exemple : civicai kubernetes valeurs > deploy/kubernetes/values.yaml")
    w.set_defaults(handler=_write)
    v = ksub.add_parser("verifier", help="vérifier un fichier de réglages, hors ligne, comme helm",
                        description="Fusionne le fichier avec les réglages par défaut du paquet et le vérifie "
                        "avec son schéma, sans réseau.")
    v.add_argument("fichier", nargs="?", type=Path, help="fichier values.yaml (défaut : celui du kit)")
    v.add_argument("--paquet", type=Path, metavar="DOSSIER",
                   help="dossier du paquet avec values.yaml et values.schema.yaml (défaut : ../shared/schemas/z2jh)")
    v.set_defaults(handler=_check)


def _write(args) -> int:
    from civicai.cluster.kubevalues import render
    from civicai.settings import settings

    sys.stdout.write(render(settings()))
    return 0


def _check(args) -> int:
    from civicai.cluster.kubernetes import check_file

    return check_file(args.fichier, args.paquet, ok="{path} : conforme au schéma du paquet",
                      error="{path} : {line}")
