"""The French word list the tiny generative model learns from (``datasets/mots-francais``).

The shipped file is a deterministic subset of Debian's ``wfrench`` list (GPL-2+), made by
:func:`build_subset`; see ``datasets/mots-francais/DATASHEET.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from civicai.errors import UserError

DATASET = "mots-francais"
WORDS_FILE = "mots.txt"
DEBIAN_LIST = Path("/usr/share/dict/french")

# Lower-case French letters only: no capitals (proper nouns), digits, apostrophes or hyphens.
_WORD = re.compile(r"^[a-zàâæçéèêëîïôœùûüÿ]+$")


def keep(word: str, *, min_len: int = 3, max_len: int = 12) -> bool:
    """True for a plain lower-case French word of a reasonable length.

    >>> keep("maison"), keep("Paris"), keep("aujourd'hui"), keep("a")
    (True, False, False, False)
    """
    return min_len <= len(word) <= max_len and bool(_WORD.match(word))


def build_subset(source: Path = DEBIAN_LIST, dest: Path | None = None, *, step: int = 10) -> list[str]:
    """Keep every ``step``-th plain word of ``source`` (sorted, deterministic) and write it to ``dest``."""
    words = [w.strip() for w in Path(source).read_text(encoding="utf-8").splitlines()]
    kept = [w for w in words if keep(w)][::step]
    if dest is not None:
        Path(dest).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return kept


def words_path() -> Path:
    from civicai.paths import datasets_dir

    return datasets_dir() / DATASET / WORDS_FILE


def load_words(path: str | Path | None = None) -> list[str]:
    """The shipped French words, one per line."""
    path = Path(path) if path else words_path()
    if not path.is_file():
        raise UserError(f"Liste de mots introuvable : {path}. "
                        "Vérifiez que le dossier datasets/mots-francais du kit est bien présent.")
    return [w for w in path.read_text(encoding="utf-8").split() if w]
