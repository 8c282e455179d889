"""Module 5 « Ce que coûte l'IA »: energy of the kit's own work, measured or estimated, and published figures.

- :mod:`civicai.energy.measure`: ``measure()`` (RAPL counters when readable, otherwise CPU time x a per-core
  power with its range), :class:`~civicai.energy.measure.Energy` that always says « mesuré » or « estimé ».
- :mod:`civicai.energy.sources`: every published figure of the module with its source (one home).
- :mod:`civicai.energy.experiments`: the module's experiments (training sizes, one answer, a workshop).
- :mod:`civicai.energy.uses`: everyday uses and familiar equivalents (the kiosk demo).
"""
