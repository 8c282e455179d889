"""NativeAuthenticator's login handler on JupyterHub 6 (civicai.upstream.nativeauthenticator)."""

from __future__ import annotations

import inspect

import pytest

from civicai.errors import UserError
from civicai.upstream import nativeauthenticator as adapter


def test_the_login_route_is_served_by_the_patched_handler_and_nothing_else_changes():
    from nativeauthenticator import NativeAuthenticator
    from nativeauthenticator.handlers import LoginHandler

    theirs = NativeAuthenticator.get_handlers(NativeAuthenticator.__new__(NativeAuthenticator), None)
    ours = adapter.KitNativeAuthenticator.get_handlers(adapter.KitNativeAuthenticator.__new__(
        adapter.KitNativeAuthenticator), None)
    assert [url for url, _ in ours] == [url for url, _ in theirs]
    assert dict(ours)["/login"] is adapter.KitLoginHandler and issubclass(adapter.KitLoginHandler, LoginHandler)
    assert [h for url, h in ours if url != "/login"] == [h for url, h in theirs if url != "/login"]
    timer = adapter.KitLoginHandler.statsd.timer("login.authenticate").start()
    timer.stop(send=False)
    adapter.check()


def test_the_patch_is_still_needed():
    """When this fails, NativeAuthenticator stopped using statsd: drop the adapter and its pin."""
    from jupyterhub.handlers.base import BaseHandler
    from nativeauthenticator.handlers import LoginHandler

    assert "self.statsd" in inspect.getsource(LoginHandler.post)
    assert not hasattr(BaseHandler, "statsd")


def test_check_fails_closed_when_the_login_route_moves(monkeypatch):
    from nativeauthenticator import NativeAuthenticator

    monkeypatch.setattr(NativeAuthenticator, "get_handlers", lambda self, app: [])
    with pytest.raises(UserError, match=adapter.TESTED):
        adapter.check()
