"""Errors meant for people, not for developers.

Raise :class:`UserError` with a French sentence that says what is wrong and what to do;
the command line prints it on one line, without a traceback, and exits with status 2.
"""


class UserError(Exception):
    """A problem the user can fix: the message says what is wrong and what to do."""


def read_json(path, remedy: str):
    """The JSON in a file the kit wrote, or None if there is none; a broken one stops with ``remedy``
    (French: what to do), never a traceback."""
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise UserError(f"Le fichier {path} est illisible : {remedy}") from None
