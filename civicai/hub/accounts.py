"""One Unix account per participant, made on first login, as The Littlest JupyterHub does.

A hub name ("Zoé", "jean-pierre", a 60-letter pseudonym) becomes a safe system name: the prefix
``civicai-``, then the name in lower-case ASCII letters, digits and dashes, at most 32 characters
in all (useradd's limit). A name that had to be changed or cut gets a short hash of the hub name,
so "zoé" and "zoe" stay two accounts. The account's comment field records which hub name it
belongs to; a system name already taken by someone else gets another hash, never a shared account.
Homes are made by the hub, owned by the account, mode 0700.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import stat
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

PREFIX = "civicai-"
MAX_NAME = 32
_MARK = "civicai hub user "


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str

    def as_request(self) -> dict:
        return {"name": self.name, "uid": self.uid, "gid": self.gid, "home": self.home}


def _useradd() -> str | None:
    return shutil.which("useradd", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


def can_switch_users() -> bool:
    """Can this process make accounts and run servers under them (root, with useradd)?"""
    return os.geteuid() == 0 and _useradd() is not None


def _hash(text: str, n: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def system_name(hub_name: str, attempt: int = 0) -> str:
    """The system name for ``hub_name``; ``attempt`` > 0 gives the alternatives used on collision."""
    ascii_name = unicodedata.normalize("NFKD", hub_name).encode("ascii", "ignore").decode().lower()
    safe = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    lossless = safe == hub_name and attempt == 0 and len(PREFIX + safe) <= MAX_NAME
    if lossless:
        return PREFIX + safe
    suffix = "-" + _hash(f"{hub_name}\0{attempt}" if attempt else hub_name)
    return PREFIX + safe[: MAX_NAME - len(PREFIX) - len(suffix)].rstrip("-") + suffix


def comment_for(hub_name: str) -> str:
    """The account's comment field: which hub name owns it (no ':' or newline, as useradd wants)."""
    return _MARK + quote(hub_name, safe="")


def find_account(hub_name: str) -> tuple[str, pwd.struct_passwd | None]:
    """The system name of ``hub_name``'s account and its passwd entry (None: not made yet)."""
    for attempt in range(20):
        name = system_name(hub_name, attempt)
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            return name, None
        if entry.pw_gecos == comment_for(hub_name):
            return name, entry
    raise RuntimeError(f"no free system name for {hub_name!r}")


def ensure_account(hub_name: str, home: str | os.PathLike) -> Account:
    """The participant's account, made if missing, and their home, owned by it with mode 0700."""
    home = Path(home)
    name, entry = find_account(hub_name)
    if entry is None:
        subprocess.run([_useradd(), "--no-create-home", "--home-dir", str(home), "--shell", "/usr/sbin/nologin",
                        "--user-group", "--comment", comment_for(hub_name), name],
                       check=True, capture_output=True, text=True)
        entry = pwd.getpwnam(name)
    home.parent.mkdir(parents=True, exist_ok=True)
    home.mkdir(mode=0o700, exist_ok=True)
    st = home.lstat()
    if not stat.S_ISDIR(st.st_mode):
        raise RuntimeError(f"{home} is not a folder")
    if st.st_uid != entry.pw_uid:
        _give(home, entry.pw_uid, entry.pw_gid)  # a home from before accounts, or made by the hub
    os.chmod(home, 0o700)
    return Account(name, entry.pw_uid, entry.pw_gid, str(home))


def _give(top: Path, uid: int, gid: int) -> None:
    """chown -R without following links (a participant's link never reaches outside their home)."""
    os.chown(top, uid, gid, follow_symlinks=False)
    for root, dirs, files in os.walk(top):
        for entry in dirs + files:
            os.chown(os.path.join(root, entry), uid, gid, follow_symlinks=False)
