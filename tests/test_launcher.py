"""What `make run` shows: the launcher's own lines on the terminal, everything the
servers and their libraries print (third-party warnings included) in the server log."""
import os
import signal
import subprocess
import sys
import threading

import pytest
import requests

from scripts.cluster import free_port
from tests.conftest import ROOT
from tests.standins import wait_for

pytestmark = pytest.mark.slow


def test_the_terminal_shows_our_lines_and_the_log_keeps_the_rest(tmp_path):
    log = tmp_path / "servers.log"
    rasa_port, action_port = free_port(), free_port()
    launcher = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "--rasa-port", str(rasa_port),
         "--action-port", str(action_port), "--widget-port", "0", "--server-log", str(log)],
        cwd=ROOT, env=dict(os.environ, TRACKER_STORE_URL=f"sqlite:///{tmp_path}/c.db"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    shown = []
    reader = threading.Thread(target=lambda: shown.extend(launcher.stdout), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any("Press Ctrl-C" in line for line in shown), 300)
        assert requests.get(f"http://127.0.0.1:{rasa_port}/", timeout=10).ok
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
        reader.join(timeout=10)
    lines = [line.rstrip("\n") for line in shown if line.strip()]
    assert "The assistant is ready." in lines
    assert any("Server log:" in line for line in lines)
    assert lines[-1] == "Stopping the assistant..."
    # nothing of Rasa's, Sanic's or the libraries' own output reaches the terminal
    assert not [line for line in lines
                if "Warning" in line or " INFO " in line or "rasa." in line]
    assert len(lines) <= 12, lines
    kept = log.read_text()
    assert "rasa" in kept.lower() and len(kept.splitlines()) > len(lines)

