"""Why a detector of AI-generated text is risky: base-rate arithmetic.

A detector is described by two rates: the share of generated texts it flags (true positive
rate) and the share of human texts it wrongly flags (false positive rate). When most texts
are written by people, even a small false positive rate accuses many innocent people.
The example rates of notebook 04 are those OpenAI published for its own classifier in
January 2023 (26 % of AI-written texts flagged, 9 % of human texts wrongly flagged),
before withdrawing it in July 2023 for its low accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENAI_2023_TPR = 0.26
OPENAI_2023_FPR = 0.09


@dataclass(frozen=True)
class DetectorOutcome:
    generated_flagged: float
    generated_missed: float
    human_flagged: float     # people wrongly accused
    human_cleared: float

    @property
    def flagged(self) -> float:
        return self.generated_flagged + self.human_flagged

    @property
    def share_of_flags_wrong(self) -> float:
        """Among flagged texts, the share written by a person (0 when nothing is flagged)."""
        return self.human_flagged / self.flagged if self.flagged else 0.0


def detector_outcomes(n_texts: int, share_generated: float, tpr: float, fpr: float) -> DetectorOutcome:
    """Expected counts when a detector reads ``n_texts`` texts.

    >>> o = detector_outcomes(100, 0.1, tpr=0.9, fpr=0.1)
    >>> round(o.generated_flagged, 6), round(o.human_flagged, 6), round(o.share_of_flags_wrong, 2)
    (9.0, 9.0, 0.5)
    """
    for name, value in (("share_generated", share_generated), ("tpr", tpr), ("fpr", fpr)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be between 0 and 1")
    generated = n_texts * share_generated
    human = n_texts - generated
    return DetectorOutcome(generated * tpr, generated * (1 - tpr), human * fpr, human * (1 - fpr))
