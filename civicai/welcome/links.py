"""``civicai serve`` prints a direct link per module, each with a QR code to scan (segno, offline).

A link is ``<hub>/hub/user-redirect/lab/tree/modules/NN-slug/01-....ipynb``: JupyterHub asks the
person to log in if needed, then opens that notebook in their own space.
"""

from __future__ import annotations

import io

from civicai.welcome.modules import Module


def module_link(hub_url: str, module: Module) -> str:
    return f"{hub_url.rstrip('/')}/hub/user-redirect/lab/tree/{module.first_path}"


def welcome_link(hub_url: str) -> str:
    return f"{hub_url.rstrip('/')}/hub/user-redirect/civicai/bienvenue"


def qr_text(url: str) -> str:
    """The QR code of ``url`` drawn with characters, for a terminal."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def banner_links(hub_url: str, modules: list[Module], chosen: Module | None = None) -> str:
    """The lines printed by ``civicai serve``: the welcome link, then one link and QR code per module
    (only the chosen module's when there is one)."""
    lines = ["", f"  Accueil des participants : {welcome_link(hub_url)}"]
    for module in ([chosen] if chosen else modules):
        url = module_link(hub_url, module)
        lines += ["", f"  Module {module.number} ({module.title}) : {url}", qr_text(url)]
    return "\n".join(lines)
