"""The first visit of a participant: a French welcome page one click from the first notebook.

- :mod:`civicai.welcome.modules`: the kit's modules, their titles and first notebooks, and the
  module the facilitator chose (``civicai serve --module N``);
- :mod:`civicai.welcome.page`: the page, a Jupyter server extension (``/civicai/bienvenue``);
- :mod:`civicai.welcome.serverconfig`: what a participant's Jupyter server shows (the page, a
  clean file browser);
- :mod:`civicai.welcome.hubconfig`: the hub opens every participant's server on the page;
- :mod:`civicai.welcome.links`: a direct link per module, printed with a QR code by ``civicai serve``.
"""

from __future__ import annotations


def _jupyter_server_extension_points():
    return [{"module": "civicai.welcome.page"}]
