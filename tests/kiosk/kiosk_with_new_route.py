"""``civicai kiosque`` with routes added the way a newer Voila would add them (test launcher).

The routes answer 200 if served; the kiosk's allow-list must make them 404. The marker line in
the log proves that Voila's handler list really had them.
"""

from __future__ import annotations

import sys

import tornado.web
from voila.app import Voila

from civicai.cli import main

MARKER = "test: new upstream routes registered"


class NewUpstreamHandler(tornado.web.RequestHandler):
    def get(self, *args):
        self.finish("servi par un nouveau Voila")


_init_handlers = Voila.init_handlers


def init_handlers(self):
    base = self.server_url.rstrip("/")
    print(MARKER, flush=True)
    return _init_handlers(self) + [(base + "/voila/nouveau/(.*)", NewUpstreamHandler),
                                   (base + "/api/kernels", NewUpstreamHandler),
                                   (base + "/api/sessions", NewUpstreamHandler)]


Voila.init_handlers = init_handlers

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
