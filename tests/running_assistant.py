"""Start the real assistant (scripts/serve.py) for a test, and talk to it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests
import socketio

from scripts.cluster import free_port
from tests.standins import wait_for

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 300


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RunningAssistant:
    """Both servers, started by the same launcher `make run` uses."""

    def __init__(self, env: Dict[str, str], log_path: Path):
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.widget_port = free_port()
        self.env = dict(os.environ, **env)
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def demo_url(self) -> str:
        return f"http://127.0.0.1:{self.widget_port}/"

    def start(self) -> "RunningAssistant":
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py"),
             "--rasa-port", str(self.rasa_port),
             "--action-port", str(self.action_port),
             "--widget-port", str(self.widget_port),
             "--server-log", "-"],  # the servers' lines too: tests read them
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            # Started as from a background job, where SIGINT arrives ignored: Ctrl-C
            # (`stop`) must still stop both servers. Its own process group, so that
            # a launcher that will not stop is killed with both servers.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the assistant exited; see {self.log_path}:\n"
                                   + self.log_tail())
            with open(self.log_path, "rb") as new_output:
                new_output.seek(offset)
                if b"The assistant is ready." in new_output.read():
                    return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the assistant did not start; see {self.log_path}")

    def stop(self, timeout: float = 60) -> int:
        """Ctrl-C, as a person at the terminal would; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def post_rest(self, token: Optional[str] = None, timeout: float = 60,
                  headers: Optional[Dict[str, str]] = None, **kwargs) -> requests.Response:
        """One raw POST to the REST channel (``json=`` or ``data=``), with ``token`` as
        the integrator's bearer token when given; the response, whatever its status."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.post(f"{self.url}/webhooks/rest/webhook", timeout=timeout,
                             headers=headers, **kwargs)

    def send(self, sender: str, text: str, timeout: float = 60) -> List[dict]:
        response = self.post_rest(  # the integrator's token, when one is set
            self.env.get("REST_TOKEN"), timeout, json={"sender": sender, "message": text})
        response.raise_for_status()
        return response.json()

    def widget_say(self, text: str, token: Optional[str] = None
                   ) -> Tuple[List[dict], str]:
        """One message through the widget's socket.io channel, in the session of
        ``token`` (a new one without): the replies, and the token the server issued."""
        replies: List[dict] = []
        issued: List[str] = []
        client = socketio.Client()
        client.on("bot_uttered", replies.append)
        client.on("session_confirm", issued.append)
        client.connect(self.url, transports=["polling"])
        try:
            client.emit("session_request", {"session_id": token})
            wait_for(lambda: issued, 30)
            client.emit("user_uttered", {"message": text})
            wait_for(lambda: replies, 60)
        finally:
            client.disconnect()
        return replies, issued[0]

    def say(self, sender: str, text: str) -> str:
        """The whole reply as one text (REST splits paragraphs into messages)."""
        return "\n\n".join(m.get("text", "") for m in self.send(sender, text))
