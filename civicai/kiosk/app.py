"""The kiosk server: Voila, configured and narrowed for a public touch screen.

What this module adds to a standalone Voila (by configuration and by choosing handlers,
not by patching Voila):

* a French gallery at ``/`` (tiles from ``demos.yaml``) and ``/demo/<id>`` for each demo;
  everything else Voila would serve (directory tree, contents API, login page, any
  notebook not listed) is gone and answers a French 404 page;
* a preheated kernel pool per listed demo (Voila's ``preheat_kernel``; notebooks not
  listed get no pool), served through the ``civicai-kiosque`` template: no CDN link,
  a back-to-gallery bar, the kiosk script (inactivity reset, kernel shutdown on leave);
* the fix for Voila issue #1458: the demo page sets the ``_xsrf`` cookie, so the page's
  shutdown request is accepted; a reaper shuts down visitor kernels that lost their
  websocket (visitor gone) or stayed idle too long, as a safety net;
* a cap on visitor kernels: over it, a friendly "Un instant..." page that retries;
* no code execution: Voila's kernel websocket only forwards comm and info messages
  (``allowed_message_types``); the kiosk keeps that list and does not log messages;
* a once-a-second wake-up of renders in progress (``civicai.kiosk.wakeup``): under load a
  render could miss its kernel's reply and hang until the reaper's limit.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import tornado.web
from jupyter_core.utils import ensure_async
from traitlets import List as ListTrait
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from civicai.kiosk.catalog import Catalog
from civicai.kiosk.wakeup import render_sockets, wake_sockets

PACKAGE = Path(__file__).resolve().parent
SHARE = PACKAGE / "share"          # added to JUPYTER_PATH: holds the Voila template
STATIC = PACKAGE / "static"
PAGES = PACKAGE / "pages"
TEMPLATE = "civicai-kiosque"

# Message types the kernel websocket forwards to a kernel: widgets need comm messages and
# kernel info; execute_request (and every other request) is dropped by Jupyter Server.
ALLOWED_MESSAGE_TYPES = ["comm_open", "comm_close", "comm_msg", "comm_info_request",
                         "kernel_info_request"]

# JupyterLab front-end extensions loaded on demo pages (widgets and the canvas widget).
LAB_EXTENSIONS = ("@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager",
                  "ipycanvas")

# Same-origin only: a demo cannot pull anything from another host, even by mistake.
DEMO_CSP = ("default-src 'self' data: blob:; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")

log = logging.getLogger("civicai.kiosk")

# The render in progress in this asyncio task: the demo handler learns its kernel id here.
_RENDER: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kiosk_render", default=None)


@dataclass
class KioskOptions:
    """Everything an operator can set (``civicai kiosk --help`` shows the French names)."""

    catalog: Catalog
    ip: str = "127.0.0.1"
    port: int = 8866
    idle_seconds: float = 180.0       # inactivity reset on the screen
    max_visitors: int = 3             # visitor kernels alive at once
    pool_size: int = 1                # preheated kernels waiting per demo
    reap_interval: float = 5.0        # how often the reaper looks at visitor kernels
    orphan_grace: float = 15.0        # a visitor kernel without websocket for this long goes
    idle_grace: float = 30.0          # server-side cull: idle_seconds + this, as a safety net
    fill_delay: float = 2.0           # wait before refilling a pool (keeps the CPU for the visitor)
    wait_retry: int = 3               # "Un instant" page: seconds between retries
    warmup: bool = True               # the gallery opens the first demo once, hidden, per browser session
    demos: list = field(default_factory=list)  # filled from the catalogue at start

    @property
    def idle_cull_seconds(self) -> float:
        return self.idle_seconds + self.idle_grace


def voila_config(opts: KioskOptions) -> Config:
    """The traitlets configuration of the Voila app behind the kiosk (plain dict-like)."""
    c = Config()
    c.Voila.ip = opts.ip
    c.Voila.port = opts.port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = str(opts.catalog.root)
    # MathJax would come from cdnjs: point it at a local no-op script (no formulas on the kiosk).
    c.Voila.mathjax_url = "/kiosque/static/sans-mathjax.js"
    c.Voila.tornado_settings = {"civicai_kiosk_options": opts}
    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.theme = "light"
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.allow_template_override = "NO"
    c.VoilaConfiguration.allow_theme_override = "NO"
    c.VoilaConfiguration.preheat_kernel = True
    c.VoilaConfiguration.default_pool_size = 0
    c.VoilaConfiguration.file_allowlist = []          # /voila/files serves nothing
    c.VoilaConfiguration.http_header_envs = []
    # Only the widget front-ends the demos need: every other JupyterLab extension of the
    # environment (nbgrader, notebook...) would add requests, errors and seconds.
    c.VoilaConfiguration.extension_allowlist = list(LAB_EXTENSIONS)
    # One pool per listed demo; every other notebook of the folder gets none.
    pools = {"default": {"pool_size": 0}}
    for demo in opts.demos:
        pools[demo.notebook] = {"pool_size": opts.pool_size}
    c.VoilaKernelManager.kernel_pools_config = pools
    c.VoilaKernelManager.fill_delay = opts.fill_delay
    c.HTMLExporter.language_code = "fr"
    return c


class KioskApp(Voila):
    """Voila with the kiosk's handlers, template path and visitor bookkeeping."""

    # Ignore voila.json / voila.py from the machine's Jupyter config: the kiosk is
    # configured by `civicai kiosk` only (a stray config must not reopen anything).
    config_file_paths = ListTrait([])

    def initialize(self, argv=None):
        jpath = os.environ.get("JUPYTER_PATH", "")
        if str(SHARE) not in jpath.split(os.pathsep):
            os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), jpath) if p)
        super().initialize(argv if argv is not None else [])
        self.kiosk_options: KioskOptions = self.tornado_settings["civicai_kiosk_options"]
        self.visitors: dict[str, float] = {}   # kernel id -> monotonic time it was handed out
        self.reserved: dict[object, float] = {}  # renders in progress -> start (counted against the cap)
        self.last_connected: dict[str, float] = {}  # kernel id -> last time a page was connected
        self.rendering: set[str] = set()            # kernels whose page is still being sent
        self.renderers: dict[object, float] = {}    # Voila's renders in progress -> start (pool and visitors)
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES), autoescape=True)

    # --- bookkeeping ------------------------------------------------------------------
    def visitor_kernels(self) -> list[str]:
        """Ids of live kernels handed to visitors (pool kernels not included)."""
        for kid in [k for k in self.visitors if k not in self.kernel_manager]:
            self.visitors.pop(kid, None)
        return list(self.visitors)

    def pool_kernels(self) -> list[str]:
        return [k for k in self.kernel_manager.list_kernel_ids() if k not in self.visitors]

    RENDER_LIMIT = 180.0  # seconds: a render older than this no longer holds a place

    def try_reserve(self):
        """A token if a visitor place is free (release it with :meth:`release`), else None."""
        now = time.monotonic()
        for token in [t for t, t0 in self.reserved.items() if now - t0 > self.RENDER_LIMIT]:
            self.reserved.pop(token)   # a render that hung must not block the kiosk for ever
        if len(self.visitor_kernels()) + len(self.reserved) >= self.kiosk_options.max_visitors:
            return None
        token = object()
        self.reserved[token] = now
        return token

    def release(self, token) -> None:
        self.reserved.pop(token, None)

    def kernel_pid(self, kernel_id: str) -> int | None:
        try:
            km = self.kernel_manager.get_kernel(kernel_id)
        except KeyError:
            return None
        prov = getattr(km, "provisioner", None)
        pid = getattr(prov, "pid", None) or getattr(getattr(prov, "process", None), "pid", None)
        return int(pid) if pid else None

    async def reap(self) -> list[str]:
        """Shut down visitor kernels whose visitor is gone or idle; return their ids.

        Gone: the page's websocket closed ``orphan_grace`` seconds ago, or the page never
        connected within ``4 * orphan_grace`` (a slow machine may take seconds to load the
        page's scripts: a kernel must not be taken from a page still loading). Idle: no
        kernel activity for ``idle_seconds + idle_grace``.
        """
        opts = self.kiosk_options
        now_mono = time.monotonic()
        now = dt.datetime.now(dt.timezone.utc)
        gone = []
        for kid in self.visitor_kernels():
            if kid in self.rendering and now_mono - self.visitors[kid] < self.RENDER_LIMIT:
                continue
            connections = self.kernel_manager._kernel_connections.get(kid, 0)
            if connections > 0:
                self.last_connected[kid] = now_mono
            age = now_mono - self.visitors[kid]
            try:
                last = self.kernel_manager.get_kernel(kid).last_activity
            except KeyError:
                continue
            # A pool kernel may have waited for hours: idleness counts from the hand-out.
            idle = min((now - last).total_seconds(), age) if last else age
            if connections == 0 and kid in self.last_connected:
                orphan = now_mono - self.last_connected[kid] > opts.orphan_grace
            else:
                orphan = connections == 0 and age > 4 * opts.orphan_grace
            if orphan or idle > opts.idle_cull_seconds:
                gone.append(kid)
        for kid in gone:
            self.log.info("Kiosk: shutting down visitor kernel %s (visitor gone or idle)", kid)
            try:
                await self.kernel_manager.shutdown_kernel(kid)
            except Exception as exc:  # already gone
                self.log.warning("Kiosk: could not shut down %s: %s", kid, exc)
            self.visitors.pop(kid, None)
        for kid in [k for k in self.last_connected if k not in self.visitors]:
            self.last_connected.pop(kid)
        return gone

    def wake_renders(self) -> int:
        """Hand every render in progress the kernel messages it may have missed (see wakeup)."""
        now = time.monotonic()
        missed = 0
        for renderer, t0 in list(self.renderers.items()):
            sockets = render_sockets(renderer)
            if sockets == [] or now - t0 > self.RENDER_LIMIT:
                self.renderers.pop(renderer, None)   # over (channels stopped) or given up
            elif sockets and wake_sockets(sockets):
                missed += 1
                kid = getattr(getattr(renderer.executor, "km", None), "kernel_id", "?")
                self.log.info("Kiosk: the render of kernel %s had missed a kernel message; woken up", kid)
        return missed

    # --- Voila hooks ------------------------------------------------------------------
    def init_settings(self):
        settings = super().init_settings()
        km = self.kernel_manager
        km.allowed_message_types = list(ALLOWED_MESSAGE_TYPES)
        original = km.get_rendered_notebook
        app = self

        original_start = km.start_kernel
        original_factory = km._notebook_renderer_factory

        def renderer_factory(*args, **kwargs):
            renderer = original_factory(*args, **kwargs)
            app.renderers[renderer] = time.monotonic()
            return renderer

        def hand_out(kernel_id: str) -> None:
            app.visitors[kernel_id] = time.monotonic()
            app.rendering.add(kernel_id)
            holder = _RENDER.get()
            if holder is not None:
                holder["kernel_id"] = kernel_id

        async def get_rendered_notebook(*args, **kwargs):
            render_task, cache, kernel_id = await original(*args, **kwargs)
            hand_out(kernel_id)
            return render_task, cache, kernel_id

        async def start_kernel(*args, **kwargs):
            # Voila starts a kernel of its own when a demo's pool is momentarily empty (a rush
            # of visitors): that kernel is a visitor's too, capped and reaped like the others.
            kernel_id = await ensure_async(original_start(*args, **kwargs))
            holder = _RENDER.get()
            if holder is not None and "kernel_id" not in holder:
                hand_out(kernel_id)
            return kernel_id

        km.get_rendered_notebook = get_rendered_notebook
        km.start_kernel = start_kernel
        km._notebook_renderer_factory = renderer_factory   # every pre-heated render is made here
        settings["civicai_kiosk"] = self
        settings["default_handler_class"] = NotFoundHandler
        settings["xsrf_cookie_kwargs"] = {"samesite": "Strict"}
        # Lab extension files have content hashes in their names: let the kiosk's browser
        # keep them (Voila serves them with no-cache, which costs dozens of round trips).
        settings["static_immutable_cache"] = [self.base_url + "voila/labextensions/"]
        return settings

    def init_handlers(self):
        dropped = {"TornadoVoilaTreeHandler", "VoilaContentsHandler", "TornadoVoilaHandler",
                   "VoilaLoginHandler", "LogoutHandler", "AllowListFileHandler"}
        kept = []
        for h in super().init_handlers():
            if h[1].__name__ in dropped:
                continue
            if h[1].__name__ in ("MultiStaticFileHandler", "TemplateStaticFileHandler"):
                h = (h[0], _cached(h[1]), *h[2:])
            kept.append(h)
        base = self.server_url.rstrip("/")
        ours = [
            (base + "/", GalleryHandler),
            (base + r"/demo/([a-z0-9-]+)", DemoHandler,
             {"template_paths": self.template_paths, "config": self.config,
              "voila_configuration": self.voila_configuration}),
            (base + r"/voila/render/(.*)", RenderRedirectHandler),
            (base + r"/kiosque/image/([a-z0-9-]+)", ImageHandler),
            (base + r"/kiosque/reglages\.js", SettingsHandler),
            (base + r"/kiosque/etat", StatusHandler),
            (base + r"/kiosque/static/(.*)", tornado.web.StaticFileHandler, {"path": str(STATIC)}),
        ]
        return ours + kept

    def start(self):
        super_listen = self.listen

        def listen():
            # Runs once the tornado app exists, just before the IO loop starts.
            interval = int(self.kiosk_options.reap_interval * 1000)
            self._reaper = tornado.ioloop.PeriodicCallback(self.reap, interval)
            self._reaper.start()
            self._waker = tornado.ioloop.PeriodicCallback(self.wake_renders, 1000)
            self._waker.start()
            return super_listen()

        self.listen = listen
        super().start()


