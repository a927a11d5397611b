"""Load and validate the curated answers in ``knowledge/``.

Clinic staff edit these YAML files by hand, so every problem is reported as a
:class:`Finding` naming the file, the line, the entry and what is wrong. Loading
raises one error type, :class:`KnowledgeError`, carrying all the findings at once,
so a staff member fixes everything in one pass.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from tms.conditions import ENTRY_CONDITIONS
from tms.grounding import SOURCE_TEXTS_DIR, check_quotes, regulatory_problem
from tms.readability import MAX_GRADE, grade, too_hard

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
#: Serve knowledge from another folder (a clinic's own copy, or a test's).
ENV_KNOWLEDGE_DIR = "TMS_KNOWLEDGE_DIR"
SOURCES_FILE = "sources.yml"
TOPICS_FILE = "topics.yml"
CLINIC_FILE = "clinic.yml"
ANSWERS_DIR = "answers"

#: Longest short answer, in characters: patients read on phones.
MAX_TEXT_CHARS = 600
#: Longest "tell me more" answer, in characters.
MAX_DETAILS_CHARS = 1200
#: Words a clinic must not publish about a treatment.
FORBIDDEN_PHRASES = ("cure", "cures", "cured", "guaranteed", "guarantee", "100%",
                     "no side effects", "miracle", "risk-free", "risk free")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"^\[.*\]$")
_NEGATION = re.compile(r"\b(not|no|never|isn't|is not|without)\b[\w\s-]*$")

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in the knowledge files, phrased for the person who edits them."""

    severity: str
    file: str
    line: Optional[int]
    entry: Optional[str]
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.entry}]" if self.entry else ""
        return f"{self.severity.upper()} {where}{what}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge files cannot be served as they are."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: Optional[str]
    last_reviewed: dt.date
    #: The readable text of the document (knowledge/sources/<id>.txt), the words
    #: the entries' quotes are checked against; None where it was not captured.
    text: Optional[str] = None
    #: When that text was captured from the document.
    captured: Optional[dt.date] = None


