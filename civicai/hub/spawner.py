"""The one-machine spawner: a home per participant under the hub's state directory.

It is JupyterHub's SimpleLocalProcessSpawner (no Unix accounts needed) with two additions:
the modules are merged into the home before each start, and ``start()`` returns only once
the server answers, polling every 50 ms. JupyterHub's own wait polls with exponential
backoff (0.2, 0.4, 0.8, 1.6, 3.2 s), so a server ready after 3.6 s was seen at about 6 s.
"""

from __future__ import annotations

import asyncio
import os
import time

import aiohttp
from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Float, Unicode

from civicai.hub.sync import sync_modules


class KitSpawner(SimpleLocalProcessSpawner):
    modules_source = Unicode("", config=True, help="Folder whose content is merged into ~/modules.")
    ready_poll_interval = Float(0.05, config=True, help="Seconds between two readiness checks.")

    def get_args(self):
        args = super().get_args()
        if os.geteuid() == 0 and "--allow-root" not in args:
            args.append("--allow-root")  # the server refuses root otherwise (stack notes)
        return args

    async def start(self):
        if self.modules_source:
            report = await asyncio.to_thread(sync_modules, self.modules_source, self.home_dir)
            self.log.info("modules for %s: %d added, %d updated, %d kept (changed by the user)",
                          self.user.name, len(report.added), len(report.updated), len(report.kept))
        ip, port = await super().start()
        await self._wait_ready(ip, port)
        return ip, port

    async def _wait_ready(self, ip: str, port: int) -> None:
        """Return as soon as the server answers its API, so the hub's first check succeeds."""
        url = f"http://{ip or '127.0.0.1'}:{port}{self.server.base_url}api"
        deadline = time.monotonic() + self.http_timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if await self.poll() is not None:
                    return  # the process died: let the hub report it
                try:
                    async with session.get(url, allow_redirects=False) as r:
                        if r.status < 500:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(self.ready_poll_interval)
