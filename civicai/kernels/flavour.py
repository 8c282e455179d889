"""Which template a notebook's kernel is forked from: its ``kernel:`` in the content catalogue.

Modules are merged into each home as ``~/modules/NN-slug/notebook.ipynb``, so a notebook is found by
its folder's and its own name. Anything else (a participant's own notebook, an exercise) gets ``heavy``:
it has every library, so nothing a notebook imports is missing, only not shared.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath

FLAVOURS = ("light", "heavy")
DEFAULT = "heavy"

# What each template imports before forking (its kernels find them in sys.modules). The kit's own modules
# that the notebooks import come with their libraries; torch is only in "heavy".
PRELOAD = {
    "light": ["numpy", "pandas", "matplotlib", "matplotlib.pyplot", "ipywidgets", "civicai.activities"],
    "heavy": ["numpy", "pandas", "matplotlib", "matplotlib.pyplot", "ipywidgets", "civicai.activities",
              "torch", "sklearn.linear_model", "sklearn.neighbors", "sklearn.neural_network",
              "civicai.learn.digits", "civicai.learn.torchnet"],
}


@lru_cache(maxsize=1)
def _catalogue() -> dict[tuple[str, str], str]:
    from civicai.catalog import load_modules
    from civicai.paths import modules_dir

    return {(nb.path.parent.name, nb.path.name): nb.kernel
            for module in load_modules(modules_dir()) for nb in module.notebooks}


def flavour_for(notebook: str | None) -> str:
    """The flavour of the notebook at ``notebook`` (a path, as in ``JPY_SESSION_NAME``); ``heavy`` if unknown."""
    if not notebook:
        return DEFAULT
    p = PurePath(notebook)
    return _catalogue().get((p.parent.name, p.name), DEFAULT)
