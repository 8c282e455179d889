"""The public site and printable handouts of the kit (``civicai site construire``).

The site is static (no server, no CDN, no external font or script): a French home page, one
page per module, each notebook rendered with its outputs (executed at build time, with a
content-hash cache), the facilitator guides, the datasheets, links to the hub and the kiosk,
and PDF handouts printed by headless Chromium.
"""
