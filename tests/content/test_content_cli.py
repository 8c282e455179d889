"""Does ``civicai contenu verifier`` report (exit 0) what is older than a year, in French?"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from civicai.cli import main
from testkit import REPO


def test_verifier_on_the_kit_today_finds_nothing_stale(capsys):
    assert main(["contenu", "verifier", "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "Rien à revoir" in out


def test_verifier_a_year_later_lists_every_dated_statement_and_still_succeeds(capsys):
    assert main(["contenu", "verifier", "--date", "2028-01-01"]) == 0
    out = capsys.readouterr().out
    assert "à vérifier de nouveau" in out
    assert "02-biais-reconnaissance-faciale/etat-du-droit.yaml · montpellier-voeu-2022" in out
    assert "01-comment-une-ia-apprend/04-comment-un-modele-generatif-ecrit.ipynb · bloc « Sources »" in out


@pytest.mark.slow  # starts a process (the CLI)
def test_a_bad_date_is_a_french_error_from_any_folder(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    run = subprocess.run([sys.executable, "-m", "civicai", "contenu", "verifier", "--date", "hier"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert run.returncode == 2
    assert "n'est pas au format AAAA-MM-JJ" in run.stderr


@pytest.mark.slow  # starts a process (the CLI)
def test_help_is_in_french():
    run = subprocess.run([sys.executable, "-m", "civicai", "contenu", "verifier", "--help"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 0 and "il y a plus de 12 mois" in " ".join(run.stdout.split())
