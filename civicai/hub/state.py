"""Who may read what in the hub's state folder, when the hub runs one account per participant.

    <state>/                  0711  root: participants may pass through, not list
      secrets.json, jupyterhub.sqlite, jupyterhub_cookie_secret, *.pid    0600  the hub's only
                              (secrets.json also holds room_key, the room's pseudonym key: civicai.room.store)
      courses/                (modes set by civicai.grading.course: each course 0700)
      homes/                  0711  participants reach their own home, cannot list the others
        <name>/               0700  owned by the participant's account
      exchange/               1777  nbgrader's exchange: anyone writes, nobody removes another's files
      nbgrader-participants/  0755  the participants' nbgrader configuration (read-only to them)
      visages-cache/          0755  module 2's predictions, written by the hub only (civicai.faces.shared)

The hub runs with umask 077, so whatever it writes later is private too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from civicai.errors import UserError

SHARED = {"homes", "exchange", "nbgrader-participants", "courses", "visages-cache"}  # each sets its own modes


def secure_state_dir(state_dir: Path) -> None:
    state_dir = Path(state_dir)
    os.chmod(state_dir, 0o711)
    homes = state_dir / "homes"
    homes.mkdir(exist_ok=True)
    os.chmod(homes, 0o711)
    for entry in state_dir.iterdir():
        if entry.name not in SHARED and not entry.is_symlink():
            mode = stat.S_IMODE(entry.lstat().st_mode)
            os.chmod(entry, mode & 0o700)


def check_reachable(*paths: Path) -> None:
    """Every folder above ``paths`` must let other accounts pass (x), or no participant reaches home."""
    for path in paths:
        for parent in Path(path).resolve().parents:
            if not stat.S_IMODE(parent.stat().st_mode) & 0o001:
                raise UserError(
                    f"les comptes des participants ne peuvent pas traverser le dossier {parent} "
                    f"(il leur est fermé), donc ni atteindre leur espace ni lancer Python. Ouvrez le passage "
                    f"(chmod o+x {parent}), ou placez le dossier d'état (--etat) et le kit avec son Python "
                    f"ailleurs, par exemple sous /srv.")
