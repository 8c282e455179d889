"""French numbers, years, percentages and fractions, normalised so that two wordings can be compared.

« deux mille vingt-trois », « 2023 » and « en 23 » are the same year; « 50 % », « la moitié » and
« cinquante pour cent » the same share; « 1,1 °C » a temperature; « deux heures » a duration. Claim matching
uses this to see that « la Croatie est passée à l'euro en 2023 » does not state the year of « l'euro a
remplacé le franc en 2010 ». Pure Python, no model: it runs on every kiosk query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Kinds of quantity: only quantities of the same kind are compared.
YEAR, SHARE, TEMPERATURE, DURATION, COUNT = "year", "share", "temperature", "duration", "count"

UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
         "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
         "seize": 16}
TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
SCALES = {"mille": 1000, "milles": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9,
          "milliards": 10**9}
FRACTIONS = {"moitie": 1 / 2, "tiers": 1 / 3, "quart": 1 / 4, "quarts": 1 / 4, "dixieme": 1 / 10,
             "dixiemes": 1 / 10, "centieme": 1 / 100}
SECONDS = {"seconde": 1, "secondes": 1, "minute": 60, "minutes": 60, "heure": 3600, "heures": 3600,
           "jour": 86400, "jours": 86400, "semaine": 604800, "semaines": 604800, "mois": 2629800,
           "an": 31557600, "ans": 31557600, "annee": 31557600, "annees": 31557600, "siecle": 3155760000,
           "siecles": 3155760000}
# Words after which a bare « 23 » or « deux mille dix » is read as a year.
YEAR_CUES = {"en", "depuis", "annee", "annees", "an", "de", "dès", "des", "jusqu'en", "fin", "debut", "mi",
             "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
             "novembre", "decembre", "printemps", "ete", "automne", "hiver", "l'an"}

# Names that contain digits (Covid-19, 5G, CO2, H1N1) are not quantities; ordinals (19e, 1er) are kept.
_NAMES = re.compile(r"\b(?:[a-z]+-?\d+[a-z\d]*|\d+(?!(?:er|e|eme|ere|emes)\b)[a-z]+\w*)\b")
_TOKEN = re.compile(r"\d{1,3}(?:[  ]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?|°\s?c\b|%|[a-z]+(?:'|’)?")


@dataclass(frozen=True)
class Quantity:
    """A number found in a text: its value in a common unit, its kind and the words it came from."""

    value: float
    kind: str
    text: str

    def matches(self, other: "Quantity") -> bool:
        """Same kind and same value, allowing rounding (« 58,55 % » and « 58 % ») or 5 % of difference."""
        if self.kind != other.kind:
            return False
        a, b = self.value, other.value
        if self.kind == YEAR:
            return int(a) == int(b)
        return abs(a - b) <= 0.05 * max(abs(a), abs(b)) or (self.kind == COUNT and int(a) == int(b))


def fold(text: str) -> str:
    """Lower case without accents (« Moitié » -> « moitie »), as visitors often type."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Number-friendly tokens: « 1 000 », « 1,1 », « °c », « % », words (hyphens split)."""
    text = _NAMES.sub(" ", fold(text).replace("\u2019", "'")).replace("-", " ")
    return [t.rstrip("'’") if t.endswith(("'", "’")) and len(t) > 2 else t for t in _TOKEN.findall(text)]


def _digits(token: str) -> float | None:
    if not token[0].isdigit():
        return None
    return float(re.sub(r"[  ]", "", token).replace(",", "."))


def parse_words(words: list[str]) -> tuple[int, int] | None:
    """The number spelled at the start of ``words`` and how many words it used, or None.

    >>> parse_words("deux mille vingt trois".split())
    (2023, 4)
    >>> parse_words("quatre vingt dix sept".split())
    (97, 4)
    """
    total, current, used = 0, 0, 0
    for i, word in enumerate(words):
        if word == "et" and used == i and i and words[i + 1:i + 2] in (["un"], ["une"], ["onze"]):
            continue
        if word in UNITS:
            value = UNITS[word]
            if used and (current % 10 or (value >= 10 and current % 100 not in (0, 60, 80))):
                break  # « vingt-deux trois »: two numbers, keep the first
            current += value
        elif word in TENS:
            if current % 100 == 4 and word.startswith("vingt"):
                current += 76  # quatre-vingt(s)
            elif current % 100:
                break
            else:
                current += TENS[word]
        elif word in ("cent", "cents"):
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            break
        used = i + 1
    if not used:
        return None
    return total + current, used


