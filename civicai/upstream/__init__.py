"""Adapters to upstream internals: the only modules allowed to touch a private name of another project.

Each module here wraps one upstream project, names the versions its contract tests cover, and has a
``check()`` that raises :class:`civicai.errors.UserError` (French) when the shapes the kit relies on are gone,
so that an upgrade fails closed instead of silently changing behaviour.
"""
