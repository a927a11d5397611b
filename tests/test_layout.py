"""Which process runs what: the core package tms/ imports neither rasa nor rasa_sdk,
and the staff tools need only PyYAML and SQLAlchemy (no Rasa, no NumPy)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted(p.stem for p in (ROOT / "tms").glob("*.py") if p.stem != "__init__")
STAFF = ["tms.staff", "tms.check_knowledge", "tms.coverage", "tms.preview", "tms.report"]


def import_without(modules, blocked):
    """Import the modules in a fresh interpreter in which the blocked packages
    cannot be imported; the error output, or '' when it worked."""
    code = (
        "import sys, importlib, importlib.abc\n"
        f"BLOCKED = {sorted(blocked)!r}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {list(modules)!r}: importlib.import_module(m)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    return result.stderr if result.returncode else ""


@pytest.mark.parametrize("module", CORE)
def test_core_modules_import_neither_rasa_nor_rasa_sdk(module):
    assert import_without([f"tms.{module}"], {"rasa", "rasa_sdk"}) == ""


def test_staff_tools_need_no_rasa_numpy_or_spacy():
    blocked = {"rasa", "rasa_sdk", "numpy", "sklearn", "spacy", "tensorflow", "sanic"}
    assert import_without(STAFF, blocked) == ""


def test_staff_command_checks_the_shipped_knowledge():
    result = subprocess.run([sys.executable, "-m", "tms.staff", "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout


def test_staff_command_explains_itself_when_called_wrong():
    result = subprocess.run([sys.executable, "-m", "tms.staff", "publish"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "python -m tms.staff check" in result.stderr


def test_actions_holds_only_the_action_server():
    """The rasa_sdk adapters and the action server's entry point, nothing the Rasa
    server runs: none of it imports rasa."""
    assert sorted(p.name for p in (ROOT / "actions").glob("*.py")) == [
        "__init__.py", "actions.py", "server.py"]
    assert import_without(["actions.actions", "actions.server"], {"rasa"}) == ""
