"""Loopback ports: the one ``free_port`` of the kit (package, tests and benchmarks import it)."""

from __future__ import annotations

import socket

_SERVICE_PORTS: dict[str, int] = {}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_port(name: str) -> int:
    """The port of the hub service ``name``, chosen once per process: applying the hub
    configuration twice must give the same configuration."""
    if name not in _SERVICE_PORTS:
        _SERVICE_PORTS[name] = free_port()
    return _SERVICE_PORTS[name]
