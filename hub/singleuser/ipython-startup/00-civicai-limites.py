# Delivered into every participant's IPython startup folder by the one-machine hub
# (civicai/hub/forkserver.py). Says in plain French when a cell hits a per-participant limit
# (civicai/hub/limits.py): too many processes or threads, or not enough memory.
import errno as _errno
import sys as _sys


def _civicai_limit_reached(shell, etype, value, tb, tb_offset=None):
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    if issubclass(etype, MemoryError):
        why = "la mémoire réservée à votre session est pleine"
    elif getattr(value, "errno", None) == _errno.EAGAIN or "can't start new thread" in str(value):
        why = "votre session a lancé trop de programmes ou de fils d'exécution en même temps"
    else:
        return None
    print(f"\nLimite atteinte : {why}. C'est une protection pour que chaque personne de l'atelier "
          "garde une machine rapide. Redémarrez le noyau (menu « Noyau », puis « Redémarrer le noyau »), "
          "puis relancez vos cellules une par une.", file=_sys.stderr)
    return None


get_ipython().set_custom_exc((MemoryError, BlockingIOError, RuntimeError), _civicai_limit_reached)  # noqa: F821
