"""Rate limits count in Redis while it answers and in the database when it does not (issue 15:
one round trip on the hot path of Open311 POST); the persistent cache client and the one-command
version stamp."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core.cache import caches

from zhenwu.core.cache import ResilientRedisCache, bump
from zhenwu.core.models import RateCounter
from zhenwu.core.ratelimit import hit

pytestmark = pytest.mark.django_db


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _use_redis(settings: Any, url: str) -> ResilientRedisCache:
    settings.CACHES = {"default": {"BACKEND": "zhenwu.core.cache.ResilientRedisCache", "LOCATION": url}}
    ResilientRedisCache._down_until = 0.0
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    return cache


@pytest.mark.skipif(not _redis_up(), reason="needs the Redis of the machine (CI starts it)")
def test_a_limit_counts_in_redis_and_holds(settings: Any) -> None:
    cache = _use_redis(settings, "redis://127.0.0.1:6379/9")
    cache.clear()
    results = [hit("test:redis-limit", limit=3, period=60) for _ in range(5)]
    assert [over for over, _ in results] == [False, False, False, True, True]
    assert all(0 < wait <= 60 for _, wait in results)
    assert not RateCounter.objects.filter(key="test:redis-limit").exists()  # not in the database
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = client.keys("*rl:test:redis-limit:*")
    assert len(keys) == 1 and 60 < client.ttl(keys[0]) <= 120
    assert cache._cache.get_client(write=True) is client  # type: ignore[attr-defined]  # persistent


def test_with_redis_down_the_limit_counts_in_the_database(settings: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _use_redis(settings, f"redis://127.0.0.1:{port}/0")  # nobody listens there
    results = [hit("test:db-limit", limit=2, period=60)[0] for _ in range(4)]
    assert results == [False, False, True, True]
    assert RateCounter.objects.get(key="test:db-limit").count == 4
    ResilientRedisCache._down_until = 0.0


@pytest.mark.skipif(not _redis_up(), reason="needs the Redis of the machine (CI starts it)")
def test_bump_creates_and_increments_a_stamp_in_one_command(settings: Any) -> None:
    cache = _use_redis(settings, "redis://127.0.0.1:6379/9")
    cache.delete("test:stamp")
    bump("test:stamp")
    bump("test:stamp")
    assert cache.get("test:stamp") == 2


def test_bump_without_redis_uses_add_and_incr(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    bump("test:stamp")
    bump("test:stamp")
    bump("test:stamp")
    assert caches["default"].get("test:stamp") == 3
