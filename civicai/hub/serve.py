"""``civicai servir``: check what can be checked, print how to log in, then become JupyterHub."""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import socket
import sys
from pathlib import Path

from civicai.errors import UserError
from civicai.net import free_port
from civicai.settings import DEMONSTRATION as DEMONSTRATION_MODE
from civicai.settings import SETTINGS_ENV, Settings, settings
from civicai.settings import write as write_settings

LOCAL_CONFIG = Path("local") / "jupyterhub_config.py"


def check_state_dir(path: Path) -> Path:
    path = Path(path).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".civicai-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"impossible d'écrire dans le dossier d'état {path} ({exc.strerror}). "
                        "Choisissez un dossier accessible en écriture avec --etat DOSSIER.") from None
    return path


def check_port_free(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"le port {port} est déjà utilisé sur {ip}. Arrêtez l'autre programme "
                                "ou choisissez un autre port avec --port.") from None
            raise UserError(f"impossible d'écouter sur {ip}:{port} ({exc.strerror}). "
                            "Vérifiez l'adresse donnée avec --ip.") from None


def check_proxy(command: list[str]) -> None:
    exe = command[0]
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)) and not shutil.which(exe):
        raise UserError(f"le proxy configurable-http-proxy est introuvable ({exe}). "
                        "Lancez `make setup` dans le dossier du kit pour l'installer.")
    if not shutil.which("node"):
        raise UserError("Node.js est introuvable, or le proxy du hub en a besoin. "
                        "Lancez `make setup` (il installe nodejs) ou installez le paquet nodejs.")


NEEDS_ROOT = ("ce hub ne peut pas accueillir de participants : pour que chaque personne ait son propre "
              "compte sur la machine, et ne puisse ni lire les fichiers des autres ni les secrets du hub, "
              "il faut le lancer en tant que root (par exemple : sudo make serve). Pour une simple "
              "démonstration par une seule personne, ajoutez --mode-demonstration.")
DEMONSTRATION = ("  MODE DÉMONSTRATION : les personnes ne sont pas séparées (un seul compte pour tout le monde).\n"
                 "  Chacune peut lire les fichiers des autres. Pas d'atelier ni de classe dans ce mode.")


def check_privilege(demonstration: bool, state_dir: Path) -> None:
    """Fail safe: participants are let in only where each gets an account, or in a chosen demonstration."""
    from civicai.hub.accounts import can_switch_users
    from civicai.hub.state import check_reachable, secure_state_dir
    from civicai.paths import kit_root

    if demonstration:
        return
    if not can_switch_users():
        raise UserError(NEEDS_ROOT)
    secure_state_dir(state_dir)
    check_reachable(state_dir / "homes", Path(sys.executable), kit_root())


def banner(url: str, keys: dict, names: list[str], state_dir: Path, demonstration: bool = False) -> str:
    return "\n".join([
        "",
        "  Hub civic-ai-kit prêt à démarrer",
        *([DEMONSTRATION] if demonstration else []),
        f"  Adresse            : {url}",
        f"  Code d'atelier     : {keys['workshop_code']}   (à écrire au tableau)",
        f"  Formateurs         : {', '.join(names)}",
        f"  Mot de passe formateur : {keys['admin_password']}",
        f"  Données du hub     : {state_dir}",
        "  Arrêt : Ctrl+C",
        "",
    ])


def run_settings(args, state_dir: Path, module=None) -> Settings:
    """The settings of this run: the operator's environment, then the command's options."""
    chosen = settings()
    if args.code and len(args.code) < 8:
        raise UserError("le code d'atelier doit compter au moins 8 caractères.")
    return dataclasses.replace(
        chosen, state_dir=state_dir, ip=args.ip, port=args.port,
        hub_port=chosen.hub_port or free_port(), proxy_api_port=chosen.proxy_api_port or free_port(),
        mode=DEMONSTRATION_MODE if args.mode_demonstration else "",
        facilitators=tuple(n.strip() for n in (args.formateurs or "").split(",") if n.strip()) or chosen.facilitators,
        workshop_code=args.code or chosen.workshop_code,
        signup=bool(getattr(args, "inscription", False)) or chosen.signup,
        module=str(module.number) if module else chosen.module)


def serve(args) -> int:
    from civicai.hub.config import load_secrets, proxy_command
    from civicai.paths import deploy_dir

    chosen = settings()  # the operator's environment fills what the command line leaves out
    args.etat, args.ip = args.etat or chosen.state_dir, args.ip or chosen.ip
    args.port = args.port if args.port is not None else chosen.port
    state_dir = check_state_dir(args.etat)
    check_port_free(args.ip, args.port)
    check_proxy(proxy_command())
    check_privilege(args.mode_demonstration, state_dir)
    from civicai.welcome.links import banner_links
    from civicai.welcome.modules import list_modules, parse_choice
    module = parse_choice(getattr(args, "module", None), list_modules())  # a wrong number: French error now
    os.umask(0o077)  # everything the hub writes is its own (civicai.hub.state)
    chosen = run_settings(args, state_dir, module)
    # One file says how this hub runs; the hub's configuration reads it through Settings.load().
    os.environ[SETTINGS_ENV] = str(write_settings(chosen))
    env = dict(os.environ)
    keys = load_secrets(state_dir)
    host = "127.0.0.1" if args.ip in ("0.0.0.0", "") else args.ip
    print(banner(f"http://{host}:{args.port}/", keys, list(chosen.facilitators), state_dir, chosen.demonstration),
          flush=True)
    if chosen.signup:
        print("  Inscription : chaque personne crée son compte sur /hub/signup (le code d'atelier ne sert pas) ;\n"
              "  les comptes des formateurs et formatrices existent déjà (mot de passe ci-dessus) ; ils valident\n"
              "  les autres sur /hub/authorize.\n",
              flush=True)
    print(banner_links(f"http://{host}:{args.port}/", list_modules(), module), flush=True)
    config = deploy_dir() / LOCAL_CONFIG
    os.chdir(state_dir)  # whatever JupyterHub writes lands in the state directory
    argv = [sys.executable, "-m", "civicai.hub.launch", "-f", str(config)] + list(args.jupyterhub_args)
    os.execve(sys.executable, argv, env)
    return 0  # not reached