class _KioskPage(tornado.web.RequestHandler):
    """A plain page of the kiosk (gallery, waiting page, errors): French, no Jupyter."""

    @property
    def kiosk(self) -> KioskApp:
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
            self.page("introuvable.html", 404)
        else:
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.finish("Erreur de la borne. Revenez à la galerie.")

    def log_exception(self, typ, value, tb):
        if isinstance(value, tornado.web.HTTPError) and value.status_code == 404:
            return
        super().log_exception(typ, value, tb)


class NotFoundHandler(_KioskPage):
    def prepare(self):
        raise tornado.web.HTTPError(404)


class GalleryHandler(_KioskPage):
    def get(self):
        opts = self.kiosk.kiosk_options
        minutes = max(1, round(opts.idle_seconds / 60))
        mins = "1 minute" if minutes == 1 else f"{minutes} minutes"
        static = self.kiosk.base_url + "voila/static/"
        prefetch = [static + "voila.js", static + "voila-style.js"]
        self.page("galerie.html", demos=opts.demos, minutes=mins, prefetch=prefetch)


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
        self.finish("window.KIOSQUE = " + json.dumps(
            {"inactivite": opts.idle_seconds, "base": base, "prechauffage": warmup}) + ";\n")


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
            kernels.append({"id": kid, "visiteur": kid in visitors, "pid": pid,
                            "rss_mo": _rss_mb(pid) if pid else None,
                            "connexions": app.kernel_manager._kernel_connections.get(kid, 0)})
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"visiteurs": len(visitors), "plafond": app.kiosk_options.max_visitors,
                                "noyaux": kernels}))


