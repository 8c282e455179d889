"""The upstream routes the kiosk serves: an allow-list. What is not listed does not exist.

Voila registers its routes in ``Voila.init_handlers``; the kiosk keeps only those below, each
at its exact path (below the base URL) and with the handler class it was checked with. Any
other route (Voila's tree, contents API, login page, renders of unlisted notebooks, anything a
new Voila adds) is dropped and answers the kiosk's French 404. A listed route that Voila no
longer registers as expected stops the kiosk at start (a demo would not work without it).

Kernel routes answer only for a kernel the kiosk handed to a visitor's page, never for a
kernel still waiting in a pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicai.errors import UserError
from civicai.upstream import voila as voila_adapter
from civicai.upstream.versions import requirement

# jupyter_server's kernel id pattern, as Voila writes it in its routes.
KERNEL = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"


@dataclass(frozen=True)
class Route:
    path: str          # below the base URL, exactly as Voila registers it
    handler: str       # module.Class of the handler Voila registers there
    why: str           # what a demo page needs it for
    wrap: str = ""     # "own-kernel": only a visitor's kernel; "cached": one-day browser cache


UPSTREAM_ROUTES = (
    Route("/api/kernels/" + KERNEL + "/channels",
          "voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler",
          "the widgets' websocket to the visitor's own kernel (comm messages only)", "own-kernel"),
    Route("/api/kernels/" + KERNEL, "jupyter_server.services.kernels.handlers.KernelHandler",
          "the visitor's own kernel: its state, and its shutdown", "own-kernel"),
    Route("/voila/api/shutdown/(.*)", "voila.shutdown_kernel_handler.VoilaShutdownKernelHandler",
          "shutdown of the visitor's own kernel when the page is left", "own-kernel"),
    Route("/voila/query/" + KERNEL, "voila.request_info_handler.RequestInfoSocketHandler",
          "a preheated page tells its kernel the page's address", "own-kernel"),
    Route("/voila/static/(.*)", "voila.static_file_handler.MultiStaticFileHandler",
          "Voila's page script and styles", "cached"),
    Route("/voila/templates/(.*)", "voila.static_file_handler.TemplateStaticFileHandler",
          "the kiosk template's static files", "cached"),
    Route("/voila/labextensions/(.*)", "jupyter_server.base.handlers.FileFindHandler",
          "the widgets' front-ends (ipywidgets, ipycanvas: extension_allowlist)"),
    Route("/voila/api/themes/(.*)", "jupyterlab_server.themes_handler.ThemesHandler",
          "the light theme's styles"),
)


def qualname(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def allowed(handlers: list[tuple], base: str, wrappers: dict) -> list[tuple]:
    """Voila's ``handlers`` narrowed to :data:`UPSTREAM_ROUTES`, wrapped as each route says.

    ``base`` is the server URL (ending in "/"); ``wrappers`` maps a route's ``wrap`` to a
    function of the handler class. Raises :class:`UserError` if a listed route is missing or
    has another handler class than the one checked.
    """
    by_path = {base.rstrip("/") + r.path: r for r in UPSTREAM_ROUTES}
    kept, seen = [], set()
    for spec in handlers:
        route = by_path.get(spec[0])
        if route is None or qualname(spec[1]) != route.handler:
            continue
        seen.add(route.path)
        cls = wrappers[route.wrap](spec[1]) if route.wrap else spec[1]
        kept.append((spec[0], cls, *spec[2:]))
    missing = [r.path for r in UPSTREAM_ROUTES if r.path not in seen]
    if missing:
        raise UserError(
            f"Voilà ne sert plus comme prévu ce dont les démos ont besoin ({', '.join(missing)}) : "
            f"la borne refuse de démarrer. Installez la version testée "
            f"({voila_adapter.TESTED}) : pip install \"{requirement('voila')}\".")
    return kept
