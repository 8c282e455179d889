"""The « affirmations-fr » corpus: short French claims written for the kit.

The corpus is *built* from plain-text sources (``datasets/affirmations-fr/sources/*.txt``,
one fact per line, written twice: neutral and sensational) into ``affirmations.csv``::

    python -m civicai.disinfo.corpus build   # sources -> CSV
    python -m civicai.disinfo.corpus check   # validate the CSV, print balance figures

Splits (column ``partie``), designed to teach shortcut learning:

- ``A`` (confounded): one row per fact of group A, true facts in neutral style, false or
  misleading facts in sensational style, so style predicts the label perfectly.
- ``B`` (balanced): both rows of every fact of group B, so style is independent of the label.
- ``reserve``: the unused variant of group-A facts (kept for claim matching and the game,
  never used to train or test the detector, so no fact is shared between A and B).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError
from civicai.paths import datasets_dir

COLUMNS = ["id", "id_fait", "texte", "etiquette", "theme", "technique", "style", "partie",
           "explication", "reference", "type_reference"]
LABELS = ("vrai", "faux", "trompeur")
TOPICS = ("sante", "climat", "elections", "immigration", "technologie", "vie_locale", "sciences",
          "economie")
TECHNIQUES = ("aucune", "emotion", "polarisation", "conspiration", "usurpation", "discredit",
              "trolling")
STYLES = ("neutre", "sensationnel")
SPLITS = ("A", "B", "reserve")
REFERENCE_TYPES = ("statistique_officielle", "rapport_officiel", "texte_juridique",
                   "fiche_institutionnelle", "publication_scientifique", "consensus_scientifique",
                   "verification_presse", "annonce_entreprise")
SOURCE_FIELDS = 8


def corpus_dir() -> Path:
    return datasets_dir() / "affirmations-fr"


def csv_path() -> Path:
    return corpus_dir() / "affirmations.csv"


@dataclass(frozen=True)
class Fact:
    fact_id: str
    label: str
    topic: str
    technique: str
    reference_type: str
    reference: str
    explanation: str
    neutral: str
    sensational: str


def parse_sources(folder: Path | None = None) -> list[Fact]:
    """Read every ``sources/*.txt`` file: one fact per non-comment line, `` | `` separated."""
    folder = Path(folder) if folder else corpus_dir() / "sources"
    facts = []
    for path in sorted(folder.glob("*.txt")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [f.strip() for f in line.split(" | ")]
            if len(fields) != SOURCE_FIELDS:
                raise ValueError(f"{path.name}:{lineno}: {len(fields)} fields, expected {SOURCE_FIELDS}")
            label, topic, technique, ref_type, reference, explanation, neutral, sensational = fields
            facts.append(Fact(f"f{len(facts) + 1:03d}", label, topic, technique, ref_type, reference,
                              explanation, neutral, sensational))
    return facts


def assign_groups(facts: list[Fact]) -> dict[str, str]:
    """Group A or B for each fact: alternate within each (true or not, topic) stratum.

    Deterministic (source order), so both groups get the same mix of labels and topics.
    """
    counters: dict[tuple, int] = {}
    groups = {}
    for fact in facts:
        key = (fact.label == "vrai", fact.topic)
        groups[fact.fact_id] = "A" if counters.get(key, 0) % 2 == 0 else "B"
        counters[key] = counters.get(key, 0) + 1
    return groups


def build_rows(facts: list[Fact]) -> list[dict]:
    """Two rows per fact (neutral ``-n`` and sensational ``-s``) with their split."""
    groups = assign_groups(facts)
    rows = []
    for fact in facts:
        confounded_style = "neutre" if fact.label == "vrai" else "sensationnel"
        for style, text in (("neutre", fact.neutral), ("sensationnel", fact.sensational)):
            if groups[fact.fact_id] == "B":
                split = "B"
            else:
                split = "A" if style == confounded_style else "reserve"
            rows.append({
                "id": f"{fact.fact_id}-{style[0]}", "id_fait": fact.fact_id, "texte": text,
                "etiquette": fact.label, "theme": fact.topic, "technique": fact.technique,
                "style": style, "partie": split, "explication": fact.explanation,
                "reference": fact.reference, "type_reference": fact.reference_type,
            })
    return rows


def write_csv(rows: list[dict], path: Path | None = None) -> Path:
    path = Path(path) if path else csv_path()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _built(path: str | Path | None) -> Path:
    """The corpus file (the kit's own by default), which must have been built."""
    path = Path(path) if path else csv_path()
    if not path.is_file():
        raise UserError(f"Corpus introuvable : {path}. Reconstruisez-le avec "
                        "« python -m civicai.disinfo.corpus build ».")
    return path


def read_rows(path: str | Path | None = None) -> list[dict]:
    """The corpus as a list of dicts, without pandas (for the light kiosk demos)."""
    path = _built(path)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_claims(path: str | Path | None = None):
    """The corpus as a pandas DataFrame (one row per written claim).

    >>> df = load_claims()
    >>> sorted(df["etiquette"].unique())
    ['faux', 'trompeur', 'vrai']
    """
    import pandas as pd

    return pd.read_csv(_built(path), dtype=str, keep_default_na=False)


def split(df, name: str):
    """Rows of split ``A`` (confounded) or ``B`` (balanced), index reset."""
    if name not in ("A", "B"):
        raise ValueError("split name must be 'A' or 'B'")
    return df[df["partie"] == name].reset_index(drop=True)


def is_doubtful(labels) -> "list[int]":
    """Binary target of the detector: 1 for ``faux`` or ``trompeur``, 0 for ``vrai``."""
    return [int(label != "vrai") for label in labels]


def style_label_association(df) -> float:
    """Share of rows where « sensational » coincides with « false or misleading ».

    1.0 means style predicts the label perfectly (confounded); 0.5 means independent
    when both classes are balanced.
    """
    doubtful = df["etiquette"] != "vrai"
    sensational = df["style"] == "sensationnel"
    return float((doubtful == sensational).mean())


def validate(df) -> dict:
    """Check the corpus; raise ``ValueError`` listing every problem, return balance figures."""
    problems = []
    if list(df.columns) != COLUMNS:
        problems.append(f"columns {list(df.columns)} != {COLUMNS}")
    allowed = {"etiquette": LABELS, "theme": TOPICS, "technique": TECHNIQUES, "style": STYLES,
               "partie": SPLITS, "type_reference": REFERENCE_TYPES}
    for column, values in allowed.items():
        bad = sorted(set(df[column]) - set(values))
        if bad:
            problems.append(f"{column}: unexpected values {bad}")
    for column in COLUMNS:
        if (df[column].str.strip() == "").any():
            problems.append(f"{column}: empty cells in rows {list(df.index[df[column].str.strip() == ''])[:5]}")
    if len(df) < 400:
        problems.append(f"only {len(df)} rows (at least 400 expected)")
    if df["id"].duplicated().any():
        problems.append(f"duplicate ids: {sorted(df['id'][df['id'].duplicated()])[:5]}")
    normalised = df["texte"].str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    if normalised.duplicated().any():
        problems.append(f"duplicate texts: {list(df['texte'][normalised.duplicated()])[:3]}")
    if (df[df["etiquette"] == "vrai"]["technique"] != "aucune").any():
        problems.append("true claims must have technique 'aucune'")
    if (df[df["etiquette"] != "vrai"]["technique"] == "aucune").any():
        problems.append("false or misleading claims need a manipulation technique")
    per_fact = df.groupby("id_fait")["style"].agg(lambda s: tuple(sorted(s)))
    if (per_fact != ("neutre", "sensationnel")).any():
        problems.append("every fact needs exactly one neutral and one sensational row")
    facts_a = set(df[df["partie"] == "A"]["id_fait"])
    facts_b = set(df[df["partie"] == "B"]["id_fait"])
    if facts_a & facts_b:
        problems.append(f"facts shared by splits A and B: {sorted(facts_a & facts_b)[:5]}")
    a, b = df[df["partie"] == "A"], df[df["partie"] == "B"]
    report = {
        "rows": len(df), "facts": df["id_fait"].nunique(),
        "labels": df.drop_duplicates("id_fait")["etiquette"].value_counts().to_dict(),
        "rows_A": len(a), "rows_B": len(b),
        "association_A": style_label_association(a), "association_B": style_label_association(b),
        "doubtful_share_A": float((a["etiquette"] != "vrai").mean()),
        "doubtful_share_B": float((b["etiquette"] != "vrai").mean()),
    }
    if report["association_A"] < 0.99:
        problems.append(f"split A is not confounded (association {report['association_A']:.2f})")
    if abs(report["association_B"] - 0.5) > 0.05:
        problems.append(f"split B is not balanced (association {report['association_B']:.2f})")
    if problems:
        raise ValueError("corpus problems:\n- " + "\n- ".join(problems))
    return report


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        path = write_csv(build_rows(parse_sources()))
        print(f"wrote {path}")
        argv = ["check"]
    if argv[:1] == ["check"]:
        from civicai.disinfo import review

        claims = load_claims()
        report = validate(claims)
        problems = review.review_problems(set(claims["id_fait"]))
        if problems:
            raise ValueError("review problems (revues.csv):\n- " + "\n- ".join(problems))
        report["reviewed_facts"] = review.review_summary()["reviewed"]
        for key, value in report.items():
            print(f"{key}: {value}")
        return 0
    print("usage: python -m civicai.disinfo.corpus build|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
