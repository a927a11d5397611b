"""Serve the latest valid knowledge: edits go live within seconds, without a restart;
an invalid edit never replaces good content.

The action server keeps one store. Each request asks it for the current knowledge;
at most once per ``check_interval`` it looks at the files' modification times and
sizes (a few stat calls), and only when something changed does it validate the whole
folder again. Valid: the new knowledge replaces the old in one step. Invalid: the old
stays, and the findings are logged and kept for ``make check-knowledge`` to show.
"""
from __future__ import annotations

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


class KnowledgeStore:
    def __init__(self, root: Optional[Path] = None, check_interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root) if root is not None else knowledge_dir()
        self._interval = check_interval
        self._clock = clock
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
        for path in sorted(self.root.rglob("*.y*ml")):
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
        self._signature = signature
        knowledge, findings = check_knowledge(self.root)
        if knowledge is None:
            self.rejected = [f for f in findings if f.severity == ERROR]
            logger.error("Edited knowledge has %d error(s); still serving the last "
                         "valid version. Run `make check-knowledge` to see them:\n%s",
                         len(self.rejected), "\n".join(map(str, self.rejected)))
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