class DemoHandler(TornadoVoilaHandler):
    """One demo, rendered from its preheated kernel; over the cap, the waiting page."""

    async def get(self, demo_id):
        app: KioskApp = self.settings["civicai_kiosk"]
        opts = app.kiosk_options
        demo = opts.catalog.by_id(demo_id)
        if demo is None or demo not in opts.demos:
            return self._kiosk_page("introuvable.html", 404)
        place = app.try_reserve()
        if place is None:
            self.set_header("Retry-After", str(opts.wait_retry))
            return self._kiosk_page("attente.html", 503, retry=opts.wait_retry)
        holder: dict = {}
        token = _RENDER.set(holder)
        try:
            self.xsrf_token  # sets the _xsrf cookie: the page's shutdown request is then accepted
            self.set_header("Content-Security-Policy", DEMO_CSP)
            self.set_header("Referrer-Policy", "no-referrer")
            await super().get(path=demo.notebook)
        finally:
            _RENDER.reset(token)
            app.release(place)
            kid = holder.get("kernel_id")
            if kid is not None:
                # The page is sent: the grace for its first connection starts now.
                app.rendering.discard(kid)
                if kid in app.visitors:
                    app.visitors[kid] = time.monotonic()

    def _kiosk_page(self, name, status, **ns):
        app: KioskApp = self.settings["civicai_kiosk"]
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", PAGE_CSP)
        self.finish(app.pages.get_template(name).render(base=app.base_url, **ns))


