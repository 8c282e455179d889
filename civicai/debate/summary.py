"""What people see of a map: groups named A, B, C..., rates rounded, small groups not detailed.

The same summary feeds the live page, the CSV and the PDF, so that what the convention receives is what
the room saw. It holds no pseudonym and no individual vote: points on the map are anonymous, and a group
of fewer than ``MIN_GROUP`` people is drawn but not described (its rates could reveal a person's votes).
"""

from __future__ import annotations

import time

from civicai.debate.opinion_map import CONSENSUS_RATE, K_RANGE, MIN_COUNT, MIN_VOTES, compute_map

MIN_GROUP = 5
EXPLANATION = (
    "Chaque point est une personne. Deux points sont proches quand les deux personnes ont voté de la même "
    "façon. Pour dessiner la carte, l'ordinateur range les votes dans un tableau (d'accord = 1, pas "
    "d'accord = -1, je passe ou pas de vote = 0), puis il résume ce tableau en deux nombres par personne "
    "(une analyse en composantes principales, ou ACP). Il forme ensuite des groupes de points proches "
    f"(méthode des k-moyennes) : il essaie de {K_RANGE[0]} à {K_RANGE[1]} groupes et garde le nombre qui "
    "sépare le mieux les groupes (score de silhouette). Personne ne lui a dit qui pense quoi : il apprend "
    "seul, à partir de vos votes. C'est de l'apprentissage non supervisé.")


def group_name(g: int) -> str:
    return f"Groupe {chr(ord('A') + g)}"


def _pct(rate) -> int | None:
    return None if rate is None else round(100 * rate)


def summarize(votes, statements: dict[int, str], *, me: str | None = None, min_group: int = MIN_GROUP) -> dict:
    """The map of ``votes`` (pseudonym, statement id, value) as a JSON-ready dict.

    ``statements``: id -> text of the approved statements. ``me``: the viewer's pseudonym, to mark their point.
    """
    summary, placed = placed_summary(votes, statements, min_group=min_group)
    return dict(summary, me=placed.index(me) if me in placed else None)


def placed_summary(votes, statements: dict[int, str], *, min_group: int = MIN_GROUP) -> tuple[dict, list]:
    """The summary, and the pseudonyms in the order of its points (kept server-side, to mark one's own)."""
    votes, ids = list(votes), list(statements)
    m = compute_map(votes, ids)
    sizes = m.group_sizes()
    shown = [g for g in range(m.k) if sizes[g] >= min_group]
    points = [[round(float(x), 3), round(float(y), 3), int(g)] for (x, y), g in zip(m.coords, m.groups)]
    groups = []
    for g in range(m.k):
        detail = g in shown
        groups.append({
            "name": group_name(g), "size": sizes[g], "detailed": detail,
            "distinctive": [{"statement": ids[j], "text": statements[ids[j]], "agree_in_group": _pct(a),
                             "agree_elsewhere": _pct(b)} for j, a, b in m.distinctive.get(g, [])] if detail else [],
        })
    # broad agreement over the groups that are shown (a hidden group's rates are not revealed)
    consensus = []
    if len(shown) >= 2:
        for j in range(len(ids)):
            rates = [m.stats[(g, j)] for g in shown]
            if all(s.votes >= MIN_COUNT for s in rates) and min(s.rate for s in rates) >= CONSENSUS_RATE:
                consensus.append({"statement": ids[j], "text": statements[ids[j]],
                                  "min_agree": _pct(min(s.rate for s in rates))})
        consensus.sort(key=lambda c: -c["min_agree"])
    # totals count every vote, also of people with too few votes to be placed
    totals = {sid: {"votes": 0, "agree": 0, "disagree": 0, "pass": 0} for sid in ids}
    for _, sid, value in votes:
        if sid in totals:
            totals[sid]["votes"] += 1
            totals[sid][{1: "agree", -1: "disagree", 0: "pass"}[value]] += 1
    table = []
    for j, sid in enumerate(ids):
        row = {"statement": sid, "text": statements[sid], **totals[sid], "groups": {}}
        for g in range(m.k):
            s = m.stats[(g, j)]
            if g in shown:
                row["groups"][group_name(g)] = {"votes": s.votes, "agree": s.agree, "disagree": s.disagree,
                                                "pass": s.passed, "agree_rate": _pct(s.rate)}
        table.append(row)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "participants": m.total_participants, "placed": len(m.participants), "min_votes": MIN_VOTES,
        "statements": len(ids), "k": m.k,
        "silhouettes": {str(k): round(v, 3) for k, v in m.silhouettes.items()},
        "criterion": (f"Nombre de groupes choisi par le score de silhouette (de {K_RANGE[0]} à {K_RANGE[1]} essayés)."
                    if m.silhouettes else "Trop peu de personnes placées pour former des groupes."),
        "explained_variance": [round(100 * v) for v in m.explained],
        "points": points, "me": None, "groups": groups, "consensus": consensus, "table": table,
        "min_group_size": min_group, "explanation": EXPLANATION,
    }, list(m.participants)
