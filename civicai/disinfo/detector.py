"""A naive « fake news detector » (TF-IDF + logistic regression) and its shortcuts.

The detector reads words *and* style signs: every ``!`` and every word written in capitals
becomes a token of its own (``!`` and ``[MAJUSCULES]``), so that the notebook can show
which signs it relies on. Trained on the confounded split A it scores high; tested on the
balanced split B it falls: it learnt style, not truth.

>>> from civicai.disinfo.corpus import load_claims
>>> exp = shortcut_experiment(load_claims())
>>> exp.accuracy_confounded > exp.accuracy_balanced
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from civicai.disinfo.corpus import is_doubtful, split

SEED = 0
CAPS_TOKEN = "[MAJUSCULES]"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased words plus style tokens: ``!``, ``?`` and ``[MAJUSCULES]``.

    >>> tokens("CHOQUANT : le vaccin !!!")
    ['choquant', '[MAJUSCULES]', 'le', 'vaccin', '!', '!', '!']
    """
    out = []
    for match in re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[!?]", text):
        word = match.group(0)
        if word in "!?":
            out.append(word)
            continue
        out.append(word.lower())
        letters = re.sub(r"[^\w]", "", word)
        if len(letters) >= 3 and letters.isupper():
            out.append(CAPS_TOKEN)
    return out


def make_detector():
    """An unfitted pipeline: TF-IDF on :func:`tokens`, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=tokens, sublinear_tf=False, min_df=1),
        LogisticRegression(C=10.0, max_iter=1000, random_state=SEED),
    )


def train_detector(texts, labels):
    """Fit a detector on texts and labels (``vrai``/``faux``/``trompeur`` or 0/1)."""
    y = list(labels)
    if y and isinstance(y[0], str):
        y = is_doubtful(y)
    model = make_detector()
    model.fit(list(texts), y)
    return model


def accuracy(model, texts, labels) -> float:
    """Share of claims the detector puts in the right class (true vs false-or-misleading)."""
    y = list(labels)
    if y and isinstance(y[0], str):
        y = is_doubtful(y)
    predictions = model.predict(list(texts))
    return float(sum(int(p == t) for p, t in zip(predictions, y)) / len(y))


def doubt_probability(model, text: str) -> float:
    """Probability (0 to 1) the detector gives to « faux ou trompeur » for one text."""
    return float(model.predict_proba([text])[0][1])  # works for LightDetector too


def top_features(model, n: int = 10):
    """The ``n`` tokens that push most towards « douteux » and towards « fiable».

    Returns a DataFrame with columns ``signe`` (token), ``poids`` (weight) and ``pousse_vers``.
    """
    import numpy as np
    import pandas as pd

    vectorizer, classifier = model.steps[0][1], model.steps[-1][1]
    names = vectorizer.get_feature_names_out()
    weights = classifier.coef_[0]
    order = np.argsort(weights)
    doubtful = [(names[i], weights[i], "douteux") for i in order[::-1][:n]]
    reliable = [(names[i], weights[i], "fiable") for i in order[:n]]
    return pd.DataFrame(doubtful + reliable, columns=["signe", "poids", "pousse_vers"])


@dataclass
class ShortcutExperiment:
    """Result of :func:`shortcut_experiment` (accuracies between 0 and 1)."""

    model: object
    accuracy_confounded: float   # on held-out claims of split A
    accuracy_balanced: float     # on split B (never seen facts, style independent of label)
    n_train: int
    n_test_confounded: int
    n_test_balanced: int

    @property
    def drop(self) -> float:
        return self.accuracy_confounded - self.accuracy_balanced


def shortcut_experiment(df, *, test_size: float = 0.3, seed: int = SEED) -> ShortcutExperiment:
    """Train on 70 % of split A, test on the other 30 % of A and on all of split B."""
    from sklearn.model_selection import train_test_split

    a, b = split(df, "A"), split(df, "B")
    train, test = train_test_split(a, test_size=test_size, random_state=seed,
                                   stratify=is_doubtful(a["etiquette"]))
    model = train_detector(train["texte"], train["etiquette"])
    return ShortcutExperiment(
        model=model,
        accuracy_confounded=accuracy(model, test["texte"], test["etiquette"]),
        accuracy_balanced=accuracy(model, b["texte"], b["etiquette"]),
        n_train=len(train), n_test_confounded=len(test), n_test_balanced=len(b),
    )


def accuracy_by_style(model, df):
    """Accuracy on a split, per (label, style) cell: where the detector is fooled."""
    import pandas as pd

    rows = []
    for (label, style), group in df.groupby([df["etiquette"] != "vrai", "style"]):
        rows.append({"etiquette": "faux ou trompeur" if label else "vrai", "style": style,
                     "nombre": len(group), "exactitude": accuracy(model, group["texte"], group["etiquette"])})
    return pd.DataFrame(rows)


# --- A light copy of the detector for kiosk kernels (numpy only, no scikit-learn) ---------

def light_model_path():
    from civicai.disinfo.corpus import corpus_dir

    return corpus_dir() / "detecteur-partie-A.json"


def export_light(model) -> dict:
    """The fitted TF-IDF vocabulary, idf weights and logistic-regression coefficients."""
    vectorizer, classifier = model.steps[0][1], model.steps[-1][1]
    vocabulary = {token: int(i) for token, i in sorted(vectorizer.vocabulary_.items())}
    return {"vocabulary": vocabulary, "idf": [float(v) for v in vectorizer.idf_],
            "coef": [float(v) for v in classifier.coef_[0]],
            "intercept": float(classifier.intercept_[0])}


def train_on_split_a(df=None):
    """The demo's detector: trained on the whole confounded split A."""
    from civicai.disinfo.corpus import load_claims

    a = split(load_claims() if df is None else df, "A")
    return train_detector(a["texte"], a["etiquette"])


class LightDetector:
    """Same predictions as the scikit-learn pipeline, from :func:`export_light`'s numbers."""

    def __init__(self, params: dict):
        import numpy as np

        self.vocabulary = params["vocabulary"]
        self.idf = np.asarray(params["idf"])
        self.coef = np.asarray(params["coef"])
        self.intercept = params["intercept"]

    @classmethod
    def load(cls, path=None) -> "LightDetector":
        import json

        return cls(json.loads(open(path or light_model_path(), encoding="utf-8").read()))

    def predict_proba(self, texts):
        import numpy as np

        out = []
        for text in texts:
            x = np.zeros(len(self.idf))
            for token in tokens(text):
                index = self.vocabulary.get(token)
                if index is not None:
                    x[index] += 1.0
            x *= self.idf
            norm = np.linalg.norm(x)
            if norm:
                x /= norm
            p = 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))
            out.append([1.0 - p, p])
        return np.asarray(out)


def main(argv: list[str]) -> int:
    import json
    import sys

    if argv[:1] != ["export"]:
        print("usage: python -m civicai.disinfo.detector export", file=sys.stderr)
        return 2
    path = light_model_path()
    path.write_text(json.dumps(export_light(train_on_split_a()), ensure_ascii=False, indent=0),
                    encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