def _cached(handler_class):
    """The same static handler, with a one-day browser cache (Voila's default is none)."""

    class Cached(handler_class):
        def get_cache_time(self, path, modified, mime_type):
            return 86400

    Cached.__name__ = "Cached" + handler_class.__name__
    return Cached


def _rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


KERNEL_CONFIG = """# Written by civicai kiosk: kiosk kernels keep no history on disk.
c.HistoryManager.enabled = False
"""


def private_ipython_dir() -> Path:
    """A temporary IPYTHONDIR for the kiosk's kernels (removed at exit)."""
    import atexit
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="civicai-kiosque-"))
    profile = root / "profile_default"
    profile.mkdir()
    (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def run(opts: KioskOptions) -> int:
    """Start the kiosk and serve until interrupted."""
    missing = opts.catalog.missing()
    opts.demos = opts.catalog.available()
    for demo in missing:
        print(f"Attention : la démo « {demo.title} » ({demo.notebook}) est introuvable ; "
              "elle n'apparaîtra pas dans la galerie.", flush=True)
    # Kernels inherit this environment: an inherited MPLBACKEND=Agg would make every
    # plt.show() of a demo silently draw nothing.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # Kernels get a private IPython folder whose config turns the history database off:
    # nothing a kernel runs is written to disk. The folder goes when the kiosk stops.
    os.environ["IPYTHONDIR"] = str(private_ipython_dir())
    app = KioskApp(config=voila_config(opts))
    app.initialize([])
    print(f"Borne prête : http://{opts.ip}:{opts.port}/ ({len(opts.demos)} démos, "
          f"{opts.max_visitors} visiteurs à la fois au plus)", flush=True)
    app.start()
    return 0
