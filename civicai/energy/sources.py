"""The published figures module 5 uses, each with its source: the one home of every figure a learner reads.

Every figure was checked on 2026-12-02 with the kit's search tool against the text named in ``checked_on``
(the publisher's page when it was reachable, otherwise the copy or press article named there), and carries
its verdict. ``civicai/energy/README.md`` has the table a maintainer re-reads: what each source says, where.
A figure that could not be found in any source is not here, and so is shown nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKED = "2026-12-02"
# « corrigé »: the figure shown before the check differed from the source and was replaced by the source's.
# « source secondaire seulement »: read in a copy or a press article that quotes the source, not in the source.
VERDICTS = ("conforme", "corrigé", "source secondaire seulement")


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    date: str
    url: str
    checked_on: str = ""      # where the figure was read when it is not the page at ``url``

    def cite(self) -> str:
        """One French line: title, publisher, date, link, date of the check."""
        where = f" ; chiffre lu dans {self.checked_on}" if self.checked_on else ""
        return (f"« {self.title} », {self.publisher}, {self.date}, {self.url} "
                f"(vérifié le {CHECKED}{where})")


SOURCES = {s.key: s for s in [
    Source("rte-2024", "Bilan électrique 2024 – Émissions", "RTE", "2025",
           "https://analysesetdonnees.rte-france.com/index.php/bilan-electrique-2024/emissions"),
    Source("iea-energy-ai", "Energy and AI", "Agence internationale de l'énergie (AIE)", "avril 2025",
           "https://www.iea.org/reports/energy-and-ai/energy-demand-from-ai",
           checked_on="le résumé du rapport reproduit par The Electricity Hub (27 mai 2025) et Business Standard "
                      "(13 avril 2025) ; la page de l'AIE elle-même n'a pas pu être lue"),
    Source("google-gemini", "Measuring the environmental impact of delivering AI at Google Scale "
           "(Elsworth et al.)", "Google, arXiv 2508.15734", "août 2025", "https://arxiv.org/abs/2508.15734"),
    Source("epri-2024", "Powering Intelligence: Analyzing Artificial Intelligence and Data Center Energy "
           "Consumption", "EPRI (Electric Power Research Institute)", "28 mai 2024",
           "https://www.ourenergypolicy.org/resources/powering-intelligence-analyzing-artificial-intelligence-"
           "and-data-center-energy-consumption/",
           checked_on="le résumé du rapport reproduit à ce lien, et l'article de la dpa publié par The Star le "
                      "9 juin 2024 ; le rapport de l'EPRI lui-même n'a pas été consulté"),
    Source("luccioni-2024", "Power Hungry Processing: Watts Driving the Cost of AI Deployment? "
           "(Luccioni, Jernite, Strubell)", "ACM FAccT 2024 (aussi arXiv 2311.16863)", "juin 2024",
           "https://doi.org/10.1145/3630106.3658542",
           checked_on="le texte de cette version, section 4.1 et tableau 2, dans une copie publique du PDF"),
    Source("iea-streaming", "The carbon footprint of streaming video: fact-checking the headlines (G. Kamiya)",
           "Agence internationale de l'énergie (AIE)", "février 2020, mis à jour le 11 décembre 2020",
           "https://www.iea.org/commentaries/the-carbon-footprint-of-streaming-video-fact-checking-the-headlines",
           checked_on="la page de l'AIE (36 g de CO2 par heure) et FEED magazine, hiver 2021 (0,077 kWh "
                      "par heure, chiffre de l'AIE)"),
    Source("ademe-arcep-2022", "Évaluation de l'impact environnemental du numérique en France et analyse "
           "prospective", "ADEME et Arcep", "19 janvier 2022", "https://citepa.org/fr/2022_02_b07",
           checked_on="la synthèse du Citepa (février 2022), le lien ci-dessus, et Siècle Digital, 20 janvier "
                      "2022 (la fabrication, principale source d'impact) ; l'étude elle-même n'a pas été consultée"),
    Source("amd-epyc-7003", "AMD EPYC Milan launch (liste des processeurs EPYC 7003 publiée par AMD)",
           "Techgage", "mars 2021", "https://techgage.com/article/amd-epyc-milan-launch-performance/"),
]}


@dataclass(frozen=True)
class Figure:
    """One published figure: a value, its unit, what it measures, its source key and the check's verdict."""
    value: float
    unit: str
    what: str
    source: str
    verdict: str
    checked: str = CHECKED

    def cite(self) -> str:
        return SOURCES[self.source].cite()


