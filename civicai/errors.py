"""Errors meant for people, not for developers.

Raise :class:`UserError` with a French sentence that says what is wrong and what to do;
the command line prints it on one line, without a traceback, and exits with status 2.
"""


class UserError(Exception):
    """A problem the user can fix: the message says what is wrong and what to do."""
