"""Open every participant's server on the welcome page: ``configure(c, state_dir=...)``.

It only sets traits and can be called twice: the user servers' default address, and the module
the facilitator chose (``civicai serve --module N``, read by :func:`settings`).
"""

from __future__ import annotations

import os

from civicai.welcome.modules import ENV_VAR
from civicai.welcome.page import PATH


def settings() -> dict:
    """The welcome page's one setting: the chosen module's number, or None."""
    from civicai.settings import settings as kit_settings

    return {"module": kit_settings().module or None}


def configure(c, *, state_dir: str | os.PathLike | None = None) -> None:
    c.Spawner.default_url = f"/{PATH}"
    chosen = settings()["module"]
    env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    if chosen:
        env[ENV_VAR] = chosen
    else:
        env.pop(ENV_VAR, None)
    c.Spawner.environment = env
