"""Does the French number reader see the same year, share or count however it is written?"""

from __future__ import annotations

import pytest

from civicai.disinfo.numbers_fr import COUNT, DURATION, SHARE, TEMPERATURE, YEAR, conflicts, parse_words, quantities


def only(text):
    found = quantities(text)
    assert len(found) == 1, found
    return found[0].kind, round(found[0].value, 4)


@pytest.mark.parametrize("words, value", [
    ("deux mille vingt-trois", 2023), ("quatre-vingt-dix-sept", 97), ("soixante et onze", 71),
    ("vingt et un", 21), ("deux cents", 200), ("cent mille", 100_000), ("mille neuf cent soixante-neuf", 1969),
    ("soixante-quinze mille", 75_000), ("quatre-vingts", 80), ("onze", 11),
])
def test_spelled_numbers(words, value):
    assert parse_words(words.replace("-", " ").split())[0] == value


@pytest.mark.parametrize("text, expected", [
    ("en 2023", (YEAR, 2023)), ("La Croatie est passée à l'euro en deux mille vingt-trois", (YEAR, 2023)),
    ("deux mille vingt-trois", (YEAR, 2023)), ("c'était en 23", (YEAR, 2023)), ("depuis 98", (YEAR, 1998)),
    ("à la fin des années 80", (YEAR, 1980)), ("le 1er janvier 2002", (YEAR, 2002)),
    ("1,1 °C", (TEMPERATURE, 1.1)), ("1,1°C", (TEMPERATURE, 1.1)), ("deux degrés", (TEMPERATURE, 2)),
    ("un quart de sa puissance", (SHARE, 0.25)), ("50 %", (SHARE, 0.5)), ("la moitié des électeurs", (SHARE, 0.5)),
    ("cinquante pour cent", (SHARE, 0.5)), ("trois quarts", (SHARE, 0.75)), ("1 sur 10", (SHARE, 0.1)),
    ("58,55 % des voix", (SHARE, 0.5855)), ("environ 75 000 décès", (COUNT, 75_000)),
    ("1 000 habitants", (COUNT, 1000)), ("2 millions", (COUNT, 2_000_000)), ("dix secondes", (DURATION, 10)),
    ("deux heures", (DURATION, 7200)), ("en 23 minutes", (DURATION, 23 * 60)),
])
def test_kinds_and_values(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize("text", ["la 5G", "le Covid-19", "le CO2", "le XIXe siècle", "le 19e siècle",
                                  "une éolienne", "un an plus tard"])
def test_names_ranks_and_articles_are_not_quantities(text):
    assert quantities(text) == []


def test_same_share_written_three_ways_does_not_conflict():
    claim = quantities("Si plus de la moitié des électeurs votent blanc")
    for message in ("si 50 % des gens votent blanc", "si cinquante pour cent votent blanc"):
        assert conflicts(claim, quantities(message)) == []
    assert [k for k, *_ in conflicts(claim, quantities("si un tiers des gens votent blanc"))] == [SHARE]


def test_a_year_conflicts_only_with_a_year():
    claim = quantities("L'euro a remplacé le franc en 2010.")
    assert [k for k, *_ in conflicts(claim, quantities("La Croatie est passée à l'euro en 2023"))] == [YEAR]
    assert conflicts(claim, quantities("l'euro a remplacé le franc en deux mille dix")) == []
    assert conflicts(claim, quantities("Mon fils de 12 ans dit que l'euro a remplacé le franc")) == []


def test_rounding_is_not_a_difference_but_another_figure_is():
    claim = quantities("le président sortant a obtenu 58,55 % des voix")
    assert conflicts(claim, quantities("il a eu 58 % des voix")) == []
    assert conflicts(claim, quantities("il a eu 66 % des voix")) != []