def _after(words: list[str], i: int) -> str:
    return words[i] if i < len(words) else ""


def quantities(text: str) -> list[Quantity]:
    """Every year, share, temperature, duration and count stated in ``text``.

    >>> [(q.kind, q.value) for q in quantities("La moitié des gens, en deux mille vingt-trois")]
    [('share', 0.5), ('year', 2023)]
    """
    words = tokens(text)
    found: list[Quantity] = []
    i = 0
    while i < len(words):
        word, before = words[i], words[i - 1] if i else ""
        value, used, spelled = _digits(word), 1, False
        if value is None and word in FRACTIONS and before in ("la", "une", "un", "le", "les", "de", "du"):
            found.append(Quantity(FRACTIONS[word], SHARE, f"{before} {word}"))
            i += 1
            continue
        if value is None and word not in ("un", "une"):
            parsed = parse_words(words[i:])
            if parsed:
                value, used = parsed
                spelled = True
        if value is None:
            i += 1
            continue
        if not spelled and _after(words, i + 1) in SCALES:  # « 2 millions », « 1,5 milliard »
            value *= SCALES[words[i + 1]]
            used, spelled = 2, True
        nxt, nxt2 = _after(words, i + used), _after(words, i + used + 1)
        source = " ".join(words[i:i + used])
        if nxt in ("e", "eme", "er", "ere", "emes", "ieme"):
            i += used + 1  # an ordinal (« 19e siècle », « 1er janvier »): a rank, not a quantity
            continue
        if nxt in FRACTIONS:  # « trois quarts », « deux tiers »
            found.append(Quantity(value * FRACTIONS[nxt], SHARE, f"{source} {nxt}"))
            used += 1
        elif nxt == "%" or (nxt == "pour" and nxt2 == "cent") or nxt == "pourcent":
            found.append(Quantity(value / 100, SHARE, f"{source} %"))
            used += 2 if nxt == "pour" else 1
        elif nxt == "sur" and _digits(nxt2) is not None or (nxt == "sur" and nxt2 in UNITS | TENS):
            parsed = (_digits(nxt2), 1) if _digits(nxt2) is not None else parse_words(words[i + used + 1:])
            if parsed and parsed[0]:
                found.append(Quantity(value / parsed[0], SHARE, f"{source} sur {nxt2}"))
                used += 1 + parsed[1]
        elif nxt in ("°c", "degre", "degres") or nxt.startswith("°"):
            found.append(Quantity(value, TEMPERATURE, f"{source} °C"))
            used += 2 if nxt2 == "celsius" else 1
        elif nxt in SECONDS:
            found.append(Quantity(value * SECONDS[nxt], DURATION, f"{source} {nxt}"))
            used += 1
        elif _is_year(value, word, spelled, before, nxt):
            year = value if value >= 100 else (2000 + value if value <= 40 else 1900 + value)
            found.append(Quantity(year, YEAR, source))
        elif before == "annees" and value in (20, 30, 40, 50, 60, 70, 80, 90):
            found.append(Quantity(1900 + value, YEAR, f"années {source}"))
        else:
            found.append(Quantity(value, COUNT, source))
        i += used
    return found


def _is_year(value: float, token: str, spelled: bool, before: str, nxt: str) -> bool:
    if value != int(value):
        return False
    if 1000 <= value <= 2100:
        written_plainly = not spelled and len(token) == 4  # « 2 023 » or « 2023 € » are not years
        return (written_plainly and nxt not in ("euros", "euro", "€", "personnes", "habitants", "deces", "morts")
                ) or (spelled and (before in YEAR_CUES or not nxt))
    # « en 23 », « depuis 23 »: a two-digit year only right after a year cue and before no noun
    return not spelled and len(token) == 2 and before in ("en", "depuis", "an") and nxt not in ("fois", "sur")


def conflicts(claim: list[Quantity], message: list[Quantity]) -> list[tuple[str, Quantity, Quantity]]:
    """Kinds where both texts state quantities and none of the message's equals one of the claim's.

    A message may add numbers (« mon fils de 12 ans ») or leave some out; it conflicts only when, for one
    kind, every number it gives differs from every number the claim gives. Returns ``(kind, claim
    quantity, message quantity)``, one per conflicting kind.
    """
    out = []
    for kind in dict.fromkeys(q.kind for q in message):
        mine = [q for q in message if q.kind == kind]
        theirs = [q for q in claim if q.kind == kind]
        if theirs and not any(m.matches(t) for m in mine for t in theirs):
            out.append((kind, theirs[0], mine[0]))
    return out
