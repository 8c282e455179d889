"""Do the module's experiments measure what they claim: bigger networks and more epochs cost more, one answer
of any generator can be measured?"""

from __future__ import annotations

import pytest

from civicai.energy import experiments
from civicai.learn import digits


@pytest.fixture(scope="module")
def table():
    """Trained on one thread: on a loaded machine, a second OpenMP thread spinning while it waits for a core
    adds CPU time that has nothing to do with the work (a ratio of 5 was seen for twice the epochs at load 5)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return experiments.training_table(digits.load_split(), hidden_sizes=(32, 2048), epochs_list=(10, 20),
                                          hidden_for_epochs=512)
    finally:
        torch.set_num_threads(threads)


def test_a_bigger_network_takes_more_energy_to_train(table):
    assert experiments.growth_ratio(table, "2048 neurones, 15 époques", "32 neurones, 15 époques") > 1.5
    assert set(table["statut"]) <= {"mesuré", "estimé"}
    assert (table["bas (mWh)"] <= table["énergie (mWh)"]).all() and (table["énergie (mWh)"] <= table["haut (mWh)"]).all()


def test_twice_the_epochs_about_twice_the_energy(table):
    """512 neurones: enough work per epoch that fixed costs and the load's noise do not dominate."""
    ratio = experiments.growth_ratio(table, "512 neurones, 20 époques", "512 neurones, 10 époques")
    assert 1.3 < ratio < 3.0, ratio


def test_one_answer_of_any_generator_callable_is_measured():
    """The lead wires module 4's generator at merge: any callable that returns a text works."""
    calls = []

    def answer():                       # any text generator: here, a little real work per answer
        calls.append(1)
        return "".join(sorted("bonjour" * 500))[:7]

    text, energy = experiments.answer_energy(answer, repeats=50)
    assert text == "bbbbbbb" and len(calls) == 50 and energy.joules > 0
    word, e = experiments.answer_energy(repeats=100)
    assert word.isalpha() and e.status in ("mesuré", "estimé") and e.wh < 0.01
    assert experiments.how_many_for(e, 0.24) > 1000
