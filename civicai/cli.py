"""The ``civicai`` command: one entry point, one sub-command per area of the kit.

Each area exposes ``register(subparsers)`` in a light module (standard library only at
import time, so that ``civicai --help`` stays instant); heavy imports happen in handlers.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from civicai import __version__
from civicai.errors import UserError

# One line per area; each module defines register(subparsers).
AREAS = [
    "civicai.hub.cli",
    "civicai.grading.cli",
    "civicai.site.cli",
    "civicai.faces.cli",
    "civicai.disinfo.cli",
    "civicai.quiz_cli",
    "civicai.kiosk.cli",
    "civicai.content.cli",
    "civicai.debate.cli",
    "civicai.room.cli",
    "civicai.attestation.cli",
    "civicai.generative.cli",
    "civicai.cluster.cli",
]


# Old English command names, kept for one release: they still work and print a French notice.
RENAMED = {("serve",): ("servir",), ("kiosk",): ("kiosque",), ("site", "build"): ("site", "construire")}


def renamed(argv: list[str]) -> list[str]:
    """``argv`` with an old command name replaced by the new one (and a notice on stderr)."""
    for old, new in RENAMED.items():
        if tuple(argv[:len(old)]) == old:
            print(f"Attention : « civicai {' '.join(old)} » s'appelle désormais « civicai {' '.join(new)} ». "
                  "L'ancien nom marche encore dans cette version, mais il disparaîtra à la suivante.",
                  file=sys.stderr)
            return list(new) + list(argv[len(old):])
    return list(argv)


class _FrenchParser(argparse.ArgumentParser):
    """argparse speaks English by default; these are the words people see."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def dataset_parsers(sub):
    """The shared ``civicai donnees`` command: each area adds its data set under it."""
    d = sub.choices.get("donnees") or sub.add_parser(
        "donnees", help="indiquer au kit où sont les jeux de données, les vérifier",
        description="Réglages et vérifications des jeux de données du kit.")
    dsub = getattr(d, "civicai_datasets", None)
    if dsub is None:
        dsub = d.civicai_datasets = d.add_subparsers(title="jeux de données", metavar="JEU",
                                                     parser_class=type(d))
        d.set_defaults(handler=lambda args: (d.print_help(), 2)[1])
    return dsub


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="civicai",
        description="Kit citoyen d'initiation à l'IA : hub de notebooks, borne de médiathèque, "
        "outils pour les formateurs et formatrices.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"civic-ai-kit {__version__}",
                        help="afficher la version et quitter")
    sub = parser.add_subparsers(title="commandes", metavar="COMMANDE", parser_class=_FrenchParser)
    for name in AREAS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(renamed(sys.argv[1:] if argv is None else argv))
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return args.handler(args) or 0
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
