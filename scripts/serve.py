"""Start the action server and the Rasa server together; start either again when it
stops (after a growing pause); stop both on Ctrl-C.

Usage: python scripts/serve.py [--rasa-port 5005] [--action-port 5055]
                               [--widget-port 8080] [--model models/tms-assistant.tar.gz]
                               [--server-log var/log/servers.log | --server-log -]

The Rasa server listens on the REST channel (/webhooks/rest/webhook), the
widget's socket.io channel and the SMS channel (/webhooks/twilio/webhook).
A demo clinic page with the chat widget is served on --widget-port (0: none).
Conversations go to the store in endpoints.yml (SQLite by default; PostgreSQL when
TRACKER_STORE_URL is set).

The terminal shows this launcher's own lines only (starting, ready, a server
stopped); everything the two servers and their libraries print, third-party
warnings included, goes to the server log (--server-log, default
var/log/servers.log; "-" prints it here instead). When a server fails to start, the
end of that log is shown.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tms.knowledge import check_knowledge  # noqa: E402
from tms.storage import (  # noqa: E402
    LOCK_ENV_URL,
    LockStoreConfigError,
    describe_redis,
    redis_settings,
)

DEFAULT_MODEL = ROOT / "models" / "tms-assistant.tar.gz"
DEFAULT_SERVER_LOG = ROOT / "var" / "log" / "servers.log"
#: Lines of the server log shown when a server fails to start.
LOG_TAIL_LINES = 25
READY_TIMEOUT_S = 300
STOP_TIMEOUT_S = 15


#: The action server's shared secret (actions/server.py), in the environment.
TOKEN_ENV = "ACTION_SERVER_TOKEN"


def _endpoints_for(action_port: int, token: bool = False) -> Path:
    """endpoints.yml, or a copy under var/ pointing at another action-server port
    and, with `token`, sending ACTION_SERVER_TOKEN (Rasa reads ${...} from the
    environment: the secret is never written to disk)."""
    source = ROOT / "endpoints.yml"
    if action_port == 5055 and not token:
        return source
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    config["action_endpoint"]["url"] = f"http://localhost:{action_port}/webhook"
    if token:
        config["action_endpoint"]["token"] = "${%s}" % TOKEN_ENV
    target = ROOT / "var" / f"endpoints-{action_port}{'-token' if token else ''}.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config), encoding="utf-8")
    return target


DEMO_PAGE = ROOT / "widget" / "demo.html"


def demo_server(port: int, rasa_port: int) -> ThreadingHTTPServer:
    """The demo clinic page; its widget loads from the Rasa server, as on a clinic's
    own site (another origin)."""

    class DemoPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.split("?")[0] not in ("/", "/index.html"):
                self.send_error(404)
                return
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}", host):
                host = "localhost"
            assistant = f"http://{host}:{rasa_port}"
            page = DEMO_PAGE.read_text(encoding="utf-8").replace("__ASSISTANT__",
                                                                 assistant)
            body = page.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # quiet: the Rasa log is enough
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), DemoPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def lock_store_problem(url: str) -> Optional[str]:
    """Why LOCK_STORE_URL cannot be used, or None when Redis answers there."""
    import redis

    try:
        redis_settings(url)  # the same check the Rasa server's lock store makes
    except LockStoreConfigError as error:
        return str(error)
    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"{LOCK_ENV_URL}: Redis at {describe_redis(url)} did not answer ({error})."
    return None


def workers_problem(workers: str) -> Optional[str]:
    """Why SANIC_WORKERS cannot be used without a shared lock store, or None."""
    try:
        count = int(workers or 1)
    except ValueError:
        return f"SANIC_WORKERS must be a whole number, not {workers!r}."
    if count > 1:
        return (f"SANIC_WORKERS={count} needs {LOCK_ENV_URL} (Redis): workers with "
                "locks in their own memory could answer one patient's messages out of "
                "order. Set LOCK_STORE_URL=redis://localhost:6379/1, or run one worker.")
    return None


#: Actions one message may run (session start, the answer, a follow-up), and the
#: slowest the stores may be (PostgreSQL's statement timeout, read and write).
ACTIONS_PER_MESSAGE, STORE_S = 3, 2 * 5


def lock_lifetime_problem(env: dict) -> Optional[str]:
    """Why the conversation lock could expire while a message is still being answered
    (a second message of that conversation would then run alongside it), or None."""
    try:
        lifetime = float(env.get("TICKET_LOCK_LIFETIME") or 60)  # Rasa's default
        timeout = float(env.get("TMS_ACTION_TIMEOUT_S") or 3)
    except ValueError:
        return "TICKET_LOCK_LIFETIME and TMS_ACTION_TIMEOUT_S must be numbers of seconds."
    longest = ACTIONS_PER_MESSAGE * timeout + STORE_S
    if lifetime <= longest:
        return (f"TICKET_LOCK_LIFETIME={lifetime:g} s is too short: one message may take "
                f"{longest:g} s ({ACTIONS_PER_MESSAGE} action calls of up to "
                f"TMS_ACTION_TIMEOUT_S={timeout:g} s, plus the conversation store), and a "
                "lock that expires first lets that patient's next message overtake it. "
                "Raise TICKET_LOCK_LIFETIME or lower TMS_ACTION_TIMEOUT_S.")
    return None


def action_log_flags(level: str) -> List[str]:
    """rasa_sdk's flags for LOG_LEVEL, which the Rasa server reads by itself."""
    level = level.strip().upper()
    if level == "DEBUG":
        return ["--debug"]
    return ["--quiet"] if level in ("WARNING", "ERROR", "CRITICAL") else []


