"""The kiosk's own pages (gallery, demo, waiting page, French 404) and its status for operators."""

from __future__ import annotations

import contextvars
import json
from pathlib import Path

import tornado.web
from voila.tornado.handler import TornadoVoilaHandler

# Same-origin only: a demo cannot pull anything from another host, even by mistake.
DEMO_CSP = ("default-src 'self' data: blob:; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")

# The render in progress in this asyncio task: the demo handler learns its kernel id here.
RENDER: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kiosk_render", default=None)


class _KioskPage(tornado.web.RequestHandler):
    """A plain page of the kiosk (gallery, waiting page, errors): French, no Jupyter."""

    @property
    def kiosk(self):
        return self.settings["civicai_kiosk"]

    def set_default_headers(self):
        self.set_header("Content-Security-Policy", PAGE_CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def page(self, name: str, status: int = 200, **ns) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        base = self.kiosk.base_url
        self.finish(self.kiosk.pages.get_template(name).render(base=base, **ns))

    def write_error(self, status_code, **kwargs):
        if status_code == 404:
            self.page("not-found.html", 404)
        else:
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.finish("Erreur de la borne. Revenez à la galerie.")

    def log_exception(self, typ, value, tb):
        if isinstance(value, tornado.web.HTTPError) and value.status_code == 404:
            return
        super().log_exception(typ, value, tb)


class NotFoundHandler(_KioskPage):
    """Every path the kiosk does not list (the default handler): the French 404 page."""

    def prepare(self):
        raise tornado.web.HTTPError(404)


class GalleryHandler(_KioskPage):
    def get(self):
        opts = self.kiosk.kiosk_options
        minutes = max(1, round(opts.idle_seconds / 60))
        mins = "1 minute" if minutes == 1 else f"{minutes} minutes"
        static = self.kiosk.base_url + "voila/static/"
        prefetch = [static + "voila.js", static + "voila-style.js"]
        self.page("gallery.html", demos=opts.demos, minutes=mins, prefetch=prefetch)


class RenderRedirectHandler(_KioskPage):
    """Voila's own URL for a notebook: only listed demos, and only through /demo/<id>."""

    def get(self, path):
        demo = self.kiosk.kiosk_options.catalog.by_notebook(path)
        if demo is None or demo not in self.kiosk.kiosk_options.demos:
            raise tornado.web.HTTPError(404)
        self.redirect(f"{self.kiosk.base_url}demo/{demo.id}")


class ImageHandler(_KioskPage):
    TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
             ".jpeg": "image/jpeg", ".webp": "image/webp"}

    def get(self, demo_id):
        opts = self.kiosk.kiosk_options
        demo = opts.catalog.by_id(demo_id)
        path = demo.image_path(opts.catalog.root) if demo else None
        if path is None or not path.is_file():
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", self.TYPES[path.suffix.lower()])
        self.set_header("Cache-Control", "public, max-age=3600")
        self.finish(path.read_bytes())


class SettingsHandler(_KioskPage):
    def get(self):
        opts = self.kiosk.kiosk_options
        self.set_header("Content-Type", "application/javascript; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        base = self.kiosk.base_url
        # The first visit in a browser session compiles Voila's front-end (~0.8 s more); the
        # gallery pays it once, in a hidden frame, before the first visitor touches a tile.
        warmup = f"{base}demo/{opts.demos[0].id}" if opts.warmup and opts.demos else None
        self.finish("window.KIOSK = " + json.dumps(
            {"idle_seconds": opts.idle_seconds, "base": base, "warmup": warmup}) + ";\n")


class StatusHandler(_KioskPage):
    """Counts and memory of the kernels, for the operator and the tests (loopback only)."""

    def get(self):
        if self.request.remote_ip not in ("127.0.0.1", "::1"):
            raise tornado.web.HTTPError(404)
        app = self.kiosk
        visitors = app.visitor_kernels()
        kernels = []
        for kid in app.kernel_manager.list_kernel_ids():
            pid = app.kernel_pid(kid)
            kernels.append({"id": kid, "visitor": kid in visitors, "pid": pid,
                            "rss_mb": _rss_mb(pid) if pid else None,
                            "connections": app.connections(kid)})
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"visitors": len(visitors), "max_visitors": app.kiosk_options.max_visitors,
                                "kernels": kernels}))


class DemoHandler(TornadoVoilaHandler):
    """One demo, rendered from its preheated kernel; over the cap, the waiting page."""

    async def get(self, demo_id):
        app = self.settings["civicai_kiosk"]
        opts = app.kiosk_options
        demo = opts.catalog.by_id(demo_id)
        if demo is None or demo not in opts.demos:
            return self._kiosk_page("not-found.html", 404)
        place = app.ledger.reserve()
        if place is None:
            self.set_header("Retry-After", str(opts.wait_retry))
            return self._kiosk_page("waiting.html", 503, retry=opts.wait_retry)
        holder: dict = {}
        token = RENDER.set(holder)
        try:
            self.xsrf_token  # sets the _xsrf cookie: the page's shutdown request is then accepted
            self.set_header("Content-Security-Policy", DEMO_CSP)
            self.set_header("Referrer-Policy", "no-referrer")
            await super().get(path=demo.notebook)
        finally:
            RENDER.reset(token)
            app.ledger.release(place)
            kid = holder.get("kernel_id")
            if kid is not None:
                app.ledger.page_sent(kid)
            elif self.get_status() == 200:
                # Voila rendered without the kiosk seeing its kernel: it cannot be capped nor
                # reaped. The adapter's check should have refused to start; say it loudly.
                app.log.error("Kiosk: demo %s rendered with a kernel the kiosk did not see", demo.id)

    def _kiosk_page(self, name, status, **ns):
        app = self.settings["civicai_kiosk"]
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", PAGE_CSP)
        self.finish(app.pages.get_template(name).render(base=app.base_url, **ns))


def cached(handler_class):
    """The same static handler, with a one-day browser cache (Voila's default is none)."""

    class Cached(handler_class):
        def get_cache_time(self, path, modified, mime_type):
            return 86400

    Cached.__name__ = "Cached" + handler_class.__name__
    return Cached


def own_kernel(handler_class):
    """The same kernel handler, answering 404 unless its kernel is a visitor's (not a pool's)."""

    class OwnKernel(handler_class):
        def prepare(self, *args, **kwargs):
            kid = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else "")
            if not self.settings["civicai_kiosk"].ledger.is_visitor(kid):
                raise tornado.web.HTTPError(404)
            return super().prepare(*args, **kwargs)

    OwnKernel.__name__ = "OwnKernel" + handler_class.__name__
    return OwnKernel


def _rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
