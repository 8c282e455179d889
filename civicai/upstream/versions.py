"""The French refusal every adapter raises, naming the tested and the pinned versions.

The pin is read from the kit's installed metadata (``pyproject.toml`` is its one home), so the
message and the pin cannot disagree.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, requires, version

from civicai.errors import UserError

KIT = "civic-ai-kit"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(project: str) -> str:
    """The kit's requirement on ``project``, e.g. ``voila<0.6,>=0.5.13`` (its bare name if none)."""
    try:
        reqs = requires(KIT) or []
    except PackageNotFoundError:
        return project
    for req in reqs:
        if "extra ==" in req:
            continue
        name = re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0]
        if _canonical(name) == _canonical(project):
            return req.split(";")[0].strip()
    return project


def refusal(project: str, tested: str, missing: list[str] | None = None, *,
            stops: str = "la borne refuse de démarrer") -> UserError:
    """The error that stops a command (``stops`` says which) when ``project`` lost a shape the kit uses."""
    try:
        installed = version(project)
    except PackageNotFoundError:
        installed = "absente"
    detail = f" (manque : {', '.join(missing)})" if missing else ""
    return UserError(
        f"La version installée de {project} ({installed}) ne fonctionne pas comme celle que le kit "
        f"a testée ({tested}) : {stops}{detail}. "
        f"Installez la version prévue par le kit : pip install \"{requirement(project)}\".")
