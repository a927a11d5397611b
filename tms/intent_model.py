"""Which question a patient is asking, and whether the sources cover it.

A linear model over two views of the message: the pre-trained sentence vector
(``tms/encoder.py``: meaning, whatever the wording) and word TF-IDF (the exact
words staff and patients use: "NEURO", "gabapentin", "medicare"). Trained with
scikit-learn's logistic regression in a few seconds, deterministically; saved as
plain arrays (no pickle) and applied with NumPy in well under a millisecond.

Besides the ranking, ``predict`` reports the *support* of its best guess: how close
the message is to the nearest example of that intent (training examples plus the
questions each knowledge entry says it answers). A question near no example of the
topic it was sorted into is not one the sources answer.

Imports neither ``rasa`` nor ``rasa_sdk``.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
#: How much the word view counts next to the sentence vector (tuned by 5-fold
#: cross-validation on the training data: README, "Measured").
WORD_WEIGHT = 1.0
REGULARISATION_C = 30.0


def _terms(text: str) -> List[str]:
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass(frozen=True)
class Prediction:
    ranking: List[Tuple[str, float]]  # (intent, probability), best first
    support: float  # similarity to the nearest example of the best intent

    @property
    def intent(self) -> str:
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        return self.ranking[0][1]


class IntentModel:
    def __init__(self, intents: Sequence[str], vocabulary: Dict[str, int],
                 idf: np.ndarray, weights: np.ndarray, bias: np.ndarray,
                 examples: np.ndarray, example_intents: np.ndarray) -> None:
        self.intents = list(intents)
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.weights = weights.astype(np.float32)  # (384 + vocabulary, intents)
        self.bias = bias.astype(np.float32)
        self.examples = examples.astype(np.float32)  # unit vectors, one per example
        self.example_intents = example_intents.astype(np.int32)
        self._excluding: Dict[tuple, np.ndarray] = {}

    # ----------------------------------------------------------------- features
    def _word_vector(self, text: str) -> np.ndarray:
        vector = np.zeros(len(self.vocabulary), dtype=np.float32)
        for term, count in Counter(_terms(text)).items():
            index = self.vocabulary.get(term)
            if index is not None:
                vector[index] = (1.0 + math.log(count)) * self.idf[index]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def _features(self, text: str, sentence: np.ndarray) -> np.ndarray:
        return np.concatenate([sentence, WORD_WEIGHT * self._word_vector(text)])

    # ----------------------------------------------------------------- training
    @classmethod
    def train(cls, texts: Sequence[str], intents: Sequence[str],
              vectors: np.ndarray) -> "IntentModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        tfidf = TfidfVectorizer(analyzer=_terms, sublinear_tf=True)
        words = tfidf.fit_transform(texts)
        features = np.hstack([vectors, WORD_WEIGHT * words.toarray()])
        labels = sorted(set(intents))
        classifier = LogisticRegression(C=REGULARISATION_C, max_iter=10000, tol=1e-6)
        classifier.fit(features, [labels.index(i) for i in intents])
        weights, bias = classifier.coef_.T, classifier.intercept_
        if len(labels) == 2:  # binary: one column; make it two for softmax
            weights = np.hstack([-weights / 2, weights / 2])
            bias = np.array([-bias[0] / 2, bias[0] / 2])
        vocabulary = {term: int(i) for term, i in tfidf.vocabulary_.items()}
        return cls(labels, vocabulary, tfidf.idf_, weights, bias, vectors,
                   np.array([labels.index(i) for i in intents]))

    # --------------------------------------------------------------- prediction
    def predict(self, text: str, sentence: np.ndarray, top: int = 10) -> Prediction:
        scores = self._features(text, sentence) @ self.weights + self.bias
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        order = np.argsort(-probabilities)[:top]
        ranking = [(self.intents[i], float(probabilities[i])) for i in order]
        return Prediction(ranking, self.support(sentence, ranking[0][0]))

    def support(self, sentence: np.ndarray, intent: str) -> float:
        """Cosine similarity of the message to the closest example of ``intent``."""
        if intent not in self.intents:
            return 0.0
        mask = self.example_intents == self.intents.index(intent)
        if not mask.any():
            return 0.0
        return float((self.examples[mask] @ sentence).max())

    def examples_excluding(self, excluded: Sequence[str]) -> np.ndarray:
        """The example vectors of every intent not in ``excluded``: selected once per
        set of exclusions, not copied again for every message."""
        key = tuple(sorted(excluded))
        if key not in self._excluding:
            drop = [self.intents.index(i) for i in key if i in self.intents]
            self._excluding[key] = self.examples[~np.isin(self.example_intents, drop)]
        return self._excluding[key]

    def nearest_excluding(self, sentence: np.ndarray, excluded: Sequence[str]) -> float:
        """Cosine similarity of the message to the closest example of any intent not
        in ``excluded``: how much it reads like an ordinary, trained question."""
        examples = self.examples_excluding(excluded)
        if not len(examples):
            return 0.0
        return float((examples @ sentence).max())

    # -------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "intent_model.npz", idf=self.idf, weights=self.weights,
                 bias=self.bias, examples=self.examples,
                 example_intents=self.example_intents)
        (directory / "intent_model.json").write_text(json.dumps(
            {"intents": self.intents, "vocabulary": self.vocabulary}))

    @classmethod
    def load(cls, directory: Path) -> Optional["IntentModel"]:
        arrays_file = directory / "intent_model.npz"
        if not arrays_file.is_file():
            return None
        meta = json.loads((directory / "intent_model.json").read_text())
        with np.load(arrays_file, allow_pickle=False) as arrays:
            return cls(meta["intents"], meta["vocabulary"], arrays["idf"],
                       arrays["weights"], arrays["bias"], arrays["examples"],
                       arrays["example_intents"])
