"""Time spent on the hub: each server session, recorded by JupyterHub's documented spawner hooks.

``pre_spawn_hook`` notes the start, ``post_stop_hook`` the end, taken as the server's last activity (the
hub updates it from the server's own activity reports), so a server left idle overnight does not count
its idle hours. One JSON line per event in ``<state>/attestation/sessions.jsonl``, written by the hub.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path


def _path(state_dir) -> Path:
    return Path(state_dir) / "attestation" / "sessions.jsonl"


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # the hub's ORM keeps naive UTC


def record(state_dir, user: str, event: str, moment: datetime | None = None) -> None:
    path = _path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"user": user, "event": event, "at": _utc(moment).isoformat()}) + "\n")


def seconds(state_dir, user: str) -> float:
    """Sum of (end - start) of the user's finished sessions; an unfinished one counts nothing yet."""
    total, start = 0.0, None
    try:
        lines = _path(state_dir).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0.0
    for line in lines:
        try:
            entry = json.loads(line)
            if entry.get("user") != user:
                continue
            at = datetime.fromisoformat(entry["at"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        if entry.get("event") == "start":
            start = at
        elif entry.get("event") == "stop" and start is not None:
            total += max(0.0, (at - start).total_seconds())
            start = None
    return total


class Hooks:
    """The two hook functions for ``c.Spawner``; they chain to a hook that was already set."""

    def __init__(self, state_dir, previous_pre=None, previous_post=None):
        self.state_dir = str(state_dir)
        self.previous_pre, self.previous_post = previous_pre, previous_post

    def pre_spawn(self, spawner):
        record(self.state_dir, spawner.user.name, "start")
        if callable(self.previous_pre):
            return self.previous_pre(spawner)

    def post_stop(self, spawner):
        last = getattr(getattr(spawner, "orm_spawner", None), "last_activity", None)
        record(self.state_dir, spawner.user.name, "stop", last)
        if callable(self.previous_post):
            return self.previous_post(spawner)
