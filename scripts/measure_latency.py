"""Measure reply latency and throughput of a running assistant over REST.

Usage: python scripts/measure_latency.py [--url http://localhost:5005] [--turns 200]
Reports p50/p95 for a greeting (no custom action) and for an answered question
(custom action): as the first message of a conversation (which also starts the
session), as the second, and within one long conversation; and messages per second
with two concurrent clients.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid

import requests


def timed(session: requests.Session, url: str, sender: str, text: str) -> float:
    start = time.perf_counter()
    response = session.post(f"{url}/webhooks/rest/webhook",
                            json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    assert response.json(), f"no reply to {text!r}"
    return time.perf_counter() - start


def percentiles(samples):
    ordered = sorted(samples)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    session = requests.Session()
    run = uuid.uuid4().hex[:6]
    question = "how much does tms cost for phantom limb pain"
    for _ in range(5):  # warm up
        timed(session, args.url, f"warm-{run}", question)
    turns = range(args.turns)
    cases = {
        "greeting, new conversations": [
            timed(session, args.url, f"g-{run}-{i}", "hello") for i in turns],
        "question, first message of a conversation": [
            timed(session, args.url, f"q-{run}-{i}", question) for i in turns],
        "question, second message of a conversation": [
            timed(session, args.url, f"q-{run}-{i}", question) for i in turns],
        f"question, one {args.turns}-turn conversation": [
            timed(session, args.url, f"long-{run}", question) for _ in turns],
    }
    for name, samples in cases.items():
        p50, p95 = percentiles(samples)
        print(f"{name:40s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

    count = {"n": 0}
    deadline = time.perf_counter() + 10

    def client(worker: int) -> None:
        own = requests.Session()
        i = 0
        while time.perf_counter() < deadline:
            timed(own, args.url, f"load-{run}-{worker}-{i % 20}", question)
            count["n"] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{'throughput, 2 concurrent clients':40s} {count['n'] / 10:.1f} messages/s")


if __name__ == "__main__":
    main()
