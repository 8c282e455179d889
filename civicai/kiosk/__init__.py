"""The library kiosk: a no-login Voila gallery of the kit's no-code demos.

``civicai kiosque`` serves a French gallery page (one tile per demo of the modules'
``module.yaml`` files, :mod:`civicai.catalog`) and every demo through Voila, with a preheated kernel per
demo, a cap on visitor kernels, an inactivity reset and no code execution from the
browser. See :mod:`civicai.kiosk.app` for the server and ``README-operateur.md`` (here) for the
operator guide (French).
"""
