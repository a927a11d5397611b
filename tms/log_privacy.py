"""Nothing a patient wrote, and no conversation id, in any log line, at any level.

Rasa 3.6 logs the patient's words (at ERROR when a REST reply times out, at DEBUG for
every message: parse data, tracker states, slot values, events) and names every
conversation by its sender id (a phone number for SMS, the widget's secret session
id). Both servers install this scrubber before anything logs:

- Every stdlib log record is scrubbed as it is made (a log record factory, so it
  holds for every logger and handler, Sanic's and ones added later included). Our
  own code (``addons``, ``tms``, ``actions``) never logs what a patient wrote, so its
  lines stay as written; of anyone else's line only the first line is kept, and
  everything between its first and last quote is replaced, unless it is one name the
  assistant itself defines (an intent, action, slot...). What looks like an id
  becomes its conversation code (``conv-...``, the keyed code ``make report`` and
  ``make delete`` use), so staff can still follow one conversation; text becomes
  ``[hidden]``. Warnings are logged, so they are scrubbed too.
- Exceptions keep their frames (code, never data) and type, never their message
  (SQL errors carry the statement's parameters, JSON errors the document).
- Structured (structlog) events keep only the keys in ``SAFE_EVENT_KEYS``; sender
  keys become the conversation code, every other value is ``[hidden]``.

Imports neither ``rasa`` nor ``rasa_sdk``: the Rasa server adds its structlog hook
(``addons/rasa_server.py``), the action server needs only the records
(``actions/server.py``).
"""
from __future__ import annotations

import logging
import re
import sys
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional

import yaml

from tms.report import conversation_code, report_key

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = "[hidden]"
#: Loggers of our own code: written never to log what a patient wrote.
OWN_PACKAGES = frozenset({"addons", "tms", "actions"})
#: Rasa loggers whose lines name only graph components and objects, never data.
NAME_ONLY_LOGGERS = frozenset({"rasa.engine.graph", "rasa.engine.runner.dask"})
#: Structured event keys whose values are names, numbers or fixed wording.
SAFE_EVENT_KEYS = frozenset({
    "event", "event_info", "event_key", "level", "log_level", "timestamp", "logger",
    "stack", "action_name", "action_extract_slot", "len_extraction_events",
    "parse_data_intent", "placeholder_key", "filename", "url", "host", "topic",
    "rabbitmq_exchange", "token_start", "token_end",
})
#: Structured event keys that name a conversation: logged as its code.
SENDER_KEYS = frozenset({"sender_id", "conversation_id", "recipient_id"})
# A quote that is not an apostrophe inside a word ("can't").
_QUOTE = re.compile(r"(?<!\w)['\"]|['\"](?!\w)")
_ID = re.compile(r"\S{1,128}")
#: Rasa's own actions and responses (action_listen, action_session_start, ...).
_RASA_NAME = re.compile(r"(action|utter)_[a-z_]+")
_EVENT_NAME = re.compile(r"[\w.-]+")
_MARK = "_tms_log_privacy"


class Scrubbed(str):
    """A line already scrubbed (a rendered structlog event): left as it is."""


@lru_cache(maxsize=1)
def safe_names() -> FrozenSet[str]:
    """Names the assistant defines in domain.yml: safe to log."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    names = set(domain.get("actions") or [])
    for section in ("intents", "entities", "slots", "responses", "forms"):
        for item in domain.get(section) or []:
            names.update(item if isinstance(item, dict) else [item])
    return frozenset(names)


@lru_cache(maxsize=1)
def _key() -> bytes:
    return report_key()


def code(sender_id: str) -> str:
    """A conversation's keyed code: the one `make report` shows."""
    return conversation_code(sender_id, _key())


def _hide(value: str) -> str:
    if value in safe_names() or _RASA_NAME.fullmatch(value):
        return value
    return code(value) if _ID.fullmatch(value) else HIDDEN


def mask_line(line: str) -> str:
    """One line with everything between its first and last quote hidden (from a
    lone quote, to the end), unless that is one safe name."""
    quotes = list(_QUOTE.finditer(line))
    if not quotes:
        return line
    start = quotes[0].start()
    if len(quotes) == 1:
        return line[:start + 1] + _hide(line[start + 1:])
    end = quotes[-1].start()
    return line[:start + 1] + _hide(line[start + 1:end]) + line[end:]


def mask_message(message: str) -> str:
    first, *rest = message.splitlines() or [""]
    hidden = f" [{len(rest)} more line(s) hidden]" if rest else ""
    return mask_line(first) + hidden


def safe_traceback(error: BaseException) -> str:
    """The exception's frames and types, chained as Python shows them, with no
    message."""
    parts: List[str] = []
    seen = set()
    while error is not None and id(error) not in seen and len(parts) < 10:
        seen.add(id(error))
        kind = type(error)
        parts.append("Traceback (most recent call last):\n"
                     + "".join(traceback.format_tb(error.__traceback__))
                     + f"{kind.__module__}.{kind.__qualname__}: (message hidden)")
        error = error.__cause__ or (None if error.__suppress_context__
                                    else error.__context__)
    return "\n\nwhich happened while handling:\n\n".join(parts)


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    if isinstance(record.msg, Scrubbed):
        return record
    own = (record.name.split(".")[0] in OWN_PACKAGES
           or record.name in NAME_ONLY_LOGGERS)
    if not own:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is still hidden
            message = str(record.msg)
        record.msg, record.args = mask_message(message), ()
    if record.exc_info:
        error = record.exc_info[1]
        record.exc_info = None
        record.exc_text = safe_traceback(error) if error is not None else None
    return record


def install_record_scrubber() -> None:
    """Scrub every stdlib log record as it is made; log warnings (scrubbed too)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        raise RuntimeError("The log scrubber is already installed.")

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs))

    setattr(make_record, _MARK, True)
    logging.setLogRecordFactory(make_record)
    logging.captureWarnings(True)


def _exception(exc_info: Any) -> Optional[BaseException]:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        return exc_info[1]
    return sys.exc_info()[1] if exc_info else None


def scrub_event(_: Any, __: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """A structlog processor: only safe keys keep their values (allow-list)."""
    scrubbed: Dict[str, Any] = {}
    for key, value in event_dict.items():
        if key == "exc_info":
            error = _exception(value)
            if error is not None:
                scrubbed["exception"] = safe_traceback(error)
        elif key in SENDER_KEYS:
            scrubbed[key] = code(str(value))
        elif key == "event" and not _EVENT_NAME.fullmatch(str(value)):
            scrubbed[key] = mask_message(str(value))
        elif key in SAFE_EVENT_KEYS:
            scrubbed[key] = value
        else:
            scrubbed[key] = HIDDEN
    return scrubbed
