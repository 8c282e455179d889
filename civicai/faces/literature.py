"""Published figures the audit is compared with, each with its source.

Only figures stated in the publications' own summaries are kept here (abstract of Gender
Shades; executive summary of NIST's report). Anything else is said in words, without numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    authors: str
    year: int
    title: str
    venue: str

    def cite(self) -> str:
        return f"{self.authors} ({self.year}), « {self.title} », {self.venue}"


GENDER_SHADES = Source(
    "Joy Buolamwini et Timnit Gebru", 2018,
    "Gender Shades: Intersectional Accuracy Disparities in Commercial Gender Classification",
    "Proceedings of Machine Learning Research (PMLR) 81, Conference on Fairness, Accountability and "
    "Transparency")

NIST_FRVT_3 = Source(
    "Patrick Grother, Mei Ngan et Kayee Hanaoka", 2019,
    "Face Recognition Vendor Test (FRVT) Part 3: Demographic Effects",
    "NIST Interagency Report 8280, National Institute of Standards and Technology (États-Unis)")

FAIRFACE = Source(
    "Kimmo Kärkkäinen et Jungseock Joo", 2021,
    "FairFace: Face Attribute Dataset for Balanced Race, Gender, and Age for Bias Measurement and "
    "Mitigation", "IEEE/CVF Winter Conference on Applications of Computer Vision (WACV)")

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
             "groupe le plus touché": f"{our_worst_name} : {our_worst * 100:.1f} %".replace(".", ","),
             "groupe le moins touché": f"{our_best_name} : {our_best * 100:.1f} %".replace(".", ","),
             "rapport": f"× {ratio:.1f}".replace(".", ",")},
            {"étude": "Gender Shades (Buolamwini et Gebru, 2018), 3 systèmes commerciaux",
             "groupe le plus touché": "femmes à peau foncée : jusqu'à 34,7 %",
             "groupe le moins touché": "hommes à peau claire : au plus 0,8 %",
             "rapport": f"× {gender_shades_ratio():.0f} environ"},
        ]
    ).set_index("étude")


NIST_FINDINGS_FR = (
    "Le NIST, un institut public américain de mesure, a testé 189 algorithmes de reconnaissance "
    "faciale proposés par 99 développeurs (rapport de Grother, Ngan et Hanaoka, 2019, NISTIR 8280). "
    "Pour la vérification 1:1, les *fausses correspondances* (deux personnes différentes jugées "
    "identiques) varient entre groupes, souvent d'un facteur 10 à 100 selon l'algorithme. "
    "Elles sont plus fréquentes chez les femmes que chez les hommes, et chez les personnes âgées et "
    "les enfants. Les écarts dépendent beaucoup de l'algorithme : certains en ont très peu."
)
