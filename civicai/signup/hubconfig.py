"""The optional self-sign-up mode: ``configure(c, state_dir)`` switches the hub to NativeAuthenticator.

Off by default (the workshop code stays the default): on only when ``CIVICAI_INSCRIPTION=1``, which
``civicai serve --inscription`` sets. Then people create their own account (a pseudonym is fine), a
facilitator approves it on /hub/authorize, passwords are stored hashed with bcrypt by NativeAuthenticator,
and after a few wrong passwords an account must wait before the next try. Facilitators (admins) do not sign
up: the kit creates their accounts with the facilitator password (:mod:`civicai.signup.accounts`), and the
sign-up page refuses their names. The French pages are ours (``hub/templates/``, found first);
NativeAuthenticator adds its own template folder after the hub's, as the fallback.
"""

from __future__ import annotations

import os

from civicai.errors import UserError

ALLOWED_FAILED_LOGINS = 3
SECONDS_BEFORE_NEXT_TRY = 60
MIN_PASSWORD_LENGTH = 10


def enabled() -> bool:
    """The one place that reads this setting."""
    from civicai.settings import settings

    return settings().signup


def configure(c, state_dir: str | os.PathLike, *, force: bool | None = None) -> None:
    if not (enabled() if force is None else force):
        return
    from civicai.upstream import nativeauthenticator

    nativeauthenticator.check()
    password = c.SharedPasswordAuthenticator.get("admin_password")  # set by civicai.hub.config.apply_common
    if not password:
        raise UserError("Le mode inscription a besoin du mot de passe des formateurs et formatrices : "
                        "démarrez le hub avec « civicai servir --inscription ».")
    # NativeAuthenticator (login handler fixed for JupyterHub 6 by the adapter), facilitators' names reserved
    c.JupyterHub.authenticator_class = "civicai.signup.accounts.SignupAuthenticator"
    c.SignupAuthenticator.facilitator_password = password
    c.SignupAuthenticator.state_dir = str(state_dir)
    c.NativeAuthenticator.enable_signup = True
    c.NativeAuthenticator.open_signup = False  # every account waits for a facilitator's approval
    c.NativeAuthenticator.ask_email_on_signup = False  # a pseudonym and a password, nothing more
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.minimum_password_length = MIN_PASSWORD_LENGTH
    c.NativeAuthenticator.allowed_failed_logins = ALLOWED_FAILED_LOGINS
    c.NativeAuthenticator.seconds_before_next_try = SECONDS_BEFORE_NEXT_TRY
    c.NativeAuthenticator.allow_2fa = False
