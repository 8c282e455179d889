"""ipycanvas shapes behind module 1's drawing demos (civicai.upstream.ipycanvas)."""

from __future__ import annotations

import pytest

from civicai.errors import UserError
from civicai.upstream import ipycanvas as adapter
from upstreamtools import kiosk_refuses


def test_a_canvas_shares_the_manager_that_remembers_the_current_target():
    from ipycanvas import Canvas, canvas

    c = Canvas(width=10, height=10)
    assert c._canvas_manager is canvas._CANVAS_MANAGER
    c.fill_rect(0, 0, 1, 1)
    assert c._canvas_manager._current_canvas is not None   # ipycanvas remembered its target
    adapter.forget_target(c)
    assert c._canvas_manager._current_canvas is None
    adapter.check()


def test_check_fails_closed_without_the_target(monkeypatch, capsys):
    from ipycanvas import canvas

    monkeypatch.delattr(canvas._CANVAS_MANAGER, "_current_canvas")
    with pytest.raises(UserError, match=adapter.TESTED):
        adapter.check()
    kiosk_refuses(capsys, adapter.TESTED)
