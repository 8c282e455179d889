"""The French words of claim matching: outcomes, verdicts about the verified sentence, what the base is.

One home for these sentences, so that ``ClaimMatcher.verdict()``, the kiosk demo and the notebooks say the
same thing. Rules: a verdict is always stated about the verified sentence (« L'affirmation « … » a été
vérifiée : FAUSSE »), never about the visitor's message, and only for a fact whose review record says it
was checked against a source.
"""

from __future__ import annotations

from civicai.french import day

# Outcome codes (internal, English); what a person reads is the French of outcome_text().
SAME, DETAIL, UNKNOWN = "same", "detail", "unknown"
LABEL_FEMININE = {"vrai": "VRAIE", "faux": "FAUSSE", "trompeur": "TROMPEUSE"}  # « une affirmation »
def verified_sentence(row: dict) -> str:
    """« L'affirmation « … » a été vérifiée : FAUSSE. » about the corpus sentence."""
    return f"L'affirmation « {row['texte']} » a été vérifiée : {LABEL_FEMININE[row['etiquette']]}."


def not_reviewed_sentence(row: dict) -> str:
    return ("Cette affirmation ressemble à une affirmation de notre base, qui n'a pas encore été relue : "
            f"nous ne donnons donc pas de verdict. L'affirmation de notre base : « {row['texte']} »")


def differences_sentence(differences) -> str:
    """« un détail diffère : l'année (« 2023 » au lieu de « 2010 »). »"""
    parts = [d.describe() for d in differences]
    word = "un détail diffère" if len(parts) == 1 else "des détails diffèrent"
    return f"{word} : {' ; '.join(parts)}."


def outcome_text(result: dict) -> str:
    """The whole answer in plain French, for ``verdict()`` and the notebooks."""
    if result["resultat"] == UNKNOWN:
        return "Aucune affirmation proche dans notre base : je ne sais pas."
    if result["resultat"] == DETAIL:
        closest = (verified_sentence(result) if result["relu"]
                   else f"L'affirmation la plus proche de notre base, « {result['texte']} », "
                        "n'a pas encore été relue.")
        return (f"Même sujet, mais {differences_sentence(result['differences'])} Vérifiez ce détail : "
                f"le verdict de l'affirmation proche ne s'applique pas à votre message. {closest}")
    if not result["relu"]:
        return not_reviewed_sentence(result)
    return f"{verified_sentence(result)} {result['explication']} Source : {result['reference']}."


def base_description(fact_ids, reviews: dict) -> str:
    """« une base pédagogique de N affirmations, relue le … », from the review records."""
    n = len(fact_ids)
    done = [reviews[f] for f in fact_ids if f in reviews and reviews[f].is_reviewed]
    if not done:
        return f"une base pédagogique de {n} affirmations écrites pour l'atelier, pas encore relues"
    last = day(max(r.reviewed_on for r in done))
    if len(done) == n:
        return f"une base pédagogique de {n} affirmations, relue le {last}"
    return (f"une base pédagogique de {n} affirmations, dont {len(done)} relues à partir d'une source "
            f"(dernière relecture le {last})")
