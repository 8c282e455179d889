"""The kiosk server: Voila, configured and narrowed for a public touch screen.

What this module adds to a standalone Voila, by configuration, by an allow-list of routes
(:mod:`civicai.kiosk.routes`) and by the named hooks of :mod:`civicai.upstream.voila` (the one
place that touches Voila's internals, checked at start):

* a French gallery at ``/`` (tiles from the catalogue, :mod:`civicai.catalog`) and ``/demo/<id>`` for each demo;
  every other path (directory tree, contents API, login page, any notebook not listed,
  any route a new Voila adds) does not exist and answers a French 404 page;
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

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import tornado.ioloop
import tornado.web
from traitlets import List as ListTrait
from traitlets.config import Config
from voila.app import Voila

from civicai.kiosk import hub
from civicai.kiosk.catalog import Catalog
from civicai.kiosk.handlers import (RENDER, DemoHandler, GalleryHandler, ImageHandler, NotFoundHandler,
                                    RenderRedirectHandler, SettingsHandler, StatusHandler, cached,
                                    own_kernel)
from civicai.kiosk.ledger import VisitorLedger
from civicai.kiosk.routes import allowed
from civicai.kiosk.wakeup import wake_sockets
from civicai.upstream import jupyter_server as jupyter_server_adapter
from civicai.upstream import voila as voila_adapter

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


@dataclass
class KioskOptions:
    """Everything an operator can set (``civicai kiosque --help`` shows the French names)."""

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
    hub: str = ""                     # --hub: the hub whose model service the demos use (civicai.kiosk.hub)
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
    """Voila with the kiosk's routes, template path and visitor bookkeeping.

    Voila's events are mapped to :class:`VisitorLedger` calls (through the adapter
    :mod:`civicai.upstream.voila`); the ledger decides the cap and who is due for shutdown.
    """

    # Ignore voila.json / voila.py from the machine's Jupyter config: the kiosk is
    # configured by `civicai kiosque` only (a stray config must not reopen anything).
    config_file_paths = ListTrait([])

    def initialize(self, argv=None):
        jpath = os.environ.get("JUPYTER_PATH", "")
        if str(SHARE) not in jpath.split(os.pathsep):
            os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), jpath) if p)
        super().initialize(argv if argv is not None else [])
        self.kiosk_options: KioskOptions = self.tornado_settings["civicai_kiosk_options"]
        opts = self.kiosk_options
        self.ledger = VisitorLedger(max_visitors=opts.max_visitors, orphan_grace=opts.orphan_grace,
                                    idle_cull=opts.idle_cull_seconds)
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES), autoescape=True)

    # --- bookkeeping ------------------------------------------------------------------
    def visitor_kernels(self) -> list[str]:
        """Ids of live kernels handed to visitors (pool kernels not included)."""
        return self.ledger.visitors(live=lambda kid: kid in self.kernel_manager)

    def connections(self, kernel_id: str) -> int:
        return jupyter_server_adapter.kernel_connection_count(self.kernel_manager, kernel_id)

    def kernel_pid(self, kernel_id: str) -> int | None:
        try:
            km = self.kernel_manager.get_kernel(kernel_id)
        except KeyError:
            return None
        prov = getattr(km, "provisioner", None)
        pid = getattr(prov, "pid", None) or getattr(getattr(prov, "process", None), "pid", None)
        return int(pid) if pid else None

    async def reap(self) -> list[str]:
        """Shut down visitor kernels whose visitor is gone or idle (the ledger's rules)."""
        now = dt.datetime.now(dt.timezone.utc)
        kernels = {}
        for kid in self.visitor_kernels():
            try:
                last = self.kernel_manager.get_kernel(kid).last_activity
            except KeyError:
                continue
            kernels[kid] = (self.connections(kid), (now - last).total_seconds() if last else None)
        gone = self.ledger.due(kernels)
        for kid in gone:
            self.log.info("Kiosk: shutting down visitor kernel %s (visitor gone or idle)", kid)
            try:
                await self.kernel_manager.shutdown_kernel(kid)
            except Exception as exc:  # already gone
                self.log.warning("Kiosk: could not shut down %s: %s", kid, exc)
            self.ledger.forget(kid)
        return gone

    def wake_renders(self) -> int:
        """Hand every render in progress the kernel messages it may have missed (see wakeup)."""
        missed = 0
        for render in self.ledger.renders():
            sockets = voila_adapter.render_sockets(render)
            if sockets == []:
                self.ledger.render_over(render)   # over: its channels are stopped
            elif sockets and wake_sockets(sockets):
                missed += 1
                self.log.info("Kiosk: the render of kernel %s had missed a kernel message; woken up",
                              voila_adapter.render_kernel_id(render))
        return missed

    def _handed_out(self, kernel_id: str) -> None:
        self.ledger.handed_out(kernel_id)
        holder = RENDER.get()
        if holder is not None:
            holder["kernel_id"] = kernel_id

    def _started(self, kernel_id: str) -> None:
        # Voila starts a kernel of its own when a demo's pool is momentarily empty (a rush
        # of visitors): that kernel is a visitor's too, capped and reaped like the others.
        holder = RENDER.get()
        if holder is not None and "kernel_id" not in holder:
            self._handed_out(kernel_id)

    # --- Voila hooks ------------------------------------------------------------------
    def init_settings(self):
        settings = super().init_settings()
        km = self.kernel_manager
        km.allowed_message_types = list(ALLOWED_MESSAGE_TYPES)
        voila_adapter.on_kernel_handed_out(km, self._handed_out)
        voila_adapter.on_kernel_started(km, self._started)
        voila_adapter.on_render_made(km, self.ledger.render_started)
        settings["civicai_kiosk"] = self
        settings["default_handler_class"] = NotFoundHandler
        settings["xsrf_cookie_kwargs"] = {"samesite": "Strict"}
        # Lab extension files have content hashes in their names: let the kiosk's browser
        # keep them (Voila serves them with no-cache, which costs dozens of round trips).
        settings["static_immutable_cache"] = [self.base_url + "voila/labextensions/"]
        return settings

    def init_handlers(self):
        """The kiosk's pages, then the upstream routes of the allow-list (see routes)."""
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
        upstream = allowed(super().init_handlers(), base + "/",
                           {"own-kernel": own_kernel, "cached": cached})
        return ours + upstream

    def listen(self):
        """Start the reaper and the render waker, then Voila's server and IO loop."""
        interval = int(self.kiosk_options.reap_interval * 1000)
        self._reaper = tornado.ioloop.PeriodicCallback(self.reap, interval)
        self._reaper.start()
        self._waker = tornado.ioloop.PeriodicCallback(self.wake_renders, 1000)
        self._waker.start()
        opts = self.kiosk_options
        print(f"Borne prête : http://{opts.ip}:{opts.port}/ ({len(opts.demos)} démos, "
              f"{opts.max_visitors} visiteurs à la fois au plus)", flush=True)
        return super().listen()


KERNEL_CONFIG = """# Written by civicai kiosque: kiosk kernels keep no history on disk.
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


def operator_notices() -> list[str]:
    """French lines for the operator's log: what the visitors will miss, and what to do.

    Visitors only read a plain sentence on the demo page; the command belongs here and in the
    operator guide.
    """
    from civicai.faces.data import load_fairface_images

    paths, _ = load_fairface_images()
    if paths is not None:
        return []
    return ["Attention : les photos FairFace ne sont pas installées sur cette borne ; les démos "
            "du module 2 montrent les résultats enregistrés, sans les visages. Pour les installer : "
            "civicai donnees fairface --chemin DOSSIER (voir le guide de la borne)."]


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
    notices = operator_notices()
    model = hub.link(opts.hub)  # the class's model through the hub, for the kernels only (never printed)
    if model is None:
        notices.append(hub.NO_HUB)
    else:
        os.environ.update(model.kernel_env())
        notices.append(hub.check(model))
    app = KioskApp(config=voila_config(opts))
    for line in notices:
        print(line, flush=True)
    app.initialize([])
    app.start()
    return 0
