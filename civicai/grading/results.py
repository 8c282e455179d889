"""What grading tells the teacher about one submission: its scores and its flags, in French."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Flag codes -> what the teacher reads (French).
FLAG_TEXT = {
    "cellule-test-modifiee": "une cellule de test a été modifiée (la version d'origine a été remise pour la correction)",
    "cellule-test-supprimee": "une cellule de test a été supprimée (elle compte 0 point)",
    "delai-cellule": "une cellule a dépassé le temps autorisé et a été interrompue",
    "noyau-bloque": "le programme ne répondait plus (boucle sans fin ?) : correction arrêtée, note à vérifier à la main",
    "noyau-arrete": "le programme s'est arrêté pendant la correction (sys.exit, os._exit, mémoire...) : note à vérifier à la main",
    "delai-depasse": "la correction a dépassé le temps total autorisé : copie arrêtée, note à vérifier à la main",
    "sortie-enorme": "la copie affiche une sortie énorme : elle a été coupée",
    "acces-interdit": "la copie a essayé de lire ou d'écrire hors de son dossier de travail (tests cachés, sources, "
                      "carnet de notes...) : refusé",
    "echec-correction": "nbgrader n'a pas pu corriger cette copie : note à vérifier à la main",
    "sys-exit": "la copie appelle sys.exit() (sans effet sur la correction)",
    "limite-memoire": "la copie a demandé trop de mémoire : elle a été arrêtée à la limite",
    "limite-processus": "la copie lance trop de processus (boucle de fork ?) : elle a été arrêtée à la limite",
    "pas-json": "le notebook rendu n'est pas un fichier JSON (autre format, ou fichier abîmé) : copie non corrigée, "
                "à regarder à la main",
    "fichier-tronque": "le notebook rendu est coupé avant la fin (envoi interrompu ?) : copie non corrigée, "
                       "à regarder à la main",
    "pas-un-notebook": "le fichier rendu est du JSON mais pas un notebook Jupyter : copie non corrigée",
    "fichier-trop-gros": "le notebook rendu est trop gros pour être lu : copie non corrigée",
    "fichier-lourd": "le notebook rendu est très lourd à cause de sorties enregistrées : elles ont été effacées "
                     "avant la correction",
    "cellule-notee-inconnue": "une cellule notée qui n'existe pas dans le devoir a été ajoutée : elle est ignorée, "
                              "le reste est corrigé",
    "noyau-etranger": "le notebook demandait un autre noyau que celui du devoir : il a été corrigé avec Python, "
                      "comme le devoir",
    "lien-symbolique": "le dossier rendu contient un lien vers un autre fichier de la machine : il a été ignoré",
    "notebook-absent": "un notebook du devoir manque dans le dossier rendu",
    "reaffectation": "la copie redéfinit des noms dont les tests ont besoin (les tests ont utilisé les originaux) : "
                     "à regarder",
    "code-suspect": "la copie touche au fonctionnement interne de Python (modules, fonctions de base, signaux...) : "
                    "à vérifier à la main",
}
BENIGN = ("sortie-enorme", "sys-exit", "delai-cellule", "limite-memoire", "limite-processus", "fichier-lourd",
          "noyau-etranger")


@dataclass
class Flag:
    code: str
    detail: str = ""

    @property
    def text(self) -> str:
        base = FLAG_TEXT.get(self.code, self.code)
        return f"{base} ({self.detail})" if self.detail else base


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    ok: bool = False
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    flags: list[Flag] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)  # notebook, grade_id, auto_score, max_score, manual
    comments: list[dict] = field(default_factory=list)
    timestamp: str | None = None
    log_tail: str = ""

    @property
    def needs_review(self) -> bool:
        return not self.ok or any(f.code not in BENIGN for f in self.flags)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["flags"] = [{"code": f.code, "detail": f.detail, "texte": f.text} for f in self.flags]
        return d
