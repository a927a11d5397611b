"""A learned reading of the emergency and urgent kinds, beside the nearest-description
screen (``tms/safety_screen.py``).

Logistic regression on the sentence vector: each kind's curated descriptions
(``tms/safety_descriptions.yml``) against "none" (their look-alikes and every
ordinary training question). Where the nearest-description screen needs one
description close to the message, this weighs all of them, so a new wording of a
kind it has many examples of is still recognised. Trained with ``rasa train`` (a few
seconds), saved as plain arrays, applied with one matrix product.

Imports neither ``rasa`` nor ``rasa_sdk``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

NONE = "none"
#: Balanced classes, light regularisation: tuned on tests/dev/safety.yml (README).
REGULARISATION_C = 64.0


@dataclass(frozen=True)
class Guess:
    kind: str
    probability: float


class SafetyModel:
    def __init__(self, classes: Sequence[str], weights: np.ndarray,
                 bias: np.ndarray) -> None:
        self.classes = list(classes)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)

    @classmethod
    def train(cls, kind_vectors: np.ndarray, kinds: Sequence[str],
              none_vectors: np.ndarray) -> "SafetyModel":
        from sklearn.linear_model import LogisticRegression

        features = np.vstack([kind_vectors, none_vectors])
        labels = list(kinds) + [NONE] * len(none_vectors)
        classes = sorted(set(labels))
        model = LogisticRegression(C=REGULARISATION_C, max_iter=10000, tol=1e-6,
                                   class_weight="balanced")
        model.fit(features, [classes.index(label) for label in labels])
        return cls(classes, model.coef_.T, model.intercept_)

    def guess(self, vector: np.ndarray) -> Optional[Guess]:
        """The most likely kind and its probability; None when "none" wins."""
        scores = vector @ self.weights + self.bias
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        best = int(probabilities.argmax())
        if self.classes[best] == NONE:
            return None
        return Guess(self.classes[best], float(probabilities[best]))

    def save(self, directory: Path) -> None:
        np.savez(directory / "safety_model.npz", weights=self.weights, bias=self.bias)
        (directory / "safety_model.json").write_text(json.dumps({"classes": self.classes}))

    @classmethod
    def load(cls, directory: Path) -> Optional["SafetyModel"]:
        arrays_file = directory / "safety_model.npz"
        if not arrays_file.is_file():
            return None
        classes = json.loads((directory / "safety_model.json").read_text())["classes"]
        with np.load(arrays_file, allow_pickle=False) as arrays:
            return cls(classes, arrays["weights"], arrays["bias"])
