# Delivered into every participant's IPython startup folder by the one-machine hub (civicai/hub/forkserver.py).
# Tells the facilitators' room whether the last cell failed (civicai/room/kernel.py): no code, no output.
try:
    from civicai.room.kernel import register as _civicai_salle

    _civicai_salle(get_ipython())  # noqa: F821
    del _civicai_salle
except Exception:  # the kernel works the same without the room
    pass
