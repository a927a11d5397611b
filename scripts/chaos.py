"""Chaos run: many patients at once through HAProxy to several assistants while their
parts fail, then a check that nobody was left without a reply and nothing was lost.

Usage: python scripts/chaos.py [--conversations 100] [--turns 20] [--nodes 2]
                               [--think 4] [--quick] [--json results/chaos.json]

Loopback only and bounded (a few minutes). It makes its own PostgreSQL database
(dropped afterwards) and uses Redis database 14, both reached through proxies that can
be cut, and a copy of knowledge/. While the conversations run (each turn after a
pause of about --think seconds, as a patient types):

  1. one Rasa server is killed (its launcher starts it again);
  2. one action server is paused for 8 s, then killed (started again);
  3. PostgreSQL is cut off for 10 s;
  4. Redis is cut off for 10 s;
  5. the cost answers are rewritten slowly, in pieces, as a slow editor would save.

Checks (exit status 1 if any fails): every message answered, at most one retry; every
reply addressed to its own conversation; every emergency message got the emergency
reply, and "the ambulance is on its way" the while-you-wait steps; replies within 5 s
while the action server was paused, and it answers again within 15 s of being
killed; every turn stored once, in order (turns a retry stored twice are counted); no
partly written answer served, and the new one live after. Also reported: how many
replies were the Rasa server's own apology (action server slow or away), latency.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import psycopg2
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.cluster import Cluster  # noqa: E402
from scripts.serve import ready as answers  # noqa: E402
from tests.conftest import stored_events  # noqa: E402
from tests.standins import CuttableProxy  # noqa: E402

POSTGRES_ADMIN = "postgresql://postgres@localhost:5432/test"
REDIS_DB = 14
MARK = "This answer was checked again today."
COST = "how much does it cost"
EMERGENCY = "his face just started drooping and he cant lift his arm"
WAITING = "the ambulance is on its way, what do we do"
ORDINARY = [
    "hi", "my husband had a stroke in may, can tms help him", "is it fda approved",
    "how many sessions would he need", COST, "does insurance pay for it",
    "does it hurt", "does tms replace physical therapy", "how long does it last",
    "where can i find a provider", "what is the neuro program",
    "when should it start after a stroke", COST, "is it safe for him",
    "who can't have tms", "what are the side effects", COST, "thanks so much",
]
PAUSE_S, REPLY_WITHIN_S = 8, 5.0
#: Enough for the launcher to start a killed action server again (1 s) and load it.
RESTART_GRACE_S = 15


def conversation(number: int, turns: int) -> List[str]:
    """A caregiver's conversation; the emergency comes at a different turn in each."""
    ordinary = (ORDINARY * 2)[:max(turns - 2, 0)]
    at = 2 + number % max(len(ordinary) - 1, 1)
    return (ordinary[:at] + [EMERGENCY, WAITING] + ordinary[at:])[:turns]


async def send(session: aiohttp.ClientSession, url: str, sender: str,
               text: str) -> dict:
    """One patient message; tried once more after a second if nothing came back."""
    started = time.monotonic()
    for attempt in (1, 2):
        try:
            async with session.post(url, json={"sender": sender, "message": text},
                                    timeout=aiohttp.ClientTimeout(total=30)) as response:
                if response.status == 200:
                    body = await response.json()
                    if body:
                        return {"replies": body, "tries": attempt,
                                "latency": time.monotonic() - started}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            pass
        if attempt == 1:
            await asyncio.sleep(1)
    return {"replies": [], "tries": 2, "latency": time.monotonic() - started}


async def patient(session, url: str, sender: str, texts: List[str], think: float,
                  clock0: float, log: List[dict], rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, think))
    for turn, text in enumerate(texts):
        at = time.monotonic() - clock0
        result = await send(session, url, sender, text)
        log.append(dict(result, sender=sender, turn=turn, text=text, at=at))
        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


