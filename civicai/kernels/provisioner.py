"""The provisioner that gets a participant's kernel forked from a warm template, or starts it plainly.

jupyter_client's documented extension point: a ``LocalProvisioner`` subclass registered under the
``jupyter_client.kernel_provisioners`` entry point (``civicai-noyau-partage``, pyproject.toml) and named
in the ``python3`` kernelspec of the participants' servers (:class:`SharedKernelSpecManager`, set in
hub/singleuser/jupyter_server_config.py). The template is the notebook's flavour (``civicai.kernels.flavour``);
its socket is in the folder the hub gives (``CIVICAI_NOYAUX``), or the server's own (``civicai.kernels.job``,
which runs only ``heavy``: a notebook whose flavour has no socket forks from ``heavy`` when that one has). The kernel runs as the participant and
leads its own process group, so interrupting (SIGINT to the group), restarting and shutting it down are
the LocalProvisioner's own code, through :class:`~civicai.grading.warmstart.ForkedKernel`. When the
socket is missing or the template refuses, the kernel starts the usual way and the server's log says why.
"""

from __future__ import annotations

import json
import os
import socket
import sys

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, Unicode

from civicai.grading.warmstart import ForkedKernel
from civicai.kernels.daemon import socket_path
from civicai.kernels.flavour import DEFAULT, flavour_for
from civicai.settings import settings

NAME = "civicai-noyau-partage"
ANSWER_TIMEOUT_S = 20.0


def ask_template(path: str | os.PathLike, argv: list[str], env: dict, cwd: str) -> int:
    """Ask the template at ``path`` for a kernel; its pid, or OSError/ValueError with the reason."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as sock:
        sock.settimeout(ANSWER_TIMEOUT_S)
        sock.connect(os.fspath(path))
        sock.send(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode())
        raw = sock.recv(1 << 16)
    answer = json.loads(raw) if raw else {"error": "the template closed the connection"}
    if "pid" not in answer:
        raise ValueError(answer.get("error", "no answer"))
    return int(answer["pid"])


def is_this_ipykernel(cmd: list[str]) -> bool:
    """Only this Python's own IPython kernel can be forked from a template of this Python."""
    return bool(cmd) and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable) \
        and cmd[1:3] == ["-m", "ipykernel_launcher"]


class SharedKernelProvisioner(LocalProvisioner):
    """Fork the kernel from the template of the notebook's flavour; start it plainly if that fails."""

    folder = Unicode("", config=True, help="folder of the templates' sockets ('' : the CIVICAI_NOYAUX setting)")
    forked = Bool(False, help="True when the running kernel was forked from a template")
    flavour = Unicode("", help="the template it was forked from")
    fallback = Unicode("", help="why the running kernel was started plainly ('' when forked or not asked)")

    async def launch_kernel(self, cmd, **kwargs):
        import asyncio

        folder = self.folder or settings().kernel_sockets
        env = dict(kwargs.get("env") or os.environ)
        cwd = os.fspath(kwargs.get("cwd") or os.getcwd())
        self.forked, self.fallback = False, ""
        if folder and is_this_ipykernel(list(cmd)):
            self.flavour = flavour_for(env.get("JPY_SESSION_NAME"))
            if not socket_path(folder, self.flavour).exists() and socket_path(folder, DEFAULT).exists():
                self.flavour = DEFAULT  # a job's own daemon runs only this one, which has every library
            path = socket_path(folder, self.flavour)
            try:
                pid = await asyncio.to_thread(ask_template, path, list(cmd), env, cwd)
            except (OSError, ValueError) as error:
                self.fallback = f"{type(error).__name__}: {error}"
                self.log.warning("civicai: kernel started plainly (template %s: %s)", self.flavour, error)
            else:
                self.process, self.pid, self.pgid, self.cwd = ForkedKernel(pid), pid, pid, cwd
                self.forked = True
                self.log.info("civicai: kernel %s forked from template %s", pid, self.flavour)
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


class SharedKernelSpecManager(KernelSpecManager):
    """The usual kernelspecs; this Python's ``python3`` is started by :class:`SharedKernelProvisioner`."""

    def get_kernel_spec(self, kernel_name, *args, **kwargs):
        spec = super().get_kernel_spec(kernel_name, *args, **kwargs)
        if kernel_name == "python3":
            spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": NAME, "config": {}}}
        return spec
