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
