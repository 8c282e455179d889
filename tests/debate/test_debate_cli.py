"""`civicai debat`: list, export and erase from the hub's state folder, in French."""

from __future__ import annotations

import subprocess
import sys

import pytest

from civicai.debate.opinion_map import planted_votes
from civicai.debate.store import DebateStore

pytestmark = pytest.mark.slow  # every test starts `civicai debat`
VOTE = {1: "agree", -1: "disagree", 0: "pass"}


def civicai(*args, cwd):
    return subprocess.run([sys.executable, "-m", "civicai", *args], capture_output=True, text=True, cwd=cwd)


def test_list_export_and_erase_on_request(tmp_path):
    store = DebateStore(tmp_path / "var" / "debat.sqlite")
    d = store.open_debate("Débat en ligne de commande", "Question ?", [f"Phrase de départ {j}." for j in range(12)],
                          by="formateur")
    ids = [s.id for s in store.statements(d["slug"])]
    votes, _ = planted_votes(n_participants=30, n_statements=12, consensus=(0,), seed=5)
    for who, j, value in votes:
        store.vote(d["slug"], who, ids[j], VOTE[value])
    store.close()

    listed = civicai("debat", "--etat", "var", "liste", cwd=tmp_path)
    assert listed.returncode == 0 and f"{d['slug']}  (ouvert)" in listed.stdout

    out = civicai("debat", "--etat", "var", "exporter", d["slug"], "--dossier", "export", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == [
        f"{d['slug']}-decidim.csv", f"{d['slug']}-resultats.csv", f"{d['slug']}-synthese.pdf"]

    before = DebateStore(tmp_path / "var" / "debat.sqlite")
    n_votes = sum(1 for v in votes if v[0] == "p007")
    assert len(before.my_votes(d["slug"], "p007")) == n_votes
    erased = civicai("debat", "--etat", "var", "effacer", "p007", cwd=tmp_path)
    assert erased.returncode == 0 and f"{n_votes} votes et phrases effacés" in erased.stdout
    assert before.my_votes(d["slug"], "p007") == {}
    again = civicai("debat", "--etat", "var", "effacer", "p007", cwd=tmp_path)
    assert "Aucune donnée trouvée" in again.stdout


def test_a_missing_state_folder_or_debate_is_explained(tmp_path):
    r = civicai("debat", "--etat", "nulle-part", "liste", cwd=tmp_path)
    assert r.returncode == 2 and "Indiquez le dossier d'état du hub avec --etat" in r.stderr
    DebateStore(tmp_path / "var" / "debat.sqlite").close()
    r = civicai("debat", "--etat", "var", "exporter", "inconnu", cwd=tmp_path)
    assert r.returncode == 2 and "Débat inconnu" in r.stderr
