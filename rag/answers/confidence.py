"""How sure an extractive answer is: a logistic model over the chosen sentence's evidence.

Support alone (the encoder's cosine and the question's words found) cannot tell an answer from a
sentence that is merely on topic: «كم عمر هولاند؟» finds Hollande's speech, with his name and title.
The model also weighs whether the asked attribute («عمر») and the expected answer type (a number) are
there, how much of the question beyond the article's headline the sentence covers, and how far the
sentence stands out from the next ones. Fit by ``benchmarks/calibrate.py`` (docs/quality.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["CALIBRATION", "FEATURES", "calibrated"]

#: The evidence measured for each candidate sentence, in [0, 1] (see :class:`rag.answers.extractive.ScoredSentence`).
FEATURES = ("dense", "lexical", "context", "attribute", "type_missing", "specific")

#: The answer confidence of an Arabic-script question: logistic weights over the chosen sentence's
#: evidence (:data:`FEATURES`), how far its cosine leads the next three ("gap") and its support. Fit by
#: ``benchmarks/calibrate.py`` on half of the ARCD near-miss set (docs/quality.md), L2 = 3.
CALIBRATION: dict[str, float] = {
    "dense": 0.787,
    "lexical": 0.663,
    "context": 0.157,
    "attribute": 0.097,
    "type_missing": -0.484,
    "specific": 1.072,
    "gap": 1.21,
    "support": 0.731,
    "bias": -2.697,
}


def calibrated(evidence: Sequence[float], gap: float, support: float) -> float:
    """The probability that the sentence with this ``evidence`` (one value per :data:`FEATURES`) answers
    the question, given how far its cosine leads the next sentences (``gap``) and its ``support``."""
    values = dict(zip(FEATURES, evidence, strict=True)) | {"gap": gap, "support": support}
    z = CALIBRATION["bias"] + sum(weight * values[name] for name, weight in CALIBRATION.items() if name != "bias")
    return 1.0 / (1.0 + math.exp(-z))
