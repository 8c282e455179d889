"""The visitor ledger's rules, on a fake clock: no Voila, no kernel, no waiting."""

from __future__ import annotations

import pytest

from civicai.kiosk.ledger import VisitorLedger


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def _ledger(clock, **kw):
    opts = {"max_visitors": 2, "orphan_grace": 15.0, "idle_cull": 210.0, "render_limit": 180.0}
    return VisitorLedger(clock=clock, **(opts | kw))


def _visit(ledger, kid):
    """A whole render: place reserved, kernel handed out, place released, page sent."""
    place = ledger.reserve()
    assert place is not None
    ledger.handed_out(kid)
    ledger.release(place)
    ledger.page_sent(kid)


def test_the_cap_counts_visitors_and_renders_in_progress(clock):
    ledger = _ledger(clock)
    _visit(ledger, "a")
    place = ledger.reserve()
    assert place is not None
    assert ledger.reserve() is None
    ledger.release(place)
    assert ledger.reserve() is not None


def test_a_hung_render_gives_its_place_back_after_the_limit(clock):
    ledger = _ledger(clock, max_visitors=1)
    assert ledger.reserve() is not None
    clock.now += 179
    assert ledger.reserve() is None
    clock.now += 2
    assert ledger.reserve() is not None


def test_a_page_that_never_connects_gets_four_graces(clock):
    ledger = _ledger(clock)
    _visit(ledger, "a")
    clock.now += 59
    assert ledger.due({"a": (0, None)}) == []
    clock.now += 2
    assert ledger.due({"a": (0, None)}) == ["a"]


def test_a_page_that_left_goes_after_one_grace(clock):
    ledger = _ledger(clock)
    _visit(ledger, "a")
    clock.now += 5
    assert ledger.due({"a": (1, 1.0)}) == []       # connected: remembered
    clock.now += 14
    assert ledger.due({"a": (0, 1.0)}) == []       # left 14 s ago
    clock.now += 2
    assert ledger.due({"a": (0, 1.0)}) == ["a"]


def test_a_connected_but_idle_visitor_goes_after_the_idle_limit(clock):
    ledger = _ledger(clock)
    _visit(ledger, "a")
    clock.now += 300
    assert ledger.due({"a": (1, 200.0)}) == []
    assert ledger.due({"a": (1, 211.0)}) == ["a"]


def test_idleness_counts_from_the_hand_out_not_from_the_pool(clock):
    """A pool kernel idle for an hour is fresh for its visitor."""
    ledger = _ledger(clock)
    _visit(ledger, "a")
    clock.now += 10
    assert ledger.due({"a": (1, 3600.0)}) == []


def test_a_page_still_being_sent_is_left_alone_until_the_render_limit(clock):
    ledger = _ledger(clock)
    ledger.handed_out("a")
    clock.now += 170
    assert ledger.due({"a": (0, 170.0)}) == []
    clock.now += 20
    assert ledger.due({"a": (0, 190.0)}) == ["a"]


def test_gone_kernels_are_forgotten_and_free_their_place(clock):
    ledger = _ledger(clock, max_visitors=1)
    _visit(ledger, "a")
    assert ledger.reserve() is None
    assert ledger.visitors(live=lambda kid: False) == []
    assert not ledger.is_visitor("a")
    assert ledger.reserve() is not None


def test_kernels_not_reported_are_skipped(clock):
    ledger = _ledger(clock)
    _visit(ledger, "a")
    clock.now += 1000
    assert ledger.due({}) == []


def test_renders_are_given_up_after_the_limit(clock):
    ledger = _ledger(clock)
    r1, r2 = object(), object()
    ledger.render_started(r1)
    clock.now += 100
    ledger.render_started(r2)
    assert ledger.renders() == [r1, r2]
    clock.now += 90
    assert ledger.renders() == [r2]
    ledger.render_over(r2)
    assert ledger.renders() == []
