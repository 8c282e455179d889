"""Does the detail comparison (spaCy fr_core_news_sm + numbers) find the detail a near-miss changes?"""

from __future__ import annotations

import pytest

from civicai.disinfo.details import compare, negated, shared


def kinds(claim, message):
    return [d.kind for d in compare(claim, message)]


@pytest.mark.parametrize("claim, message, kind", [
    ("L'euro a remplacé le franc en 2010.", "La Croatie est passée à l'euro en 2023", "year"),
    ("Les élections municipales ont lieu tous les six ans.", "Les municipales, c'est tous les 4 ans", "number"),
    ("Le tabac cause environ 75 000 décès par an en France.",
     "Le tabac cause environ 75 000 décès par an en Belgique", "place"),
    ("La NASA a annoncé que la Terre se refroidit depuis dix ans.",
     "L'Agence spatiale européenne a annoncé que la Terre se refroidit depuis dix ans", "organisation"),
    ("Albert Einstein a dit : « La folie, c'est de refaire toujours la même chose. »",
     "Victor Hugo a dit : « La folie, c'est de refaire toujours la même chose. »", "person"),
    ("Le vaccin ROR provoque l'autisme.", "Le vaccin ROR ne provoque pas l'autisme.", "negation"),
    ("Le vaccin ROR provoque l'autisme.", "Ce n'est pas vrai que le ROR provoque l'autisme", "negation"),
    ("Le CO2 n'est pas un gaz à effet de serre.", "Le CO2 est bien un gaz à effet de serre", "negation"),
])
def test_the_changed_detail_is_found(claim, message, kind):
    assert kind in kinds(claim, message)


@pytest.mark.parametrize("claim, message", [
    ("Le tabac cause environ 75 000 décès par an en France.",
     "Le tabac tue à peu près 75 000 personnes chaque année en France"),
    ("L'euro a remplacé le franc en 2010.", "l'euro a remplace le franc en deux mille dix"),
    ("Le sida n'existe pas, c'est une invention des laboratoires pharmaceutiques.",
     "Le VIH n'a jamais existé, c'est un coup des labos"),
    ("Les humains ne sont jamais allés sur la Lune.", "On est jamais allés sur la Lune, c'est du cinéma"),
    ("Nous n'utilisons que 10 % de notre cerveau.", "On n'utilise que 10 pour cent de notre cerveau"),
    ("Le vaccin ROR provoque l'autisme.", "Ma cousine de Lyon m'a dit que le vaccin ROR provoque l'autisme"),
    ("L'Union européenne va interdire la voiture à essence en 2035.", "L'UE va interdire les voitures à essence en 2035"),
])
def test_paraphrases_and_added_context_are_not_differences(claim, message):
    assert kinds(claim, message) == []


@pytest.mark.parametrize("text, expected", [
    ("Le ROR ne provoque pas l'autisme", True), ("On n'a jamais marché sur la Lune", True),
    ("Ça sert à rien, c'est pas vrai", True), ("La foudre tombe jamais deux fois au même endroit", True),
    ("L'homéopathie n'est plus remboursée", True), ("Les antibiotiques ne servent à rien", True),
    ("Nous n'utilisons que 10 % de notre cerveau", False), ("2022 a été l'année la plus chaude jamais mesurée", False),
    ("Les chauves-souris sont aveugles, n'est-ce pas ?", False), ("C'est vrai ou pas que le ROR rend autiste ?", False),
    ("Ce n'est pas vrai que le ROR provoque l'autisme", True), ("Il est faux de dire que la Terre est plate", True),
    ("Ce n'est pas vrai que le sida n'existe pas", False), ("plus de CO2 qu'à aucun moment depuis deux millions d'années", False),
])
def test_negation(text, expected):
    assert negated(text) is expected


def test_shared_details_are_names_or_equal_numbers():
    assert shared("Le SMIC est revalorisé au moins une fois par an.", "Le SMIC augmente chaque année")
    assert shared("Les municipales ont lieu tous les six ans.", "les municipales c'est tous les 6 ans")
    assert not shared("Le climat a toujours changé.", "L'accord de Paris a été adopté en 2009")


def test_the_model_is_loaded_once():
    from civicai.disinfo import details

    first = details.nlp()
    assert details.nlp() is first
    assert "ner" in first.pipe_names and "lemmatizer" in first.pipe_names


@pytest.mark.slow  # a fresh interpreter loads spaCy
def test_spacy_loads_without_torch_and_torch_stays_importable():
    """The kiosk kernel pays for spaCy, not for the torch backend it never uses."""
    import subprocess
    import sys

    code = ("import sys\nfrom civicai.disinfo.details import nlp\nnlp()\n"
            "print('torch' in sys.modules)\nimport torch\nprint(torch.tensor([1]).item())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "1"]
