"""The Redis cache, degrading to no cache while Redis is unreachable (issue 9, item 5).

Every page that caches (inbox tab counts, the holiday calendar, Open311 keys) computes the value
itself on a miss, so a cache outage costs speed, never a request: reads miss, writes are dropped,
`incr` raises ValueError as for a missing key (callers already fall back on it). After a failure
Redis is skipped for `RETRY_AFTER` seconds so each request does not pay a connect timeout again.
Rate limits count here while Redis answers and in the database otherwise (core.ratelimit).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger("zhenwu.cache")

RETRY_AFTER = 5.0
FAST_FAIL = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


class CacheUnavailable(Exception):
    pass


class PersistentRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (≈ 500 response callbacks) on every command; this
    one keeps one client per connection pool for the life of the process (the pool is shared anyway)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        options = {**FAST_FAIL, "retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = PersistentRedisCacheClient

    def count_in_window(self, key: str, period: int) -> int | None:
        """INCR a window counter and set its expiry in one round trip; None while Redis is down
        (the caller counts elsewhere)."""

        def count() -> int:
            real = self.make_and_validate_key(key)
            pipe = self._client_for(real).pipeline(transaction=False)
            pipe.incr(real)
            pipe.expire(real, period + 60)
            value, _ = pipe.execute()
            return int(value)

        result: int | None = self._guarded(count, None)
        return result

    def bump(self, key: Any, version: Any = None) -> None:
        """Add one to a counter that never expires, creating it at 1: one INCR (version stamps)."""

        def incr() -> Any:
            real = self.make_and_validate_key(key, version=version)
            return self._client_for(real).incr(real)

        self._guarded(incr, None)

    def _client_for(self, real_key: str) -> Any:
        return self._cache.get_client(real_key, write=True)  # type: ignore[attr-defined]

    @classmethod
    def is_down(cls) -> bool:
        return time.monotonic() < cls._down_until

    def _guarded(self, command: Callable[[], Any], default: Any) -> Any:
        """Run one Redis command; while Redis is down (or when it fails now) answer ``default``."""
        from redis.exceptions import RedisError

        if self.is_down():
            return default
        try:
            return command()
        except (RedisError, OSError) as exc:
            type(self)._down_until = time.monotonic() + RETRY_AFTER
            log.warning("Redis 缓存不可用，%s 秒内不用缓存：%s", RETRY_AFTER, exc)
            return default

    def _call(self, name: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        parent = super()
        return self._guarded(lambda: getattr(parent, name)(*args, **kwargs), default)

    def ping(self) -> bool:
        """True when Redis answers now (the health check); ignores the back-off."""
        from redis.exceptions import RedisError

        try:
            return bool(self._cache.get_client(write=True).ping())  # type: ignore[attr-defined]
        except (RedisError, OSError):
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._call("add", False, key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", default, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._call("set", None, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._call("touch", False, key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._call("delete", False, key, version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return dict(self._call("get_many", {}, keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._call("has_key", False, key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        value = self._call("incr", missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return int(value)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return list(self._call("set_many", list(data), data, timeout, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call("delete_many", None, keys, version)

    def clear(self) -> None:
        self._call("clear", False)


def bump(key: str) -> None:
    """Add one to a version stamp in the default cache (one command on Redis; add/incr elsewhere)."""
    from django.core.cache import caches

    cache = caches["default"]
    if isinstance(cache, ResilientRedisCache):
        cache.bump(key)
        return
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


def redis_status() -> str:
    """'none' (no Redis configured), 'ok', or 'degraded' (configured but not answering)."""
    from django.core.cache import caches

    default = caches["default"]
    if not isinstance(default, RedisCache):
        return "none"
    if isinstance(default, ResilientRedisCache):
        return "ok" if default.ping() else "degraded"
    try:
        default._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
    except Exception:
        return "degraded"
    return "ok"
