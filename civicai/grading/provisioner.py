"""The kernel provisioner that starts every graded kernel inside its bubblewrap sandbox.

jupyter_client's documented extension point: a ``LocalProvisioner`` subclass registered under the
``jupyter_client.kernel_provisioners`` entry point (``civicai-bac-a-sable``, see pyproject.toml) and
named in the kernelspec that :class:`GradingKernelSpecManager` gives the grading's kernel managers.
The kernel talks to the grader through Unix sockets in its working folder (``ipc`` transport: it
has no network), is interrupted by message (``interrupt_mode``), and starts either forked from the
slot's warm template (``civicai.grading.warmstart``) or afresh under ``bwrap``: isolated both ways.
If the sandbox cannot be built, :meth:`pre_launch` raises and no kernel starts.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, Dict, Unicode, default

from civicai.grading import isolation
from civicai.grading.sandbox import SandboxPolicy

NAME = "civicai-bac-a-sable"
TEMPLATES: dict = {}  # key -> KernelTemplate of this process's slot (set by the grading child)


class SandboxProvisioner(LocalProvisioner):
    """Start the kernel in the sandbox ``policy`` describes (a SandboxPolicy as a dict)."""

    policy = Dict(config=True, help="SandboxPolicy fields")
    template = Unicode("", config=True, help="key of a warm template in TEMPLATES, '' for none")
    isolated = Bool(False, help="True once the kernel was started inside the sandbox")

    def _policy(self) -> SandboxPolicy:
        return SandboxPolicy(**self.policy)

    async def pre_launch(self, **kwargs):
        isolation.require()
        policy = self._policy()
        km = self.parent
        private = Path(policy.workdir) / ".kernel"
        private.mkdir(exist_ok=True)
        km.transport, km.cache_ports, km.ip = "ipc", False, str(private / "ipc")
        kwargs = await super().pre_launch(**kwargs)
        cmd = list(kwargs["cmd"])
        if "-f" in cmd:  # the connection file lives in the grader's runtime folder: the kernel gets a copy
            i = cmd.index("-f") + 1
            copy = private / "connection.json"
            shutil.copyfile(cmd[i], copy)
            cmd[i] = str(copy)
        kwargs["cmd"], kwargs["cwd"] = cmd, policy.workdir
        return kwargs

    async def launch_kernel(self, cmd, **kwargs):
        policy = self._policy()
        template = TEMPLATES.get(self.template)
        if template is not None and _is_this_ipykernel(cmd):
            try:
                pid = template.launch(policy, list(cmd), kwargs.get("env") or dict(os.environ))
            except (OSError, ValueError):
                pid = None
            if pid:
                from civicai.grading.warmstart import ForkedKernel

                self.process, self.pid, self.pgid, self.cwd = ForkedKernel(pid), pid, pid, policy.workdir
                self.isolated = True
                return self.connection_info
        if not _is_this_ipykernel(cmd):
            raise RuntimeError("only this Python's IPython kernel is graded")
        wrapped = isolation.bwrap_argv(policy.workdir) + [
            "--", sys.executable, "-m", "civicai.grading.sandbox", policy.to_json(), "--", *cmd]
        if policy.alert_fd is not None:
            kwargs["pass_fds"] = (policy.alert_fd,)
        info = await super().launch_kernel(wrapped, **kwargs)
        self.isolated = True
        return info


def _is_this_ipykernel(cmd: list[str]) -> bool:
    # the very interpreter (a venv's python and its base share a binary, not their packages)
    return bool(cmd) and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable) \
        and cmd[1:3] == ["-m", "ipykernel_launcher"]


class GradingKernelSpecManager(KernelSpecManager):
    """Knows one kernel, ``python3``: this Python's IPython kernel, started by SandboxProvisioner."""

    provisioner_config = Dict()

    def find_kernel_specs(self):
        return {"python3": ""}

    def get_kernel_spec(self, kernel_name, *args, **kwargs):
        if kernel_name != "python3":
            raise NoSuchKernel(kernel_name)
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="Python 3", language="python", interrupt_mode="message",
                          metadata={"kernel_provisioner": {"provisioner_name": NAME,
                                                           "config": self.provisioner_config}})


def make_kernel_manager_class(policy: SandboxPolicy, template_key: str = ""):
    """An AsyncKernelManager whose only kernel is sandboxed with ``policy`` (nbclient's kernel_manager_class)."""
    config = {"policy": {k: v for k, v in vars(policy).items()}, "template": template_key}

    class SandboxKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _grading_specs(self):
            return GradingKernelSpecManager(provisioner_config=config)

    return SandboxKernelManager


def is_isolated(km) -> bool:
    """Whether ``km``'s kernel really was started by SandboxProvisioner (checked before any cell runs)."""
    prov = getattr(km, "provisioner", None)
    return isinstance(prov, SandboxProvisioner) and bool(prov.isolated)
