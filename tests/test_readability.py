"""The learners' French stays readable by collège pupils (civicai.readability)."""

from __future__ import annotations

import pytest

from civicai import readability as r
from civicai.paths import modules_dir

NOTEBOOKS = r.learner_notebooks(modules_dir())


def test_syllables_by_rule():
    assert [r.syllables(w) for w in ("chat", "oiseaux", "arbre", "ordinateur", "visage", "l'image")] == \
        [1, 2, 1, 4, 2, 2]
    assert r.syllables("chantent") == 1 and r.syllables("données") == 2


def test_short_sentences_score_higher_than_long_ones():
    easy = r.measure("Le chat dort. Il fait beau. Les enfants jouent dehors.")
    hard = r.measure("L'évaluation systématique des performances différentielles des classificateurs "
                     "automatiques nécessite une méthodologie rigoureuse, documentée et reproductible, "
                     "conformément aux recommandations internationales contemporaines.")
    assert easy.sentences == 3 and hard.sentences == 1
    assert easy.score > 100 > r.COLLEGE_BOUND > hard.score


def test_learner_text_leaves_out_code_addresses_and_sources():
    text = r.learner_text("Voici `np.array` et [un lien](https://exemple.fr/a).\n\n**Sources**\n- Smith, *A Title*")
    assert "np" not in text and "https" not in text and "Smith" not in text and "un lien" in text


def test_every_module_has_learner_notebooks():
    assert {p.parent.name[:2] for p in NOTEBOOKS} >= {"01", "02", "03"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name[:2]}/{p.stem}")
def test_notebook_is_readable_by_college_pupils(path):
    figure = r.notebook_readability(path)
    assert figure.words > 100, "a learner notebook with almost no text to read"
    assert figure.score >= r.COLLEGE_BOUND, (
        f"{path.name}: lisibilité {figure.score:.0f} < {r.COLLEGE_BOUND:.0f} "
        f"({figure.words / figure.sentences:.1f} mots par phrase)")
