"""Voila shapes the kiosk relies on (civicai.upstream.voila, civicai.kiosk.routes): fast, no server."""

from __future__ import annotations

import pytest
import tornado.web

from civicai.errors import UserError
from civicai.kiosk.routes import UPSTREAM_ROUTES, allowed, qualname
from civicai.upstream import voila as adapter
from upstreamtools import kiosk_refuses


@pytest.fixture(scope="module")
def voila_handlers(tmp_path_factory):
    """The routes Voila registers, configured as the kiosk configures it (no kernel started)."""
    from traitlets.config import Config
    from voila.app import Voila

    c = Config()
    c.Voila.root_dir = str(tmp_path_factory.mktemp("vide"))   # no notebook: no pool, no kernel
    c.VoilaConfiguration.preheat_kernel = True
    c.VoilaConfiguration.default_pool_size = 0
    app = Voila(config=c)
    app.initialize([])
    app.init_settings()
    return app.server_url, app.init_handlers()


def test_the_preheating_manager_hands_out_a_kernel_in_a_triple():
    cls = adapter.preheating_manager_class()
    assert callable(cls._notebook_renderer_factory) and callable(cls.start_kernel)
    assert adapter._return_sizes(cls.get_rendered_notebook) == {3}
    assert adapter.problems() == []
    adapter.check()


def test_the_triple_check_sees_another_shape():
    async def pair(x):
        if x:
            return 1, 2

        def inner():
            return 1, 2, 3   # a nested function's return is not the method's
        return inner(), 2

    assert adapter._return_sizes(pair) == {2}


def test_voila_registers_every_route_the_kiosk_keeps_with_the_checked_class(voila_handlers):
    base, handlers = voila_handlers
    registered = {spec[0]: qualname(spec[1]) for spec in handlers}
    for route in UPSTREAM_ROUTES:
        assert registered.get(base.rstrip("/") + route.path) == route.handler, route.path


def test_every_other_upstream_route_is_dropped_even_a_new_one(voila_handlers):
    base, handlers = voila_handlers

    class NewUpstreamHandler(tornado.web.RequestHandler):
        pass

    new = [(base + "voila/nouveau/(.*)", NewUpstreamHandler), (base + "api/kernels", NewUpstreamHandler)]
    kept = allowed(handlers + new, base, {"own-kernel": lambda c: c, "cached": lambda c: c})
    assert len(kept) == len(UPSTREAM_ROUTES)
    dropped = {spec[0] for spec in handlers} - {spec[0] for spec in kept}
    for path in ("voila/tree", "voila/render/", "voila/api/contents", "voila/files/", "logout"):
        assert any(path in p for p in dropped), path
    assert NewUpstreamHandler not in {spec[1] for spec in kept}


def test_a_listed_route_with_another_handler_stops_the_kiosk(voila_handlers):
    base, handlers = voila_handlers

    class Replaced(tornado.web.RequestHandler):
        pass

    changed = [(p, Replaced, *rest) if p.endswith("/channels") else (p, cls, *rest)
               for p, cls, *rest in handlers]
    with pytest.raises(UserError, match="refuse de démarrer"):
        allowed(changed, base, {"own-kernel": lambda c: c, "cached": lambda c: c})


def test_check_fails_closed_without_the_renderer_factory(monkeypatch, capsys):
    real = adapter.preheating_manager_class

    def without_factory():
        cls = real()
        del cls._notebook_renderer_factory
        return cls

    monkeypatch.setattr(adapter, "preheating_manager_class", without_factory)
    with pytest.raises(UserError, match="_notebook_renderer_factory"):
        adapter.check()
    kiosk_refuses(capsys, adapter.TESTED)
