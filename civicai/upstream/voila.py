"""Voila internals the kiosk relies on, behind named functions.

Voila has no "kernel handed to a page" event, and its documented hooks do not fit: a
``prelaunch_hook`` cannot be combined with preheated kernels (Voila refuses), and
``page_config_hook`` sees a page's settings, not its kernel nor its render. So the kiosk wraps,
on its own kernel manager instance, three methods of the preheating ``VoilaKernelManager``:

* ``get_rendered_notebook`` hands a preheated kernel to a page and returns the undocumented
  triple ``(render_task, rendered_cache, kernel_id)``;
* ``start_kernel`` is what the page handler calls when a demo's pool is momentarily empty (pool
  fills call the base class's ``start_kernel`` through ``super()``, so they are not seen);
* ``_notebook_renderer_factory`` makes every render (pool and visitors), whose
  ``executor.kc`` is the kernel client the render waits on.

:func:`check` asserts these shapes at the kiosk's start (it refuses to run without them), and
``tests/upstream/test_voila_contract.py`` asserts them in the fast tests.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from civicai.upstream.versions import refusal

TESTED = "voila 0.5.13"


def preheating_manager_class():
    """Voila's preheating kernel-manager class, built the way Voila builds it."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    return voila_kernel_manager_factory(AsyncMappingKernelManager, True, 0)


def problems() -> list[str]:
    """What is missing from the installed Voila (empty when the kiosk can rely on it)."""
    try:
        cls = preheating_manager_class()
        from voila.notebook_renderer import NotebookRenderer
    except (ImportError, TypeError) as exc:
        return [f"voila_kernel_manager_factory: {exc}"]
    found = []
    for name in ("get_rendered_notebook", "start_kernel", "_notebook_renderer_factory", "_initialize"):
        if not callable(getattr(cls, name, None)):
            found.append(f"VoilaKernelManager.{name}")
    if not found:
        if _return_sizes(cls.get_rendered_notebook) != {3}:
            found.append("get_rendered_notebook ne renvoie plus (tâche, cache, noyau)")
        if "super().start_kernel(" not in _source(cls._initialize):
            found.append("_initialize ne démarre plus ses noyaux par super().start_kernel")
    if "self.executor.kc" not in _source(NotebookRenderer):
        found.append("NotebookRenderer.executor.kc")
    return found


def check() -> None:
    """Raise a French :class:`UserError` if the Voila shapes the kiosk relies on are gone."""
    found = problems()
    if found:
        raise refusal("voila", TESTED, found)


def on_kernel_handed_out(km, callback: Callable[[str], None]) -> None:
    """Call ``callback(kernel_id)`` each time ``km`` hands a preheated kernel to a page."""
    original = km.get_rendered_notebook

    async def get_rendered_notebook(*args, **kwargs):
        render_task, rendered_cache, kernel_id = await original(*args, **kwargs)
        callback(kernel_id)
        return render_task, rendered_cache, kernel_id

    km.get_rendered_notebook = get_rendered_notebook


def on_kernel_started(km, callback: Callable[[str], None]) -> None:
    """Call ``callback(kernel_id)`` when a page handler starts a kernel (not for pool fills)."""
    from jupyter_core.utils import ensure_async

    original = km.start_kernel

    async def start_kernel(*args, **kwargs):
        kernel_id = await ensure_async(original(*args, **kwargs))
        callback(kernel_id)
        return kernel_id

    km.start_kernel = start_kernel


def on_render_made(km, callback: Callable[[object], None]) -> None:
    """Call ``callback(render)`` for every notebook render ``km`` makes (pool and visitors)."""
    original = km._notebook_renderer_factory

    def factory(*args, **kwargs):
        render = original(*args, **kwargs)
        callback(render)
        return render

    km._notebook_renderer_factory = factory


def render_sockets(render) -> list | None:
    """The shell and IOPub sockets of a render's kernel client.

    ``None`` while the render has no kernel client yet (its kernel is starting); ``[]`` once
    the render is over (Voila stops the client's channels at the end of the page).
    """
    kc = getattr(getattr(render, "executor", None), "kc", None)
    if kc is None:
        return None
    if not kc.channels_running:
        return []
    channels = (kc.shell_channel, kc.iopub_channel)
    return [ch.socket for ch in channels if ch.socket is not None and not ch.socket.closed]


def render_kernel_id(render) -> str:
    """The kernel id of a render, for the log ("?" before its kernel exists)."""
    return getattr(getattr(getattr(render, "executor", None), "km", None), "kernel_id", "?")


def _source(obj) -> str:
    try:
        return textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError):
        return ""


def _return_sizes(func) -> set[int | None]:
    """Sizes of the tuples ``func``'s own return statements return (None: not a tuple)."""
    tree = ast.parse(_source(func))
    body = tree.body[0] if tree.body else None
    sizes: set[int | None] = set()
    stack = list(getattr(body, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            sizes.add(len(node.value.elts) if isinstance(node.value, ast.Tuple) else None)
        stack.extend(ast.iter_child_nodes(node))
    return sizes
