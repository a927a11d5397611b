"""Loopback stand-ins for what the tests cannot reach: the SMS provider's API, and a
network connection that can be cut."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Mapping
from urllib.parse import parse_qs


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """X-Twilio-Signature as Twilio's security docs define it: HMAC-SHA1 over the URL
    followed by each POST parameter's name and value, sorted by name, base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class LoopbackServer:
    """An HTTP server on a free loopback port, in a thread."""

    def __init__(self, handler: type) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    def reply(self, status: int, content_type: str = "", body: bytes = b"") -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class TwilioStandIn(LoopbackServer):
    """Twilio's Messages API on loopback: records every message the assistant sends."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.sent: List[Dict[str, str]] = []
        expected_auth = "Basic " + base64.b64encode(
            f"{account_sid}:{auth_token}".encode()).decode()
        path = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        sent = self.sent

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(
                    self.rfile.read(length).decode("utf-8")).items()}
                authorised = self.headers.get("Authorization") == expected_auth
                if self.path != path or not authorised:
                    self.reply(401)
                    return
                sent.append(form)
                self.reply(201, "application/json", json.dumps(
                    {"sid": "SM" + uuid.uuid4().hex, "status": "queued",
                     "to": form.get("To"), "from": form.get("From"),
                     "body": form.get("Body")}).encode())

        super().__init__(Handler)

    def to(self, number: str) -> List[str]:
        return [m["Body"] for m in self.sent if m.get("To") == number]


class CuttableProxy:
    """A TCP proxy to a local port whose connections can be dropped (and new ones
    refused) until restored, as when a patient's Wi-Fi drops."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.online = True
        #: Connections asked for, online or cut: how often the service was tried.
        self.attempts = 0
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.attempts += 1
            if not self.online:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """Drop every connection; refuse new ones until `restore`."""
        self.online = False
        with self._lock:
            for connection in self._connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self._connections.clear()

    def restore(self) -> None:
        self.online = True

    def close(self) -> None:
        self.cut()
        self._listener.close()


def wait_for(condition: Callable[[], object], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    return condition()


class PageServer(LoopbackServer):
    """Serves one HTML page on loopback: a clinic's own website, another origin than
    the assistant's."""

    def __init__(self, html: str) -> None:
        body = html.encode("utf-8")

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.reply(200, "text/html; charset=utf-8", body)

        super().__init__(Handler)
