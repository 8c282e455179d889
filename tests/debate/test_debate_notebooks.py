"""The module's two notebooks: the step-by-step map finds the planted groups; the Voilà page says where it works."""

from __future__ import annotations

import pytest

from testkit import REPO

pytestmark = [pytest.mark.slow]
FOLDER = REPO / "modules" / "debats"


def test_the_explained_map_finds_the_three_invented_groups_and_two_shared_statements(run_notebook):
    result = run_notebook(FOLDER / "la-carte-des-opinions.ipynb")
    assert result.values["found"] == 3
    assert result.values["rand_index"] >= 0.9
    assert result.values["n_consensus"] == 2
    assert "Phrases qui rassemblent tous les groupes" in result.text()


def test_the_participant_page_off_the_hub_says_so_in_french(run_notebook):
    result = run_notebook(FOLDER / "participer.ipynb", env={"CIVICAI_DEBAT_URL": "", "JUPYTERHUB_API_TOKEN": ""})
    assert "fonctionne sur le hub de l'atelier" in result.text()
