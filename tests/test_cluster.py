"""Several servers behind HAProxy (scripts/cluster.py): the load balancer's own rules
against stand-in servers, and the chaos run (scripts/chaos.py) against real ones."""
import json
import os
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from scripts.cluster import HAPROXY, Cluster, free_port, haproxy_config, main
from tests.standins import LoopbackServer, QuietHandler, wait_for

ROOT = Path(__file__).resolve().parent.parent
needs_haproxy = pytest.mark.skipif(not Path(HAPROXY).is_file(),
                                   reason="HAProxy not installed (make haproxy)")


class StandInRasa(LoopbackServer):
    """Answers like Rasa's REST channel and records which conversations it served."""

    def __init__(self, port: int = 0) -> None:
        self.senders = []
        self.healthy = True
        senders = self.senders
        stand_in = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - health check
                self.reply(200 if stand_in.healthy else 503, "text/plain", b"Hello")

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                senders.append(body["sender"])
                self.reply(200, "application/json", json.dumps(
                    [{"recipient_id": body["sender"], "text": "ok"}]).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]


@pytest.fixture
def balancer(tmp_path):
    servers = [StandInRasa(), StandInRasa()]
    port = free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config([s.port for s in servers], port, free_port()))
    process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    assert wait_for(lambda: _post(url, "warm-up"), timeout=10)
    yield url, servers
    process.terminate()
    process.wait(timeout=10)
    for server in servers:
        try:
            server.stop()
        except OSError:
            pass


def _post(url, sender):
    try:
        return requests.post(url, json={"sender": sender, "message": "hi"},
                             timeout=5).json()
    except (requests.RequestException, ValueError):
        return None


@needs_haproxy
def test_one_conversation_stays_on_one_server_and_moves_when_it_stops(balancer):
    url, servers = balancer
    time.sleep(2.5)  # both servers taken in by the health checks
    senders = [f"patient-{n}" for n in range(20)]
    for _ in range(3):
        for sender in senders:
            assert _post(url, sender) == [{"recipient_id": sender, "text": "ok"}]
    served_by = {s: {n for n, server in enumerate(servers) if s in server.senders}
                 for s in senders}
    assert all(len(nodes) == 1 for nodes in served_by.values()), served_by
    assert {n for nodes in served_by.values() for n in nodes} == {0, 1}
    # One server stops: its conversations are answered by the other at once (the
    # refused connection is retried there), with nothing for the patient to redo.
    servers[1].stop()
    moved = [s for s, nodes in served_by.items() if nodes == {1}]
    for sender in moved:
        assert _post(url, sender) == [{"recipient_id": sender, "text": "ok"}]
        assert servers[0].senders[-1] == sender
    # It comes back: its conversations go back to it (the load stays even), and the
    # other server's stay where they are.
    back = StandInRasa(servers[1].port)
    servers.append(back)
    time.sleep(5)  # two health checks, 2 s apart
    for sender in senders:
        assert _post(url, sender)
    assert set(back.senders) == set(moved)


@needs_haproxy
def test_servers_all_failing_their_checks_are_still_tried(balancer):
    """Every server too busy to answer its health check in time: patients still get
    replies rather than HAProxy's error page."""
    url, servers = balancer
    for server in servers:
        server.healthy = False
    time.sleep(7.5)  # three failed checks, 2 s apart: both out
    assert all(_post(url, f"busy-{n}") == [{"recipient_id": f"busy-{n}", "text": "ok"}]
               for n in range(5))


@needs_haproxy
def test_the_generated_configuration_is_valid_haproxy(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config([5105, 5106, 5107], 8000, 8404))
    checked = subprocess.run([HAPROXY, "-c", "-f", str(config)], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("env, says", [
    ({"TRACKER_STORE_URL": "sqlite:///var/c.db", "LOCK_STORE_URL": "redis://x:6379/1"},
     "PostgreSQL"),
    ({"TRACKER_STORE_URL": "postgresql://u@h/d", "LOCK_STORE_URL": "memory"}, "Redis"),
])
def test_a_cluster_without_shared_stores_refuses_with_the_reason(env, says, capsys,
                                                                 monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if Path(HAPROXY).is_file():
        assert main(["--nodes", "2"]) == 2
        assert says in capsys.readouterr().err
    assert says in Cluster(2).problem()


@needs_haproxy
@pytest.mark.slow
def test_chaos_leaves_no_patient_without_a_reply_and_loses_nothing(tmp_path):
    """Two real assistants behind HAProxy, 30 conversations x 12 turns, while a Rasa
    server is killed, an action server paused then killed, PostgreSQL and Redis cut
    off and an answer file rewritten slowly (scripts/chaos.py --quick)."""
    out = tmp_path / "chaos.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "chaos.py"),
                             "--quick", "--json", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=900,
                            env=dict(os.environ, HAPROXY=HAPROXY))
    summary = json.loads(out.read_text())
    assert summary["faults_not_made"] == 0, summary["events"]
    assert summary["answered"] == summary["messages"] == 360, result.stdout[-2000:]
    assert summary["crossed"] == 0
    assert summary["emergency_replies"] == "30/30"
    assert summary["while_waiting_replies"] == "30/30"
    assert summary["during_action_pause"].split("/")[0] == \
        summary["during_action_pause"].split("/")[1].split()[0]
    assert summary["stored_lost"] == summary["stored_out_of_order"] == 0
    assert summary["partial_answers_served"] == 0 and summary["new_answer_live"]
    assert summary["action_server_back_within_s"] == 15  # it came back by itself
    assert result.returncode == 0 and summary["ok"]
