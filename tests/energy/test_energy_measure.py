"""Does the energy measurement say the truth: plausible, proportional to the work, « estimé » without a
counter, « mesuré » with one?"""

from __future__ import annotations

import statistics

import pytest

from civicai.energy import measure as M
from civicai.energy.sources import GRID_FR_2024, SOURCES
from civicai.errors import UserError


def _busy(units: int) -> int:
    """Pure-Python CPU work proportional to ``units`` (no I/O, no threads)."""
    total = 0
    for i in range(units * 100_000):
        total += i * i
    return total


def _joules(units: int, root) -> M.Energy:
    with M.measure(root=root) as m:
        _busy(units)
    return m.energy


def test_without_a_readable_counter_the_figure_says_estime(tmp_path):
    """No RAPL folder (the case of most VMs, and of this one): an estimate, labelled as such."""
    e = _joules(3, tmp_path)
    assert not e.measured and e.status == "estimé"
    assert "estimé" in str(e) and "entre" in str(e)
    assert "temps de calcul" in e.method


def test_the_estimate_is_plausible(tmp_path):
    """CPU time is counted, not waiting; joules = CPU seconds x a per-core power between 1 and 15 W."""
    e = _joules(5, tmp_path)
    assert e.cpu_seconds > 0.01
    assert e.cpu_seconds <= e.wall_seconds * 2 + 0.05           # one thread on at most 2 cores
    assert 1 * e.cpu_seconds <= e.joules <= 15 * e.cpu_seconds
    assert e.low_j < e.joules < e.high_j
    with M.measure(root=tmp_path) as m:                          # sleeping costs (almost) no CPU
        import time
        time.sleep(0.3)
    assert m.energy.cpu_seconds < 0.1


def test_twice_the_work_takes_about_twice_the_energy(tmp_path):
    """Monotonic and proportional within the stated uncertainty. On a shared machine the CPU time of the same
    work drifts with the load, so single and double runs alternate (both see the same load), each run is long
    enough (about 0.2 s of CPU) for a scheduler hiccup not to weigh, and medians of 5 are compared."""
    ones, twos = [], []
    for _ in range(5):
        ones.append(_joules(20, tmp_path))
        twos.append(_joules(40, tmp_path))
    one = statistics.median(e.joules for e in ones)
    two = statistics.median(e.joules for e in twos)
    assert two > one
    assert 1.4 < two / one < 2.8, [round(e.cpu_seconds, 3) for e in ones + twos]
    # the stated ranges agree with "twice": 2 x low(one) <= high(two) and low(two) <= 2 x high(one)
    low1, high1 = statistics.median(e.low_j for e in ones), statistics.median(e.high_j for e in ones)
    low2, high2 = statistics.median(e.low_j for e in twos), statistics.median(e.high_j for e in twos)
    assert 2 * low1 <= high2 and low2 <= 2 * high1


def _fake_rapl(root, value: int, max_range: int = 1_000_000_000):
    """A powercap folder laid out like Linux's (intel-rapl:0 = package 0, intel-rapl:0:0 = a sub-domain)."""
    for name in ("intel-rapl:0", "intel-rapl:0:0"):
        d = root / name
        d.mkdir(exist_ok=True)
        (d / "energy_uj").write_text(f"{value}\n")
        (d / "max_energy_range_uj").write_text(f"{max_range}\n")
    return root / "intel-rapl:0"


def test_a_readable_counter_is_used_and_says_mesure(tmp_path):
    """RAPL readable: the counter's difference in microjoules, package domains only, labelled « mesuré »."""
    pkg = _fake_rapl(tmp_path, 5_000_000)
    assert M.rapl_domains(tmp_path) == [pkg]
    with M.measure(root=tmp_path) as m:
        (pkg / "energy_uj").write_text("7500000\n")              # the counter moved by 2.5 J
    assert m.energy.measured and m.energy.status == "mesuré"
    assert m.energy.joules == pytest.approx(2.5)
    assert "RAPL" in m.energy.method and "mesuré" in str(m.energy)


def test_a_counter_that_wraps_around_is_unwrapped(tmp_path):
    pkg = _fake_rapl(tmp_path, 999_000_000)
    with M.measure(root=tmp_path) as m:
        (pkg / "energy_uj").write_text("1000000\n")
    assert m.energy.joules == pytest.approx(2.0)


def test_this_machine_has_no_counter_we_can_read_or_reports_it():
    """On the real /sys: either a counter is readable (then « mesuré ») or the figure is « estimé »."""
    with M.measure() as m:
        _busy(2)
    assert m.energy.measured == bool(M.rapl_domains())


def test_the_per_core_figure_can_be_set_and_bad_values_get_a_french_error(monkeypatch):
    monkeypatch.setenv("CIVICAI_ENERGY_WATTS_PER_CORE", "2:4")
    p = M.core_power()
    assert (p.low, p.watts, p.high) == (2, 3, 4)
    monkeypatch.setenv("CIVICAI_ENERGY_WATTS_PER_CORE", "5")
    assert M.core_power().low == pytest.approx(3.5)
    for bad in ("beaucoup", "4:2", "-1", "1:2:3"):
        monkeypatch.setenv("CIVICAI_ENERGY_WATTS_PER_CORE", bad)
        with pytest.raises(UserError, match="CIVICAI_ENERGY_WATTS_PER_CORE"):
            M.core_power()
    monkeypatch.delenv("CIVICAI_ENERGY_WATTS_PER_CORE")
    p = M.core_power()
    assert p in (M.EPYC_MILAN, M.GENERIC) and p.low < p.watts < p.high


def test_scaling_and_carbon_use_the_rte_figure():
    e = M.Energy(3600.0, 1800.0, 7200.0, False, "test", 1.0, 1.0)
    assert e.wh == 1 and e.range_wh == (0.5, 2)
    assert e.times(15).wh == 15 and e.times(15).status == "estimé"
    g, lo, hi = e.carbon_g()
    assert g == pytest.approx(GRID_FR_2024.value / 1000) and lo < g < hi
    assert M.format_wh(2500) == "2,5 kWh" and M.format_wh(0.0125) == "12,5 mWh"
    assert M.format_wh(1e-5) == "0,036 J"


def test_every_source_has_a_title_a_publisher_a_date_and_a_link():
    for s in SOURCES.values():
        assert s.title and s.publisher and s.date and s.url.startswith("https://")
        assert "vérifié le" in s.cite()