@dataclass(frozen=True)
class Entry:
    topic: str
    condition: str
    text: str
    details: Optional[str]
    sources: Tuple[str, ...]
    last_reviewed: dt.date
    next_review: dt.date
    file: str = ""
    line: Optional[int] = None
    #: The questions this entry answers, in patients' words: the assistant treats a
    #: question as covered only when it is close to one of these (or to a training
    #: example of the topic). Read when the model is trained.
    questions: Tuple[str, ...] = ()
    #: Per cited source, the passages the answer rests on (verbatim).
    quotes: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A stable name for the entry, recorded in conversations (e.g. feedback)."""
        return f"{self.topic}/{self.condition}"


#: The numbers every emergency reply falls back to when clinic.yml gives none (or
#: cannot be read): the one place they are written. domain.yml's slots start from the
#: same values (tests/test_safety_vocabulary.py checks it).
DEFAULT_EMERGENCY_NUMBER = "911"
DEFAULT_CRISIS_LINE = "988"


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    email: str
    hours: str
    website: str
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    crisis_line: str = DEFAULT_CRISIS_LINE
    disclaimer: str = ("I share general education, not medical advice, and I am not "
                       "for emergencies.")


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Mapping[str, Source]
    entries: Mapping[Tuple[str, str], Entry]
    clinic: Clinic
    topic_questions: Mapping[str, str] = field(default_factory=dict)

    @property
    def topics(self) -> List[str]:
        return sorted({topic for topic, _ in self.entries})

    def entries_for(self, topic: str) -> Dict[str, Entry]:
        """The entries of one topic, by condition."""
        return {cond: e for (t, cond), e in self.entries.items() if t == topic}

    def question(self, topic: str) -> str:
        """The topic as a patient would ask it (for buttons)."""
        return self.topic_questions.get(topic, topic.replace("_", " ").capitalize())

    def sources_of(self, entry: Entry) -> List[Source]:
        return [self.sources[source_id] for source_id in entry.sources]


# --------------------------------------------------------------------------- YAML


class _Mapping(dict):
    """A dict that remembers the line it started on in its file (1-based)."""

    line: Optional[int] = None


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings know their line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    yield mapping
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _line(node: object) -> Optional[int]:
    return getattr(node, "line", None)


_UNREADABLE = object()  # what _read_yaml returns when it has already reported why


def _read_yaml(path: Path, root: Path, findings: List[Finding]) -> object:
    rel = _relative(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        findings.append(Finding(ERROR, rel, None, None,
                                f"the file is not UTF-8 text ({e.reason})"))
        return _UNREADABLE
    except OSError as e:
        findings.append(Finding(ERROR, rel, None, None,
                                f"the file cannot be read ({e.strerror})"))
        return _UNREADABLE
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        findings.append(Finding(ERROR, rel, line, None,
                                f"the YAML is malformed: {problem} (check indentation, "
                                "colons and quotes on or just before this line)"))
        return _UNREADABLE


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------- checks


class _Checker:
    """Collects findings for one file while reading its fields."""

    def __init__(self, file: str, findings: List[Finding]):
        self.file = file
        self.findings = findings

    def add(self, severity: str, node: object, entry: Optional[str], message: str):
        self.findings.append(Finding(severity, self.file, _line(node), entry, message))

    def text(self, node: Mapping, key: str, entry: str, required: bool = True,
             limit: Optional[int] = None) -> Optional[str]:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(ERROR, node, entry, f"'{key}' is missing or empty")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.add(ERROR, node, entry, f"'{key}' must be text")
            return None
        value = " ".join(str(value).split())
        if limit and len(value) > limit:
            self.add(ERROR, node, entry, f"'{key}' is {len(value)} characters long; "
                                         f"keep it under {limit}")
        return value

    def date(self, node: Mapping, key: str, entry: str) -> Optional[dt.date]:
        value = node.get(key)
        if value is None:
            self.add(ERROR, node, entry, f"'{key}' is missing (write a date like "
                                         "2026-11-22)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.add(ERROR, node, entry, f"'{key}' must be a date like 2026-11-22, "
                                     f"not {value!r}")
        return None

    def url(self, node: Mapping, key: str, entry: str) -> Optional[str]:
        value = self.text(node, key, entry, required=False)
        if value is not None and not value.startswith("https://"):
            self.add(ERROR, node, entry, f"'{key}' must be a web address starting "
                                         f"with https:// (got {value!r})")
            return None
        return value

    def unknown_keys(self, node: Mapping, allowed: Iterable[str], entry: str):
        for key in node:
            if key not in allowed:
                self.add(ERROR, node, entry,
                         f"unknown field '{key}' (allowed: {', '.join(allowed)})")

    def forbidden_phrases(self, node: Mapping, key: str, value: Optional[str],
                          entry: str):
        if not value:
            return
        lowered = value.lower()
        for phrase in FORBIDDEN_PHRASES:
            pattern = r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])"
            for match in re.finditer(pattern, lowered):
                # "not a cure", "no guarantee" are honest; only a claim is banned.
                if _NEGATION.search(lowered[max(0, match.start() - 14):match.start()]):
                    continue
                self.add(ERROR, node, entry, f"'{key}' says \"{phrase}\": a clinic "
                         "must not publish that claim; reword it")
                break


def _check_list(data: object, key: str, checker: _Checker) -> List[Mapping]:
    if data is _UNREADABLE:
        return []
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        checker.add(ERROR, data, None,
                    f"the file must start with '{key}:' followed by a list of items")
        return []
    items = []
    for position, item in enumerate(data[key], start=1):
        if isinstance(item, Mapping):
            items.append(item)
        else:
            checker.add(ERROR, data, f"item {position}",
                        "each item must be a set of 'field: value' lines starting "
                        "with '- '")
    return items


SOURCE_FIELDS = ("id", "title", "publisher", "url", "last_reviewed", "captured")
ENTRY_FIELDS = ("topic", "condition", "text", "details", "questions", "sources",
                "quotes", "last_reviewed", "next_review")
#: An entry's ``questions``: each a short question, a few per entry.
MAX_QUESTION_CHARS = 200
CLINIC_FIELDS = ("name", "phone", "email", "hours", "website", "emergency_number",
                 "crisis_line", "disclaimer")
_OPTIONAL_CLINIC_FIELDS = ("emergency_number", "crisis_line", "disclaimer")


def _read_required(root: Path, name: str, missing: str, findings: List[Finding]
                   ) -> Tuple[_Checker, object]:
    """A checker for one of the fixed files, and its content (or _UNREADABLE)."""
    path = root / name
    checker = _Checker(_relative(path, root), findings)
    if not path.is_file():
        checker.add(ERROR, None, None, missing)
        return checker, _UNREADABLE
    return checker, _read_yaml(path, root, findings)


def _load_sources(root: Path, findings: List[Finding]) -> Dict[str, Source]:
    checker, data = _read_required(root, SOURCES_FILE, "the list of sources is missing",
                                   findings)
    sources: Dict[str, Source] = {}
    for position, node in enumerate(_check_list(data, "sources", checker), start=1):
        raw_id = node.get("id")
        name = f"source {raw_id}" if raw_id else f"source {position}"
        checker.unknown_keys(node, SOURCE_FIELDS, name)
        source_id = checker.text(node, "id", name)
        if source_id and not _IDENTIFIER.match(source_id):
            checker.add(ERROR, node, name, "'id' may use only lower-case letters, "
                                           "digits and _ (like tmslist_stroke)")
            source_id = None
        if source_id in sources:
            checker.add(ERROR, node, name, f"the id '{source_id}' is used twice")
            continue
        source = (source_id, checker.text(node, "title", name),
                  checker.text(node, "publisher", name), checker.url(node, "url", name),
                  checker.date(node, "last_reviewed", name))
        if source_id and all(v is not None for i, v in enumerate(source) if i != 3):
            sources[source_id] = Source(*source, *_source_text(root, source_id, node,
                                                                name, checker))
    return sources


def _source_text(root: Path, source_id: str, node: Mapping, name: str,
                 checker: _Checker) -> Tuple[Optional[str], Optional[dt.date]]:
    """The captured text of a source and its date; a warning when there is none."""
    path = root / SOURCE_TEXTS_DIR / f"{source_id}.txt"
    captured = checker.date(node, "captured", name) if "captured" in node else None
    if not path.is_file():
        checker.add(WARNING, node, name,
                    f"no text at {SOURCE_TEXTS_DIR}/{source_id}.txt: the answers citing "
                    "it cannot be checked against its words (see knowledge/README.md)")
        return None, captured
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        checker.add(ERROR, node, name, f"{SOURCE_TEXTS_DIR}/{source_id}.txt cannot be "
                                       f"read as UTF-8 text ({error})")
        return None, captured
    if captured is None:
        checker.add(WARNING, node, name, "add 'captured:' (the date its text in "
                                         f"{SOURCE_TEXTS_DIR}/ was taken from it)")
    return text, captured


def _load_topics(root: Path, findings: List[Finding]) -> Dict[str, str]:
    checker, data = _read_required(root, TOPICS_FILE,
                                   "the list of question topics is missing", findings)
    if data is _UNREADABLE:
        return {}
    node = data.get("topics") if isinstance(data, Mapping) else None
    if not isinstance(node, Mapping):
        checker.add(ERROR, data, None, "the file must start with 'topics:' followed by "
                                       "lines like 'cost: What does TMS cost?'")
        return {}
    topics = {}
    for topic in node:
        question = checker.text(node, topic, str(topic))
        if not _IDENTIFIER.match(str(topic)):
            checker.add(ERROR, node, str(topic), "a topic may use only lower-case "
                                                 "letters, digits and _")
        elif question:
            topics[str(topic)] = question
    return topics


def _load_entries(root: Path, sources: Mapping[str, Source], today: dt.date,
                  findings: List[Finding]) -> Dict[Tuple[str, str], Entry]:
    entries: Dict[Tuple[str, str], Entry] = {}
    answers = root / ANSWERS_DIR
    files = sorted(answers.glob("*.yml")) + sorted(answers.glob("*.yaml"))
    if not files:
        findings.append(Finding(ERROR, _relative(answers, root), None, None,
                                "there are no answer files (*.yml) here"))
    for path in files:
        checker = _Checker(_relative(path, root), findings)
        for position, node in enumerate(_check_list(_read_yaml(path, root, findings),
                                                     "entries", checker), start=1):
            entry = _check_entry(node, position, checker, sources, today)
            if entry is None:
                continue
            key = (entry.topic, entry.condition)
            if key in entries:
                first = entries[key]
                checker.add(ERROR, node, entry.key,
                            f"a second answer for topic '{entry.topic}' and condition "
                            f"'{entry.condition}'; the first is in {first.file} line "
                            f"{first.line}. Keep one.")
                continue
            entries[key] = entry
    return entries


def _check_entry(node: Mapping, position: int, checker: _Checker,
                 sources: Mapping[str, Source], today: dt.date) -> Optional[Entry]:
    name = (f"{node.get('topic')}/{node.get('condition')}"
            if node.get("topic") and node.get("condition") else f"entry {position}")
    before = len(checker.findings)
    checker.unknown_keys(node, ENTRY_FIELDS, name)
    topic = checker.text(node, "topic", name)
    if topic and not _IDENTIFIER.match(topic):
        checker.add(ERROR, node, name, "'topic' may use only lower-case letters, "
                                       "digits and _ (like fda_status)")
    condition = checker.text(node, "condition", name)
    if condition and condition not in ENTRY_CONDITIONS:
        allowed = ", ".join(ENTRY_CONDITIONS)
        checker.add(ERROR, node, name,
                    f"'condition' must be one of {allowed}, not '{condition}'")
    text = checker.text(node, "text", name, limit=MAX_TEXT_CHARS)
    details = checker.text(node, "details", name, required=False,
                           limit=MAX_DETAILS_CHARS)
    for key, value in (("text", text), ("details", details)):
        checker.forbidden_phrases(node, key, value, name)
    if text and too_hard(text):
        checker.add(WARNING, node, name,
                    f"'text' reads at about grade {grade(text):g}: aim for grade "
                    f"{MAX_GRADE:g} or below (shorter sentences, everyday words)")
    questions = _check_questions(node, name, checker)
    cited = _check_citations(node, name, checker, sources)
    quotes, problems = check_quotes(
        node.get("quotes"), cited,
        {source_id: source.text for source_id, source in sources.items()},
        (text or "", details or ""))
    regulatory = regulatory_problem(topic, text) if topic and text else None
    for problem in problems + ([regulatory] if regulatory else []):
        checker.add(ERROR, node, name, problem)
    last_reviewed = checker.date(node, "last_reviewed", name)
    next_review = checker.date(node, "next_review", name)
    if next_review and next_review < today:
        checker.add(WARNING, node, name, f"the review date {next_review} has passed; "
                                         "check the answer against its sources")
    has_errors = any(f.severity == ERROR for f in checker.findings[before:])
    if has_errors:
        return None
    return Entry(topic, condition, text, details, cited, last_reviewed, next_review,
                 checker.file, _line(node), questions, quotes)


def _check_questions(node: Mapping, name: str, checker: _Checker) -> Tuple[str, ...]:
    questions = node.get("questions")
    if questions is None:
        checker.add(WARNING, node, name, "no 'questions:' list: add the questions this "
                                         "answer covers, in patients' words")
        return ()
    if not isinstance(questions, list) or not all(
            isinstance(q, str) and q.strip() for q in questions):
        checker.add(ERROR, node, name, "'questions' must be a list of questions, one "
                                       "per line starting with '- '")
        return ()
    for question in questions:
        if len(question) > MAX_QUESTION_CHARS:
            checker.add(ERROR, node, name, f"the question '{question[:40]}...' is "
                                           f"longer than {MAX_QUESTION_CHARS} characters")
    return tuple(q.strip() for q in questions)


def _check_citations(node: Mapping, name: str, checker: _Checker,
                     sources: Mapping[str, Source]) -> Tuple[str, ...]:
    cited = node.get("sources")
    if isinstance(cited, str):
        cited = [cited]
    if not cited or not isinstance(cited, list):
        checker.add(ERROR, node, name, "'sources' is missing: every answer must cite "
                                       "at least one source id from sources.yml")
        return ()
    for source_id in cited:
        if source_id not in sources:
            known = ", ".join(sorted(sources)) or "none"
            checker.add(ERROR, node, name, f"cites unknown source '{source_id}' "
                                           f"(known sources: {known})")
    return tuple(str(s) for s in cited)


def _load_clinic(root: Path, findings: List[Finding]) -> Optional[Clinic]:
    checker, data = _read_required(root, CLINIC_FILE,
                                   "the clinic's contact details file is missing",
                                   findings)
    if data is _UNREADABLE:
        return None
    node = data.get("clinic") if isinstance(data, Mapping) else None
    if not isinstance(node, Mapping):
        checker.add(ERROR, data, None, "the file must start with 'clinic:' followed by "
                                       "the contact details")
        return None
    checker.unknown_keys(node, CLINIC_FIELDS, "clinic")
    values = {key: checker.text(node, key, "clinic",
                                required=key not in _OPTIONAL_CLINIC_FIELDS)
              for key in CLINIC_FIELDS}
    placeholders = [k for k, v in values.items() if v and _PLACEHOLDER.match(v)]
    if placeholders:
        checker.add(WARNING, node, "clinic", "these details are still placeholders: "
                                             + ", ".join(placeholders))
    if any(values[k] is None for k in CLINIC_FIELDS[:5]):
        return None
    return Clinic(**{k: v for k, v in values.items() if v is not None})


# ------------------------------------------------------------------------- API


def knowledge_dir() -> Path:
    """The knowledge folder in force: ``TMS_KNOWLEDGE_DIR``, else knowledge/."""
    configured = os.environ.get(ENV_KNOWLEDGE_DIR, "").strip()
    return Path(configured) if configured else KNOWLEDGE_DIR


def check_knowledge(root: Optional[Path] = None, today: Optional[dt.date] = None
                    ) -> Tuple[Optional[KnowledgeBase], List[Finding]]:
    """Validate everything; return the knowledge base (None on errors) and findings."""
    root = Path(root) if root is not None else knowledge_dir()
    today = today or dt.date.today()
    findings: List[Finding] = []
    sources = _load_sources(root, findings)
    topics = _load_topics(root, findings)
    entries = _load_entries(root, sources, today, findings)
    if topics:
        for entry in entries.values():
            if entry.topic not in topics:
                findings.append(Finding(
                    ERROR, entry.file, entry.line, entry.key,
                    f"the topic '{entry.topic}' is not in {TOPICS_FILE}; check its "
                    "spelling, or add it there with the question patients ask"))
        answered = {topic for topic, _ in entries}
        for topic in topics:
            if topic not in answered:
                findings.append(Finding(
                    WARNING, f"{root.name}/{TOPICS_FILE}", None, topic,
                    "no answer has this topic yet"))
    clinic = _load_clinic(root, findings)
    if any(f.severity == ERROR for f in findings) or clinic is None:
        return None, findings
    return KnowledgeBase(sources, entries, clinic, topics), findings


def load_knowledge(root: Optional[Path] = None, today: Optional[dt.date] = None
                   ) -> KnowledgeBase:
    """The validated knowledge base; raises :class:`KnowledgeError` on any error."""
    kb, findings = check_knowledge(root, today)
    if kb is None:
        raise KnowledgeError(f for f in findings if f.severity == ERROR)
    return kb


def _clinic_values(root: Optional[Path], defaults: Mapping[str, str]) -> List[str]:
    """Values from clinic.yml, each falling back to its default when the file is
    missing or broken or the value is a placeholder: these replies must never fail."""
    findings: List[Finding] = []
    root = Path(root) if root is not None else knowledge_dir()
    path = root / CLINIC_FILE
    data = _read_yaml(path, Path(root), findings) if path.is_file() else None
    node = data.get("clinic") if isinstance(data, Mapping) else None
    node = node if isinstance(node, Mapping) else {}

    def value_of(key: str, default: str) -> str:
        value = node.get(key)
        text = " ".join(str(value).split()) if value not in (None, "") else ""
        return text if text and not _PLACEHOLDER.match(text) else default

    return [value_of(key, default) for key, default in defaults.items()]


def emergency_numbers(root: Optional[Path] = None) -> Tuple[str, str]:
    """The emergency and crisis numbers from clinic.yml (U.S. defaults)."""
    emergency, crisis = _clinic_values(root, {"emergency_number": DEFAULT_EMERGENCY_NUMBER,
                                              "crisis_line": DEFAULT_CRISIS_LINE})
    return emergency, crisis


def clinic_contact(root: Optional[Path] = None) -> Tuple[str, str]:
    """The clinic's phone ("" while it is a placeholder) and the emergency number."""
    phone, emergency = _clinic_values(root, {"phone": "",
                                             "emergency_number": DEFAULT_EMERGENCY_NUMBER})
    return phone, emergency
