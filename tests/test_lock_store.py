"""Conversation locks: in memory by default, in the local Redis server when
LOCK_STORE_URL says so (as a clinic running several Rasa servers would)."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from tms.storage import LockStoreConfigError, describe_redis, redis_settings
from addons.lock_store import ConfiguredLockStore
from tests.running_assistant import ROOT

REDIS_URL = "redis://localhost:6379/3"


def test_default_keeps_locks_in_memory(monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert isinstance(ConfiguredLockStore().store, InMemoryLockStore)


def test_redis_url_is_read_with_password_tls_and_database():
    settings = redis_settings("rediss://user:p%40ss@cache.internal:6380/2")
    assert settings == {"host": "cache.internal", "port": 6380, "db": 2,
                        "username": "user", "password": "p@ss", "use_ssl": True,
                        "key_prefix": "tms"}
    assert describe_redis("redis://:secret@cache:6379/1") == "redis://cache:6379/1"


@pytest.mark.parametrize("url", ["http://cache:6379/1", "redis://", "redis://h:port/1",
                                 "redis://h:6379/notanumber"])
def test_a_bad_url_is_a_precise_error(url):
    with pytest.raises(LockStoreConfigError, match="LOCK_STORE_URL"):
        redis_settings(url)


def test_locks_live_in_redis_and_serialise_one_conversation(monkeypatch):
    monkeypatch.setenv("LOCK_STORE_URL", REDIS_URL)
    store = ConfiguredLockStore()
    assert isinstance(store.store, RedisLockStore)
    conversation = f"patient-{uuid.uuid4().hex[:8]}"
    key = f"tms:lock:{conversation}"
    server = redis.Redis(host="localhost", port=6379, db=3)
    order = []

    async def handle(name: str, hold: float) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            assert server.exists(key)
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def both() -> None:
        first = asyncio.create_task(handle("first", 0.3))
        await asyncio.sleep(0.05)
        await asyncio.gather(first, handle("second", 0))

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert not server.exists(key)


def test_unreachable_redis_stops_the_start_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve.py")], cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "LOCK_STORE_URL": "redis://localhost:1/1"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert ("LOCK_STORE_URL: Redis at redis://localhost:1/1 did not answer"
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_a_redis_outage_falls_back_to_memory_and_back(monkeypatch, caplog):
    import logging

    store = ConfiguredLockStore(url=REDIS_URL)
    conversation = f"patient-{uuid.uuid4().hex[:8]}"

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis is down")

    with caplog.at_level(logging.WARNING, logger="addons.lock_store"):
        monkeypatch.setattr(store.store.red, "get", down)
        monkeypatch.setattr(store.store.red, "set", down)

        async def answer():
            async with store.lock(conversation):
                return "replied"

        assert asyncio.run(answer()) == "replied"  # no error for the patient
        assert "unavailable" in caplog.text
        monkeypatch.undo()
        assert asyncio.run(answer()) == "replied"
        assert "answers again" in caplog.text


@pytest.mark.parametrize("workers, refused", [("", False), ("1", False), ("3", True),
                                              ("many", True)])
def test_several_workers_without_redis_are_refused_with_the_reason(workers, refused):
    from scripts.serve import workers_problem

    problem = workers_problem(workers)
    assert bool(problem) is refused
    if workers == "3":
        assert "LOCK_STORE_URL" in problem


@pytest.mark.parametrize("env, refused", [
    ({}, False),  # Rasa's 60 s lock, 3 s action calls
    ({"TMS_ACTION_TIMEOUT_S": "30"}, True),  # 3 calls of 30 s outlive a 60 s lock
    ({"TMS_ACTION_TIMEOUT_S": "30", "TICKET_LOCK_LIFETIME": "120"}, False),
    ({"TICKET_LOCK_LIFETIME": "15"}, True),
    ({"TICKET_LOCK_LIFETIME": "soon"}, True),
])
def test_a_lock_that_could_expire_mid_reply_is_refused_with_the_reason(env, refused):
    from scripts.serve import lock_lifetime_problem

    problem = lock_lifetime_problem(env)
    assert bool(problem) is refused
    if env.get("TMS_ACTION_TIMEOUT_S") == "30" and refused:
        assert "TICKET_LOCK_LIFETIME" in problem and "99" not in problem


def test_a_lock_redis_missed_releasing_is_released_when_it_answers(monkeypatch):
    """Redis goes down while a message holds the conversation's lock: when it is back,
    the patient's next message goes ahead at once instead of waiting a minute for the
    forgotten ticket to expire."""

    store = ConfiguredLockStore(url=REDIS_URL)
    conversation = f"patient-{uuid.uuid4().hex[:8]}"
    server = redis.Redis(host="localhost", port=6379, db=3)
    key = f"tms:lock:{conversation}"

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis is down")

    async def first():
        async with store.lock(conversation):
            for name in ("get", "set", "delete"):
                monkeypatch.setattr(store.store.red, name, down)

    asyncio.run(first())  # released while Redis was down: Redis still holds it
    monkeypatch.undo()
    assert server.exists(key)

    async def next_message():
        async with store.lock(conversation, wait_time_in_seconds=0.05):
            return "replied"

    # a lock left behind would hold the next message until asyncio gives up
    assert asyncio.run(asyncio.wait_for(next_message(), 5)) == "replied"
    assert not server.exists(key)


def test_a_message_waiting_its_turn_when_redis_goes_away_is_still_answered(
        monkeypatch):
    """Without this, Rasa finds the lock gone and the patient gets an error."""
    store = ConfiguredLockStore(url=REDIS_URL)
    conversation = f"patient-{uuid.uuid4().hex[:8]}"
    answered = []

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis is down")

    async def handle(name, hold):
        async with store.lock(conversation, wait_time_in_seconds=0.05):
            await asyncio.sleep(hold)
            answered.append(name)

    async def redis_goes_away():
        await asyncio.sleep(0.15)  # the second message is waiting its turn in Redis
        for name in ("get", "set", "delete"):
            monkeypatch.setattr(store.store.red, name, down)

    async def both():
        first = asyncio.create_task(handle("first", 0.4))
        await asyncio.sleep(0.05)
        await asyncio.gather(first, handle("second", 0), redis_goes_away())

    asyncio.run(asyncio.wait_for(both(), 5))  # no LockError
    assert sorted(answered) == ["first", "second"]
    monkeypatch.undo()
