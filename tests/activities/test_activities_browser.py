"""In Chromium, does a learner's typed answer reach the file beside the notebook, the room, and come back
after a reload? (Voilà runs the kernel and renders the widgets as JupyterLab does.)"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from testkit import RecordingRoom, free_port, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CELLS = ['from civicai.activities import AnswerSheet\nsheet = AnswerSheet("essai.ipynb")',
         'sheet.predict("M1-P1", unit="%")',
         'sheet.question("M1-Q1")',
         'sheet.reveal("M1-P1", 97.5, unit="%", digits=1)']


@pytest.fixture
def served(tmp_path):
    """Voilà on a folder named like a module, with one notebook using the sheet; a room on loopback."""
    folder = tmp_path / "01-comment-une-ia-apprend"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "essai.ipynb")
    room = RecordingRoom()
    env = {**__import__("os").environ, "CIVICAI_SALLE_URL": room.url, "JUPYTERHUB_API_TOKEN": "jeton"}
    port = free_port()
    log = open(tmp_path / "voila.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1", str(folder)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=120, proc=proc)  # the file list: no kernel yet
        yield f"http://127.0.0.1:{port}/voila/render/essai.ipynb", folder, room.got
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        room.close()


def test_typed_answer_and_guess_are_saved_sent_and_shown_again(page, served):
    url, folder, posted = served
    page.goto(url, timeout=120_000)
    page.get_by_text("Pas encore de réponse enregistrée.").wait_for(timeout=120_000)
    page.locator("textarea").fill("Il faut 64 nombres.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Réponse enregistrée (le").wait_for(timeout=30_000)
    page.get_by_role("button", name="Je valide ma prédiction").click()
    page.get_by_text("Prédiction enregistrée").wait_for(timeout=30_000)

    saved = json.loads((folder / ".essai.reponses.json").read_text())["reponses"]
    received = [body for _, _, body in posted]  # what the room got, read after the clicks
    assert saved["M1-Q1"]["value"] == "Il faut 64 nombres." and saved["M1-P1"]["kind"] == "number"
    assert {r["question"] for r in received} == {"M1-Q1", "M1-P1"}
    assert all(r["module"] == "01-comment-une-ia-apprend" and r["notebook"] == "essai.ipynb" for r in received)

    page.reload()  # a new kernel: everything is read back from the file
    page.get_by_text("Votre prédiction : ").wait_for(timeout=120_000)
    assert page.locator("textarea").input_value() == "Il faut 64 nombres."
    assert "Le résultat : 97,5 %" in page.inner_text("body")
    assert page.get_by_role("button", name="Je valide ma prédiction").is_disabled()
