"""The kit's settings: one frozen object, the only reader of the environment and of the operator's file.

Why one home: ``civicai servir`` used to turn its options into environment variables that the hub
configuration read back one by one, with defaults that disagreed. Now ``Settings.load()`` reads, in
this order (the later wins): the defaults, the ``CIVICAI_*`` environment variables, then the JSON file
named by ``CIVICAI_SETTINGS`` (written by ``civicai servir`` in the state folder, see :func:`write`).
Every other module asks ``settings()`` and never reads ``os.environ`` for a ``CIVICAI_*`` name.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from civicai.errors import UserError

SETTINGS_ENV = "CIVICAI_SETTINGS"
SETTINGS_FILE = "civicai-settings.json"
DEMONSTRATION = "demonstration"
FACILITATORS_GROUP = "formateurs"  # the hub group of facilitators (JupyterHub admins)
# Never passed on to participants' servers: the hub's own secrets and its private file.
SECRET_ENV = frozenset({"CIVICAI_WORKSHOP_CODE", "CIVICAI_ADMIN_PASSWORD", "CIVICAI_IA_AMONT_CLE", SETTINGS_ENV,
                        "CIVICAI_KIOSQUE_JETON", "CIVICAI_IA_JETON"})
# Read by the process that has them (a kernel, the kiosk), never written to the hub's settings file.
PROCESS_ONLY = frozenset({"ia_url", "ia_token", "hub_api_token", "kiosk_token"})


def _setting(env: str, default, doc: str, *, secret: bool = False):
    return dataclasses.field(default=default, repr=not secret, metadata={"env": env, "doc": doc})


@dataclass(frozen=True)
class Settings:
    """Every operator choice of the kit; ``Settings.load()`` builds it, nothing else reads the environment."""

    kit_root: Path | None = _setting("CIVICAI_KIT_ROOT", None, "folder holding modules/, datasets/, hub/")
    state_dir: Path = _setting("CIVICAI_STATE_DIR", Path("var"), "hub database, secrets, homes, courses")
    ip: str = _setting("CIVICAI_IP", "127.0.0.1", "address the hub listens on")
    port: int = _setting("CIVICAI_PORT", 8000, "port the hub listens on")
    hub_port: int | None = _setting("CIVICAI_HUB_PORT", None, "hub's internal API port (default 8081)")
    proxy_api_port: int | None = _setting("CIVICAI_PROXY_API_PORT", None, "proxy's API port (default 8001)")
    hub_connect_ip: str = _setting("CIVICAI_HUB_CONNECT_IP", "", "address compute nodes use to reach the hub")
    workshop_code: str = _setting("CIVICAI_WORKSHOP_CODE", "", "overrides the stored workshop code",
                             secret=True)
    admin_password: str = _setting("CIVICAI_ADMIN_PASSWORD", "", "overrides the stored facilitator password",
                              secret=True)
    facilitators: tuple[str, ...] = _setting("CIVICAI_FORMATEURS", ("formateur",), "facilitator accounts")
    mode: str = _setting("CIVICAI_MODE", "", "'demonstration': one shared account, no isolation")
    config_dir: Path = _setting("CIVICAI_CONFIG_DIR", None, "per-user config ($XDG_CONFIG_HOME/civicai)")
    cache_dir: Path = _setting("CIVICAI_CACHE_DIR", None, "per-user cache ($XDG_CACHE_HOME/civicai)")
    fairface_dir: str | None = _setting("CIVICAI_FAIRFACE_DIR", None, "FairFace folder ('' means none)")
    quiz_dir: Path | None = _setting("CIVICAI_QUIZ_DIR", None, "where quiz answers are saved")
    executed_cache: str | None = _setting("CIVICAI_EXECUTED_CACHE", None, "site build's cache of runs")
    chromium: str = _setting("CIVICAI_CHROMIUM", "/usr/bin/chromium", "browser used for PDFs")
    bwrap: str = _setting("CIVICAI_BWRAP", "", "bubblewrap binary for the grading sandbox")
    sandbox_uid_base: int = _setting("CIVICAI_SANDBOX_UID_BASE", 61000, "first uid of the grading sandbox")
    sandbox_locks: Path = _setting("CIVICAI_SANDBOX_LOCKS", Path("/tmp/civicai-sandbox-uids"), "sandbox locks")
    slurm_run_as: str = _setting("CIVICAI_SLURM_RUN_AS", "", "SLURM service account (empty: personal)")
    slurm_homes: str = _setting("CIVICAI_SLURM_HOMES", "", "participants' homes with a service account")
    slurm_partition: str = _setting("CIVICAI_SLURM_PARTITION", "", "sbatch --partition")
    slurm_account: str = _setting("CIVICAI_SLURM_ACCOUNT", "", "sbatch --account")
    room_idle_minutes: float = _setting("CIVICAI_SALLE_INACTIF_MINUTES", 10.0, "minutes without a run: may be stuck")
    energy_watts_per_core: str = _setting("CIVICAI_ENERGY_WATTS_PER_CORE", "", "'3' or '2:4' W per busy core")
    ia_upstream: str = _setting("CIVICAI_IA_AMONT", "", "an OpenAI-compatible server the class's model service uses")
    ia_upstream_key: str = _setting("CIVICAI_IA_AMONT_CLE", "", "its API key", secret=True)
    ia_model: str = _setting("CIVICAI_IA_MODELE", "", "a GGUF file the kit serves itself")
    ia_max: int | None = _setting("CIVICAI_IA_MAX", None, "concurrent requests to the model (others queue)")
    ia_threads: int = _setting("CIVICAI_IA_THREADS", 2, "CPU threads of the kit's model server")
    ia_context: int = _setting("CIVICAI_IA_CONTEXTE", 512, "context length of the kit's model server")
    # The class's model service as a kernel reaches it: set by the hub for user servers (with the server's
    # JUPYTERHUB_API_TOKEN), by the kiosk for its visitor kernels (with the kiosk's own token, CIVICAI_IA_JETON).
    ia_url: str = _setting("CIVICAI_IA_URL", "", "the class's model service, as a kernel reaches it")
    ia_token: str = _setting("CIVICAI_IA_JETON", "", "token for CIVICAI_IA_URL (kiosk kernels)", secret=True)
    hub_api_token: str = _setting("JUPYTERHUB_API_TOKEN", "", "a user server's token, set by the hub", secret=True)
    kiosk_hub: str = _setting("CIVICAI_KIOSQUE_HUB", "", "the hub whose model service the kiosk's demos use")
    kiosk_token: str = _setting("CIVICAI_KIOSQUE_JETON", "", "the kiosk's token for it (else read from the "
                                "hub's secrets.json in CIVICAI_STATE_DIR when readable)", secret=True)
    debate_port: int | None = _setting("CIVICAI_DEBAT_PORT", None, "fixed port of the debate service (cluster)")
    module: str = _setting("CIVICAI_MODULE", "", "module participants start with (welcome page)")
    signup: bool = _setting("CIVICAI_INSCRIPTION", False, "self-sign-up with approval (NativeAuthenticator)")
    forwarded: tuple[str, ...] = ()  # CIVICAI_* names of the operator's environment given to user servers
    # Participants' kernels (civicai/kernels/): set by the hub for user servers; '' starts kernels plainly
    kernel_sockets: str = _setting("CIVICAI_NOYAUX", "", "folder of the kernel templates' sockets")
    kernel_templates: bool = _setting("CIVICAI_NOYAUX_PARTAGES", True, "one-machine hub forks kernels from templates")
    kernel_job_templates: bool = _setting("CIVICAI_NOYAUX_PAR_TACHE", False,
                                          "a user server starts its own templates (set by the SLURM and k8s set-ups)")

    @property
    def demonstration(self) -> bool:
        return self.mode == DEMONSTRATION

    @classmethod
    def load(cls, environ: dict | None = None) -> Settings:
        """Defaults, then ``CIVICAI_*`` variables of ``environ`` (default ``os.environ``), then the settings file."""
        environ = os.environ if environ is None else environ
        raw: dict = {}
        for f in fields(cls):
            env = f.metadata.get("env")
            if env and env in environ and (environ[env] != "" or f.name == "fairface_dir"):
                raw[f.name] = environ[env]
        path = environ.get(SETTINGS_ENV)
        if path:
            raw.update(_read_file(Path(path)))
        values = {name: _convert(cls, name, value) for name, value in raw.items()}
        values["forwarded"] = tuple(sorted(k for k in environ if k.startswith("CIVICAI_") and k not in SECRET_ENV))
        home = Path.home()
        values.setdefault("config_dir", Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "civicai")
        values.setdefault("cache_dir", Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "civicai")
        values.setdefault("kit_root", _find_kit_root(None))
        values["kit_root"] = _find_kit_root(values["kit_root"])
        values["state_dir"] = Path(values.get("state_dir", cls.state_dir)).expanduser().resolve()
        return cls(**values)

    def to_file(self) -> dict:
        """What :func:`write` stores: every setting but ``forwarded``, as JSON values."""
        out = {}
        for f in fields(self):
            if f.metadata.get("env") and f.name not in PROCESS_ONLY:
                value = getattr(self, f.name)
                out[f.name] = list(value) if isinstance(value, tuple) else (
                    str(value) if isinstance(value, Path) else value)
        return out


def write(settings: Settings) -> Path:
    """Store ``settings`` in its state folder (0600: it may hold the workshop code); return the file's path."""
    path = settings.state_dir / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(settings.to_file(), fh, indent=1, ensure_ascii=False)
    return path


