"""How easy the kit's French text is to read: Flesch's reading ease as adapted to French by Kandel and Moles.

    L = 207 - 1.015 x (words per sentence) - 0.736 x (syllables per 100 words)

Higher is easier; the scale reads like Flesch's English one (0 very hard, 100 very easy). Source of
the formula: « Comment est calculé l'indice de lisibilité ? », Synapse Développement (Cordial),
http://www.cordial.fr/descr_technique/lisibilite.htm, read 2026-12-02 (it names L. Kandel and
A. Moles; their 1958 paper itself was not checked here). Syllables are counted by rule (groups of
vowels, a final mute « e » does not count), as written French is read aloud, not from a dictionary:
the figure is an estimate, good for comparing texts of the kit with each other and with a bound.

Why a bound of 70 per notebook (:data:`COLLEGE_BOUND`): on Flesch's scale, 60 to 70 is the band that
pupils aged 13 to 15 read easily (« Indice de lisibilité de Flesch », Oscar Stories,
https://oscarstories.com/fr/calculator/flesch-reading-ease, read 2026-12-02); collège starts at 11,
so the kit asks for the band above (70 to 80, "fairly easy"). A French daily's article (sentences
of 25 words, 1.65 syllables a word) scores about 60. Learner text is
the markdown of learner notebooks without code, formulas, links' addresses and the "Sources" block
(references keep their original titles, which no rewriting can simplify).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

COLLEGE_BOUND = 70.0
VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
_WORD = re.compile(rf"[a-z{VOWELS}ç]+(?:['’-][a-z{VOWELS}ç]+)*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s|$)|\n\s*\n|\n\s*[-*]\s|\n#+\s")
_VOWEL_GROUP = re.compile(rf"[{VOWELS}]+")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def score(self) -> float:
        """Kandel and Moles' reading ease (higher is easier)."""
        if not self.words:
            return 100.0
        return 207 - 1.015 * self.words / self.sentences - 0.736 * 100 * self.syllables / self.words


def syllables(word: str) -> int:
    """Spoken syllables of a French word, by rule (at least one)."""
    w = word.lower().replace("’", "'").split("'")[-1]
    w = w.replace("qu", "q").replace("gu", "g")
    if len(w) > 2 and re.search(r"[^aeiouy]es?$|[^aeiouy]ent$", w) and not w.endswith(("ées", "ée")):
        w = re.sub(r"(es?|ent)$", "", w)  # mute final e, es, ent (verbs)
    return max(1, len(_VOWEL_GROUP.findall(w)))


def measure(text: str) -> Readability:
    words = _WORD.findall(text)
    parts = [p for p in _SENTENCE_END.split(text) if _WORD.search(p)]
    return Readability(len(words), max(1, len(parts)), sum(syllables(w) for w in words))


_STRIP = [
    (re.compile(r"```.*?```", re.DOTALL), " "),        # code blocks
    (re.compile(r"`[^`]*`"), " "),                     # inline code
    (re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.DOTALL), " "),  # formulas
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),        # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),      # links: keep the words
    (re.compile(r"<[^>]+>"), " "),                     # HTML tags
    (re.compile(r"https?://\S+"), " "),
    (re.compile(r"[*_>|#]+"), " "),
]
_SOURCES = re.compile(r"^\s*(?:#+\s*|\*\*)?Sources?\b", re.IGNORECASE | re.MULTILINE)


def learner_text(markdown: str) -> str:
    """The prose of a markdown cell as a learner reads it (no code, formulas, addresses, sources)."""
    found = _SOURCES.search(markdown)
    if found:
        markdown = markdown[:found.start()]
    for pattern, repl in _STRIP:
        markdown = pattern.sub(repl, markdown)
    return markdown


def notebook_text(path: Path) -> str:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    return "\n\n".join(learner_text("".join(c["source"])) for c in cells)


def notebook_readability(path: Path) -> Readability:
    return measure(notebook_text(path))


def learner_notebooks(modules: Path) -> list[Path]:
    """The notebooks of the learners' path (``NN-*.ipynb``; the kiosk demos are not read this way)."""
    return sorted(Path(modules).glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))


def report(modules: Path) -> str:
    """A markdown table of every learner notebook's figure (``python -m civicai.readability``)."""
    rows = ["| Notebook | Mots | Mots par phrase | Syllabes par mot | Lisibilité |", "|---|---|---|---|---|"]
    for path in learner_notebooks(modules):
        r = notebook_readability(path)
        rows.append(f"| {path.parent.name}/{path.name} | {r.words} | {r.words / r.sentences:.1f} | "
                    f"{r.syllables / max(1, r.words):.2f} | {r.score:.0f} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover - prints the figures for the READMEs
    from civicai.paths import modules_dir

    print(report(modules_dir()))
