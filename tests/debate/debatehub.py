"""A real hub as `civicai servir` runs it: its local configuration starts the debate service."""

from __future__ import annotations

import requests

from hubtools import RunningHub


class DebateHub(RunningHub):
    """`RunningHub` with helpers for the debate service: ``service(...)`` calls its API with a token."""

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/debat/"

    def service(self, method: str, path: str, token: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.service_url}api/{path}", timeout=60,
                                headers={"Authorization": f"token {token}"}, **kw)
