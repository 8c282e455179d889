"""Energy of a piece of work on this machine: measured by the CPU's RAPL counters when Linux lets us read
them, otherwise estimated from the CPU time the work used, with a stated range.

Why not codecarbon: see ``civicai/energy/README.md`` (it was evaluated: offline mode works, but its CPU
estimate is a TDP-times-load model of the whole machine, it pulls in about forty packages, and its
French grid figure is not RTE's; the kit needs per-piece-of-work figures that say "mesuré" or "estimé").

>>> with measure() as m:
...     _ = sum(i * i for i in range(200_000))
>>> m.energy.status in ("mesuré", "estimé"), m.energy.joules > 0
(True, True)
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, replace
from pathlib import Path

from civicai.energy.sources import GRID_FR_2024
from civicai.errors import UserError
from civicai.french import number

POWERCAP = Path("/sys/class/powercap")
# The class's shared model service (civicai/generative/service.py) reports in this response header the CPU
# seconds its model server spent on one request, or « shared » when other requests ran at the same time.
CPU_SECONDS_HEADER = "X-Civicai-Cpu-Seconds"


@dataclass(frozen=True)
class CorePower:
    """Electric power drawn by one busy CPU core (watts), with a low-high range and where it comes from."""
    watts: float
    low: float
    high: float
    basis: str           # French: how the figure was obtained
    source: str | None   # key in civicai.energy.sources.SOURCES, or None for an operator's figure


# The development machine until 2 December 2026: an AMD EPYC of the Milan generation (CPU family 25, model 1;
# the VM hides the exact model). Since then it runs on CPU family 26, which gets the generic figure below.
# AMD's EPYC 7003 list gives 225-280 W for the 64-core parts: 3.5 to 4.4 W per core at full load; a virtual
# CPU is often one of a core's two threads, so the low end is 225 W / 128 threads = 1.8 W.
EPYC_MILAN = CorePower(3.0, 1.8, 4.4, "processeur AMD EPYC de 3e génération (Milan) : puissance thermique "
                       "(TDP) annoncée par AMD (225 à 280 W pour 64 cœurs) divisée par le nombre de cœurs, ou de "
                       "fils d'exécution si un cœur virtuel n'en est que la moitié", "amd-epyc-7003")
# Any other processor: an order of magnitude only (laptop to desktop chips), hence the wide range.
GENERIC = CorePower(5.0, 2.0, 10.0, "ordre de grandeur pour un processeur de portable ou de bureau "
                    "(non vérifié pour ce processeur-ci)", None)


def core_power() -> CorePower:
    """The per-core power figure used for estimates: the ONE place the setting is read.

    ``CIVICAI_ENERGY_WATTS_PER_CORE`` overrides it: ``"3"`` (a single figure, range +-30 %) or ``"2:4"``
    (a range, its middle used); otherwise the figure for this CPU family, or the generic order of magnitude.
    """
    from civicai.settings import settings

    raw = settings().energy_watts_per_core.strip()
    if raw:
        try:
            parts = [float(p) for p in raw.split(":")]
        except ValueError:
            parts = []
        if len(parts) not in (1, 2) or min(parts) <= 0 or parts[0] > parts[-1]:
            raise UserError("CIVICAI_ENERGY_WATTS_PER_CORE doit être un nombre de watts positif (par exemple "
                            "« 3 ») ou une fourchette « bas:haut » (par exemple « 2:4 »). Corrigez la valeur.")
        low, high = (parts[0] * 0.7, parts[0] * 1.3) if len(parts) == 1 else parts
        return CorePower((low + high) / 2, low, high, "chiffre donné par la personne qui gère la machine", None)
    return EPYC_MILAN if _is_milan() else GENERIC


def _is_milan() -> bool:
    """AMD CPU family 25, model 1: the EPYC 7003 (Milan) generation."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "AuthenticAMD" in info and "cpu family\t: 25" in info and "\nmodel\t\t: 1\n" in info


# ---- RAPL counters ------------------------------------------------------------------------------------

def rapl_domains(root: Path = POWERCAP) -> list[Path]:
    """The package-level RAPL domains whose counter this process can read (empty in most VMs)."""
    found = []
    for d in sorted(root.glob("*rapl:*")) if root.is_dir() else []:
        if d.name.count(":") == 1 and os.access(d / "energy_uj", os.R_OK):
            try:
                int((d / "energy_uj").read_text())
            except (OSError, ValueError):
                continue
            found.append(d)
    return found


def _read(domains: list[Path]) -> list[int]:
    return [int((d / "energy_uj").read_text()) for d in domains]


def _delta_uj(domain: Path, start: int, end: int) -> int:
    """Counter difference, allowing for one wrap-around at ``max_energy_range_uj``."""
    if end >= start:
        return end - start
    return end + int((domain / "max_energy_range_uj").read_text()) - start


