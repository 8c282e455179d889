"""Facilitators' names are never up for grabs in the sign-up mode.

Without this, whoever first signed up under a name listed as facilitator (an admin of the hub) became
facilitator: NativeAuthenticator approves admins' sign-ups at once. Here, as The Littlest JupyterHub does
for its admins, the kit creates the facilitators' accounts itself when the hub starts, with the facilitator
password the operator set (``CIVICAI_ADMIN_PASSWORD``) or the one the kit made and prints once in the
start banner; the sign-up page refuses those names with a French message. A signed-up account is therefore
never admin nor in ``formateurs``: only an existing facilitator can make it one (hub admin page).

The kit remembers in ``signup-facilitators.json`` (state folder) which accounts it made, so that a
facilitator who changed their password on /hub/change-password keeps it after a restart, while an account
someone signed up under a facilitator's name before this fix is taken back (password reset).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import bcrypt
from nativeauthenticator.handlers import SignUpHandler
from nativeauthenticator.orm import UserInfo
from traitlets import Unicode

from civicai.upstream.nativeauthenticator import KitNativeAuthenticator

MARK = "signup-facilitators.json"
RESERVED = "reserved"  # the signup template's ``result_message`` for a facilitator's name


class KitSignUpHandler(SignUpHandler):
    async def post(self):
        name = self.authenticator.normalize_username(self.get_body_argument("username", "", strip=False))
        if not self.authenticator.is_reserved(name):
            return await super().post()
        self.authenticator.log.warning("Sign-up refused: %r is a facilitator's name", name)
        self.set_status(403)
        self.finish(await self.render_template("signup.html", alert="alert-danger", result_message=RESERVED,
                                               ask_email=False, two_factor_auth=False, recaptcha_key=None, tos=""))


class SignupAuthenticator(KitNativeAuthenticator):
    """NativeAuthenticator whose admins' (facilitators') accounts are made by the kit, never by a sign-up."""

    facilitator_password = Unicode("", config=True, help="The facilitators' first password (the admin password).")
    state_dir = Unicode("", config=True, help="Where the kit notes the accounts it made.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ensure_facilitators()

    def reserved_names(self) -> set[str]:
        return {self.normalize_username(n) for n in self.admin_users}

    def is_reserved(self, name: str) -> bool:
        return self.normalize_username(name) in self.reserved_names()

    def create_user(self, username, password, **kwargs):
        if self.is_reserved(username):  # also when the page is bypassed
            return None
        return super().create_user(username, password, **kwargs)

    def get_handlers(self, app):
        return [(url, KitSignUpHandler if handler is SignUpHandler else handler)
                for url, handler in super().get_handlers(app)]

    def ensure_facilitators(self) -> list[str]:
        """Create (or take back) each facilitator's account; return the names set to the facilitator password."""
        if not self.facilitator_password:
            raise ValueError("SignupAuthenticator needs facilitator_password (the kit's admin password)")
        mark = Path(self.state_dir or ".") / MARK
        made = set(json.loads(mark.read_text())) if mark.exists() else set()
        reset = []
        for name in sorted(self.reserved_names()):
            info = UserInfo.find(self.db, name)
            if info is not None and name in made:
                continue  # ours: keep a password the facilitator may have changed
            hashed = bcrypt.hashpw(self.facilitator_password.encode(), bcrypt.gensalt())
            if info is None:
                self.db.add(UserInfo(username=name, password=hashed, is_authorized=True))
            else:
                self.log.warning("Account %r was signed up under a facilitator's name: taken back", name)
                info.password, info.is_authorized, info.has_2fa = hashed, True, False
            reset.append(name)
        self.db.commit()
        if reset:
            fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(sorted(made | set(reset)), fh)
        return reset
