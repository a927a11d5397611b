"""Start Rasa (`python -m addons.rasa_server run ...`) with checked patches of its
internals.

Each patch checks at start-up that what it replaces still exists, so a Rasa upgrade
that renames it stops the server with the reason instead of silently dropping it.

1. Button payloads only from our own buttons (``addons/payload_guard.py``).
2. A time limit on the action server, and a reply of the Rasa server's own when it
   fails (``addons/action_guard.py``).
3. Requests bounded at the door (``addons/door.py``).
4. Nothing a patient wrote, and no conversation id, in any log line
   (``tms/log_privacy.py``; structlog's processors are re-checked after Rasa sets them).
5. The conversation's condition for the NLU (``addons/conversation_context.py``).
6. One measured speed-up:

Rasa 3.6 checks every action-server response with ``jsonschema.validate``, which
rebuilds the validator and re-checks the large event schema on each call: about
45 ms of every answered question on a 2-core machine. A validator built once does
the same validation in about 3 ms. Everything else is Rasa's own ``main``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

import rasa.__main__
import structlog
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from addons.action_guard import install_action_guard
from addons.conversation_context import install_conversation_context
from addons.door import install_door_limits
from tms.patching import replace
from addons.payload_guard import install_payload_guard
from tms.log_privacy import Scrubbed, install_record_scrubber, scrub_event


def install_cached_action_validation() -> None:
    """Make RemoteAction validate responses with one prebuilt validator."""
    if not callable(getattr(RemoteAction, "_validate_action_result", None)) or not callable(
            getattr(RemoteAction, "action_response_format_spec", None)):
        raise RuntimeError("Rasa's RemoteAction._validate_action_result is gone: the "
                           "cached validation patch does not fit this Rasa version")
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, make sure "
                f"your response from the Action endpoint is valid. For more "
                f"information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e
        return True

    RemoteAction._validate_action_result = _validate_action_result


def with_scrubber(processors: List[Callable]) -> List[Callable]:
    """structlog's processors with `scrub_event` before the exceptions and the
    renderer are rendered, and the rendered line marked as scrubbed."""
    *chain, render = processors
    at = next((i for i, p in enumerate(chain)
               if isinstance(p, structlog.processors.ExceptionRenderer)), len(chain))

    def render_scrubbed(*args: Any) -> Any:
        line = render(*args)
        return Scrubbed(line) if isinstance(line, str) else line

    return [*chain[:at], scrub_event, *chain[at:], render_scrubbed]


def _scrub_structlog() -> None:
    processors = structlog.get_config()["processors"]
    if not processors or scrub_event in processors:
        raise RuntimeError("structlog has no processors, or is already scrubbed: the "
                           "log scrubber does not fit this Rasa version")
    structlog.configure(processors=with_scrubber(processors))


def install_private_logs() -> None:
    """Scrub log records, and structlog events both before and after Rasa's
    ``configure_structlog`` sets its processors."""
    install_record_scrubber()
    _scrub_structlog()

    def make(original: Any) -> Any:
        def configure_structlog(*args: Any, **kwargs: Any) -> None:
            original(*args, **kwargs)
            _scrub_structlog()
        return configure_structlog

    replace(rasa.__main__, "configure_structlog", make, "the log scrubber")


def main() -> None:
    install_private_logs()
    install_cached_action_validation()
    install_payload_guard()
    install_action_guard()
    install_door_limits()
    install_conversation_context()
    rasa.__main__.main()


if __name__ == "__main__":
    main()
