"""Helpers of the notebook « La carte des opinions »: a simulated room, its vote table, each step drawn."""

from __future__ import annotations

import numpy as np

from civicai.debate.opinion_map import planted_votes, vote_matrix
from civicai.debate.summary import group_name

COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]


def simulated_room(*, seed: int = 3):
    """45 invented people, 3 opinion groups, the 14 statements of the convention's debate.

    Their votes are drawn at random around three invented opinions: they say nothing about real people.
    """
    from civicai.debate.seeds import theme

    texts = theme("convention")["statements"]
    votes, truth = planted_votes(n_participants=45, n_groups=3, n_statements=len(texts), consensus=(2, 8),
                                 noise=0.15, missing=0.15, seed=seed)
    return votes, truth, texts


def show_table(votes, n_people: int = 12):
    """The first rows of the vote table, coloured: green = d'accord, red = pas d'accord, grey = passe/rien."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    people, statements, matrix, _ = vote_matrix(votes)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.imshow(matrix[:n_people], cmap=ListedColormap(["#c0392b", "#d9d9d9", "#1e8449"]), vmin=-1, vmax=1)
    ax.set_xlabel("phrases (une colonne par phrase)")
    ax.set_ylabel("personnes (une ligne par personne)")
    ax.set_xticks(range(len(statements)), [str(s + 1) for s in statements])
    ax.set_yticks([])
    ax.set_title("Vert : d'accord (1) · rouge : pas d'accord (-1) · gris : je passe ou pas de vote (0)")
    plt.show()
    return matrix


def prediction(question: str, options: list[str]):
    """A "what do you expect?" step: the answer is kept in ``widget.answer`` and said back."""
    from civicai.activities.choice import choice_prediction

    return choice_prediction(f"<b>{question}</b>", options,
                             next_step="Lancez la cellule suivante pour voir la réponse.")


def show_map(opinion_map, *, title: str, colour: bool = True):
    """The participants' points after PCA, in one colour (before k-means) or coloured by group."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    if colour:
        for g in range(opinion_map.k):
            pts = opinion_map.coords[opinion_map.groups == g]
            ax.scatter(pts[:, 0], pts[:, 1], s=30, color=COLORS[g], label=group_name(g))
        ax.legend()
    else:
        ax.scatter(opinion_map.coords[:, 0], opinion_map.coords[:, 1], s=30, color="#555555")
    ax.set_xlabel("axe 1 de l'ACP")
    ax.set_ylabel("axe 2 de l'ACP")
    ax.set_title(title)
    plt.show()


def silhouette_table(opinion_map):
    import pandas as pd

    return pd.DataFrame({"nombre de groupes essayé": list(opinion_map.silhouettes),
                         "score de silhouette": [round(v, 2) for v in opinion_map.silhouettes.values()]}
                        ).set_index("nombre de groupes essayé")


def statements_table(opinion_map, texts: list[str]):
    """Per statement: its agreement rate in each group (%), to read what unites and what divides."""
    import pandas as pd

    rows = {}
    for j, sid in enumerate(opinion_map.statements):
        rates = [opinion_map.stats[(g, j)].rate for g in range(opinion_map.k)]
        rows[texts[sid]] = {group_name(g): None if r is None else round(100 * r) for g, r in enumerate(rates)}
    return pd.DataFrame.from_dict(rows, orient="index")


def agreement_of(truth, groups) -> float:
    """Adjusted Rand index between the invented groups and the groups found (1 = the same, 0 = chance)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(np.asarray(truth), np.asarray(groups)))
