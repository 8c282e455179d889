"""The hub's configuration, shared by every deployment target (``hub/<target>/``).

``jupyterhub_config.py`` files stay short and readable: they call these functions, which
only set traits on JupyterHub's config object (unit-tested on a plain ``Config()``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from civicai.paths import hub_dir, kit_root, modules_dir
from civicai.settings import FACILITATORS_GROUP, Settings, settings

_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud in a room


def workshop_code() -> str:
    """A code easy to read on a board: ``xxxx-xxxx`` (9 characters, the minimum is 8)."""
    pick = lambda: "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))  # noqa: E731
    return f"{pick()}-{pick()}"


def load_secrets(state_dir: Path) -> dict:
    """The workshop code, the admin password and the kit's API token, made once, kept in the state dir.

    The settings' ``workshop_code`` and ``admin_password`` (``CIVICAI_WORKSHOP_CODE``,
    ``CIVICAI_ADMIN_PASSWORD``, ``civicai servir --code``) override what is stored.
    """
    stored = _stored_secrets(Path(state_dir))
    chosen = settings()
    return {"workshop_code": chosen.workshop_code or stored["workshop_code"],
            "admin_password": chosen.admin_password or stored["admin_password"],
            "api_token": stored["api_token"]}


def _stored_secrets(state_dir: Path, *, room_key: bytes | None = None) -> dict:
    """secrets.json (0600, the hub's only), with whatever is missing made now; ``room_key``: one to keep."""
    path = state_dir / "secrets.json"
    try:
        stored = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        stored = {}
    if room_key and not stored.get("room_key"):
        stored["room_key"] = room_key.hex()
    elif all(stored.get(k) for k in ("workshop_code", "admin_password", "api_token", "room_key", "kiosk_token")):
        return stored
    stored = {"workshop_code": stored.get("workshop_code") or workshop_code(),
              "admin_password": stored.get("admin_password") or secrets.token_urlsafe(24),
              "api_token": stored.get("api_token") or secrets.token_hex(32),
              "room_key": stored.get("room_key") or secrets.token_hex(32),
              "kiosk_token": stored.get("kiosk_token") or secrets.token_hex(32)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(stored, fh)
    return stored


def kiosk_token(state_dir: Path) -> str:
    """The library kiosk's token: it may use the class's model service and nothing else (see
    civicai.generative.hubconfig); the kiosk reads it here when it can, else its operator passes it."""
    return _stored_secrets(Path(state_dir))["kiosk_token"]


def room_key(state_dir: Path, *, keep: bytes | None = None) -> bytes:
    """The key of the room's pseudonyms (civicai.room.store), kept with the hub's other secrets, away from
    the answers; ``keep``: an older key to adopt if none is stored yet, so that old rows still match."""
    return bytes.fromhex(_stored_secrets(Path(state_dir), room_key=keep)["room_key"])


def facilitators() -> list[str]:
    return list(settings().facilitators)


def proxy_command() -> list[str]:
    """The Node configurable-http-proxy installed by ``make setup`` (see README for the choice)."""
    local = kit_root() / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return [str(local)]
    found = shutil.which("configurable-http-proxy")
    return [found or str(local)]


def apply_common(c, *, state_dir: Path) -> None:
    """Everything every deployment shares: login, groups, French interface, modules, extensions."""
    state_dir = Path(state_dir).resolve()
    keys = load_secrets(state_dir)
    names = facilitators()

    # Login: a workshop code for participants; facilitators use the admin password.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = keys["workshop_code"]
    c.SharedPasswordAuthenticator.admin_password = keys["admin_password"]
    c.Authenticator.admin_users = set(names)
    c.Authenticator.allow_all = True
    c.JupyterHub.load_groups = {FACILITATORS_GROUP: {"users": sorted(names)}}
    # The kit's own tools (teachers' commands, tests) script the hub with this service's token.
    c.JupyterHub.services = [{"name": "civicai", "api_token": keys["api_token"]}]
    c.JupyterHub.load_roles = [{
        "name": "civicai-tools", "services": ["civicai"],
        "scopes": ["admin:users", "admin:groups", "admin:servers", "access:servers", "tokens", "read:hub"],
    }]

    # French pages (login, waiting page) and French JupyterLab.
    c.JupyterHub.template_paths = [str(hub_dir() / "templates")]
    c.Spawner.default_url = "/lab/tree/modules"
    c.Spawner.environment = {
        "JUPYTER_CONFIG_PATH": str(hub_dir() / "singleuser"),
        "CIVICAI_KIT_ROOT": str(kit_root()),
        "LANG": "fr_FR.UTF-8",
    }
    # The operator's CIVICAI_* settings (FairFace location, ...) reach every user server.
    c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV", *settings().forwarded]
    c.JupyterHub.cleanup_servers = True

    # Grading (issue 6): nbgrader's courses on the hub (formgrader per course, groups, exchange).
    from civicai.grading.hubconfig import configure as configure_grading
    configure_grading(c, state_dir=state_dir)


def apply_state(c, state_dir: Path) -> None:
    """The hub's own files in ``state_dir``: SQLite database, cookie secret, pid files; the proxy."""
    c.JupyterHub.db_url = f"sqlite:///{state_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state_dir / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.pid_file = str(state_dir / "jupyterhub-proxy.pid")
    c.ConfigurableHTTPProxy.command = proxy_command()


def apply_ports(c, chosen: Settings | None = None) -> None:
    """Internal ports, when the defaults (8081, 8001) are taken (tests, several hubs on one machine)."""
    chosen = chosen or settings()
    if chosen.hub_port:
        c.JupyterHub.hub_port = chosen.hub_port
    if chosen.proxy_api_port:
        c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{chosen.proxy_api_port}"


def apply_listen(c) -> None:
    """The public address of the hub (``civicai servir --ip --port``)."""
    chosen = settings()
    c.JupyterHub.ip = chosen.ip
    c.JupyterHub.port = chosen.port


def demonstration_mode() -> bool:
    """Single-trust mode (``civicai servir --mode-demonstration``): no account per participant."""
    return settings().demonstration


def configure_local(c, *, state_dir: str | os.PathLike | None = None) -> None:
    """One machine: SQLite, the local spawner, homes and runtime files in ``state_dir`` (default: the settings')."""
    from civicai.cluster.capacity import limit_mb
    from civicai.hub.state import secure_state_dir

    state_dir = Path(state_dir if state_dir is not None else settings().state_dir).resolve()
    apply_common(c, state_dir=state_dir)
    apply_state(c, state_dir)
    c.JupyterHub.spawner_class = "civicai.hub.spawner.KitSpawner"
    c.KitSpawner.home_dir_template = str(state_dir / "homes" / "{username}")
    # One Unix account per participant, unless the operator chose the demonstration mode.
    c.KitSpawner.isolate = not demonstration_mode()
    c.JupyterHub.template_vars = {"civicai_demonstration": demonstration_mode()}
    # Limits per participant (civicai.hub.limits): the "classe" memory figure of hub/README.md, one core.
    c.KitSpawner.mem_limit = f"{limit_mb(kernels=2)}M"
    c.KitSpawner.cpu_limit = 1.0
    if os.geteuid() == 0:
        secure_state_dir(state_dir)
    c.KitSpawner.modules_source = str(modules_dir())
    # The kit's own Python, whether or not its virtualenv is on PATH.
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
    c.Spawner.http_timeout = 60
    c.Spawner.start_timeout = 60
    apply_ports(c)
    # The opinion map of the group's debates (civicai/debate/): a service the hub starts and stops.
    from civicai.debate.hubconfig import configure as configure_debate

    configure_debate(c, state_dir=state_dir)
    from civicai.faces.hubconfig import configure as configure_faces  # module 2's shared predictions
    configure_faces(c, state_dir=state_dir)
    from civicai.welcome.hubconfig import configure as configure_welcome  # the participants' welcome page
    configure_welcome(c, state_dir=state_dir)
    # Attestations and organisation settings, optional self-sign-up (civicai/attestation/, civicai/signup/).
    from civicai.attestation.hubconfig import configure as configure_attestation
    configure_attestation(c, state_dir)
    from civicai.generative.hubconfig import configure as configure_generative  # module 4's shared model
    configure_generative(c, state_dir=state_dir, kiosk_token=kiosk_token(state_dir))
    from civicai.kernels.hubconfig import configure as configure_kernels  # participants' kernels, forked
    configure_kernels(c, state_dir)
    # The facilitators' room (civicai/room/): who is in, the room's answers; last, it links to the other services.
    from civicai.room.hubconfig import configure as configure_room

    configure_room(c, state_dir=state_dir)
