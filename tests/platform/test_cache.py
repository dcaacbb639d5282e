"""advisor.cache.FallbackCache on its own: the shared cache when it answers, process memory
when it does not (the outage tests show it with a real Redis port and a read-only database)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError

from advisor.cache import FallbackCache


class RefusingCache(BaseCache):
    """A cache whose server refuses every connection, as redis-py reports it."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    add = get = set = touch = delete = has_key = incr = clear = get_many = _refuse


def _cache(backend: str, **options: Any) -> FallbackCache:
    return FallbackCache("", {"OPTIONS": {"PRIMARY": {"BACKEND": backend, **options}}})


def test_a_working_shared_cache_holds_the_values():
    cache = _cache("django.core.cache.backends.locmem.LocMemCache", LOCATION="fallback-unit")
    assert cache.add("count", 1, 60)
    assert cache.incr("count") == 2
    assert cache.primary.get("count") == 2  # in the shared cache, not in process memory
    assert cache.local.get("count") is None
    cache.set("history", [1.0, 2.0], 60)
    assert cache.get("history") == [1.0, 2.0] == cache.primary.get("history")


def test_a_refusing_shared_cache_falls_back_and_warns_once(caplog):
    cache = _cache("tests.platform.test_cache.RefusingCache")
    with caplog.at_level(logging.WARNING, logger="advisor.cache"):
        assert cache.add("count", 1, 60) is True
        assert cache.add("count", 1, 60) is False  # already counted, in this process
        assert cache.incr("count") == 2
        cache.set("history", [3.0], 60)
        assert cache.get("history") == [3.0]
        assert cache.get("missing", "default") == "default"
        assert cache.has_key("count")
    warnings = [r for r in caplog.records if r.name == "advisor.cache"]
    assert len(warnings) == 1 and "Connection refused" in warnings[0].getMessage()


def test_the_timeout_applies_to_the_fallback_too():
    cache = _cache("tests.platform.test_cache.RefusingCache")
    cache.set("short", "x", 0)  # Django: a zero timeout expires at once
    assert cache.get("short") is None
