"""Sign-up mode without a hub: the configuration, and facilitators' accounts that no sign-up can take
(:mod:`civicai.signup.accounts` on a real JupyterHub database in SQLite)."""

from __future__ import annotations

import bcrypt
import pytest
from jupyterhub import orm
from nativeauthenticator.orm import UserInfo
from traitlets.config import Config

from civicai.errors import UserError
from civicai.signup.accounts import MARK, SignupAuthenticator

FACILITATOR_PASSWORD = "tableau-vert-2026-long"
ATTACKER_PASSWORD = "je-prends-la-place-42"


def test_signup_mode_switches_to_the_kit_authenticator_once(tmp_path):
    from civicai.signup.hubconfig import configure as signup

    c = Config()
    signup(c, tmp_path, force=False)
    assert "authenticator_class" not in c.JupyterHub
    with pytest.raises(UserError, match="mot de passe des formateurs"):
        signup(c, tmp_path, force=True)  # no facilitator password: the hub does not start
    c.SharedPasswordAuthenticator.admin_password = FACILITATOR_PASSWORD
    signup(c, tmp_path, force=True)
    signup(c, tmp_path, force=True)
    assert c.JupyterHub.authenticator_class == "civicai.signup.accounts.SignupAuthenticator"
    assert c.SignupAuthenticator.facilitator_password == FACILITATOR_PASSWORD
    assert c.SignupAuthenticator.state_dir == str(tmp_path)
    assert c.NativeAuthenticator.open_signup is False
    assert c.NativeAuthenticator.allowed_failed_logins == 3


@pytest.fixture
def db(tmp_path):
    session = orm.new_session_factory(f"sqlite:///{tmp_path / 'hub.sqlite'}")()
    yield session
    session.close()


def authenticator(db, state, password=FACILITATOR_PASSWORD):
    return SignupAuthenticator(_deprecated_db_session=db, admin_users={"Formatrice"}, enable_signup=True,
                               facilitator_password=password, state_dir=str(state))


def can_log_in(auth, name, password) -> bool:
    import asyncio

    return asyncio.run(auth.authenticate(None, {"username": name, "password": password})) == name


def test_facilitators_accounts_are_made_by_the_kit_and_their_names_refused(db, tmp_path):
    auth = authenticator(db, tmp_path)
    info = UserInfo.find(db, "formatrice")
    assert info.is_authorized and bcrypt.checkpw(FACILITATOR_PASSWORD.encode(), info.password)
    assert can_log_in(auth, "formatrice", FACILITATOR_PASSWORD)
    # an attacker signing up under the facilitator's name, in any case: refused, the account unchanged
    for name in ("formatrice", "FORMATRICE", "Formatrice"):
        assert auth.create_user(name, ATTACKER_PASSWORD) is None
    assert not can_log_in(auth, "formatrice", ATTACKER_PASSWORD)
    # anyone else signs up, and waits for approval: not admin, not approved
    lune = auth.create_user("lune-bleue", ATTACKER_PASSWORD)
    assert lune is not None and not lune.is_authorized
    assert "lune-bleue" not in auth.admin_users and not can_log_in(auth, "lune-bleue", ATTACKER_PASSWORD)


def test_a_changed_password_survives_a_restart(db, tmp_path):
    auth = authenticator(db, tmp_path)
    assert auth.change_password("formatrice", "mon-nouveau-mot-de-passe")
    again = authenticator(db, tmp_path)
    assert again.ensure_facilitators() == []
    assert can_log_in(again, "formatrice", "mon-nouveau-mot-de-passe")
    assert not can_log_in(again, "formatrice", FACILITATOR_PASSWORD)


def test_an_account_signed_up_under_a_facilitators_name_before_the_fix_is_taken_back(db, tmp_path):
    # the hole as it was: the attacker's account, approved at once, before the kit reserved the name
    db.add(UserInfo(username="formatrice", password=bcrypt.hashpw(ATTACKER_PASSWORD.encode(), bcrypt.gensalt()),
                    is_authorized=True))
    db.commit()
    assert not (tmp_path / MARK).exists()
    auth = authenticator(db, tmp_path)
    assert not can_log_in(auth, "formatrice", ATTACKER_PASSWORD)
    assert can_log_in(auth, "formatrice", FACILITATOR_PASSWORD)
    assert (tmp_path / MARK).stat().st_mode & 0o077 == 0


def test_without_a_password_the_authenticator_refuses_to_start(db, tmp_path):
    with pytest.raises(ValueError, match="facilitator_password"):
        authenticator(db, tmp_path, password="")
    assert UserInfo.find(db, "formatrice") is None


def test_the_kit_serves_its_sign_up_handler_in_place_of_nativeauthenticators():
    """Contract with NativeAuthenticator 1.3.0 (pinned): /signup is its SignUpHandler, which ours replaces.
    Were it renamed, ``create_user`` would still refuse the names (generic message): fail closed."""
    from nativeauthenticator import NativeAuthenticator
    from nativeauthenticator.handlers import SignUpHandler

    from civicai.signup.accounts import KitSignUpHandler

    theirs = dict(NativeAuthenticator.get_handlers(NativeAuthenticator.__new__(NativeAuthenticator), None))
    ours = dict(SignupAuthenticator.get_handlers(SignupAuthenticator.__new__(SignupAuthenticator), None))
    assert theirs[r"/signup"] is SignUpHandler and ours[r"/signup"] is KitSignUpHandler
    assert {"username", "password", "is_authorized", "has_2fa"} <= set(UserInfo.__table__.columns.keys())
