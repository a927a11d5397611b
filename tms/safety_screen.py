"""The second, meaning-based emergency screen.

The rules in ``actions/safety.py`` catch the wordings they name. This screen catches
other wordings of the same thing: it compares the message's sentence vector (the one
the NLU already computed, ``tms/encoder.py``) with curated descriptions of each
emergency and urgent kind and with their look-alikes
(``tms/safety_descriptions.yml``). It raises a kind when the message is close to one
of its descriptions, clearly closer than to any look-alike, and not told as history
("since his stroke", "8 months ago", "still weak") without a sign happening now.

Costs a few microseconds per message (two small matrix products). Imports neither
``rasa`` nor ``rasa_sdk``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import numpy as np
import yaml

from actions.safety import LEVELS, told_as_history
from tms.encoder import shared_encoder

DESCRIPTIONS = Path(__file__).resolve().parent / "safety_descriptions.yml"
#: Tuned on tests/safety/labelled.yml and the training questions (README, "Measured").
MIN_SIMILARITY = 0.55
MIN_MARGIN = 0.08


@dataclass(frozen=True)
class Match:
    kind: str
    similarity: float
    look_alike: float


class SafetyScreen:
    def __init__(self, encode: Callable[[List[str]], np.ndarray],
                 path: Path = DESCRIPTIONS) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        unknown = set(data["kinds"]) - set(LEVELS)
        if unknown:
            raise ValueError(f"{path.name}: kinds not in actions/safety.py LEVELS: "
                             f"{sorted(unknown)}")
        pairs: List[Tuple[str, str]] = [(kind, text) for kind, texts in
                                        data["kinds"].items() for text in texts]
        self._kinds = [kind for kind, _ in pairs]
        self._descriptions = encode([text for _, text in pairs])
        self._look_alikes = encode(list(data["look_alikes"]))

    def closest(self, vector: np.ndarray) -> Match:
        similarities = self._descriptions @ vector
        best = int(similarities.argmax())
        return Match(self._kinds[best], float(similarities[best]),
                     float((self._look_alikes @ vector).max()))

    def detect(self, text: str, vector: Optional[np.ndarray]) -> Optional[str]:
        """The kind the message is close to, else None."""
        if vector is None or not text:
            return None
        match = self.closest(vector)
        if (match.similarity < MIN_SIMILARITY
                or match.similarity - match.look_alike < MIN_MARGIN):
            return None
        if told_as_history(text):
            return None
        return match.kind


@lru_cache(maxsize=1)
def shared_screen() -> SafetyScreen:
    """One screen per process: its descriptions are encoded once (about a second)."""
    return SafetyScreen(shared_encoder().encode)
