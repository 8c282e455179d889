"""jupyter_client shapes the grading sandbox relies on (sub-second; pyproject caps jupyter-client to what passed here)."""

from __future__ import annotations

import inspect


def test_our_provisioner_is_registered_and_found_by_the_factory():
    from jupyter_client.provisioning import KernelProvisionerFactory

    from civicai.grading.provisioner import NAME, GradingKernelSpecManager, SandboxProvisioner

    factory = KernelProvisionerFactory.instance()
    spec = GradingKernelSpecManager(provisioner_config={"policy": {"workdir": "/nulle-part"}}).get_kernel_spec("python3")
    assert factory.is_provisioner_available(spec)
    assert factory.provisioners[NAME].load() is SandboxProvisioner
    assert spec.interrupt_mode == "message"


def test_local_provisioner_hooks_and_attributes():
    from jupyter_client.provisioning import LocalProvisioner

    assert inspect.iscoroutinefunction(LocalProvisioner.pre_launch)
    assert inspect.iscoroutinefunction(LocalProvisioner.launch_kernel)
    assert list(inspect.signature(LocalProvisioner.launch_kernel).parameters)[:2] == ["self", "cmd"]
    src = inspect.getsource(LocalProvisioner)
    for attr in ("self.process", "self.pid", "self.pgid", "self.cwd"):  # what a forked kernel sets
        assert attr in src, attr


def test_the_manager_takes_ipc_transport_and_a_spec_manager():
    from jupyter_client.manager import AsyncKernelManager

    traits = AsyncKernelManager.class_traits()
    assert {"transport", "ip", "cache_ports", "kernel_spec_manager"} <= set(traits)
    assert "ipc" in traits["transport"].values
