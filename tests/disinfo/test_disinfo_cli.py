"""Does ``civicai donnees affirmations`` check the corpus and say so in French?"""

from __future__ import annotations

import argparse

from civicai.disinfo import cli


def test_check_prints_the_balance(capsys):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["donnees", "affirmations"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "440 affirmations, 220 faits" in out
    assert "Partie A" in out and "Partie B" in out


def test_shares_the_donnees_command_with_other_areas():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    existing = sub.add_parser("donnees")
    cli.register(sub)
    assert sub.choices["donnees"] is existing
    assert "affirmations" in existing.civicai_datasets.choices
