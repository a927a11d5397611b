"""The evaluation sets stay held out: none of their sentences, nor a near-duplicate, is
in the training data, in the questions knowledge entries say they answer, or in the
safety screen's descriptions. Blind sets (tests/blind/) and development sets
(tests/dev/, tuned against but never trained on) alike."""
import re
from pathlib import Path

import pytest
import yaml

from tms.knowledge import load_knowledge
from scripts.evaluate import training_examples

BLIND = Path(__file__).parent / "blind"
DEV = Path(__file__).parent / "dev"


def words(text: str) -> tuple:
    return tuple(re.sub(r"[^\w\s]", " ", text.lower()).split())


def token_distance(a: tuple, b: tuple) -> int:
    """Edit distance in whole tokens (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, token in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (token != other)))
        previous = current
    return previous[-1]


def _texts(node):
    """Every `text:` in a loaded set, however nested."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for key, value in node.items() if key != "text"
                        for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def blind_texts(folder: Path = BLIND):
    """Every sentence of every set in the folder."""
    return [t for path in sorted(folder.glob("*.yml"))
            for t in _texts(yaml.safe_load(path.read_text()))]


def trained_texts():
    texts = [text for text, _ in training_examples()]
    texts += [q for e in load_knowledge().entries.values() for q in e.questions]
    descriptions = yaml.safe_load((Path(__file__).parent.parent / "tms" /
                                   "safety_descriptions.yml").read_text())
    texts += [t for kind in descriptions["kinds"].values() for t in kind]
    texts += list(descriptions["look_alikes"])
    return texts


def allowed_distance(length: int) -> int:
    """Two tokens apart is a near-duplicate of a sentence of five tokens or more; for
    shorter ones two tokens make another question ("is tms safe" / "what is tms"),
    so one token (three or four tokens) or none (one or two) counts."""
    return 2 if length >= 5 else 1 if length >= 3 else 0


def near_duplicates(blind, trained):
    """(held-out text, trained text) pairs within the allowed token distance. A pair
    that close shares at least one of any (distance + 1) tokens of the held-out text
    (each edit touches one token), so only trained texts sharing one of its rarest
    tokens are compared."""
    index = {}
    trained_words = []
    for number, text in enumerate(trained):
        w = words(text)
        trained_words.append((w, text))
        for token in set(w):
            index.setdefault(token, set()).add(number)
    found = []
    for text in blind:
        w = words(text)
        rarest = sorted(set(w), key=lambda t: len(index.get(t, ())))
        candidates = set()
        if len(w) <= 2:  # distance 0 or 1: any near-duplicate has at most 3 tokens
            candidates = {n for n, (other, _) in enumerate(trained_words)
                          if len(other) <= len(w) + 2}
        else:
            for token in rarest[:3]:
                candidates |= index.get(token, set())
        for number in candidates:
            other, original = trained_words[number]
            if abs(len(other) - len(w)) > 2:
                continue
            limit = allowed_distance(min(len(w), len(other)))
            if token_distance(w, other) <= limit:
                found.append((text, original))
    return found


def test_the_sets_are_the_size_the_issue_asks_for():
    questions = yaml.safe_load((BLIND / "questions.yml").read_text())
    safety = yaml.safe_load((BLIND / "safety.yml").read_text())
    assert len(questions["questions"]) >= 300 and len(questions["conversations"]) >= 30
    assert len(safety["messages"]) >= 100 and len(safety["look_alikes"]) >= 100
    assert len(safety["conversations"]) >= 20


@pytest.mark.parametrize("folder", [BLIND, DEV], ids=["blind", "development"])
def test_no_held_out_sentence_or_near_duplicate_is_trained_on(folder):
    found = near_duplicates(blind_texts(folder), trained_texts())
    # Only the count: printing a blind sentence would unblind whoever reads the log.
    assert not found, f"{len(found)} sentences of {folder.name}/ found in training data"


@pytest.mark.parametrize("blind, trained, caught", [
    ("Does TMS hurt?", "does tms hurt", True),  # case and punctuation
    ("is tms safe for my mom", "is tms safe for my dad", True),  # one token apart
    ("is tms covered by medicare for stroke", "is it paid by medicare for phantom",
     False),  # three tokens apart
    ("what is tms", "what is rtms", True),  # short: one token apart
    ("what is tms", "is tms safe", False),  # short: two tokens make another question
])
def test_the_near_duplicate_check_itself(blind, trained, caught):
    assert bool(near_duplicates([blind], [trained])) is caught
