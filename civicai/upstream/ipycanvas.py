"""ipycanvas internals behind module 1's drawing demos (:mod:`civicai.learn.draw`, ``playground``).

ipycanvas sends « switch canvas » only when the target canvas changes, and remembers the current
target in the private ``_canvas_manager._current_canvas``. When that first message went out
before the page connected (Voila runs the notebook first), the browser never got it and ignores
every later drawing. :func:`forget_target` makes the next command name its canvas again. Checked
by :func:`check` at the kiosk's start and by ``tests/upstream/test_ipycanvas_contract.py``.
"""

from __future__ import annotations

from civicai.upstream.versions import refusal

TESTED = "ipycanvas 0.14"


def check() -> None:
    """Raise a French :class:`UserError` if the shapes the drawing demos rely on are gone."""
    from ipycanvas import canvas

    manager = getattr(canvas, "_CANVAS_MANAGER", None)
    if not (hasattr(canvas.Canvas, "_canvas_manager") and hasattr(manager, "_current_canvas")):
        raise refusal("ipycanvas", TESTED, ["_canvas_manager._current_canvas"])


def forget_target(canvas) -> None:
    """Make the next drawing command of ``canvas`` name its canvas again (costs one tiny message)."""
    canvas._canvas_manager._current_canvas = None