def ready(url: str) -> bool:
    """The URL answers 200 within 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


#: Pauses before restarting a server that stopped: 1 s, then longer while it keeps
#: stopping, at most 30 s. A server that has run for STEADY_S counts as well again.
RESTART_DELAYS_S = (1, 2, 4, 8, 16, 30)
STEADY_S = 60.0


class Supervised:
    """One server process, started again when it stops."""

    def __init__(self, name: str, command: List[str], env: dict,
                 clock=time.monotonic, output: Optional[IO] = None) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.clock = clock
        self.output = output  # where its output goes (None: this terminal)
        self.process: Optional[subprocess.Popen] = None
        self.started = 0.0
        self.failures = 0
        self.restart_at: Optional[float] = None

    def start(self) -> "Supervised":
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                        stdout=self.output, stderr=self.output)
        self.started = self.clock()
        self.restart_at = None
        return self

    def stopped(self) -> bool:
        return self.process is None or self.process.poll() is not None

    def keep_up(self) -> None:
        now = self.clock()
        if not self.stopped():
            if now - self.started >= STEADY_S:
                self.failures = 0
            return
        if self.restart_at is None:
            delay = RESTART_DELAYS_S[min(self.failures, len(RESTART_DELAYS_S) - 1)]
            self.failures += 1
            print(f"The {self.name} stopped (exit code {self.process.returncode}); "
                  f"starting it again in {delay} s.", file=sys.stderr, flush=True)
            self.restart_at = now + delay
        elif now >= self.restart_at:
            self.start()
            print(f"The {self.name} was started again.", file=sys.stderr, flush=True)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _log_end(log_path: Optional[Path]) -> str:
    """Where to read why: the end of the server log (or the messages above)."""
    if log_path is None:
        return "; see the messages above."
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    return (f"; the end of {_shown(log_path)}:\n  "
            + "\n  ".join(lines[-LOG_TAIL_LINES:]))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-port", type=int,
                        default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--action-port", type=int,
                        default=int(os.environ.get("ACTION_PORT", 5055)))
    parser.add_argument("--widget-port", type=int,
                        default=int(os.environ.get("WIDGET_PORT", 8080)),
                        help="port of the demo page with the chat widget (0: none)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--server-log", default=os.environ.get("SERVER_LOG",
                                                               str(DEFAULT_SERVER_LOG)),
                        help="file for the servers' own output ('-': this terminal)")
    args = parser.parse_args(argv)
    if not args.model.is_file():
        print(f"No trained model at {args.model}. Run `make train` first.",
              file=sys.stderr)
        return 2
    knowledge, findings = check_knowledge()
    for finding in findings:
        print(finding, file=sys.stderr)
    if knowledge is None:
        print("The answers in knowledge/ have errors (above); fix them and start "
              "again.", file=sys.stderr)
        return 2
    lock_url = os.environ.get(LOCK_ENV_URL, "").strip()
    problem = (lock_store_problem(lock_url) if lock_url
               else workers_problem(os.environ.get("SANIC_WORKERS", ""))
               ) or lock_lifetime_problem(os.environ)
    if problem:
        print(problem, file=sys.stderr)
        return 2

    # No telemetry or crash reports leave the machine: conversations are health data.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1",
               RASA_TELEMETRY_ENABLED="false")
    python = sys.executable
    log_path = None if args.server_log == "-" else Path(args.server_log)
    output = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        output = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        print(f"Starting the assistant (server messages: {_shown(log_path)})...",
              flush=True)

    def on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    # Ctrl-C (SIGINT) and SIGTERM stop both servers, even when this launcher was
    # started in the background, where SIGINT arrives ignored. (A handled signal is
    # reset to its default in the servers, so they stop on SIGINT too.)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    # The action server is internal: only the Rasa server on this machine calls it.
    # ACTION_HOST=0.0.0.0 opens it to other machines (put it behind a firewall then).
    actions = Supervised(
        "action server",
        [python, "-m", "actions.server", "--actions", "actions",
         "--port", str(args.action_port),
         *action_log_flags(os.environ.get("LOG_LEVEL", ""))],
        dict(env, SANIC_HOST=os.environ.get("ACTION_HOST", "127.0.0.1")),
        output=output).start()
    rasa = Supervised(
        "Rasa server",
        [python, "-m", "addons.rasa_server", "run", "--model", str(args.model),
         "--endpoints", str(_endpoints_for(
             args.action_port, bool(os.environ.get(TOKEN_ENV)))),
         "--credentials", str(ROOT / "credentials.yml"),
         "--port", str(args.rasa_port),
         # RASA_HOST=127.0.0.1 behind a load balancer on the same machine.
         "--interface", os.environ.get("RASA_HOST", "0.0.0.0")], env,
        output=output).start()
    servers = [actions, rasa]
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        checks = [f"http://localhost:{args.action_port}/health",
                  f"http://localhost:{args.rasa_port}/"]
        while not all(ready(url) for url in checks):
            if any(server.stopped() for server in servers):
                print("A server stopped while starting" + _log_end(log_path),
                      file=sys.stderr)
                return 1
            if time.monotonic() > deadline:
                print("The servers did not start in time" + _log_end(log_path),
                      file=sys.stderr)
                return 1
            time.sleep(0.5)
        demo = ""
        if args.widget_port:
            try:
                demo_server(args.widget_port, args.rasa_port)
                demo = (f"  Demo page: http://localhost:{args.widget_port}/ "
                        "(chat widget)\n")
            except OSError as error:
                demo = f"  Demo page: not started, port {args.widget_port}: {error}\n"
        print(f"\nThe assistant is ready.\n{demo}"
              f"  REST:      POST http://localhost:{args.rasa_port}/webhooks/rest/webhook"
              f"\n  socket.io: http://localhost:{args.rasa_port}/socket.io"
              f"\n  SMS:       POST http://localhost:{args.rasa_port}/webhooks/twilio/webhook"
              + (f"\n  Server log: {_shown(log_path)}" if log_path else "")
              + "\nPress Ctrl-C to stop.\n", flush=True)
        # A server that stops is started again (after a pause that grows while it
        # keeps stopping); the other keeps serving meanwhile. While the action server
        # is away the Rasa server answers "I can't look that up right now" and still
        # gives emergency replies (addons/action_guard.py).
        while True:
            for server in servers:
                server.keep_up()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping the assistant...", flush=True)
        return 0
    finally:
        _stop([server.process for server in servers if server.process is not None])


if __name__ == "__main__":
    sys.exit(main())
