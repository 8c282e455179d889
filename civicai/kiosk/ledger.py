"""Who holds which kernel: the kiosk's visitor bookkeeping, without Voila and without a clock.

:class:`VisitorLedger` is pure: the kiosk maps Voila's events to its calls (a place reserved, a
kernel handed out, the page sent, a render made) and asks it which kernels are due for shutdown.
Time comes from the injected ``clock`` (monotonic seconds), so every rule is unit-tested in
microseconds (``tests/kiosk/test_kiosk_ledger.py``).

>>> t = [0.0]
>>> ledger = VisitorLedger(max_visitors=1, orphan_grace=15, idle_cull=210, clock=lambda: t[0])
>>> place = ledger.reserve()
>>> ledger.reserve() is None                     # the cap counts renders in progress
True
>>> ledger.handed_out("k1"); ledger.release(place); ledger.page_sent("k1")
>>> t[0] = 61.0                                  # the page never connected within 4 x 15 s
>>> ledger.due({"k1": (0, None)})
['k1']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping


class VisitorLedger:
    """Visitor kernels, places reserved by renders in progress, and renders to wake up.

    Rules (seconds): a render older than ``render_limit`` no longer holds a place nor shields
    its kernel; a kernel whose page disconnected goes after ``orphan_grace``; a page that never
    connected gets ``4 * orphan_grace`` (a slow machine may take seconds to load its scripts);
    a kernel idle for more than ``idle_cull`` goes, idleness counted from the hand-out at most
    (a pool kernel may have waited for hours).
    """

    def __init__(self, *, max_visitors: int, orphan_grace: float, idle_cull: float,
                 render_limit: float = 180.0, clock: Callable[[], float] = time.monotonic):
        self.max_visitors, self.orphan_grace, self.idle_cull = max_visitors, orphan_grace, idle_cull
        self.render_limit, self.clock = render_limit, clock
        self._visitors: dict[str, float] = {}        # kernel id -> hand-out (then page sent) time
        self._reserved: dict[object, float] = {}     # render in progress -> start
        self._last_connected: dict[str, float] = {}  # kernel id -> last time a page was connected
        self._rendering: set[str] = set()            # kernels whose page is still being sent
        self._renders: dict[object, float] = {}      # Voila renders to wake up -> start

    # --- places -------------------------------------------------------------------------
    def reserve(self) -> object | None:
        """A token if a visitor place is free (give it back with :meth:`release`), else None."""
        now = self.clock()
        for token in [t for t, t0 in self._reserved.items() if now - t0 > self.render_limit]:
            self._reserved.pop(token)   # a render that hung must not block the kiosk for ever
        if len(self._visitors) + len(self._reserved) >= self.max_visitors:
            return None
        token = object()
        self._reserved[token] = now
        return token

    def release(self, token) -> None:
        self._reserved.pop(token, None)

    # --- visitor kernels ----------------------------------------------------------------
    def handed_out(self, kernel_id: str) -> None:
        """Voila gave ``kernel_id`` to a page being rendered."""
        self._visitors[kernel_id] = self.clock()
        self._rendering.add(kernel_id)

    def page_sent(self, kernel_id: str) -> None:
        """The page is sent: the grace for its first connection starts now."""
        self._rendering.discard(kernel_id)
        if kernel_id in self._visitors:
            self._visitors[kernel_id] = self.clock()

    def is_visitor(self, kernel_id: str) -> bool:
        return kernel_id in self._visitors

    def visitors(self, live: Callable[[str], bool] | None = None) -> list[str]:
        """Visitor kernel ids; with ``live``, those it says are gone are forgotten first."""
        if live is not None:
            for kid in [k for k in self._visitors if not live(k)]:
                self.forget(kid)
        return list(self._visitors)

    def forget(self, kernel_id: str) -> None:
        self._visitors.pop(kernel_id, None)
        self._rendering.discard(kernel_id)
        self._last_connected.pop(kernel_id, None)

    def due(self, kernels: Mapping[str, tuple[int, float | None]]) -> list[str]:
        """Visitor kernels to shut down (visitor gone or idle), in hand-out order.

        ``kernels`` maps each live visitor kernel to ``(pages connected now, seconds since its
        last activity or None)``; a kernel missing from it is skipped.
        """
        now = self.clock()
        gone = []
        for kid, handed in list(self._visitors.items()):
            if kid not in kernels:
                continue
            age = now - handed
            if kid in self._rendering and age < self.render_limit:
                continue
            connections, since_activity = kernels[kid]
            if connections > 0:
                self._last_connected[kid] = now
            idle = min(since_activity, age) if since_activity is not None else age
            if connections == 0 and kid in self._last_connected:
                orphan = now - self._last_connected[kid] > self.orphan_grace
            else:
                orphan = connections == 0 and age > 4 * self.orphan_grace
            if orphan or idle > self.idle_cull:
                gone.append(kid)
        return gone

    # --- renders to wake up -------------------------------------------------------------
    def render_started(self, render) -> None:
        self._renders[render] = self.clock()

    def renders(self) -> list[object]:
        """Renders in progress younger than ``render_limit`` (older ones are given up)."""
        now = self.clock()
        for render in [r for r, t0 in self._renders.items() if now - t0 > self.render_limit]:
            self._renders.pop(render)
        return list(self._renders)

    def render_over(self, render) -> None:
        self._renders.pop(render, None)
