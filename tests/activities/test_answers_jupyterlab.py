"""In JupyterLab itself (a real Jupyter server, Debian's Chromium): a learner types an answer, saves the
notebook, reloads the page, and the answer is still there, in the page and in the .ipynb on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import nbformat
import pytest

from testkit import free_port, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ANSWER = "La machine compte, elle ne comprend pas."


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on loopback (no token: nothing but this test can reach it) over a module-like folder."""
    folder = tmp_path / "02-biais-reconnaissance-faciale"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("**Question 2.1.** Que fait la machine ?"),
        nbformat.v4.new_code_cell('from civicai.activities import AnswerSheet\nsheet = AnswerSheet("reponse.ipynb")\n'
                                  'sheet.question("M2-Q1")')])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "reponse.ipynb")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CIVICAI_SALLE_URL"}
    with open(tmp_path / "lab.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
             "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={folder}"],
            stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
        try:
            wait_http(f"http://127.0.0.1:{port}/api/status", timeout=120, proc=proc, ok=lambda s: s == 200)
            yield f"http://127.0.0.1:{port}/lab/tree/reponse.ipynb", folder
        finally:
            proc.terminate()  # the server shuts its kernel down first: slow on a loaded machine
            try:
                proc.wait(90)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _open(page, url):
    page.goto(url, timeout=180_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=180_000)


def _command(page, name):
    page.evaluate(f"() => window.jupyterapp.commands.execute({name!r})")


def _on_disk(path, text, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(encoding="utf-8"):
            return True
        time.sleep(0.5)
    return False


def test_an_answer_typed_in_jupyterlab_survives_save_and_reload(page, lab):
    url, folder = lab
    _open(page, url)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel",
                           timeout=180_000)
    _command(page, "notebook:run-all-cells")
    box = page.locator(".jp-OutputArea textarea")
    box.wait_for(timeout=180_000)
    box.fill(ANSWER)
    page.locator(".jp-OutputArea button", has_text="Enregistrer").click()
    page.get_by_text("Réponse enregistrée (le").wait_for(timeout=60_000)
    page.get_by_text(f"« {ANSWER} »").wait_for(timeout=60_000)  # the plain-output mirror of the answer

    _command(page, "docmanager:save")
    path = folder / "reponse.ipynb"
    assert _on_disk(path, ANSWER), "the saved .ipynb does not contain the answer"
    page.reload()
    _open(page, url)
    page.get_by_text(f"« {ANSWER} »").wait_for(timeout=120_000)  # read back from the .ipynb, nothing rerun

    saved = nbformat.read(path, as_version=4)
    outputs = json.dumps(saved.cells[1].outputs, ensure_ascii=False)
    assert f"Votre réponse à M2-Q1 :</b> « {ANSWER} »" in outputs
    sidecar = json.loads((folder / ".reponse.reponses.json").read_text(encoding="utf-8"))
    assert sidecar["reponses"]["M2-Q1"]["value"] == ANSWER
    assert sidecar["module"] == "02-biais-reconnaissance-faciale" and sidecar["notebook"] == "reponse.ipynb"