# Grid carbon intensity of electricity produced in France in 2024 (RTE, annual average).
GRID_FR_2024 = Figure(21.7, "g CO2e/kWh", "intensité carbone de la production d'électricité en France, "
                      "moyenne de l'année 2024", "rte-2024", "conforme")
# Data centres in the world (IEA, Energy and AI, 2025).
DATA_CENTRES_2024 = Figure(415, "TWh", "électricité consommée par les centres de données du monde en 2024 "
                           "(environ 1,5 % de l'électricité mondiale)", "iea-energy-ai",
                           "source secondaire seulement")
DATA_CENTRES_2030 = Figure(945, "TWh", "projection de l'AIE pour 2030 (scénario de référence)",
                           "iea-energy-ai", "source secondaire seulement")
GEMINI_PROMPT_WH = Figure(0.24, "Wh", "question de texte médiane à Gemini (mai 2025), centre de données "
                          "compris", "google-gemini", "conforme")
GEMINI_PROMPT_WATER_ML = Figure(0.26, "mL", "eau consommée pour la même question médiane (refroidissement "
                                "du centre de données)", "google-gemini", "conforme")
CHATGPT_EPRI_WH = Figure(2.9, "Wh", "question à ChatGPT, estimation reprise par l'EPRI en 2024 (premières "
                         "versions du service)", "epri-2024", "source secondaire seulement")
# Luccioni et al., FAccT 2024, table 2: means over the models tested, per 1,000 inferences on A100 GPUs.
IMAGE_MEAN_KWH_PER_1000 = Figure(2.907, "kWh", "1 000 images générées, moyenne des modèles testés",
                                 "luccioni-2024", "corrigé")
IMAGE_WORST_KWH_PER_1000 = Figure(11.49, "kWh", "1 000 images générées, modèle le moins efficace testé",
                                  "luccioni-2024", "conforme")
TEXT_GEN_KWH_PER_1000 = Figure(0.047, "kWh", "1 000 générations de texte (10 jetons chacune), moyenne des "
                               "modèles testés (petits modèles ouverts)", "luccioni-2024", "corrigé")
PHONE_CHARGE_KWH = Figure(0.022, "kWh", "recharge d'un smartphone (chiffre de l'agence américaine de "
                          "l'environnement utilisé par l'étude)", "luccioni-2024", "corrigé")
STREAMING_HOUR_KWH = Figure(0.077, "kWh", "une heure de vidéo en streaming en 2019 (centres de données, "
                            "réseaux et écran)", "iea-streaming", "source secondaire seulement")
STREAMING_HOUR_G = Figure(36, "g CO2", "une heure de vidéo en streaming en 2019, avec l'électricité moyenne "
                          "du monde", "iea-streaming", "conforme")
# The digital sector in France, life cycle included (ADEME and Arcep, 2022).
DIGITAL_FR_SHARE = Figure(2.5, "%", "part du numérique dans l'empreinte carbone de la France (16,9 millions de "
                          "tonnes de CO2e par an), fabrication des appareils comprise", "ademe-arcep-2022",
                          "source secondaire seulement")
DEVICES_SHARE = Figure(65, "%", "part minimale des appareils (écrans, téléviseurs, ordinateurs, téléphones) dans "
                       "l'impact environnemental du numérique en France : de 65 à 90 % selon l'indicateur ; "
                       "leur fabrication est la principale source d'impact", "ademe-arcep-2022",
                       "source secondaire seulement")


def figures() -> dict[str, Figure]:
    """Every published figure of the module by its constant name: the rows of the README's check table."""
    return {name: value for name, value in globals().items() if isinstance(value, Figure)}


def sources_block(keys, intro: str = "") -> str:
    """The « Sources » Markdown block that ends a lesson notebook, written from the entries above.

    Notebooks carry it as text (a reader sees it without running anything, and the kit's fact checks read
    its date); tests/energy checks that each notebook's block is exactly this one.
    """
    lines = ["## Sources", ""] + ([intro, ""] if intro else [])
    lines += [f"- {SOURCES[k].cite()}" for k in keys]
    day = int(CHECKED[8:])
    return "\n".join(lines + ["", f"*Faits vérifiés le {'1er' if day == 1 else day} décembre {CHECKED[:4]}.*"])
