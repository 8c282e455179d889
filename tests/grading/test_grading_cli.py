"""The teachers' command line: French help, French errors, and a whole course driven by commands."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from gradingtools import FIXTURES, SUBMISSIONS, submit_directly

ENGLISH = ("show this help", "usage: civicai cours [-h] {", "positional arguments", "optional arguments")


pytestmark = pytest.mark.slow  # every test runs the CLI in a subprocess


def civicai(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "civicai", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


@pytest.mark.parametrize("action", ["", "creer", "ajouter-devoir", "liste", "inscrire", "distribuer", "ramasser",
                                    "corriger", "retours", "exporter"])
def test_help_is_in_french(action):
    out = civicai("cours", *([action] if action else []), "--help")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "afficher cette aide" in text
    assert not any(e in text for e in ENGLISH), text
    if action:
        assert "--etat" in text


def test_unknown_course_is_a_french_error(tmp_path):
    out = civicai("cours", "corriger", "inconnu", "m1-apprendre", "--etat", tmp_path / "var")
    assert out.returncode == 2
    assert "Erreur : Le cours « inconnu » n'existe pas" in out.stderr
    assert "Traceback" not in out.stderr


def test_invalid_course_name_is_a_french_error(tmp_path):
    out = civicai("cours", "creer", "Seconde B", "--etat", tmp_path / "var", "--source", FIXTURES / "source")
    assert out.returncode == 2 and "Nom de cours invalide" in out.stderr


def test_a_course_driven_by_commands(tmp_path):
    """creer, inscrire, distribuer, corriger, exporter: the CSV files hold the right scores."""
    state = tmp_path / "var"
    out = civicai("cours", "creer", "seconde-b", "--etat", state, "--source", FIXTURES / "source")
    assert out.returncode == 0, out.stderr
    assert "Cours créé" in out.stdout and "mini" in out.stdout
    roster = tmp_path / "classe.csv"
    roster.write_text("identifiant;prénom;nom;email\nalice;Alice;Martin;alice@example.org\n"
                      "bruno;Bruno;Durand;bruno@example.org\ncamille;Camille;Petit;\n", encoding="utf-8")
    out = civicai("cours", "inscrire", "seconde-b", roster, "--etat", state)
    assert out.returncode == 0 and "3 élève(s) ajouté(s)" in out.stdout, out.stderr
    out = civicai("cours", "distribuer", "seconde-b", "mini", "--etat", state)
    assert out.returncode == 0, out.stderr
    assert (state / "exchange" / "seconde-b" / "outbound" / "mini" / "mini.ipynb").is_file()

    from civicai.grading.course import Course

    course = Course(state, "seconde-b")
    submit_directly(course, "alice", SUBMISSIONS / "correct.ipynb")
    submit_directly(course, "bruno", SUBMISSIONS / "partly-wrong.ipynb")
    out = civicai("cours", "corriger", "seconde-b", "mini", "--etat", state, "--delai-cellule", 5)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "alice : 10 / 10" in out.stdout and "bruno : 4 / 10" in out.stdout
    out = civicai("cours", "exporter", "seconde-b", "--etat", state, "--sortie", tmp_path)
    assert out.returncode == 0, out.stderr

    with open(tmp_path / "notes-seconde-b.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Identifiant", "Prénom", "Nom", "Courriel", "mini (sur 10)", "Total (sur 10)", "À vérifier"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["alice"][4] == "10" and by_id["bruno"][4] == "4" and by_id["camille"][4] == "non rendu"

    with open(tmp_path / "moodle-seconde-b.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Adresse de courriel", "Prénom", "Nom", "mini"]
    assert {r[0]: r[3] for r in rows[1:]} == {"alice@example.org": "10.00", "bruno@example.org": "4.00"}
    assert "camille" in out.stdout  # left out of the Moodle file: no email, and the teacher is told
