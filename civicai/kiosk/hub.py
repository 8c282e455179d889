"""The kiosk's link to the class's model through the hub (issue 17): one address, one token, one scope.

Why: without it every visitor kernel loads the GGUF itself. With a hub (``civicai kiosque --hub URL`` or the
setting ``CIVICAI_KIOSQUE_HUB``), the kiosk hands its visitor kernels the hub's ``ia-generative`` address and the
token of the hub's service ``borne``, whose role may use that service and nothing else
(civicai/generative/hubconfig.py). The token comes from the settings (``CIVICAI_KIOSQUE_JETON``) or, on the hub's
own machine, from the hub's ``secrets.json`` when the kiosk's account may read it. It is never printed: visitor
kernels get it in their environment, run no visitor code (the kiosk forwards widget messages only), and the
browser never calls the hub (the kernel does; the demo page's CSP keeps ``connect-src 'self'``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from civicai.errors import UserError
from civicai.generative.hubconfig import SERVICE
from civicai.settings import settings

NO_HUB = ("Sans hub : la démo « Parlez à une IA » n'utilise pas le modèle de la salle ; chaque noyau de visiteur "
          "charge le modèle lui-même. Pour passer par le hub, donnez son adresse (option --hub ou réglage "
          "CIVICAI_KIOSQUE_HUB).")


@dataclass(frozen=True)
class HubLink:
    """The class's model service as the kiosk's visitor kernels reach it."""

    hub: str                                   # the hub's address, as the operator gave it
    url: str                                   # its ia-generative service, through the hub
    token: str = field(repr=False)             # the hub's « borne » token: never printed

    def kernel_env(self) -> dict[str, str]:
        """What visitor kernels need (civicai.settings reads it there: ``ia_url``, ``ia_token``)."""
        return {"CIVICAI_IA_URL": self.url, "CIVICAI_IA_JETON": self.token}


def stored_token(state_dir: Path) -> str:
    """The kiosk's token in the hub's ``secrets.json`` (``""`` if the file is absent or not readable here)."""
    try:
        return str(json.loads((Path(state_dir) / "secrets.json").read_text()).get("kiosk_token") or "")
    except (OSError, ValueError, AttributeError):
        return ""


def link(hub: str | None = None) -> HubLink | None:
    """The link for ``hub`` (default: the setting ``CIVICAI_KIOSQUE_HUB``); ``None`` without a hub."""
    kit = settings()
    hub = (hub or kit.kiosk_hub).strip()
    if not hub:
        return None
    if urllib.parse.urlsplit(hub).scheme not in ("http", "https"):
        raise UserError(f"Adresse du hub invalide : {hub}. Écrivez-la en entier, par exemple "
                        "http://127.0.0.1:8000 (option --hub ou réglage CIVICAI_KIOSQUE_HUB).")
    token = kit.kiosk_token or stored_token(kit.state_dir)
    if not token:
        raise UserError(
            f"La borne n'a pas de jeton pour le hub {hub}. Sur la machine du hub, le jeton est la valeur "
            f"« kiosk_token » du fichier secrets.json de son dossier d'état. Donnez-le à la borne par le "
            f"réglage CIVICAI_KIOSQUE_JETON (voir le guide de la borne), ou lancez la borne sans --hub.")
    return HubLink(hub=hub, url=f"{hub.rstrip('/')}/services/{SERVICE}/", token=token)


def check(found: HubLink, timeout: float = 10) -> str:
    """Ask the service once (its request log: no model work, no place in its line); a French line for the
    operator's log. A refused token stops the kiosk; a hub that does not answer yet does not."""
    req = urllib.request.Request(found.url + "api/journal", headers={"Authorization": f"token {found.token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout):
            pass
    except urllib.error.HTTPError as e:
        if e.code == 403:
            raise UserError(f"Le hub {found.hub} refuse le jeton de la borne. Vérifiez CIVICAI_KIOSQUE_JETON : "
                            "il doit être la valeur « kiosk_token » du fichier secrets.json du hub.") from None
        return (f"Attention : le hub {found.hub} répond, mais pas son service {SERVICE} (code {e.code}). "
                "La démo « Parlez à une IA » dira aux visiteurs que l'IA ne répond pas, jusqu'à ce qu'il réponde.")
    except OSError:
        return (f"Attention : le hub {found.hub} ne répond pas pour l'instant. La démo « Parlez à une IA » "
                "dira aux visiteurs que l'IA ne répond pas, jusqu'à ce qu'il réponde.")
    return f"La démo « Parlez à une IA » utilise le modèle de la salle, par le hub {found.hub}."
