"""Does a message state the same details as a verified claim: year, number, place, person, organisation, negation?

Sentence embeddings say whether two sentences talk about the same subject; they barely see that « en 2023 »
is not « en 2010 », or that « ne provoque pas » says the opposite of « provoque ». This module reads both
sentences with spaCy's small French model (``fr_core_news_sm``: named entities and lemmas) and
:mod:`civicai.disinfo.numbers_fr` (years, shares, counts), and lists the details that conflict.

A message may add details (« ma voisine de Lyon m'a dit que… ») or leave some out: only a *substitution*
counts — the claim names a place and the message names another one instead, the claim gives a year and the
message another year — and a flipped negation. The model is loaded lazily, once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from civicai.disinfo.numbers_fr import YEAR, Quantity, conflicts, fold, quantities

MODEL = "fr_core_news_sm"
# spaCy labels we compare, and the word for each kind of detail. Other names (MISC: « accord de Paris »)
# only count on the claim's side: replaced by a place, a person or an organisation, they are a difference.
ENTITY_KINDS = {"LOC": "place", "PER": "person", "ORG": "organisation", "MISC": "name"}
DETAIL_WORDS = {"year": "l'année", "number": "un nombre", "place": "le lieu", "person": "la personne",
                "organisation": "l'organisation", "negation": "la négation"}
_GRAMMAR_WORDS = {"le", "la", "les", "l", "de", "du", "des", "d", "en", "au", "aux", "et", "a"}
# « Ce n'est pas vrai que… », « il est faux de dire que… »: the sentence denies what follows.
_DENIAL = re.compile(r"\b(?:(?:ce|ca|il) n'?est pas vrai|c'?est pas vrai|(?:c'?est|il est|ca) faux"
                     r"|(?:c'?est|il est) (?:un mythe|une legende|une rumeur))(?: de (?:dire|croire|penser))? qu"
                     r"|\bcontrairement a ce qu'?(?:on|ils|elles) (?:dit|disent|croit|croient|pense|pensent)")
_WORD = re.compile(r"[a-z0-9]+'?|[a-z]")
# Negative words that need « ne » before them (« ne … plus », « n'… rien »): alone they mean something else.
_WITH_NE = {"jamais", "rien", "aucun", "aucune", "plus", "personne", "nullement", "guere", "ni"}
_nlp = None


def nlp():
    """The French spaCy pipeline without its parser (not needed here), loaded once.

    spaCy's ``thinc`` imports torch when it can, only to offer it as a backend this pipeline never uses:
    180 MB and several seconds per kiosk kernel. While spaCy loads, torch is made unimportable (thinc then
    records that it has no torch), and importable again right after, for notebooks that need it.
    """
    global _nlp
    if _nlp is None:
        import sys

        blocked = "torch" not in sys.modules
        if blocked:
            sys.modules["torch"] = None  # an ImportError for `import torch` while spaCy loads
        try:
            import spacy

            _nlp = spacy.load(MODEL, exclude=["parser"])
        finally:
            if blocked and sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]
    return _nlp


@dataclass(frozen=True)
class Difference:
    """One detail the message states differently: its kind and both values, as written."""

    kind: str       # annee, nombre, lieu, personne, organisation, negation
    claim: str      # what the verified claim says
    message: str    # what the message says instead

    def describe(self) -> str:
        """French, for visitors: « l'année (2023 au lieu de 2010) »."""
        if self.kind == "negation":
            return "la négation (votre message dit le contraire de l'affirmation vérifiée)"
        return f"{DETAIL_WORDS[self.kind]} (« {self.message} » au lieu de « {self.claim} »)"


@dataclass(frozen=True)
class Details:
    """What a sentence states, ready to compare: entities, quantities, polarity and its words."""

    entities: tuple[tuple[str, str], ...]   # (kind, text as written)
    quantities: tuple[Quantity, ...]
    negated: bool
    words: frozenset[str]                    # folded forms and lemmas


