"""Is every published figure of module 5 checked: a verdict, a date, and a row in the maintainers' table?"""

from __future__ import annotations

import datetime as dt
import re

from civicai.energy import sources as S
from testkit import REPO

README = REPO / "civicai" / "energy" / "README.md"
ROW = re.compile(r"^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|\s*$")


def _table() -> dict[str, list[str]]:
    """The README's check table: figure name -> [value, source, what it says, verdict, checked]."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if m := ROW.match(line):
            rows[m.group(1)] = [cell.strip() for cell in m.group(2).split("|")]
    return rows


def test_every_figure_has_a_known_verdict_and_a_real_date_of_check():
    assert S.figures(), "sources.figures() finds no figure"
    for name, figure in S.figures().items():
        assert figure.verdict in S.VERDICTS, name
        assert dt.date.fromisoformat(figure.checked) <= dt.date.fromisoformat(S.CHECKED), name
        assert figure.source in S.SOURCES, name


def test_a_figure_read_only_in_a_secondary_source_names_where_it_was_read():
    for name, figure in S.figures().items():
        if figure.verdict == "source secondaire seulement":
            assert S.SOURCES[figure.source].checked_on, f"{name}: say where the figure was read"


def test_the_maintainers_table_has_one_row_per_figure_with_its_value_source_verdict_and_date():
    rows = _table()
    assert set(rows) == set(S.figures()), "civicai/energy/README.md: one row per figure of sources.py"
    for name, figure in S.figures().items():
        value, source, says, verdict, checked = rows[name]
        assert value == f"{figure.value:g} {figure.unit}", name
        assert source.startswith(f"`{figure.source}`") and says, name
        assert (verdict, checked) == (figure.verdict, figure.checked), name


def test_the_smartphone_charge_and_the_mean_image_are_those_of_the_cited_facct_version():
    """Luccioni et al. (FAccT 2024) use 0.022 kWh a charge and give 2.907 kWh as the mean (1.35 is the median)."""
    assert S.PHONE_CHARGE_KWH.value == 0.022 and S.IMAGE_MEAN_KWH_PER_1000.value == 2.907
    assert "FAccT 2024" in S.SOURCES["luccioni-2024"].cite()
