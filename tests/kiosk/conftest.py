"""Kiosk fixtures: a real `civicai kiosque` subprocess per scenario, its log dumped on failure."""

from __future__ import annotations

import pytest

from kiosktools import FIXTURE_DEMOS, MODULE_DEMOS, ONE_DEMO, KioskServer


def _server_fixture(request, tmp_path_factory, demos: Path, n_pools: int, **opts):
    server = KioskServer(demos, tmp_path_factory.mktemp("kiosk"), **opts)
    failed_before = request.session.testsfailed
    try:
        server.start(n_pools)
        yield server
    finally:
        server.stop()
        if request.session.testsfailed > failed_before:
            print(f"\n----- kiosk log ({server.log_path}) -----\n{server.log()[-8000:]}")


@pytest.fixture(scope="session")
def kiosk_fixture_demos(request, tmp_path_factory):
    """The kiosk on the test catalogue: a matplotlib slider and a torch network."""
    yield from _server_fixture(request, tmp_path_factory, FIXTURE_DEMOS, n_pools=2)


@pytest.fixture(scope="session")
def kiosk_modules(request, tmp_path_factory):
    """The kiosk on the kit's real catalogue, the modules' module.yaml files (demos that exist)."""
    from civicai.kiosk.catalog import kit_catalog

    n = len(kit_catalog().available())
    yield from _server_fixture(request, tmp_path_factory, MODULE_DEMOS, n_pools=n, max_visitors=4)


@pytest.fixture
def one_demo_server(request, tmp_path_factory):
    """A factory: the kiosk on one light demo, with the options a scenario needs."""
    servers = []

    def make(**opts) -> KioskServer:
        server = KioskServer(ONE_DEMO, tmp_path_factory.mktemp("kiosk1"), **opts)
        servers.append(server)
        return server.start(n_pools=1)

    failed_before = request.session.testsfailed
    yield make
    for server in servers:
        server.stop()
        if request.session.testsfailed > failed_before:
            print(f"\n----- kiosk log ({server.log_path}) -----\n{server.log()[-8000:]}")