def negated(text: str) -> bool:
    """True when the sentence is negative: « ne … pas », « n'a jamais », spoken « c'est pas »,
    or a denial frame « ce n'est pas vrai que … » around a positive statement (and the reverse)."""
    folded = fold(text).replace("\u2019", "'").replace("-", " ")
    frame = _DENIAL.search(folded)
    if frame:
        folded = folded[:frame.start()] + " " + folded[frame.end():]
    words = _WORD.findall(folded)
    negative = False
    for i, word in enumerate(words):
        before = words[max(0, i - 4):i]
        has_ne = any(w in ("ne", "n'", "n") for w in before)
        if word == "pas" and not (before[-1:] in (["ou"], ["ce"]) or before[-2:] == ["est", "ce"]):
            negative = True
        elif word in _WITH_NE and has_ne:
            negative = True
        elif word == "jamais" and not {"plus", "moins", "que", "qu'", "si"} & set(words[max(0, i - 3):i]):
            negative = True  # « la foudre tombe jamais deux fois », not « la plus chaude jamais mesurée »
    return negative != bool(frame)


@lru_cache(maxsize=4096)
def details(text: str) -> Details:
    """Parse ``text`` once (cached: corpus claims come back at every query)."""
    doc = nlp()(text)
    entities = tuple((ENTITY_KINDS[e.label_], e.text) for e in doc.ents if e.label_ in ENTITY_KINDS)
    words = set()
    for token in doc:
        for form in (token.text, token.lemma_):
            words.update(w.strip("'") for w in _WORD.findall(fold(form).replace("-", " ")))
    return Details(entities, tuple(quantities(text)), negated(text), frozenset(words))


def _significant(entity: str) -> list[str]:
    words = [w.strip("'") for w in _WORD.findall(fold(entity).replace("-", " "))]
    return [w for w in words if w and w not in _GRAMMAR_WORDS]


def mentioned(entity: str, other: Details) -> bool:
    """Whether ``other`` names ``entity``: each word by its stem (« France » ~ « français »), or its acronym."""
    words = _significant(entity)
    if not words:
        return True
    acronym = "".join(w[0] for w in words)
    if len(words) > 1 and acronym in other.words:
        return True

    def found(word: str) -> bool:
        if len(word) <= 4:
            return word in other.words
        stem = word[:max(4, len(word) - 2)]
        return any(w.startswith(stem) for w in other.words)

    return all(found(w) for w in words)


def _significant_acronym(entity: str) -> str:
    return "".join(w[0] for w in _significant(entity))


def _entity_conflict(claim: Details, message: Details) -> Difference | None:
    missing = [(k, t) for k, t in claim.entities if not mentioned(t, message)
               and any(len(w) > 2 for w in _significant(t))]
    extra = [(k, t) for k, t in message.entities if k != "name" and not mentioned(t, claim)
             and not any(_significant_acronym(c) == "".join(_significant(t)) for _, c in claim.entities)]
    if not (missing and extra):
        return None
    # Prefer a pair of the same kind (a place for a place); else report the message's entity kind.
    for kind, text in extra:
        same = [t for k, t in missing if k == kind]
        if same:
            return Difference(kind, same[0], text)
    return Difference(extra[0][0], missing[0][1], extra[0][1])


def compare(claim_text: str, message_text: str, *, negation: bool = True) -> list[Difference]:
    """The details ``message_text`` states differently from ``claim_text`` (empty: same details).

    ``negation=False`` leaves polarity out: for a loud wording (« ce qu'on ne vous dit pas !!! ») whose
    frame is negative while the claim it carries is not.
    """
    claim, message = details(claim_text), details(message_text)
    found = []
    for kind, theirs, mine in conflicts(list(claim.quantities), list(message.quantities)):
        found.append(Difference("year" if kind == YEAR else "number", theirs.text, mine.text))
    entity = _entity_conflict(claim, message)
    if entity:
        found.append(entity)
    if negation and claim.negated != message.negated:
        found.append(Difference("negation", claim_text, message_text))
    return found


def shared(claim_text: str, message_text: str) -> bool:
    """Whether the message states at least one detail of the claim: a name, or an equal quantity."""
    claim, message = details(claim_text), details(message_text)
    return (any(mentioned(t, message) and any(len(w) > 2 for w in _significant(t)) for _, t in claim.entities)
            or any(q.matches(m) for q in claim.quantities for m in message.quantities))
