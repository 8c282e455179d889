"""A matplotlib figure as image bytes or a data URI: the one way the kit turns a chart into a picture.

Why one helper: an ``ipywidgets.Image``, a kiosk tile and an HTML page each need the same drawing
without pyplot's global state (works with any backend, in a kernel or a build step).

>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(1, 1))
>>> image_bytes(fig)[:8], data_uri(fig, "svg")[:26]
(b'\\x89PNG\\r\\n\\x1a\\n', 'data:image/svg+xml;base64,')
"""

from __future__ import annotations

import base64
import io

MIMES = {"png": "image/png", "svg": "image/svg+xml", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def image_bytes(fig, fmt: str = "png", **savefig) -> bytes:
    """``fig`` drawn as ``fmt`` (png, svg, jpg); ``savefig`` passes dpi, facecolor... to matplotlib."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, **savefig)
    return buf.getvalue()


def data_uri(fig, fmt: str = "png", **savefig) -> str:
    """``fig`` as a ``data:`` URI, for an ``<img src>`` in HTML that must stand alone."""
    return f"data:{MIMES[fmt]};base64,{base64.b64encode(image_bytes(fig, fmt, **savefig)).decode('ascii')}"


def save(fig, path, **savefig):
    """Write ``fig`` to ``path`` in the format its suffix names; return the path."""
    from pathlib import Path

    path = Path(path)
    path.write_bytes(image_bytes(fig, path.suffix.lstrip(".").lower(), **savefig))
    return path