# ---- the measurement ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Energy:
    """Energy of a piece of work: a central value and a low-high range, in joules, measured or estimated."""
    joules: float
    low_j: float
    high_j: float
    measured: bool
    method: str            # French sentence: how the figure was obtained
    cpu_seconds: float
    wall_seconds: float

    @property
    def status(self) -> str:
        return "mesuré" if self.measured else "estimé"

    @property
    def wh(self) -> float:
        return self.joules / 3600

    @property
    def range_wh(self) -> tuple[float, float]:
        return self.low_j / 3600, self.high_j / 3600

    def carbon_g(self, intensity: float = GRID_FR_2024.value) -> tuple[float, float, float]:
        """Grams of CO2e (central, low, high) at ``intensity`` g/kWh (France 2024 by default, RTE)."""
        return tuple(j / 3.6e6 * intensity for j in (self.joules, self.low_j, self.high_j))

    def times(self, k: float) -> "Energy":
        """The same work done ``k`` times (a class of 15, a year of questions): every figure times ``k``."""
        return replace(self, joules=self.joules * k, low_j=self.low_j * k, high_j=self.high_j * k,
                       cpu_seconds=self.cpu_seconds * k, wall_seconds=self.wall_seconds * k)

    def __add__(self, other: "Energy") -> "Energy":
        """Two pieces of work together; « mesuré » only if both were measured."""
        both = self.measured and other.measured
        return Energy(self.joules + other.joules, self.low_j + other.low_j, self.high_j + other.high_j, both,
                      self.method if both or not self.measured else other.method,
                      self.cpu_seconds + other.cpu_seconds, self.wall_seconds + other.wall_seconds)

    def __str__(self) -> str:
        low, high = self.range_wh
        if self.measured:
            return f"{format_wh(self.wh)}, {self.status}"
        return f"{format_wh(self.wh, like=high)} ({format_range_wh(low, high)}), {self.status}"


def format_wh(wh: float, *, like: float | None = None) -> str:
    """An energy in the unit a reader grasps: kWh, Wh, mWh (millièmes de Wh) or joules for tiny amounts.

    ``like`` picks the unit from another value, so that both ends of a range share one unit.
    """
    ref = wh if like is None else like
    if ref >= 1000:
        return f"{number(wh / 1000, 2, trim=True)} kWh"
    if ref >= 1:
        return f"{number(wh, 2, trim=True)} Wh"
    if ref >= 0.001:
        return f"{number(wh * 1000, 3 if wh < 0.001 else 2, trim=True)} mWh"
    return f"{number(wh * 3600, 3, trim=True)} J"


def format_range_wh(low: float, high: float) -> str:
    """« entre 0,6 et 1,5 mWh »: both ends in the unit of the higher one."""
    return f"entre {format_wh(low, like=high).rsplit(' ', 1)[0]} et {format_wh(high)}"


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads, to the nanosecond) and of its finished, waited-for children."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


class measure:
    """Context manager: ``with measure() as m: work()`` then ``m.energy`` (an :class:`Energy`).

    RAPL is used when readable (``root`` lets a test point at another powercap folder): it counts the whole
    processor, other programs included. Otherwise the estimate is CPU time x :func:`core_power`.
    """

    def __init__(self, *, root: Path = POWERCAP, power: CorePower | None = None):
        self.root, self.power, self.energy = root, power, None

    def __enter__(self) -> "measure":
        self._domains = rapl_domains(self.root)
        self._rapl = _read(self._domains) if self._domains else []
        self._cpu, self._wall = _cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        cpu, wall = _cpu_seconds() - self._cpu, time.perf_counter() - self._wall
        if self._domains:
            end = _read(self._domains)
            joules = sum(_delta_uj(d, a, b) for d, a, b in zip(self._domains, self._rapl, end)) / 1e6
            self.energy = Energy(joules, joules, joules, True, "compteur RAPL du processeur (toute la puce, "
                                 "y compris les autres programmes qui tournaient en même temps)", cpu, wall)
            return
        self.energy = estimate(cpu, wall, power=self.power)


def estimate(cpu: float, wall: float, *, power: CorePower | None = None, whose: str = "temps de calcul") -> Energy:
    """The estimate's one formula: CPU seconds x the power of a busy core (:func:`core_power`), with its range.

    ``whose`` says in French whose CPU time it is (this process's, or the class's model server's).

    >>> e = estimate(2.0, 3.0, power=CorePower(3.0, 2.0, 4.0, "test", None))
    >>> e.joules, e.low_j, e.high_j, e.status
    (6.0, 4.0, 8.0, 'estimé')
    """
    p = power or core_power()
    return Energy(cpu * p.watts, cpu * p.low, cpu * p.high, False,
                  f"{whose} ({number(cpu, 2)} s de processeur) x {number(p.watts, 1)} W par cœur occupé "
                  f"({number(p.low, 1)} à {number(p.high, 1)} W) ; {p.basis}", cpu, wall)


def measure_call(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` and the :class:`Energy` it took: ``result, energy = measure_call(...)``."""
    with measure() as m:
        result = fn(*args, **kwargs)
    return result, m.energy
