"""Published figures the audit is compared with, each with its source.

Only figures stated in the publications' own summaries are kept here (abstract of Gender
Shades; executive summary of NIST's report). Anything else is said in words, without numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicai.french import number, percent


@dataclass(frozen=True)
class Source:
    authors: str
    year: int
    title: str
    venue: str
    link: str = ""

    def cite(self) -> str:
        text = f"{self.authors} ({self.year}), « {self.title} », {self.venue}"
        return f"{text}, {self.link}" if self.link else text


GENDER_SHADES = Source(
    "Joy Buolamwini et Timnit Gebru", 2018,
    "Gender Shades: Intersectional Accuracy Disparities in Commercial Gender Classification",
    "Proceedings of Machine Learning Research (PMLR) 81, Conference on Fairness, Accountability and "
    "Transparency", "https://proceedings.mlr.press/v81/buolamwini18a.html")

NIST_FRVT_3 = Source(
    "Patrick Grother, Mei Ngan et Kayee Hanaoka", 2019,
    "Face Recognition Vendor Test (FRVT) Part 3: Demographic Effects",
    "NIST Interagency Report 8280, National Institute of Standards and Technology (États-Unis), "
    "décembre 2019", "https://doi.org/10.6028/NIST.IR.8280")


FAIRFACE = Source(
    "Kimmo Kärkkäinen et Jungseock Joo", 2021,
    "FairFace: Face Attribute Dataset for Balanced Race, Gender, and Age for Bias Measurement and "
    "Mitigation", "IEEE/CVF Winter Conference on Applications of Computer Vision (WACV)",
    "https://arxiv.org/abs/1908.04913")

# Gender Shades, abstract: three commercial gender classifiers; darker-skinned women are the most
# misclassified group, with error rates up to 34.7 %; the maximum error rate for lighter-skinned
# men is 0.8 %. Groups there are skin types (Fitzpatrick scale) x gender, not FairFace's groups.
GENDER_SHADES_WORST = 0.347   # darker-skinned women, worst of the three systems
GENDER_SHADES_BEST_MAX = 0.008  # lighter-skinned men, worst of the three systems


def gender_shades_ratio() -> float:
    """About 43: the worst darker-skinned-women error rate over the worst lighter-skinned-men one."""
    return GENDER_SHADES_WORST / GENDER_SHADES_BEST_MAX


def comparison_table(our_worst: float, our_best: float, our_worst_name: str, our_best_name: str):
    """Our audit next to Gender Shades, as a small French table (pandas DataFrame)."""
    import pandas as pd

    ratio = (our_worst / our_best) if our_best else float("inf")
    return pd.DataFrame(
        [
            {"étude": "Notre audit (échantillon FairFace, 1 modèle libre)",
             "groupe le plus touché": f"{our_worst_name} : {percent(our_worst, 1)}",
             "groupe le moins touché": f"{our_best_name} : {percent(our_best, 1)}",
             "rapport": f"× {number(ratio, 1)}"},
            {"étude": "Gender Shades (Buolamwini et Gebru, 2018), 3 systèmes commerciaux",
             "groupe le plus touché": "femmes à peau foncée : jusqu'à 34,7 %",
             "groupe le moins touché": "hommes à peau claire : au plus 0,8 %",
             "rapport": f"× {gender_shades_ratio():.0f} environ"},
        ]
    ).set_index("étude")


# Largest effects first, as in the report's executive summary and NIST's press release of 19 Dec.
# 2019: region of birth / race for 1:1 false positives; sex and age are smaller. Data of 2019; FRVT
# was renamed FRTE/FATE on 18 Aug. 2023 (nist.gov, Face Technology Evaluations - FRTE/FATE).
NIST_FINDINGS_FR = (
    "En 2019, le NIST, un institut public américain de mesure, a testé 189 algorithmes de "
    "reconnaissance faciale proposés par 99 développeurs (rapport NISTIR 8280). Pour la "
    "vérification 1:1, les plus grands écarts venaient de l'origine des personnes : les *fausses "
    "correspondances* (deux personnes différentes jugées identiques) étaient bien plus fréquentes "
    "pour les personnes nées en Afrique de l'Ouest, en Afrique de l'Est ou en Asie de l'Est que pour "
    "celles nées en Europe de l'Est, souvent 10 à 100 fois plus selon l'algorithme. Sur des photos de "
    "police américaines, les taux les plus élevés concernaient les personnes amérindiennes. "
    "Certains algorithmes développés en Asie ne montraient pas cet écart pour les visages d'Asie de "
    "l'Est. Les écarts selon le genre (plus de fausses correspondances pour les femmes) et l'âge "
    "(personnes âgées, enfants) étaient plus petits. Tout dépend beaucoup de l'algorithme : "
    "certains ont très peu d'écarts. Ces mesures datent de 2019 ; depuis 2023, le programme de tests "
    "du NIST s'appelle FRTE (et FATE pour l'analyse des visages)."
)
