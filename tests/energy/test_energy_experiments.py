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


def test_an_answer_of_module_4s_model_loaded_here_is_measured_around_that_answer(monkeypatch):
    """No hub: the model runs in this process, so this process's CPU time around the answer is its cost."""
    monkeypatch.delenv("CIVICAI_IA_URL", raising=False)
    reply = experiments.generative_answer_energy(max_tokens=20)
    assert reply.tokens == 20 and reply.text.strip() and reply.seconds > 0
    assert reply.energy.cpu_seconds > 0 and reply.energy.status in ("mesuré", "estimé")
    assert reply.how == "le temps de calcul de ce noyau, qui fait tourner le modèle"
    word = experiments.answer_energy(repeats=20)[1]
    text = experiments.reply_text(reply, word)
    assert "Réponse (20 jetons)" in text and str(reply.energy) in text and "fois l'énergie d'un mot" in text


def test_without_a_figure_the_texts_say_why_and_show_no_number():
    """An operator's server (or a crowded shared one): the learner reads why, never a made-up energy."""
    word = experiments.answer_energy(repeats=20)[1]
    for why in (experiments.ELSEWHERE, experiments.CROWDED):
        reply = experiments.GeneratedAnswer("Une réponse.", 8, 0.5, None, "le serveur de l'université", why)
        text = experiments.reply_text(reply, word) + experiments.fits_in_a_question(0.24, word, reply)
        assert why in text and "Wh" not in text.split("Gemini")[0] and "un nombre inconnu de réponses" in text
