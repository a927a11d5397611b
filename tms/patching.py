"""One way to patch Rasa's internals: fail loudly at start-up when the patched name is
gone (a Rasa upgrade renamed it) or is already patched, never silently."""
from __future__ import annotations

from typing import Any, Callable

_MARK = "_tms_patch"


def replace(owner: Any, name: str, make: Callable[[Any], Any], purpose: str) -> None:
    """Set ``owner.name`` to ``make(original)``, checking the original first."""
    original = getattr(owner, name, None)
    if original is None or getattr(original, _MARK, False):
        raise RuntimeError(f"Rasa's {owner.__name__}.{name} is missing or already "
                           f"patched: {purpose} cannot be installed on this Rasa")
    replacement = make(original)
    setattr(replacement, _MARK, True)
    setattr(owner, name, replacement)


def require(owner: Any, *names: str, purpose: str) -> None:
    """Fail at start-up when Rasa's ``owner`` no longer has a private method ours
    overrides or calls (an override of a renamed method is silently never called)."""
    missing = [name for name in names if not callable(getattr(owner, name, None))]
    if missing:
        raise RuntimeError(f"Rasa's {owner.__name__} has no {', '.join(missing)}: "
                           f"{purpose} does not fit this Rasa version")
