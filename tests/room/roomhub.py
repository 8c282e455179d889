"""A real hub as `civicai serve` runs it, with helpers for the room service and for participants' notebooks."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from hubtools import RunningHub

MODULE = "02-biais-reconnaissance-faciale"
NOTEBOOK = "02-l-audit.ipynb"


class RoomHub(RunningHub):
    @property
    def service_url(self) -> str:
        return f"{self.url}/services/salle/"

    def service(self, method: str, path: str, token: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.service_url}api/{path}", timeout=60,
                                headers={"Authorization": f"token {token}"}, **kw)

    def open_notebook(self, name: str, token: str, path: str = f"modules/{MODULE}/{NOTEBOOK}") -> str:
        """Open a notebook as JupyterLab does (a session with a kernel); return the kernel id."""
        r = requests.post(f"{self.url}/user/{name}/api/sessions", headers={"Authorization": f"token {token}"},
                          json={"path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook",
                                "kernel": {"name": "python3"}}, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()["kernel"]["id"]

    def answer_from_kernel(self, name: str, token: str, kernel_id: str, question: str, value) -> dict:
        """What a module's answer box does in the kernel: POST to $CIVICAI_SALLE_URL with the server's token."""
        code = f"""
import json, os, urllib.request
req = urllib.request.Request(os.environ["CIVICAI_SALLE_URL"] + "api/answers", method="POST",
    data=json.dumps({{"module": {MODULE!r}, "notebook": {NOTEBOOK!r}, "question": {question!r},
                     "kind": "number", "value": {value!r}}}).encode(),
    headers={{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"], "Content-Type": "application/json"}})
print(urllib.request.urlopen(req, timeout=30).status)
"""
        out = self.run_code(name, token, code, kernel_id=kernel_id)
        assert out["error"] is None and out["stdout"].strip() == "201", out
        return out


def course_with_camille(folder: Path, source_root: Path):
    """A real course « essai » graded by « formatrice », with camille (Camille Martin) on its roster."""
    from civicai.grading.course import create_course

    course = create_course(folder, "essai", source_root=source_root, teachers=["formatrice"])
    with course.gradebook() as gb:
        gb.add_student("camille", first_name="Camille", last_name="Martin")
    return course


def log_in(browser, hub, name: str, password: str, next_path: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def visible_text(page) -> str:
    """What a person reads or hears: the page's text and the labels of its controls."""
    return page.evaluate("""() => document.body.innerText + "\\n" + [...document.querySelectorAll(
        "[aria-label],[title],[placeholder],img[alt],input[type=submit],input[type=button],button")]
        .filter(e => e.offsetParent !== null || e.getClientRects().length)
        .map(e => [e.getAttribute("aria-label"), e.getAttribute("title"), e.getAttribute("placeholder"),
                   e.getAttribute("alt"), e.tagName === "INPUT" ? e.value : ""].filter(Boolean).join("\\n"))
        .join("\\n")""")


# English words of JupyterHub's interface (product names excepted): none may remain on a kit page
ENGLISH = re.compile(r"\b(the|your|my|server|servers|start|stop|home|token|tokens|logout|login|error|never|loading|"
                     r"add|delete|users?|groups?|running|search|manage|shutdown|edit|previous|next|"
                     r"request|requested|expires|created|last used|revoke|authorize|toggle|dark mode|spawn|"
                     r"activity|refresh|page not found|successfully|please|enable|requires)\b", re.I)


def english_in(text: str, *allowed: str) -> list[str]:
    text = re.sub(r"(?:https?://|/)\S*", " ", text)  # addresses (/user/nora/) are not interface words
    for word in ("JupyterHub", "JupyterLab", "Jupyter", "nbgrader", *allowed):
        text = text.replace(word, "")
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})
