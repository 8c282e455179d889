"""``python -m civicai.hub.launch ARGS``: JupyterHub's own command, minus an import it never needs.

Same arguments as ``jupyterhub``; see ``civicai.hub.forkserver.skip_slow_imports`` for the import.
"""

from civicai.hub.forkserver import skip_slow_imports

if __name__ == "__main__":
    skip_slow_imports()
    from jupyterhub.app import main

    main()
