"""The log scrubber's rules, without servers: what a line keeps and what it hides.
(`tests/test_private_logs.py` checks the running assistant's whole log.)"""
from __future__ import annotations

import logging
import subprocess
import sys
import zlib

import pytest

from actions.server import TooLarge, inflate
from tms.input_screen import MAX_BODY_BYTES
from tms.log_privacy import (
    HIDDEN,
    code,
    install_record_scrubber,
    mask_line,
    safe_traceback,
    scrub_event,
    scrub_record,
)
from tests.conftest import ROOT

MARKER = "zqx-marker-unit"
PHONE = "+15550001234"


@pytest.mark.parametrize("line, expected", [
    (f"Issuing ticket for conversation '{PHONE}'.",
     f"Issuing ticket for conversation '{code(PHONE)}'."),
    (f"Can't retrieve tracker matching sender id '{PHONE}' from SQL storage.",
     f"Can't retrieve tracker matching sender id '{code(PHONE)}' from SQL storage."),
    (f"Received user message 'my {MARKER} can't, he said 'ouch' ok' with intent",
     f"Received user message '{HIDDEN}' with intent"),
    ("Predicted next action 'action_answer_question' with confidence 1.00.",
     "Predicted next action 'action_answer_question' with confidence 1.00."),
    ("NLU confidence 0.16 for intent 'cost' is lower than NLU threshold 0.20.",
     "NLU confidence 0.16 for intent 'cost' is lower than NLU threshold 0.20."),
    (f"a lone quote ' then {MARKER}", f"a lone quote '{HIDDEN}"),
    ("Rasa server is up and running.", "Rasa server is up and running."),
])
def test_a_line_keeps_names_and_codes_and_hides_words(line, expected):
    assert mask_line(line) == expected


def record(name: str, message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, exc_info)


def raised() -> tuple:
    try:
        try:
            {}["x"]
        except KeyError as e:
            raise ValueError(f"bad row: {MARKER} {PHONE}") from e
    except ValueError:
        return sys.exc_info()


def test_other_loggers_lose_quoted_args_extra_lines_and_exception_messages():
    line = scrub_record(record("rasa.core.processor", "Message %s:\n%s",
                               f"'my {MARKER}'", f"text: {MARKER}", exc_info=raised()))
    text = logging.Formatter().format(line)
    assert MARKER not in text and PHONE not in text
    assert "Message '[hidden]': [1 more line(s) hidden]" in text
    assert "builtins.ValueError: (message hidden)" in text
    assert "builtins.KeyError: (message hidden)" in text and "in raised" in text


def test_our_own_loggers_keep_their_words_but_not_exception_messages():
    line = scrub_record(record("tms.knowledge_store", "cites unknown source %r",
                               "tmslist_strok", exc_info=raised()))
    text = logging.Formatter().format(line)
    assert "cites unknown source 'tmslist_strok'" in text and MARKER not in text


def test_the_scrubber_covers_every_logger_and_warnings(capsys):
    previous = logging.getLogRecordFactory()
    handler = logging.StreamHandler(sys.stderr)
    logger = logging.getLogger("sanic.error")
    logger.addHandler(handler)  # a handler added after the scrubber
    try:
        install_record_scrubber()
        with pytest.raises(RuntimeError, match="already installed"):
            install_record_scrubber()
        logger.error("Exception occurred while handling %r", f"text {MARKER}")
        logging.getLogger("py.warnings").addHandler(handler)
        import warnings
        warnings.warn(f"Parsed '{MARKER}'", UserWarning)
    finally:
        logging.setLogRecordFactory(previous)
        logging.captureWarnings(False)
        logger.removeHandler(handler)
        logging.getLogger("py.warnings").removeHandler(handler)
    err = capsys.readouterr().err
    assert "Exception occurred while handling '[hidden]'" in err
    assert "UserWarning" in err and MARKER not in err


def test_structured_events_keep_only_allowed_keys():
    try:
        raise RuntimeError(MARKER)
    except RuntimeError:
        event = scrub_event(None, "error", {
            "event": "rest.message.received.failure", "text": MARKER,
            "parse_data_intent": {"name": "cost"}, "sender_id": PHONE,
            "rasa_events": [MARKER], "exc_info": True})
    assert event["event"] == "rest.message.received.failure"
    assert event["text"] == event["rasa_events"] == HIDDEN
    assert event["sender_id"] == code(PHONE)
    assert event["parse_data_intent"] == {"name": "cost"}
    assert "builtins.RuntimeError: (message hidden)" in event["exception"]
    assert MARKER not in str(event) and PHONE not in str(event)


def test_a_traceback_keeps_frames_and_types_only():
    _, error, _ = raised()
    text = safe_traceback(error)
    assert text.count("Traceback (most recent call last):") == 2
    assert MARKER not in text and PHONE not in text


def test_rasas_own_structlog_setup_is_scrubbed_in_the_rasa_server():
    """Rasa's configure_structlog, as `rasa run` calls it, through our entry point's
    hook: its ERROR line with the patient's text keeps the event, not the text."""
    script = (
        "import logging, structlog, rasa.__main__\n"
        "from addons.rasa_server import install_private_logs\n"
        "install_private_logs()\n"
        "rasa.__main__.configure_structlog(logging.DEBUG)\n"
        "log = structlog.get_logger()\n"
        f"log.error('rest.message.received.timeout', text='{MARKER}')\n"
        "try:\n"
        f"    raise ValueError('{MARKER}')\n"
        "except ValueError:\n"
        f"    log.exception('rest.message.received.failure', text='{MARKER}')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, text=True,
                            capture_output=True, timeout=180)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "rest.message.received.timeout" in out
    assert "rest.message.received.failure" in out
    assert "ValueError: (message hidden)" in out
    assert MARKER not in out


def deflate_bomb(megabytes: int) -> bytes:
    """A small deflate body that inflates to `megabytes` MB of spaces."""
    squeezer = zlib.compressobj(9)
    return b"".join(squeezer.compress(b" " * 2**20)
                    for _ in range(megabytes)) + squeezer.flush()


def test_a_deflate_bomb_is_not_inflated_past_the_limit():
    bomb = deflate_bomb(64)
    with pytest.raises(TooLarge):
        inflate(bomb)
    assert inflate(zlib.compress(b'{"next_action": "x"}')) == b'{"next_action": "x"}'
    with pytest.raises(zlib.error):
        inflate(b"not deflate")
    assert len(bomb) < MAX_BODY_BYTES
