"""A real single-node SLURM cluster on loopback for tests: munged, slurmctld and slurmd.

Everything lives in one temporary folder (config, keys, spool, logs); the daemons run in the
foreground as our own child processes, so stopping them never touches anything else on the
machine. Debian's slurm-wlm 22.05 and munge are needed (``make test`` installs them) and root,
because slurmd starts jobs as their owner.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from testkit import free_port

BINARIES = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo")

SLURM_CONF = """\
ClusterName=civicai-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/munge.sock
StateSaveLocation={root}/spool/ctld
SlurmdSpoolDir={root}/spool/d
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
# No cgroups: containers and test machines rarely let slurmd manage them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName=atelier Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def why_slurm_cannot_start() -> str | None:
    """The reason SLURM cannot run here, or None."""
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if missing:
        return (f"SLURM is not installed ({', '.join(missing)} missing): "
                "`make test` installs slurm-wlm and munge (scripts/system-deps.sh)")
    if os.geteuid() != 0:
        return "slurmd must run as root to start jobs as their owner; these tests are not running as root"
    return None


def _mem_total_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 4096


class SlurmCluster:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.procs: dict[str, subprocess.Popen] = {}
        self.conf = self.root / "slurm.conf"
        self.env = dict(os.environ, SLURM_CONF=str(self.conf))

    # lifecycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 60) -> "SlurmCluster":
        r = self.root
        for sub in ("munge", "spool/ctld", "spool/d", "log", "run"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(r, 0o755)
        os.chmod(r / "munge", 0o711)  # munged wants its socket folder reachable, key private
        key = r / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        os.chmod(key, 0o400)
        self.conf.write_text(SLURM_CONF.format(
            root=r, ctld_port=free_port(), slurmd_port=free_port(), cpus=os.cpu_count() or 1,
            memory_mb=max(1024, _mem_total_mb() - 1024)))
        self._spawn("munged", ["munged", "--foreground", "--force", f"--socket={r}/munge/munge.sock",
                               f"--key-file={key}", f"--pid-file={r}/run/munged.pid",
                               f"--log-file={r}/log/munged.log", f"--seed-file={r}/munge/seed"])
        self._wait(lambda: (r / "munge" / "munge.sock").exists(), timeout, "munged socket")
        self._spawn("slurmctld", ["slurmctld", "-D", "-f", str(self.conf)])
        self._spawn("slurmd", ["slurmd", "-D", "-f", str(self.conf), "-N", "localhost"])
        self._wait(lambda: self.run(["sinfo", "-h", "-o", "%t"], check=False).stdout.strip() == "idle",
                   timeout, "node localhost idle in sinfo")
        return self

    def stop(self) -> None:
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            # cancel our jobs and let slurmd end them before the daemons go (no orphaned servers)
            self.run(["scancel", "--full", "--user", "root"], check=False)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if not self.jobs():
                        break
                except (subprocess.SubprocessError, OSError):
                    break
                time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def _spawn(self, name: str, cmd: list[str]) -> None:
        out = open(self.root / "log" / f"{name}.out", "w")
        self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            cwd=self.root, start_new_session=True)

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}\n{self.logs()}")
            if ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"waited {timeout} s for {what}\n{self.logs()}")

    # commands -----------------------------------------------------------------------------
    def run(self, cmd: list[str], check: bool = True, timeout: float = 20) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout, check=check)

    def jobs(self) -> list[dict]:
        """The jobs squeue shows: id, name, state, memory, node."""
        out = self.run(["squeue", "-h", "-o", "%i|%j|%T|%m|%C|%N|%u"]).stdout
        keys = ("id", "name", "state", "memory", "cpus", "node", "user")
        return [dict(zip(keys, line.split("|"))) for line in out.splitlines() if line.strip()]

    @staticmethod
    def megabytes(text: str) -> float:
        """squeue's memory column (``1536M``, ``1.50G``) in MiB."""
        units = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}
        return float(text[:-1]) * units[text[-1].upper()] if text[-1:].isalpha() else float(text)

    def logs(self, tail: int = 4000) -> str:
        chunks = []
        for path in sorted((self.root / "log").glob("*")):
            text = path.read_text(errors="replace")
            chunks.append(f"--- {path.name} ---\n{text[-tail:]}")
        return "\n".join(chunks)
