"""Start Rasa (`python -m addons.rasa_server run ...`) with one measured speed-up.

Rasa 3.6 checks every action-server response with ``jsonschema.validate``, which
rebuilds the validator and re-checks the large event schema on each call: about
45 ms of every answered question on a 2-core machine. A validator built once does
the same validation in about 3 ms. Everything else is Rasa's own ``main``.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def install_cached_action_validation() -> None:
    """Make RemoteAction validate responses with one prebuilt validator."""
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


def main() -> None:
    install_cached_action_validation()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
