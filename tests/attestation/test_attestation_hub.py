"""On a real hub, in real Chromium: a participant works on module 1 (saves a notebook, answers the quiz
before and after), agrees on their attestation page, gets an nbgrader score; the facilitator generates the
group's attestations; the PDF is rendered and read back, the credential verifies, each person downloads
only their own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from hubtools import WORKSHOP_CODE, RunningHub, served
from testkit import REPO, axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
MODULE = "01-comment-une-ia-apprend"
NOTEBOOK = f"modules/{MODULE}/01-apprendre-a-partir-d-exemples.ipynb"
MINI = REPO / "tests" / "grading" / "fixtures"

QUIZ_CODE = f"""
from civicai.paths import modules_dir
from civicai.quiz import Quiz, save_result
q = Quiz.load(modules_dir() / "{MODULE}" / "quiz.yaml")
wrong = {{x.id: next(c for c in x.choices if c != x.answer) for x in q.questions}}
wrong[q.questions[0].id] = q.questions[0].answer
save_result(q, "avant", wrong)
save_result(q, "apres", {{x.id: x.answer for x in q.questions}})
print(len(q.questions))
"""


@pytest.fixture
def hub_state():
    from PIL import Image

    from civicai.attestation import organisation

    state = Path(tempfile.mkdtemp(prefix="civicai-attestation-")) / "var"
    os.chmod(state.parent, 0o711)
    state.mkdir()
    Image.new("RGB", (60, 30), (200, 40, 40)).save(state.parent / "logo.png")
    organisation.save(state, name="Association Numérique Pour Tous", place="Saint-Denis",
                      logo=str(state.parent / "logo.png"))
    yield state
    shutil.rmtree(state.parent, ignore_errors=True)


def login(browser, hub, name: str, path: str):
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{hub.url}/hub/login?next={path}")
    page.fill("#username_input", name)
    page.fill("#password_input", WORKSHOP_CODE)
    page.click("#login_submit")
    page.wait_for_url(re.compile(re.escape(path)), timeout=60_000)
    return page


def test_group_attestations_from_a_real_hub(browser, hub_state, tmp_path):
    from civicai.grading.autograde import Limits, autograde
    from civicai.grading.course import create_course

    course = create_course(hub_state, "essai", source_root=MINI / "source")
    # three managed services to start on a busy 2-core machine
    with served(RunningHub(hub_state, demonstration=True), timeout=300) as hub:
        _scenario(browser, hub, course, hub_state, tmp_path, autograde, Limits)


def _scenario(browser, hub, course, state, tmp_path, autograde, Limits):
    hub.create_users("camille", "noe")
    hub.spawn("camille")
    token = hub.user_token("camille")
    # camille answers module 1's quiz in her own kernel, and saves a notebook as JupyterLab does
    out = hub.run_code("camille", token, QUIZ_CODE)
    assert out["error"] is None, out
    url = f"{hub.url}/user/camille/api/contents/{NOTEBOOK}"
    headers = {"Authorization": f"token {token}"}
    model = requests.get(url, headers=headers, params={"content": 1}, timeout=30).json()
    model["content"]["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Mes notes."})
    r = requests.put(url, headers=headers, json={"type": "notebook", "format": "json", "content": model["content"]},
                     timeout=30)
    assert r.status_code == 200, r.text
    hub.stop_server("camille")
    hub.spawn("noe")  # noé only opens his space
    hub.stop_server("noe")

    # on her attestation page she types her name and agrees to show her quiz progress
    page = login(browser, hub, "camille", "/services/attestation/")
    assert "pas encore prête" in page.inner_text("main")
    assert axe_serious(page) == []
    page.fill("#name", "Camille Dupré-Nguyen")
    page.check("#quiz-yes")
    page.click("button[type=submit]")
    page.get_by_text("Vos choix sont enregistrés").wait_for()
    # her exercise is graded by nbgrader; noé never agrees to anything
    dest = course.root / "submitted" / "camille" / "mini"
    dest.mkdir(parents=True)
    shutil.copy(MINI / "submissions" / "correct.ipynb", dest / "mini.ipynb")
    (dest / "timestamp.txt").write_text("2026-12-02 09:00:00.000000 UTC")
    [graded] = autograde(course, "mini", workers=1, limits=Limits(cell_timeout=10, submission_timeout=120))
    assert graded.ok, graded

    cli = [sys.executable, "-m", "civicai", "attestation", "--etat", str(state)]
    made = subprocess.run(cli + ["generer", "--formateur", "Karim Benali"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "2 attestation(s) créée(s)" in made.stdout

    # the PDF, downloaded by camille from the hub, rendered and read back
    page.reload()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Télécharger mon attestation (PDF)").click()
    pdf = tmp_path / "camille.pdf"
    dl.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for expected in ("Camille Dupré-Nguyen", "Association Numérique Pour Tous", "Saint-Denis", "Karim Benali",
                     "Comment une IA apprend-elle ?", "mini (essai)", "avant 1 /", "après"):
        assert expected in text, (expected, text)
    data = json.loads((state / "attestation" / "documents" / "camille" / "donnees.json").read_text())
    assert data["seconds"] > 0 and data["modules"][0]["notebooks"] == [Path(NOTEBOOK).name]
    assert data["scores"][0]["score"] == data["scores"][0]["max"] > 0
    # noé did not agree: no quiz on his, and his page gives him his own files only
    noe = json.loads((state / "attestation" / "documents" / "noe" / "donnees.json").read_text())
    assert noe["quiz"] == [] and noe["name"] == "noe"

    # the credential downloaded by camille verifies offline; changing one byte breaks it
    cred = tmp_path / "camille.json"
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("version numérique signée")).click()
    dl.value.save_as(cred)
    key = subprocess.run(cli + ["cle"], capture_output=True, text=True, check=True).stdout.split()[0]
    ok = subprocess.run(cli + ["verifier", str(cred), "--cle", key], capture_output=True, text=True)
    assert ok.returncode == 0 and "Attestation valide" in ok.stdout, ok.stderr
    raw = bytearray(cred.read_bytes())
    raw[raw.index(b"Saint-Denis") + 6] ^= 0x20  # "Saint-Denis" -> "Saint-denis"
    cred.write_bytes(bytes(raw))
    ko = subprocess.run(cli + ["verifier", str(cred)], capture_output=True, text=True)
    assert ko.returncode == 2 and "modifiée" in ko.stderr

    # least privilege: noé's token reaches his own file, never camille's (no route takes a name)
    noe_token = hub.user_token("noe")
    base = f"{hub.url}/services/attestation/"
    mine = requests.get(base + "attestation.pdf", headers={"Authorization": f"token {noe_token}"}, timeout=30)
    assert mine.status_code == 200 and b"noe" in subprocess.run(["pdftotext", "-", "-"], input=mine.content,
                                                                capture_output=True, check=True).stdout
    for probe in ("attestation.pdf?user=camille", "../attestation/camille/attestation.pdf", "camille/attestation.pdf"):
        r = requests.get(base + probe, headers={"Authorization": f"token {noe_token}"}, timeout=30)
        assert b"Dupr" not in r.content
    assert requests.get(base + "attestation.pdf", timeout=30, allow_redirects=False).status_code in (302, 403)
    assert requests.get(base + "logo", timeout=30).headers["Content-Type"] == "image/png"  # public, for the pages
