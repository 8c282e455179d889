"""Review records of the « affirmations-fr » corpus: which fact was checked against which source, by whom, when.

A claim may be presented to the public as « déjà vérifié » only when its fact has a review record with the
status ``relu`` and a checkable source (title, publisher, date). The records live apart from the corpus
sources in ``datasets/affirmations-fr/revues.csv`` (one row per fact), so that reviewing never changes the
texts the detector and the encoder were built from.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from civicai.errors import UserError
from civicai.paths import datasets_dir

REVIEW_COLUMNS = ["id_fait", "statut", "role_relecteur", "date_relecture", "source_titre", "source_editeur",
                  "source_date", "source_lien", "chiffre_soutenu", "note"]
STATUSES = ("relu", "à relire")
REVIEWED = "relu"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?")


def reviews_path() -> Path:
    return datasets_dir() / "affirmations-fr" / "revues.csv"


@dataclass(frozen=True)
class Review:
    fact_id: str
    status: str
    reviewer_role: str
    reviewed_on: str
    source_title: str
    source_publisher: str
    source_date: str
    source_link: str
    supported_figure: str
    note: str

    @property
    def is_reviewed(self) -> bool:
        """True only for a record that says who checked which source, and when."""
        return (self.status == "relu" and all((self.reviewer_role, self.reviewed_on, self.source_title,
                                               self.source_publisher, self.source_date)))


@lru_cache(maxsize=4)
def load_reviews(path: Path | None = None) -> dict[str, Review]:
    """Every review record by fact id (``f001``...); an absent file means nothing is reviewed."""
    path = path or reviews_path()
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != REVIEW_COLUMNS:
            raise UserError(f"{path} : les colonnes attendues sont {', '.join(REVIEW_COLUMNS)}.")
        records = {}
        for row in reader:
            if row["statut"] not in STATUSES:
                raise UserError(f"{path} : statut inconnu « {row['statut']} » pour {row['id_fait']}.")
            if row["id_fait"] in records:
                raise UserError(f"{path} : le fait {row['id_fait']} a deux lignes ; gardez-en une seule.")
            records[row["id_fait"]] = Review(*(row[c] for c in REVIEW_COLUMNS))
    return records


def reviewed_fact_ids(path: Path | None = None) -> frozenset[str]:
    """The facts that may be shown as « déjà vérifié »."""
    return frozenset(f for f, r in load_reviews(path).items() if r.is_reviewed)


def review_problems(fact_ids, path: Path | None = None) -> list[str]:
    """Everything wrong with the review file against the corpus facts (an empty list means sound).

    A ``relu`` row must say who checked (role, ISO date) and which source (title, publisher, date);
    a link, when given, must be an ``https://`` address so a reader can open it.
    """
    records = load_reviews(path)
    problems = [f"{f}: no review row" for f in sorted(set(fact_ids) - set(records))]
    problems += [f"{f}: not a fact of the corpus" for f in sorted(set(records) - set(fact_ids))]
    for fact_id, r in sorted(records.items()):
        if r.status != REVIEWED:
            continue
        if not r.is_reviewed:
            problems.append(f"{fact_id}: 'relu' without role, review date or source title/publisher/date")
        if not _ISO_DATE.fullmatch(r.reviewed_on):
            problems.append(f"{fact_id}: review date {r.reviewed_on!r} is not YYYY-MM-DD")
        if r.source_link and not _HTTPS_URL.fullmatch(r.source_link):
            problems.append(f"{fact_id}: link {r.source_link!r} is not an https:// address")
    return problems


def review_summary(path: Path | None = None) -> dict:
    """Counts for the datasheet and the kiosk: how many facts were checked, by whom, when."""
    records = load_reviews(path).values()
    done = [r for r in records if r.is_reviewed]
    return {"facts": len(records), "reviewed": len(done), "to_review": len(records) - len(done),
            "roles": sorted({r.reviewer_role for r in done}), "dates": sorted({r.reviewed_on for r in done})}
