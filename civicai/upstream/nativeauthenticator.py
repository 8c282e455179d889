"""NativeAuthenticator 1.3.0 on JupyterHub 6: its login handler still times the login with ``self.statsd``,
which JupyterHub 6.0 removed (jupyterhub PR #5407, « remove largely unused statsd metrics »), so every
login POST fails with a 500. :class:`KitNativeAuthenticator` serves the same handler with a statsd client
that does nothing, which is what JupyterHub itself did when no statsd host was configured. Everything else
is NativeAuthenticator's, configured through its documented traits (``c.NativeAuthenticator.*``).

:func:`check` runs when the hub loads its configuration; ``tests/upstream/test_nativeauthenticator_contract.py``
tells when the handler no longer needs the patch.
"""

from __future__ import annotations

from contextlib import nullcontext

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler

from civicai.upstream.versions import refusal

TESTED = "jupyterhub-nativeauthenticator 1.3.0"


class _Timer:
    def start(self):
        return self

    def stop(self, send: bool = True) -> None:
        pass


class _NoStatsd:
    """What ``self.statsd`` was when statsd was off: every call accepted, nothing sent."""

    def timer(self, *args, **kwargs):
        return _Timer()

    def incr(self, *args, **kwargs) -> None:
        pass

    def timing(self, *args, **kwargs) -> None:
        pass

    def pipeline(self):
        return nullcontext(self)


class KitLoginHandler(LoginHandler):
    statsd = _NoStatsd()


class KitNativeAuthenticator(NativeAuthenticator):
    def get_handlers(self, app):
        return [(url, KitLoginHandler if handler is LoginHandler else handler)
                for url, handler in super().get_handlers(app)]


def check() -> None:
    """Raise a French :class:`UserError` if NativeAuthenticator no longer serves the login page we patch."""
    routes = dict(NativeAuthenticator.get_handlers(NativeAuthenticator.__new__(NativeAuthenticator), None))
    if routes.get(r"/login") is not LoginHandler or not callable(getattr(LoginHandler, "post", None)):
        raise refusal("jupyterhub-nativeauthenticator", TESTED, ["/login -> handlers.LoginHandler"],
                      stops="le hub refuse de démarrer en mode inscription")
