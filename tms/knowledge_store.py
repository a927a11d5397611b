"""Serve the latest valid knowledge: edits go live within seconds, without a restart;
an invalid, half-saved or suspicious edit never replaces good content.

The action server keeps one store. Each request asks it for the current knowledge;
at most once per ``check_interval`` it looks at the files' modification times and
sizes (a few stat calls), and only when something changed does it validate the whole
folder again. Valid: the new knowledge replaces the old in one step. Invalid: the old
stays, and the findings are logged and kept for ``make check-knowledge`` to show.

A file is taken only when complete: no file changed in the last ``settle_s``
seconds, and the folder's content is the same before and after it is read (else it
is tried again at the next check). An edit that would drop answers or topics being
served is refused as suspicious (a file saved halfway is often still valid YAML)
unless ``make check-knowledge`` approved exactly that content: it writes the
content's fingerprint to ``.approved`` in the folder.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from tms.knowledge import (
    ERROR,
    Finding,
    KnowledgeBase,
    KnowledgeError,
    check_knowledge,
    knowledge_dir,
)

logger = logging.getLogger(__name__)

Signature = Tuple[Tuple[str, int, int], ...]
#: Written by `make check-knowledge` in the knowledge folder: the fingerprint of the
#: content it found valid, which approves dropping answers or topics.
APPROVAL_FILE = ".approved"
#: A file changed more recently than this may still be being written.
SETTLE_S = 2.0


def fingerprint(root: Path) -> str:
    """A hash of every knowledge file's name and bytes."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.y*ml")):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return digest.hexdigest()


def approve(root: Path) -> None:
    """Record that this content was checked (called by `make check-knowledge`)."""
    target = root / APPROVAL_FILE
    temporary = target.with_name(APPROVAL_FILE + ".tmp")
    temporary.write_text(fingerprint(root) + "\n", encoding="utf-8")
    temporary.replace(target)


def approved(root: Path) -> bool:
    try:
        return (root / APPROVAL_FILE).read_text(encoding="utf-8").strip() == \
            fingerprint(root)
    except OSError:
        return False


def dropped(old: KnowledgeBase, new: KnowledgeBase) -> List[str]:
    """Answers and topics served now that the new knowledge no longer has."""
    gone = [f"answer {topic}/{condition}" for topic, condition in sorted(old.entries)
            if (topic, condition) not in new.entries]
    return gone + [f"topic {topic}" for topic in sorted(old.topics)
                   if topic not in new.topics]


class KnowledgeStore:
    def __init__(self, root: Optional[Path] = None, check_interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic,
                 settle_s: float = SETTLE_S,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.root = Path(root) if root is not None else knowledge_dir()
        self._interval = check_interval
        self._clock = clock
        self._settle_s = settle_s
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._signature = self._scan()
        knowledge, findings = check_knowledge(self.root)
        if knowledge is None:  # nothing valid to fall back on at start-up
            raise KnowledgeError(f for f in findings if f.severity == ERROR)
        self._knowledge = knowledge
        self._checked = clock()
        #: Findings of the last edit that was refused (empty when all is well).
        self.rejected: List[Finding] = []

    def current(self) -> KnowledgeBase:
        """The knowledge to answer with now."""
        if self._clock() - self._checked < self._interval:
            return self._knowledge
        with self._lock:
            if self._clock() - self._checked >= self._interval:
                self._checked = self._clock()
                self._reload_if_changed()
        return self._knowledge

    def _scan(self) -> Signature:
        entries = []
        for path in sorted([*self.root.rglob("*.y*ml"), self.root / APPROVAL_FILE]):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path.relative_to(self.root)), stat.st_mtime_ns,
                            stat.st_size))
        return tuple(entries)

    def _reload_if_changed(self) -> None:
        signature = self._scan()
        if signature == self._signature:
            return
        newest = max((mtime for _, mtime, _ in signature), default=0) / 1e9
        if self._wall_clock() - newest < self._settle_s:
            return  # perhaps still being written: look again at the next check
        before = fingerprint(self.root)
        knowledge, findings = check_knowledge(self.root)
        if fingerprint(self.root) != before or self._scan() != signature:
            return  # changed while being read: look again at the next check
        self._signature = signature
        if knowledge is None:
            self.rejected = [f for f in findings if f.severity == ERROR]
            logger.error("Edited knowledge has %d error(s); still serving the last "
                         "valid version. Run `make check-knowledge` to see them:\n%s",
                         len(self.rejected), "\n".join(map(str, self.rejected)))
            return
        gone = dropped(self._knowledge, knowledge)
        if gone and not approved(self.root):
            self.rejected = [Finding(ERROR, "knowledge/", None, None,
                                     "the edit drops " + ", ".join(gone)
                                     + "; run `make check-knowledge` to approve it")]
            logger.error("Edited knowledge would drop what is being served (%s): "
                         "refused as suspicious, perhaps a file saved halfway; still "
                         "serving the last version. If it is meant, run `make "
                         "check-knowledge`, which approves it.", ", ".join(gone))
            return
        self._knowledge = knowledge
        self.rejected = []
        logger.info("Knowledge reloaded: %d answers on %d topics.",
                    len(knowledge.entries), len(knowledge.topics))


class FixedKnowledge:
    """A store that always serves the same knowledge (for tests and tools)."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._knowledge = knowledge

    def current(self) -> KnowledgeBase:
        return self._knowledge
