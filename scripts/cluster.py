"""Several assistants behind HAProxy on this machine, sharing PostgreSQL and Redis.

Usage: python scripts/cluster.py [--nodes 2] [--port 8000] [--stats-port 8404]

Each node is what `make run` starts (scripts/serve.py: a Rasa server and its own action
server, each started again if it stops), listening on loopback only. HAProxy (Debian's
package) sends each conversation's REST and SMS messages to one Rasa server (by its
sender), keeps each socket.io connection on one of them, checks every server every
2 s and sends the next request elsewhere when one stops answering. All nodes share
one conversation store (TRACKER_STORE_URL, PostgreSQL) and one lock store
(LOCK_STORE_URL, Redis), so any node can take any conversation's next message.
Unset, they default to the local services (postgresql://postgres@localhost:5432/test
and redis://localhost:6379/1), for trying it out. README.md, "Several servers", gives the
production layout.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.serve import ready as answers  # noqa: E402

HAPROXY = os.environ.get("HAPROXY", "/usr/sbin/haproxy")
DEFAULT_STORE = "postgresql://postgres@localhost:5432/test"
DEFAULT_LOCKS = "redis://localhost:6379/1"
START_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def haproxy_config(rasa_ports: List[int], port: int, stats_port: int) -> str:
    """HAProxy's configuration for these Rasa servers.

    - REST and SMS: the conversation (REST `sender`, SMS `From`) picks the server by
      consistent hashing, so a conversation stays on one server while it is up: its
      recent turns are in that server's memory (a database outage loses nothing) and
      its messages rarely wait on the shared lock. When a server goes, only its
      conversations move; they go back when it returns, so the load stays even. (A
      stick table keeping them where they moved was tried: after one restart, one
      server carried every conversation and replies slowed past the action time
      limit in `make chaos`.) A request whose server refused the connection or closed it
      without an answer (a server that just died) is sent once more, to another
      server (`retry-on`, `option redispatch`): the patient sees one reply.
    - socket.io (the widget, WebSocket only): one connection stays on one server by
      nature; `balance source` sends a reconnecting widget back to the same one.
    - Health: GET / every 2 s, 5 s to answer; three failures take a server out, two
      successes bring it back. A server that is only busy still answers in time; if
      every server looks down at once, each is still tried (unchecked backup lines)
      rather than every patient getting an error page.
    """
    servers = "\n".join(f"    server node{n} 127.0.0.1:{p}"
                        for n, p in enumerate(rasa_ports, start=1))
    # Used only when every checked server looks down (all of them busy past the check's
    # time limit, say): then requests are still tried rather than refused with a 503.
    last_resort = "\n".join(f"    server node{n}-last-resort 127.0.0.1:{p} backup no-check"
                            for n, p in enumerate(rasa_ports, start=1))
    return f"""# Written by scripts/cluster.py; rewritten at each start.
global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout tunnel 1h
    timeout http-request 15s
    timeout check 5s
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
    hash-type consistent
    option httpchk GET /
    http-check expect status 200
    default-server check inter 2s fall 3 rise 2
    option allbackups

frontend assistant
    bind 127.0.0.1:{port}
    acl socketio path_beg /socket.io
    use_backend socketio if socketio
    default_backend rasa

backend rasa
    option http-buffer-request
    http-request set-var(txn.conversation) req.body,json_query('$.sender')
    http-request set-var(txn.conversation) req.body_param(From) if {{ req.hdr(content-type) -m sub form }}
    balance hash var(txn.conversation)
{servers}
{last_resort}

backend socketio
    balance source
{servers}
{last_resort}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /
    stats refresh 5s