def settings() -> Settings:
    """The process's settings, read once per state of the ``CIVICAI_*`` environment.

    Keyed on those variables (and ``XDG_*``) so that a change (``civicai servir`` before it starts the hub, a
    test's ``monkeypatch.setenv``) is seen without anyone calling a reset.
    """
    return _load(tuple(sorted((k, v) for k, v in os.environ.items()
                              if k.startswith(("CIVICAI_", "XDG_")) or k == "JUPYTERHUB_API_TOKEN")))


@lru_cache(maxsize=8)
def _load(civicai_env: tuple) -> Settings:
    return Settings.load(dict(civicai_env))


def _read_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"le fichier de réglages {path} est illisible ({exc}). "
                        "Relancez `civicai servir`, qui le réécrit.") from None
    if not isinstance(data, dict):
        raise UserError(f"le fichier de réglages {path} doit contenir un objet JSON.")
    known = {f.name for f in fields(Settings) if f.metadata.get("env")} - PROCESS_ONLY
    return {k: v for k, v in data.items() if k in known and v is not None}


def _convert(cls, name: str, value):
    """Turn an environment string (or a JSON value) into the field's type; French error if it cannot."""
    default = next(f.default for f in fields(cls) if f.name == name)
    if name == "facilitators":
        names = value.split(",") if isinstance(value, str) else list(value)
        return tuple(n.strip() for n in names if n.strip()) or default
    if name == "room_idle_minutes":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise UserError(f"le réglage CIVICAI_SALLE_INACTIF_MINUTES doit être un nombre (reçu : {value!r}).") from None
    if name in ("port", "hub_port", "proxy_api_port", "sandbox_uid_base", "ia_max", "ia_threads", "ia_context", "debate_port"):
        try:
            return int(value)
        except (TypeError, ValueError):
            env = next(f.metadata["env"] for f in fields(cls) if f.name == name)
            raise UserError(f"le réglage {env} doit être un nombre entier (reçu : {value!r}).") from None
    if name in ("signup", "kernel_templates", "kernel_job_templates"):
        return value is True or str(value).strip().lower() in ("1", "oui", "true")
    if name in ("kit_root", "state_dir", "config_dir", "cache_dir", "quiz_dir", "sandbox_locks"):
        return Path(value).expanduser()
    return value


def _is_kit(folder: Path) -> bool:
    return (folder / "modules").is_dir() and (folder / "hub").is_dir()


def _find_kit_root(given: Path | None) -> Path | None:
    """The kit folder: the one given; else the checkout this package sits in (editable install);
    else the first parent of the working folder that holds ``modules/`` and ``hub/`` (a
    non-editable install used from the kit's folder). ``None`` when none is found."""
    if given is not None:
        return Path(given).expanduser().resolve()
    source = Path(__file__).resolve().parent.parent
    if _is_kit(source):
        return source
    here = Path.cwd().resolve()
    return next((p for p in (here, *here.parents) if _is_kit(p)), None)
