"""Module 1 « Comment une IA apprend-elle ? »: digits, a torch network, the playground, a tiny word model.

Sub-modules are imported on demand so that a kiosk demo only pays for what it uses:

- :mod:`civicai.learn.digits`: scikit-learn's handwritten digits, nearest neighbours, a linear model,
  confusion matrix, failures, overfitting curve.
- :mod:`civicai.learn.torchnet`: a small torch network on the digits (live loss curve, first-layer weights).
- :mod:`civicai.learn.mlp`: a tiny numpy network (playground and the drawing demo, no torch).
- :mod:`civicai.learn.playground`: 2-D point sets and the click-to-place playground widget.
- :mod:`civicai.learn.draw`: drawn strokes to an 8x8 digit, and the « Dessine un chiffre » widget.
- :mod:`civicai.learn.charlm` and :mod:`civicai.learn.corpus`: the letter-by-letter word model.
"""

import os as _os
import sys as _sys

# The data sets here are tiny: one BLAS/OpenMP thread is faster than several, and on a hub shared by a
# whole class, several threads per kernel that spin-wait for busy cores make everything crawl (measured on
# 2 busy cores: a logistic regression on the digits took 10 s with 2 OpenBLAS threads, 0.3 s with one).
# An operator who wants more threads sets these variables before the kernel starts.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
if "numpy" in _sys.modules:          # too late for the variables: limit the already loaded libraries
    try:
        from threadpoolctl import threadpool_limits as _limits

        _limits(int(_os.environ["OPENBLAS_NUM_THREADS"]))
    except ImportError:              # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