def rewrite_slowly(path: Path, content: str, pieces: int = 6, gap_s: float = 0.7) -> None:
    """Save a file the way a slow editor or a network share does: in pieces."""
    size = -(-len(content) // pieces)
    with open(path, "w", encoding="utf-8") as handle:
        for start in range(0, len(content), size):
            handle.write(content[start:start + size])
            handle.flush()
            os.fsync(handle.fileno())
            time.sleep(gap_s)


def marked(cost_file: Path) -> str:
    data = yaml.safe_load(cost_file.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        entry["text"] = entry["text"].rstrip() + " " + MARK
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def signal_server(node, which: str, signum: int, note) -> None:
    names = {signal.SIGKILL: "killed", signal.SIGSTOP: "paused", signal.SIGCONT: "resumed"}
    pid = node.server_pid(which)
    server = "Rasa server" if which == "rasa" else "action server"
    if pid is None:
        note(f"FAULT NOT MADE: no {server} running on node {node.number}")
        return
    os.kill(pid, signum)
    note(f"{names[signum]} the {server} of node {node.number}")


async def faults(cluster: Cluster, pg: CuttableProxy, redis: CuttableProxy,
                 knowledge: Path, clock0: float, scale: float, events: List[dict]) -> None:
    def note(what: str) -> None:
        events.append({"at": round(time.monotonic() - clock0, 1), "what": what})

    async def at(seconds: float) -> None:
        await asyncio.sleep(max(0.0, clock0 + seconds * scale - time.monotonic()))

    loop = asyncio.get_running_loop()
    first, last = cluster.nodes[0], cluster.nodes[-1]
    await at(10)
    signal_server(last, "rasa", signal.SIGKILL, note)
    await at(25)
    signal_server(first, "actions", signal.SIGSTOP, note)
    await asyncio.sleep(PAUSE_S)
    signal_server(first, "actions", signal.SIGCONT, note)
    await asyncio.sleep(4)
    signal_server(first, "actions", signal.SIGKILL, note)

    async def back() -> None:
        killed = time.monotonic()
        while time.monotonic() - killed < RESTART_GRACE_S:
            if await loop.run_in_executor(None, answers, first.action_health):
                note(f"the action server of node {first.number} is back")
                return
            await asyncio.sleep(0.5)

    watching = asyncio.create_task(back())
    for start, proxy, name in ((45, pg, "PostgreSQL"), (60, redis, "Redis")):
        await at(start)
        proxy.cut()
        note(f"cut {name} off")
        await asyncio.sleep(10)
        proxy.restore()
        note(f"{name} back")
    await at(72)
    note("rewriting the cost answers slowly")
    cost_file = knowledge / "answers" / "cost.yml"
    await loop.run_in_executor(None, rewrite_slowly, cost_file, marked(cost_file))
    note("rewrite finished")
    await watching


def longest_common_subsequence(a: List[str], b: List[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y
                           else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def window(events: List[dict], start: str, end: str) -> tuple:
    starts = [e["at"] for e in events if e["what"].startswith(start)]
    ends = [e["at"] for e in events if e["what"].startswith(end)]
    return (starts[0], ends[0]) if starts and ends else (0.0, -1.0)


def check(log: List[dict], events: List[dict], sent: Dict[str, List[str]],
          store_url: str, old_cost: List[str], live_reply: List[str]) -> dict:
    texts = lambda entry: [m.get("text") or "" for m in entry["replies"]]  # noqa: E731
    unanswered = [e for e in log if not e["replies"]]
    retried = [e for e in log if e["tries"] > 1 and e["replies"]]
    crossed = [e for e in log for m in e["replies"] if m.get("recipient_id") != e["sender"]]
    emergencies = [e for e in log if e["text"] == EMERGENCY]
    missed = [e for e in emergencies
              if not any("Call 911" in t for t in texts(e)[:1])]
    waiting = [e for e in log if e["text"] == WAITING]
    not_waiting = [e for e in waiting if not any("While you wait" in t for t in texts(e))]
    paused_from, paused_to = window(events, "paused", "resumed")
    not_made = [e for e in events if e["what"].startswith("FAULT NOT MADE")]
    # The killed action server is back by itself, within RESTART_GRACE_S.
    not_back = not any(e["what"].endswith("is back") for e in events)
    # Replies that were the Rasa server's own apology (action server slow or away).
    apologies = [e for e in log if any("can't look that up" in t for t in texts(e))]
    in_pause = [e for e in log if paused_from <= e["at"] <= paused_to]
    slow_in_pause = [e for e in in_pause if e["latency"] > REPLY_WITHIN_S]
    # Partial content: a cost answer's start without its whole text, or half the mark.
    partial = []
    for entry in log:
        if entry["text"] != COST:
            continue
        for text in texts(entry):
            flat = " ".join(text.split())
            for old in old_cost:
                if flat.find(old[:40]) >= 0 and old not in flat:
                    partial.append(flat)
            if "This answer was" in flat and MARK not in flat:
                partial.append(flat)
    # The store: each conversation's answered turns once, in order. Aligned by the
    # longest common subsequence: a turn missing is one loss, not a cascade.
    answered_turns = {}
    for entry in sorted(log, key=lambda e: (e["sender"], e["turn"])):
        if entry["replies"]:
            answered_turns.setdefault(entry["sender"], []).append(entry["text"])
    lost = out_of_order = twice = 0  # out_of_order: stored where it does not belong
    for sender in sent:
        expected = answered_turns.get(sender, [])
        stored = [data.get("text") for kind, data in stored_events(store_url, sender)
                  if kind == "user"]
        # A message retried after its server died may be stored twice in a row.
        collapsed = [t for n, t in enumerate(stored) if n == 0 or t != stored[n - 1]]
        twice += len(stored) - len(collapsed)
        common = longest_common_subsequence(expected, collapsed)
        lost += len(expected) - common
        out_of_order += len(collapsed) - common
    latencies = sorted(e["latency"] for e in log if e["replies"])
    return {
        "messages": len(log),
        "answered": len(log) - len(unanswered),
        "retried_once": len(retried),
        "crossed": len(crossed),
        "emergency_replies": f"{len(emergencies) - len(missed)}/{len(emergencies)}",
        "while_waiting_replies": f"{len(waiting) - len(not_waiting)}/{len(waiting)}",
        "during_action_pause": f"{len(in_pause) - len(slow_in_pause)}/{len(in_pause)} "
                               f"within {REPLY_WITHIN_S:g} s",
        "stored_lost": lost, "stored_out_of_order": out_of_order,
        "stored_twice": twice,
        "partial_answers_served": len(partial),
        "new_answer_live": bool(live_reply) and any(MARK in t for t in live_reply),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3)
        if latencies else None,
        "latency_max_s": round(latencies[-1], 3) if latencies else None,
        "faults_not_made": len(not_made),
        "action_server_back_within_s": None if not_back else RESTART_GRACE_S,
        "apologies": len(apologies),
        "ok": not (not_made or not_back or unanswered or crossed or missed or not_waiting or slow_in_pause
                   or lost or out_of_order or partial) and bool(live_reply)
        and any(MARK in t for t in live_reply),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--think", type=float, default=4.0,
                        help="mean seconds between a reply and the patient's next message")
    parser.add_argument("--quick", action="store_true",
                        help="30 conversations x 12 turns, faults closer together (tests)")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "chaos.json")
    args = parser.parse_args(argv)
    scale = 1.0
    if args.quick:
        args.conversations, args.turns, args.think, scale = 30, 12, 2.5, 0.6

    name = f"tms_chaos_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(POSTGRES_ADMIN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    pg, redis = CuttableProxy(5432), CuttableProxy(6379)
    knowledge = Path(tempfile.mkdtemp(prefix="tms-chaos-knowledge-"))
    shutil.copytree(ROOT / "knowledge", knowledge, dirs_exist_ok=True)
    store_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    cluster = Cluster(args.nodes, env={
        "TRACKER_STORE_URL": f"postgresql://postgres@127.0.0.1:{pg.port}/{name}",
        "LOCK_STORE_URL": f"redis://127.0.0.1:{redis.port}/{REDIS_DB}",
        "TMS_KNOWLEDGE_DIR": str(knowledge)}, log_dir=ROOT / "var" / "chaos")
    old_cost = [" ".join(e["text"].split()) for e in yaml.safe_load(
        (knowledge / "answers" / "cost.yml").read_text())["entries"]]
    try:
        print(f"Starting {args.nodes} nodes behind HAProxy (logs in var/chaos/)...",
              flush=True)
        cluster.start()
        url = cluster.url + "/webhooks/rest/webhook"
        run = uuid.uuid4().hex[:6]
        sent = {f"chaos-{run}-{n}": conversation(n, args.turns)
                for n in range(args.conversations)}
        log: List[dict] = []
        events: List[dict] = []
        print(f"{args.conversations} conversations x {args.turns} turns, faults on the "
              "way...", flush=True)

        async def everything() -> List[str]:
            clock0 = time.monotonic()
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                rng = random.Random(7)
                await asyncio.gather(
                    faults(cluster, pg, redis, knowledge, clock0, scale, events),
                    *[patient(session, url, sender, texts, args.think, clock0, log,
                              random.Random(rng.random()))
                      for sender, texts in sent.items()])
                # The new answer is live once the file has settled (2 s).
                await asyncio.sleep(3)
                live = await send(session, url, f"chaos-{run}-after", COST)
                return [m.get("text") or "" for m in live["replies"]]

        started = time.monotonic()
        live_reply = asyncio.run(everything())
        # Turns queued during the database outage are written within a few seconds.
        time.sleep(8)
        summary = check(log, events, sent, store_url, old_cost, live_reply)
        summary["seconds"] = round(time.monotonic() - started)
        # Every turn, for reading what went wrong (kept beside the logs).
        (cluster.log_dir / "turns.json").write_text(json.dumps(log, indent=1))
        summary["events"] = events
    finally:
        cluster.stop()
        pg.close()
        redis.close()
        shutil.rmtree(knowledge, ignore_errors=True)
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    for event in summary["events"]:
        print(f"  {event['at']:6.1f} s  {event['what']}")
    for key, value in summary.items():
        if key not in ("events", "ok"):
            print(f"  {key:24} {value}")
    print("PASS" if summary["ok"] else "FAIL", flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
