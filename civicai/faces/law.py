"""Notebook 05: which rule applies to which use of face technologies (a small quiz).

Each rule is a short summary of an entry of the module's dated « état du droit »
(modules/02-biais-reconnaissance-faciale/etat-du-droit.yaml), which cites the article, the
official source and the date it was checked; tests keep the two in step.
This is teaching material, not legal advice: the notebook says so.
"""

from __future__ import annotations

from dataclasses import dataclass

# Key of RULES -> id of the état du droit entry it summarises.
ENTRIES = {"5-1-h": "ai-act-5-1-h", "5-1-e": "ai-act-5-1-e-f-g", "5-1-f": "ai-act-5-1-e-f-g",
           "5-1-g": "ai-act-5-1-e-f-g", "annexe-3": "ai-act-haut-risque-biometrie",
           "50-3": "ai-act-50-3", "rgpd-9": "rgpd-9"}

RULES = {
    "5-1-h": "AI Act, article 5, paragraphe 1, point h : identification biométrique à distance "
             "« en temps réel » dans les espaces accessibles au public, à des fins répressives : "
             "interdite, sauf exceptions strictes (recherche ciblée de victimes ou de personnes "
             "disparues, menace imminente pour la vie ou attentat, suspect d'une infraction grave), "
             "seulement si la loi du pays le prévoit, avec l'autorisation préalable d'un juge ou d'une "
             "autorité indépendante ; en cas d'urgence, l'autorisation doit être demandée dans les "
             "24 heures (article 5, paragraphes 2 et 3).",
    "5-1-e": "AI Act, article 5, paragraphe 1, point e : constituer ou agrandir des bases de "
             "reconnaissance faciale en moissonnant sans cible des images sur Internet ou de "
             "vidéosurveillance : interdit.",
    "5-1-f": "AI Act, article 5, paragraphe 1, point f : reconnaître les émotions des personnes sur le "
             "lieu de travail ou à l'école : interdit, sauf raisons médicales ou de sécurité.",
    "5-1-g": "AI Act, article 5, paragraphe 1, point g : catégorisation biométrique qui déduit "
             "l'origine dite « raciale », les opinions politiques, l'appartenance syndicale, les "
             "convictions religieuses ou philosophiques, la vie sexuelle ou l'orientation sexuelle "
             "d'une personne à partir de ses données biométriques : interdite (sauf exceptions limitées, "
             "par exemple le tri de jeux de données acquis légalement).",
    "annexe-3": "AI Act, annexe III, point 1 a : identification biométrique à distance qui n'est pas "
                "en temps réel (par exemple dans des vidéos enregistrées) : pas interdite, mais « à haut "
                "risque », avec des obligations ; pour la police, autorisation d'un juge ou d'une "
                "autorité au plus tard 48 heures après (article 26, paragraphe 10).",
    "50-3": "AI Act, article 50, paragraphe 3 : catégorisation biométrique (par exemple estimer l'âge "
            "ou le genre) sans catégorie interdite : permise, mais il faut informer les personnes "
            "exposées (depuis le 2 août 2026).",
    "rgpd-9": "RGPD, article 9 : les données biométriques qui servent à identifier une personne de "
              "façon unique sont des données « sensibles ». Leur traitement est interdit, sauf "
              "exceptions (par exemple un consentement explicite, ou un motif d'intérêt public "
              "important prévu par la loi).",
}


@dataclass(frozen=True)
class Case:
    situation: str
    rule: str        # key of RULES
    explanation: str


CASES = (
    Case("La police installe des caméras qui comparent en direct chaque passant d'une place à une "
         "liste de personnes recherchées.", "5-1-h",
         "C'est de l'identification biométrique à distance, en temps réel, dans un espace public, "
         "par la police : le cas visé par le point h."),
    Case("Une entreprise télécharge des millions de photos sur les réseaux sociaux pour fabriquer "
         "une base de visages qu'elle vend.", "5-1-e",
         "Moissonner des images sans cible pour une base de reconnaissance faciale : point e."),
    Case("Un logiciel observe les élèves pendant un cours pour mesurer s'ils s'ennuient.", "5-1-f",
         "Reconnaissance des émotions dans un établissement d'enseignement : point f."),
    Case("Une application prétend deviner la religion d'une personne à partir de son visage.", "5-1-g",
         "Déduire des convictions religieuses à partir de données biométriques : point g."),
    Case("Après un vol, la police compare l'image d'une caméra, enregistrée la veille, à son fichier "
         "de photos pour identifier le suspect.", "annexe-3",
         "Ce n'est pas « en temps réel » : ce n'est pas interdit, mais c'est un usage « à haut "
         "risque », qui demande l'autorisation d'un juge ou d'une autorité (article 26, paragraphe 10)."),
    Case("Un magasin installe une caméra qui estime l'âge et le genre des clients pour ses "
         "statistiques.", "50-3",
         "Classer des personnes par âge ou genre n'est pas interdit, mais le magasin doit prévenir "
         "les personnes filmées (article 50, paragraphe 3) ; le RGPD s'applique aussi."),
    Case("Une salle de sport veut ouvrir ses portes par reconnaissance faciale de ses abonnés.", "rgpd-9",
         "Ce n'est pas une interdiction de l'AI Act, mais des données biométriques servent à "
         "identifier chaque personne : l'article 9 du RGPD s'applique (il faut, par exemple, un "
         "consentement explicite et une autre façon d'entrer pour qui refuse)."),
)


def check(case_index: int, rule: str) -> tuple[bool, str]:
    """Is ``rule`` the right one for case ``case_index``? Returns (right, French explanation)."""
    case = CASES[case_index]
    return rule == case.rule, case.explanation


def law_quiz():
    """One dropdown per situation; a button shows which rule applies and why."""
    import ipywidgets as w

    options = [("— choisissez —", None)] + [(RULES[k].split(" : ")[0], k) for k in RULES]
    rows, pickers = [], []
    for i, case in enumerate(CASES, 1):
        pick = w.Dropdown(options=options, value=None, layout=w.Layout(width="560px"))
        pickers.append(pick)
        rows += [w.HTML(f"<p><b>Situation {i}.</b> {case.situation}</p>"), pick]
    out = w.HTML()
    button = w.Button(description="Vérifier", button_style="primary")

    def on_click(_):
        lines = []
        for i, pick in enumerate(pickers):
            right, why = check(i, pick.value)
            lines.append(f"<li>{'✅' if right else '❌'} Situation {i + 1} : {why}</li>")
        out.value = "<ul>" + "".join(lines) + "</ul>"

    button.on_click(on_click)
    return w.VBox(rows + [button, out])