"""


class Node:
    """One launcher (scripts/serve.py): a Rasa server and its action server."""

    def __init__(self, number: int, env: Dict[str, str], log_dir: Path) -> None:
        self.number = number
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.env = env
        self.log_path = log_dir / f"node{number}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Node":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py"),
             "--rasa-port", str(self.rasa_port), "--action-port", str(self.action_port),
             "--widget-port", "0", "--server-log", "-"],  # all of it in the node's log
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        return self

    @property
    def action_health(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/health"

    def ready(self) -> bool:
        return (answers(f"http://127.0.0.1:{self.rasa_port}/")
                and answers(f"http://127.0.0.1:{self.action_port}/health"))

    def server_pid(self, which: str) -> Optional[int]:
        """The process id of this node's "rasa" or "actions" server, if running."""
        marker = "addons.rasa_server" if which == "rasa" else "actions.server"
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = [int(p) for p in children.read_text().split()]
        except OSError:
            return None
        for pid in pids:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if marker.encode() in command:
                return pid
        return None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Cluster:
    """N nodes behind HAProxy on loopback. A context manager: stopped on exit."""

    def __init__(self, nodes: int = 2, port: int = 0, stats_port: int = 0,
                 env: Optional[Dict[str, str]] = None,
                 log_dir: Path = ROOT / "var" / "cluster") -> None:
        self.port = port or free_port()
        self.stats_port = stats_port or free_port()
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, **(env or {}))
        self.env.setdefault("TRACKER_STORE_URL", DEFAULT_STORE)
        self.env.setdefault("LOCK_STORE_URL", DEFAULT_LOCKS)
        # Reached through HAProxy only: the nodes listen on loopback.
        self.env.setdefault("RASA_HOST", "127.0.0.1")
        self.nodes = [Node(n, self.env, log_dir) for n in range(1, nodes + 1)]
        self.haproxy: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def problem(self) -> Optional[str]:
        """Why this cluster cannot start, in words, or None: the settings first
        (they hold on every machine), then the load balancer's program."""
        if not self.env["TRACKER_STORE_URL"].startswith("postgresql"):
            return ("Several servers must share one PostgreSQL conversation store: set "
                    "TRACKER_STORE_URL=postgresql://USER:PASSWORD@HOST:5432/DATABASE.")
        if not self.env["LOCK_STORE_URL"].startswith(("redis://", "rediss://")):
            return ("Several servers must share one Redis lock store (one conversation's "
                    "messages in order): set LOCK_STORE_URL=redis://HOST:6379/1.")
        if not Path(HAPROXY).is_file():
            return (f"HAProxy is not installed ({HAPROXY}): `make haproxy` installs "
                    "Debian's package, or set HAPROXY=/path/to/haproxy.")
        return None

    def start(self) -> "Cluster":
        problem = self.problem()
        if problem:
            raise RuntimeError(problem)
        config = self.log_dir / "haproxy.cfg"
        config.write_text(haproxy_config([n.rasa_port for n in self.nodes], self.port,
                                         self.stats_port))
        checked = subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)],
                                 capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"HAProxy refused {config}: {checked.stdout}{checked.stderr}")
        for node in self.nodes:
            node.start()
        log = open(self.log_dir / "haproxy.log", "ab")
        # -db: stay in the foreground, so this process supervises it.
        self.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)],
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(node.ready() for node in self.nodes):
            stopped = [n.number for n in self.nodes if n.process.poll() is not None]
            if stopped or self.haproxy.poll() is not None:
                self.stop()
                raise RuntimeError(f"Node(s) {stopped or 'HAProxy'} stopped while "
                                   f"starting; logs in {self.log_dir}/.")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The nodes did not start in time; logs in "
                                   f"{self.log_dir}/.")
            time.sleep(0.5)
        # Every server taken in by HAProxy's health checks.
        while not answers(self.url + "/") and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2.5)
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(timeout=10)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=int(os.environ.get("N", 2)))
    parser.add_argument("--port", type=int, default=8000,
                        help="HAProxy's port: the address channels and the widget use")
    parser.add_argument("--stats-port", type=int, default=8404,
                        help="HAProxy's status page (which servers are up)")
    args = parser.parse_args(argv)
    if not 1 <= args.nodes <= 8:
        print("--nodes must be 1 to 8 on one machine.", file=sys.stderr)
        return 2
    cluster = Cluster(args.nodes, args.port, args.stats_port)
    problem = cluster.problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    def on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"Starting {args.nodes} nodes (a minute or two; logs in {cluster.log_dir}/)...",
          flush=True)
    try:
        cluster.start()
        print(f"\n{args.nodes} assistants are ready behind HAProxy.\n"
              f"  REST:      POST {cluster.url}/webhooks/rest/webhook\n"
              f"  socket.io: {cluster.url}/socket.io\n"
              f"  SMS:       POST {cluster.url}/webhooks/twilio/webhook\n"
              f"  Status:    http://127.0.0.1:{cluster.stats_port}/ (which servers are up)\n"
              f"  Store:     {cluster.env['TRACKER_STORE_URL'].split('@')[-1]}  "
              f"Locks: {cluster.env['LOCK_STORE_URL'].split('@')[-1]}\n"
              "Press Ctrl-C to stop.\n", flush=True)
        while True:
            if cluster.haproxy.poll() is not None:
                print("HAProxy stopped; see var/cluster/haproxy.log.", file=sys.stderr)
                return 1
            time.sleep(1)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the cluster...", flush=True)
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
